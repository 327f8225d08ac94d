/**
 * One clip from file to features: decode → mono → resample → preprocess → DSP. The single code path
 * used by batch extraction, the Clip view, training and prediction, so all of them see the same numbers.
 */
import { loadClip } from '../audio/preprocess';
import { extractFeatures } from '../features';
import type { AudioOptions, DspOptions } from './featureConfig';

export interface ClipFeatureResult {
  frames: number;
  dims: number;
  /** frames × dims, frame-major. */
  sequence: Float32Array;
  /** mean per dim, then std per dim. */
  stats: Float32Array;
  timings: { decodeMs: number; resampleMs: number; preprocessMs: number; featuresMs: number };
}

export function computeClipFeatures(path: string, audio: AudioOptions, dsp: DspOptions): ClipFeatureResult {
  const clip = loadClip(path, audio);
  const started = performance.now();
  const f = extractFeatures(clip.samples, dsp);
  const featuresMs = performance.now() - started;
  return { frames: f.frames, dims: f.dims, sequence: f.sequence, stats: f.stats, timings: { ...clip.timings, featuresMs } };
}
