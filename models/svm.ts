/**
 * `svm`: a support-vector classifier with an RBF kernel over one clip's feature statistics, with
 * LIBSVM's semantics (the library behind scikit-learn's `SVC`):
 *
 * - one-vs-one: one binary C-SVC per pair of classes (i < j, class i positive), `K(x, z) =
 *   exp(−γ‖x − z‖²)`, γ = `model.gamma` or 'scale' = 1 / (n_features · var(X)) over every training value;
 * - each pair solved by SMO with LIBSVM's second-order working-set selection (Fan, Chen & Lin 2005) to
 *   the same stopping tolerance (1e-3), per-class C = C · class weight (`training.class_weights` →
 *   scikit-learn's `class_weight='balanced'`), the bias from the free support vectors;
 * - Platt probabilities as LIBSVM computes them: per pair a sigmoid fitted (Lin, Lin & Weng 2007) to
 *   5-fold cross-validated decision values, then pairwise coupling (Wu, Lin & Weng 2004, method 2).
 *   The folds are seeded here (LIBSVM draws them with `rand()`), so probabilities agree with
 *   scikit-learn's to a tolerance, not bit for bit; given the same sigmoids they agree to 1e-6.
 *
 * The predicted emotion is the argmax of those probabilities, so the verdict always matches the top bar
 * (LIBSVM's own `predict` votes over the pairs instead; `svmVotes` keeps that for reference — the two
 * differ on a few borderline clips).
 *
 * The fitted model is a tfjs layers model with one custom layer (`EmotionStudioSvm`) holding the support
 * vectors, the pairwise coefficients and sigmoids, so it is saved, loaded and run by the same code as
 * every other model.
 */
import * as tf from '@tensorflow/tfjs';
import { balancedClassWeights } from './classWeights';
import { mulberry32 } from '../electron/core/random';
import type { ModelDefinition } from './types';

export interface SvmOptions {
  C: number;
  /** A positive number, or 'scale'. */
  gamma: number | 'scale';
  /** scikit-learn's `class_weight='balanced'`: C of class c = C · n / (K · count(c)). */
  balanced: boolean;
  /** Seeds the cross-validation folds of the Platt fits. */
  seed: number;
  /** Fit Platt sigmoids (5-fold CV per pair). Without them `probA = probB = 0` and probabilities are not calibrated. */
  probability?: boolean;
  /** SMO stopping tolerance (LIBSVM's eps, scikit-learn's tol). */
  tol?: number;
}

export interface SvmFit {
  gamma: number;
  nClasses: number;
  dims: number;
  /** nSV × dims, row-major, in training-row order. */
  supportVectors: Float64Array;
  /** The training row each support vector is (for tests and inspection). */
  supportIndices: Int32Array;
  /** nSV × nPairs: support vector s's coefficient yₛ·αₛ in pair p (0 where s takes no part in p). */
  coef: Float64Array;
  /** Per pair: decision(x) = Σₛ coef[s, p] K(x, svₛ) − rho[p]; positive votes for the pair's first class. */
  rho: Float64Array;
  /** Per pair: P(first class | decision f) = 1 / (1 + exp(A·f + B)). */
  probA: Float64Array;
  probB: Float64Array;
}

/** The class pairs in LIBSVM's order: (0,1), (0,2), …, (0,K−1), (1,2), … */
export function classPairs(k: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) pairs.push([i, j]);
  return pairs;
}

/** scikit-learn's gamma='scale': 1 / (n_features · var(X)), var over every value of X (population). */
export function scaleGamma(x: ArrayLike<number>, d: number): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i] as number;
  mean /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += ((x[i] as number) - mean) ** 2;
  v /= x.length;
  return v > 0 ? 1 / (d * v) : 1;
}

