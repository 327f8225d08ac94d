import { describe, expect, it } from 'vitest';
import { bestIndices, compareExperiments, configDiff, type TestClipsOf } from '../../../../electron/core/experiments/compare';
import { mcnemarExact } from '../../../../electron/core/evaluation/significance';
import type { TestClip } from '../../../../shared/prediction';
import { DEFAULT_CONFIG, type Config } from '../../../../shared/config';
import type { Experiment, ExperimentMetrics, SplitInfo } from '../../../../shared/experiments';

const split = (kind: SplitInfo['kind'], testActors: number[]): SplitInfo => ({
  kind, speakerDependent: kind === 'stratified', trainActors: [], validationActors: [], testActors, counts: { train: 0, validation: 0, test: 0 },
});
const metrics = (acc: number, f1: Record<string, number>): ExperimentMetrics => ({
  labels: Object.keys(f1) as ExperimentMetrics['labels'],
  confusion: [],
  report: {
    accuracy: acc,
    macro: { precision: acc, recall: acc, f1: acc },
    weighted: { precision: acc, recall: acc, f1: acc },
    perClass: Object.fromEntries(Object.entries(f1).map(([k, v]) => [k, { precision: v, recall: v, f1: v, support: 10 }])),
  },
});
const experiment = (id: number, config: Config, s: SplitInfo | null, m: ExperimentMetrics | null, status: Experiment['status'] = 'finished'): Experiment => ({
  id, name: `run ${id}`, createdAt: '', finishedAt: null, status, error: null, config, datasetId: 1, datasetRoot: '/data', modelName: config.model.name,
  split: s, backend: 'wasm', backendSelection: null, durations: null, history: [[]], metrics: m, artifactsDir: null, notes: '',
});
const withTraining = (training: Partial<Config['training']>): Config => ({ ...DEFAULT_CONFIG, training: { ...DEFAULT_CONFIG.training, ...training } });

describe('configDiff', () => {
  it('lists only the dotted keys whose values differ, one value per run', () => {
    const a = withTraining({ epochs: 10, l2: 0.001 });
    const b = withTraining({ epochs: 10, l2: 0.01, lr_schedule: { ...DEFAULT_CONFIG.training.lr_schedule, factor: 0.2 } });
    expect(configDiff([a, b])).toEqual([
      { key: 'training.l2', values: [0.001, 0.01] },
      { key: 'training.lr_schedule.factor', values: [0.5, 0.2] },
    ]);
    expect(configDiff([a, a])).toEqual([]);
  });

  it('compares arrays as values and reports absent keys as null', () => {
    expect(configDiff([{ model: { hidden_layers: [64, 32] } }, { model: { hidden_layers: [64, 32] } }])).toEqual([]);
    expect(configDiff([{ model: { hidden_layers: [64] } }, { model: {} }])).toEqual([{ key: 'model.hidden_layers', values: [[64], null] }]);
  });
});

describe('bestIndices', () => {
  it('marks the maximum, every tied maximum, and nothing when no value exists', () => {
    expect(bestIndices([0.5, 0.7, 0.6])).toEqual([1]);
    expect(bestIndices([0.7, 0.7, null])).toEqual([0, 1]);
    expect(bestIndices([null, null])).toEqual([]);
  });
});

