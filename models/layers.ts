/**
 * Building blocks shared by the architectures: spec checks, per-layer seeds, the
 * Dense → [BatchNorm] → ReLU → [Dropout] block, input noise, seed ensembles of towers, and the
 * statistics-pooled output stage of the sequence models.
 *
 * Every layer gets an explicit name so a saved model.json reads like the architecture
 * ("dense_1", "bn_1", …) and weight names are stable across builds in one process (tfjs would
 * otherwise number them with a process-wide counter).
 */
import * as tf from '@tensorflow/tfjs';
import { StatsPooling1D } from './statsPooling';
import type { ModelBuildSpec } from './types';

export { StatsPooling1D } from './statsPooling';

export class ModelSpecError extends Error {
  override name = 'ModelSpecError';
}

function fail(model: string, message: string): never {
  throw new ModelSpecError(`${model}: ${message}`);
}

function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}

/** The checks every architecture shares; returns the input shape, known to have `rank` positive dims. */
export function checkSpec(model: string, spec: ModelBuildSpec, rank: number, expected: string): number[] {
  if (spec === null || typeof spec !== 'object') fail(model, 'spec must be an object');
  const { inputShape, nClasses, config, seed } = spec;
  if (!Array.isArray(inputShape) || inputShape.length !== rank || !inputShape.every(isPositiveInt)) {
    fail(model, `inputShape must be ${expected} (positive integers, no batch axis), got ${JSON.stringify(inputShape)}`);
  }
  if (!isPositiveInt(nClasses) || nClasses < 2) fail(model, `nClasses must be an integer ≥ 2, got ${String(nClasses)}`);
  if (!Number.isInteger(seed) || seed < 0) fail(model, `seed must be an integer ≥ 0, got ${String(seed)}`);
  if (config === null || typeof config !== 'object') fail(model, 'config must be an object');
  const { hidden_layers: hidden, dropout_rates: dropout, l2, batchNorm } = config;
  if (!Array.isArray(hidden) || hidden.length === 0 || !hidden.every(isPositiveInt)) {
    fail(model, `model.hidden_layers must be a non-empty list of positive integers, got ${JSON.stringify(hidden)}`);
  }
  if (!Array.isArray(dropout) || !dropout.every((r) => typeof r === 'number' && r >= 0 && r < 1)) {
    fail(model, `model.dropout_rates must be a list of rates in [0, 1), got ${JSON.stringify(dropout)}`);
  }
  if (dropout.length !== 0 && dropout.length !== hidden.length) {
    fail(model, `model.dropout_rates needs one rate per hidden layer (${hidden.length}) or none, got ${dropout.length}`);
  }
  if (typeof l2 !== 'number' || !Number.isFinite(l2) || l2 < 0) fail(model, `training.l2 must be a number ≥ 0, got ${String(l2)}`);
  if (typeof batchNorm !== 'boolean') fail(model, `training.batch_norm must be true or false, got ${String(batchNorm)}`);
  const { input_noise: noise = 0, ensemble = 1 } = config;
  if (typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0) fail(model, `model.input_noise must be a number ≥ 0, got ${String(noise)}`);
  if (!isPositiveInt(ensemble)) fail(model, `model.ensemble must be an integer ≥ 1, got ${String(ensemble)}`);
  return inputShape;
}

/**
 * Reproducible, distinct seeds for the initialisers of one model: the n-th call returns a hash of
 * (model seed, n). Distinct per layer so two equally-shaped layers do not start from the same matrix.
 */
