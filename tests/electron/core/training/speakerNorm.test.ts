import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFeatures } from '../../../../electron/core/extraction/cache';
import { predictFile } from '../../../../electron/core/prediction/predictFile';
import { disposePredictor, loadPredictor, predictorProbabilities, type Predictor } from '../../../../electron/core/prediction/predictor';
import { readPreprocessor } from '../../../../electron/core/prediction/preprocessor';
import { createPredictionService, type PredictionService } from '../../../../electron/core/prediction/service';
import { modelSample } from '../../../../electron/core/training/data';
import { StandardScaler } from '../../../../electron/core/training/scaler';
import { fitSpeakerScaler, MIN_SPEAKER_CLIPS, normalizeBySpeaker, speakerScalerFromDb } from '../../../../electron/core/training/speakerNorm';
import { tempDir } from '../../../helpers/fixtureCorpus';
import { actorStatsByHand } from '../../../helpers/reproduce';
import { trainQuickExperiment, type TrainedExperiment } from '../../../helpers/trainedModel';

describe('speaker statistics', () => {
  it('are per channel over every frame of every clip of the speaker (population std)', () => {
    // Two clips of 3 frames × 2 channels, frame-major.
    const a = Float32Array.from([1, 10, 2, 20, 3, 30]);
    const b = Float32Array.from([4, 40, 5, 50, 6, 60]);
    const s = fitSpeakerScaler([a, b], 2);
    // Channel 0: 1..6 → mean 3.5, population sd sqrt(35/12); channel 1 is ten times that.
    expect(s.mean[0]).toBeCloseTo(3.5, 12);
    expect(s.mean[1]).toBeCloseTo(35, 12);
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(35 / 12), 12);
    expect(s.scale[1]).toBeCloseTo(10 * Math.sqrt(35 / 12), 10);
  });

  it('normalise each row by its own actor, and refuse a row of an actor without statistics', () => {
    const x = Float32Array.from([2, 4, 2, 4]); // two rows of 2 values, identical
    const scalers = new Map([
      [1, StandardScaler.fromJSON({ mean: [0, 0], scale: [1, 2] })],
      [2, StandardScaler.fromJSON({ mean: [2, 4], scale: [1, 1] })],
    ]);
    expect(Array.from(normalizeBySpeaker(x, 2, 2, [1, 2], scalers))).toEqual([2, 2, 0, 0]);
    expect(() => normalizeBySpeaker(x, 2, 2, [1, 3], scalers)).toThrow(/no statistics for actor 3/);
  });
});