describe('compareExperiments', () => {
  it('puts metrics side by side with best marks per row, per class', () => {
    const a = experiment(1, DEFAULT_CONFIG, split('actor', [21, 22]), metrics(0.6, { happy: 0.7, sad: 0.4 }));
    const b = experiment(2, withTraining({ l2: 0.01 }), split('actor', [21, 22]), metrics(0.65, { happy: 0.6, sad: 0.5 }));
    const c = compareExperiments([a, b]);
    expect(c.summary.find((r) => r.label === 'accuracy')).toEqual({ label: 'accuracy', values: [0.6, 0.65], best: [1] });
    expect(c.perClass.find((r) => r.label === 'happy f1')).toEqual({ label: 'happy f1', values: [0.7, 0.6], best: [0] });
    expect(c.perClass.find((r) => r.label === 'sad f1')?.best).toEqual([1]);
    expect(c.configDiff).toEqual([{ key: 'training.l2', values: [0.0001, 0.01] }]);
    expect(c.warnings).toEqual([]);
  });

  it('warns when splits differ, when a run is speaker-dependent, and when a run has no metrics', () => {
    const a = experiment(1, DEFAULT_CONFIG, split('actor', [21, 22]), metrics(0.6, { happy: 0.7 }));
    const b = experiment(2, withTraining({ split: 'stratified' }), split('stratified', [1, 2, 3]), metrics(0.8, { happy: 0.9 }));
    const c = experiment(3, DEFAULT_CONFIG, null, null, 'cancelled');
    const w = compareExperiments([a, b, c]).warnings.join('\n');
    expect(w).toContain('different splits');
    expect(w).toContain('Experiment 2 "run 2" is speaker-dependent (optimistic)');
    expect(w).toContain('Experiment 3 "run 3" is cancelled');
  });

  it('runs on different datasets, test sets or emotion sets: a warning for each, and no best marks anywhere', () => {
    const a = experiment(1, DEFAULT_CONFIG, split('actor', [21, 22]), metrics(0.6, { happy: 0.7, sad: 0.4 }));
    const other = { ...experiment(2, DEFAULT_CONFIG, split('actor', [21, 22]), metrics(0.65, { happy: 0.6, sad: 0.5 })), datasetId: 2, datasetRoot: '/elsewhere' };
    const c = compareExperiments([a, other]);
    expect(c.likeForLike).toBe(false);
    expect(c.experiments.map((e) => e.datasetRoot)).toEqual(['/data', '/elsewhere']);
    expect(c.warnings).toEqual([
      'The runs were trained and tested on different datasets (/data, /elsewhere): their metrics are not comparable.',
      'No best values are marked: the runs are not like for like.',
    ]);
    expect([...c.summary, ...c.perClass].every((r) => r.best.length === 0)).toBe(true);

    const otherTest = experiment(3, DEFAULT_CONFIG, split('actor', [23, 24]), metrics(0.7, { happy: 0.6, sad: 0.5 }));
    expect(compareExperiments([a, otherTest]).likeForLike).toBe(false);

    const moreClasses = experiment(4, DEFAULT_CONFIG, split('actor', [21, 22]), metrics(0.5, { happy: 0.6, sad: 0.5, angry: 0.4 }));
    const classes = compareExperiments([a, moreClasses]);
    expect(classes.warnings[0]).toBe('The runs classify different emotion sets (2 vs 3 classes): chance level and every metric differ.');
    expect(classes.summary.every((r) => r.best.length === 0)).toBe(true);

    // Two stratified runs drawn with different seeds have different test clips.
    const s1 = experiment(5, withTraining({ split: 'stratified', seed: 1 }), split('stratified', []), metrics(0.8, { happy: 0.9, sad: 0.5 }));
    const s2 = experiment(6, withTraining({ split: 'stratified', seed: 2 }), split('stratified', []), metrics(0.8, { happy: 0.9, sad: 0.5 }));
    expect(compareExperiments([s1, s2]).likeForLike).toBe(false);
    const s3 = experiment(7, withTraining({ split: 'stratified', seed: 1, l2: 0.01 }), split('stratified', []), metrics(0.7, { happy: 0.9, sad: 0.5 }));
    expect(compareExperiments([s1, s3]).likeForLike).toBe(true);
  });

  it('a run without metrics does not make the others incomparable', () => {
    const a = experiment(1, DEFAULT_CONFIG, split('actor', [21, 22]), metrics(0.6, { happy: 0.7 }));
    const b = experiment(2, DEFAULT_CONFIG, split('actor', [21, 22]), metrics(0.7, { happy: 0.6 }));
    const cancelled = experiment(3, DEFAULT_CONFIG, null, null, 'cancelled');
    const c = compareExperiments([a, b, cancelled]);
    expect(c.likeForLike).toBe(true);
    expect(c.summary.find((r) => r.label === 'accuracy')?.best).toEqual([1]);
  });

  it('two runs on the same test clips get McNemar and a bootstrap interval; different clips or a missing artifact say why', () => {
    const a = experiment(1, DEFAULT_CONFIG, split('actor', [21, 22]), metrics(0.6, { happy: 0.7 }));
    const b = experiment(2, withTraining({ l2: 0.01 }), split('actor', [21, 22]), metrics(0.7, { happy: 0.8 }));
    const clip = (clipId: number, correct: boolean): TestClip => ({ clipId, datasetId: 1, path: `c${clipId}.wav`, groundTruth: 'happy', predicted: correct ? 'happy' : 'sad', correct });
    // 40 clips: both right on 20, only b on 12, only a on 3, neither on 5.
    const verdicts = Array.from({ length: 40 }, (_, i) => (i < 20 ? [true, true] : i < 32 ? [false, true] : i < 35 ? [true, false] : [false, false]));
    const clipsOf: TestClipsOf = (e) => verdicts.map(([ra, rb], i) => clip(100 + i, (e.id === 1 ? ra : rb) as boolean));
    const sig = compareExperiments([a, b], clipsOf).significance;
    expect(sig).toMatchObject({ paired: true, clips: 40, onlyFirstCorrect: 3, onlySecondCorrect: 12 });
    if (!sig?.paired) throw new Error('expected a paired test');
    expect(sig.mcnemarP).toBe(mcnemarExact(3, 12));
    expect(sig.accuracyDifference.difference).toBeCloseTo(9 / 40, 12);
    expect(sig.accuracyDifference.low).toBeLessThan(9 / 40);

    const shifted: TestClipsOf = (e) => (clipsOf(e) as TestClip[]).map((c) => (e.id === 2 ? { ...c, clipId: c.clipId + 1 } : c));
    expect(compareExperiments([a, b], shifted).significance).toEqual({
      paired: false,
      reason: 'The runs were tested on different clips (40 and 40 test clips, not the same ones): a paired test needs the same test set, so there is no p-value.',
    });
    expect(compareExperiments([a, b], () => ({ unavailable: 'test_predictions.json is missing' })).significance).toEqual({
      paired: false,
      reason: 'No test clips of experiment 1 to pair: test_predictions.json is missing.',
    });
    // Three runs: no pairwise test is offered.
    expect(compareExperiments([a, b, a], clipsOf).significance).toBeNull();
  });

  it('two k-fold runs over the same folds also get the per-fold paired differences; other folds get none', () => {
    const folds = [[1, 2], [3, 4], [5, 6]].map((testActors) => ({ trainActors: [], validationActors: [], testActors }));
    const kfold = (accs: number[], order = folds): [SplitInfo, ExperimentMetrics] => {
      const m = metrics(accs.reduce((x, y) => x + y, 0) / accs.length, { happy: 0.5 });
      const reports = accs.map((acc) => ({ ...m.report, accuracy: acc }));
      return [{ ...split('actor_kfold', [1, 2, 3, 4, 5, 6]), folds: order }, { ...m, folds: { accuracy: { mean: 0, sd: 0 }, macroF1: { mean: 0, sd: 0 }, weightedF1: { mean: 0, sd: 0 }, reports } }];
    };
    const a = experiment(1, DEFAULT_CONFIG, ...kfold([0.6, 0.5, 0.7]));
    const b = experiment(2, DEFAULT_CONFIG, ...kfold([0.65, 0.6, 0.68]));
    const clipsOf: TestClipsOf = () => [{ clipId: 1, datasetId: 1, path: 'c.wav', groundTruth: 'happy', predicted: 'happy', correct: true }];
    const sig = compareExperiments([a, b], clipsOf).significance;
    if (!sig?.paired) throw new Error('expected a paired test');
    // Differences +0.05, +0.10, −0.02: mean 0.0433…, sample sd 0.0603 (by hand).
    sig.perFold?.differences.forEach((d, i) => expect(d).toBeCloseTo([0.05, 0.1, -0.02][i] as number, 12));
    expect(sig.perFold?.mean).toBeCloseTo(0.13 / 3, 12);
    expect(sig.perFold?.sd).toBeCloseTo(Math.sqrt(((0.05 - 0.13 / 3) ** 2 + (0.1 - 0.13 / 3) ** 2 + (-0.02 - 0.13 / 3) ** 2) / 2), 12);
    const reordered = experiment(3, DEFAULT_CONFIG, ...kfold([0.65, 0.6, 0.68], [folds[1], folds[0], folds[2]] as typeof folds));
    const other = compareExperiments([a, reordered], clipsOf).significance;
    expect(other?.paired && other.perFold).toBeFalsy();
  });

  it('takes 2 to 4 experiments', () => {
    const a = experiment(1, DEFAULT_CONFIG, null, null);
    expect(() => compareExperiments([a])).toThrow(/2 to 4/);
    expect(() => compareExperiments([a, a, a, a, a])).toThrow(/2 to 4/);
  });
});
