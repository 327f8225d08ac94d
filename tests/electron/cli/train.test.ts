import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createEngine } from '../../../electron/core/engine';
import { ARTIFACT_FILES } from '../../../electron/core/experiments/artifacts';
import { listExperiments } from '../../../electron/core/experiments/store';
import { selectBackend } from '../../../electron/core/training/backend';
import type { TrainResult } from '../../../shared/experiments';
import { CLI, runCli } from '../../helpers/cli';
import { openDatabase } from '../../../electron/core/db/database';
import { tempDir } from '../../helpers/fixtureCorpus';
import { repredictTestClips } from '../../helpers/reproduce';

describe('emotion-studio train', () => {
  it('--json with the default config on the 8-actor corpus: finished, every artifact, clearly above chance', async () => {
    const dir = tempDir('cli-train');
    const r = await runCli(['train', '--data', inject('corpus8'), '--db', path.join(dir, 'db.sqlite'), '--experiment', 'default', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as TrainResult;
    // The backend this machine's engine picks (the same packages load here as in the CLI's worker).
    const selection = await selectBackend();
    expect(result).toMatchObject({ name: 'default', status: 'finished', backend: selection.backend, backendReason: selection.reason, split: { kind: 'actor', speakerDependent: false } });
    // Said once, on stderr, with what would bring a faster one.
    expect(r.stderr.split('\n').filter((l) => l.startsWith('Backend: '))).toEqual([`Backend: ${selection.backend} — ${selection.reason}`]);
    if (selection.skipped.some((s) => s.backend === 'tensorflow')) expect(r.stderr).toContain('npm install @tensorflow/tfjs-node');
    expect(result.labels).toEqual(['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful']);
    // Six classes: chance is 1/6. Held-out actors only.
    expect(result.accuracy).toBeGreaterThan(2 / 6);
    expect(result.macroF1).toBeGreaterThan(0.25);
    expect(Object.keys(result.perClass)).toEqual(result.labels);
    expect(result.split.testActors.some((a) => result.split.trainActors.includes(a))).toBe(false);
    for (const f of ARTIFACT_FILES) expect(fs.existsSync(path.join(result.artifacts.dir, f)), f).toBe(true);
    expect(r.stderr).toMatch(/epoch \d+: loss/);
    // The artifacts are loadable: the model reloads and reproduces its own test predictions.
    const db = openDatabase(path.join(dir, 'db.sqlite'));
    try {
      const { saved, again } = await repredictTestClips(db, result.artifacts.dir);
      expect(saved.length).toBe(result.split.counts.test);
      expect(again).toEqual(saved);
    } finally {
      db.close();
    }
  }, 180_000);

  it('kill -9 mid-run: the next start shows the run failed ("interrupted"), and no finished run lacks an artifact', async () => {
    const dir = tempDir('cli-kill');
    const db = path.join(dir, 'db.sqlite');
    const cfg = path.join(dir, 'long.yaml');
    fs.writeFileSync(cfg, 'training:\n  epochs: 500\n  early_stopping:\n    patience: 500\n  test_actors: [7, 8]\n  validation_actors: [5, 6]\n');
    const child = spawn(process.execPath, [CLI, 'train', '--data', inject('corpus8'), '--db', db, '--config', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_c, signal) => resolve(signal)));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (/epoch 3: loss/.test(stderr)) child.kill('SIGKILL');
    });
    expect(await exited).toBe('SIGKILL');

    const engine = createEngine({ dbPath: db, host: { mode: 'cli' } });
    try {
      const runs = listExperiments(engine.db);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'failed', error: 'interrupted', artifactsDir: null });
      expect(runs[0]?.history[0]?.length).toBeGreaterThanOrEqual(2);
      for (const e of runs.filter((x) => x.status === 'finished')) {
        for (const f of ARTIFACT_FILES) expect(fs.existsSync(path.join(e.artifactsDir as string, f))).toBe(true);
      }
      const artifactsRoot = path.join(dir, 'experiments');
      expect(fs.existsSync(artifactsRoot) ? fs.readdirSync(artifactsRoot) : []).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('demo: corpus + index + features + train in one command, for someone without RAVDESS', async () => {
    const dir = tempDir('cli-demo');
    const r = await runCli(['demo', '--db', path.join(dir, 'db.sqlite'), '--actors', '6', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as TrainResult;
    expect(result).toMatchObject({ name: 'demo', status: 'finished', split: { kind: 'actor' } });
    expect(fs.readdirSync(path.join(dir, 'demo-corpus-6')).filter((f) => f.startsWith('Actor_'))).toHaveLength(6);
    for (const f of ARTIFACT_FILES) expect(fs.existsSync(path.join(result.artifacts.dir, f)), f).toBe(true);
  });
});
