/** Prediction domain types: what a trained model says about one audio file. */
import type { ModelName } from './config';
import type { Emotion } from './ravdess';

/** Default hop between sliding windows on long clips, in seconds. */
export const DEFAULT_HOP_SEC = 1;
/** Clips shorter than this are refused: too little audio to judge. */
export const MIN_CLIP_SEC = 0.5;

/** One analysed window of the clip (seconds from the start of the file). */
export interface PredictionWindow {
  start: number;
  end: number;
  emotion: Emotion;
  confidence: number;
  /** Every label of the model → probability (sums to 1). */
  probabilities: Record<string, number>;
}

export interface Prediction {
  /** The experiment whose model answered; null for a model folder given directly (`--model DIR`). */
  experimentId: number | null;
  modelName: ModelName;
  /** The file as named by the caller (a path, or an uploaded file's name). */
  file: string;
  /** The overall verdict. */
  emotion: Emotion;
  confidence: number;
  /** Every label of the model → probability (sums to 1), overall. */
  probabilities: Record<string, number>;
  /** The model's labels in its output order. */
  labels: Emotion[];
  /** From a RAVDESS file name, when the file has one. */
  groundTruth?: Emotion;
  /** Present when `groundTruth` is one of the model's labels. */
  correct?: boolean;
  /**
   * The windows the overall verdict was made from. A clip that fits the model's window is judged on
   * exactly the window training used (offset + duration): one entry. A long clip (at least
   * offset + 2 × duration seconds) is scored in sliding windows of `duration` every `hopSec`, and the
   * overall verdict is their mean probability.
   */
  windows: PredictionWindow[];
  hopSec: number;
  durationSec: number;
  sampleRate: number;
  channels: number;
  /** True when the analysed audio is silent: the probabilities are then uniform and say nothing. */
  silent: boolean;
  /**
   * True when the file is outside what the model was trained on (a lower sample rate than it analyses,
   * mostly padding, very quiet); `warnings` says how. The verdict is then no evidence, however confident.
   */
  outOfDomain: boolean;
  /**
   * For an indexed clip: whether the answering model saw it (its actor, or itself) in training. Only a
   * held-out clip's prediction is evidence; a training clip's is optimistic.
   */
  standing?: ClipStanding;
  /**
   * k-fold runs: the fold whose model answered, when an indexed clip was routed to the fold that held
   * its actor out (so the verdict is the evaluation's own). Absent: the experiment's deployed model.
   */
  fold?: number;
  /**
   * Models trained with `features.speaker_normalization: per_actor`: whose statistics standardised the
   * input — the clip's own actor's (as in the evaluation), or the training set's global ones for a file
   * of no known actor (less accurate than the evaluation; `warnings` says so too).
   */
  speakerNormalization?: SpeakerNormalizationUsed;
  /** Human-readable cautions (silence, a ground truth the model was not trained on, …). */
  warnings: string[];
  timings: { decodeMs: number; featuresMs: number; modelMs: number; totalMs: number };
}

/** How a `per_actor` model's input was standardised for one prediction. */
export type SpeakerNormalizationUsed =
  | { mode: 'per_actor'; actor: number; clips: number; text: string }
  | { mode: 'fallback'; reason: string; text: string };

/** Where an indexed clip stood for the model that judged it. */
export interface ClipStanding {
  /**
   * `test`: held out (its actor, for speaker-independent splits); `validation`: its actor chose when
   * training stopped; `train`: its actor (or, speaker-dependent, the clip) was trained on; `other`: the
   * clip is from another dataset than the model's.
   */
  role: 'test' | 'validation' | 'train' | 'other';
  /** True only when the model never saw this clip's speaker (or the clip, on another dataset). */
  heldOut: boolean;
  /** One sentence for the user, e.g. "held out: actor 07 was one of this model's test actors". */
  text: string;
}

/** Largest audio file the renderer may upload (browser mode's "open a WAV"; drag-and-drop). */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
/** Bytes per `files.uploadChunk` (512 KiB: its base64 frame stays well under the 1 MiB frame limit). */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;

/** An audio file opened from disk or uploaded (not an indexed clip); addressed by `fileId` only. */
export interface OpenedFile {
  fileId: string;
  name: string;
  sizeBytes: number;
  durationSec: number;
  sampleRate: number;
  channels: number;
  bitDepth: number;
  /** From a RAVDESS file name, when the name is one. */
  groundTruth?: Emotion;
}

/** What `predict.clip` judges: an indexed clip or an opened file. */
export type PredictSource = { kind: 'clip'; datasetId: number; clipId: number } | { kind: 'file'; fileId: string };

/** One clip of an experiment's test set, with the label the experiment's evaluation gave it. */
export interface TestClip {
  clipId: number;
  datasetId: number;
  path: string;
  groundTruth: Emotion;
  predicted: Emotion;
  correct: boolean;
}
