/** Feature-extraction domain types shared by engine, CLI and renderer. */

/** A row-major matrix sent over the wire: `data[r * cols + c]`. */
export interface Matrix {
  rows: number;
  cols: number;
  data: number[];
}

/** One clip's features as the Clip view plots them (computed by the engine, same code as training). */
export interface ClipFeatures {
  /** The indexed clip, or null for an opened file. */
  clipId: number | null;
  /** Analysis sample rate (config `data.sampling_rate`). */
  sampleRate: number;
  hopLength: number;
  /** Seconds of the original file that were analysed (config offset/duration). */
  offsetSec: number;
  durationSec: number;
  frames: number;
  /** Log-mel power in dB, n_mels × frames (row 0 = lowest band). */
  logMel: Matrix;
  /** MFCC, n_mfcc × frames. */
  mfcc: Matrix;
  /** Per-frame RMS (linear) and spectral centroid (Hz). */
  rms: number[];
  centroidHz: number[];
}

export interface ClipAudio {
  mimeType: 'audio/wav';
  /** The clip's file bytes, base64 — the same bytes on disk, so the player shows the real recording. */
  base64: string;
  sizeBytes: number;
}

export interface FailedClip {
  path: string;
  reason: string;
}

/** The result of a batch extraction — also exactly what `emotion-studio features DIR --json` prints. */
export interface ExtractResult {
  status: 'finished' | 'cancelled';
  datasetId: number;
  /** Usable clips in the dataset. */
  clips: number;
  extracted: number;
  cached: number;
  failed: FailedClip[];
  seconds: number;
  clipsPerSecond: number;
  /** Hash of the feature configuration the cache is keyed by. */
  configHash: string;
  workers: number;
  /** Mean per-clip work inside the workers, over the clips extracted in this run (null when none were). */
  meanClipMs: { decode: number; resample: number; preprocess: number; features: number } | null;
}
