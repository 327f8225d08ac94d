/**
 * The engine's prediction service: finds the model (an experiment's artifact folder, the latest finished
 * experiment's, or a folder given directly), then scores the file — in a worker thread by default, so
 * TensorFlow.js inference and a long file's decoding never block the caller's event loop. The worker
 * keeps the model cache (`PredictorCache`), so repeated questions to the same model skip the load.
 * The CLI uses the in-process mode: one short-lived command gains nothing from a worker's start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../../shared/errors';
import type { Experiment } from '../../../shared/experiments';
import type { Prediction } from '../../../shared/prediction';
import type { Db } from '../db/database';
import { findClipByFile } from '../dataset/store';
import { findArtifactFolder, foldFolder } from '../experiments/artifacts';
import { clipStanding, deployedFold } from '../experiments/standing';
import { testClipsOrWhy } from '../experiments/testClips';
import { sampleLayoutFromNames } from '../training/data';
import { speakerScalerFromDb } from '../training/speakerNorm';
import type { SpeakerInput } from './predictFile';
import { PREPROCESSOR_FILE, readPreprocessor, type Preprocessor } from './preprocessor';
import { getExperiment, latestFinishedExperiment } from '../experiments/store';
import { WorkerPool } from '../workers/pool';

/** The worker entry as a source file (CLI, tests); the bundled app passes its built `predictWorker.js`. */
export const PREDICT_WORKER_SOURCE = new URL('./worker.ts', import.meta.url);

export interface PredictionServiceOptions {
  /** Where experiments are looked up; null when only model folders (`modelDir`) will be asked for. */
  db: Db | null;
  /** Run models in a worker thread (default true); false runs them in this thread (the CLI). */
  worker?: boolean;
  /** The worker entry when not the source file (the bundled app passes its built worker). */
  workerEntry?: URL;
}

export interface PredictRequest {
  /** The experiment whose model answers; default: the latest finished experiment. */
  experimentId?: number;
  /** A model folder (model.json + weights.bin + preprocessor.json) instead of an experiment. */
  modelDir?: string;
  /** The WAV file to judge. */
  path: string;
  /** Hop between sliding windows on long clips (default DEFAULT_HOP_SEC). */
  hopSec?: number;
  /** Shown as `Prediction.file` and parsed for a RAVDESS ground truth (default: `path`). */
  displayName?: string;
  /**
   * The indexed clip the file is, when it is one: then the answer says where the clip stood for the
   * model (`Prediction.standing`), and a k-fold run answers with the fold that held its actor out.
   * Default: looked up by path in the answering experiment's dataset (so `predict --audio` on a file of
   * the training folder is routed and labelled too).
   */
  clip?: IndexedClipRef;
}

export interface IndexedClipRef {
  id: number;
  actor: number;
  datasetId: number;
}

export interface PredictionService {
  predict(request: PredictRequest): Promise<Prediction>;
  /** Stops the worker (or releases the in-process models). Pending predictions fail with CANCELLED. */
  close(): Promise<void>;
}

/** What the worker is asked: the model folder is already resolved. */
export interface PredictTask {
  dir: string;
  path: string;
  hopSec?: number;
  displayName?: string;
  experimentId: number | null;
  /** `per_actor` models: the clip's speaker statistics, or why there are none (see predictFile). */
  speaker?: SpeakerInput;
}

/** The model folder a request names, and the experiment it belongs to (null for a folder given directly). */
export function resolveModelDir(db: Db | null, request: Pick<PredictRequest, 'experimentId' | 'modelDir'>): { dir: string; experimentId: number | null } {
  if (request.modelDir !== undefined) {
    if (request.experimentId !== undefined) throw new EngineError('INVALID_PAYLOAD', 'give an experiment or a model folder, not both');
    return { dir: path.resolve(request.modelDir), experimentId: null };
  }
  if (db === null) throw new EngineError('INVALID_PAYLOAD', 'no database is open: give a model folder to predict with');
  const experiment = request.experimentId !== undefined ? getExperiment(db, request.experimentId) : latestFinishedExperiment(db);
  if (experiment === null) throw new EngineError('NOT_FOUND', 'No finished experiment to predict with: train one first');
  const label = `Experiment ${experiment.id} (${experiment.name})`;
  if (experiment.status === 'running') throw new EngineError('BUSY', `${label} is still training: it has no model yet`);
  if (experiment.status !== 'finished') throw new EngineError('NOT_FOUND', `${label} has no trained model: it ${experiment.status === 'failed' ? 'failed' : 'was cancelled'}`);
  const found = findArtifactFolder(experiment.artifactsDir);
  if (found.folder === null) throw new EngineError('NOT_FOUND', `${label}: its artifacts are missing (${found.problem})`);
  return { dir: found.folder, experimentId: experiment.id };
}

