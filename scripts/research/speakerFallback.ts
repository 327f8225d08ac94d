/**
 * `npx tsx scripts/research/speakerFallback.ts [--corpus-seed N]`: what speaker normalisation costs when
 * the speaker is unknown. Trains the default config (per_actor) and the same with `none` on the actor
 * split of the 1440-clip demo corpus, then predicts every test clip three ways — with its actor's own
 * statistics (what the evaluation and the Clip view do), as a file of no known speaker (the global
 * fallback: an opened WAV, `predict --model DIR`), and with the `none` model — and prints each accuracy.
 */
import path from 'node:path';
import { initResampler } from '../../electron/core/audio/resample';
import { predictFile } from '../../electron/core/prediction/predictFile';
import { disposePredictor, loadPredictor } from '../../electron/core/prediction/predictor';
import { speakerInputFor } from '../../electron/core/prediction/service';
import { runExperiment } from '../../electron/core/training/runExperiment';
import { getDataset } from '../../electron/core/dataset/store';
import { DEFAULT_CONFIG, parseConfig } from '../../shared/config';
import { preparedCorpus } from '../preparedCorpus';

const seedArg = process.argv.indexOf('--corpus-seed');
const corpusSeed = seedArg === -1 ? 1 : Number(process.argv[seedArg + 1]);
await initResampler();
const prepared = await preparedCorpus('es-fallback-', corpusSeed);
const { db, datasetId, pool, artifactsRoot } = prepared;
try {
  const root = getDataset(db, datasetId).root;
  const accuracy = (hits: boolean[]) => hits.filter(Boolean).length / hits.length;
  const train = async (norm: 'per_actor' | 'none') => {
    const r = parseConfig({ ...DEFAULT_CONFIG, features: { ...DEFAULT_CONFIG.features, speaker_normalization: norm } });
    if (!r.ok) throw new Error(r.errors.join('; '));
    return runExperiment({ db, datasetId, config: r.config, name: `fallback ${norm}`, artifactsRoot, extract: { pool } });
  };
  const perActor = await train('per_actor');
  const none = await train('none');
  const test = db
    .prepare(`SELECT id, rel_path AS path, actor, emotion FROM clips WHERE dataset_id = ? AND actor IN (${perActor.split.testActors.join(',')}) AND emotion IN (${perActor.labels.map(() => '?').join(',')})`)
    .all(datasetId, ...perActor.labels) as Array<{ id: number; path: string; actor: number; emotion: string }>;
  const pa = await loadPredictor(perActor.artifacts.dir);
  const raw = await loadPredictor(none.artifacts.dir);
  try {
    const own: boolean[] = [];
    const fallback: boolean[] = [];
    const rawHits: boolean[] = [];
    for (const c of test) {
      const file = path.join(root, c.path);
      const speaker = speakerInputFor(db, perActor.artifacts.dir, { id: c.id, actor: c.actor, datasetId });
      own.push(predictFile(pa, file, { speaker }).emotion === c.emotion);
      fallback.push(predictFile(pa, file).emotion === c.emotion);
      rawHits.push(predictFile(raw, file).emotion === c.emotion);
    }
    console.log(`speaker fallback — corpus seed ${corpusSeed}, actor split (test actors ${perActor.split.testActors.join(', ')}), ${test.length} test clips`);
    console.log(`  per_actor model, the actor's own statistics:  ${accuracy(own).toFixed(3)}   (its evaluation: ${perActor.accuracy.toFixed(3)})`);
    console.log(`  per_actor model, global fallback statistics:  ${accuracy(fallback).toFixed(3)}`);
    console.log(`  none model (raw features):                    ${accuracy(rawHits).toFixed(3)}   (its evaluation: ${none.accuracy.toFixed(3)})`);
  } finally {
    disposePredictor(pa);
    disposePredictor(raw);
  }
} finally {
  await prepared.close();
}
