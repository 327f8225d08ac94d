/** Runs an experiment in a training worker and turns its messages into callbacks and a promise. */
import type { Config } from '../../../shared/config';
import { EngineError, type RpcError } from '../../../shared/errors';
import type { EpochEvent, TrainResult } from '../../../shared/experiments';
import { spawnWorker } from '../workers/pool';

export interface TrainWorkerData {
  dbPath: string;
  datasetId: number;
  config: Config;
  name: string;
  artifactsRoot: string;
  /** The extraction worker entry (href) when not the source file (the bundled app). */
  extractWorker?: string;
}

export type TrainWorkerMessage =
  | { type: 'created'; experimentId: number }
  | { type: 'phase'; phase: string; done: number; total: number }
  | { type: 'epoch'; event: Omit<EpochEvent, 'jobId'> }
  | { type: 'done'; result: TrainResult }
  | { type: 'error'; error: RpcError };

export const TRAIN_WORKER_SOURCE = new URL('./trainWorker.ts', import.meta.url);

export interface TrainingHandle {
  result: Promise<TrainResult>;
  cancel(): void;
}

export interface TrainingCallbacks {
  onCreated?: (experimentId: number) => void;
  onPhase?: (phase: string, done: number, total: number) => void;
  onEpoch?: (event: Omit<EpochEvent, 'jobId'>) => void;
}

export function startTraining(data: TrainWorkerData, callbacks: TrainingCallbacks = {}, entry: URL = TRAIN_WORKER_SOURCE): TrainingHandle {
  const worker = spawnWorker(entry, { ...data });
  let settled = false;
  const result = new Promise<TrainResult>((resolve, reject) => {
    worker.on('message', (m: TrainWorkerMessage) => {
      if (m.type === 'created') callbacks.onCreated?.(m.experimentId);
      else if (m.type === 'phase') callbacks.onPhase?.(m.phase, m.done, m.total);
      else if (m.type === 'epoch') callbacks.onEpoch?.(m.event);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.result);
      } else {
        settled = true;
        reject(new EngineError(m.error.code, m.error.message));
      }
    });
    worker.on('error', (err) => {
      if (!settled) reject(new EngineError('INTERNAL', `training worker crashed: ${err.message}`));
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new EngineError('INTERNAL', `training worker exited with code ${code} before finishing`));
      settled = true;
    });
  });
  return { result, cancel: () => worker.postMessage({ type: 'cancel' }) };
}
