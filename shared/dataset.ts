/** Dataset domain types shared by engine, CLI and renderer. */
import type { Emotion, Gender, Intensity, RavdessName } from './ravdess';

export type ClipStatus = 'ok' | 'rejected' | 'missing';

/** One indexed RAVDESS clip: its name's fields plus file facts, as the clip table shows it. */
export interface Clip extends RavdessName {
  id: number;
  /** Path relative to the dataset root, with forward slashes. */
  path: string;
  durationSec: number;
  sampleRate: number;
  channels: number;
  bitDepth: number;
  sizeBytes: number;
}

export interface RejectedFile {
  /** Path relative to the dataset root. */
  path: string;
  reason: string;
}

export interface DatasetInfo {
  id: number;
  root: string;
  name: string;
  createdAt: string;
  lastIndexedAt: string | null;
  clips: number;
  rejected: number;
  missing: number;
}

/** Counts over the dataset's usable (`ok`) clips. */
export interface DatasetSummary {
  datasetId: number;
  root: string;
  clips: number;
  byEmotion: Record<Emotion, number>;
  /** Keyed by two-digit actor number, "01".."24". */
  byActor: Record<string, number>;
  byGender: Record<Gender, number>;
  byIntensity: Record<Intensity, number>;
  byStatement: Record<string, number>;
  totalDurationSec: number;
  rejected: RejectedFile[];
  missing: string[];
}

/**
 * The result of indexing a folder — also exactly what `emotion-studio index DIR --json` prints.
 * `added`/`updated`/`unchanged` count this run's work; the rest describes the dataset afterwards.
 */
export interface IndexResult extends DatasetSummary {
  status: 'finished' | 'cancelled';
  /** Files seen on disk with a `.wav` extension. */
  scanned: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Rows newly marked missing in this run. */
  newlyMissing: number;
  seconds: number;
}
