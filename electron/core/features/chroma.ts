/**
 * Chromagram: `librosa.feature.chroma_stft(S=|STFT|², sr, tuning=0.0, norm=inf)` — the power spectrum
 * projected onto `librosa.filters.chroma` (Gaussian bumps around each pitch class, every FFT bin's
 * column L2-normalised, weighted by a Gaussian over octaves centred on ctroct), then each frame divided
 * by its maximum (∞-norm). As in `librosa.util.normalize(threshold=None, fill=None)`, a frame whose
 * maximum is below the float32 `tiny` (digital silence) is left as is — all zeros — instead of NaN.
 */
import type { FrameMatrix } from './dsp';
import { FLOAT32_TINY, memoize } from './dsp';
import type { PowerSpectrogram } from './stft';

export interface ChromaFilterbankOptions {
  sampleRate: number;
  nFft: number;
  nChroma?: number;
  /** Deviation from A440 in fractions of a chroma bin. Default 0 (librosa would estimate it; we never do). */
  tuning?: number;
  /** Centre octave of the octave weighting (5 ≈ 880 Hz, octaves counted from A0/2 = 27.5 Hz). */
  ctroct?: number;
  /** Width of the octave weighting in octaves; null disables it. */
  octwidth?: number | null;
  /** Start the chroma at C (librosa base_c) rather than A. */
  baseC?: boolean;
}

/**
 * Chroma filterbank (librosa's `[chroma][bin]` matrix, bins = nFft/2 + 1) stored as runs of bins:
 * run r covers bins [runs[3r], runs[3r+1]) with weights `weights[runs[3r+2] …]`, and row c owns runs
 * [runStart[c], runStart[c+1]). `dense` is the full matrix, row-major, for inspection and tests.
 *
 * The Gaussian bumps never reach exactly zero, but far from their pitch class they fall to 1e-30 and
 * below. A weight smaller than SPARSE_EPSILON × the largest weight of its bin is skipped, which drops
 * ~46 % of the multiply-adds. Error bound: raw[c] loses at most ε·Σ_k max_c' w[c'][k]·S[k] ≤
 * ε·Σ_c' raw[c'] ≤ nChroma·ε·max raw, so after the ∞-norm every chroma value moves by < 12·ε = 1.2e-8 —
 * below float32 resolution near 1 and far below the 6-decimal rounding of the librosa reference.
 */
export interface ChromaFilterbank {
  nChroma: number;
  bins: number;
  dense: Float32Array;
  runs: Int32Array;
  runStart: Int32Array;
  weights: Float32Array;
}

/** Relative size below which a chroma weight is skipped (see ChromaFilterbank). */
export const SPARSE_EPSILON = 1e-9;

const chromaCache = new Map<string, ChromaFilterbank>();

