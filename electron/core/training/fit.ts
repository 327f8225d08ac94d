/**
 * One training run, nanoGPT-short: Adam, balanced class weights, reduce-on-plateau learning rate,
 * early stopping that restores the best validation-loss weights, a seeded shuffle per epoch. Cancel is
 * honoured after the current batch. The caller owns the data and the model; this owns the loop.
 *
 * Options from `training`: `label_smoothing` softens the training targets, `mixup` mixes pairs of
 * training examples and their targets; `early_stopping.smoothing`
 * makes early stopping, the kept weights and the plateau schedule follow an exponential moving average
 * of the validation loss. An ensemble model (`model.ensemble` > 1) is fitted through its multi-output
 * twin (`trainingModelOf`), one cross-entropy per tower, and validated on the averaged output.
 */
import * as tf from '@tensorflow/tfjs';
import type { Config } from '../../../shared/config';
import type { EpochLog } from '../../../shared/experiments';
import { balancedClassWeights as classWeightsOf } from '../../../models/classWeights';
import { trainingModelOf } from '../../../models/layers';
import { setLearningRate } from '../../../models/registry';
import { mulberry32 } from '../random';

export interface FitData {
  /** n × sampleShape, row-major, already standardised. */
  x: Float32Array;
  labels: Int32Array;
  sampleShape: number[];
}

/**
 * `training.ensemble_validation: rotate`: the training clips are also the validation clips. Tower t
 * never trains on the clips of group `t % groups` (its targets there are zeroed: no loss, no gradient)
 * and is validated on exactly them; the monitored validation loss is the out-of-group cross-entropy, each
 * clip scored by the mean of the towers that held it out.
 */
export interface TowerHoldout {
  /** Per training sample: the group it belongs to, 0 … groups − 1. */
  groupOf: Int32Array;
  groups: number;
}

export interface FitOptions {
  model: tf.LayersModel;
  train: FitData;
  /** Clips to validate on, or the towers' held-out groups of the training clips themselves. */
  validation: FitData | TowerHoldout;
  nClasses: number;
  training: Config['training'];
  signal?: AbortSignal;
  onEpoch?: (log: EpochLog) => void;
}

export interface FitResult {
  history: EpochLog[];
  bestEpoch: number;
  cancelled: boolean;
}

/** sklearn's 'balanced' (models/classWeights.ts) as tfjs's classWeight map. */
export function balancedClassWeights(labels: Int32Array, nClasses: number): Record<number, number> {
  return Object.fromEntries(Array.from(classWeightsOf(labels, nClasses), (w, i) => [i, w]));
}

/** One-hot targets, or with label smoothing ε: (1 − ε) · one-hot + ε / nClasses. */
function tensors(data: FitData, nClasses: number, labelSmoothing = 0): { xs: tf.Tensor; ys: tf.Tensor } {
  const n = data.labels.length;
  return tf.tidy(() => {
    const hard = tf.oneHot(tf.tensor1d(data.labels, 'int32'), nClasses).toFloat();
    return {
      xs: tf.tensor(data.x, [n, ...data.sampleShape]),
      ys: labelSmoothing > 0 ? hard.mul(1 - labelSmoothing).add(labelSmoothing / nClasses) : hard,
    };
  });
}

export interface MonitorStep {
  /** The value early stopping compares: the loss itself, or its moving average. */
  monitored: number;
  /** A new best (by more than 1e-4): keep this epoch's weights. */
  improved: boolean;
  /** Epochs since the best. */
  sinceBest: number;
}

/**
 * Early stopping's view of the validation loss, epoch by epoch: with `smoothing` β > 0 the monitored
 * value is the moving average s₁ = loss₁, sₜ = β · sₜ₋₁ + (1 − β) · lossₜ, so one lucky (or unlucky)
 * epoch on a few validation actors neither resets patience nor picks the kept weights.
 */