export function seedSequence(seed: number): () => number {
  let n = 0;
  return () => {
    let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(++n, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    return ((h ^ (h >>> 16)) >>> 0) % 2147483647;
  };
}

/** Undefined for l2 = 0: no regulariser at all rather than a zero-weighted one in every step. */
export function l2Regularizer(l2: number): ReturnType<typeof tf.regularizers.l2> | undefined {
  return l2 > 0 ? tf.regularizers.l2({ l2 }) : undefined;
}

/** `layer.apply` on one symbolic tensor (the functional API's return type covers every case). */
export function apply(layer: tf.layers.Layer, x: tf.SymbolicTensor): tf.SymbolicTensor {
  return layer.apply(x) as tf.SymbolicTensor;
}

export interface DenseBlockOptions {
  units: number;
  /** 0 = no dropout layer. */
  dropout: number;
  l2: number;
  batchNorm: boolean;
  seed: number;
  /** Suffix of the layer names: `dense_<id>`, `bn_<id>`, `relu_<id>`, `dropout_<id>`. */
  id: string;
}

/**
 * Dense → BatchNorm → ReLU → Dropout with batch norm, else Dense(+ReLU fused) → Dropout. With batch
 * norm the Dense has no bias: BatchNorm's beta takes its place.
 */
export function denseBlock(x: tf.SymbolicTensor, o: DenseBlockOptions): tf.SymbolicTensor {
  let y = apply(
    tf.layers.dense({
      name: `dense_${o.id}`,
      units: o.units,
      useBias: !o.batchNorm,
      activation: o.batchNorm ? 'linear' : 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed }),
      kernelRegularizer: l2Regularizer(o.l2),
    }),
    x,
  );
  if (o.batchNorm) {
    y = apply(tf.layers.batchNormalization({ name: `bn_${o.id}` }), y);
    y = apply(tf.layers.activation({ name: `relu_${o.id}`, activation: 'relu' }), y);
  }
  // Unseeded on purpose: a seeded tfjs dropout draws the *same* mask at every step.
  if (o.dropout > 0) y = apply(tf.layers.dropout({ name: `dropout_${o.id}`, rate: o.dropout }), y);
  return y;
}

