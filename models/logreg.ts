/**
 * `logreg`: multinomial logistic regression with an L2 penalty over one clip's feature statistics —
 * the classical baseline every neural model here must beat, first class: trained, saved, predicted
 * and compared exactly like the others.
 *
 * The fit is scikit-learn's `LogisticRegression(solver='lbfgs')` for more than two classes: minimise
 *   Σᵢ sᵢ · −log softmax(W xᵢ + b)[yᵢ]  +  ½ · ‖W‖² / C
 * (the intercept is not penalised; sᵢ = 1, or n / (K · count(yᵢ)) for `class_weight='balanced'`) by
 * L-BFGS in float64. The objective is strictly convex, so any converged solver lands on the same
 * optimum; tests hold this one to scikit-learn's own fits (tests/fixtures/sklearn/logreg.json).
 *
 * The fitted model is a single softmax Dense layer, so it is saved, loaded and run by the same tfjs
 * code as every other model.
 */
import * as tf from '@tensorflow/tfjs';
import { balancedClassWeights } from './classWeights';
import type { ModelDefinition } from './types';

export interface LogregOptions {
  /** Inverse regularisation strength (scikit-learn's `C`). */
  C: number;
  /** scikit-learn's `class_weight='balanced'`. */
  balanced: boolean;
  maxIter?: number;
  /** Stop when every gradient component is below this (absolute, on the objective above). */
  gradTol?: number;
}

export interface LogregFit {
  /** K × D, row-major: class k's weights are `coef[k·D … k·D + D)`. */
  coef: Float64Array;
  intercept: Float64Array;
  iterations: number;
  converged: boolean;
  /** The objective at the solution. */
  loss: number;
}

/** The objective and its gradient at `params` = [W (K × D) row-major, b (K)]. */
function objective(
  params: Float64Array,
  x: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: Float64Array,
  n: number,
  d: number,
  k: number,
  C: number,
  grad: Float64Array,
): number {
  grad.fill(0);
  const logits = new Float64Array(k);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let z = params[k * d + c] as number;
      const w = c * d;
      for (let j = 0; j < d; j++) z += (params[w + j] as number) * (x[row + j] as number);
      logits[c] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp((logits[c] as number) - max);
    const logSum = max + Math.log(sum);
    const y = labels[i] as number;
    const s = weights[i] as number;
    loss += s * (logSum - (logits[y] as number));
    for (let c = 0; c < k; c++) {
      const residual = s * (Math.exp((logits[c] as number) - logSum) - (c === y ? 1 : 0));
      if (residual === 0) continue;
      const w = c * d;
      for (let j = 0; j < d; j++) grad[w + j] = (grad[w + j] as number) + residual * (x[row + j] as number);
      grad[k * d + c] = (grad[k * d + c] as number) + residual;
    }
  }
  const alpha = 1 / C;
  for (let p = 0; p < k * d; p++) {
    const w = params[p] as number;
    loss += 0.5 * alpha * w * w;
    grad[p] = (grad[p] as number) + alpha * w;
  }
  return loss;
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
};

const maxAbs = (a: Float64Array): number => {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
};

/** Per-row weights: 1, or scikit-learn's balanced n / (K · count(class)). */
export function sampleWeights(labels: ArrayLike<number>, k: number, balanced: boolean): Float64Array {
  if (!balanced) return new Float64Array(labels.length).fill(1);
  const byClass = balancedClassWeights(labels, k);
  return Float64Array.from({ length: labels.length }, (_, i) => byClass[labels[i] as number] as number);
}

/**
 * Fit on `n` rows of `d` standardised features (`x` row-major) with labels in 0…k−1. L-BFGS (memory 10)
 * with a backtracking Armijo line search, from zero weights.
 */
