/**
 * Speaker normalisation (`features.speaker_normalization: per_actor`): every clip's model input is
 * standardised by its own actor's statistics — the per-channel mean and population std over all of that
 * actor's extracted clips in the dataset, whatever their emotion (no label is read) — before the model's
 * own scaler. What is left is how a take departs from that speaker's habitual voice, which is what
 * emotion changes; who is speaking (pitch register, vocal tract, loudness habits) is largely removed.
 * Per-speaker z-normalisation is a standard speech-emotion technique for speaker-independent
 * recognition (see e.g. Busso, Mariooryad, Metallinou & Narayanan 2013, "Iterative feature normalization
 * scheme for automatic emotion detection from speech", IEEE Trans. Affective Computing, which also
 * studies a variant normalised by each speaker's neutral speech only).
 *
 * For sequences the statistics are per channel over every frame of the actor's clips, as the model's
 * scaler does for its training rows. A speaker with fewer than MIN_SPEAKER_CLIPS extracted clips has no
 * trustworthy statistics: such a clip — like any file of no known actor — falls back to the training
 * set's global statistics (`fallback` in preprocessor.json), and the prediction says so.
 */
import { EngineError } from '../../../shared/errors';
import type { Db } from '../db/database';
import { readFeatures } from '../extraction/cache';
import { modelSample, type ModelSampleLayout } from './data';
import { StandardScaler } from './scaler';

/** Fewest extracted clips of a speaker whose statistics are used (RAVDESS has 60 per actor). */
export const MIN_SPEAKER_CLIPS = 10;

/** One speaker's standardisation and how many clips it was computed from. */
export interface SpeakerScaler {
  actor: number;
  clips: number;
  scaler: StandardScaler;
}

/** Why a speaker has no statistics of their own. */
export interface NoSpeakerScaler {
  actor: number;
  clips: number;
  reason: string;
}

/**
 * Per channel statistics of one speaker's samples (each `frames × channels`, frame-major, or a stats
 * vector): every frame of every sample counts once.
 */
export function fitSpeakerScaler(samples: readonly Float32Array[], channels: number): StandardScaler {
  if (samples.length === 0) throw new EngineError('INTERNAL', 'fitSpeakerScaler: no samples');
  const size = samples[0]?.length ?? 0;
  const matrix = new Float32Array(samples.length * size);
  samples.forEach((s, i) => {
    if (s.length !== size) throw new EngineError('INTERNAL', `fitSpeakerScaler: sample ${i} has ${s.length} values, expected ${size}`);
    matrix.set(s, i * size);
  });
  return new StandardScaler().fit(matrix, channels);
}

/**
 * The statistics of `actor` in `datasetId` for a model input (`layout`) over features cached under
 * `featureHash`: every clip of that actor whose features are extracted, any emotion.
 */
export function speakerScalerFromDb(db: Db, datasetId: number, actor: number, featureHash: string, layout: ModelSampleLayout): SpeakerScaler | NoSpeakerScaler {
  const ids = db
    .prepare(`SELECT id FROM clips WHERE dataset_id = ? AND actor = ? AND status = 'ok' ORDER BY rel_path`)
    .all(datasetId, actor) as Array<{ id: number }>;
  const samples: Float32Array[] = [];
  for (const { id } of ids) {
    const f = readFeatures(db, id, featureHash);
    if (f) samples.push(modelSample(layout, f));
  }
  // Sequences of differing lengths cannot share one statistic's frame count; they never arise for a
  // fixed analysis window, but a mismatch must not be averaged silently.
  const size = samples[0]?.length ?? 0;
  const usable = samples.filter((s) => s.length === size);
  if (usable.length < MIN_SPEAKER_CLIPS) {
    return {
      actor,
      clips: usable.length,
      reason: `actor ${actor} has ${usable.length} clip${usable.length === 1 ? '' : 's'} with features for this model (at least ${MIN_SPEAKER_CLIPS} are needed for their own statistics)`,
    };
  }
  return { actor, clips: usable.length, scaler: fitSpeakerScaler(usable, layout.input === 'stats' ? size : layout.featureNames.length) };
}

/**
 * `x` (n samples of `sampleSize` values, row-major) with each row standardised by its actor's scaler;
 * `actors[i]` is row i's actor. Every actor must have a scaler.
 */
export function normalizeBySpeaker(x: Float32Array, sampleSize: number, channels: number, actors: readonly number[], scalers: ReadonlyMap<number, StandardScaler>): Float32Array {
  const out = new Float32Array(x.length);
  actors.forEach((actor, i) => {
    const scaler = scalers.get(actor);
    if (!scaler) throw new EngineError('INTERNAL', `normalizeBySpeaker: no statistics for actor ${actor}`);
    out.set(scaler.transform(x.subarray(i * sampleSize, (i + 1) * sampleSize), channels), i * sampleSize);
  });
  return out;
}
