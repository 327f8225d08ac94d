/**
 * Worker thread that runs one experiment, so the caller's event loop (the Electron main process, the
 * browser-mode server) stays free while TensorFlow.js trains. It opens its own connection to the
 * database (WAL: the caller keeps reading) and reports through messages.
 */
import type { TrainResult } from '../../../shared/experiments';
import { initResampler } from '../audio/resample';
import { openDatabase } from '../db/database';
import { serveJob } from '../workers/jobWorker';
import { runExperiment } from './runExperiment';
import type { TrainProgressMessage, TrainWorkerData } from './trainingRunner';

await serveJob<TrainWorkerData, TrainResult, TrainProgressMessage>(async (data, signal, post) => {
  const db = openDatabase(data.dbPath);
  try {
    await initResampler();
    return await runExperiment({
      db,
      datasetId: data.datasetId,
      config: data.config,
      name: data.name,
      artifactsRoot: data.artifactsRoot,
      signal,
      extract: data.extractWorker ? { workerEntry: new URL(data.extractWorker) } : {},
      onCreated: (experimentId) => post({ type: 'created', experimentId }),
      onBackend: (selection) => post({ type: 'backend', selection }),
      onPhase: (phase, done, total) => post({ type: 'phase', phase, done, total }),
      onEpoch: (event) => post({ type: 'epoch', event }),
    });
  } finally {
    db.close();
  }
});
