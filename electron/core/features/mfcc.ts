/**
 * MFCC: `librosa.feature.mfcc(S=log_mel_db, n_mfcc, dct_type=2, norm='ortho', lifter=0)` — a DCT-II with
 * orthonormal scaling over the mel bands of each frame, keeping the first n_mfcc coefficients.
 */
import type { FrameMatrix } from './dsp';
import { memoize } from './dsp';

const dctCache = new Map<string, Float64Array>();

/**
 * The first `nOut` rows of the orthonormal DCT-II matrix for `nIn` inputs (row-major nOut × nIn), as
 * `scipy.fftpack.dct(x, type=2, norm='ortho')`: row k = cos(πk(2n+1)/2N) · (k = 0 ? √(1/N) : √(2/N)).
 * A matrix product beats an FFT-based DCT at these sizes (≤ 128 bands, 40 outputs).
 */
export function dctMatrix(nOut: number, nIn: number): Float64Array {
  return memoize(dctCache, `${nOut}|${nIn}`, () => {
    const m = new Float64Array(nOut * nIn);
    for (let k = 0; k < nOut; k++) {
      const scale = k === 0 ? Math.sqrt(1 / nIn) : Math.sqrt(2 / nIn);
      for (let n = 0; n < nIn; n++) m[k * nIn + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * nIn));
    }
    return m;
  });
}

export interface MfccOptions {
  /** Coefficients to keep (≤ the number of mel bands). Default 40. */
  nMfcc?: number;
}

/**
 * MFCC from a frame-major log-mel (dB) matrix: frames × nMfcc.
 *
 * The DCT-II basis is symmetric (even k) or antisymmetric (odd k) about the middle band, so each frame
 * is folded first — s[n] = x[n] + x[N−1−n], d[n] = x[n] − x[N−1−n] — and even rows are dotted with s,
 * odd rows with d: half the multiply-adds of the plain matrix product, same result to rounding.
 */
export function mfcc(logMelDb: FrameMatrix, { nMfcc = 40 }: MfccOptions = {}): FrameMatrix {
  const { frames, dims: nMels, data } = logMelDb;
  if (!Number.isInteger(nMfcc) || nMfcc < 1 || nMfcc > nMels) {
    throw new Error(`nMfcc must be an integer in 1..${nMels} (the number of mel bands), got ${nMfcc}`);
  }
  const half = Math.ceil(nMels / 2);
  const folded = foldedDct(nMfcc, nMels);
  const sum = new Float64Array(half);
  const diff = new Float64Array(half); // stays 0 in the middle slot when nMels is odd
  const out = new Float32Array(frames * nMfcc);
  for (let t = 0; t < frames; t++) {
    const row = t * nMels;
    for (let n = 0; n < nMels >> 1; n++) {
      const a = data[row + n] as number;
      const b = data[row + nMels - 1 - n] as number;
      sum[n] = a + b;
      diff[n] = a - b;
    }
    if (nMels % 2 === 1) sum[half - 1] = data[row + half - 1] as number;
    for (let k = 0; k < nMfcc; k++) {
      const v = k % 2 === 0 ? sum : diff;
      const base = k * half;
      // Two interleaved partial sums: independent add chains run in parallel.
      let even = 0;
      let odd = 0;
      let n = 0;
      for (; n + 1 < half; n += 2) {
        even += (folded[base + n] as number) * (v[n] as number);
        odd += (folded[base + n + 1] as number) * (v[n + 1] as number);
      }
      if (n < half) even += (folded[base + n] as number) * (v[n] as number);
      out[t * nMfcc + k] = even + odd;
    }
  }
  return { frames, dims: nMfcc, data: out };
}

const foldedCache = new Map<string, Float64Array>();

/** The left half (⌈N/2⌉ columns) of `dctMatrix(nOut, nIn)`: all the folded product needs. */
function foldedDct(nOut: number, nIn: number): Float64Array {
  return memoize(foldedCache, `${nOut}|${nIn}`, () => {
    const full = dctMatrix(nOut, nIn);
    const half = Math.ceil(nIn / 2);
    const m = new Float64Array(nOut * half);
    for (let k = 0; k < nOut; k++) for (let n = 0; n < half; n++) m[k * half + n] = full[k * nIn + n] as number;
    return m;
  });
}
