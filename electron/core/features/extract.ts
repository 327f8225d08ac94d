/**
 * One clip → every feature the models use, in one pass over a single power spectrogram.
 *
 * The per-frame `sequence` (frames × dims, frame-major) feeds sequence models; `stats` (mean and
 * population std of each dimension over frames) feeds the dense models. `featureLayout` gives the
 * dimension names without computing anything, so a saved model can record (and later verify) the
 * exact layout it was trained on.
 */
import type { FloatMatrix, FrameMatrix } from './dsp';
import { centredFrameCount, isPowerOfTwo, toCoefficientMajor } from './dsp';
import { chromaStft } from './chroma';
import { delta } from './delta';
import { melFilterbank, melSpectrogram, powerToDb } from './mel';
import { mfcc } from './mfcc';
import { spectralShape } from './spectral';
import { powerSpectrogram } from './stft';
import { rms, zeroCrossingRate } from './temporal';

export interface FeatureOptions {
  /** Sample rate of `samples` in Hz. Default 22050. */
  sampleRate?: number;
  /** FFT size = window = frame length for every feature (power of two ≥ 64). Default 2048. */
  nFft?: number;
  /** Samples between frames. Default 512. */
  hopLength?: number;
  /** MFCC coefficients kept. Default 40. */
  nMfcc?: number;
  /** Mel bands the MFCC is taken from (librosa's mfcc default is 128). Equal to nMels → reuses the log-mel. */
  mfccMels?: number;
  /** Bands of the log-mel group. Default 64. */
  nMels?: number;
  /** Add Δ and ΔΔ of the MFCC (librosa delta, width 9, mode 'interp'). Default true. */
  includeDelta?: boolean;
  /** Lowest mel filter edge in Hz (both mel banks). Default 0. */
  fmin?: number;
  /** Highest mel filter edge in Hz; null = sampleRate / 2. */
  fmax?: number | null;
  /** Spectral rolloff fraction. Default 0.85. */
  rolloffPercent?: number;
  /** Chroma bins per octave. Default 12. */
  nChroma?: number;
}

export type ResolvedFeatureOptions = Required<FeatureOptions>;

export const DEFAULT_FEATURE_OPTIONS: Readonly<ResolvedFeatureOptions> = Object.freeze({
  sampleRate: 22050,
  nFft: 2048,
  hopLength: 512,
  nMfcc: 40,
  mfccMels: 128,
  nMels: 64,
  includeDelta: true,
  fmin: 0,
  fmax: null,
  rolloffPercent: 0.85,
  nChroma: 12,
});

/** Savitzky–Golay window of the deltas (librosa's default); the clip needs at least this many frames. */
const DELTA_WIDTH = 9;

function fail(message: string): never {
  throw new Error(`Invalid feature options: ${message}`);
}

