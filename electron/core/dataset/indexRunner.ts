/**
 * Indexing as the engine runs it: `indexDataset` in a worker thread, with the same options and result.
 * The engine's thread (Electron's main thread) only relays progress and cancellation. The CLI, a
 * one-shot process with nothing else to keep responsive, calls `indexDataset` directly.
 */
import type { IndexResult } from '../../../shared/dataset';
import { EngineError, type RpcError } from '../../../shared/errors';
import { spawnWorker } from '../workers/pool';
import type { IndexOptions } from './indexer';

export interface IndexWorkerData {
  dbPath: string;
  root: string;
  batchSize?: number;
  /** The caller's signal was aborted before the worker started. */
  cancelled?: boolean;
}

export type IndexWorkerMessage =
  | { type: 'progress'; done: number; total: number; phase: string }
  | { type: 'done'; result: IndexResult }
  | { type: 'error'; error: RpcError };

/** The worker entry as a source file (CLI, tests); the bundled app passes its built `indexWorker.js`. */
export const INDEX_WORKER_SOURCE = new URL('./indexWorker.ts', import.meta.url);

export interface WorkerIndexOptions extends IndexOptions {
  /** The worker entry when not the source file. */
  workerEntry?: URL;
}

/** Index `root` into the database at `dbPath` from a worker thread; cancel through `signal` as in-process. */
export function indexInWorker(dbPath: string, root: string, options: WorkerIndexOptions = {}): Promise<IndexResult> {
  const { signal, onProgress, batchSize, workerEntry = INDEX_WORKER_SOURCE } = options;
  const data: IndexWorkerData = { dbPath, root, batchSize, cancelled: signal?.aborted ?? false };
  const worker = spawnWorker(workerEntry, { ...data });
  const cancel = () => worker.postMessage({ type: 'cancel' });
  signal?.addEventListener('abort', cancel, { once: true });
  return new Promise<IndexResult>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', cancel);
      outcome();
    };
    worker.on('message', (m: IndexWorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.done, m.total, m.phase);
      else if (m.type === 'done') settle(() => resolve(m.result));
      else settle(() => reject(new EngineError(m.error.code, m.error.message)));
    });
    worker.on('error', (err) => settle(() => reject(new EngineError('INTERNAL', `indexing worker crashed: ${err.message}`))));
    worker.on('exit', (code) => settle(() => reject(new EngineError('INTERNAL', `indexing worker exited with code ${code} before finishing`))));
  });
}
