/**
 * Worker thread that indexes one folder, so a large scan (a stat and a header read per file) never runs
 * on the caller's event loop — the Electron main process, the browser-mode server. It opens its own
 * connection to the database (WAL: the caller keeps reading) and reports through messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toRpcError } from '../../../shared/errors';
import { openDatabase, type Db } from '../db/database';
import { indexDataset } from './indexer';
import type { IndexWorkerData, IndexWorkerMessage } from './indexRunner';

const data = workerData as IndexWorkerData;
const port = parentPort;
if (!port) throw new Error('indexWorker must run in a worker thread');
const post = (m: IndexWorkerMessage) => port.postMessage(m);
const controller = new AbortController();
if (data.cancelled) controller.abort();
// The indexer yields between batches, so a cancel arriving mid-run is seen at the next batch.
port.on('message', (m: { type: 'cancel' }) => {
  if (m.type === 'cancel') controller.abort();
});

let db: Db | null = null;
try {
  db = openDatabase(data.dbPath);
  const result = await indexDataset(db, data.root, {
    signal: controller.signal,
    onProgress: (done, total, phase) => post({ type: 'progress', done, total, phase }),
    batchSize: data.batchSize,
  });
  post({ type: 'done', result });
} catch (err) {
  post({ type: 'error', error: toRpcError(err) });
} finally {
  db?.close();
  port.close();
}
