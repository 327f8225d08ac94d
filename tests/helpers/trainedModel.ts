/**
 * A quick experiment trained on a demo corpus (held-out actors 7 and 8, a few epochs) in a fresh
 * database: what the prediction tests ask their questions of.
 */
import path from 'node:path';
import { openDatabase, type Db } from '../../electron/core/db/database';
import { indexDataset } from '../../electron/core/dataset/indexer';
import { createExtractPool } from '../../electron/core/extraction/extractDataset';
import { runExperiment } from '../../electron/core/training/runExperiment';
import { parseConfig, type Config, type ConfigInput } from '../../shared/config';
import type { TrainResult } from '../../shared/experiments';
import { tempDir } from './fixtureCorpus';

export interface TrainedExperiment {
  dir: string;
  dbPath: string;
  db: Db;
  datasetId: number;
  result: TrainResult;
  /** The artifact folder. */
  artifactsDir: string;
  config: Config;
}

export function quickConfig(input: ConfigInput = {}): Config {
  const training = (input.training ?? {}) as Record<string, unknown>;
  const r = parseConfig({ ...input, training: { epochs: 4, test_actors: [7, 8], validation_actors: [5, 6], ...training } });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.config;
}

/** Index `corpus`, extract and train one experiment; the database stays open (close `db` when done). */
export async function trainQuickExperiment(corpus: string, input: ConfigInput = {}, name = 'quick'): Promise<TrainedExperiment> {
  const dir = tempDir('predict');
  const dbPath = path.join(dir, 'db.sqlite');
  const db = openDatabase(dbPath);
  const { datasetId } = await indexDataset(db, corpus);
  const pool = createExtractPool(2);
  const config = quickConfig(input);
  try {
    const result = await runExperiment({ db, datasetId, config, name, artifactsRoot: path.join(dir, 'experiments'), extract: { pool } });
    return { dir, dbPath, db, datasetId, result, artifactsDir: result.artifacts.dir, config };
  } finally {
    await pool.close();
  }
}