export function fitLogisticRegression(x: ArrayLike<number>, labels: ArrayLike<number>, d: number, k: number, options: LogregOptions): LogregFit {
  const n = labels.length;
  if (n === 0) throw new Error('logreg: no training rows');
  if (x.length !== n * d) throw new Error(`logreg: ${x.length} values for ${n} rows of ${d} features`);
  if (!(options.C > 0)) throw new Error(`logreg: C must be positive, got ${options.C}`);
  const maxIter = options.maxIter ?? 2000;
  const gradTol = options.gradTol ?? 1e-6;
  const weights = sampleWeights(labels, k, options.balanced);
  const size = k * d + k;
  const params = new Float64Array(size);
  let grad = new Float64Array(size);
  let loss = objective(params, x, labels, weights, n, d, k, options.C, grad);
  const memory = 10;
  const sList: Float64Array[] = [];
  const yList: Float64Array[] = [];
  const rhoList: number[] = [];
  const direction = new Float64Array(size);
  const nextParams = new Float64Array(size);
  let nextGrad = new Float64Array(size);
  let iterations = 0;
  let converged = maxAbs(grad) <= gradTol;
  while (!converged && iterations < maxIter) {
    iterations++;
    // Two-loop recursion: direction = −H·grad.
    direction.set(grad);
    const alphas = new Array<number>(sList.length);
    for (let m = sList.length - 1; m >= 0; m--) {
      const a = (rhoList[m] as number) * dot(sList[m] as Float64Array, direction);
      alphas[m] = a;
      const y = yList[m] as Float64Array;
      for (let p = 0; p < size; p++) direction[p] = (direction[p] as number) - a * (y[p] as number);
    }
    const last = sList.length - 1;
    const gamma = last >= 0 ? dot(sList[last] as Float64Array, yList[last] as Float64Array) / dot(yList[last] as Float64Array, yList[last] as Float64Array) : 1 / Math.max(1, maxAbs(grad));
    for (let p = 0; p < size; p++) direction[p] = (direction[p] as number) * gamma;
    for (let m = 0; m < sList.length; m++) {
      const b = (rhoList[m] as number) * dot(yList[m] as Float64Array, direction);
      const s = sList[m] as Float64Array;
      for (let p = 0; p < size; p++) direction[p] = (direction[p] as number) + (s[p] as number) * ((alphas[m] as number) - b);
    }
    for (let p = 0; p < size; p++) direction[p] = -(direction[p] as number);
    let slope = dot(grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sList.length = yList.length = rhoList.length = 0;
      for (let p = 0; p < size; p++) direction[p] = -(grad[p] as number) / Math.max(1, maxAbs(grad));
      slope = dot(grad, direction);
    }
    // Backtracking line search (Armijo).
    let step = 1;
    let nextLoss = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let p = 0; p < size; p++) nextParams[p] = (params[p] as number) + step * (direction[p] as number);
      nextLoss = objective(nextParams, x, labels, weights, n, d, k, options.C, nextGrad);
      if (nextLoss <= loss + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    // No step decreased the objective (we are at the optimum to float precision): stop.
    if (!(nextLoss <= loss)) break;
    const s = new Float64Array(size);
    const y = new Float64Array(size);
    for (let p = 0; p < size; p++) {
      s[p] = (nextParams[p] as number) - (params[p] as number);
      y[p] = (nextGrad[p] as number) - (grad[p] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      sList.push(s);
      yList.push(y);
      rhoList.push(1 / sy);
      if (sList.length > memory) {
        sList.shift();
        yList.shift();
        rhoList.shift();
      }
    }
    const decrease = loss - nextLoss;
    params.set(nextParams);
    [grad, nextGrad] = [nextGrad, grad];
    loss = nextLoss;
    converged = maxAbs(grad) <= gradTol || decrease <= 1e-15 * Math.max(1, Math.abs(loss));
  }
  return { coef: params.slice(0, k * d), intercept: params.slice(k * d), iterations, converged, loss };
}

/** The objective at a given fit (for checking a solution against another solver's). */
export function logregLoss(fit: Pick<LogregFit, 'coef' | 'intercept'>, x: ArrayLike<number>, labels: ArrayLike<number>, d: number, options: LogregOptions): number {
  const k = fit.intercept.length;
  const params = new Float64Array(k * d + k);
  params.set(fit.coef);
  params.set(fit.intercept, k * d);
  return objective(params, x, labels, sampleWeights(labels, k, options.balanced), labels.length, d, k, options.C, new Float64Array(params.length));
}

/** softmax(W x + b) for each row of `x`, in float64 (the reference the tfjs layer is checked against). */
export function logregProbabilities(fit: Pick<LogregFit, 'coef' | 'intercept'>, x: ArrayLike<number>, d: number): Float64Array {
  const k = fit.intercept.length;
  const n = x.length / d;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let z = fit.intercept[c] as number;
      for (let j = 0; j < d; j++) z += (fit.coef[c * d + j] as number) * (x[i * d + j] as number);
      out[i * k + c] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp((out[i * k + c] as number) - max);
      out[i * k + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) out[i * k + c] = (out[i * k + c] as number) / sum;
  }
  return out;
}

/** The model's shape: one softmax Dense layer over `dims` standardised inputs, zero weights until set. */
export function buildLogreg(dims: number, nClasses: number): tf.LayersModel {
  if (!Number.isInteger(dims) || dims < 1) throw new Error(`logreg: dims must be a positive integer, got ${String(dims)}`);
  if (!Number.isInteger(nClasses) || nClasses < 2) throw new Error(`logreg: nClasses must be an integer ≥ 2, got ${String(nClasses)}`);
  const input = tf.input({ name: 'stats', shape: [dims] });
  const output = tf.layers
    .dense({ units: nClasses, activation: 'softmax', kernelInitializer: 'zeros', biasInitializer: 'zeros', name: 'softmax' })
    .apply(input) as tf.SymbolicTensor;
  return tf.model({ name: 'logreg', inputs: input, outputs: output });
}

/** Put a fit's weights into a model from `buildLogreg` (tfjs's Dense kernel is D × K). */
export function setLogregWeights(model: tf.LayersModel, fit: Pick<LogregFit, 'coef' | 'intercept'>): void {
  const k = fit.intercept.length;
  const d = fit.coef.length / k;
  const kernel = new Float32Array(d * k);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) kernel[j * k + c] = fit.coef[c * d + j] as number;
  const tensors = [tf.tensor2d(kernel, [d, k]), tf.tensor1d(Float32Array.from(fit.intercept))];
  model.setWeights(tensors);
  for (const t of tensors) t.dispose();
}

export const LOGREG_MODEL: ModelDefinition = {
  name: 'logreg',
  input: 'stats',
  fit: (data, spec) => {
    const fit = fitLogisticRegression(data.x, data.labels, data.dims, spec.nClasses, { C: spec.config.C, balanced: spec.balanced });
    const model = buildLogreg(data.dims, spec.nClasses);
    setLogregWeights(model, fit);
    return model;
  },
  describe: () =>
    'stats → one softmax layer: multinomial logistic regression with an L2 penalty (scikit-learn LogisticRegression, lbfgs), the classical baseline. Uses model.C and training.class_weights; fitted to convergence, not in epochs.',
};
