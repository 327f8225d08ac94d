/**
 * RAVDESS file-name vocabulary: `MM-VV-EE-II-SS-RR-AA.wav`.
 * Pure data and functions, shared by the engine, the CLI and the renderer.
 */

export const EMOTIONS = [
  'neutral',
  'calm',
  'happy',
  'sad',
  'angry',
  'fearful',
  'disgust',
  'surprised',
] as const;
export type Emotion = (typeof EMOTIONS)[number];

/** RAVDESS emotion code ("01".."08") → name. */
export const EMOTION_BY_CODE: Readonly<Record<string, Emotion>> = Object.fromEntries(
  EMOTIONS.map((name, i) => [String(i + 1).padStart(2, '0'), name]),
);

export function emotionCode(emotion: Emotion): string {
  return String(EMOTIONS.indexOf(emotion) + 1).padStart(2, '0');
}

export const INTENSITIES = ['normal', 'strong'] as const;
export type Intensity = (typeof INTENSITIES)[number];

export const GENDERS = ['male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];

export const STATEMENTS = {
  1: 'Kids are talking by the door',
  2: 'Dogs are sitting by the door',
} as const;
export type Statement = keyof typeof STATEMENTS;

export const ACTOR_COUNT = 24;

export type Modality = 'audio-video' | 'video-only' | 'audio-only';
export type VocalChannel = 'speech' | 'song';

export interface RavdessName {
  modality: Modality;
  vocalChannel: VocalChannel;
  emotion: Emotion;
  intensity: Intensity;
  statement: Statement;
  repetition: 1 | 2;
  actor: number;
  gender: Gender;
}

export type ParsedName = { ok: true; value: RavdessName } | { ok: false; reason: string };

const NAME_PATTERN = /^(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})\.wav$/i;

/** Odd-numbered actors are male, even-numbered female (RAVDESS convention). */
export function genderOfActor(actor: number): Gender {
  return actor % 2 === 1 ? 'male' : 'female';
}

/**
 * Strictly parse a RAVDESS *audio-only speech* file name. The speech corpus is what the app trains on,
 * so audio-video/video-only modalities and the song channel are rejected with the reason.
 */
export function parseRavdessName(fileName: string): ParsedName {
  const m = NAME_PATTERN.exec(fileName);
  if (!m) {
    return { ok: false, reason: 'name is not in the RAVDESS pattern MM-VV-EE-II-SS-RR-AA.wav' };
  }
  const [, mm, vv, ee, ii, ss, rr, aa] = m as unknown as [string, string, string, string, string, string, string, string];
  if (mm === '01' || mm === '02') {
    return {
      ok: false,
      reason: `modality ${mm} (${mm === '01' ? 'audio-video' : 'video-only'}) is not audio-only (03)`,
    };
  }
  if (mm !== '03') return { ok: false, reason: `modality ${mm} is not a RAVDESS code (01–03)` };
  if (vv === '02') return { ok: false, reason: 'vocal channel 02 (song) is not speech (01)' };
  if (vv !== '01') return { ok: false, reason: `vocal channel ${vv} is not a RAVDESS code (01–02)` };
  const emotion = EMOTION_BY_CODE[ee];
  if (!emotion) return { ok: false, reason: `emotion ${ee} is not a RAVDESS code (01–08)` };
  if (ii !== '01' && ii !== '02') return { ok: false, reason: `intensity ${ii} is not a RAVDESS code (01–02)` };
  if (ii === '02' && emotion === 'neutral') {
    return { ok: false, reason: 'intensity 02 (strong) does not exist for neutral (01)' };
  }
  if (ss !== '01' && ss !== '02') return { ok: false, reason: `statement ${ss} is not a RAVDESS code (01–02)` };
  if (rr !== '01' && rr !== '02') return { ok: false, reason: `repetition ${rr} is not a RAVDESS code (01–02)` };
  const actor = Number(aa);
  if (actor < 1 || actor > ACTOR_COUNT) {
    return { ok: false, reason: `actor ${aa} is not a RAVDESS actor (01–${ACTOR_COUNT})` };
  }
  return {
    ok: true,
    value: {
      modality: 'audio-only',
      vocalChannel: 'speech',
      emotion,
      intensity: ii === '01' ? 'normal' : 'strong',
      statement: ss === '01' ? 1 : 2,
      repetition: rr === '01' ? 1 : 2,
      actor,
      gender: genderOfActor(actor),
    },
  };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** The canonical file name of an audio-only speech clip. */
export function formatRavdessName(
  n: Pick<RavdessName, 'emotion' | 'intensity' | 'statement' | 'repetition' | 'actor'>,
): string {
  return `03-01-${emotionCode(n.emotion)}-${n.intensity === 'normal' ? '01' : '02'}-${two(n.statement)}-${two(n.repetition)}-${two(n.actor)}.wav`;
}

/** `Actor_07` for actor 7. */
export function actorFolderName(actor: number): string {
  return `Actor_${two(actor)}`;
}

/**
 * Every (emotion, intensity, statement, repetition) an actor records in RAVDESS speech: 60 clips —
 * neutral has only normal intensity (4 clips), every other emotion 8.
 */
export function speechTakesPerActor(): Array<Pick<RavdessName, 'emotion' | 'intensity' | 'statement' | 'repetition'>> {
  const takes: Array<Pick<RavdessName, 'emotion' | 'intensity' | 'statement' | 'repetition'>> = [];
  for (const emotion of EMOTIONS) {
    for (const intensity of INTENSITIES) {
      if (emotion === 'neutral' && intensity === 'strong') continue;
      for (const statement of [1, 2] as const) {
        for (const repetition of [1, 2] as const) takes.push({ emotion, intensity, statement, repetition });
      }
    }
  }
  return takes;
}
