/**
 * Training inputs from the features cache: the dataset's usable clips of the configured emotions, their
 * labels (config order) and either the per-clip statistics (DNN, logreg, svm) or the frame sequence of
 * the `features.sequence` groups (CNN, LSTM). Clips not yet extracted for this feature config are extracted first.
 */
import { configEmotions, type Config, type SequenceGroupName } from '../../../shared/config';
import { EngineError } from '../../../shared/errors';
import type { Emotion, Gender } from '../../../shared/ravdess';
import type { Db } from '../db/database';
import { readFeatures } from '../extraction/cache';
import { extractDataset, type ExtractOptions } from '../extraction/extractDataset';
import { featureSpec, type DspOptions } from '../extraction/featureConfig';
import { featureLayout } from '../features';

export type ModelInput = 'stats' | 'sequence';

/** The feature-layout groups behind each `features.sequence` name. */
const SEQUENCE_GROUP_PARTS: Record<SequenceGroupName, readonly string[]> = {
  mfcc: ['mfcc'],
  deltas: ['mfcc_delta', 'mfcc_delta2'],
  logmel: ['logmel'],
  spectral: ['spectral_centroid', 'spectral_rolloff', 'spectral_bandwidth'],
  temporal: ['zcr', 'rms'],
  chroma: ['chroma'],
};

/** How one clip's features become one model sample: the single definition training and prediction share. */
export interface ModelSampleLayout {
  input: ModelInput;
  /** Names along the sample's last axis. */
  featureNames: string[];
  /** Sequence only: the feature dimensions kept, in the sequence's order. */
  channelIndex: number[];
}

/**
 * The sample layout for `input`: every stat for 'stats'; for 'sequence' the channels of `sequence`'s
 * groups, in the order they lie in the feature sequence.
 */
export function modelSampleLayout(input: ModelInput, dsp: DspOptions, sequence: readonly SequenceGroupName[]): ModelSampleLayout {
  const layout = featureLayout(dsp);
  if (input === 'stats') return { input, featureNames: layout.statNames, channelIndex: [] };
  const wanted = new Set(sequence.flatMap((g) => SEQUENCE_GROUP_PARTS[g]));
  const missing = [...wanted].filter((name) => !layout.groups.some((g) => g.name === name));
  if (missing.length > 0) throw new EngineError('INVALID_PAYLOAD', `features.sequence: ${missing.join(', ')} not extracted with these features (include_delta: ${String(dsp.includeDelta)})`);
  const channelIndex = layout.groups.filter((g) => wanted.has(g.name)).flatMap((g) => Array.from({ length: g.size }, (_, i) => g.offset + i));
  return { input, featureNames: channelIndex.map((i) => layout.names[i] as string), channelIndex };
}

/**
 * The layout a saved model was trained with, from its `featureNames`: the stats names must be the
 * layout's own; sequence channels are looked up by name (so a folder from before `features.sequence`,
 * or with any selection of groups, reads the same way). Throws naming the first unknown channel.
 */
export function sampleLayoutFromNames(input: ModelInput, dsp: DspOptions, featureNames: readonly string[]): ModelSampleLayout {
  const layout = featureLayout(dsp);
  if (input === 'stats') {
    const same = featureNames.length === layout.statNames.length && featureNames.every((n, i) => n === layout.statNames[i]);
    if (!same) throw new Error(`featureNames do not match the stats layout of featureConfig.dsp (${layout.statNames.length} features)`);
    return { input, featureNames: layout.statNames, channelIndex: [] };
  }
  const position = new Map(layout.names.map((n, i) => [n, i]));
  const channelIndex = featureNames.map((n) => {
    const i = position.get(n);
    if (i === undefined) throw new Error(`featureNames: ${JSON.stringify(n)} is not a channel of the sequence layout of featureConfig.dsp`);
    return i;
  });
  if (new Set(channelIndex).size !== channelIndex.length) throw new Error('featureNames: a channel appears twice');
  return { input, featureNames: [...featureNames], channelIndex };
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
  const sampleLayout = modelSampleLayout(input, spec.dsp, config.features.sequence);
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
