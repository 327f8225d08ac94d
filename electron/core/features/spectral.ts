/**
 * Spectral shape per frame, in Hz, on the magnitude |STFT| (= √power) as librosa 0.11 computes them:
 *
 * - `spectral_centroid`: Σ f·S / Σ S — librosa column-normalises S with `util.normalize(norm=1)`, whose
 *   threshold leaves an all-zero (silent) frame un-normalised, so silence gives 0 Hz, not NaN.
 * - `spectral_bandwidth(p=2, norm=True)`: (Σ Ŝ·|f − centroid|²)^(1/2) with the same normalised Ŝ.
 * - `spectral_rolloff(roll_percent)`: the frequency of the FIRST bin whose cumulative magnitude reaches
 *   roll_percent × the frame total (librosa masks bins with cumsum < threshold and takes the min
 *   frequency of the rest). A silent frame has threshold 0, so every bin qualifies and it returns 0 Hz.
 */
import { FLOAT32_TINY, fftFrequencies } from './dsp';
import type { PowerSpectrogram } from './stft';

export interface SpectralOptions {
  sampleRate: number;
}

export interface RolloffOptions extends SpectralOptions {
  /** Fraction of the frame's magnitude below the rolloff frequency, in (0, 1). Default 0.85. */
  rollPercent?: number;
}

export interface SpectralShape {
  centroid: Float32Array;
  bandwidth: Float32Array;
  rolloff: Float32Array;
}

/**
 * One frame's magnitudes into `mag` (√power) and its moments into `m`: [Σ S, Σ f·S, Σ f²·S].
 * Centroid and bandwidth both follow from these three sums in the same pass:
 * Σ Ŝ(f − c)² = (Σ f²S − 2c Σ fS + c² Σ S) / norm — the same quantity librosa sums term by term,
 * regrouped so the spectrum is read once (the regrouping loses < 1e-11 relative in double).
 */
function frameMoments(power: PowerSpectrogram, t: number, freqs: Float64Array, mag: Float64Array, m: Float64Array): void {
  const { bins, data } = power;
  const row = t * bins;
  let total = 0;
  let s1 = 0;
  let s2 = 0;
  for (let k = 0; k < bins; k++) {
    const v = Math.sqrt(data[row + k] as number);
    const f = freqs[k] as number;
    mag[k] = v;
    total += v;
    s1 += f * v;
    s2 += f * f * v;
  }
  m[0] = total;
  m[1] = s1;
  m[2] = s2;
}

/** util.normalize(norm=1)'s divisor: a frame whose total is below float32 tiny is left un-normalised. */
function normOf(total: number): number {
  return total < FLOAT32_TINY ? 1 : total;
}

function centroidOf(m: Float64Array): number {
  return (m[1] as number) / normOf(m[0] as number);
}

function bandwidthOf(m: Float64Array, centroid: number): number {
  const total = m[0] as number;
  const spread = (m[2] as number) - 2 * centroid * (m[1] as number) + centroid * centroid * total;
  return Math.sqrt(Math.max(0, spread) / normOf(total));
}

function rolloffOf(mag: Float64Array, freqs: Float64Array, total: number, rollPercent: number): number {
  const threshold = rollPercent * total;
  let cumulative = 0;
  for (let k = 0; k < mag.length; k++) {
    cumulative += mag[k] as number;
    if (cumulative >= threshold) return freqs[k] as number;
  }
  // Only reachable through rounding (the running sum ends a hair below rollPercent·total).
  return freqs[mag.length - 1] as number;
}

function checkRollPercent(rollPercent: number): void {
  if (!(rollPercent > 0 && rollPercent < 1)) throw new Error(`rollPercent must be in (0, 1), got ${rollPercent}`);
}

interface Scratch {
  freqs: Float64Array;
  mag: Float64Array;
  moments: Float64Array;
}

function scratchFor(power: PowerSpectrogram, sampleRate: number): Scratch {
  return { freqs: fftFrequencies(sampleRate, power.nFft), mag: new Float64Array(power.bins), moments: new Float64Array(3) };
}

/** Centroid, bandwidth and rolloff in one pass: one √ per bin shared by all three. */
export function spectralShape(power: PowerSpectrogram, { sampleRate, rollPercent = 0.85 }: RolloffOptions): SpectralShape {
  checkRollPercent(rollPercent);
  const { freqs, mag, moments } = scratchFor(power, sampleRate);
  const centroid = new Float32Array(power.frames);
  const bandwidth = new Float32Array(power.frames);
  const rolloff = new Float32Array(power.frames);
  for (let t = 0; t < power.frames; t++) {
    frameMoments(power, t, freqs, mag, moments);
    const c = centroidOf(moments);
    centroid[t] = c;
    bandwidth[t] = bandwidthOf(moments, c);
    rolloff[t] = rolloffOf(mag, freqs, moments[0] as number, rollPercent);
  }
  return { centroid, bandwidth, rolloff };
}

export function spectralCentroid(power: PowerSpectrogram, { sampleRate }: SpectralOptions): Float32Array {
  const { freqs, mag, moments } = scratchFor(power, sampleRate);
  const out = new Float32Array(power.frames);
  for (let t = 0; t < power.frames; t++) {
    frameMoments(power, t, freqs, mag, moments);
    out[t] = centroidOf(moments);
  }
  return out;
}

export function spectralBandwidth(power: PowerSpectrogram, { sampleRate }: SpectralOptions): Float32Array {
  const { freqs, mag, moments } = scratchFor(power, sampleRate);
  const out = new Float32Array(power.frames);
  for (let t = 0; t < power.frames; t++) {
    frameMoments(power, t, freqs, mag, moments);
    out[t] = bandwidthOf(moments, centroidOf(moments));
  }
  return out;
}

export function spectralRolloff(power: PowerSpectrogram, { sampleRate, rollPercent = 0.85 }: RolloffOptions): Float32Array {
  checkRollPercent(rollPercent);
  const { freqs, mag, moments } = scratchFor(power, sampleRate);
  const out = new Float32Array(power.frames);
  for (let t = 0; t < power.frames; t++) {
    frameMoments(power, t, freqs, mag, moments);
    out[t] = rolloffOf(mag, freqs, moments[0] as number, rollPercent);
  }
  return out;
}
