/**
 * One training run, nanoGPT-short: Adam, balanced class weights, reduce-on-plateau learning rate,
 * early stopping that restores the best validation-loss weights, a seeded shuffle per epoch. Cancel is
 * honoured after the current batch. The caller owns the data and the model; this owns the loop.
 */
import * as tf from '@tensorflow/tfjs';
import type { Config } from '../../../shared/config';
import type { EpochLog } from '../../../shared/experiments';
import { setLearningRate } from '../../../models/registry';
import { mulberry32 } from '../random';

export interface FitData {
  /** n × sampleShape, row-major, already standardised. */
  x: Float32Array;
  labels: Int32Array;
  sampleShape: number[];
}

export interface FitOptions {
  model: tf.LayersModel;
  train: FitData;
  validation: FitData;
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

/** sklearn's 'balanced': n / (classes × count). RAVDESS neutral has half the clips of the others. */
export function balancedClassWeights(labels: Int32Array, nClasses: number): Record<number, number> {
  const counts = new Array<number>(nClasses).fill(0);
  for (const l of labels) counts[l] = (counts[l] ?? 0) + 1;
  const weights: Record<number, number> = {};
  counts.forEach((c, i) => {
    weights[i] = c > 0 ? labels.length / (nClasses * c) : 0;
  });
  return weights;
}

function tensors(data: FitData, nClasses: number): { xs: tf.Tensor; ys: tf.Tensor } {
  const n = data.labels.length;
  return tf.tidy(() => ({
    xs: tf.tensor(data.x, [n, ...data.sampleShape]),
    ys: tf.oneHot(tf.tensor1d(data.labels, 'int32'), nClasses).toFloat(),
  }));
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function fitModel(options: FitOptions): Promise<FitResult> {
  const { model, training, signal, onEpoch, nClasses } = options;
  if (options.train.labels.length === 0) throw new Error('no training samples');
  if (options.validation.labels.length === 0) throw new Error('no validation samples');
  const random = mulberry32(training.seed);
  const train = tensors(options.train, nClasses);
  const val = tensors(options.validation, nClasses);
  const classWeight = training.class_weights ? balancedClassWeights(options.train.labels, nClasses) : undefined;
  const history: EpochLog[] = [];
  let lr = training.learning_rate;
  setLearningRate(model, lr);
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | null = null;
  let sinceBest = 0;
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
      const xs = tf.gather(train.xs, idx);
      const ys = tf.gather(train.ys, idx);
      idx.dispose();
      let batches = 0;
      const fitted = await model.fit(xs, ys, {
        epochs: 1,
        batchSize: training.batch_size,
        shuffle: false,
        verbose: 0,
        classWeight,
        callbacks: {
          onBatchEnd: async () => {
            // Let cancel messages in; stop after this batch if asked.
            if (++batches % 4 === 0) await yieldToEventLoop();
            if (signal?.aborted) model.stopTraining = true;
          },
        },
      });
      xs.dispose();
      ys.dispose();
      if (signal?.aborted) {
        cancelled = true;
        if (batches * training.batch_size < n) break; // a partial epoch is not an epoch
      }
      const [valLossT, valAccT] = model.evaluate(val.xs, val.ys, { batchSize: 256 }) as tf.Scalar[];
      const valLoss = (await valLossT?.data())?.[0] ?? NaN;
      const valAcc = (await valAccT?.data())?.[0] ?? NaN;
      valLossT?.dispose();
      valAccT?.dispose();
      const h = fitted.history;
      const usedLr = lr;
      // Early stopping and the plateau schedule decide first, so this epoch's log can say what they did.
      let stopsEarly = false;
      if (!cancelled) {
        if (valLoss < bestLoss - 1e-4) {
          bestLoss = valLoss;
          bestEpoch = epoch;
          sinceBest = 0;
          sincePlateauCut = 0;
          bestWeights?.forEach((w) => w.dispose());
          bestWeights = model.getWeights().map((w) => w.clone());
        } else {
          sinceBest++;
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
        loss: Number(h.loss?.[0]),
        acc: Number((h.acc ?? h.accuracy)?.[0]),
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
    for (const t of [train.xs, train.ys, val.xs, val.ys]) t.dispose();
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
