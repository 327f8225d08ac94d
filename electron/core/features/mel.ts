/**
 * Mel spectrogram and decibel conversion, as librosa 0.11 computes them:
 * `librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm='slaney')` applied to |STFT|²,
 * then `librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80)`.
 */
import type { FrameMatrix } from './dsp';
import { fftFrequencies, memoize, melFrequencies } from './dsp';
import type { PowerSpectrogram } from './stft';

/**
 * A mel filterbank stored sparsely: filter m covers bins [start[m], stop[m]) with weights
 * `weights[offset[m] … offset[m] + stop[m] − start[m])`. Slaney triangles each span only a few bins
 * (a handful at the bottom, ~100 at the top), so this is ~2 multiply-adds per bin instead of n_mels.
 */
export interface MelFilterbank {
  nMels: number;
  bins: number;
  start: Int32Array;
  stop: Int32Array;
  offset: Int32Array;
  weights: Float32Array;
}

export interface MelFilterbankOptions {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fmin?: number;
  /** Upper edge in Hz; null/undefined means sampleRate / 2. */
  fmax?: number | null;
}

const filterbankCache = new Map<string, MelFilterbank>();

export function melFilterbank({ sampleRate, nFft, nMels, fmin = 0, fmax = null }: MelFilterbankOptions): MelFilterbank {
  const top = fmax ?? sampleRate / 2;
  return memoize(filterbankCache, `${sampleRate}|${nFft}|${nMels}|${fmin}|${top}`, () =>
    buildMelFilterbank(sampleRate, nFft, nMels, fmin, top),
  );
}

function buildMelFilterbank(sampleRate: number, nFft: number, nMels: number, fmin: number, fmax: number): MelFilterbank {
  const bins = nFft / 2 + 1;
  const freqs = fftFrequencies(sampleRate, nFft);
  const melF = melFrequencies(nMels + 2, fmin, fmax);
  const start = new Int32Array(nMels);
  const stop = new Int32Array(nMels);
  const offset = new Int32Array(nMels);
  const parts: number[] = [];

  for (let m = 0; m < nMels; m++) {
    const lo = melF[m] as number;
    const centre = melF[m + 1] as number;
    const hi = melF[m + 2] as number;
    const dLower = centre - lo;
    const dUpper = hi - centre;
    // Slaney area normalisation: each triangle integrates to a constant, so wide high bands are not louder.
    const enorm = 2 / (hi - lo);
    let first = -1;
    let last = -1;
    offset[m] = parts.length;
    for (let k = 0; k < bins; k++) {
      const f = freqs[k] as number;
      const w = Math.max(0, Math.min((f - lo) / dLower, (hi - f) / dUpper));
      if (w > 0) {
        if (first < 0) first = k;
        // librosa stores the triangle as float32, then scales it in place (float64 maths, float32 result).
        parts.push(Math.fround(Math.fround(w) * enorm));
        last = k;
      } else if (first >= 0) {
        break; // a triangle is convex: once it returns to zero it stays zero
      }
    }
    // An empty filter (too many mels for n_fft) keeps start = stop: it yields zero power, as in librosa.
    start[m] = first < 0 ? 0 : first;
    stop[m] = first < 0 ? 0 : last + 1;
  }
  return { nMels, bins, start, stop, offset, weights: Float32Array.from(parts) };
}

/** `melspectrogram(S=|STFT|², …)`: frames × nMels mel power. */
export function melSpectrogram(power: PowerSpectrogram, filterbank: MelFilterbank): FrameMatrix {
  if (power.bins !== filterbank.bins) {
    throw new Error(`mel filterbank has ${filterbank.bins} bins but the spectrogram has ${power.bins}`);
  }
  const { frames, bins } = power;
  const { nMels, start, stop, offset, weights } = filterbank;
  const src = power.data;
  const out = new Float32Array(frames * nMels);
  for (let t = 0; t < frames; t++) {
    const row = t * bins;
    for (let m = 0; m < nMels; m++) {
      // Two interleaved partial sums: independent add chains run in parallel.
      let even = 0;
      let odd = 0;
      const end = row + (stop[m] as number);
      let i = row + (start[m] as number);
      let j = offset[m] as number;
      for (; i + 1 < end; i += 2, j += 2) {
        even += (weights[j] as number) * (src[i] as number);
        odd += (weights[j + 1] as number) * (src[i + 1] as number);
      }
      if (i < end) even += (weights[j] as number) * (src[i] as number);
      out[t * nMels + m] = even + odd;
    }
  }
  return { frames, dims: nMels, data: out };
}

export interface PowerToDbOptions {
  /** Reference power mapped to 0 dB. Default 1.0. */
  ref?: number;
  /** Floor applied before the log, so silence is finite (1e-10 → −100 dB). */
  amin?: number;
  /** Clamp to (max − topDb) over the WHOLE input, as librosa does; null disables. Default 80. */
  topDb?: number | null;
}

/** `librosa.power_to_db`: 10·log10(max(amin, S)) − 10·log10(max(amin, |ref|)), then the top_db floor. */
export function powerToDb(m: FrameMatrix, { ref = 1.0, amin = 1e-10, topDb = 80 }: PowerToDbOptions = {}): FrameMatrix {
  if (!(amin > 0)) throw new Error(`amin must be strictly positive, got ${amin}`);
  if (topDb !== null && !(topDb >= 0)) throw new Error(`topDb must be non-negative, got ${topDb}`);
  const src = m.data;
  const out = new Float32Array(src.length);
  // 10·log10(x) as (10/ln 10)·ln(x): Math.log is about twice as fast as Math.log10 in V8 and agrees to
  // ~1 ulp of double — far below the float32 the result is stored in.
  const dbPerNeper = 10 / Math.LN10;
  const refDb = dbPerNeper * Math.log(Math.max(amin, Math.abs(ref)));
  let max = -Infinity;
  for (let i = 0; i < src.length; i++) {
    out[i] = dbPerNeper * Math.log(Math.max(amin, src[i] as number)) - refDb;
    const db = out[i] as number; // the float32 value, as librosa takes its max
    if (db > max) max = db;
  }
  if (topDb !== null) {
    const floor = Math.fround(max - topDb);
    for (let i = 0; i < out.length; i++) if ((out[i] as number) < floor) out[i] = floor;
  }
  return { frames: m.frames, dims: m.dims, data: out };
}
