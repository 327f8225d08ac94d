/**
 * What the synthetic actors say and how: per-actor voices, per-emotion deltas relative to neutral, the
 * two RAVDESS statements as syllables, and the planning of one take's synthesis parameters. Pure.
 *
 * Design goal: emotions differ in learnable directions (F0 level and range, tempo, energy, spectral
 * tilt, jitter/tremolo, breathiness), but actors differ enough — voice, habits, and how strongly and in
 * which way they act each emotion — that absolute values alone do not identify the emotion across actors.
 */
import { EMOTIONS, genderOfActor, type Emotion, type Intensity, type RavdessName } from '../../../shared/ravdess';
import { deriveRng, type Rng } from './random';
import type { Consonant, FormantTriple, Syllable, UtteranceParams } from './voice';

export const SAMPLE_RATE = 48_000;
/** Clip length bounds, with a small margin inside the 3.0–4.0 s contract for sample rounding. */
const MIN_CLIP_SEC = 3.05;
const MAX_CLIP_SEC = 3.95;
const MAX_SPEECH_SEC = 2.95;

/** Random-stream kinds, so the same (actor, take) numbers in different roles never share a stream. */
const STREAM = { actor: 1, style: 2, take: 3, noise: 4 } as const;

/* ------------------------------------------------------------------------------------------------ */
/* Emotion deltas                                                                                     */
/* ------------------------------------------------------------------------------------------------ */

/**
 * How an emotion departs from the speaker's neutral voice at normal intensity.
 * Additive fields add; `…Mul` fields multiply (and are exaggerated geometrically for strong takes).
 */
export interface EmotionDelta {
  f0St: number;
  rangeMul: number;
  tempoMul: number;
  levelDb: number;
  tiltDb: number;
  jitterMul: number;
  tremolo: number;
  breathiness: number;
  creak: number;
  nasality: number;
  finalRiseSt: number;
}

const NO_DELTA: EmotionDelta = {
  f0St: 0, rangeMul: 1, tempoMul: 1, levelDb: 0, tiltDb: 0, jitterMul: 1,
  tremolo: 0, breathiness: 0, creak: 0, nasality: 0, finalRiseSt: 0,
};

export const EMOTION_DELTAS: Readonly<Record<Emotion, EmotionDelta>> = {
  neutral: NO_DELTA,
  // Relaxed: a little lower and flatter, slower, softer and darker, a touch breathy.
  calm: { ...NO_DELTA, f0St: -1, rangeMul: 0.7, tempoMul: 0.88, levelDb: -3, tiltDb: 5, breathiness: 0.05 },
  // Raised, lively intonation, quicker, louder and brighter.
  happy: { ...NO_DELTA, f0St: 3, rangeMul: 1.5, tempoMul: 1.1, levelDb: 2.5, tiltDb: -3.5, jitterMul: 1.1, finalRiseSt: 0.8 },
  // Low, flat, slow, quiet, breathy and dark, slightly unsteady.
  sad: {
    ...NO_DELTA, f0St: -1.5, rangeMul: 0.6, tempoMul: 0.8, levelDb: -4.5, tiltDb: 6.5, jitterMul: 1.3,
    tremolo: 0.06, breathiness: 0.15, creak: 0.1,
  },
  // Raised, fast, loudest and brightest (pressed voice), with some roughness.
  angry: {
    ...NO_DELTA, f0St: 2.5, rangeMul: 1.3, tempoMul: 1.15, levelDb: 5.5, tiltDb: -6, jitterMul: 1.6,
    breathiness: -0.03, creak: 0.15,
  },
  // High, trembling (tremolo and jitter), fast, breathy.
  fearful: {
    ...NO_DELTA, f0St: 4.5, rangeMul: 1.15, tempoMul: 1.18, levelDb: 1, tiltDb: -1, jitterMul: 2.3,
    tremolo: 0.22, breathiness: 0.12, finalRiseSt: 0.5,
  },
  // Low, slow, creaky (high jitter, period doubling), nasal-ish.
  disgust: {
    ...NO_DELTA, f0St: -2, rangeMul: 0.95, tempoMul: 0.85, levelDb: -1, jitterMul: 2.8, breathiness: 0.03,
    creak: 0.5, nasality: 0.8,
  },
  // High with a large rising contour.
  surprised: {
    ...NO_DELTA, f0St: 3.5, rangeMul: 1.4, tempoMul: 1, levelDb: 2.5, tiltDb: -2, jitterMul: 1.1,
    breathiness: 0.03, finalRiseSt: 4.5,
  },
};

