import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Db } from '../../../electron/core/db/database';
import { indexDataset } from '../../../electron/core/dataset/indexer';
import { createExtractPool, type ExtractPool } from '../../../electron/core/extraction/extractDataset';
import { runExperiment } from '../../../electron/core/training/runExperiment';
import { parseConfig, type ConfigInput } from '../../../shared/config';
import type { Experiment, ExperimentComparison, TrainResult } from '../../../shared/experiments';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/fixtureCorpus';

let dbPath: string;
let db: Db;
let pool: ExtractPool;
let runs: TrainResult[];

beforeAll(async () => {
  const dir = tempDir('cli-exps');
  dbPath = path.join(dir, 'db.sqlite');
  db = openDatabase(dbPath);
  const { datasetId } = await indexDataset(db, inject('corpus8'));
  pool = createExtractPool(2);
  const train = (name: string, input: ConfigInput) => {
    const r = parseConfig(input);
    if (!r.ok) throw new Error(r.errors.join('; '));
    return runExperiment({ db, datasetId, config: r.config, name, artifactsRoot: path.join(dir, 'experiments'), extract: { pool } });
  };
  const base = { test_actors: [7, 8], validation_actors: [5, 6], epochs: 2 };
  runs = [await train('small l2', { training: { ...base, l2: 0.0001 } }), await train('big l2', { training: { ...base, l2: 0.01 } })];
}, 180_000);
afterAll(async () => {
  await pool.close();
  db.close();
});

describe('emotion-studio experiments', () => {
  it('compare A B --json returns both runs, their metrics and the config diff', async () => {
    const [a, b] = runs as [TrainResult, TrainResult];
    const r = await runCli(['experiments', 'compare', String(a.experimentId), 'big l2', '--db', dbPath, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as ExperimentComparison;
    expect(c.experiments.map((e) => e.id)).toEqual([a.experimentId, b.experimentId]);
    expect(c.configDiff).toEqual([{ key: 'training.l2', values: [0.0001, 0.01] }]);
    expect(c.summary.find((s) => s.label === 'accuracy')?.values).toEqual([a.accuracy, b.accuracy]);
    expect(c.perClass.find((s) => s.label === 'happy f1')?.values).toEqual([a.perClass.happy?.f1, b.perClass.happy?.f1]);
    expect(c.warnings).toEqual([]);
    // Same split, same clips: McNemar's test and the bootstrap interval of the accuracy difference.
    expect(c.significance).toMatchObject({ paired: true, clips: a.split.counts.test });
    if (c.significance?.paired) {
      expect(c.significance.accuracyDifference.difference).toBeCloseTo(b.accuracy - a.accuracy, 10);
      expect(c.significance.mcnemarP).toBeGreaterThan(0);
      expect(c.significance.mcnemarP).toBeLessThanOrEqual(1);
    }
  });

  it('compare prints a readable table with best values marked', async () => {
    const r = await runCli(['experiments', 'compare', String(runs[0]?.experimentId), String(runs[1]?.experimentId), '--db', dbPath]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^training\.l2\s+0\.0001\s+0\.01\s*$/m);
    // The best accuracy carries the mark: the starred column is the higher one (both on a tie).
    const [a, b] = runs.map((x) => x.accuracy) as [number, number];
    const row = /^accuracy\s+(\d\.\d{3})( \*)?\s+(\d\.\d{3})( \*)?\s*$/m.exec(r.stdout);
    expect(row).not.toBeNull();
    expect([Boolean(row?.[2]), Boolean(row?.[4])]).toEqual([a >= b, b >= a]);
    expect(r.stdout).toMatch(/^Paired test on the same \d+ test clips/m);
    expect(r.stdout).toMatch(/^ {2}McNemar exact p = /m);
  });

  it('list and show', async () => {
    const list = await runCli(['experiments', 'list', '--db', dbPath, '--json']);
    expect((JSON.parse(list.stdout) as Experiment[]).map((e) => e.name)).toEqual(['big l2', 'small l2']);
    const show = await runCli(['experiments', 'show', 'small l2', '--db', dbPath]);
    expect(show.stdout).toContain('experiment 1 "small l2" (finished)');
    expect(show.stdout).toContain('precision    recall  f1-score   support');
  });

  it('names what is wrong: an unknown experiment, or too few to compare', async () => {
    const missing = await runCli(['experiments', 'show', '99', '--db', dbPath]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('emotion-studio experiments: No experiment with id 99\n');
    const one = await runCli(['experiments', 'compare', '1', '--db', dbPath]);
    expect(one.status).toBe(2);
    expect(one.stderr).toContain('expected 2 to 4 argument(s), got 1');
  });
});