/** The full RBF Gram matrix (n × n, float64) of the rows of `x`. */
export function rbfGram(x: ArrayLike<number>, n: number, d: number, gamma: number): Float64Array {
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (x[i * d + j] as number) ** 2;
    sq[i] = s;
  }
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    gram[i * n + i] = 1;
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += (x[i * d + t] as number) * (x[j * d + t] as number);
      const v = Math.exp(-gamma * ((sq[i] as number) + (sq[j] as number) - 2 * dot));
      gram[i * n + j] = v;
      gram[j * n + i] = v;
    }
  }
  return gram;
}

const TAU = 1e-12;

/**
 * LIBSVM's Solver::Solve for the C-SVC dual, min ½αᵀQα − eᵀα with 0 ≤ αᵢ ≤ C(yᵢ), yᵀα = 0, over the
 * rows `rows` of the Gram matrix (labels `y` = ±1). No shrinking (it changes the path, not the answer).
 */
export function solveBinary(gram: Float64Array, n: number, rows: ArrayLike<number>, y: Int8Array, Cp: number, Cn: number, eps: number): { alpha: Float64Array; rho: number } {
  const l = rows.length;
  const alpha = new Float64Array(l);
  const grad = new Float64Array(l).fill(-1);
  const C = (t: number) => ((y[t] as number) > 0 ? Cp : Cn);
  const upper = (t: number) => (alpha[t] as number) >= C(t);
  const lower = (t: number) => (alpha[t] as number) <= 0;
  // Q(i, j) = yᵢ yⱼ K(i, j); QD = 1 for the RBF kernel.
  const q = (i: number, j: number) => (y[i] as number) * (y[j] as number) * (gram[(rows[i] as number) * n + (rows[j] as number)] as number);
  const qi = new Float64Array(l);
  const qj = new Float64Array(l);
  const maxIter = Math.max(10_000_000, 100 * l);
  for (let iter = 0; iter < maxIter; iter++) {
    // Working-set selection, second order (WSS 2 of Fan, Chen & Lin).
    let gmax = -Infinity;
    let gmax2 = -Infinity;
    let iIdx = -1;
    let jIdx = -1;
    let objDiffMin = Infinity;
    for (let t = 0; t < l; t++) {
      if ((y[t] as number) > 0) {
        if (!upper(t) && -(grad[t] as number) >= gmax) {
          gmax = -(grad[t] as number);
          iIdx = t;
        }
      } else if (!lower(t) && (grad[t] as number) >= gmax) {
        gmax = grad[t] as number;
        iIdx = t;
      }
    }
    if (iIdx === -1) break;
    for (let t = 0; t < l; t++) qi[t] = q(iIdx, t);
    const yi = y[iIdx] as number;
    for (let t = 0; t < l; t++) {
      const g = grad[t] as number;
      if ((y[t] as number) > 0) {
        if (!lower(t)) {
          const gradDiff = gmax + g;
          if (g >= gmax2) gmax2 = g;
          if (gradDiff > 0) {
            const quad = 1 + 1 - 2 * yi * (qi[t] as number);
            const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
            if (objDiff <= objDiffMin) {
              jIdx = t;
              objDiffMin = objDiff;
            }
          }
        }
      } else if (!upper(t)) {
        const gradDiff = gmax - g;
        if (-g >= gmax2) gmax2 = -g;
        if (gradDiff > 0) {
          const quad = 1 + 1 + 2 * yi * (qi[t] as number);
          const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (objDiff <= objDiffMin) {
            jIdx = t;
            objDiffMin = objDiff;
          }
        }
      }
    }
    if (gmax + gmax2 < eps || jIdx === -1) break;
    const i = iIdx;
    const j = jIdx;
    for (let t = 0; t < l; t++) qj[t] = q(j, t);
    const Ci = C(i);
    const Cj = C(j);
    const oldAi = alpha[i] as number;
    const oldAj = alpha[j] as number;
    let ai = oldAi;
    let aj = oldAj;
    const qij = qi[j] as number;
    const gi = grad[i] as number;
    const gj = grad[j] as number;
    if (y[i] !== y[j]) {
      let quad = 2 + 2 * qij;
      if (quad <= 0) quad = TAU;
      const delta = (-gi - gj) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) {
        if (aj < 0) {
          aj = 0;
          ai = diff;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = -diff;
      }
      if (diff > Ci - Cj) {
        if (ai > Ci) {
          ai = Ci;
          aj = Ci - diff;
        }
      } else if (aj > Cj) {
        aj = Cj;
        ai = Cj + diff;
      }
    } else {
      let quad = 2 - 2 * qij;
      if (quad <= 0) quad = TAU;
      const delta = (gi - gj) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > Ci) {
        if (ai > Ci) {
          ai = Ci;
          aj = sum - Ci;
        }
      } else if (aj < 0) {
        aj = 0;
        ai = sum;
      }
      if (sum > Cj) {
        if (aj > Cj) {
          aj = Cj;
          ai = sum - Cj;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = sum;
      }
    }
    alpha[i] = ai;
    alpha[j] = aj;
    const dai = ai - oldAi;
    const daj = aj - oldAj;
    for (let t = 0; t < l; t++) grad[t] = (grad[t] as number) + (qi[t] as number) * dai + (qj[t] as number) * daj;
  }
  // The bias: the mean of yG over free vectors, else the middle of the feasible interval.
  let nFree = 0;
  let sumFree = 0;
  let ub = Infinity;
  let lb = -Infinity;
  for (let t = 0; t < l; t++) {
    const yG = (y[t] as number) * (grad[t] as number);
    if (upper(t)) {
      if ((y[t] as number) < 0) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (lower(t)) {
      if ((y[t] as number) > 0) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  return { alpha, rho: nFree > 0 ? sumFree / nFree : (ub + lb) / 2 };
}

/** Decision values of a binary solution for the rows `targets` (Gram rows), given its training rows. */
function binaryDecisions(gram: Float64Array, n: number, rows: ArrayLike<number>, y: Int8Array, alpha: Float64Array, rho: number, targets: ArrayLike<number>): Float64Array {
  const out = new Float64Array(targets.length);
  for (let t = 0; t < targets.length; t++) {
    const g = (targets[t] as number) * n;
    let s = 0;
    for (let i = 0; i < rows.length; i++) {
      const a = alpha[i] as number;
      if (a !== 0) s += a * (y[i] as number) * (gram[g + (rows[i] as number)] as number);
    }
    out[t] = s - rho;
  }
  return out;
}

/** Platt's sigmoid for decision values `dec` and labels ±1, by LIBSVM's `sigmoid_train` (Newton with backtracking). */
export function sigmoidTrain(dec: ArrayLike<number>, y: ArrayLike<number>): { A: number; B: number } {
  const l = dec.length;
  let prior1 = 0;
  for (let i = 0; i < l; i++) if ((y[i] as number) > 0) prior1++;
  const prior0 = l - prior1;
  const maxIter = 100;
  const minStep = 1e-10;
  const sigma = 1e-12;
  const eps = 1e-5;
  const hi = (prior1 + 1) / (prior1 + 2);
  const lo = 1 / (prior0 + 2);
  const t = Float64Array.from({ length: l }, (_, i) => ((y[i] as number) > 0 ? hi : lo));
  const objective = (A: number, B: number): number => {
    let f = 0;
    for (let i = 0; i < l; i++) {
      const fApB = (dec[i] as number) * A + B;
      f += fApB >= 0 ? (t[i] as number) * fApB + Math.log1p(Math.exp(-fApB)) : ((t[i] as number) - 1) * fApB + Math.log1p(Math.exp(fApB));
    }
    return f;
  };
  let A = 0;
  let B = Math.log((prior0 + 1) / (prior1 + 1));
  let fval = objective(A, B);
  for (let iter = 0; iter < maxIter; iter++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < l; i++) {
      const d = dec[i] as number;
      const fApB = d * A + B;
      let p: number;
      let q: number;
      if (fApB >= 0) {
        p = Math.exp(-fApB) / (1 + Math.exp(-fApB));
        q = 1 / (1 + Math.exp(-fApB));
      } else {
        p = 1 / (1 + Math.exp(fApB));
        q = Math.exp(fApB) / (1 + Math.exp(fApB));
      }
      const d2 = p * q;
      h11 += d * d * d2;
      h22 += d2;
      h21 += d * d2;
      const d1 = (t[i] as number) - p;
      g1 += d * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < eps && Math.abs(g2) < eps) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= minStep) {
      const newA = A + step * dA;
      const newB = B + step * dB;
      const newF = objective(newA, newB);
      if (newF < fval + 0.0001 * step * gd) {
        A = newA;
        B = newB;
        fval = newF;
        break;
      }
      step /= 2;
    }
    if (step < minStep) break;
  }
  return { A, B };
}

/** LIBSVM's `sigmoid_predict`: 1 / (1 + exp(A·f + B)), computed without overflow. */
export function sigmoidPredict(f: number, A: number, B: number): number {
  const fApB = f * A + B;
  return fApB >= 0 ? Math.exp(-fApB) / (1 + Math.exp(-fApB)) : 1 / (1 + Math.exp(fApB));
}

/**
 * Pairwise coupling, LIBSVM's `multiclass_probability` (Wu, Lin & Weng 2004, method 2): class
 * probabilities p from pairwise estimates r[i][j] = P(i | i or j) (k × k, row-major).
 */
export function pairwiseCoupling(r: Float64Array, k: number): Float64Array {
  const p = new Float64Array(k).fill(1 / k);
  const Q = new Float64Array(k * k);
  const Qp = new Float64Array(k);
  const maxIter = Math.max(100, k);
  const eps = 0.005 / k;
  for (let t = 0; t < k; t++) {
    for (let j = 0; j < t; j++) {
      Q[t * k + t] = (Q[t * k + t] as number) + (r[j * k + t] as number) ** 2;
      Q[t * k + j] = Q[j * k + t] as number;
    }
    for (let j = t + 1; j < k; j++) {
      Q[t * k + t] = (Q[t * k + t] as number) + (r[j * k + t] as number) ** 2;
      Q[t * k + j] = -(r[j * k + t] as number) * (r[t * k + j] as number);
    }
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += (Q[t * k + j] as number) * (p[j] as number);
      Qp[t] = s;
      pQp += (p[t] as number) * s;
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) maxError = Math.max(maxError, Math.abs((Qp[t] as number) - pQp));
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const qtt = Q[t * k + t] as number;
      const diff = (-(Qp[t] as number) + pQp) / qtt;
      p[t] = (p[t] as number) + diff;
      pQp = (pQp + diff * (diff * qtt + 2 * (Qp[t] as number))) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = ((Qp[j] as number) + diff * (Q[t * k + j] as number)) / (1 + diff);
        p[j] = (p[j] as number) / (1 + diff);
      }
    }
  }
  return p;
}

