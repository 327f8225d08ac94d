/**
 * Saved training runs for the renderer tests: a finished actor-split DNN, a finished stratified
 * (speaker-dependent) one, a cancelled one and a 3-fold actor k-fold one. Reports are computed from
 * the confusion matrices, so every number on screen can be checked by hand.
 */
import { configSchema, type ConfigInput } from '../../shared/config';
import type {
  BackendSelection,
  ClassificationReport,
  EpochLog,
  Experiment,
  ExperimentMetrics,
  SplitInfo,
  TrainResult,
} from '../../shared/experiments';
import type { Emotion } from '../../shared/ravdess';

export const LABELS: Emotion[] = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful'];

/** Rows = true, columns = predicted. Accuracy 109/176 ≈ 0.62; angry precision = recall = 25/32 ≈ 0.78. */
export const ACTOR_CONFUSION = [
  [10, 3, 1, 1, 0, 1],
  [4, 22, 2, 3, 0, 1],
  [1, 2, 18, 3, 4, 4],
  [2, 5, 3, 16, 1, 5],
  [0, 0, 4, 1, 25, 2],
  [1, 1, 4, 6, 2, 18],
];

/** Accuracy 183/214 ≈ 0.86. */
export const STRATIFIED_CONFUSION = [
  [16, 2, 0, 1, 0, 0],
  [1, 35, 1, 2, 0, 0],
  [0, 1, 33, 1, 2, 2],
  [1, 3, 1, 31, 0, 3],
  [0, 0, 2, 0, 36, 1],
  [0, 1, 2, 3, 1, 32],
];

/** Pooled over 3 folds. Accuracy 321/528 ≈ 0.61. */
export const KFOLD_CONFUSION = [
  [30, 10, 3, 3, 1, 1],
  [8, 62, 6, 12, 2, 6],
  [4, 6, 52, 10, 12, 12],
  [6, 14, 8, 50, 4, 14],
  [1, 2, 12, 4, 72, 5],
  [3, 4, 12, 16, 6, 55],
];

export function reportFrom(labels: readonly string[], confusion: readonly (readonly number[])[]): ClassificationReport {
  const total = confusion.flat().reduce((s, v) => s + v, 0);
  const perClass: ClassificationReport['perClass'] = {};
  let correct = 0;
  labels.forEach((label, i) => {
    const row = confusion[i] ?? [];
    const tp = row[i] ?? 0;
    correct += tp;
    const support = row.reduce((s, v) => s + v, 0);
    const predicted = confusion.reduce((s, r) => s + (r[i] ?? 0), 0);
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision, recall, f1, support };
  });
  const classes = Object.values(perClass);
  const mean = (pick: (c: (typeof classes)[number]) => number) => classes.reduce((s, c) => s + pick(c), 0) / classes.length;
  const weighted = (pick: (c: (typeof classes)[number]) => number) =>
    classes.reduce((s, c) => s + pick(c) * c.support, 0) / total;
  return {
    accuracy: correct / total,
    macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) },
    weighted: { precision: weighted((c) => c.precision), recall: weighted((c) => c.recall), f1: weighted((c) => c.f1) },
    perClass,
  };
}

function history(epochs: number, shift = 0): EpochLog[] {
  return Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    loss: 1.8 / (1 + i * 0.3) + shift,
    acc: Math.min(0.95, 0.2 + i * 0.04 + shift),
    valLoss: 1.9 / (1 + i * 0.2) + shift,
    valAcc: Math.min(0.8, 0.18 + i * 0.03 + shift),
    lr: 0.001,
    seconds: 1.5,
  }));
}

function metricsOf(confusion: number[][]): ExperimentMetrics {
  return { labels: [...LABELS], confusion, report: reportFrom(LABELS, confusion) };
}

const actorSplit: SplitInfo = {
  kind: 'actor',
  speakerDependent: false,
  trainActors: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18],
  validationActors: [19, 20],
  testActors: [21, 22, 23, 24],
  counts: { train: 792, validation: 88, test: 176 },
};

/** What this machine's engine records when tfjs-node could not install. */
export const WASM_SELECTION: BackendSelection = {
  backend: 'wasm',
  reason: 'wasm (XNNPACK, SIMD, single thread); tensorflow skipped: tfjs-node not installed',
  skipped: [{ backend: 'tensorflow', reason: 'tfjs-node not installed' }],
};

const TENSORFLOW_SELECTION: BackendSelection = { backend: 'tensorflow', reason: 'tensorflow (tfjs-node, native TensorFlow)', skipped: [] };

