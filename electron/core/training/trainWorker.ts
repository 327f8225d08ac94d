/**
 * Worker thread that runs one experiment, so the caller's event loop (the Electron main process, the
 * browser-mode server) stays free while TensorFlow.js trains. It opens its own connection to the
 * database (WAL: the caller keeps reading) and reports through messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../../../shared/config';
import { toRpcError } from '../../../shared/errors';
import { openDatabase } from '../db/database';
import { initResampler } from '../audio/resample';
import { runExperiment } from './runExperiment';
import type { TrainWorkerData, TrainWorkerMessage } from './trainingRunner';

const data = workerData as TrainWorkerData & { config: Config };
const port = parentPort;
if (!port) throw new Error('trainWorker must run in a worker thread');
const post = (m: TrainWorkerMessage) => port.postMessage(m);
const controller = new AbortController();
port.on('message', (m: { type: 'cancel' }) => {
  if (m.type === 'cancel') controller.abort();
});

const db = openDatabase(data.dbPath);
try {
  await initResampler();
  const result = await runExperiment({
    db,
    datasetId: data.datasetId,
    config: data.config,
    name: data.name,
    artifactsRoot: data.artifactsRoot,
    signal: controller.signal,
    extract: data.extractWorker ? { workerEntry: new URL(data.extractWorker) } : {},
    onCreated: (experimentId) => post({ type: 'created', experimentId }),
    onPhase: (phase, done, total) => post({ type: 'phase', phase, done, total }),
    onEpoch: (event) => post({ type: 'epoch', event }),
  });
  post({ type: 'done', result });
} catch (err) {
  post({ type: 'error', error: toRpcError(err) });
} finally {
  db.close();
  port.close();
}