/** Strong intensity exaggerates the deviation from neutral by this factor. */
export const STRONG_INTENSITY_GAIN = 1.7;

/** How far the take's delta is pushed, including the actor's own acting style for this emotion. */
function scaleDelta(d: EmotionDelta, k: number, style: ActorEmotionStyle): EmotionDelta {
  const pow = (m: number, s: number): number => Math.pow(m, k * s);
  return {
    f0St: d.f0St * k * style.pitch,
    rangeMul: pow(d.rangeMul, style.pitch),
    tempoMul: pow(d.tempoMul, style.tempo),
    levelDb: d.levelDb * k * style.energy,
    tiltDb: d.tiltDb * k * style.energy,
    jitterMul: pow(d.jitterMul, style.quality),
    tremolo: d.tremolo * k * style.quality,
    breathiness: d.breathiness * k * style.quality,
    creak: d.creak * k * style.quality,
    nasality: d.nasality * k * style.quality,
    finalRiseSt: d.finalRiseSt * k * style.pitch,
  };
}

/* ------------------------------------------------------------------------------------------------ */
/* Actors                                                                                             */
/* ------------------------------------------------------------------------------------------------ */

/** Per actor and emotion: how much of each cue family this actor uses when acting it (1 = textbook). */
export interface ActorEmotionStyle {
  pitch: number;
  tempo: number;
  energy: number;
  quality: number;
}

/** A synthetic actor's habitual (neutral) voice. */
export interface ActorVoice {
  actor: number;
  f0Hz: number;
  formantScale: number;
  noiseFloorDb: number;
  /** Syllables per second. */
  tempo: number;
  /** Typical accent height in semitones. */
  rangeSt: number;
  declinationSt: number;
  levelDb: number;
  tiltDb: number;
  jitter: number;
  shimmer: number;
  breathiness: number;
  tremoloHz: number;
  /** Overall acting strength: some actors are understated, some theatrical. */
  expressiveness: number;
  styles: Readonly<Record<Emotion, ActorEmotionStyle>>;
}

/** A factor around 1 drawn log-normally, so 1/x and x are equally likely. */
function logNormal(rng: Rng, sd: number): number {
  return Math.exp(sd * rng.normal());
}

export function actorVoice(seed: number, actor: number): ActorVoice {
  const rng = deriveRng(seed, STREAM.actor, actor);
  const male = genderOfActor(actor) === 'male';
  const voice = {
    actor,
    f0Hz: male ? rng.uniform(95, 145) : rng.uniform(170, 250),
    formantScale: male ? rng.uniform(0.95, 1.05) : rng.uniform(1.1, 1.22),
    noiseFloorDb: rng.uniform(-72, -54),
    tempo: rng.uniform(3.0, 4.6),
    rangeSt: rng.uniform(2.2, 5.5),
    declinationSt: rng.uniform(1.5, 4),
    // Wide habitual loudness spread (±5 dB) so a loud neutral actor can outshout a soft angry one.
    levelDb: -26 + rng.uniform(-5, 5),
    // Habitual spectral tilt, from fairly bright to fairly soft voices.
    tiltDb: rng.uniform(5, 14),
    jitter: rng.uniform(0.004, 0.013),
    shimmer: rng.uniform(0.03, 0.08),
    breathiness: male ? rng.uniform(0.02, 0.12) : rng.uniform(0.05, 0.18),
    tremoloHz: rng.uniform(4.5, 7.5),
    expressiveness: rng.uniform(0.6, 1.35),
  };
  const styleRng = deriveRng(seed, STREAM.style, actor);
  const styles = {} as Record<Emotion, ActorEmotionStyle>;
  for (const emotion of EMOTIONS) {
    styles[emotion] = {
      pitch: logNormal(styleRng, 0.3),
      tempo: logNormal(styleRng, 0.3),
      energy: logNormal(styleRng, 0.3),
      quality: logNormal(styleRng, 0.3),
    };
  }
  return { ...voice, styles };
}

