/**
 * Building blocks shared by the architectures: spec checks, per-layer seeds, and the
 * Dense → [BatchNorm] → ReLU → [Dropout] block.
 *
 * Every layer gets an explicit name so a saved model.json reads like the architecture
 * ("dense_1", "bn_1", …) and weight names are stable across builds in one process (tfjs would
 * otherwise number them with a process-wide counter).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelBuildSpec } from './types';

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

/** The softmax layer over the emotions. */
export function softmaxOutput(x: tf.SymbolicTensor, nClasses: number, seed: number): tf.SymbolicTensor {
  return apply(
    tf.layers.dense({ name: 'emotion', units: nClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
    x,
  );
}

/**
 * The dense head of the sequence models: one block of `hidden_layers[0]` units with `dropout_rates[0]`
 * (no dropout when the list is empty, as for the DNN). `checkSpec` guarantees `hidden_layers[0]`.
 */
export function headBlock(x: tf.SymbolicTensor, spec: ModelBuildSpec, seed: number): tf.SymbolicTensor {
  const { hidden_layers: hidden, dropout_rates: dropout, l2, batchNorm } = spec.config;
  return denseBlock(x, {
    units: hidden[0] as number,
    dropout: dropout[0] ?? 0,
    l2,
    batchNorm,
    seed,
    id: 'head',
  });
}
