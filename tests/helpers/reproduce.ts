/**
 * Reload an experiment's saved model and preprocessor from its artifact folder alone and predict its
 * test clips again from the cached features — the labels must equal those it recorded. A per_actor
 * model's inputs are first standardised by their actor's statistics, computed here independently of
 * training/speakerNorm.ts: mean and population std over every clip of that actor with features.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../electron/core/db/database';
import { readFeatures } from '../../electron/core/extraction/cache';
import { argmaxRows, predictProbabilities } from '../../electron/core/training/fit';
import { loadModelFiles } from '../../electron/core/training/modelIo';
import { StandardScaler } from '../../electron/core/training/scaler';

export async function repredictTestClips(db: Db, artifactsDir: string): Promise<{ saved: string[]; again: string[] }> {
  const read = <T>(f: string) => JSON.parse(fs.readFileSync(path.join(artifactsDir, f), 'utf8')) as T;
  const pre = read<{ scaler: unknown; labels: string[]; input: string; sampleShape: number[]; featureConfig: { hash: string }; speakerNormalization?: { mode: string } }>('preprocessor.json');
  if (pre.input !== 'stats') throw new Error('repredictTestClips handles stats models');
  const saved = read<Array<{ clipId: number; predicted: string }>>('test_predictions.json');
  const size = pre.sampleShape[0] as number;
  const x = new Float32Array(saved.length * size);
  saved.forEach((p, i) => {
    const f = readFeatures(db, p.clipId, pre.featureConfig.hash);
    if (!f) throw new Error(`no cached features for clip ${p.clipId}`);
    x.set(pre.speakerNormalization?.mode === 'per_actor' ? byActor(db, p.clipId, pre.featureConfig.hash, f.stats) : f.stats, i * size);
  });
  const model = await loadModelFiles(artifactsDir);
  try {
    const scaled = StandardScaler.fromJSON(pre.scaler).transform(x, size);
    const again = argmaxRows(predictProbabilities(model, scaled, [size]), pre.labels.length).map((i) => pre.labels[i] as string);
    return { saved: saved.map((p) => p.predicted), again };
  } finally {
    model.dispose();
  }
}

/**
 * The per-feature mean and population std of the stats vectors of every clip (with features) of
 * `clipId`'s actor in its dataset, computed here in float64 independently of training/speakerNorm.ts.
 */
export function actorStatsByHand(db: Db, clipId: number, hash: string): { mean: number[]; scale: number[] } {
  const ids = db
    .prepare(`SELECT id FROM clips WHERE (dataset_id, actor) = (SELECT dataset_id, actor FROM clips WHERE id = ?) AND status = 'ok'`)
    .all(clipId) as Array<{ id: number }>;
  const rows = ids.map(({ id }) => readFeatures(db, id, hash)?.stats).filter((r): r is Float32Array => r !== undefined);
  const dims = rows[0]?.length ?? 0;
  const mean = Array.from({ length: dims }, (_, d) => rows.reduce((s, r) => s + (r[d] as number), 0) / rows.length);
  const scale = mean.map((m, d) => {
    const sd = Math.sqrt(rows.reduce((s, r) => s + ((r[d] as number) - m) ** 2, 0) / rows.length);
    return sd > 0 ? sd : 1;
  });
  return { mean, scale };
}

/** `stats` standardised by its clip's actor's statistics (`actorStatsByHand`). */
function byActor(db: Db, clipId: number, hash: string, stats: Float32Array): Float32Array {
  const { mean, scale } = actorStatsByHand(db, clipId, hash);
  return stats.map((v, d) => (v - (mean[d] as number)) / (scale[d] as number));
}