const MIN_PROB = 1e-7;

/** Class probabilities (k) from one row's pairwise decision values and sigmoids, as `svm_predict_probability`. */
export function couple(dec: ArrayLike<number>, probA: ArrayLike<number>, probB: ArrayLike<number>, k: number): Float64Array {
  const r = new Float64Array(k * k);
  let p = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++, p++) {
      const v = Math.min(Math.max(sigmoidPredict(dec[p] as number, probA[p] as number, probB[p] as number), MIN_PROB), 1 - MIN_PROB);
      r[i * k + j] = v;
      r[j * k + i] = 1 - v;
    }
  }
  return pairwiseCoupling(r, k);
}

/** Train on `n` rows of `d` standardised features with labels 0…k−1 (every class present). */
export function fitSvm(x: ArrayLike<number>, labels: ArrayLike<number>, d: number, k: number, options: SvmOptions): SvmFit {
  const n = labels.length;
  if (n === 0) throw new Error('svm: no training rows');
  if (x.length !== n * d) throw new Error(`svm: ${x.length} values for ${n} rows of ${d} features`);
  if (!(options.C > 0)) throw new Error(`svm: C must be positive, got ${options.C}`);
  const gamma = options.gamma === 'scale' ? scaleGamma(x, d) : options.gamma;
  if (!(gamma > 0)) throw new Error(`svm: gamma must be positive or 'scale', got ${String(options.gamma)}`);
  const tol = options.tol ?? 1e-3;
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) byClass[labels[i] as number]?.push(i);
  const empty = byClass.findIndex((rows) => rows.length === 0);
  if (empty !== -1) throw new Error(`svm: class ${empty} has no training rows (every emotion needs training clips)`);
  const weights = options.balanced ? balancedClassWeights(labels, k) : new Float64Array(k).fill(1);
  const classC = Array.from(weights, (w) => options.C * w);
  const gram = rbfGram(x, n, d, gamma);
  const pairs = classPairs(k);
  const alphaOf = pairs.map(() => new Map<number, number>());
  const rho = new Float64Array(pairs.length);
  const probA = new Float64Array(pairs.length);
  const probB = new Float64Array(pairs.length);
  pairs.forEach(([a, b], p) => {
    const rows = Int32Array.from([...(byClass[a] as number[]), ...(byClass[b] as number[])]);
    const y = Int8Array.from(rows, (r) => (labels[r] === a ? 1 : -1));
    const Cp = classC[a] as number;
    const Cn = classC[b] as number;
    if (options.probability !== false) {
      const { A, B } = plattFromCrossValidation(gram, n, rows, y, Cp, Cn, tol, mulberry32((options.seed + 7919 * (p + 1)) >>> 0));
      probA[p] = A;
      probB[p] = B;
    }
    const solution = solveBinary(gram, n, rows, y, Cp, Cn, tol);
    rho[p] = solution.rho;
    solution.alpha.forEach((alpha, i) => {
      if (alpha > 0) (alphaOf[p] as Map<number, number>).set(rows[i] as number, alpha * (y[i] as number));
    });
  });
  const support = [...new Set(alphaOf.flatMap((m) => [...m.keys()]))].sort((u, v) => u - v);
  const coef = new Float64Array(support.length * pairs.length);
  const supportVectors = new Float64Array(support.length * d);
  support.forEach((row, s) => {
    for (let j = 0; j < d; j++) supportVectors[s * d + j] = x[row * d + j] as number;
    alphaOf.forEach((m, p) => {
      coef[s * pairs.length + p] = m.get(row) ?? 0;
    });
  });
  return { gamma, nClasses: k, dims: d, supportVectors, supportIndices: Int32Array.from(support), coef, rho, probA, probB };
}

