/**
 * The training loop's options (electron/core/training/fit.ts): label smoothing of the training targets,
 * early stopping on a smoothed validation loss, and ensembles trained tower by tower.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../electron/core/training/backend';
import { betaSamples, fitModel, mixup, validationMonitor, type FitData } from '../../../../electron/core/training/fit';
import { mulberry32 } from '../../../../electron/core/random';
import { trainingModelOf } from '../../../../models/layers';
import { buildModel, compileForTraining } from '../../../../models/registry';
import { DEFAULT_CONFIG, type Config } from '../../../../shared/config';

beforeAll(async () => {
  await selectBackend();
});

/** `classes` classes separated along the first dimension, plus uniform noise; seeded. */
function blobs(n: number, seed: number, classes = 3): FitData {
  let a = seed;
  const rand = (): number => ((a = (a * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const x = new Float32Array(n * 8);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % classes;
    for (let d = 0; d < 8; d++) x[i * 8 + d] = (d === labels[i] ? 2 : 0) + rand();
  }
  return { x, labels, sampleShape: [8] };
}

const training = (over: Partial<Config['training']>): Config['training'] => ({
  ...DEFAULT_CONFIG.training,
  batch_norm: false,
  class_weights: false,
  label_smoothing: 0,
  mixup: 0,
  early_stopping: { patience: 100, smoothing: 0 },
  ...over,
});

const dnn = (over: object = {}): tf.LayersModel =>
  buildModel('advanced_dnn', {
    inputShape: [8],
    nClasses: 3,
    config: { ...DEFAULT_CONFIG.model, hidden_layers: [16], dropout_rates: [], input_noise: 0, ensemble: 1, l2: 0, batchNorm: false, ...over },
    seed: 3,
  });

/** Mean cross-entropy of the model's predictions against (possibly soft) targets. */
function crossEntropy(model: tf.LayersModel, data: FitData, targets: (label: number, c: number) => number): number {
  const p = (model.predict(tf.tensor(data.x, [data.labels.length, 8])) as tf.Tensor).dataSync();
  let sum = 0;
  data.labels.forEach((label, i) => {
    for (let c = 0; c < 3; c++) sum -= targets(label, c) * Math.log(p[i * 3 + c] as number);
  });
  return sum / data.labels.length;
}

describe('training.label_smoothing', () => {
  it('the training loss is the cross-entropy against (1 − ε)·one-hot + ε/K; validation stays the plain one', async () => {
    const train = blobs(60, 1);
    const validation = blobs(30, 2);
    const eps = 0.2;
    const model = dnn();
    compileForTraining(model, 1e-9); // weights effectively frozen: the epoch's loss is the initial model's
    const smoothed = crossEntropy(model, train, (label, c) => (c === label ? 1 - eps : 0) + eps / 3);
    const hardTrain = crossEntropy(model, train, (label, c) => (c === label ? 1 : 0));
    const hardVal = crossEntropy(model, validation, (label, c) => (c === label ? 1 : 0));
    const { history } = await fitModel({ model, train, validation, nClasses: 3, training: training({ epochs: 1, learning_rate: 1e-9, label_smoothing: eps }) });
    expect(history[0]?.loss).toBeCloseTo(smoothed, 4);
    expect(Math.abs(smoothed - hardTrain)).toBeGreaterThan(0.01); // the check can tell the two apart
    expect(history[0]?.valLoss).toBeCloseTo(hardVal, 4);
  });
});

describe('training.mixup', () => {
  it('mixes each example and its target with its partner by λ', () => {
    const xs = tf.tensor([[1, 0], [0, 1], [2, 2]]);
    const ys = tf.tensor([[1, 0], [0, 1], [1, 0]]);
    const out = mixup(xs, ys, Float32Array.from([0.75, 0.5, 1]), Int32Array.from([1, 2, 0]));
    expect(Array.from(out.xs.dataSync())).toEqual([0.75, 0.25, 1, 1.5, 2, 2]);
    expect(Array.from(out.ys.dataSync())).toEqual([0.75, 0.25, 0.5, 0.5, 1, 0]);
  });

  it('λ ~ Beta(α, α): in [0, 1], mean 1/2, variance 1 / (4(2α + 1)); seeded', () => {
    for (const alpha of [0.2, 1, 2]) {
      const l = betaSamples(20000, alpha, mulberry32(5));
      const mean = l.reduce((a, b) => a + b, 0) / l.length;
      const variance = l.reduce((a, b) => a + (b - mean) ** 2, 0) / l.length;
      expect(l.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(mean).toBeCloseTo(0.5, 1);
      expect(variance).toBeCloseTo(1 / (4 * (2 * alpha + 1)), 2);
      expect(Array.from(betaSamples(5, alpha, mulberry32(5)))).toEqual(Array.from(l.slice(0, 5)));
    }
  });

  it('in the loop the model trains on mixed examples: the frozen model’s training loss changes, validation does not', async () => {
    const train = blobs(60, 1);
    const validation = blobs(30, 2);
    const run = async (alpha: number) => {
      const model = dnn();
      compileForTraining(model, 1e-9);
      return (await fitModel({ model, train, validation, nClasses: 3, training: training({ epochs: 1, learning_rate: 1e-9, mixup: alpha }) })).history[0];
    };
    const plain = await run(0);
    const mixed = await run(0.4);
    expect(Math.abs((mixed?.loss as number) - (plain?.loss as number))).toBeGreaterThan(1e-3);
    expect(mixed?.valLoss).toBeCloseTo(plain?.valLoss as number, 5);
  });
});

describe('training.early_stopping.smoothing', () => {
  // A falling loss with one lucky epoch (5) and noise after the real minimum.
  const losses = [1.0, 0.8, 0.7, 0.69, 0.5, 0.72, 0.68, 0.7, 0.71, 0.73];

  it('raw (0): every new low counts, the lucky epoch included', () => {
    const m = validationMonitor(0);
    const steps = losses.map((l) => m.step(l));
    expect(steps.map((s) => s.monitored)).toEqual(losses);
    expect(steps.map((s) => s.improved)).toEqual([true, true, true, true, true, false, false, false, false, false]);
    expect(steps.at(-1)?.sinceBest).toBe(5);
  });

  it('β = 0.5: the moving average s = β·s + (1 − β)·loss, by hand; the lucky epoch does not end the improvement', () => {
    const m = validationMonitor(0.5);
    const steps = losses.map((l) => m.step(l));
    const expected = [1.0, 0.9, 0.8, 0.745, 0.6225, 0.67125, 0.675625, 0.6878125, 0.69890625, 0.714453125];
    steps.forEach((s, i) => expect(s.monitored).toBeCloseTo(expected[i] as number, 9));
    expect(steps.map((s) => s.improved)).toEqual([true, true, true, true, true, false, false, false, false, false]);
    // After a plateau at 0.7, one bad and one lucky epoch: the raw loss takes the lucky 0.65 as a new
    // best (resetting patience and keeping those weights); the average (0.725 > 0.7) does not.
    const seq = [0.7, 0.7, 0.7, 0.9, 0.65, 0.9];
    const smoothed = validationMonitor(0.5);
    const raw = validationMonitor(0);
    expect(seq.map((l) => smoothed.step(l).improved)).toEqual([true, false, false, false, false, false]);
    expect(seq.map((l) => raw.step(l).improved)).toEqual([true, false, false, false, true, false]);
  });

  it('in the loop: stops patience epochs after the best smoothed epoch, and keeps that epoch', async () => {
    const model = dnn();
    compileForTraining(model, 0.05);
    // Validation labels the model cannot learn: the loss rises after the first epochs.
    const validation = blobs(30, 9);
    validation.labels.reverse();
    const { history, bestEpoch } = await fitModel({ model, train: blobs(60, 1), validation, nClasses: 3, training: training({ epochs: 80, learning_rate: 0.05, early_stopping: { patience: 4, smoothing: 0.6 } }) });
    const m = validationMonitor(0.6);
    const monitored = history.map((h) => m.step(h.valLoss).monitored);
    const lowest = monitored.indexOf(Math.min(...monitored)) + 1;
    expect(bestEpoch).toBe(lowest);
    expect(history.at(-1)?.earlyStop).toBe(true);
    expect(history.length - bestEpoch).toBe(4);
  });
});

describe('ensembles in the loop', () => {
  it('every tower learns on its own loss; the log reports the mean per tower; validation is the averaged model', async () => {
    const model = dnn({ ensemble: 3 });
    compileForTraining(model, 0.02);
    const train = blobs(90, 1);
    const validation = blobs(45, 2);
    const { history } = await fitModel({ model, train, validation, nClasses: 3, training: training({ epochs: 15, learning_rate: 0.02, class_weights: true }) });
    const towers = trainingModelOf(model).predict(tf.tensor(validation.x, [45, 8])) as tf.Tensor[];
    for (const t of towers) {
      const predicted = Array.from(t.argMax(1).dataSync());
      expect(predicted.filter((p, i) => p === validation.labels[i]).length / 45).toBeGreaterThan(0.8);
    }
    const last = history.at(-1);
    expect(last?.valLoss).toBeCloseTo(crossEntropy(model, validation, (label, c) => (c === label ? 1 : 0)), 4);
    expect(last?.loss).toBeLessThan(history[0]?.loss as number);
    expect(last?.loss).toBeLessThan(1); // per tower, not the sum of three
    expect(last?.acc).toBeGreaterThan(0.8);
  });
});

describe('training.ensemble_validation: rotate (towers hold out groups of the training clips)', () => {
  // Two groups whose labels contradict each other on the same inputs: a tower that never sees a group
  // can only have learnt the other group's labels. Without the holdout every tower would sit near 50/50.
  // Early stopping keeps the epoch with the best out-of-group loss, which here only worsens as the
  // towers learn: so one long epoch (many small batches), whose weights are kept as the first best.
  const N = 600;
  const oneEpoch = (over: Partial<Config['training']> = {}) => training({ epochs: 1, batch_size: 8, learning_rate: 0.02, ...over });
  const contradiction = (): { train: FitData; groupOf: Int32Array } => {
    const base = blobs(N, 5);
    const groupOf = Int32Array.from(base.labels, (_, i) => i % 2);
    // Group 1 is group 0's inputs with every label moved to the next class.
    const x = new Float32Array(base.x.length);
    const labels = new Int32Array(base.labels.length);
    for (let i = 0; i < N; i++) {
      const source = i - (i % 2); // each odd sample copies its even neighbour's input
      x.set(base.x.subarray(source * 8, source * 8 + 8), i * 8);
      labels[i] = groupOf[i] === 0 ? (base.labels[source] as number) : ((base.labels[source] as number) + 1) % 3;
    }
    return { train: { x, labels, sampleShape: [8] }, groupOf };
  };

  it('tower t learns only from the groups it does not hold out; validation is each clip scored by the towers that held it out', async () => {
    const { train, groupOf } = contradiction();
    const model = dnn({ ensemble: 2 });
    compileForTraining(model, 0.02);
    const { history } = await fitModel({ model, train, validation: { groupOf, groups: 2 }, nClasses: 3, training: oneEpoch() });
    const towers = (trainingModelOf(model).predict(tf.tensor(train.x, [N, 8])) as tf.Tensor[]).map((t) => Array.from(t.argMax(1).dataSync()));
    // Tower 0 holds out group 0, so it has learnt group 1's labels, and tower 1 group 0's.
    const agreement = (tower: number, group: number) => {
      const rows = [...groupOf.keys()].filter((i) => groupOf[i] === group);
      return rows.filter((i) => towers[tower]?.[i] === train.labels[i]).length / rows.length;
    };
    // (The blobs overlap: a tower fitted on one group agrees with it on ~85 % of its clips.) Trained on
    // both groups alike, the two towers would agree with each group equally.
    expect(agreement(0, 1)).toBeGreaterThan(0.7);
    expect(agreement(1, 0)).toBeGreaterThan(0.7);
    expect(agreement(0, 1) - agreement(1, 1)).toBeGreaterThan(0.5);
    expect(agreement(1, 0) - agreement(0, 0)).toBeGreaterThan(0.5);
    // Out-of-group validation: each group is judged by the tower that never saw it, so it is mostly wrong.
    const last = history.at(-1);
    expect(last?.valAcc).toBeLessThan(0.3);
    const p = (trainingModelOf(model).predict(tf.tensor(train.x, [N, 8])) as tf.Tensor[]).map((t) => t.dataSync());
    const byHand = -[...groupOf.keys()].reduce((s, i) => s + Math.log(p[groupOf[i] as number]?.[i * 3 + (train.labels[i] as number)] as number), 0) / N;
    expect(last?.valLoss).toBeCloseTo(byHand, 3);
    model.dispose();
  });

  it('with mixup, a mix of two clips trains only the towers that hold out neither', async () => {
    const { train, groupOf } = contradiction();
    const model = dnn({ ensemble: 2 });
    compileForTraining(model, 0.02);
    await fitModel({ model, train, validation: { groupOf, groups: 2 }, nClasses: 3, training: oneEpoch({ mixup: 0.2 }) });
    const towers = (trainingModelOf(model).predict(tf.tensor(train.x, [N, 8])) as tf.Tensor[]).map((t) => Array.from(t.argMax(1).dataSync()));
    const agreement = (tower: number, group: number) => {
      const rows = [...groupOf.keys()].filter((i) => groupOf[i] === group);
      return rows.filter((i) => towers[tower]?.[i] === train.labels[i]).length / rows.length;
    };
    // A mix with a held-out partner would teach the tower some of that group's labels.
    expect(agreement(0, 1) - agreement(1, 1)).toBeGreaterThan(0.4);
    expect(agreement(1, 0) - agreement(0, 0)).toBeGreaterThan(0.4);
    model.dispose();
  });

  it('refuses a holdout that does not fit the data or the towers', async () => {
    const { train, groupOf } = contradiction();
    const model = dnn({ ensemble: 2 });
    compileForTraining(model, 0.02);
    await expect(fitModel({ model, train, validation: { groupOf: groupOf.slice(1), groups: 2 }, nClasses: 3, training: training({ epochs: 1 }) })).rejects.toThrow(/599 group entries for 600 samples/);
    await expect(fitModel({ model, train, validation: { groupOf, groups: 3 }, nClasses: 3, training: training({ epochs: 1 }) })).rejects.toThrow(/3 groups for 2 towers/);
    model.dispose();
  });
});