function requireInteger(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? '∞' : max}, got ${String(value)}`);
  }
  return value;
}

/** Fills defaults and checks every option, with a message naming the option and the rule it broke. */
export function resolveFeatureOptions(options: FeatureOptions = {}): ResolvedFeatureOptions {
  for (const key of Object.keys(options)) {
    if (!(key in DEFAULT_FEATURE_OPTIONS)) {
      fail(`unknown option "${key}" (known: ${Object.keys(DEFAULT_FEATURE_OPTIONS).join(', ')})`);
    }
  }
  // An explicit `undefined` means "default", like an absent key.
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o: ResolvedFeatureOptions = { ...DEFAULT_FEATURE_OPTIONS, ...defined };

  if (typeof o.sampleRate !== 'number' || !Number.isFinite(o.sampleRate) || o.sampleRate <= 0) {
    fail(`sampleRate must be a positive number of Hz, got ${String(o.sampleRate)}`);
  }
  if (typeof o.nFft !== 'number' || !isPowerOfTwo(o.nFft) || o.nFft < 64) {
    fail(`nFft must be a power of two ≥ 64, got ${String(o.nFft)}`);
  }
  const bins = o.nFft / 2 + 1;
  requireInteger('hopLength', o.hopLength, 1);
  requireInteger('nMels', o.nMels, 1, bins);
  requireInteger('mfccMels', o.mfccMels, 1, bins);
  requireInteger('nMfcc', o.nMfcc, 1);
  if (o.nMfcc > o.mfccMels) fail(`nMfcc (${o.nMfcc}) must be ≤ mfccMels (${o.mfccMels}), the mel count the MFCC is taken from`);
  requireInteger('nChroma', o.nChroma, 1);
  if (typeof o.includeDelta !== 'boolean') fail(`includeDelta must be true or false, got ${String(o.includeDelta)}`);
  const nyquist = o.sampleRate / 2;
  if (typeof o.fmin !== 'number' || !Number.isFinite(o.fmin) || o.fmin < 0) {
    fail(`fmin must be a finite number of Hz ≥ 0, got ${String(o.fmin)}`);
  }
  if (o.fmax !== null && (typeof o.fmax !== 'number' || !Number.isFinite(o.fmax) || o.fmax > nyquist)) {
    fail(`fmax must be null or a number of Hz ≤ sampleRate/2 (${nyquist}), got ${String(o.fmax)}`);
  }
  if (o.fmin >= (o.fmax ?? nyquist)) fail(`fmin (${o.fmin}) must be below fmax (${o.fmax ?? nyquist})`);
  if (typeof o.rolloffPercent !== 'number' || !(o.rolloffPercent > 0 && o.rolloffPercent < 1)) {
    fail(`rolloffPercent must be a number strictly between 0 and 1, got ${String(o.rolloffPercent)}`);
  }
  return o;
}

/** A named block of consecutive dimensions in the sequence. */
export interface FeatureGroup {
  name: string;
  offset: number;
  size: number;
}

export interface FeatureLayout {
  dims: number;
  /** One name per sequence dimension, in order. */
  names: string[];
  /** `mean:<name>` for every dimension, then `std:<name>` for every dimension. */
  statNames: string[];
  groups: FeatureGroup[];
}

function indexed(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}_${i}`);
}

function layoutOf(o: ResolvedFeatureOptions): FeatureLayout {
  const blocks: [string, string[]][] = [['mfcc', indexed('mfcc', o.nMfcc)]];
  if (o.includeDelta) {
    blocks.push(['mfcc_delta', indexed('mfcc_delta', o.nMfcc)], ['mfcc_delta2', indexed('mfcc_delta2', o.nMfcc)]);
  }
  blocks.push(
    ['logmel', indexed('logmel', o.nMels)],
    ['spectral_centroid', ['spectral_centroid']],
    ['spectral_rolloff', ['spectral_rolloff']],
    ['spectral_bandwidth', ['spectral_bandwidth']],
    ['zcr', ['zcr']],
    ['rms', ['rms']],
    ['chroma', indexed('chroma', o.nChroma)],
  );
  const names: string[] = [];
  const groups: FeatureGroup[] = [];
  for (const [name, dimNames] of blocks) {
    groups.push({ name, offset: names.length, size: dimNames.length });
    names.push(...dimNames);
  }
  const statNames = [...names.map((n) => `mean:${n}`), ...names.map((n) => `std:${n}`)];
  return { dims: names.length, names, statNames, groups };
}

/** The sequence/stat layout for these options — validated, nothing computed. */
export function featureLayout(options: FeatureOptions = {}): FeatureLayout {
  return layoutOf(resolveFeatureOptions(options));
}

export interface ExtractedFeatures extends FeatureLayout {
  options: ResolvedFeatureOptions;
  frames: number;
  /** frames × dims, frame-major: `sequence[frame * dims + d]`. */
  sequence: Float32Array;
  /** 2 × dims: the mean of each dimension over frames, then its population standard deviation. */
  stats: Float32Array;
  // Groups for plotting, librosa's `[coefficient][frame]` orientation.
  /** Log-mel power in dB, nMels × frames (row 0 = lowest band). */
  logMelDb: FloatMatrix;
  /** MFCC, nMfcc × frames. */
  mfcc: FloatMatrix;
  rms: Float32Array;
  centroidHz: Float32Array;
}

/** Copies a frame-major block into columns [offset, offset + m.dims) of the sequence. */
function putBlock(sequence: Float32Array, dims: number, offset: number, m: FrameMatrix): void {
  for (let t = 0; t < m.frames; t++) sequence.set(m.data.subarray(t * m.dims, (t + 1) * m.dims), t * dims + offset);
}

function putColumn(sequence: Float32Array, dims: number, offset: number, column: Float32Array): void {
  for (let t = 0; t < column.length; t++) sequence[t * dims + offset] = column[t] as number;
}