/** LIBSVM's `svm_binary_svc_probability`: 5-fold cross-validated decision values, then Platt's sigmoid. */
function plattFromCrossValidation(gram: Float64Array, n: number, rows: Int32Array, y: Int8Array, Cp: number, Cn: number, tol: number, random: () => number): { A: number; B: number } {
  const l = rows.length;
  const folds = 5;
  const perm = Int32Array.from({ length: l }, (_, i) => i);
  for (let i = 0; i < l; i++) {
    const j = i + Math.floor(random() * (l - i));
    [perm[i], perm[j]] = [perm[j] as number, perm[i] as number];
  }
  const dec = new Float64Array(l);
  for (let f = 0; f < folds; f++) {
    const begin = Math.floor((f * l) / folds);
    const end = Math.floor(((f + 1) * l) / folds);
    const trainIdx: number[] = [];
    for (let t = 0; t < l; t++) if (t < begin || t >= end) trainIdx.push(perm[t] as number);
    const heldIdx = Array.from(perm.subarray(begin, end));
    const subRows = Int32Array.from(trainIdx, (t) => rows[t] as number);
    const subY = Int8Array.from(trainIdx, (t) => y[t] as number);
    const positives = subY.reduce((c, v) => c + (v > 0 ? 1 : 0), 0);
    const negatives = subY.length - positives;
    if (positives === 0 || negatives === 0) {
      for (const t of heldIdx) dec[t] = positives > 0 ? 1 : negatives > 0 ? -1 : 0;
      continue;
    }
    const { alpha, rho } = solveBinary(gram, n, subRows, subY, Cp, Cn, tol);
    const values = binaryDecisions(gram, n, subRows, subY, alpha, rho, Int32Array.from(heldIdx, (t) => rows[t] as number));
    heldIdx.forEach((t, i) => {
      dec[t] = values[i] as number;
    });
  }
  return sigmoidTrain(dec, y);
}

