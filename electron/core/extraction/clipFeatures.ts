/**
 * One clip from file to features: decode → mono → resample → preprocess → DSP. The single code path
 * used by batch extraction, the Clip view, training and prediction, so all of them see the same numbers.
 * `computeWindowFeatures` is the same on a file opened once, for prediction's windows of a long file.
 */
import type { WavFileReader } from '../audio/decode';
import { loadClip, loadWindow, type LoadedClip } from '../audio/preprocess';
import { extractFeatures } from '../features';
import type { AudioOptions, DspOptions } from './featureConfig';

export interface ClipFeatureResult {
  frames: number;
  dims: number;
  /** frames × dims, frame-major. */
  sequence: Float32Array;
  /** mean per dim, then std per dim. */
  stats: Float32Array;
  /** max |x| of the analysed audio before normalisation (0 for a window past the end of the file). */
  peak: number;
  timings: { decodeMs: number; resampleMs: number; preprocessMs: number; featuresMs: number };
}

export function computeClipFeatures(path: string, audio: AudioOptions, dsp: DspOptions): ClipFeatureResult {
  return featuresOf(loadClip(path, audio), dsp);
}

/** Features of the window `audio.offsetSec`…+`audio.durationSec` of an opened file (reads only that part). */
export function computeWindowFeatures(file: WavFileReader, audio: AudioOptions, dsp: DspOptions): ClipFeatureResult {
  return featuresOf(loadWindow(file, audio), dsp);
}

function featuresOf(clip: LoadedClip, dsp: DspOptions): ClipFeatureResult {
  const started = performance.now();
  const f = extractFeatures(clip.samples, dsp);
  const featuresMs = performance.now() - started;
  return { frames: f.frames, dims: f.dims, sequence: f.sequence, stats: f.stats, peak: clip.peak, timings: { ...clip.timings, featuresMs } };
}
