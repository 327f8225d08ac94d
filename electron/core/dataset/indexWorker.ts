/**
 * Worker thread that indexes one folder, so a large scan (a stat and a header read per file) never runs
 * on the caller's event loop — the Electron main process, the browser-mode server. It opens its own
 * connection to the database (WAL: the caller keeps reading) and reports through messages.
 */
import { openDatabase } from '../db/database';
import { serveJob } from '../workers/jobWorker';
import { indexDataset } from './indexer';
import type { IndexProgressMessage, IndexWorkerData } from './indexRunner';

await serveJob<IndexWorkerData, Awaited<ReturnType<typeof indexDataset>>, IndexProgressMessage>(async (data, signal, post) => {
  const db = openDatabase(data.dbPath);
  try {
    // The indexer yields between batches, so a cancel arriving mid-run is seen at the next batch.
    return await indexDataset(db, data.root, {
      signal: data.cancelled ? AbortSignal.abort() : signal,
      onProgress: (done, total, phase) => post({ type: 'progress', done, total, phase }),
      batchSize: data.batchSize,
    });
  } finally {
    db.close();
  }
});
