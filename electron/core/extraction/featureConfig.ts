/**
 * The part of an experiment config that determines features, in the shapes the audio and DSP code
 * take, and a hash of it: the features cache is keyed by (clip, hash), so changing any of these
 * re-extracts and changing anything else (model, training) does not.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../../../shared/config';

/**
 * Bump when the extraction code changes its output for the same config (DSP fix, new feature), so
 * caches made by older code are not reused.
 */
export const FEATURE_PIPELINE_VERSION = 1;

export interface AudioOptions {
  sampleRate: number;
  durationSec: number;
  offsetSec: number;
  preEmphasis: number | null;
  normalize: 'none' | 'peak' | 'rms';
}

export interface DspOptions {
  sampleRate: number;
  nFft: number;
  hopLength: number;
  nMfcc: number;
  mfccMels: number;
  nMels: number;
  includeDelta: boolean;
}

export interface FeatureSpec {
  audio: AudioOptions;
  dsp: DspOptions;
  hash: string;
}

export function featureSpec(config: Config): FeatureSpec {
  const { data, features } = config;
  const audio: AudioOptions = {
    sampleRate: data.sampling_rate,
    durationSec: data.duration,
    offsetSec: data.offset,
    preEmphasis: data.pre_emphasis,
    normalize: data.normalize,
  };
  const dsp: DspOptions = {
    sampleRate: data.sampling_rate,
    nFft: features.n_fft,
    hopLength: features.hop_length,
    nMfcc: features.n_mfcc,
    mfccMels: features.mfcc_n_mels,
    nMels: features.n_mels,
    includeDelta: features.include_delta,
  };
  return { audio, dsp, hash: featureHash(audio, dsp) };
}

/** The cache key of features made with these options by this version of the pipeline. */
export function featureHash(audio: AudioOptions, dsp: DspOptions): string {
  // Key order is fixed here, so a spec read back from JSON hashes the same as the one written.
  const a: AudioOptions = { sampleRate: audio.sampleRate, durationSec: audio.durationSec, offsetSec: audio.offsetSec, preEmphasis: audio.preEmphasis, normalize: audio.normalize };
  const d: DspOptions = { sampleRate: dsp.sampleRate, nFft: dsp.nFft, hopLength: dsp.hopLength, nMfcc: dsp.nMfcc, mfccMels: dsp.mfccMels, nMels: dsp.nMels, includeDelta: dsp.includeDelta };
  const canonical = JSON.stringify({ v: FEATURE_PIPELINE_VERSION, audio: a, dsp: d });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
