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
import { featureSpec, type DspOptions } from '../extraction/featureConfig';
import { featureLayout } from '../features';

export type ModelInput = 'stats' | 'sequence';

/** The frame-sequence channels the sequence models see. */
export const SEQUENCE_GROUPS = ['mfcc', 'logmel'] as const;

/** How one clip's features become one model sample: the single definition training and prediction share. */
export interface ModelSampleLayout {
  input: ModelInput;
  /** Names along the sample's last axis. */
  featureNames: string[];
  /** Sequence only: the feature dimensions kept, in order (the `SEQUENCE_GROUPS` channels). */
  channelIndex: number[];
}

export function modelSampleLayout(input: ModelInput, dsp: DspOptions): ModelSampleLayout {
  const layout = featureLayout(dsp);
  if (input === 'stats') return { input, featureNames: layout.statNames, channelIndex: [] };
  const groups = SEQUENCE_GROUPS.map((name) => layout.groups.find((g) => g.name === name));
  const channelIndex = groups.flatMap((g) => (g ? Array.from({ length: g.size }, (_, i) => g.offset + i) : []));
  return { input, featureNames: channelIndex.map((i) => layout.names[i] as string), channelIndex };
}

/** One clip's features as extracted (or cached): frames × dims sequence and the 2 × dims stats. */
export interface ClipFeatureArrays {
  frames: number;
  dims: number;
  sequence: Float32Array;
  stats: Float32Array;
}

/**
 * One clip's model sample, before scaling: the stats vector itself (not a copy) for 'stats', or the
 * frames × selected-channels sequence, frame-major, for 'sequence'.
 */
export function modelSample(layout: ModelSampleLayout, f: ClipFeatureArrays): Float32Array {
  if (layout.input === 'stats') return f.stats;
  const { channelIndex } = layout;
  const channels = channelIndex.length;
  const seq = new Float32Array(f.frames * channels);
  for (let t = 0; t < f.frames; t++) {
    for (let c = 0; c < channels; c++) seq[t * channels + c] = f.sequence[t * f.dims + (channelIndex[c] as number)] as number;
  }
  return seq;
}

/** The sample shape of a clip with `frames` frames: [features] for stats, [frames, channels] for sequences. */
export function modelSampleShape(layout: ModelSampleLayout, frames: number): number[] {
  return layout.input === 'stats' ? [layout.featureNames.length] : [frames, layout.featureNames.length];
}

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
  /** How a clip's cached features became its sample (the same for any other clip of this feature config). */
  sampleLayout: ModelSampleLayout;
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
  const sampleLayout = modelSampleLayout(input, spec.dsp);
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

  const clips: TrainingClip[] = [];
  const samples: Float32Array[] = [];
  let frames = 0;
  for (const r of wanted) {
    if (failed.has(r.path)) continue;
    const f = readFeatures(db, r.id, spec.hash);
    if (!f) continue;
    if (input === 'sequence') {
      if (frames === 0) frames = f.frames;
      if (f.frames !== frames) throw new EngineError('INTERNAL', `${r.path}: ${f.frames} frames, expected ${frames} (fixed duration)`);
    }
    samples.push(modelSample(sampleLayout, f));
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
    sampleShape: modelSampleShape(sampleLayout, frames),
    featureNames: sampleLayout.featureNames,
    featureHash: spec.hash,
    sampleLayout,
    skipped: extraction.failed.filter((f) => wanted.some((w) => w.path === f.path)),
    featuresSec: (performance.now() - started) / 1000,
  };
}
