/**
 * The engine behind every front end: owns the database, the jobs and the events, and implements the
 * contract's methods as plain async functions. The Electron main process, browser mode, the CLI and the
 * tests all construct it the same way; only `host` differs.
 */
import path from 'node:path';
import { DEFAULT_CONFIG, type Config } from '../../shared/config';
import type { AppInfo, EventMessage, HostMode } from '../../shared/contract';
import type { ClipFeatures } from '../../shared/features';
import { EngineError, toRpcError } from '../../shared/errors';
import { openDatabase, type Db } from './db/database';
import { resolveDatasetRoot } from './dataset/indexer';
import { indexInWorker } from './dataset/indexRunner';
import { datasetSummary, getClip, getDataset, listClips, listDatasets } from './dataset/store';
import { readFeatures } from './extraction/cache';
import { clipFeaturesView } from './extraction/clipView';
import { createExtractPool, extractDataset, type ExtractPool } from './extraction/extractDataset';
import { featureSpec } from './extraction/featureConfig';
import { featureLayout } from './features';
import { removeStaleArtifactTemps } from './experiments/artifacts';
import { getExperiment, listExperiments, markInterrupted, updateExperiment } from './experiments/store';
import { compareExperiments } from './experiments/compare';
import { experimentTestClips, testClipsOrWhy } from './experiments/testClips';
import { OpenedFiles } from './files/openedFiles';
import { playerAudio } from './files/playerAudio';
import { createPredictionService, type PredictionService } from './prediction/service';
import { deleteExperiment, experimentArchive, experimentFolder } from './experiments/manage';
import { startTraining } from './training/trainingRunner';
import { EventHub } from './events';
import { JobManager } from './jobs/jobManager';
import type { Handlers } from './rpc';
import { APP_VERSION } from './version';

export interface EngineHost {
  mode: HostMode;
  /** A native folder picker, where the host has one (Electron). */
  chooseFolder?: () => Promise<string | null>;
  /** A native picker for one WAV file (Electron). */
  chooseAudioFile?: () => Promise<string | null>;
  /** Open a folder in the system file manager (Electron `shell.openPath`): '' on success, else the error. */
  openPath?: (folder: string) => Promise<string>;
}

export interface EngineOptions {
  dbPath: string;
  host: EngineHost;
  /** The config whose features the Clip view shows (default: `configs/default.yaml`'s values). */
  config?: Config;
  /** Feature-extraction worker entry; the bundled app passes its built worker file. */
  extractWorker?: URL;
  /** Training worker entry; the bundled app passes its built worker file. */
  trainWorker?: URL;
  /** Prediction worker entry; the bundled app passes its built worker file. */
  predictWorker?: URL;
  /** Indexing worker entry; the bundled app passes its built worker file. */
  indexWorker?: URL;
  /** Where experiment artifact folders go (default: `experiments/` next to the database; the CLI's `--out DIR`). */
  artifactsRoot?: string;
}

/** Experiment artifact folders live next to the database. */
export function artifactsRootFor(dbPath: string): string {
  return path.join(path.dirname(dbPath), 'experiments');
}

export interface Engine {
  readonly db: Db;
  readonly dbPath: string;
  readonly jobs: JobManager;
  readonly handlers: Handlers;
  subscribe(listener: (message: EventMessage) => void): () => void;
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const db = openDatabase(options.dbPath);
  const events = new EventHub();
  const emitEvent = events.emit;
  const jobs = new JobManager(events.emit);
  const { host } = options;
  const config = options.config ?? DEFAULT_CONFIG;
  const artifactsRoot = options.artifactsRoot ?? artifactsRootFor(options.dbPath);
  // Runs whose process died mid-training are failed ("interrupted"); their half-written folders go.
  markInterrupted(db);
  removeStaleArtifactTemps(artifactsRoot);
  let pool: ExtractPool | null = null;
  const files = new OpenedFiles(path.join(path.dirname(options.dbPath), 'uploads'));
  let predictor: PredictionService | null = null;
  /** Models load and run in a worker made on first use; it keeps recently used models. */
  const predictions = (): PredictionService => (predictor ??= createPredictionService({ db, worker: true, workerEntry: options.predictWorker }));
  /** One pool per engine, made on first use: workers cost a start-up, extraction runs often. */
  const extractPool = (): ExtractPool => (pool ??= createExtractPool(undefined, options.extractWorker));

