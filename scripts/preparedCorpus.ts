/**
 * The 1440-clip demo corpus indexed and extracted into a fresh database in the temp folder: what the
 * training benchmarks and the research scripts train on (features extracted once, cached for every run).
 * `seed` picks the corpus: 1 is the demo corpus; another seed is another 24 voices with other acting
 * styles, for checking that a choice made on seed 1 carries over to speakers it was not made on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../electron/core/db/database';
import { indexDataset } from '../electron/core/dataset/indexer';
import { createExtractPool, extractDataset, type ExtractPool } from '../electron/core/extraction/extractDataset';
import { DEFAULT_CONFIG } from '../shared/config';
import { ensureDemoCorpus } from './corpusCache';

export interface PreparedCorpus {
  db: Db;
  datasetId: number;
  pool: ExtractPool;
  /** Where experiment folders go (inside the temporary folder). */
  artifactsRoot: string;
  /** Stops the extraction pool, closes the database and removes the temporary folder. */
  close(): Promise<void>;
}

export async function preparedCorpus(prefix = 'es-bench-', seed = 1): Promise<PreparedCorpus> {
  const corpus = ensureDemoCorpus(24, seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const db = openDatabase(path.join(dir, 'bench.sqlite'));
  const { datasetId } = await indexDataset(db, corpus);
  const pool = createExtractPool();
  await extractDataset(db, datasetId, DEFAULT_CONFIG, { pool });
  return {
    db,
    datasetId,
    pool,
    artifactsRoot: path.join(dir, 'experiments'),
    async close() {
      await pool.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
