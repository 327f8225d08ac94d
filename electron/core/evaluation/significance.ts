/**
 * Is one run really better than another on the same test clips? McNemar's exact test on the clips the
 * two runs disagree about, and a paired bootstrap interval of the accuracy difference. Both need the
 * same clips judged by both runs; on different test sets there is nothing to pair.
 */
import { mulberry32 } from '../random';

/** ln C(n, k), exactly enough for n in the thousands (a sum of logs). */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/**
 * Two-sided exact McNemar p-value for `b` clips only run A got right and `c` only run B got right:
 * 2 · P(X ≤ min(b, c)) for X ~ Binomial(b + c, ½), capped at 1 (scipy's `binomtest(min(b, c), b + c)`).
 */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new Error(`mcnemarExact: counts must be non-negative integers, got ${b}, ${c}`);
  const n = b + c;
  if (n === 0) return 1;
  const low = Math.min(b, c);
  let tail = 0;
  for (let k = 0; k <= low; k++) tail += Math.exp(logChoose(n, k) - n * Math.LN2);
  return Math.min(1, 2 * tail);
}

export interface BootstrapInterval {
  /** accuracy(B) − accuracy(A) on the clips as they are. */
  difference: number;
  /** The 2.5th and 97.5th percentiles over resamples of the clips (with replacement). */
  low: number;
  high: number;
  resamples: number;
}

/** Paired bootstrap of accuracy(B) − accuracy(A): clips are resampled, each keeps both runs' verdicts. */
export function bootstrapAccuracyDifference(correctA: readonly boolean[], correctB: readonly boolean[], resamples = 2000, seed = 1): BootstrapInterval {
  const n = correctA.length;
  if (n !== correctB.length) throw new Error(`bootstrap: ${n} verdicts of run A but ${correctB.length} of run B`);
  if (n === 0) throw new Error('bootstrap: no test clips');
  const diff = new Int8Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    diff[i] = (correctB[i] ? 1 : 0) - (correctA[i] ? 1 : 0);
    total += diff[i] as number;
  }
  const random = mulberry32(seed);
  const samples = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += diff[Math.floor(random() * n)] as number;
    samples[r] = s / n;
  }
  samples.sort();
  const at = (q: number): number => samples[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))] as number;
  return { difference: total / n, low: at(0.025), high: at(0.975), resamples };
}
