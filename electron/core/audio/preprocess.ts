/**
 * Turns a clip into the fixed-length signal the features are computed from, and `loadClip` composes the
 * whole front end: decode → mono → resample → preprocess.
 *
 * `preprocess` order: window → normalise → pre-emphasis.
 * - Window: samples [round(offsetSec·sr), round(offsetSec·sr) + round(durationSec·sr)); zero-padded at the
 *   end when the clip is shorter, all zeros when the offset is past its end.
 * - Normalise. 'peak': scale so max |x| = 1.0 exactly (as librosa.util.normalize; the signal is float, so
 *   there is nothing to clip and no reason to stop at 0.999). 'rms': scale to an RMS of 0.1 (−20 dBFS);
 *   peaks may then exceed 1, which float features do not mind. Both statistics are taken over the audio
 *   actually taken from the clip, not the zero padding, so a clip's level does not depend on how much
 *   padding it needed. A silent window (all zeros) is left as it is: no division by zero, no NaN.
 * - Pre-emphasis (when `preEmphasis` is a number a in [0, 1)): y[n] = x[n] − a·x[n−1], y[0] = x[0].
 *   (librosa.effects.preemphasis instead extrapolates x[−1] = 2·x[0] − x[1]; only y[0] differs.)
 *
 * `loadClip` trims before decoding and resampling: it reads and converts only the file frames the window
 * needs (plus the resampler filter's margin, see resample.ts `resampleInputRange`), which equals decoding
 * and resampling the whole clip and then trimming (to float rounding; tested). `loadWindow` is the same
 * on a file opened once: prediction reads a long file window by window through it, in bounded memory.
 */
import { EngineError } from '../../../shared/errors';
import { openWavFile, type DecodedAudioFacts, type WavFileReader } from './decode';
import { RESAMPLER_MAX_RATE, resampledLength, resampleInputRange, resampleRange } from './resample';

export type NormalizeMode = 'none' | 'peak' | 'rms';

export interface PreprocessOptions {
  /** Length of the window in seconds (> 0). */
  durationSec: number;
  /** Where the window starts, in seconds from the start of the clip (≥ 0). */
  offsetSec: number;
  /** Pre-emphasis coefficient in [0, 1), or null for none. */
  preEmphasis: number | null;
  normalize: NormalizeMode;
}

export interface LoadClipOptions extends PreprocessOptions {
  /** Target sample rate in Hz (librosa's default is 22 050). */
  sampleRate: number;
}

export interface LoadedClip {
  samples: Float32Array;
  /** max |x| of the audio taken from the file for the window, before normalisation (0 if none). */
  peak: number;
  timings: { decodeMs: number; resampleMs: number; preprocessMs: number };
  /** Facts about the file as decoded (its own rate, channels, format, duration). */
  source: DecodedAudioFacts;
}

/** 'peak' normalisation target for max |x|. */
export const PEAK_TARGET = 1;
/** 'rms' normalisation target: 0.1 = −20 dBFS. */
export const RMS_TARGET = 0.1;

const NORMALIZE_MODES: readonly NormalizeMode[] = ['none', 'peak', 'rms'];

function invalid(message: string): EngineError {
  return new EngineError('INVALID_PAYLOAD', message);
}

/** The window `preprocess` takes at `sampleRate`, in samples. */
export function clipWindow(sampleRate: number, offsetSec: number, durationSec: number): { start: number; length: number } {
  return { start: Math.round(offsetSec * sampleRate), length: Math.round(durationSec * sampleRate) };
}

function validateOptions(sampleRate: number, options: PreprocessOptions): void {
  if (typeof options !== 'object' || options === null) throw invalid('preprocess: options must be an object');
  const { durationSec, offsetSec, preEmphasis, normalize } = options;
  if (typeof sampleRate !== 'number' || !Number.isFinite(sampleRate) || sampleRate <= 0) {
    throw invalid(`preprocess: sampleRate must be a positive number of Hz, got ${String(sampleRate)}`);
  }
  if (typeof durationSec !== 'number' || !Number.isFinite(durationSec) || durationSec <= 0) {
    throw invalid(`preprocess: durationSec must be a positive number of seconds, got ${String(durationSec)}`);
  }
  if (Math.round(durationSec * sampleRate) < 1) {
    throw invalid(`preprocess: durationSec ${durationSec} is shorter than one sample at ${sampleRate} Hz`);
  }
  if (typeof offsetSec !== 'number' || !Number.isFinite(offsetSec) || offsetSec < 0) {
    throw invalid(`preprocess: offsetSec must be a number of seconds ≥ 0, got ${String(offsetSec)}`);
  }
  if (preEmphasis !== null && (typeof preEmphasis !== 'number' || !(preEmphasis >= 0 && preEmphasis < 1))) {
    throw invalid(`preprocess: preEmphasis must be null or a number in [0, 1), got ${String(preEmphasis)}`);
  }
  if (!NORMALIZE_MODES.includes(normalize)) {
    throw invalid(`preprocess: normalize must be one of ${NORMALIZE_MODES.map((m) => `'${m}'`).join(', ')}, got ${String(normalize)}`);
  }
}