/** Mean and population std per dimension (two passes: no catastrophic cancellation on large offsets). */
export function frameStats(sequence: Float32Array, frames: number, dims: number): Float32Array {
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  for (let t = 0; t < frames; t++) {
    const row = t * dims;
    for (let d = 0; d < dims; d++) mean[d] = (mean[d] as number) + (sequence[row + d] as number);
  }
  for (let d = 0; d < dims; d++) mean[d] = (mean[d] as number) / frames;
  for (let t = 0; t < frames; t++) {
    const row = t * dims;
    for (let d = 0; d < dims; d++) {
      const dev = (sequence[row + d] as number) - (mean[d] as number);
      sq[d] = (sq[d] as number) + dev * dev;
    }
  }
  const stats = new Float32Array(2 * dims);
  for (let d = 0; d < dims; d++) {
    stats[d] = mean[d] as number;
    stats[dims + d] = Math.sqrt((sq[d] as number) / frames);
  }
  return stats;
}

function checkSamples(samples: Float32Array, o: ResolvedFeatureOptions): number {
  if (!(samples instanceof Float32Array)) throw new Error('extractFeatures: samples must be a Float32Array');
  if (samples.length === 0) throw new Error('extractFeatures: samples is empty');
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i])) throw new Error(`extractFeatures: sample ${i} is ${samples[i]} (NaN/Infinity poisons every frame)`);
  }
  const frames = centredFrameCount(samples.length, o.nFft, o.hopLength);
  if (o.includeDelta && frames < DELTA_WIDTH) {
    const need = (DELTA_WIDTH - 1) * o.hopLength;
    throw new Error(
      `extractFeatures: ${samples.length} samples give ${frames} frames; deltas need ≥ ${DELTA_WIDTH} (≥ ${need} samples, ` +
        `${(need / o.sampleRate).toFixed(3)} s) — pass a longer clip or includeDelta: false`,
    );
  }
  return frames;
}

export function extractFeatures(samples: Float32Array, options: FeatureOptions = {}): ExtractedFeatures {
  const o = resolveFeatureOptions(options);
  const frames = checkSamples(samples, o);
  const layout = layoutOf(o);
  const { dims } = layout;
  const { sampleRate, nFft, hopLength, fmin, fmax } = o;

  const power = powerSpectrogram(samples, { nFft, hopLength });
  const logMel = powerToDb(melSpectrogram(power, melFilterbank({ sampleRate, nFft, nMels: o.nMels, fmin, fmax })));
  const mfccSource =
    o.mfccMels === o.nMels
      ? logMel
      : powerToDb(melSpectrogram(power, melFilterbank({ sampleRate, nFft, nMels: o.mfccMels, fmin, fmax })));
  const cepstrum = mfcc(mfccSource, { nMfcc: o.nMfcc });
  const shape = spectralShape(power, { sampleRate, rollPercent: o.rolloffPercent });
  const zcr = zeroCrossingRate(samples, { frameLength: nFft, hopLength });
  const energy = rms(samples, { frameLength: nFft, hopLength });
  const chroma = chromaStft(power, { sampleRate, nChroma: o.nChroma });

  const sequence = new Float32Array(frames * dims);
  const at = (name: string): number => (layout.groups.find((g) => g.name === name) as FeatureGroup).offset;
  putBlock(sequence, dims, at('mfcc'), cepstrum);
  if (o.includeDelta) {
    putBlock(sequence, dims, at('mfcc_delta'), delta(cepstrum, { width: DELTA_WIDTH, order: 1 }));
    putBlock(sequence, dims, at('mfcc_delta2'), delta(cepstrum, { width: DELTA_WIDTH, order: 2 }));
  }
  putBlock(sequence, dims, at('logmel'), logMel);
  putColumn(sequence, dims, at('spectral_centroid'), shape.centroid);
  putColumn(sequence, dims, at('spectral_rolloff'), shape.rolloff);
  putColumn(sequence, dims, at('spectral_bandwidth'), shape.bandwidth);
  putColumn(sequence, dims, at('zcr'), zcr);
  putColumn(sequence, dims, at('rms'), energy);
  putBlock(sequence, dims, at('chroma'), chroma);

  return {
    ...layout,
    options: o,
    frames,
    sequence,
    stats: frameStats(sequence, frames, dims),
    logMelDb: toCoefficientMajor(logMel),
    mfcc: toCoefficientMajor(cepstrum),
    rms: energy,
    centroidHz: shape.centroid,
  };
}