/* ------------------------------------------------------------------------------------------------ */
/* Scripts: the two RAVDESS statements as syllables (male reference formants)                        */
/* ------------------------------------------------------------------------------------------------ */

const V = {
  IH: [400, 1900, 2550],
  AA: [730, 1090, 2440],
  AO: [590, 880, 2540],
  AH: [520, 1400, 2450],
  AY_START: [700, 1200, 2500],
  IY: [400, 1950, 2600],
  OR: [560, 880, 2400],
  R: [480, 1100, 1700],
} satisfies Record<string, FormantTriple>;

const C = {
  K: { kind: 'stop', voiced: false, noiseHz: 2400, durationSec: 0.07 },
  T: { kind: 'stop', voiced: false, noiseHz: 4200, durationSec: 0.06 },
  D: { kind: 'stop', voiced: true, noiseHz: 3800, durationSec: 0.05 },
  B: { kind: 'stop', voiced: true, noiseHz: 1200, durationSec: 0.05 },
  DH: { kind: 'fricative', voiced: true, noiseHz: 3500, durationSec: 0.05 },
  S: { kind: 'fricative', voiced: false, noiseHz: 6200, durationSec: 0.1 },
  Z: { kind: 'fricative', voiced: true, noiseHz: 5600, durationSec: 0.09 },
  NG: { kind: 'sonorant', voiced: true, noiseHz: 0, durationSec: 0.06 },
} satisfies Record<string, Consonant>;

/** A syllable of the script: phonetics, lexical stress and relative length (before tempo). */
interface ScriptSyllable {
  onset?: Consonant;
  vowel: FormantTriple;
  glideTo?: FormantTriple;
  coda?: Consonant;
  stress: number;
  length: number;
}

const TAIL: readonly ScriptSyllable[] = [
  { onset: C.B, vowel: V.AY_START, glideTo: V.IY, stress: 0.6, length: 1 }, // by
  { onset: C.DH, vowel: V.AH, stress: 0, length: 0.6 }, // the
  { onset: C.D, vowel: V.OR, glideTo: V.R, stress: 1, length: 1.5 }, // door (phrase-final lengthening)
];

export const SCRIPTS: Readonly<Record<1 | 2, readonly ScriptSyllable[]>> = {
  // "Kids are talking by the door"
  1: [
    { onset: C.K, vowel: V.IH, coda: C.Z, stress: 1, length: 1.1 },
    { vowel: V.AA, glideTo: V.R, stress: 0.2, length: 0.7 },
    { onset: C.T, vowel: V.AO, stress: 1, length: 1.1 },
    { onset: C.K, vowel: V.IH, coda: C.NG, stress: 0.2, length: 0.8 },
    ...TAIL,
  ],
  // "Dogs are sitting by the door"
  2: [
    { onset: C.D, vowel: V.AA, coda: C.Z, stress: 1, length: 1.15 },
    { vowel: V.AA, glideTo: V.R, stress: 0.2, length: 0.7 },
    { onset: C.S, vowel: V.IH, stress: 1, length: 1.05 },
    { onset: C.T, vowel: V.IH, coda: C.NG, stress: 0.2, length: 0.8 },
    ...TAIL,
  ],
};

/* ------------------------------------------------------------------------------------------------ */
/* Take planning                                                                                      */
/* ------------------------------------------------------------------------------------------------ */

export type Take = Pick<RavdessName, 'emotion' | 'intensity' | 'statement' | 'repetition'>;

