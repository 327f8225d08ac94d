/**
 * Classification metrics over a confusion matrix, following scikit-learn's `classification_report`
 * conventions so numbers in the app can be checked against a Python notebook:
 *
 * - precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2·TP / (2·TP + FP + FN);
 * - any 0/0 is 0 (`zero_division=0`): a class never predicted has precision 0, a class with no true
 *   samples has recall 0, and their F1 is 0;
 * - macro = unweighted mean over *every* class in `labels` (sklearn with `labels=range(n)`; classes with
 *   no support still count, as zeros, because the matrix says they were part of the problem);
 * - weighted = mean weighted by support (true count), so weighted recall always equals accuracy.
 *
 * Pure functions, no I/O. Invalid input is a bug in the caller, hence `INTERNAL` errors.
 */
import { EngineError } from '../../../shared/errors';

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassMetrics extends AveragedMetrics {
  /** Number of true samples of this class (the row sum). */
  support: number;
}

export interface ClassificationReport {
  /** Trace over total. */
  accuracy: number;
  /** Total number of samples in the matrix. */
  support: number;
  macro: AveragedMetrics;
  weighted: AveragedMetrics;
  /** Keyed by label, in label order (object insertion order). */
  perClass: Record<string, ClassMetrics>;
}

function fail(message: string): never {
  throw new EngineError('INTERNAL', message);
}

/** a / b, or 0 when b is 0: sklearn's `zero_division=0`. */
function safeDiv(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function isClassIndex(v: unknown, nClasses: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < nClasses;
}

/** Rows = true class, columns = predicted class; `confusion[t][p]` counts samples of class t predicted as p. */
export function confusionMatrix(yTrue: readonly number[], yPred: readonly number[], nClasses: number): number[][] {
  if (!Number.isInteger(nClasses) || nClasses < 1) fail(`confusionMatrix: nClasses must be an integer ≥ 1, got ${String(nClasses)}`);
  if (yTrue.length !== yPred.length) {
    fail(`confusionMatrix: yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  }
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!isClassIndex(t, nClasses)) fail(`confusionMatrix: yTrue[${i}] = ${String(t)} is not a class index in 0..${nClasses - 1}`);
    if (!isClassIndex(p, nClasses)) fail(`confusionMatrix: yPred[${i}] = ${String(p)} is not a class index in 0..${nClasses - 1}`);
    (m[t] as number[])[p] = ((m[t] as number[])[p] as number) + 1;
  }
  return m;
}

/** Checks the matrix is square with non-negative integer counts; returns its size. */
function validateConfusion(confusion: readonly (readonly number[])[], where: string): number {
  const n = confusion.length;
  if (n === 0) fail(`${where}: confusion matrix is empty`);
  confusion.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n) {
      fail(`${where}: confusion matrix must be square (${n}×${n}); row ${i} has ${Array.isArray(row) ? row.length : 'no'} columns`);
    }
    row.forEach((v, j) => {
      if (!Number.isInteger(v) || v < 0) fail(`${where}: confusion[${i}][${j}] = ${String(v)} is not a non-negative integer count`);
    });
  });
  return n;
}

export function classificationReport(confusion: readonly (readonly number[])[], labels: readonly string[]): ClassificationReport {
  const n = validateConfusion(confusion, 'classificationReport');
  if (labels.length !== n) fail(`classificationReport: ${labels.length} labels for a ${n}×${n} confusion matrix`);
  if (new Set(labels).size !== labels.length) fail(`classificationReport: labels must be unique, got ${JSON.stringify(labels)}`);

  // Row sums are the supports (true counts); column sums are how often each class was predicted.
  const at = (i: number, j: number): number => (confusion[i] as readonly number[])[j] as number;
  const support = new Array<number>(n).fill(0);
  const predicted = new Array<number>(n).fill(0);
  let total = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = at(i, j);
      support[i] = (support[i] as number) + v;
      predicted[j] = (predicted[j] as number) + v;
      total += v;
    }
    correct += at(i, i);
  }
  // An empty matrix has no accuracy at all; reporting 0 would look like a (terrible) result.
  if (total === 0) fail('classificationReport: the confusion matrix holds no samples');

  const perClass: Record<string, ClassMetrics> = {};
  // Sums first, one division at the end: fewer rounding steps than adding m/n per class.
  const macroSum: AveragedMetrics = { precision: 0, recall: 0, f1: 0 };
  const weightedSum: AveragedMetrics = { precision: 0, recall: 0, f1: 0 };
  labels.forEach((label, i) => {
    const tp = at(i, i);
    const s = support[i] as number;
    const fp = (predicted[i] as number) - tp;
    const fn = s - tp;
    const m: ClassMetrics = {
      precision: safeDiv(tp, tp + fp),
      recall: safeDiv(tp, s),
      // sklearn ≥ 1.3 computes F from counts, which equals 2PR/(P+R) whenever that is defined and is 0
      // (not NaN) when the class is neither present nor predicted.
      f1: safeDiv(2 * tp, 2 * tp + fp + fn),
      support: s,
    };
    // Object.defineProperty keeps a label such as "__proto__" an ordinary own key.
    Object.defineProperty(perClass, label, { value: m, enumerable: true, writable: true, configurable: true });
    for (const key of ['precision', 'recall', 'f1'] as const) {
      macroSum[key] += m[key];
      weightedSum[key] += m[key] * s;
    }
  });
  const average = (sum: AveragedMetrics, by: number): AveragedMetrics => ({
    precision: sum.precision / by,
    recall: sum.recall / by,
    f1: sum.f1 / by,
  });
  return { accuracy: correct / total, support: total, macro: average(macroSum, n), weighted: average(weightedSum, total), perClass };
}

/** Element-wise sum of same-shaped confusion matrices: pooling k-fold test predictions into one matrix. */
export function poolConfusions(matrices: readonly (readonly (readonly number[])[])[]): number[][] {
  const first = matrices[0];
  if (first === undefined) fail('poolConfusions: no matrices to pool');
  const n = validateConfusion(first, 'poolConfusions');
  const sum = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  matrices.forEach((m, k) => {
    const size = validateConfusion(m, `poolConfusions (matrix ${k})`);
    if (size !== n) fail(`poolConfusions: matrix ${k} is ${size}×${size}, the first is ${n}×${n}`);
    for (let i = 0; i < n; i++) {
      const row = sum[i] as number[];
      const src = m[i] as readonly number[];
      for (let j = 0; j < n; j++) row[j] = (row[j] as number) + (src[j] as number);
    }
  });
  return sum;
}

/**
 * Mean and *sample* standard deviation (divides by n − 1), the usual "mean ± sd over folds" figure;
 * a single value has sd 0 rather than NaN so one-fold summaries still render.
 */
export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  if (values.length === 0) fail('meanSd: no values');
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`meanSd: values[${i}] = ${String(v)} is not a finite number`);
  });
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length === 1) return { mean, sd: 0 };
  // Two-pass: subtracting the mean first avoids the cancellation of Σx² − n·mean².
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (values.length - 1)) };
}
