/**
 * Training inputs from the features cache: the dataset's usable clips of the configured emotions, their
 * labels (config order) and either the per-clip statistics (DNN) or the MFCC + log-mel frame sequence
 * (CNN, LSTM). Clips not yet extracted for this feature config are extracted first.
 */
import { configEmotions, type Config } from '../../../shared/config';
import { EngineError } from '../../../shared/errors';
import type { Emotion, Gender } from '../../../shared/ravdess';
import type { Db } from '../db/database';
import { readFeatures } from '../extraction/cache';
import { extractDataset, type ExtractOptions } from '../extraction/extractDataset';
import { featureSpec } from '../extraction/featureConfig';
import { featureLayout } from '../features';

export type ModelInput = 'stats' | 'sequence';

/** The frame-sequence channels the sequence models see. */
export const SEQUENCE_GROUPS = ['mfcc', 'logmel'] as const;

export interface TrainingClip {
  id: number;
  path: string;
  actor: number;
  gender: Gender;
  label: number;
}

export interface TrainingData {
  labels: Emotion[];
  clips: TrainingClip[];
  input: ModelInput;
  /** One sample per clip, row-major: n × sampleShape. */
  x: Float32Array;
  /** [features] for stats, [frames, channels] for sequences. */
  sampleShape: number[];
  /** Names along the last axis. */
  featureNames: string[];
  featureHash: string;
  /** Clips whose features could not be extracted (left out, with reasons). */
  skipped: Array<{ path: string; reason: string }>;
  featuresSec: number;
}

export async function loadTrainingData(
  db: Db,
  datasetId: number,
  config: Config,
  input: ModelInput,
  extract: Pick<ExtractOptions, 'pool' | 'workers' | 'workerEntry' | 'onProgress' | 'signal'> = {},
): Promise<TrainingData> {
  const started = performance.now();
  const labels = configEmotions(config);
  const spec = featureSpec(config);
  const layout = featureLayout(spec.dsp);
  const extraction = await extractDataset(db, datasetId, config, extract);
  if (extraction.status === 'cancelled') throw new EngineError('CANCELLED', 'cancelled during feature extraction');

  const rows = db
    .prepare(
      `SELECT id, rel_path AS path, actor, gender, emotion FROM clips
       WHERE dataset_id = ? AND status = 'ok' ORDER BY actor, rel_path`,
    )
    .all(datasetId) as Array<{ id: number; path: string; actor: number; gender: Gender; emotion: Emotion }>;
  const wanted = rows.filter((r) => labels.includes(r.emotion));
  const failed = new Set(extraction.failed.map((f) => f.path));

  let channelIndex: number[] = [];
  let featureNames: string[];
  if (input === 'stats') {
    featureNames = layout.statNames;
  } else {
    const groups = SEQUENCE_GROUPS.map((name) => layout.groups.find((g) => g.name === name));
    channelIndex = groups.flatMap((g) => (g ? Array.from({ length: g.size }, (_, i) => g.offset + i) : []));
    featureNames = channelIndex.map((i) => layout.names[i] as string);
  }

  const clips: TrainingClip[] = [];
  const samples: Float32Array[] = [];
  let frames = 0;
  for (const r of wanted) {
    if (failed.has(r.path)) continue;
    const f = readFeatures(db, r.id, spec.hash);
    if (!f) continue;
    if (input === 'stats') {
      samples.push(f.stats);
    } else {
      if (frames === 0) frames = f.frames;
      if (f.frames !== frames) throw new EngineError('INTERNAL', `${r.path}: ${f.frames} frames, expected ${frames} (fixed duration)`);
      const seq = new Float32Array(frames * channelIndex.length);
      for (let t = 0; t < frames; t++) {
        for (let c = 0; c < channelIndex.length; c++) seq[t * channelIndex.length + c] = f.sequence[t * f.dims + (channelIndex[c] as number)] as number;
      }
      samples.push(seq);
    }
    clips.push({ id: r.id, path: r.path, actor: r.actor, gender: r.gender, label: labels.indexOf(r.emotion) });
  }
  if (clips.length === 0) throw new EngineError('NOT_FOUND', `Dataset ${datasetId} has no usable clips of the configured emotions (${labels.join(', ')})`);
  const size = samples[0]?.length ?? 0;
  const x = new Float32Array(clips.length * size);
  samples.forEach((s, i) => x.set(s, i * size));
  return {
    labels,
    clips,
    input,
    x,
    sampleShape: input === 'stats' ? [size] : [frames, channelIndex.length],
    featureNames,
    featureHash: spec.hash,
    skipped: extraction.failed.filter((f) => wanted.some((w) => w.path === f.path)),
    featuresSec: (performance.now() - started) / 1000,
  };
}