describe('features.speaker_normalization: per_actor, end to end', () => {
  const corpus = inject('corpus8');
  let trained: TrainedExperiment;
  let predictor: Predictor;
  let service: PredictionService;
  let saved: Array<{ clipId: number; path: string; predicted: string }>;

  beforeAll(async () => {
    trained = await trainQuickExperiment(corpus, { features: { speaker_normalization: 'per_actor' } }, 'per actor');
    predictor = await loadPredictor(trained.artifactsDir);
    service = createPredictionService({ db: trained.db, worker: false });
    saved = JSON.parse(fs.readFileSync(path.join(trained.artifactsDir, 'test_predictions.json'), 'utf8')) as typeof saved;
  }, 120_000);
  afterAll(async () => {
    disposePredictor(predictor);
    await service.close();
    trained.db.close();
  });

  it('the saved model records the mode and a global fallback of the raw training inputs', () => {
    const { preprocessor } = readPreprocessor(trained.artifactsDir);
    const norm = preprocessor.speakerNormalization;
    expect(norm).toMatchObject({ mode: 'per_actor', minClips: MIN_SPEAKER_CLIPS });
    if (norm.mode !== 'per_actor') throw new Error('unreachable');
    const channels = preprocessor.featureNames.length;
    expect(norm.fallback?.mean).toHaveLength(channels);
    // The model's own scaler is fitted on speaker-normalised inputs (≈ zero mean, unit spread), the
    // fallback on raw features (e.g. log energies far from zero): they are different statistics.
    const scaler = preprocessor.scaler as { mean: number[] };
    const far = (norm.fallback?.mean ?? []).filter((m, i) => Math.abs(m - (scaler.mean[i] as number)) > 1).length;
    expect(far).toBeGreaterThan(channels / 4);
    expect(Math.max(...scaler.mean.map(Math.abs))).toBeLessThan(1);
    expect(fs.readFileSync(path.join(trained.artifactsDir, 'results_summary.txt'), 'utf8')).toContain("Speaker normalisation: per_actor (each clip standardised by its own actor's statistics");
  });

  it("an indexed clip is normalised by its actor's statistics: the evaluation's own prediction", async () => {
    let differsFromFallback = 0;
    for (const s of saved) {
      const p = await service.predict({ path: path.join(corpus, s.path), displayName: s.path });
      const actor = Number(/(\d\d)\.wav$/.exec(s.path)?.[1]);
      expect(p.emotion, s.path).toBe(s.predicted);
      // Every clip of the actor counts, whatever its emotion (no label is read): all 60 of corpus8's.
      expect(p.speakerNormalization).toMatchObject({ mode: 'per_actor', actor, clips: 60 });
      expect(p.warnings.join(' ')).not.toMatch(/global statistics/);
      const fallback = predictFile(predictor, path.join(corpus, s.path));
      const gap = Math.max(...p.labels.map((l) => Math.abs((p.probabilities[l] ?? 0) - (fallback.probabilities[l] ?? 0))));
      if (gap > 1e-3) differsFromFallback++;
    }
    // Without the speaker's statistics the answers would be the fallback's.
    expect(differsFromFallback).toBeGreaterThan(saved.length / 2);
  });

  it("equals the model applied to the clip's features standardised by its actor's clips, computed by hand", async () => {
    const s = saved[0] as (typeof saved)[number];
    const { featureConfig } = predictor.preprocessor;
    const byHand = actorStatsByHand(trained.db, s.clipId, featureConfig.hash);
    const own = readFeatures(trained.db, s.clipId, featureConfig.hash);
    if (!own) throw new Error('no features');
    const expected = predictorProbabilities(predictor, modelSample(predictor.sampleLayout, own), StandardScaler.fromJSON(byHand));
    const p = await service.predict({ path: path.join(corpus, s.path) });
    p.labels.forEach((label, i) => expect(p.probabilities[label]).toBeCloseTo(expected[i] as number, 4));
  });

  it('a file of no known speaker falls back to the global statistics and says so', async () => {
    const copy = path.join(tempDir('speaker-copy'), path.basename((saved[0] as (typeof saved)[number]).path));
    fs.copyFileSync(path.join(corpus, (saved[0] as (typeof saved)[number]).path), copy);
    const p = await service.predict({ path: copy });
    expect(p.speakerNormalization).toMatchObject({ mode: 'fallback', reason: 'the file is not an indexed clip, so its speaker is unknown' });
    expect(p.warnings.join(' ')).toMatch(/normalises each speaker by their own statistics, but the file is not an indexed clip.*global statistics/);
    const direct = predictFile(predictor, copy);
    expect(p.probabilities).toEqual(direct.probabilities);
  });

  it('an actor with too few extracted clips falls back too, saying how many there are', async () => {
    const s = saved[0] as (typeof saved)[number];
    const actor = Number(/(\d\d)\.wav$/.exec(s.path)?.[1]);
    const hash = predictor.preprocessor.featureConfig.hash;
    const before = speakerScalerFromDb(trained.db, trained.datasetId, actor, hash, predictor.sampleLayout);
    expect(before).toMatchObject({ actor, clips: 60 });
    const backup = trained.db.prepare('SELECT * FROM clip_features WHERE config_hash = ? AND clip_id IN (SELECT id FROM clips WHERE actor = ? AND id != ?)').all(hash, actor, s.clipId) as Array<Record<string, unknown>>;
    trained.db.prepare('DELETE FROM clip_features WHERE config_hash = ? AND clip_id IN (SELECT id FROM clips WHERE actor = ? AND id != ?)').run(hash, actor, s.clipId);
    try {
      const p = await service.predict({ path: path.join(corpus, s.path) });
      expect(p.speakerNormalization).toMatchObject({ mode: 'fallback', reason: expect.stringContaining(`actor ${actor} has 1 clip with features for this model (at least ${MIN_SPEAKER_CLIPS}`) });
    } finally {
      const columns = Object.keys(backup[0] ?? {});
      const insert = trained.db.prepare(`INSERT INTO clip_features (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
      for (const row of backup) insert.run(row);
    }
    expect(speakerScalerFromDb(trained.db, trained.datasetId, actor, hash, predictor.sampleLayout)).toMatchObject({ clips: 60 });
  });

  it('a folder written before speaker normalisation reads as none; a per_actor model without its fallback is refused', async () => {
    const { preprocessor } = readPreprocessor(trained.artifactsDir);
    const old = path.join(tempDir('speaker-old'), 'model');
    fs.cpSync(trained.artifactsDir, old, { recursive: true });
    const file = path.join(old, 'preprocessor.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete json.speakerNormalization;
    fs.writeFileSync(file, JSON.stringify(json));
    expect(readPreprocessor(old).preprocessor.speakerNormalization).toEqual({ mode: 'none' });
    fs.writeFileSync(file, JSON.stringify({ ...json, speakerNormalization: { mode: 'per_actor', minClips: 10, fallback: null } }));
    await expect(loadPredictor(old)).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringMatching(/speakerNormalization\.fallback: per_actor: a fallback scaler/) });
    fs.writeFileSync(file, JSON.stringify({ ...json, speakerNormalization: { mode: 'per_actor', minClips: 10, fallback: { mean: [1], scale: [1] } } }));
    await expect(loadPredictor(old)).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringMatching(/fallback has 1 means/) });
    expect(preprocessor.speakerNormalization.mode).toBe('per_actor');
  });
});
