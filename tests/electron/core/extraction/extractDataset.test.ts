import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCorpus } from '../../../../electron/core/corpus';
import { openDatabase, type Db } from '../../../../electron/core/db/database';
import { indexDataset } from '../../../../electron/core/dataset/indexer';
import { readFeatures } from '../../../../electron/core/extraction/cache';
import { computeClipFeatures } from '../../../../electron/core/extraction/clipFeatures';
import { createExtractPool, extractDataset, type ExtractPool } from '../../../../electron/core/extraction/extractDataset';
import { featureSpec } from '../../../../electron/core/extraction/featureConfig';
import { initResampler } from '../../../../electron/core/audio/resample';
import { featureLayout } from '../../../../electron/core/features';
import { DEFAULT_CONFIG, parseConfig, type Config } from '../../../../shared/config';
import { tempDir } from '../../../helpers/fixtureCorpus';

let root: string;
let db: Db;
let datasetId: number;
let pool: ExtractPool;

const withMfcc = (n: number): Config => {
  const r = parseConfig({ features: { n_mfcc: n } });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.config;
};

beforeAll(async () => {
  root = tempDir('extract-corpus');
  await generateDemoCorpus(root, { actors: 2, seed: 7 });
  db = openDatabase(path.join(tempDir('extract-db'), 'db.sqlite'));
  datasetId = (await indexDataset(db, root)).datasetId;
  pool = createExtractPool(2);
});
afterAll(async () => {
  await pool.close();
  db.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('extractDataset', () => {
  it('extracts every clip, then serves them all from the cache', async () => {
    const first = await extractDataset(db, datasetId, DEFAULT_CONFIG, { pool });
    expect(first).toMatchObject({ status: 'finished', clips: 120, extracted: 120, cached: 0, failed: [] });
    expect(first.meanClipMs?.features).toBeGreaterThan(0);
    const again = await extractDataset(db, datasetId, DEFAULT_CONFIG, { pool });
    expect(again).toMatchObject({ clips: 120, extracted: 0, cached: 120, failed: [] });
  });

  it('stores exactly what the shared per-clip path computes, in the named layout', async () => {
    await initResampler();
    const spec = featureSpec(DEFAULT_CONFIG);
    const clip = db.prepare("SELECT id, rel_path FROM clips WHERE rel_path LIKE '%03-01-05-02-01-01-02.wav'").get() as { id: number; rel_path: string };
    const stored = readFeatures(db, clip.id, spec.hash);
    const direct = computeClipFeatures(path.join(root, clip.rel_path), spec.audio, spec.dsp);
    expect(stored).not.toBeNull();
    expect(stored?.dims).toBe(featureLayout(spec.dsp).dims);
    expect(stored?.frames).toBe(direct.frames);
    expect(Array.from(stored?.sequence ?? [])).toEqual(Array.from(direct.sequence));
    expect(Array.from(stored?.stats ?? [])).toEqual(Array.from(direct.stats));
  });

  it('a changed feature config re-extracts every clip; the old config stays cached', async () => {
    const changed = await extractDataset(db, datasetId, withMfcc(20), { pool });
    expect(changed).toMatchObject({ extracted: 120, cached: 0 });
    expect(changed.configHash).not.toBe(featureSpec(DEFAULT_CONFIG).hash);
    expect(await extractDataset(db, datasetId, DEFAULT_CONFIG, { pool })).toMatchObject({ extracted: 0, cached: 120 });
  });

  it('touching one file re-extracts only that file (after the incremental re-index)', async () => {
    const file = path.join(root, 'Actor_01', '03-01-03-01-02-01-01.wav');
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(file, later, later);
    await indexDataset(db, root);
    expect(await extractDataset(db, datasetId, DEFAULT_CONFIG, { pool })).toMatchObject({ extracted: 1, cached: 119, failed: [] });
  });

  it('a clip that fails to decode is recorded with its reason and skipped; the rest extract', async () => {
    const config = withMfcc(13);
    const victim = 'Actor_02/03-01-04-01-01-01-02.wav';
    const bytes = fs.readFileSync(path.join(root, victim));
    fs.writeFileSync(path.join(root, victim), 'this is no longer audio');
    try {
      const r = await extractDataset(db, datasetId, config, { pool });
      expect(r).toMatchObject({ status: 'finished', extracted: 119 });
      expect(r.failed).toEqual([{ path: victim, reason: expect.stringMatching(/not a WAV file/) }]);
      // Recorded: the next run does not retry an unchanged file, and still reports it.
      const again = await extractDataset(db, datasetId, config, { pool });
      expect(again).toMatchObject({ extracted: 0, cached: 120, failed: r.failed });
    } finally {
      fs.writeFileSync(path.join(root, victim), bytes);
    }
  });

  it('cancel stops feeding the workers and keeps what finished; a re-run completes', async () => {
    const config = withMfcc(30);
    const controller = new AbortController();
    const r = await extractDataset(db, datasetId, config, {
      pool,
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= 20) controller.abort();
      },
    });
    expect(r.status).toBe('cancelled');
    expect(r.extracted).toBeGreaterThanOrEqual(20);
    expect(r.extracted).toBeLessThan(120);
    const rest = await extractDataset(db, datasetId, config, { pool });
    expect(rest).toMatchObject({ status: 'finished', cached: r.extracted, extracted: 120 - r.extracted });
  });
});