  // The engine's config is fixed: its feature spec and layout are computed once.
  const spec = featureSpec(config);
  const featureNames = featureLayout(spec.dsp).names;

  /** A clip's features for the Clip view: from the cache, or extracted now through the same workers and cache. */
  async function clipFeatures(datasetId: number, clipId: number): Promise<ClipFeatures> {
    const { clip } = getClip(db, datasetId, clipId);
    let features = readFeatures(db, clip.id, spec.hash);
    if (!features) {
      const result = await extractDataset(db, datasetId, config, { pool: extractPool(), clipIds: [clip.id] });
      features = readFeatures(db, clip.id, spec.hash);
      if (!features) throw new EngineError('BAD_FILE', `${clip.path}: ${result.failed[0]?.reason ?? 'features could not be extracted'}`);
    }
    return clipFeaturesView(clipId, features, featureNames, spec.audio, spec.dsp);
  }

  const info: AppInfo = {
    version: APP_VERSION,
    mode: host.mode,
    nativeDialogs: host.chooseFolder !== undefined,
    nativeOpen: host.openPath !== undefined,
    dbPath: options.dbPath,
  };

  const handlers: Handlers = {
    'app.ping': () => ({ pong: true, time: Date.now() }),
    'app.info': () => info,

    'dataset.chooseFolder': async () => {
      if (!host.chooseFolder) {
        throw new EngineError('UNSUPPORTED', 'This host has no native folder picker: type the folder path instead');
      }
      return { root: await host.chooseFolder() };
    },
    'dataset.startIndex': ({ root }) => {
      // Check the folder before returning a job id, so a typo is an immediate, named error.
      const canonical = resolveDatasetRoot(root);
      const jobId = jobs.start('index', canonical, async (ctx) => {
        const result = await indexInWorker(options.dbPath, canonical, { signal: ctx.signal, onProgress: ctx.progress, workerEntry: options.indexWorker });
        return { result, cancelled: result.status === 'cancelled' };
      });
      return { jobId };
    },
    'dataset.list': () => listDatasets(db),
    'dataset.summary': ({ datasetId }) => datasetSummary(db, datasetId),
    'dataset.clips': ({ datasetId }) => listClips(db, datasetId),

    'clip.get': ({ datasetId, clipId }) => getClip(db, datasetId, clipId).clip,
    'clip.audio': ({ datasetId, clipId }) => {
      const { clip, file } = getClip(db, datasetId, clipId);
      return playerAudio(file, clip.path, 'the file is gone (re-index the dataset)');
    },
    'clip.features': ({ datasetId, clipId }) => clipFeatures(datasetId, clipId),
    'features.startExtract': ({ datasetId }) => {
      getDataset(db, datasetId);
      const jobId = jobs.start('extract', `dataset ${datasetId}`, async (ctx) => {
        const result = await extractDataset(db, datasetId, config, { signal: ctx.signal, onProgress: ctx.progress, pool: extractPool() });
        return { result, cancelled: result.status === 'cancelled' };
      });
      return { jobId };
    },

    'training.start': ({ datasetId, config: runConfig, name, reindex }) => {
      const dataset = getDataset(db, datasetId);
      const runName = name ?? `${runConfig.model.name} ${runConfig.training.split} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`;
      const jobId = jobs.start('train', `${runName} on ${dataset.name}`, async (ctx) => {
        if (reindex) {
          // Incremental: an unchanged folder costs one stat per file. New, changed or vanished files are picked up.
          const indexed = await indexInWorker(options.dbPath, dataset.root, {
            signal: ctx.signal,
            onProgress: (done, total) => ctx.progress(done, total, 'indexing'),
            workerEntry: options.indexWorker,
          });
          if (indexed.status === 'cancelled' || ctx.signal.aborted) throw new EngineError('CANCELLED', 'cancelled while indexing');
        }
        let createdId: number | null = null;
        const handle = startTraining(
          {
            dbPath: options.dbPath,
            datasetId,
            config: runConfig,
            name: runName,
            artifactsRoot,
            extractWorker: options.extractWorker?.href,
          },
          {
            onCreated: (experimentId) => {
              createdId = experimentId;
              ctx.setExperimentId(experimentId);
            },
            onBackend: (selection) => emitEvent({ event: 'training.backend', payload: { jobId: ctx.jobId, experimentId: createdId ?? 0, selection } }),
            onPhase: (phase, done, total) => ctx.progress(done, total, phase),
            onEpoch: (e) => {
              ctx.progress(e.epoch, e.epochs, e.fold ? `training fold ${e.fold}/${e.folds}` : 'training');
              emitEvent({ event: 'training.epoch', payload: { ...e, jobId: ctx.jobId } });
            },
          },
          options.trainWorker,
        );
        ctx.signal.addEventListener('abort', () => handle.cancel(), { once: true });
        return handle.result.then((result) => ({ result, cancelled: result.status === 'cancelled' }));
      });
      return { jobId };
    },
    'experiments.list': () => listExperiments(db),
    'experiments.get': ({ id }) => getExperiment(db, id),
    'experiments.compare': ({ ids }) => compareExperiments(ids.map((id) => getExperiment(db, id)), (e) => testClipsOrWhy(db, e)),
    'experiments.update': ({ id, name, notes }) => updateExperiment(db, id, { name, notes }),
    'experiments.delete': ({ id }) => {
      deleteExperiment(db, artifactsRoot, id);
      return { deleted: true };
    },
    'experiments.openFolder': async ({ id }) => {
      if (!host.openPath) {
        throw new EngineError('UNSUPPORTED', 'This host cannot open folders: download the artifacts instead');
      }
      const folder = experimentFolder(getExperiment(db, id));
      const problem = await host.openPath(folder);
      if (problem) throw new EngineError('UNREADABLE', `Could not open ${folder}: ${problem}`);
      return { opened: true };
    },
    'experiments.archive': ({ id }) => experimentArchive(getExperiment(db, id)),

    'experiments.testClips': ({ id }) => experimentTestClips(db, getExperiment(db, id)),

    'files.choose': async () => {
      if (!host.chooseAudioFile) {
        throw new EngineError('UNSUPPORTED', 'This host has no native file picker: upload the file instead');
      }
      const chosen = await host.chooseAudioFile();
      return { file: chosen === null ? null : files.openPath(chosen) };
    },
    'files.uploadStart': ({ name, sizeBytes }) => ({ uploadId: files.startUpload(name, sizeBytes) }),
    'files.uploadChunk': ({ uploadId, offset, base64 }) => ({ received: files.appendUpload(uploadId, offset, Buffer.from(base64, 'base64')) }),
    'files.uploadFinish': ({ uploadId }) => files.finishUpload(uploadId),
    'files.audio': ({ fileId }) => files.audio(fileId),
    'files.features': async ({ fileId }) => {
      const opened = files.get(fileId);
      let result: Awaited<ReturnType<ExtractPool['run']>>;
      try {
        result = await extractPool().run({ path: opened.path, audio: spec.audio, dsp: spec.dsp });
      } catch (err) {
        const { code, message } = toRpcError(err);
        throw new EngineError(code === 'INTERNAL' ? 'BAD_FILE' : code, message.startsWith(opened.path) ? `${opened.file.name}${message.slice(opened.path.length)}` : `${opened.file.name}: ${message}`);
      }
      return clipFeaturesView(null, result, featureNames, spec.audio, spec.dsp);
    },
    'predict.clip': async ({ experimentId, source, hopSec }) => {
      if (source.kind === 'file') {
        const opened = files.get(source.fileId);
        return predictions().predict({ experimentId, path: opened.path, hopSec, displayName: opened.file.name });
      }
      const { clip, file } = getClip(db, source.datasetId, source.clipId);
      // The service says whether the answering model saw this clip's speaker (only a held-out clip's
      // verdict is evidence) and, for k-fold runs, asks the fold that held the actor out.
      return predictions().predict({ experimentId, path: file, hopSec, displayName: clip.path, clip: { id: clip.id, actor: clip.actor, datasetId: source.datasetId } });
    },

    'jobs.list': () => jobs.list(),
    'jobs.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
  };

  let closed = false;
  return {
    db,
    dbPath: options.dbPath,
    jobs,
    handlers,
    subscribe: (listener) => events.subscribe(listener),
    async close() {
      if (closed) return;
      closed = true;
      await jobs.shutdown();
      await pool?.close();
      await predictor?.close();
      files.close();
      db.close();
    },
  };
}