/** Window, normalise and pre-emphasise mono `samples` (see the module comment). Returns a new array. */
export function preprocess(samples: Float32Array, sampleRate: number, options: PreprocessOptions): Float32Array {
  validateOptions(sampleRate, options);
  const { start, length } = clipWindow(sampleRate, options.offsetSec, options.durationSec);
  const out = new Float32Array(length);
  const taken = Math.max(0, Math.min(length, samples.length - start));
  if (taken > 0) out.set(samples.subarray(start, start + taken));
  normalizeInPlace(out, taken, options.normalize);
  if (options.preEmphasis !== null && options.preEmphasis !== 0) preEmphasizeInPlace(out, options.preEmphasis);
  return out;
}

/** Scale `x` by a gain computed over its first `audible` samples (the rest is zero padding). */
function normalizeInPlace(x: Float32Array, audible: number, mode: NormalizeMode): void {
  if (mode === 'none' || audible === 0) return;
  let gain: number;
  if (mode === 'peak') {
    let peak = 0;
    for (let i = 0; i < audible; i++) {
      const v = Math.abs(x[i] as number);
      if (v > peak) peak = v;
    }
    if (peak === 0) return;
    gain = PEAK_TARGET / peak;
  } else {
    let sumSquares = 0;
    for (let i = 0; i < audible; i++) {
      const v = x[i] as number;
      sumSquares += v * v;
    }
    const rms = Math.sqrt(sumSquares / audible);
    if (rms === 0) return;
    gain = RMS_TARGET / rms;
  }
  for (let i = 0; i < audible; i++) x[i] = (x[i] as number) * gain;
}

/** y[n] = x[n] − a·x[n−1], y[0] = x[0]; in place, back to front so x[n−1] is still unmodified. */
function preEmphasizeInPlace(x: Float32Array, a: number): void {
  for (let n = x.length - 1; n >= 1; n--) x[n] = (x[n] as number) - a * (x[n - 1] as number);
}

/**
 * Decode a WAV file, down-mix to mono, resample to `options.sampleRate` and preprocess. Synchronous;
 * needs `initResampler()` when the file's rate differs from the target.
 */
export function loadClip(path: string, options: LoadClipOptions): LoadedClip {
  checkLoadOptions(options);
  const t0 = performance.now();
  const file = openWavFile(path);
  const opened = performance.now() - t0;
  try {
    const clip = loadWindow(file, options);
    clip.timings.decodeMs += opened;
    return clip;
  } finally {
    file.close();
  }
}

/**
 * `loadClip` on an opened file: reads only the frames the window (`offsetSec`, `durationSec`) depends on.
 * Called once per window of a long file, it keeps memory bounded by the window, not the file.
 */
export function loadWindow(file: WavFileReader, options: LoadClipOptions): LoadedClip {
  checkLoadOptions(options);
  const { sampleRate } = options;
  const { header } = file;
  const { start, length } = clipWindow(sampleRate, options.offsetSec, options.durationSec);
  // Only the part of the window the (resampled) clip covers: preprocess pads the rest, exactly as it would
  // after converting the whole clip (and keeps the padding out of the normalisation statistics).
  const total = resampledLength(header.frames, header.sampleRate, sampleRate);
  const covered = Math.max(0, Math.min(length, total - start));

  const t0 = performance.now();
  let range: { start: number; end: number };
  try {
    range = resampleInputRange(header.frames, header.sampleRate, sampleRate, start, covered);
  } catch (err) {
    throw resamplerError(file.path, err);
  }
  const input = file.readMono(range.start, range.end);
  const t1 = performance.now();

  let windowed: Float32Array;
  try {
    windowed = header.sampleRate === sampleRate ? input : resampleRange({ samples: input, start: range.start, total: header.frames }, header.sampleRate, sampleRate, start, covered);
  } catch (err) {
    throw resamplerError(file.path, err);
  }
  let peak = 0;
  for (let i = 0; i < windowed.length; i++) {
    const v = Math.abs(windowed[i] as number);
    if (v > peak) peak = v;
  }
  const t2 = performance.now();

  const samples = preprocess(windowed, sampleRate, { ...options, offsetSec: 0 }); // already windowed
  const t3 = performance.now();

  return { samples, peak, timings: { decodeMs: t1 - t0, resampleMs: t2 - t1, preprocessMs: t3 - t2 }, source: file.facts };
}

function checkLoadOptions(options: LoadClipOptions): void {
  const { sampleRate } = options;
  validateOptions(sampleRate, options);
  if (!Number.isInteger(sampleRate) || sampleRate > RESAMPLER_MAX_RATE) {
    throw invalid(`loadClip: sampleRate must be an integer number of Hz up to ${RESAMPLER_MAX_RATE}, got ${sampleRate}`);
  }
}

/** The target rate is valid, so a RangeError is about the file's rate: one the resampler does not take (e.g. 384 kHz). */
function resamplerError(path: string, err: unknown): unknown {
  return err instanceof RangeError ? new EngineError('BAD_FILE', `${path}: ${err.message}`) : err;
}
