import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Db } from '../../../../electron/core/db/database';
import { indexDataset } from '../../../../electron/core/dataset/indexer';
import { readFeatures } from '../../../../electron/core/extraction/cache';
import { createExtractPool, type ExtractPool } from '../../../../electron/core/extraction/extractDataset';
import { featureSpec } from '../../../../electron/core/extraction/featureConfig';
import { ARTIFACT_FILES, PARTIAL_MARK } from '../../../../electron/core/experiments/artifacts';
import { getExperiment } from '../../../../electron/core/experiments/store';
import { clipStanding } from '../../../../electron/core/experiments/standing';
import { runExperiment } from '../../../../electron/core/training/runExperiment';
import { activeBackend } from '../../../../electron/core/training/backend';
import { modelSample, modelSampleLayout } from '../../../../electron/core/training/data';
import { argmaxRows } from '../../../../electron/core/training/fit';
import { speakerScalerFromDb } from '../../../../electron/core/training/speakerNorm';
import { disposePredictor, loadPredictor, predictorProbabilities } from '../../../../electron/core/prediction/predictor';
import { DEFAULT_CONFIG, parseConfig, SEQUENCE_GROUP_NAMES, type Config, type ConfigInput } from '../../../../shared/config';
import { SPEAKER_DEPENDENT_LABEL } from '../../../../shared/experiments';
import { tempDir } from '../../../helpers/fixtureCorpus';
import { repredictTestClips } from '../../../helpers/reproduce';

const corpus = inject('corpus8');
let db: Db;
let datasetId: number;
let pool: ExtractPool;
let artifactsRoot: string;

const cfg = (input: ConfigInput): Config => {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.config;
};
const quick = (training: Record<string, unknown> = {}, model: Record<string, unknown> = {}) =>
  cfg({ model, training: { epochs: 3, test_actors: [7, 8], validation_actors: [5, 6], ...training } });
const run = (config: Config, name: string, signal?: AbortSignal) =>
  runExperiment({ db, datasetId, config, name, artifactsRoot, signal, extract: { pool } });

beforeAll(async () => {
  db = openDatabase(path.join(tempDir('train-db'), 'db.sqlite'));
  datasetId = (await indexDataset(db, corpus)).datasetId;
  pool = createExtractPool(2);
  artifactsRoot = tempDir('artifacts');
});
afterAll(async () => {
  await pool.close();
  db.close();
});

