/** Runs an experiment in a training worker and turns its messages into callbacks and a promise. */
import type { Config } from '../../../shared/config';
import type { BackendSelection, EpochEvent, TrainResult } from '../../../shared/experiments';
import { startJobWorker } from '../workers/jobWorker';

export interface TrainWorkerData {
  dbPath: string;
  datasetId: number;
  config: Config;
  name: string;
  artifactsRoot: string;
  /** The extraction worker entry (href) when not the source file (the bundled app). */
  extractWorker?: string;
}

/** What the training worker posts before its end (`done` / `error`, see workers/jobWorker.ts). */
export type TrainProgressMessage =
  | { type: 'created'; experimentId: number }
  | { type: 'backend'; selection: BackendSelection }
  | { type: 'phase'; phase: string; done: number; total: number }
  | { type: 'epoch'; event: Omit<EpochEvent, 'jobId'> };

export const TRAIN_WORKER_SOURCE = new URL('./trainWorker.ts', import.meta.url);

export interface TrainingHandle {
  result: Promise<TrainResult>;
  cancel(): void;
}

export interface TrainingCallbacks {
  onCreated?: (experimentId: number) => void;
  onBackend?: (selection: BackendSelection) => void;
  onPhase?: (phase: string, done: number, total: number) => void;
  onEpoch?: (event: Omit<EpochEvent, 'jobId'>) => void;
}

export function startTraining(data: TrainWorkerData, callbacks: TrainingCallbacks = {}, entry: URL = TRAIN_WORKER_SOURCE): TrainingHandle {
  return startJobWorker<TrainResult, TrainProgressMessage>(entry, { ...data }, 'training worker', (m) => {
    if (m.type === 'created') callbacks.onCreated?.(m.experimentId);
    else if (m.type === 'backend') callbacks.onBackend?.(m.selection);
    else if (m.type === 'phase') callbacks.onPhase?.(m.phase, m.done, m.total);
    else callbacks.onEpoch?.(m.event);
  });
}
