/** The audio front end: WAV header reading, decoding, resampling and preprocessing. */
export { parseWavHeader, readWavHeader, WavFormatError, type ByteReader, type WavHeader, type WavSampleFormat } from './wavHeader';
export { decodeWav, decodeWavFile, type DecodedAudio, type DecodedAudioFacts } from './decode';
export {
  initResampler,
  isResamplerReady,
  resample,
  resampleRange,
  resampledLength,
  RESAMPLER_CONVERTER,
  RESAMPLER_MAX_RATE,
} from './resample';
export {
  clipWindow,
  loadClip,
  PEAK_TARGET,
  preprocess,
  RMS_TARGET,
  type LoadClipOptions,
  type LoadedClip,
  type NormalizeMode,
  type PreprocessOptions,
} from './preprocess';