/** Pairwise decision values (n × nPairs) of rows of `x`, in float64: the reference the tfjs layer is checked against. */
export function svmDecisions(fit: SvmFit, x: ArrayLike<number>): Float64Array {
  const { dims: d, gamma } = fit;
  const nPairs = fit.rho.length;
  const nSv = fit.supportIndices.length;
  const n = x.length / d;
  const out = new Float64Array(n * nPairs);
  const kernel = new Float64Array(nSv);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < nSv; s++) {
      let dist = 0;
      for (let j = 0; j < d; j++) dist += ((x[i * d + j] as number) - (fit.supportVectors[s * d + j] as number)) ** 2;
      kernel[s] = Math.exp(-gamma * dist);
    }
    for (let p = 0; p < nPairs; p++) {
      let v = -(fit.rho[p] as number);
      for (let s = 0; s < nSv; s++) v += (fit.coef[s * nPairs + p] as number) * (kernel[s] as number);
      out[i * nPairs + p] = v;
    }
  }
  return out;
}

/** LIBSVM's `predict`: one vote per pair (positive decision → the first class), ties to the lower class. */
export function svmVotes(fit: SvmFit, x: ArrayLike<number>): number[] {
  const k = fit.nClasses;
  const pairs = classPairs(k);
  const dec = svmDecisions(fit, x);
  const n = dec.length / pairs.length;
  return Array.from({ length: n }, (_, i) => {
    const votes = new Array<number>(k).fill(0);
    pairs.forEach(([a, b], p) => {
      const winner = (dec[i * pairs.length + p] as number) > 0 ? a : b;
      votes[winner] = (votes[winner] as number) + 1;
    });
    let best = 0;
    for (let c = 1; c < k; c++) if ((votes[c] as number) > (votes[best] as number)) best = c;
    return best;
  });
}

