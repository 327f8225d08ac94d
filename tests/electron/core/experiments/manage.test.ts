/**
 * Managing saved runs through the engine's handlers: rename and notes, delete (row and artifact folder,
 * never a folder outside the artifacts root, never a running run), the artifact zip and opening the
 * folder. Runs are written straight into a temp database with hand-made artifact folders.
 */
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureDataset } from '../../../../electron/core/dataset/store';
import { artifactsRootFor, createEngine, type Engine, type EngineHost } from '../../../../electron/core/engine';
import { ARTIFACT_FILES, PARTIAL_MARK, removeStaleArtifactTemps } from '../../../../electron/core/experiments/artifacts';
import { completeExperiment, createExperiment } from '../../../../electron/core/experiments/store';
import { dispatch } from '../../../../electron/core/rpc';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import type { MethodName } from '../../../../shared/contract';
import type { Experiment } from '../../../../shared/experiments';
import { tempDir } from '../../../helpers/fixtureCorpus';

let dir: string;
let engine: Engine;
let root: string;

function start(host: EngineHost = { mode: 'cli' }): Engine {
  engine = createEngine({ dbPath: path.join(dir, 'db.sqlite'), host });
  return engine;
}

beforeEach(() => {
  dir = tempDir('manage');
  root = artifactsRootFor(path.join(dir, 'db.sqlite'));
  start();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await engine.close();
});

/** Deterministic, distinct bytes per file (binary for .bin/.png, text otherwise). */
function contentOf(name: string): Buffer {
  if (/\.(bin|png)$/.test(name)) return Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31 + name.length) % 256));
  return Buffer.from(`${name}\n${'{"x": 1}\n'.repeat(50)}`);
}

/** A run in the database; `folder` (relative to the artifacts root, or absolute) gets the artifact files. */
function addRun(opts: { name?: string; status?: Experiment['status']; folder?: string | null } = {}): { id: number; folder: string | null } {
  const datasetId = ensureDataset(engine.db, '/data/ravdess');
  const id = createExperiment(engine.db, { name: opts.name ?? 'run', config: DEFAULT_CONFIG, datasetId, datasetRoot: '/data/ravdess' });
  const folder = opts.folder === null ? null : path.resolve(root, opts.folder ?? `${id}-run`);
  if (folder !== null) {
    fs.mkdirSync(folder, { recursive: true });
    for (const f of ARTIFACT_FILES) fs.writeFileSync(path.join(folder, f), contentOf(f));
  }
  const status = opts.status ?? 'finished';
  if (status !== 'running') completeExperiment(engine.db, id, { status, history: [[]], artifactsDir: folder });
  return { id, folder };
}

async function call(method: MethodName, payload: unknown): Promise<unknown> {
  const r = await dispatch(engine.handlers, method, payload);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value;
}

const ids = async (): Promise<number[]> => ((await call('experiments.list', {})) as Experiment[]).map((e) => e.id);

describe('experiments.update', () => {
  it('renames (trimmed) and replaces notes, answering the updated run; each field alone leaves the other', async () => {
    const { id } = addRun({ name: 'first' });
    expect(await call('experiments.update', { id, name: '  better name  ' })).toMatchObject({ id, name: 'better name', notes: '' });
    expect(await call('experiments.update', { id, notes: 'lr too high?\nretry with 1e-4' })).toMatchObject({ name: 'better name', notes: 'lr too high?\nretry with 1e-4' });
    expect(await call('experiments.get', { id })).toMatchObject({ name: 'better name', notes: 'lr too high?\nretry with 1e-4' });
    expect(await call('experiments.update', { id, name: 'both', notes: '' })).toMatchObject({ name: 'both', notes: '' });
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    expect(await dispatch(engine.handlers, 'experiments.update', { id: 99, name: 'x' })).toEqual({
      ok: false, error: { code: 'NOT_FOUND', message: 'No experiment with id 99' },
    });
  });

  it.each([
    [{ id: 1 }, /give a name or notes to change/],
    [{ id: 1, name: '   ' }, /name: a name is required/],
    [{ id: 1, name: 'x'.repeat(121) }, /name: a name is at most 120 characters/],
    [{ id: 1, notes: 'x'.repeat(10_001) }, /notes: notes are at most 10000 characters/],
    [{ id: 0, name: 'x' }, /^Invalid payload for experiments\.update: id: /],
  ])('refuses %j', async (payload, message) => {
    addRun();
    const r = await dispatch(engine.handlers, 'experiments.update', payload);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.stringMatching(message) } });
  });
});

