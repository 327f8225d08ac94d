/** Synthetic RAVDESS-shaped speech corpus: public API. */
export { generateDemoCorpus, type DemoCorpusOptions, type DemoCorpusResult } from './demoCorpus';
export {
  actorVoice,
  planTake,
  EMOTION_DELTAS,
  SAMPLE_RATE,
  SCRIPTS,
  STRONG_INTENSITY_GAIN,
  type ActorEmotionStyle,
  type ActorVoice,
  type EmotionDelta,
  type Take,
} from './emotionProfiles';
export { deriveRng, mixSeed, Rng } from './random';
export {
  synthesizeUtterance,
  utteranceSamples,
  type Consonant,
  type FormantTriple,
  type Syllable,
  type UtteranceParams,
} from './voice';
export { encodeWavPcm16 } from '../audio/wavEncode';
