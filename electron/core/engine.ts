/**
 * The engine behind every front end: owns the database, the jobs and the events, and implements the
 * contract's methods as plain async functions. The Electron main process, browser mode, the CLI and the
 * tests all construct it the same way; only `host` differs.
 */
import type { AppInfo, EventMessage, HostMode } from '../../shared/contract';
import { EngineError } from '../../shared/errors';
import { openDatabase, type Db } from './db/database';
import { indexDataset, resolveDatasetRoot } from './dataset/indexer';
import { datasetSummary, listClips, listDatasets } from './dataset/store';
import { EventHub } from './events';
import { JobManager } from './jobs/jobManager';
import type { Handlers } from './rpc';
import { APP_VERSION } from './version';

export interface EngineHost {
  mode: HostMode;
  /** A native folder picker, where the host has one (Electron). */
  chooseFolder?: () => Promise<string | null>;
}

export interface EngineOptions {
  dbPath: string;
  host: EngineHost;
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
  const jobs = new JobManager(events.emit);
  const { host } = options;

  const info: AppInfo = {
    version: APP_VERSION,
    mode: host.mode,
    nativeDialogs: host.chooseFolder !== undefined,
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
        const result = await indexDataset(db, canonical, { signal: ctx.signal, onProgress: ctx.progress });
        return { result, cancelled: result.status === 'cancelled' };
      });
      return { jobId };
    },
    'dataset.list': () => listDatasets(db),
    'dataset.summary': ({ datasetId }) => datasetSummary(db, datasetId),
    'dataset.clips': ({ datasetId }) => listClips(db, datasetId),

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
      db.close();
    },
  };
}
