/**
 * Honest k-fold: an `actor_kfold` run keeps every fold's model (folds/<n>/), deploys their ensemble
 * (the mean of the fold models' probabilities) or a refit, and a clip of the run's dataset is answered
 * by the fold that held its actor out — so the shown prediction is the evaluation's own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { initResampler } from '../../../../electron/core/audio/resample';
import { artifactFilesOf } from '../../../../electron/core/experiments/artifacts';
import { getExperiment } from '../../../../electron/core/experiments/store';
import { predictFile } from '../../../../electron/core/prediction/predictFile';
import { disposePredictor, loadPredictor, predictorProbabilities } from '../../../../electron/core/prediction/predictor';
import { createPredictionService } from '../../../../electron/core/prediction/service';
import { computeWindowFeatures } from '../../../../electron/core/extraction/clipFeatures';
import { openWavFile } from '../../../../electron/core/audio/decode';
import { modelSample } from '../../../../electron/core/training/data';
import { trainQuickExperiment, type TrainedExperiment } from '../../../helpers/trainedModel';

const corpus = inject('corpus8');
let ensemble: TrainedExperiment;
let refit: TrainedExperiment;
const kfold = { split: 'actor_kfold', k: 4, test_actors: null, validation_actors: null } as const;

beforeAll(async () => {
  await initResampler();
  ensemble = await trainQuickExperiment(corpus, { model: { name: 'logreg', C: 0.1 }, training: kfold }, 'kfold ensemble');
  refit = await trainQuickExperiment(corpus, { model: { hidden_layers: [16], dropout_rates: [0.1] }, training: { ...kfold, epochs: 3, kfold_model: 'refit' } }, 'kfold refit');
}, 240_000);
afterAll(() => {
  ensemble?.db.close();
  refit?.db.close();
});

type Saved = Array<{ clipId: number; path: string; predicted: string }>;
const savedPredictions = (t: TrainedExperiment): Saved => JSON.parse(fs.readFileSync(path.join(t.artifactsDir, 'test_predictions.json'), 'utf8')) as Saved;

describe('actor_kfold keeps every fold model', () => {
  it('writes folds/1…k as complete model folders; the ensemble has no top-level model of its own', () => {
    const { result, artifactsDir } = ensemble;
    expect(result.status).toBe('finished');
    expect([...result.artifacts.files].sort()).toEqual(artifactFilesOf(false, 4).sort());
    expect(fs.existsSync(path.join(artifactsDir, 'model.json'))).toBe(false);
    const top = JSON.parse(fs.readFileSync(path.join(artifactsDir, 'preprocessor.json'), 'utf8')) as { members: string[]; scaler: unknown; fold: unknown };
    expect(top).toMatchObject({ members: ['folds/1', 'folds/2', 'folds/3', 'folds/4'], scaler: null, fold: null });
    for (let f = 1; f <= 4; f++) {
      const p = JSON.parse(fs.readFileSync(path.join(artifactsDir, `folds/${f}/preprocessor.json`), 'utf8')) as { fold: number; scaler: { mean: number[] } };
      expect(p.fold).toBe(f);
      expect(p.scaler.mean.length).toBeGreaterThan(0);
    }
    expect(fs.readFileSync(path.join(artifactsDir, 'results_summary.txt'), 'utf8')).toContain('deployed: the ensemble of its 4 fold models');
  });

  it("the ensemble's probabilities are the mean of its folds'", async () => {
    const whole = await loadPredictor(ensemble.artifactsDir);
    const folds = await Promise.all([1, 2, 3, 4].map((f) => loadPredictor(path.join(ensemble.artifactsDir, `folds/${f}`))));
    try {
      expect(whole.members.map((m) => m.fold)).toEqual([1, 2, 3, 4]);
      const { audio, dsp } = whole.preprocessor.featureConfig;
      const files = savedPredictions(ensemble).slice(0, 6).map((s) => path.join(corpus, s.path));
      const x = new Float32Array(files.length * (whole.preprocessor.sampleShape[0] as number));
      files.forEach((file, i) => {
        const reader = openWavFile(file);
        try {
          x.set(modelSample(whole.sampleLayout, computeWindowFeatures(reader, audio, dsp)), i * (whole.preprocessor.sampleShape[0] as number));
        } finally {
          reader.close();
        }
      });
      const mean = predictorProbabilities(whole, x);
      const each = folds.map((p) => predictorProbabilities(p, x));
      let worst = 0;
      let spread = 0;
      mean.forEach((v, i) => {
        const m = each.reduce((s, p) => s + (p[i] as number), 0) / each.length;
        worst = Math.max(worst, Math.abs(v - m));
        spread = Math.max(spread, ...each.map((p) => Math.abs((p[i] as number) - m)));
      });
      expect(worst).toBeLessThan(1e-6);
      expect(spread).toBeGreaterThan(1e-3); // the folds do disagree: the mean is not trivially any one of them
    } finally {
      disposePredictor(whole);
      folds.forEach(disposePredictor);
    }
  });

  it('an indexed clip is answered by the fold that held its actor out: the evaluation’s own prediction', async () => {
    const experiment = getExperiment(ensemble.db, ensemble.result.experimentId);
    const folds = experiment.split?.folds ?? [];
    expect(folds).toHaveLength(4);
    const service = createPredictionService({ db: ensemble.db, worker: false });
    const whole = await loadPredictor(ensemble.artifactsDir);
    try {
      let differsFromEnsemble = 0;
      for (const s of savedPredictions(ensemble)) {
        const file = path.join(corpus, s.path);
        const p = await service.predict({ experimentId: experiment.id, path: file, displayName: s.path });
        const actor = Number(/(\d\d)\.wav$/.exec(s.path)?.[1]);
        const fold = folds.findIndex((f) => f.testActors.includes(actor)) + 1;
        expect(p.fold, s.path).toBe(fold);
        expect(p.emotion, s.path).toBe(s.predicted);
        expect(p.standing).toMatchObject({ role: 'test', heldOut: true, text: expect.stringContaining(`fold ${fold}'s model answered`) });
        const byEnsemble = predictFile(whole, file);
        const gap = Math.max(...p.labels.map((l) => Math.abs((p.probabilities[l] ?? 0) - (byEnsemble.probabilities[l] ?? 0))));
        if (gap > 1e-4) differsFromEnsemble++;
      }
      // Without routing the answers would be the ensemble's, which saw every actor in training for 3 of 4 folds.
      expect(differsFromEnsemble).toBeGreaterThan(0);
    } finally {
      disposePredictor(whole);
      await service.close();
    }
  });

  it('a file given by path that is an indexed clip is routed too (CLI predict --audio)', async () => {
    const service = createPredictionService({ db: ensemble.db, worker: false });
    try {
      const [s] = savedPredictions(ensemble);
      const p = await service.predict({ path: path.join(corpus, (s as Saved[number]).path) });
      expect(p.fold).toBeGreaterThan(0);
      expect(p.standing?.heldOut).toBe(true);
      expect(p.emotion).toBe(s?.predicted);
    } finally {
      await service.close();
    }
  });

  it('an ensemble whose members do not belong together, or point outside the folder, is refused by name', async () => {
    const copy = path.join(ensemble.dir, 'tampered');
    fs.cpSync(ensemble.artifactsDir, copy, { recursive: true });
    const member = path.join(copy, 'folds/2/preprocessor.json');
    const p = JSON.parse(fs.readFileSync(member, 'utf8')) as { labels: string[] };
    fs.writeFileSync(member, JSON.stringify({ ...p, labels: [...p.labels].reverse() }));
    await expect(loadPredictor(copy)).rejects.toMatchObject({ code: 'BAD_FILE', message: `${member} does not match ${path.join(copy, 'preprocessor.json')} (model, input, features, labels or shape differ): the folders do not belong together` });
    const top = path.join(copy, 'preprocessor.json');
    const t = JSON.parse(fs.readFileSync(top, 'utf8')) as { members: string[] };
    fs.writeFileSync(top, JSON.stringify({ ...t, members: ['../elsewhere', 'folds/1'] }));
    await expect(loadPredictor(copy)).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringContaining('members.0') });
    fs.writeFileSync(top, JSON.stringify({ ...t, scaler: { mean: [0], scale: [1] } }));
    await expect(loadPredictor(copy)).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringContaining('a scaler for a single model, or members') });
  });

  it('refit: one more model on every actor at the top level, the fold models kept beside it', async () => {
    const { result, artifactsDir } = refit;
    expect(result.status).toBe('finished');
    expect([...result.artifacts.files].sort()).toEqual(artifactFilesOf(true, 4).sort());
    const top = await loadPredictor(artifactsDir);
    try {
      expect(top.members).toHaveLength(1);
      expect(top.preprocessor.fold).toBeNull();
      expect(top.preprocessor.members).toBeUndefined();
    } finally {
      disposePredictor(top);
    }
    const service = createPredictionService({ db: refit.db, worker: false });
    try {
      const [s] = savedPredictions(refit);
      const p = await service.predict({ experimentId: result.experimentId, path: path.join(corpus, (s as Saved[number]).path) });
      expect(p.fold).toBeGreaterThan(0);
      expect(p.emotion).toBe(s?.predicted);
    } finally {
      await service.close();
    }
  });
});
