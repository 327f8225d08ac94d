import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../../../electron/core/db/database';
import { decodeWavFile } from '../../../../electron/core/audio/decode';
import { indexDataset } from '../../../../electron/core/dataset/indexer';
import { createExperiment } from '../../../../electron/core/experiments/store';
import { createPredictionService, type PredictionService } from '../../../../electron/core/prediction/service';
import { tempDir, writeFixtureCorpus } from '../../../helpers/fixtureCorpus';
import { trainQuickExperiment, type TrainedExperiment } from '../../../helpers/trainedModel';
import { pcmWav } from '../../../helpers/wavBytes';

const corpus = inject('corpus8');
let trained: TrainedExperiment;
let saved: Array<{ clipId: number; path: string; predicted: string }>;
let worker: PredictionService;

beforeAll(async () => {
  trained = await trainQuickExperiment(corpus, {}, 'service run');
  saved = JSON.parse(fs.readFileSync(path.join(trained.artifactsDir, 'test_predictions.json'), 'utf8')) as typeof saved;
  worker = createPredictionService({ db: trained.db });
}, 120_000);
afterAll(async () => {
  await worker.close();
  trained.db.close();
});

const clip = (i: number) => path.join(corpus, saved[i]?.path as string);

describe('PredictionService in a worker thread (the engine’s mode)', () => {
  it('without an experiment id, the latest finished experiment answers; labels match its evaluation', async () => {
    for (const i of [0, 1, 2, 3]) {
      const p = await worker.predict({ path: clip(i), displayName: saved[i]?.path });
      expect(p).toMatchObject({ experimentId: trained.result.experimentId, file: saved[i]?.path, emotion: saved[i]?.predicted, modelName: 'advanced_dnn' });
    }
  });

  it('an explicit experiment and a model folder answer the same, once the folder is told which clip it is', async () => {
    const byId = await worker.predict({ experimentId: trained.result.experimentId, path: clip(5) });
    const actor = Number(/(\d\d)\.wav$/.exec(saved[5]?.path ?? '')?.[1]);
    const ref = { id: saved[5]?.clipId as number, actor, datasetId: trained.datasetId };
    const byDir = await worker.predict({ modelDir: trained.artifactsDir, path: clip(5), clip: ref });
    expect(byDir.experimentId).toBeNull();
    expect(byId.speakerNormalization).toMatchObject({ mode: 'per_actor', actor });
    expect(byDir.speakerNormalization).toEqual(byId.speakerNormalization);
    expect(byDir.probabilities).toEqual(byId.probabilities);
    // A bare folder cannot know whose voice a file is: the speaker-normalised default falls back, and says so.
    const bare = await worker.predict({ modelDir: trained.artifactsDir, path: clip(5) });
    expect(bare.speakerNormalization).toMatchObject({ mode: 'fallback' });
    expect(bare.probabilities).not.toEqual(byId.probabilities);
  });

  it('the engine’s event loop keeps turning while a long file is scored', async () => {
    const parts = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => decodeWavFile(clip(i)).samples);
    const long = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (long.set(p, at), at + p.length), 0);
    const file = path.join(tempDir('service-long'), 'long.wav');
    fs.writeFileSync(file, pcmWav([long], 48000));
    await worker.predict({ path: file, hopSec: 0.5 }); // warm: the model is cached in the worker
    let last = performance.now();
    let worst = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    try {
      const p = await worker.predict({ path: file, hopSec: 0.25 });
      expect(p.windows.length).toBeGreaterThan(100);
    } finally {
      clearInterval(timer);
    }
    const took = performance.now() - started;
    expect(took).toBeGreaterThan(200);
    expect(worst).toBeLessThan(Math.min(150, took / 2));
  });

  it('errors come back typed from the worker, naming the file', async () => {
    const missing = path.join(tempDir('service-missing'), 'gone.wav');
    await expect(worker.predict({ path: missing })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `${missing}: file does not exist` });
    // …and the worker is still there for the next question.
    await expect(worker.predict({ path: clip(0) })).resolves.toMatchObject({ emotion: saved[0]?.predicted });
  });
});

describe('which model answers', () => {
  it('no finished experiment: NOT_FOUND saying to train one', async () => {
    const db = openDatabase(path.join(tempDir('service-empty'), 'db.sqlite'));
    const service = createPredictionService({ db, worker: false });
    try {
      await expect(service.predict({ path: clip(0) })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No finished experiment to predict with: train one first' });
      const root = tempDir('service-fixture');
      writeFixtureCorpus(root, [1]);
      const { datasetId } = await indexDataset(db, root);
      createExperiment(db, { name: 'still going', config: trained.config, datasetId, datasetRoot: root });
      await expect(service.predict({ path: clip(0) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(service.predict({ experimentId: 1, path: clip(0) })).rejects.toMatchObject({ code: 'BUSY', message: expect.stringContaining('still training') });
      await expect(service.predict({ experimentId: 99, path: clip(0) })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No experiment with id 99' });
    } finally {
      await service.close();
      db.close();
    }
  });

  it('an experiment whose artifact folder is gone: NOT_FOUND naming the folder', async () => {
    const service = createPredictionService({ db: trained.db, worker: false });
    const moved = `${trained.artifactsDir}.moved`;
    fs.renameSync(trained.artifactsDir, moved);
    try {
      await expect(service.predict({ path: clip(0) })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: `Experiment ${trained.result.experimentId} (service run): its artifacts are missing (the folder ${trained.artifactsDir} no longer exists)`,
      });
    } finally {
      fs.renameSync(moved, trained.artifactsDir);
      await service.close();
    }
  });

  it('an experiment whose folder lost its model: NOT_FOUND naming the file', async () => {
    const service = createPredictionService({ db: trained.db, worker: false });
    const modelJson = path.join(trained.artifactsDir, 'model.json');
    fs.renameSync(modelJson, `${modelJson}.moved`);
    try {
      await expect(service.predict({ path: clip(0) })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`${modelJson} is missing`) });
    } finally {
      fs.renameSync(`${modelJson}.moved`, modelJson);
      await service.close();
    }
  });

  it('without a database only a model folder can answer', async () => {
    const service = createPredictionService({ db: null, worker: false });
    try {
      await expect(service.predict({ path: clip(0) })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
      await expect(service.predict({ modelDir: trained.artifactsDir, path: clip(0) })).resolves.toMatchObject({ experimentId: null, emotion: saved[0]?.predicted });
      await expect(service.predict({ modelDir: trained.artifactsDir, experimentId: 1, path: clip(0) })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    } finally {
      await service.close();
    }
    await expect(service.predict({ modelDir: trained.artifactsDir, path: clip(0) })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