/** The softmax layer over the emotions (`emotion`, or `<prefix>emotion` inside an ensemble tower). */
export function softmaxOutput(x: tf.SymbolicTensor, nClasses: number, seed: number, prefix = ''): tf.SymbolicTensor {
  return apply(
    tf.layers.dense({ name: `${prefix}emotion`, units: nClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
    x,
  );
}

/**
 * Training-time input regularisation on the standardised inputs: Gaussian noise of standard deviation
 * `model.input_noise` (in z-score units). tfjs's GaussianNoise is the identity outside training, so
 * evaluation and prediction stay deterministic. 0 = no layer.
 */
export function inputNoise(x: tf.SymbolicTensor, spec: ModelBuildSpec, prefix = ''): tf.SymbolicTensor {
  const stddev = spec.config.input_noise ?? 0;
  return stddev > 0 ? apply(tf.layers.gaussianNoise({ name: `${prefix}input_noise`, stddev }), x) : x;
}

/** One tower of an ensemble: the layers from the (shared) input to that tower's softmax. */
export type TowerBuilder = (input: tf.SymbolicTensor, t: { prefix: string; nextSeed: () => number }) => tf.SymbolicTensor;

/** The multi-output model that trains an ensemble's towers, each on its own loss, by inference model. */
const TRAINING_MODELS = new WeakMap<tf.LayersModel, tf.LayersModel>();

/**
 * The model the trainer fits: for an ensemble, a model with one softmax output per tower sharing the
 * inference model's layers (so each tower is trained on its own cross-entropy, as if trained alone);
 * otherwise the model itself. A model loaded from disk is always its own training model.
 */
export function trainingModelOf(model: tf.LayersModel): tf.LayersModel {
  return TRAINING_MODELS.get(model) ?? model;
}

/**
 * `model.ensemble` independently initialised towers over one input, in ONE layers model whose output
 * (`emotion`) is the mean of the towers' softmaxes: saving, loading and prediction see a single model.
 * Tower k's layers are prefixed `t<k>_` and seeded from (seed, k); with one tower there is no prefix
 * and no averaging layer, so the model is exactly the plain architecture.
 */
export function ensembleModel(name: string, input: tf.SymbolicTensor, spec: ModelBuildSpec, tower: TowerBuilder): tf.LayersModel {
  const n = spec.config.ensemble ?? 1;
  if (!Number.isInteger(n) || n < 1) fail(name, `model.ensemble must be an integer ≥ 1, got ${String(n)}`);
  if (n === 1) return tf.model({ name, inputs: input, outputs: tower(input, { prefix: '', nextSeed: seedSequence(spec.seed) }) });
  const outputs = Array.from({ length: n }, (_, k) =>
    tower(input, { prefix: `t${k + 1}_`, nextSeed: seedSequence(k === 0 ? spec.seed : seedSequence(spec.seed + k)()) }),
  );
  const mean = tf.layers.average({ name: 'emotion' }).apply(outputs) as tf.SymbolicTensor;
  const model = tf.model({ name, inputs: input, outputs: mean });
  TRAINING_MODELS.set(model, tf.model({ name: `${name}_towers`, inputs: input, outputs }));
  return model;
}

/**
 * The dense head of the sequence models: one block of `hidden_layers[0]` units with `dropout_rates[0]`
 * (no dropout when the list is empty, as for the DNN). `checkSpec` guarantees `hidden_layers[0]`.
 */
export function headBlock(x: tf.SymbolicTensor, spec: ModelBuildSpec, seed: number, prefix = ''): tf.SymbolicTensor {
  const { hidden_layers: hidden, dropout_rates: dropout, l2, batchNorm } = spec.config;
  return denseBlock(x, {
    units: hidden[0] as number,
    dropout: dropout[0] ?? 0,
    l2,
    batchNorm,
    seed,
    id: `${prefix}head`,
  });
}

/** How a sequence model summarises its learned features over time. */
export type TimePooling = 'mean' | 'stats';

export interface SequenceOutputOptions {
  /**
   * 'stats' = mean and standard deviation over time (x-vector statistics pooling); 'mean' = mean only;
   * 'none' = the features are already one vector per clip ([batch, units], e.g. an LSTM's last state).
   */
  pooling: TimePooling | 'none';
  /** Also feed the per-channel mean and std over time of the (clean, standardised) input to the head. */
  inputStats: boolean;
}

/**
 * The output stage the sequence models share: learned features [batch, time, units] pooled over time
 * (`<prefix>time_stats`: mean ‖ std, or `<prefix>time_average`), optionally concatenated
 * (`<prefix>pooled_features`) with the input-statistics path — `<prefix>input_stats`, the mean ‖ std
 * over time of every input channel, batch-normalised (`<prefix>input_stats_bn`, with training.batch_norm)
 * so those values reach the head on the scale the stats models see them — then the Dense head block
 * and the softmax. With the input path the network contains a one-hidden-layer model of its own
 * channels' clip statistics as a special case; the learned temporal features can only add to it.
 */
export function sequenceOutput(
  features: tf.SymbolicTensor,
  sequence: tf.SymbolicTensor,
  spec: ModelBuildSpec,
  nextSeed: () => number,
  prefix: string,
  o: SequenceOutputOptions,
): tf.SymbolicTensor {
  let x = features;
  if (o.pooling === 'stats') x = apply(new StatsPooling1D({ name: `${prefix}time_stats` }), features);
  else if (o.pooling === 'mean') x = apply(tf.layers.globalAveragePooling1d({ name: `${prefix}time_average` }), features);
  if (o.inputStats) {
    let stats = apply(new StatsPooling1D({ name: `${prefix}input_stats` }), sequence);
    if (spec.config.batchNorm) stats = apply(tf.layers.batchNormalization({ name: `${prefix}input_stats_bn` }), stats);
    x = tf.layers.concatenate({ name: `${prefix}pooled_features` }).apply([stats, x]) as tf.SymbolicTensor;
  }
  x = headBlock(x, spec, nextSeed(), prefix);
  return softmaxOutput(x, spec.nClasses, nextSeed(), prefix);
}