/** Couple every row of `dec` (n × nPairs decision values) into `out` (n × k class probabilities). */
function coupleRows<T extends Float32Array | Float64Array>(dec: Float32Array | Float64Array, probA: ArrayLike<number>, probB: ArrayLike<number>, k: number, out: T): T {
  const nPairs = probA.length;
  for (let i = 0; i < out.length / k; i++) out.set(couple(dec.subarray(i * nPairs, (i + 1) * nPairs), probA, probB, k), i * k);
  return out;
}

/** Class probabilities (n × k) in float64, as `predict_proba`. */
export function svmProbabilities(fit: SvmFit, x: ArrayLike<number>): Float64Array {
  const dec = svmDecisions(fit, x);
  return coupleRows(dec, fit.probA, fit.probB, fit.nClasses, new Float64Array((dec.length / fit.rho.length) * fit.nClasses));
}

interface SvmLayerArgs {
  gamma: number;
  nClasses: number;
  supportVectors: number;
  dims: number;
  name?: string;
}

/**
 * The fitted SVM as one layer: input [batch, dims] → class probabilities [batch, K]. Weights: the support
 * vectors (nSV × dims), their pairwise coefficients (nSV × nPairs), rho, probA and probB (nPairs each).
 * The kernel and decision values are tensor ops; the coupling (a small fixed-point iteration per row)
 * runs on the decision values in JavaScript.
 */
export class SvmLayer extends tf.layers.Layer {
  static readonly className = 'EmotionStudioSvm';
  readonly gamma: number;
  readonly nClasses: number;
  readonly nSupport: number;
  readonly dims: number;
  private sv!: tf.LayerVariable;
  private coef!: tf.LayerVariable;
  private rho!: tf.LayerVariable;
  private probA!: tf.LayerVariable;
  private probB!: tf.LayerVariable;

