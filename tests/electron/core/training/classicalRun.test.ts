/**
 * The classical models (`logreg`, `svm`) as first-class models: each trains through the same experiment
 * pipeline as the neural models (scaler from training actors, artifacts, evaluation), and its saved
 * model reproduces the evaluation through the prediction path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ARTIFACT_FILES } from '../../../../electron/core/experiments/artifacts';
import { getExperiment } from '../../../../electron/core/experiments/store';
import { clipStanding } from '../../../../electron/core/experiments/standing';
import { disposePredictor, loadPredictor } from '../../../../electron/core/prediction/predictor';
import { speakerInputFor } from '../../../../electron/core/prediction/service';
import { predictFile } from '../../../../electron/core/prediction/predictFile';
import { initResampler } from '../../../../electron/core/audio/resample';
import { trainQuickExperiment, type TrainedExperiment } from '../../../helpers/trainedModel';

const corpus = inject('corpus8');

const CASES = [
  { name: 'logreg', model: { name: 'logreg', C: 0.1 }, summary: 'Model: logreg (multinomial logistic regression, L2, C 0.1, balanced class weights)' },
  { name: 'svm', model: { name: 'svm', C: 10 }, summary: 'Model: svm (RBF support-vector classifier, one-vs-one, C 10, gamma scale, balanced class weights, Platt probabilities)' },
] as const;

describe.each(CASES)('$name through the experiment pipeline', ({ name, model, summary }) => {
  let trained: TrainedExperiment;
  beforeAll(async () => {
    await initResampler();
    trained = await trainQuickExperiment(corpus, { model }, `${name} quick`);
  });
  afterAll(() => trained?.db.close());

  it('finishes with every artifact, one logged fit (train and validation scores), held-out actors only', () => {
    const { result } = trained;
    expect(result).toMatchObject({ status: 'finished', epochsRun: 1, split: { kind: 'actor', testActors: [7, 8], validationActors: [5, 6], validationRefit: true } });
    expect([...result.artifacts.files].sort()).toEqual([...ARTIFACT_FILES].sort());
    for (const f of ARTIFACT_FILES) expect(fs.existsSync(path.join(result.artifacts.dir, f)), f).toBe(true);
    const saved = getExperiment(trained.db, result.experimentId);
    expect(saved.modelName).toBe(name);
    expect(saved.history).toHaveLength(1);
    const [log] = saved.history[0] ?? [];
    expect(log).toMatchObject({ epoch: 1, bestEpoch: 1, lr: 0 });
    for (const k of ['loss', 'acc', 'valLoss', 'valAcc'] as const) expect(Number.isFinite(log?.[k]), k).toBe(true);
    // Six classes: chance is 1/6.
    expect(result.accuracy).toBeGreaterThan(2 / 6);
    expect(fs.readFileSync(path.join(result.artifacts.dir, 'results_summary.txt'), 'utf8')).toContain(summary);
  });

  it('its saved model gives every test clip the label its evaluation recorded', async () => {
    const predictor = await loadPredictor(trained.artifactsDir);
    try {
      const saved = JSON.parse(fs.readFileSync(path.join(trained.artifactsDir, 'test_predictions.json'), 'utf8')) as Array<{ clipId: number; path: string; predicted: string }>;
      expect(saved.length).toBe(trained.result.split.counts.test);
      for (const s of saved) {
        // Speaker-normalised (the default): each clip with its actor's statistics, as the service passes them.
        const clip = { id: s.clipId, actor: Number(/(\d\d)\.wav$/.exec(s.path)?.[1]), datasetId: trained.datasetId };
        const speaker = speakerInputFor(trained.db, trained.artifactsDir, clip);
        expect(speaker).toMatchObject({ actor: clip.actor, clips: 60 });
        expect(predictFile(predictor, path.join(corpus, s.path), { speaker }).emotion, s.path).toBe(s.predicted);
      }
    } finally {
      disposePredictor(predictor);
    }
  });

  it('is scored on the validation actors by a fit without them, then refitted on them too (the saved model knows them)', async () => {
    const [log] = getExperiment(trained.db, trained.result.experimentId).history[0] ?? [];
    const predictor = await loadPredictor(trained.artifactsDir);
    try {
      const rows = trained.db.prepare("SELECT id, rel_path AS path, actor, emotion FROM clips WHERE dataset_id = ? AND actor IN (5, 6) AND emotion IN ('neutral','calm','happy','sad','angry','fearful')").all(trained.datasetId) as Array<{ id: number; path: string; actor: number; emotion: string }>;
      const right = rows.filter((r) => {
        const speaker = speakerInputFor(trained.db, trained.artifactsDir, { id: r.id, actor: r.actor, datasetId: trained.datasetId });
        return predictFile(predictor, path.join(corpus, r.path), { speaker }).emotion === r.emotion;
      }).length;
      // Held out, the validation actors scored the logged valAcc; the final fit has seen them.
      expect(right / rows.length).toBeGreaterThan((log?.valAcc as number) + 0.05);
    } finally {
      disposePredictor(predictor);
    }
    const standing = clipStanding(getExperiment(trained.db, trained.result.experimentId), { id: 1, actor: 5, datasetId: trained.datasetId }, { deployedFold: null, testClipIds: null });
    expect(standing).toMatchObject({ role: 'train', heldOut: false, text: 'seen in training — optimistic: actor 05 validated this model and was then in its final fit' });
  });
});