describe('runExperiment', () => {
  it('DNN, held-out actors: finished with every artifact; the saved model reproduces its test predictions', async () => {
    const r = await run(quick(), 'dnn actor');
    const selection = activeBackend();
    expect(selection).not.toBeNull();
    expect(r).toMatchObject({ status: 'finished', backend: selection?.backend, backendReason: selection?.reason, epochsRun: 3, split: { kind: 'actor', speakerDependent: false, testActors: [7, 8], trainActors: [1, 2, 3, 4, 5, 6], validationActors: [] } });
    expect(r.artifacts.files.sort()).toEqual([...ARTIFACT_FILES].sort());
    for (const f of ARTIFACT_FILES) expect(fs.statSync(path.join(r.artifacts.dir, f)).size, f).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(r.artifacts.dir, PARTIAL_MARK))).toBe(false);
    expect(getExperiment(db, r.experimentId)).toMatchObject({ status: 'finished', artifactsDir: r.artifacts.dir, backend: selection?.backend, backendSelection: selection });

    // Reload model + preprocessor from disk alone and predict the test clips again.
    const { saved, again } = await repredictTestClips(db, r.artifacts.dir);
    expect(saved).toHaveLength(r.split.counts.test);
    expect(again).toEqual(saved);
  });

  it('the scaler is fitted on training actors only (never on test clips; with rotated validation the validation actors train too)', async () => {
    const r = await run(quick({ epochs: 1 }), 'scaler');
    const pre = JSON.parse(fs.readFileSync(path.join(r.artifacts.dir, 'preprocessor.json'), 'utf8')) as { scaler: { mean: number[] }; speakerNormalization: { mode: string; fallback: { mean: number[] } } };
    // Speaker-normalised (the default): the global statistics a model keeps for files of unknown speakers
    // are the raw features' over the training actors; its own scaler sees the normalised inputs.
    expect(pre.speakerNormalization.mode).toBe('per_actor');
    const globalMean = pre.speakerNormalization.fallback.mean;
    const hash = featureSpec(quick()).hash;
    const meanOver = (actors: number[]) => {
      const rows = db.prepare(`SELECT id FROM clips WHERE dataset_id = ? AND actor IN (${actors.join(',')}) AND emotion IN ('neutral','calm','happy','sad','angry','fearful')`).all(datasetId) as Array<{ id: number }>;
      const sum = new Float64Array(402);
      for (const { id } of rows) (readFeatures(db, id, hash) as { stats: Float32Array }).stats.forEach((v, d) => (sum[d] = (sum[d] as number) + v));
      return Array.from(sum, (s) => s / rows.length);
    };
    const trainMean = meanOver([1, 2, 3, 4, 5, 6]);
    const allMean = meanOver([1, 2, 3, 4, 5, 6, 7, 8]);
    const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number)) / Math.max(1, Math.abs(v))));
    expect(maxDiff(globalMean, trainMean)).toBeLessThan(1e-4);
    expect(maxDiff(globalMean, allMean)).toBeGreaterThan(1e-3);
    expect(Math.max(...pre.scaler.mean.map(Math.abs))).toBeLessThan(1);
  });

  it.each([
    ['cnn', ['mfcc', 'logmel'], 104],
    ['lstm', [...SEQUENCE_GROUP_NAMES], 201],
  ] as const)('%s on features.sequence %j trains on %i channels per frame; the reloaded model repeats its test predictions', async (name, sequence, channels) => {
    const r = await run(cfg({ features: { sequence: [...sequence] }, model: { name, hidden_layers: [64], dropout_rates: [0.3], ensemble: 1 }, training: { epochs: 2, test_actors: [7, 8], validation_actors: [5, 6] } }), name);
    expect(r).toMatchObject({ status: 'finished', epochsRun: 2 });
    const pre = JSON.parse(fs.readFileSync(path.join(r.artifacts.dir, 'preprocessor.json'), 'utf8')) as { input: string; sampleShape: number[]; featureNames: string[]; featureConfig: { hash: string } };
    expect(pre).toMatchObject({ input: 'sequence', sampleShape: [130, channels] });
    expect(pre.featureNames).toEqual(modelSampleLayout('sequence', featureSpec(DEFAULT_CONFIG).dsp, sequence).featureNames);
    // Through the prediction path (layout read back from featureNames, the actor's own statistics):
    // the labels the evaluation recorded.
    const predictor = await loadPredictor(r.artifacts.dir);
    try {
      const saved = JSON.parse(fs.readFileSync(path.join(r.artifacts.dir, 'test_predictions.json'), 'utf8')) as Array<{ clipId: number; predicted: string }>;
      const actorOf = (id: number) => (db.prepare('SELECT actor FROM clips WHERE id = ?').get(id) as { actor: number }).actor;
      const again = saved.map(({ clipId }) => {
        const x = modelSample(predictor.sampleLayout, readFeatures(db, clipId, pre.featureConfig.hash) as NonNullable<ReturnType<typeof readFeatures>>);
        const speaker = speakerScalerFromDb(db, datasetId, actorOf(clipId), pre.featureConfig.hash, predictor.sampleLayout);
        if (!('scaler' in speaker)) throw new Error(speaker.reason);
        const p = predictorProbabilities(predictor, x, speaker.scaler);
        return predictor.preprocessor.labels[argmaxRows(p, p.length)[0] as number];
      });
      expect(again).toEqual(saved.map((s) => s.predicted));
    } finally {
      disposePredictor(predictor);
    }
  });

  it('ensemble_validation rotate (the default): the validation actors join training, each tower stops on its own group of actors, and the split says so', async () => {
    const r = await run(quick({ epochs: 2 }, { ensemble: 3, hidden_layers: [32], dropout_rates: [0.3] }), 'rotate (the default)');
    expect(r.status).toBe('finished');
    expect(r.split).toMatchObject({ trainActors: [1, 2, 3, 4, 5, 6], validationActors: [], testActors: [7, 8], counts: { train: 6 * 44, validation: 0, test: 2 * 44 } });
    const groups = r.split.towerValidation?.groups ?? [];
    expect(groups).toHaveLength(3);
    expect(groups.flat().sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(fs.readFileSync(path.join(r.artifacts.dir, 'results_summary.txt'), 'utf8')).toContain('validation rotated over the training actors, each network of the ensemble stopping on its own group: [');
    // A former validation actor's clip is now "seen in training", not "seen in validation".
    const e = getExperiment(db, r.experimentId);
    const clip = db.prepare('SELECT id, actor FROM clips WHERE dataset_id = ? AND actor = 5 LIMIT 1').get(datasetId) as { id: number; actor: number };
    expect(clipStanding(e, { ...clip, datasetId }, { deployedFold: null, testClipIds: null })).toMatchObject({ role: 'train', heldOut: false });
    // The same config with shared validation keeps actors 5 and 6 for validation only.
    const shared = await run(quick({ epochs: 1, ensemble_validation: 'shared' }, { ensemble: 3, hidden_layers: [32], dropout_rates: [0.3] }), 'shared');
    expect(shared.split).toMatchObject({ trainActors: [1, 2, 3, 4], validationActors: [5, 6] });
    expect(shared.split.towerValidation).toBeUndefined();
  });

  it('actor k-fold: every actor is test exactly once; results are mean ± sd with a pooled confusion matrix', async () => {
    const r = await run(cfg({ training: { epochs: 1, split: 'actor_kfold', k: 4 } }), 'kfold');
    const e = getExperiment(db, r.experimentId);
    const folds = e.split?.folds ?? [];
    expect(folds).toHaveLength(4);
    expect(folds.flatMap((f) => f.testActors).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(e.history).toHaveLength(4);
    expect(e.metrics?.folds?.reports).toHaveLength(4);
    expect(e.metrics?.folds?.accuracy.sd).toBeGreaterThanOrEqual(0);
    const pooled = (e.metrics?.confusion ?? []).flat().reduce((a, b) => a + b, 0);
    expect(pooled).toBe(8 * 44); // every clip of the 6 configured emotions tested once: 4 neutral + 5 × 8 per actor
  });

  it('stratified split is labelled speaker-dependent (optimistic) wherever results are shown', async () => {
    const r = await run(cfg({ training: { epochs: 1, split: 'stratified' } }), 'stratified');
    expect(r.split).toMatchObject({ kind: 'stratified', speakerDependent: true });
    expect(r.split.testActors).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(fs.readFileSync(path.join(r.artifacts.dir, 'results_summary.txt'), 'utf8')).toContain(SPEAKER_DEPENDENT_LABEL);
  });

  it('cancel mid-run: cancelled with the partial history and no artifact folder', async () => {
    const controller = new AbortController();
    let epochs = 0;
    const r = await runExperiment({
      db, datasetId, config: quick({ epochs: 50, early_stopping: { patience: 50 } }), name: 'cancel me', artifactsRoot, signal: controller.signal, extract: { pool },
      onEpoch: () => {
        if (++epochs === 2) controller.abort();
      },
    });
    const e = getExperiment(db, r.experimentId);
    expect(e).toMatchObject({ status: 'cancelled', artifactsDir: null, metrics: null });
    expect(e.history[0]?.length).toBeGreaterThanOrEqual(2);
    expect(e.history[0]?.length).toBeLessThan(50);
    expect(fs.readdirSync(artifactsRoot).some((d) => d.startsWith(`${r.experimentId}-`))).toBe(false);
  });

  it('a config the data cannot satisfy fails with the reason, and the run is recorded as failed', async () => {
    await expect(run(quick({ test_actors: [23, 24] }), 'bad actors')).rejects.toThrow(/23/);
    const last = db.prepare('SELECT status, error FROM experiments ORDER BY id DESC LIMIT 1').get() as { status: string; error: string };
    expect(last.status).toBe('failed');
    expect(last.error).toMatch(/23/);
  });
});