/** numpy's `np.round`: half to even (so round(2.5) = 2, matching librosa for odd n_chroma). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function chromaFilterbank({
  sampleRate,
  nFft,
  nChroma = 12,
  tuning = 0,
  ctroct = 5,
  octwidth = 2,
  baseC = true,
}: ChromaFilterbankOptions): ChromaFilterbank {
  const key = `${sampleRate}|${nFft}|${nChroma}|${tuning}|${ctroct}|${octwidth}|${baseC}`;
  return memoize(chromaCache, key, () => {
    // Pitch of every FFT bin (all n_fft of them, as librosa does before dropping the aliased half),
    // in chroma bins: nChroma · log2(f / (A440/16)).
    const a440 = 440 * 2 ** (tuning / nChroma);
    const step = sampleRate / nFft; // np.linspace(0, sr, n_fft, endpoint=False)
    const frqbins = new Float64Array(nFft);
    for (let k = 1; k < nFft; k++) frqbins[k] = nChroma * Math.log2((k * step) / (a440 / 16));
    // The 0 Hz bin gets a made-up pitch 1.5 octaves below bin 1 (so it spreads broadly, 50 % rotated).
    frqbins[0] = (frqbins[1] as number) - 1.5 * nChroma;
    const binWidth = new Float64Array(nFft);
    for (let k = 0; k < nFft - 1; k++) binWidth[k] = Math.max((frqbins[k + 1] as number) - (frqbins[k] as number), 1);
    binWidth[nFft - 1] = 1;

    const half = roundHalfEven(nChroma / 2);
    const bins = nFft / 2 + 1;
    const shift = baseC ? 3 * Math.floor(nChroma / 12) : 0;
    const dense = new Float32Array(nChroma * bins);
    const column = new Float64Array(nChroma);
    const keep = new Uint8Array(nChroma * bins);
    for (let k = 0; k < bins; k++) {
      const f = frqbins[k] as number;
      let norm = 0;
      for (let c = 0; c < nChroma; c++) {
        // Distance to pitch class c, wrapped into [−nChroma/2, nChroma/2) (np.remainder, always ≥ 0 here).
        const shifted = f - c + half + 10 * nChroma;
        const d = (((shifted % nChroma) + nChroma) % nChroma) - half;
        const z = (2 * d) / (binWidth[k] as number);
        const w = Math.exp(-0.5 * z * z);
        column[c] = w;
        norm += w * w;
      }
      norm = Math.sqrt(norm);
      if (norm < Number.MIN_VALUE) norm = 1; // util.normalize's threshold: leave an all-zero column as is
      const octave = octwidth === null ? 1 : Math.exp(-0.5 * ((f / nChroma - ctroct) / octwidth) ** 2);
      let largest = 0;
      for (let c = 0; c < nChroma; c++) {
        // np.roll(wts, −shift, axis=0): output row c is input row c + shift.
        const w = Math.fround(((column[(c + shift) % nChroma] as number) / norm) * octave);
        dense[c * bins + k] = w;
        largest = Math.max(largest, w);
      }
      for (let c = 0; c < nChroma; c++) keep[c * bins + k] = (dense[c * bins + k] as number) >= SPARSE_EPSILON * largest ? 1 : 0;
    }
    const runs: number[] = [];
    const weights: number[] = [];
    const runStart = new Int32Array(nChroma + 1);
    for (let c = 0; c < nChroma; c++) {
      runStart[c] = runs.length / 3;
      let k = 0;
      while (k < bins) {
        if (keep[c * bins + k] === 0) {
          k++;
          continue;
        }
        const from = k;
        const offset = weights.length;
        for (; k < bins && keep[c * bins + k] === 1; k++) weights.push(dense[c * bins + k] as number);
        runs.push(from, k, offset);
      }
    }
    runStart[nChroma] = runs.length / 3;
    return { nChroma, bins, dense, runs: Int32Array.from(runs), runStart, weights: Float32Array.from(weights) };
  });
}

export interface ChromaOptions {
  sampleRate: number;
  nChroma?: number;
  tuning?: number;
}

/** frames × nChroma chroma, each frame scaled so its largest pitch class is 1 (silent frames stay 0). */
export function chromaStft(power: PowerSpectrogram, { sampleRate, nChroma = 12, tuning = 0 }: ChromaOptions): FrameMatrix {
  const fb = chromaFilterbank({ sampleRate, nFft: power.nFft, nChroma, tuning });
  const { frames, bins, data } = power;
  const { weights, runs, runStart } = fb;
  const out = new Float32Array(frames * nChroma);
  const raw = new Float64Array(nChroma);
  for (let t = 0; t < frames; t++) {
    const row = t * bins;
    let max = 0;
    for (let c = 0; c < nChroma; c++) {
      // Two interleaved partial sums: independent add chains run in parallel (~20 % faster here).
      let even = 0;
      let odd = 0;
      const lastRun = runStart[c + 1] as number;
      for (let r = runStart[c] as number; r < lastRun; r++) {
        const end = row + (runs[3 * r + 1] as number);
        let i = row + (runs[3 * r] as number);
        let j = runs[3 * r + 2] as number;
        for (; i + 1 < end; i += 2, j += 2) {
          even += (weights[j] as number) * (data[i] as number);
          odd += (weights[j + 1] as number) * (data[i + 1] as number);
        }
        if (i < end) even += (weights[j] as number) * (data[i] as number);
      }
      const acc = even + odd;
      raw[c] = acc;
      if (acc > max) max = acc; // power and weights are ≥ 0, so max |raw| = max raw
    }
    // librosa computes the raw chroma in float32, so its "tiny" test sees the float32 value.
    const scale = Math.fround(max) < FLOAT32_TINY ? 1 : max;
    for (let c = 0; c < nChroma; c++) out[t * nChroma + c] = (raw[c] as number) / scale;
  }
  return { frames, dims: nChroma, data: out };
}
