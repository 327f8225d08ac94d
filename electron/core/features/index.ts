/**
 * Audio feature extraction (librosa 0.11-compatible DSP): pure functions over Float32Array, no I/O.
 * `extractFeatures` is the batch entry point; the per-feature functions are exported for plots, tests
 * and anything that needs one feature alone.
 */
export type { FloatMatrix, FrameMatrix, HannPowerFft } from './dsp';
export { fftFrequencies, hzToMel, melFrequencies, melToHz, periodicHann, hannPowerFft, toCoefficientMajor } from './dsp';

export type { PowerSpectrogram, StftOptions } from './stft';
export { powerSpectrogram } from './stft';

export type { MelFilterbank, MelFilterbankOptions, PowerToDbOptions } from './mel';
export { melFilterbank, melSpectrogram, powerToDb } from './mel';

export type { MfccOptions } from './mfcc';
export { dctMatrix, mfcc } from './mfcc';

export type { DeltaOptions } from './delta';
export { delta, savgolWeights } from './delta';

export type { RolloffOptions, SpectralOptions, SpectralShape } from './spectral';
export { spectralBandwidth, spectralCentroid, spectralRolloff, spectralShape } from './spectral';

export type { ChromaFilterbank, ChromaFilterbankOptions, ChromaOptions } from './chroma';
export { chromaFilterbank, chromaStft } from './chroma';

export type { FramingOptions, ZcrOptions } from './temporal';
export { rms, zeroCrossingRate } from './temporal';

export type { PitchOptions, PitchTrack } from './pitch';
export { hzToSemitones27_5, pyin } from './pitch';

export type { HnrOptions } from './hnr';
export { harmonicsToNoiseRatio } from './hnr';

export type { Perturbation, PerturbationOptions, Pulse } from './perturbation';
export { glottalPulses, perturbation } from './perturbation';

export type { FormantOptions, FormantTrack } from './formants';
export { burg, formants, polynomialRoots } from './formants';

export type { ExtractedFeatures, FeatureGroup, FeatureLayout, FeatureOptions, ResolvedFeatureOptions } from './extract';
export { DEFAULT_FEATURE_OPTIONS, extractFeatures, featureLayout, frameStats, resolveFeatureOptions } from './extract';