describe('experiments.delete', () => {
  it('removes the row and its artifact folder, and nothing else', async () => {
    const keep = addRun({ name: 'keep' });
    const gone = addRun({ name: 'gone' });
    expect(await call('experiments.delete', { id: gone.id })).toEqual({ deleted: true });
    expect(await ids()).toEqual([keep.id]);
    expect(fs.existsSync(gone.folder ?? '')).toBe(false);
    expect(fs.readdirSync(root)).toEqual([path.basename(keep.folder ?? '')]);
    expect(await dispatch(engine.handlers, 'experiments.get', { id: gone.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('deletes a run without artifacts, or whose folder is already gone', async () => {
    const cancelled = addRun({ status: 'cancelled', folder: null });
    const vanished = addRun();
    fs.rmSync(vanished.folder ?? '', { recursive: true });
    expect(await call('experiments.delete', { id: cancelled.id })).toEqual({ deleted: true });
    expect(await call('experiments.delete', { id: vanished.id })).toEqual({ deleted: true });
    expect(await ids()).toEqual([]);
  });

  it('refuses a running run (BUSY) and keeps it', async () => {
    const { id } = addRun({ status: 'running', folder: null });
    const r = await dispatch(engine.handlers, 'experiments.delete', { id });
    expect(r).toEqual({ ok: false, error: { code: 'BUSY', message: `Experiment ${id} (run) is still training: cancel it before deleting it` } });
    expect(await ids()).toEqual([id]);
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    expect(await dispatch(engine.handlers, 'experiments.delete', { id: 42 })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No experiment with id 42' } });
  });

  it('never follows a folder outside the artifacts root: the row goes, the folder stays', async () => {
    const outside = path.join(tempDir('manage-outside'), 'precious');
    const { id } = addRun({ folder: outside });
    expect(await call('experiments.delete', { id })).toEqual({ deleted: true });
    expect(await ids()).toEqual([]);
    expect(fs.readdirSync(outside).sort()).toEqual([...ARTIFACT_FILES].sort());
  });

  it('never follows a link inside the root that points out of it, nor a ../ path', async () => {
    const target = path.join(tempDir('manage-target'), 'precious');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep.txt'), 'keep');
    fs.mkdirSync(root, { recursive: true });
    const link = path.join(root, '7-linked');
    fs.symlinkSync(target, link, 'dir');
    const linked = addRun({ folder: null });
    engine.db.prepare('UPDATE experiments SET artifacts_dir = ? WHERE id = ?').run(link, linked.id);
    const dotted = addRun({ folder: null });
    engine.db.prepare('UPDATE experiments SET artifacts_dir = ? WHERE id = ?').run(`${root}${path.sep}..`, dotted.id);
    // A folder below a linked folder resolves outside the root too.
    const nested = addRun({ folder: null });
    fs.mkdirSync(path.join(target, 'sub'));
    engine.db.prepare('UPDATE experiments SET artifacts_dir = ? WHERE id = ?').run(path.join(link, 'sub'), nested.id);

    for (const run of [linked, dotted, nested]) expect(await call('experiments.delete', { id: run.id })).toEqual({ deleted: true });
    expect(fs.readFileSync(path.join(target, 'keep.txt'), 'utf8')).toBe('keep');
    expect(fs.existsSync(path.join(target, 'sub'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'db.sqlite'))).toBe(true);
  });

  it('keeps the row and the folder when the folder cannot be moved aside', async () => {
    const { id, folder } = addRun();
    vi.spyOn(fs, 'renameSync').mockImplementationOnce(() => {
      throw new Error('EBUSY: resource busy or locked');
    });
    const r = await dispatch(engine.handlers, 'experiments.delete', { id });
    expect(r).toEqual({
      ok: false,
      error: { code: 'UNREADABLE', message: `Experiment ${id} was not deleted: its folder ${folder} could not be moved (EBUSY: resource busy or locked)` },
    });
    expect(await ids()).toEqual([id]);
    expect(fs.readdirSync(folder ?? '')).toHaveLength(ARTIFACT_FILES.length);
  });

  it('reports a folder it could not remove after the row went: named, and marked for the start-up sweep', async () => {
    const { id } = addRun();
    vi.spyOn(fs, 'rmSync').mockImplementationOnce(() => {
      throw new Error('EACCES: permission denied');
    });
    const r = await dispatch(engine.handlers, 'experiments.delete', { id });
    const [left] = fs.readdirSync(root);
    expect(left).toMatch(new RegExp(`^\\.tmp-deleted-${id}-run-\\d+-${process.pid}$`));
    expect(fs.existsSync(path.join(root, left ?? '', PARTIAL_MARK))).toBe(true);
    expect(r).toEqual({
      ok: false,
      error: { code: 'UNREADABLE', message: expect.stringContaining(`Experiment ${id} was deleted, but its artifacts could not all be removed (EACCES: permission denied): ${path.join(fs.realpathSync(root), left ?? '')} is left`) },
    });
    expect(await ids()).toEqual([]);
  });
});

describe('experiments.archive', () => {
  it('zips every file of the artifact folder (nested ones too) under the folder name, byte for byte', async () => {
    const { id, folder } = addRun({ name: 'zipped' });
    if (folder === null) throw new Error('no folder');
    fs.mkdirSync(path.join(folder, 'extra'));
    fs.writeFileSync(path.join(folder, 'extra', 'fold_1.json'), '{"fold": 1}\n');
    const archive = (await call('experiments.archive', { id })) as { fileName: string; base64: string; bytes: number };
    const zip = Buffer.from(archive.base64, 'base64');
    expect(archive.fileName).toBe(`${id}-run.zip`);
    expect(archive.bytes).toBe(zip.byteLength);
    const entries = unzipSync(new Uint8Array(zip));
    const expected = [...ARTIFACT_FILES.map((f) => `${id}-run/${f}`), `${id}-run/extra/fold_1.json`].sort();
    expect(Object.keys(entries).sort()).toEqual(expected);
    for (const f of ARTIFACT_FILES) expect(Buffer.from(entries[`${id}-run/${f}`] ?? []).equals(contentOf(f)), f).toBe(true);
    expect(Buffer.from(entries[`${id}-run/extra/fold_1.json`] ?? []).toString()).toBe('{"fold": 1}\n');
  });

  it('zips a folder the run recorded outside the root (trained with --out DIR): reading it is fine', async () => {
    const { id, folder } = addRun({ folder: path.join(tempDir('manage-out'), '3-cli-run') });
    const archive = (await call('experiments.archive', { id })) as { fileName: string; base64: string };
    expect(archive.fileName).toBe('3-cli-run.zip');
    const entries = unzipSync(new Uint8Array(Buffer.from(archive.base64, 'base64')));
    expect(Object.keys(entries).sort()).toEqual(ARTIFACT_FILES.map((f) => `3-cli-run/${f}`).sort());
    expect(fs.readdirSync(folder ?? '')).toHaveLength(ARTIFACT_FILES.length);
  });

  it('skips links inside the folder rather than following them', async () => {
    const { id, folder } = addRun();
    const secret = path.join(tempDir('manage-secret'), 'secret.txt');
    fs.writeFileSync(secret, 'not an artifact');
    fs.symlinkSync(secret, path.join(folder ?? '', 'linked.txt'));
    const archive = (await call('experiments.archive', { id })) as { base64: string };
    const entries = unzipSync(new Uint8Array(Buffer.from(archive.base64, 'base64')));
    expect(Object.keys(entries)).toHaveLength(ARTIFACT_FILES.length);
    expect(Object.keys(entries).some((name) => name.endsWith('linked.txt'))).toBe(false);
  });

  it('says why when there is nothing to zip: no artifacts, a vanished folder, a file, an unknown id', async () => {
    const none = addRun({ status: 'cancelled', folder: null });
    const vanished = addRun();
    fs.rmSync(vanished.folder ?? '', { recursive: true });
    const file = addRun({ folder: null });
    const filePath = path.join(dir, 'not-a-folder.txt');
    fs.writeFileSync(filePath, 'x');
    engine.db.prepare('UPDATE experiments SET artifacts_dir = ? WHERE id = ?').run(filePath, file.id);
    expect(await dispatch(engine.handlers, 'experiments.archive', { id: none.id })).toEqual({
      ok: false, error: { code: 'NOT_FOUND', message: `Experiment ${none.id} (run) has no artifact folder: this run saved no artifacts` },
    });
    expect(await dispatch(engine.handlers, 'experiments.archive', { id: vanished.id })).toEqual({
      ok: false, error: { code: 'NOT_FOUND', message: `Experiment ${vanished.id} (run) has no artifact folder: the folder ${vanished.folder} no longer exists` },
    });
    expect(await dispatch(engine.handlers, 'experiments.archive', { id: file.id })).toEqual({
      ok: false, error: { code: 'NOT_FOUND', message: `Experiment ${file.id} (run) has no artifact folder: ${filePath} is not a folder` },
    });
    expect(await dispatch(engine.handlers, 'experiments.archive', { id: 77 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('experiments.openFolder', () => {
  it('is UNSUPPORTED without a host that opens folders, and app.info says so', async () => {
    const { id } = addRun();
    expect(await call('app.info', {})).toMatchObject({ nativeOpen: false });
    expect(await dispatch(engine.handlers, 'experiments.openFolder', { id })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
  });

  it("opens the run's folder through the host, and reports the host's error", async () => {
    await engine.close();
    const openPath = vi.fn(async (_folder: string) => '');
    start({ mode: 'electron', openPath });
    const { id, folder } = addRun();
    expect(await call('app.info', {})).toMatchObject({ nativeOpen: true });
    expect(await call('experiments.openFolder', { id })).toEqual({ opened: true });
    expect(openPath).toHaveBeenCalledWith(fs.realpathSync(folder ?? ''));

    openPath.mockResolvedValueOnce('Failed to open path');
    expect(await dispatch(engine.handlers, 'experiments.openFolder', { id })).toEqual({
      ok: false, error: { code: 'UNREADABLE', message: `Could not open ${fs.realpathSync(folder ?? '')}: Failed to open path` },
    });
    const none = addRun({ folder: null, status: 'failed' });
    expect(await dispatch(engine.handlers, 'experiments.openFolder', { id: none.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(openPath).toHaveBeenCalledTimes(2);
  });
});

describe('removeStaleArtifactTemps (start-up sweep, also of a `train --out DIR` folder)', () => {
  it('removes only folders this program marked, of a dead process; a user’s own .tmp-* entries stay', () => {
    const root = tempDir('sweep');
    const dead = 999_999_999;
    const ours = (name: string, marked = true): string => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'model.json'), '{}');
      if (marked) fs.writeFileSync(path.join(dir, PARTIAL_MARK), `${dead}\n`);
      return name;
    };
    const swept = [ours(`.tmp-3-dnn-actor-${dead}`), ours(`.tmp-deleted-4-run-1-${dead}`)];
    const kept = [
      ours(`.tmp-5-cnn-${process.pid}`),
      ours(`.tmp-6-lstm-${dead}`, false),
      ours('.tmp-notes'),
      ours(`.tmp-backup-${dead}`),
      ours(`.tmp-7-Mixed-Case-${dead}`),
    ];
    fs.writeFileSync(path.join(root, `.tmp-8-file-${dead}`), 'a file, not a folder');
    fs.symlinkSync(path.join(root, swept[0] as string), path.join(root, `.tmp-9-link-${dead}`));
    fs.writeFileSync(path.join(root, '.tmp-scratch'), 'the user’s');
    removeStaleArtifactTemps(root);
    const left = fs.readdirSync(root).sort();
    expect(left).toEqual([...kept, `.tmp-8-file-${dead}`, `.tmp-9-link-${dead}`, '.tmp-scratch'].sort());
  });
});