  constructor(args: SvmLayerArgs) {
    super({ name: args.name ?? 'svm', trainable: false });
    this.gamma = args.gamma;
    this.nClasses = args.nClasses;
    this.nSupport = args.supportVectors;
    this.dims = args.dims;
  }

  override build(): void {
    const nPairs = (this.nClasses * (this.nClasses - 1)) / 2;
    const zeros = tf.initializers.zeros();
    this.sv = this.addWeight('support_vectors', [this.nSupport, this.dims], 'float32', zeros, undefined, false);
    this.coef = this.addWeight('dual_coef', [this.nSupport, nPairs], 'float32', zeros, undefined, false);
    this.rho = this.addWeight('rho', [nPairs], 'float32', zeros, undefined, false);
    this.probA = this.addWeight('prob_a', [nPairs], 'float32', zeros, undefined, false);
    this.probB = this.addWeight('prob_b', [nPairs], 'float32', zeros, undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape): tf.Shape {
    return [inputShape[0] ?? null, this.nClasses];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    const dec = tf.tidy(() => {
      const sv = this.sv.read() as tf.Tensor2D;
      // ‖x − s‖² = ‖x‖² + ‖s‖² − 2 x·s, clipped at 0 against rounding.
      const xx = tf.sum(tf.square(x), 1, true);
      const ss = tf.sum(tf.square(sv), 1).reshape([1, -1]);
      const dist = tf.relu(tf.sub(tf.add(xx, ss), tf.mul(2, tf.matMul(x, sv, false, true))));
      const kernel = tf.exp(tf.mul(-this.gamma, dist));
      return tf.sub(tf.matMul(kernel, this.coef.read() as tf.Tensor2D), this.rho.read());
    });
    const values = dec.dataSync();
    dec.dispose();
    const probA = this.probA.read().dataSync();
    const probB = this.probB.read().dataSync();
    const k = this.nClasses;
    const n = values.length / Math.max(1, probA.length);
    return tf.tensor2d(coupleRows(values as Float32Array, probA, probB, k, new Float32Array(n * k)), [n, k]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), gamma: this.gamma, nClasses: this.nClasses, supportVectors: this.nSupport, dims: this.dims };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config as unknown as SvmLayerArgs);
  }
}
tf.serialization.registerClass(SvmLayer);

/** The fitted SVM as a tfjs layers model (input 'stats', one `EmotionStudioSvm` layer). */
export function svmModel(fit: SvmFit): tf.LayersModel {
  const input = tf.input({ name: 'stats', shape: [fit.dims] });
  const layer = new SvmLayer({ gamma: fit.gamma, nClasses: fit.nClasses, supportVectors: fit.supportIndices.length, dims: fit.dims, name: 'svm' });
  const output = layer.apply(input) as tf.SymbolicTensor;
  const model = tf.model({ name: 'svm', inputs: input, outputs: output });
  const tensors = [
    tf.tensor2d(Float32Array.from(fit.supportVectors), [fit.supportIndices.length, fit.dims]),
    tf.tensor2d(Float32Array.from(fit.coef), [fit.supportIndices.length, fit.rho.length]),
    tf.tensor1d(Float32Array.from(fit.rho)),
    tf.tensor1d(Float32Array.from(fit.probA)),
    tf.tensor1d(Float32Array.from(fit.probB)),
  ];
  model.setWeights(tensors);
  tf.dispose(tensors);
  return model;
}

export const SVM_MODEL: ModelDefinition = {
  name: 'svm',
  input: 'stats',
  fit: (data, spec) =>
    svmModel(
      fitSvm(data.x, data.labels, data.dims, spec.nClasses, {
        C: spec.config.C,
        gamma: spec.config.gamma,
        balanced: spec.balanced,
        seed: spec.seed,
      }),
    ),
  describe: () =>
    'stats → RBF-kernel support-vector classifier (LIBSVM semantics, as scikit-learn SVC): one-vs-one over the emotions, model.C and model.gamma (\'scale\' = 1 / (features · variance)), balanced per-class C with training.class_weights, Platt probabilities by pairwise coupling in place of a softmax. Fitted to convergence, not in epochs.',
};
