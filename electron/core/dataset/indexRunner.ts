/**
 * Indexing as the engine runs it: `indexDataset` in a worker thread, with the same options and result.
 * The engine's thread (Electron's main thread) only relays progress and cancellation. The CLI, a
 * one-shot process with nothing else to keep responsive, calls `indexDataset` directly.
 */
import type { IndexResult } from '../../../shared/dataset';
import { startJobWorker } from '../workers/jobWorker';
import type { IndexOptions } from './indexer';

export interface IndexWorkerData {
  dbPath: string;
  root: string;
  batchSize?: number;
  /** The caller's signal was aborted before the worker started. */
  cancelled?: boolean;
}

/** What the index worker posts before its end (`done` / `error`, see workers/jobWorker.ts). */
export type IndexProgressMessage = { type: 'progress'; done: number; total: number; phase: string };

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
  const job = startJobWorker<IndexResult, IndexProgressMessage>(workerEntry, { ...data }, 'indexing worker', (m) => onProgress?.(m.done, m.total, m.phase));
  signal?.addEventListener('abort', job.cancel, { once: true });
  const stopListening = () => signal?.removeEventListener('abort', job.cancel);
  return job.result.finally(stopListening);
}