/**
 * The fold model that held `clip`'s actor out, for a k-fold run that kept its fold models
 * (`folds/<n>/`); null when the clip is from another dataset, its actor was in no fold's test actors,
 * or the run is not k-fold (or predates kept fold models).
 */
export function outOfFoldRoute(experiment: Experiment, dir: string, clip: IndexedClipRef): { fold: number; dir: string } | null {
  const folds = experiment.split?.kind === 'actor_kfold' ? experiment.split.folds : undefined;
  if (!folds || experiment.datasetId !== clip.datasetId) return null;
  const index = folds.findIndex((f) => f.testActors.includes(clip.actor));
  if (index === -1) return null;
  const foldDir = path.join(dir, foldFolder(index + 1));
  if (!fs.existsSync(path.join(foldDir, PREPROCESSOR_FILE))) return null;
  return { fold: index + 1, dir: foldDir };
}

/**
 * For a model trained with per_actor speaker normalisation: the statistics of `clip`'s actor in its own
 * dataset (over the features cached for the model's feature config), or why there are none. Undefined
 * for a `none` model, or when the folder cannot be read (the worker then reports why).
 */
export function speakerInputFor(db: Db | null, dir: string, clip: IndexedClipRef | undefined): SpeakerInput | undefined {
  let p: Preprocessor;
  try {
    p = readPreprocessor(dir).preprocessor;
  } catch {
    return undefined;
  }
  if (p.speakerNormalization.mode !== 'per_actor') return undefined;
  if (!clip || db === null) return undefined;
  const found = speakerScalerFromDb(db, clip.datasetId, clip.actor, p.featureConfig.hash, sampleLayoutFromNames(p.input, p.featureConfig.dsp, p.featureNames));
  return 'scaler' in found ? { actor: found.actor, clips: found.clips, scaler: found.scaler.toJSON() } : { reason: found.reason };
}

function indexedClipOf(db: Db, experiment: Experiment, file: string): IndexedClipRef | undefined {
  if (experiment.datasetId === null) return undefined;
  const clip = findClipByFile(db, experiment.datasetId, file);
  return clip ? { id: clip.id, actor: clip.actor, datasetId: experiment.datasetId } : undefined;
}

export function createPredictionService(options: PredictionServiceOptions): PredictionService {
  const { db } = options;
  let closed = false;
  let run: ((task: PredictTask) => Promise<Prediction>) | null = null;
  let shutdown: (() => Promise<void>) | null = null;

  async function runner(): Promise<(task: PredictTask) => Promise<Prediction>> {
    if (run) return run;
    if (options.worker ?? true) {
      // One worker: it owns the model cache, and TensorFlow.js in Node is single-threaded anyway.
      const pool = new WorkerPool<PredictTask, Prediction>(options.workerEntry ?? PREDICT_WORKER_SOURCE, 1);
      run = (task) => pool.run(task);
      shutdown = () => pool.close();
    } else {
      // Imported here, so the worker-mode engine never loads TensorFlow.js into its own thread.
      const { predictInProcess, releaseInProcess } = await import('./inProcess');
      run = predictInProcess;
      shutdown = async () => releaseInProcess();
    }
    return run;
  }

  return {
    async predict(request) {
      if (closed) throw new EngineError('CANCELLED', 'the prediction service is closed');
      if (typeof request.path !== 'string' || request.path === '') throw new EngineError('INVALID_PAYLOAD', 'a file path is required');
      const { dir, experimentId } = resolveModelDir(db, request);
      const experiment = db !== null && experimentId !== null ? getExperiment(db, experimentId) : null;
      const clip = request.clip ?? (experiment ? indexedClipOf(db as Db, experiment, request.path) : undefined);
      // k-fold: an indexed clip of the run's dataset goes to the fold that held its actor out.
      const route = experiment && clip ? outOfFoldRoute(experiment, dir, clip) : null;
      const task: PredictTask = { dir: route?.dir ?? dir, path: request.path, experimentId };
      const speaker = speakerInputFor(db, task.dir, clip);
      if (speaker) task.speaker = speaker;
      if (request.hopSec !== undefined) task.hopSec = request.hopSec;
      if (request.displayName !== undefined) task.displayName = request.displayName;
      const prediction = await (await runner())(task);
      if (route) prediction.fold = route.fold;
      if (experiment && clip && db !== null) {
        const tested = experiment.split?.speakerDependent ? testClipsOrWhy(db, experiment) : null;
        const standing = clipStanding(experiment, clip, {
          answeringFold: route?.fold ?? null,
          // A k-fold run from before fold models were kept saved one fold's model: read which.
          deployedFold: experiment.split?.kind === 'actor_kfold' && !route ? deployedFold(experiment.artifactsDir) : null,
          testClipIds: Array.isArray(tested) ? new Set(tested.map((t) => t.clipId)) : null,
        });
        if (standing) prediction.standing = standing;
      }
      return prediction;
    },
    async close() {
      closed = true;
      await shutdown?.();
    },
  };
}