export function validationMonitor(smoothing = 0, minDelta = 1e-4): { step(loss: number): MonitorStep } {
  let s = NaN;
  let best = Infinity;
  let sinceBest = 0;
  return {
    step(loss: number): MonitorStep {
      s = Number.isNaN(s) || smoothing === 0 ? loss : smoothing * s + (1 - smoothing) * loss;
      const improved = s < best - minDelta;
      if (improved) {
        best = s;
        sinceBest = 0;
      } else sinceBest++;
      return { monitored: s, improved, sinceBest };
    },
  };
}

/** A Gamma(shape, 1) draw (Marsaglia–Tsang; shape < 1 via the U^(1/shape) boost) from a uniform source. */
function gamma(shape: number, random: () => number): number {
  if (shape < 1) return gamma(shape + 1, random) * Math.pow(Math.max(random(), 1e-12), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number;
    let v: number;
    do {
      // Box–Muller normal.
      z = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (Math.log(Math.max(u, 1e-12)) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** n mixing weights λ ~ Beta(α, α), seeded. */
export function betaSamples(n: number, alpha: number, random: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = gamma(alpha, random);
    const b = gamma(alpha, random);
    out[i] = a / (a + b);
  }
  return out;
}

/**
 * mixup (Zhang et al. 2018): example i becomes λᵢ·xᵢ + (1 − λᵢ)·x_partner(i), its target the same mix
 * of the two targets. Balanced class weights follow the larger share (tfjs weights by the argmax).
 */
export function mixup(xs: tf.Tensor, ys: tf.Tensor, lambda: Float32Array, partner: Int32Array): { xs: tf.Tensor; ys: tf.Tensor } {
  return tf.tidy(() => {
    const idx = tf.tensor1d(partner, 'int32');
    const mix = (t: tf.Tensor): tf.Tensor => {
      const l = tf.tensor(lambda, [lambda.length, ...t.shape.slice(1).map(() => 1)]);
      return t.mul(l).add(tf.gather(t, idx).mul(tf.scalar(1).sub(l)));
    };
    return { xs: mix(xs), ys: mix(ys) };
  });
}

/** The mean of a fit history's accuracy entries: `acc`, or one `<output>_acc` per ensemble tower. */
function meanAccuracy(h: Record<string, Array<number | tf.Tensor>>): number {
  const keys = Object.keys(h).filter((k) => k === 'acc' || k === 'accuracy' || k.endsWith('_acc') || k.endsWith('_accuracy'));
  return keys.reduce((sum, k) => sum + Number(h[k]?.[0]), 0) / keys.length;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const isHoldout = (v: FitData | TowerHoldout): v is TowerHoldout => 'groupOf' in v;

/** Per sample and tower (n × towers): 1 where the tower trains on the sample, 0 where it holds it out. */
function holdoutMask(h: TowerHoldout, towers: number): tf.Tensor2D {
  const n = h.groupOf.length;
  const mask = new Float32Array(n * towers);
  for (let i = 0; i < n; i++) for (let t = 0; t < towers; t++) mask[i * towers + t] = h.groupOf[i] === t % h.groups ? 0 : 1;
  return tf.tensor2d(mask, [n, towers]);
}

/** Out-of-group loss and accuracy: each sample scored by the mean probability of the towers that held it out. */
function holdoutScores(trainer: tf.LayersModel, xs: tf.Tensor, labels: Int32Array, h: TowerHoldout, nClasses: number): { loss: number; acc: number } {
  // The typed arrays are read outside tf.tidy, which would walk them element by element.
  const predicted = tf.tidy(() => {
    const out = trainer.predict(xs, { batchSize: 256 });
    return Array.isArray(out) ? out : [out];
  });
  const outputs = predicted.map((t) => t.dataSync() as Float32Array);
  predicted.forEach((t) => t.dispose());
  const n = labels.length;
  let loss = 0;
  let correct = 0;
  const p = new Float64Array(nClasses);
  for (let i = 0; i < n; i++) {
    p.fill(0);
    let k = 0;
    outputs.forEach((o, t) => {
      if (t % h.groups !== h.groupOf[i]) return;
      k++;
      for (let c = 0; c < nClasses; c++) p[c] = (p[c] as number) + (o[i * nClasses + c] as number);
    });
    let best = 0;
    for (let c = 0; c < nClasses; c++) {
      p[c] = (p[c] as number) / k;
      if ((p[c] as number) > (p[best] as number)) best = c;
    }
    const y = labels[i] as number;
    loss -= Math.log(Math.max(1e-7, p[y] as number));
    if (best === y) correct++;
  }
  return { loss: loss / n, acc: correct / n };
}

export async function fitModel(options: FitOptions): Promise<FitResult> {
  const { model, training, signal, onEpoch, nClasses } = options;
  if (options.train.labels.length === 0) throw new Error('no training samples');
  const holdout = isHoldout(options.validation) ? options.validation : null;
  if (!holdout && (options.validation as FitData).labels.length === 0) throw new Error('no validation samples');
  const random = mulberry32(training.seed);
  const train = tensors(options.train, nClasses, training.label_smoothing ?? 0);
  const val = holdout ? null : tensors(options.validation as FitData, nClasses);
  // An ensemble trains through its multi-output twin: the same targets and class weights for every tower.
  const trainer = trainingModelOf(model);
  const towers = trainer.outputs.length;
  if (holdout && (holdout.groupOf.length !== options.train.labels.length || holdout.groups < 1 || holdout.groups > towers)) {
    throw new Error(`tower holdout: ${holdout.groupOf.length} group entries for ${options.train.labels.length} samples, ${holdout.groups} groups for ${towers} towers`);
  }
  const mask = holdout ? holdoutMask(holdout, towers) : null;
  const weights = training.class_weights ? balancedClassWeights(options.train.labels, nClasses) : undefined;
  const classWeight = weights && towers > 1 ? Array.from({ length: towers }, () => weights) : weights;
  const monitor = validationMonitor(training.early_stopping.smoothing ?? 0);
  const history: EpochLog[] = [];
  let lr = training.learning_rate;
  setLearningRate(model, lr);
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | null = null;
  let sincePlateauCut = 0;
  let cancelled = false;
  const n = options.train.labels.length;

  try {
    for (let epoch = 1; epoch <= training.epochs; epoch++) {
      const started = performance.now();
      // Seeded Fisher–Yates shuffle, so a run is repeatable.
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j] as number, order[i] as number];
      }
      const idx = tf.tensor1d(order, 'int32');
      let xs = tf.gather(train.xs, idx);
      let ys = tf.gather(train.ys, idx);
      let towerMask: tf.Tensor | null = mask ? tf.gather(mask, idx) : null;
      idx.dispose();
      const alpha = training.mixup ?? 0;
      if (alpha > 0) {
        // Each example mixed with the next one in this epoch's shuffled order.
        const partner = Int32Array.from({ length: n }, (_, i) => (i + 1) % n);
        const mixed = mixup(xs, ys, betaSamples(n, alpha, random), partner);
        xs.dispose();
        ys.dispose();
        ({ xs, ys } = mixed);
        if (towerMask) {
          // A mix trains a tower only if neither of its two clips is held out from it.
          const m = towerMask;
          towerMask = tf.tidy(() => m.mul(tf.gather(m, tf.tensor1d(partner, 'int32'))));
          m.dispose();
        }
      }
      const targets: tf.Tensor | tf.Tensor[] = towerMask
        ? tf.tidy(() => tf.split(towerMask as tf.Tensor, towers, 1).map((m) => ys.mul(m)))
        : towers > 1
          ? Array.from({ length: towers }, () => ys)
          : ys;
      let batches = 0;
      const fitted = await trainer.fit(xs, targets, {
        epochs: 1,
        batchSize: training.batch_size,
        shuffle: false,
        verbose: 0,
        classWeight,
        callbacks: {
          onBatchEnd: async () => {
            // Let cancel messages in; stop after this batch if asked.
            if (++batches % 4 === 0) await yieldToEventLoop();
            if (signal?.aborted) trainer.stopTraining = true;
          },
        },
      });
      xs.dispose();
      ys.dispose();
      if (towerMask) {
        towerMask.dispose();
        for (const t of targets as tf.Tensor[]) t.dispose();
      }
      if (signal?.aborted) {
        cancelled = true;
        if (batches * training.batch_size < n) break; // a partial epoch is not an epoch
      }
      let valLoss: number;
      let valAcc: number;
      if (holdout) {
        ({ loss: valLoss, acc: valAcc } = holdoutScores(trainer, train.xs, options.train.labels, holdout, nClasses));
      } else {
        const v = val as { xs: tf.Tensor; ys: tf.Tensor };
        const [valLossT, valAccT] = model.evaluate(v.xs, v.ys, { batchSize: 256 }) as tf.Scalar[];
        valLoss = (await valLossT?.data())?.[0] ?? NaN;
        valAcc = (await valAccT?.data())?.[0] ?? NaN;
        valLossT?.dispose();
        valAccT?.dispose();
      }
      const h = fitted.history;
      const usedLr = lr;
      // Early stopping and the plateau schedule decide first, so this epoch's log can say what they did.
      let stopsEarly = false;
      if (!cancelled) {
        const { improved, sinceBest } = monitor.step(valLoss);
        if (improved) {
          bestEpoch = epoch;
          sincePlateauCut = 0;
          bestWeights?.forEach((w) => w.dispose());
          bestWeights = model.getWeights().map((w) => w.clone());
        } else {
          sincePlateauCut++;
          if (sincePlateauCut >= training.lr_schedule.patience && lr > training.lr_schedule.min_lr) {
            lr = Math.max(training.lr_schedule.min_lr, lr * training.lr_schedule.factor);
            setLearningRate(model, lr);
            sincePlateauCut = 0;
          }
          stopsEarly = sinceBest >= training.early_stopping.patience && epoch < training.epochs;
        }
      }
      const log: EpochLog = {
        epoch,
        // For an ensemble: the mean per tower (the sum of the towers' losses and penalties over towers).
        loss: Number(h.loss?.[0]) / towers,
        acc: meanAccuracy(h),
        valLoss,
        valAcc,
        lr: usedLr,
        seconds: (performance.now() - started) / 1000,
        bestEpoch,
        ...(stopsEarly ? { earlyStop: true } : {}),
      };
      history.push(log);
      onEpoch?.(log);
      if (cancelled || stopsEarly) break;
    }
    if (bestWeights) model.setWeights(bestWeights);
    return { history, bestEpoch, cancelled };
  } finally {
    bestWeights?.forEach((w) => w.dispose());
    for (const t of [train.xs, train.ys, val?.xs, val?.ys, mask]) t?.dispose();
  }
}

/** Class probabilities for each sample (n × nClasses), in batches. */
export function predictProbabilities(model: tf.LayersModel, x: Float32Array, sampleShape: number[]): Float32Array {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const n = size > 0 ? x.length / size : 0;
  // The typed array is read outside tf.tidy: tidy walks whatever it returns, element by element.
  const out = tf.tidy(() => model.predict(tf.tensor(x, [n, ...sampleShape]), { batchSize: 256 }) as tf.Tensor);
  try {
    return out.dataSync() as Float32Array;
  } finally {
    out.dispose();
  }
}

export function argmaxRows(probabilities: Float32Array, nClasses: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < probabilities.length; i += nClasses) {
    let best = 0;
    for (let c = 1; c < nClasses; c++) if ((probabilities[i + c] as number) > (probabilities[i + best] as number)) best = c;
    out.push(best);
  }
  return out;
}