function experiment(id: number, name: string, createdAt: string, config: ConfigInput, rest: Partial<Experiment>): Experiment {
  const parsed = configSchema.parse(config);
  return {
    id,
    name,
    createdAt,
    finishedAt: createdAt.replace('T10', 'T11'),
    status: 'finished',
    error: null,
    config: parsed,
    datasetId: 1,
    datasetRoot: '/data/Audio_Speech_Actors_01-24',
    modelName: parsed.model.name,
    split: actorSplit,
    backend: 'tensorflow',
    backendSelection: TENSORFLOW_SELECTION,
    durations: { featuresSec: 40, trainSec: 80, totalSec: 120 },
    history: [history(20)],
    metrics: null,
    artifactsDir: `/runs/${id}`,
    notes: '',
    ...rest,
  };
}

export function fakeExperiments(): Experiment[] {
  const kfoldMetrics = metricsOf(KFOLD_CONFUSION);
  return [
    experiment(1, 'actor-dnn', '2025-01-02T10:00:00Z', {}, { metrics: metricsOf(ACTOR_CONFUSION) }),
    experiment(2, 'stratified-dnn', '2025-01-03T10:00:00Z', { training: { split: 'stratified' } }, {
      split: {
        kind: 'stratified',
        speakerDependent: true,
        trainActors: [],
        validationActors: [],
        testActors: [],
        counts: { train: 739, validation: 103, test: 214 },
      },
      backend: 'wasm',
      backendSelection: WASM_SELECTION,
      durations: { featuresSec: 40, trainSec: 200, totalSec: 240 },
      metrics: metricsOf(STRATIFIED_CONFUSION),
    }),
    experiment(3, 'cancelled-run', '2025-01-04T10:00:00Z', {}, {
      status: 'cancelled',
      error: 'Cancelled by the user after epoch 4',
      durations: { featuresSec: 40, trainSec: 6, totalSec: 46 },
      history: [history(4)],
      metrics: null,
    }),
    experiment(4, 'kfold-dnn', '2025-01-05T10:00:00Z', { training: { split: 'actor_kfold', k: 3 } }, {
      split: {
        ...actorSplit,
        kind: 'actor_kfold',
        counts: { train: 704, validation: 88, test: 528 },
        folds: [
          { trainActors: [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22], validationActors: [23, 24], testActors: [1, 2, 3, 4, 5, 6, 7, 8] },
          { trainActors: [1, 2, 3, 4, 5, 6, 7, 8, 17, 18, 19, 20, 21, 22], validationActors: [23, 24], testActors: [9, 10, 11, 12, 13, 14, 15, 16] },
          { trainActors: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], validationActors: [15, 16], testActors: [17, 18, 19, 20, 21, 22, 23, 24] },
        ],
      },
      durations: { featuresSec: 40, trainSec: 500, totalSec: 540 },
      history: [history(15), history(18, 0.01), history(12, -0.01)],
      metrics: {
        ...kfoldMetrics,
        folds: {
          accuracy: { mean: 0.608, sd: 0.041 },
          macroF1: { mean: 0.593, sd: 0.037 },
          weightedF1: { mean: 0.601, sd: 0.039 },
          reports: [kfoldMetrics.report, kfoldMetrics.report, kfoldMetrics.report],
        },
      },
    }),
  ];
}

/** What `emotion-studio train --json` would print for `e` (a finished run with metrics). */
export function trainResultOf(e: Experiment): TrainResult {
  const metrics = e.metrics;
  if (!metrics || !e.split || !e.backend) throw new Error(`experiment ${e.id} has no result`);
  return {
    experimentId: e.id,
    name: e.name,
    status: e.status,
    split: e.split,
    backend: e.backend,
    backendReason: e.backendSelection?.reason ?? e.backend,
    accuracy: metrics.report.accuracy,
    macroF1: metrics.report.macro.f1,
    weightedF1: metrics.report.weighted.f1,
    perClass: metrics.report.perClass,
    confusion: metrics.confusion,
    labels: metrics.labels,
    epochsRun: e.history[0]?.length ?? 0,
    seconds: e.durations?.totalSec ?? 0,
    artifacts: { dir: e.artifactsDir ?? '', files: [] },
  };
}

/**
 * A re-run of `actor-dnn` (run 1) with another learning rate that happened to make the same test
 * predictions: same split, same confusion matrix, so every metric ties with run 1. `day` (6–9) sets its date.
 */
export function actorRerun(id: number, name: string, day: number, learningRate = 0.0005): Experiment {
  return actorVariant(id, name, day, ACTOR_CONFUSION, learningRate);
}

/** Another run on run 1's actor split (same test actors), whose test predictions gave `confusion`. */
export function actorVariant(id: number, name: string, day: number, confusion: number[][], learningRate = 0.0005, rest: Partial<Experiment> = {}): Experiment {
  return experiment(id, name, `2025-01-${String(day).padStart(2, '0')}T10:00:00Z`, { training: { learning_rate: learningRate } }, {
    metrics: metricsOf(confusion),
    ...rest,
  });
}