function intensityGain(intensity: Intensity): number {
  return intensity === 'strong' ? STRONG_INTENSITY_GAIN : 1;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Syllable lengths and pitch accents for one take: repetitions differ in timing and accent placement. */
function planSyllables(script: readonly ScriptSyllable[], tempo: number, rangeSt: number, rng: Rng): Syllable[] {
  const meanLength = script.reduce((s, x) => s + x.length, 0) / script.length;
  const syllables = script.map((s): Syllable => {
    const accented = rng.chance(s.stress >= 0.6 ? 0.75 : 0.1);
    // Every syllable gets the same keys (absent parts as undefined): one object shape keeps the
    // synthesiser's per-block code monomorphic.
    return {
      onset: s.onset,
      vowel: s.vowel,
      glideTo: s.glideTo,
      coda: s.coda,
      stress: s.stress,
      lengthSec: ((s.length / meanLength) * logNormal(rng, 0.12)) / tempo,
      accentSt: accented ? rangeSt * rng.uniform(0.5, 1.1) * (s.stress >= 0.6 ? 1 : 0.4) : 0,
    };
  });
  // Keep the speech short enough for the clip-length contract: very slow takes are compressed.
  const speech = syllables.reduce((s, x) => s + x.lengthSec, 0);
  if (speech > MAX_SPEECH_SEC) {
    const k = MAX_SPEECH_SEC / speech;
    for (const s of syllables) s.lengthSec *= k;
  }
  return syllables;
}

/** Leading silence 0.3–0.9 s (as in RAVDESS), trailing silence filling the clip to 3.05–3.95 s. */
function planSilences(speechSec: number, rng: Rng): { lead: number; trail: number } {
  const lead = Math.min(rng.uniform(0.3, 0.9), MAX_CLIP_SEC - 0.1 - speechSec);
  const trail = rng.uniform(0.25, 0.9);
  const total = clamp(lead + speechSec + trail, MIN_CLIP_SEC, MAX_CLIP_SEC);
  return { lead, trail: total - lead - speechSec };
}

/** The integers that identify a take, from which its random streams are derived. */
function takeIdentity(actor: number, take: Take): number[] {
  return [actor, EMOTIONS.indexOf(take.emotion), take.intensity === 'strong' ? 2 : 1, take.statement, take.repetition];
}

/** The full synthesis parameters of one clip; depends only on (seed, actor, take). */
export function planTake(seed: number, actor: number, take: Take): UtteranceParams {
  const voice = actorVoice(seed, actor);
  const identity = takeIdentity(actor, take);
  const rng = deriveRng(seed, STREAM.take, ...identity);
  const k = voice.expressiveness * intensityGain(take.intensity);
  const d = scaleDelta(EMOTION_DELTAS[take.emotion], k, voice.styles[take.emotion]);

  // Take-to-take variation on top of actor and emotion.
  const tempo = clamp(voice.tempo * d.tempoMul * logNormal(rng, 0.06), 2.3, 7);
  // Bounded so theatrical actors' strong takes stay within a human voice's excursions.
  const rangeSt = clamp(voice.rangeSt * d.rangeMul * logNormal(rng, 0.15), 0.5, 9);
  const syllables = planSyllables(SCRIPTS[take.statement], tempo, rangeSt, rng);
  const speechSec = syllables.reduce((s, x) => s + x.lengthSec, 0);
  const { lead, trail } = planSilences(speechSec, rng);

  return {
    sampleRate: SAMPLE_RATE,
    seed: deriveRng(seed, STREAM.noise, ...identity).uint32(),
    leadSilenceSec: lead,
    trailSilenceSec: trail,
    syllables,
    f0Hz: clamp(voice.f0Hz * Math.pow(2, (d.f0St + 0.6 * rng.normal()) / 12), 60, 400),
    // Flat-voiced emotions flatten the whole contour, not only the accents.
    declinationSt: voice.declinationSt * d.rangeMul * rng.uniform(0.8, 1.2),
    finalRiseSt: clamp(d.finalRiseSt * rng.uniform(0.8, 1.2), 0, 9),
    jitter: clamp(voice.jitter * d.jitterMul, 0, 0.08),
    shimmer: clamp(voice.shimmer * Math.sqrt(d.jitterMul), 0, 0.4),
    creak: clamp(d.creak, 0, 1),
    tremoloHz: voice.tremoloHz,
    tremoloDepth: clamp(d.tremolo, 0, 0.6),
    breathiness: clamp(voice.breathiness + d.breathiness, 0, 0.7),
    tiltDb: clamp(voice.tiltDb + d.tiltDb + 1.2 * rng.normal(), 0, 30),
    formantScale: voice.formantScale,
    nasality: clamp(d.nasality, 0, 1),
    levelDb: voice.levelDb + d.levelDb + 1.2 * rng.normal(),
    noiseFloorDb: voice.noiseFloorDb,
  };
}
