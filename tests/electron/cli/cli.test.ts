import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, inject, it } from 'vitest';
import type { IndexResult } from '../../../shared/dataset';
import type { ExtractResult } from '../../../shared/features';
import { EMOTIONS, parseRavdessName } from '../../../shared/ravdess';
import { COMMAND_NAMES } from '../../../electron/cli/main';
import { CLI, runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/fixtureCorpus';

const corpus = inject('corpus24');
const freshDb = (): string => path.join(tempDir('cli-db'), 'db.sqlite');

describe('emotion-studio demo-corpus', () => {
  it('wrote exactly 1440 files, 60 per Actor_XX folder, every name a valid RAVDESS speech name of that actor', () => {
    const folders = fs.readdirSync(corpus).filter((f) => !f.startsWith('.')).sort();
    expect(folders).toEqual(Array.from({ length: 24 }, (_, i) => `Actor_${String(i + 1).padStart(2, '0')}`));
    let total = 0;
    for (const folder of folders) {
      const files = fs.readdirSync(path.join(corpus, folder));
      expect(files).toHaveLength(60);
      for (const f of files) {
        const parsed = parseRavdessName(f);
        expect(parsed.ok, f).toBe(true);
        if (parsed.ok) expect(parsed.value.actor).toBe(Number(folder.slice(6)));
      }
      total += files.length;
    }
    expect(total).toBe(1440);
  });

  it('refuses a bad --actors value with exit code 2 and the option named', async () => {
    const r = await runCli(['demo-corpus', tempDir('bad'), '--actors', '25']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--actors must be an integer from 1 to 24, got "25"');
  });
});

describe('emotion-studio index', () => {
  it('--json prints one JSON object on stdout with the counts, progress on stderr', async () => {
    const r = await runCli(['index', corpus, '--json', '--db', freshDb()]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(r.stdout) as IndexResult;
    expect(result.clips).toBe(1440);
    expect(result.byEmotion).toEqual(Object.fromEntries(EMOTIONS.map((e) => [e, e === 'neutral' ? 96 : 192])));
    expect(Object.keys(result.byActor)).toHaveLength(24);
    expect(Object.values(result.byActor).every((n) => n === 60)).toBe(true);
    expect(result.rejected).toEqual([]);
    expect(result.seconds).toBeGreaterThan(0);
    expect(r.stderr).toContain('reading headers: 1440/1440');
  });

  it('prints a readable table without --json', async () => {
    const r = await runCli(['index', corpus, '--db', freshDb()]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Indexed .*: 1440 clips \(1440 added, 0 re-read, 0 unchanged\)/);
    expect(r.stdout).toMatch(/neutral\s+96\n/);
    expect(r.stdout).toMatch(/surprised\s+192\n/);
  });

  it('a missing folder exits non-zero with a message naming it', async () => {
    const missing = path.join(tempDir('gone'), 'Audio_Speech_Actors_01-24');
    const r = await runCli(['index', missing, '--db', freshDb()]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`emotion-studio index: Folder ${missing} does not exist\n`);
  });

  it('an unreadable folder exits non-zero with a message naming it', async () => {
    const base = tempDir('locked');
    fs.chmodSync(base, 0o777);
    const locked = path.join(base, 'locked');
    fs.mkdirSync(locked, { mode: 0o000 });
    fs.chmodSync(locked, 0o000);
    // Root reads any folder, so as root run the CLI as an unprivileged user (its DB in a writable place).
    const asRoot = process.getuid?.() === 0;
    const r = await runCli(['index', locked, '--db', path.join(base, 'db.sqlite')], asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: base } } : {});
    fs.chmodSync(locked, 0o755);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`emotion-studio index: Folder ${locked} cannot be read: permission denied\n`);
  });

  it('kill -9 during indexing leaves a database that passes integrity_check, and a re-index completes', async () => {
    const dbFile = freshDb();
    const child = spawn(process.execPath, [CLI, 'index', corpus, '--db', dbFile, '--batch', '10'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      // Non-TTY progress prints every quarter: kill once the first quarter is committed.
      if (/reading headers: (3[6-9]\d|[4-9]\d\d|1[0-3]\d\d)\/1440/.test(stderr)) child.kill('SIGKILL');
    });
    expect(await exited).toBe('SIGKILL');

    const db = new Database(dbFile);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const { n } = db.prepare("SELECT COUNT(*) AS n FROM clips WHERE status = 'ok'").get() as { n: number };
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(1440);
    expect(n % 10).toBe(0); // whole batches only
    db.close();

    const again = await runCli(['index', corpus, '--json', '--db', dbFile]);
    expect(again.status).toBe(0);
    const result = JSON.parse(again.stdout) as IndexResult;
    expect(result).toMatchObject({ clips: 1440, unchanged: n, added: 1440 - n, status: 'finished' });
  });

  it('a usage mistake exits 2 with the command’s usage text', async () => {
    const r = await runCli(['index']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('expected 1 argument(s), got 0');
    expect(r.stderr).toContain('emotion-studio index DIR [--db FILE]');
  });
});

describe('emotion-studio features', () => {
  it('extracts every clip of the 8-actor corpus; a second run serves them all from the cache', async () => {
    const db = freshDb();
    const small = inject('corpus8');
    const first = await runCli(['features', small, '--json', '--db', db]);
    expect(first.status, first.stderr).toBe(0);
    const r = JSON.parse(first.stdout) as ExtractResult;
    expect(r).toMatchObject({ status: 'finished', clips: 480, extracted: 480, cached: 0, failed: [] });
    expect(r.clipsPerSecond).toBeGreaterThan(0);
    expect(first.stderr).toContain('extracting features: 480/480');
    const second = await runCli(['features', small, '--json', '--db', db]);
    const again = JSON.parse(second.stdout) as ExtractResult;
    expect(again).toMatchObject({ clips: 480, extracted: 0, cached: 480, failed: [] });
  });

  it('a bad --config names the file and the key', async () => {
    const dir = tempDir('cli-cfg');
    const cfg = path.join(dir, 'c.yaml');
    fs.writeFileSync(cfg, 'features:\n  n_mfcc: many\n');
    const r = await runCli(['features', corpus, '--config', cfg, '--db', freshDb()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`emotion-studio features: ${cfg}: features.n_mfcc: got "many", expected a number\n`);
  });
});

describe('emotion-studio help', () => {
  it.each(COMMAND_NAMES)('%s --help prints that command’s usage and exits 0, running nothing', async (command) => {
    const home = tempDir('cli-help');
    const r = await runCli([command, '--help'], { env: { ...process.env, EMOTION_STUDIO_HOME: home } });
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith(`emotion-studio ${command} `)).toBe(true);
    expect(r.stderr).toBe('');
    // Nothing ran: no database was created.
    expect(fs.readdirSync(home)).toEqual([]);
    expect((await runCli(['help', command])).stdout).toBe(r.stdout);
  });

  it('a usage mistake prints that command’s usage; an unknown help topic exits 2', async () => {
    const r = await runCli(['predict', '--nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown option '--nope'");
    expect(r.stderr).toContain('emotion-studio predict --audio FILE');
    expect(r.stderr).not.toContain('emotion-studio serve');
    expect((await runCli(['help', 'nope'])).status).toBe(2);
  });
});
