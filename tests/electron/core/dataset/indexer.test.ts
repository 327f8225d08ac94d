import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../electron/core/db/database';
import { indexDataset } from '../../../../electron/core/dataset/indexer';
import { listClips } from '../../../../electron/core/dataset/store';
import { EngineError } from '../../../../shared/errors';
import { tempDir, writeFixtureCorpus } from '../../../helpers/fixtureCorpus';
import { ascii, pcm16Wav } from '../../../helpers/wavBytes';

let root: string;
let db: Db;

const allRows = () => db.prepare('SELECT * FROM clips ORDER BY rel_path').all() as Array<Record<string, unknown>>;

beforeEach(() => {
  root = tempDir('corpus');
  db = openDatabase(path.join(tempDir('db'), 'test.sqlite'));
});
afterEach(() => {
  db.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('indexDataset', () => {
  it('indexes every clip with its RAVDESS fields and file facts', async () => {
    writeFixtureCorpus(root, [1, 2]);
    const r = await indexDataset(db, root);
    expect(r).toMatchObject({ status: 'finished', clips: 120, scanned: 120, added: 120, updated: 0, unchanged: 0, rejected: [], missing: [] });
    expect(r.byEmotion).toEqual({ neutral: 8, calm: 16, happy: 16, sad: 16, angry: 16, fearful: 16, disgust: 16, surprised: 16 });
    expect(r.byActor).toEqual({ '01': 60, '02': 60 });
    expect(r.byGender).toEqual({ male: 60, female: 60 });
    expect(r.byIntensity).toEqual({ normal: 64, strong: 56 });
    const clip = listClips(db, r.datasetId).find((c) => c.path === 'Actor_02/03-01-05-02-01-02-02.wav');
    expect(clip).toMatchObject({
      modality: 'audio-only', vocalChannel: 'speech', emotion: 'angry', intensity: 'strong', statement: 1, repetition: 2,
      actor: 2, gender: 'female', sampleRate: 48000, channels: 1, bitDepth: 16, sizeBytes: 44 + 2400 * 2,
    });
    expect(clip?.durationSec).toBeCloseTo(0.05, 9);
  });

  it('re-indexing an unchanged folder rewrites no row', async () => {
    writeFixtureCorpus(root, [1, 2]);
    await indexDataset(db, root);
    const before = allRows();
    const changesBefore = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const r = await indexDataset(db, root);
    expect(r).toMatchObject({ added: 0, updated: 0, unchanged: 120, newlyMissing: 0, clips: 120 });
    expect(allRows()).toEqual(before);
    // Only the dataset's last-indexed timestamp is written (one row in `datasets`).
    expect((db.prepare('SELECT total_changes() AS n').get() as { n: number }).n - changesBefore).toBe(1);
  });

  it('touching one file re-reads only that file', async () => {
    const files = writeFixtureCorpus(root, [1, 2]);
    await indexDataset(db, root);
    const before = new Map(allRows().map((r) => [r.rel_path, r]));
    const touched = files[17] as string;
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, touched), later, later);
    const r = await indexDataset(db, root);
    expect(r).toMatchObject({ added: 0, updated: 1, unchanged: 119 });
    for (const row of allRows()) {
      if (row.rel_path === touched) expect(row.mtime_ms).not.toBe(before.get(touched)?.mtime_ms);
      else expect(row).toEqual(before.get(row.rel_path as string));
    }
  });

  it('a deleted file is marked missing, and comes back when restored', async () => {
    const files = writeFixtureCorpus(root, [1]);
    await indexDataset(db, root);
    const gone = files[3] as string;
    const bytes = fs.readFileSync(path.join(root, gone));
    fs.rmSync(path.join(root, gone));
    const r = await indexDataset(db, root);
    expect(r).toMatchObject({ clips: 59, newlyMissing: 1, missing: [gone], unchanged: 59 });
    expect(db.prepare('SELECT status FROM clips WHERE rel_path = ?').get(gone)).toEqual({ status: 'missing' });
    fs.writeFileSync(path.join(root, gone), bytes);
    const back = await indexDataset(db, root);
    expect(back).toMatchObject({ clips: 60, missing: [], updated: 1 });
  });

  it('lists every bad file with its reason while the rest index', async () => {
    writeFixtureCorpus(root, [3]);
    const bad: Record<string, Uint8Array> = {
      'Actor_03/hello.wav': pcm16Wav(0.05),
      'Actor_03/03-01-09-01-01-01-03.wav': pcm16Wav(0.05),
      'Actor_03/03-01-05-01-01-01-25.wav': pcm16Wav(0.05),
      'Actor_03/01-01-05-01-01-01-03.wav': pcm16Wav(0.05),
      'Actor_03/02-01-05-01-01-01-03.wav': pcm16Wav(0.05),
      'Actor_03/03-02-05-01-01-01-03.wav': pcm16Wav(0.05),
      'Actor_04/03-01-05-01-01-01-04.wav': new Uint8Array(0),
      'Actor_04/03-01-05-01-01-02-04.wav': pcm16Wav(0.05).subarray(0, 2000),
      'Actor_04/03-01-05-01-02-01-04.wav': ascii('just some text, not a wave file\n'),
    };
    // Extra trailing chunks (as real RAVDESS files have) are fine.
    const odd = pcm16Wav(0.05, 48000, { after: [{ id: 'LIST', body: ascii('INFOabc'), pad: false }, { id: 'junk', body: ascii('x'), declaredSize: 999 }] });
    const goodWithChunks = 'Actor_04/03-01-05-01-02-02-04.wav';
    fs.mkdirSync(path.join(root, 'Actor_04'));
    for (const [rel, bytes] of Object.entries(bad)) fs.writeFileSync(path.join(root, rel), bytes);
    fs.writeFileSync(path.join(root, goodWithChunks), odd);
    fs.writeFileSync(path.join(root, 'Actor_03/notes.txt'), 'not a wav at all');

    const r = await indexDataset(db, root);
    expect(r.clips).toBe(61);
    const reasons = Object.fromEntries(r.rejected.map((f) => [f.path, f.reason]));
    expect(Object.keys(reasons).sort()).toEqual(Object.keys(bad).sort());
    expect(reasons['Actor_03/hello.wav']).toMatch(/not in the RAVDESS pattern/);
    expect(reasons['Actor_03/03-01-09-01-01-01-03.wav']).toMatch(/emotion 09/);
    expect(reasons['Actor_03/03-01-05-01-01-01-25.wav']).toMatch(/actor 25/);
    expect(reasons['Actor_03/01-01-05-01-01-01-03.wav']).toMatch(/modality 01/);
    expect(reasons['Actor_03/02-01-05-01-01-01-03.wav']).toMatch(/modality 02/);
    expect(reasons['Actor_03/03-02-05-01-01-01-03.wav']).toMatch(/vocal channel 02/);
    expect(reasons['Actor_04/03-01-05-01-01-01-04.wav']).toBe('empty file (0 bytes)');
    expect(reasons['Actor_04/03-01-05-01-01-02-04.wav']).toMatch(/^truncated: data chunk declares 4800 bytes but only 1956 are present$/);
    expect(reasons['Actor_04/03-01-05-01-02-01-04.wav']).toMatch(/not a WAV file/);
    expect(listClips(db, r.datasetId).some((c) => c.path === goodWithChunks)).toBe(true);
    // A second run reports the same rejects without rewriting them.
    const again = await indexDataset(db, root);
    expect(again.rejected).toEqual(r.rejected);
    expect(again).toMatchObject({ added: 0, updated: 0 });
  });

  it('follows a file link that stays inside the folder; rejects one that leads out, with its reason', async () => {
    const files = writeFixtureCorpus(root, [1]);
    const outside = tempDir('outside');
    try {
      fs.copyFileSync(path.join(root, files[0] as string), path.join(outside, 'real.wav'));
      const inside = 'Actor_02/03-01-01-01-01-01-02.wav';
      const out = 'Actor_02/03-01-01-01-01-02-02.wav';
      fs.mkdirSync(path.join(root, 'Actor_02'));
      fs.symlinkSync(path.join(root, files[0] as string), path.join(root, inside));
      fs.symlinkSync(path.join(outside, 'real.wav'), path.join(root, out));
      const r = await indexDataset(db, root);
      expect(r.clips).toBe(61);
      expect(r.rejected).toEqual([{ path: out, reason: `links to ${fs.realpathSync(path.join(outside, 'real.wav'))}, outside the dataset folder` }]);
      expect(listClips(db, r.datasetId).map((c) => c.path)).toContain(inside);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('lists a link loop, a dangling link and a linked folder among the rejected files, with their reasons; the rest index', async () => {
    writeFixtureCorpus(root, [1]);
    fs.mkdirSync(path.join(root, 'Actor_03'));
    const loopA = 'Actor_03/03-01-02-01-01-01-03.wav';
    const loopB = 'Actor_03/03-01-02-01-01-02-03.wav';
    const self = 'Actor_03/03-01-03-01-01-01-03.wav';
    const dangling = 'Actor_03/03-01-04-01-01-01-03.wav';
    fs.symlinkSync(path.join(root, loopB), path.join(root, loopA));
    fs.symlinkSync(path.join(root, loopA), path.join(root, loopB));
    fs.symlinkSync(path.join(root, self), path.join(root, self));
    fs.symlinkSync(path.join(root, 'gone.wav'), path.join(root, dangling));
    fs.symlinkSync(path.join(root, 'Actor_01'), path.join(root, 'Actor_02'), 'dir');
    const r = await indexDataset(db, root);
    expect(r.clips).toBe(60);
    const reasons = Object.fromEntries(r.rejected.map((f) => [f.path, f.reason]));
    expect(reasons).toEqual({
      [loopA]: `a symbolic link loop: ${path.join(root, loopB)} leads back to a link already followed`,
      [loopB]: `a symbolic link loop: ${path.join(root, loopA)} leads back to a link already followed`,
      [self]: `a symbolic link loop: ${path.join(root, self)} leads back to a link already followed`,
      [dangling]: `a dangling symbolic link: its target ${path.join(root, 'gone.wav')} does not exist`,
      'Actor_02/': 'a link to a folder: not followed (index the folder it points to, or link its files)',
    });
    // Unchanged on a second run; once the dangling link's target exists, it indexes.
    expect(await indexDataset(db, root)).toMatchObject({ added: 0, updated: 0, rejected: r.rejected });
    fs.copyFileSync(path.join(root, 'Actor_01/03-01-01-01-01-01-01.wav'), path.join(root, 'gone.wav'));
    const fixed = await indexDataset(db, root);
    expect(fixed.rejected.map((f) => f.path)).not.toContain(dangling);
    expect(listClips(db, fixed.datasetId).map((c) => c.path)).toContain(dangling);
  });

  it('refuses a missing folder or a file, naming it, and writes nothing', async () => {
    const missing = path.join(root, 'no-such-folder');
    await expect(indexDataset(db, missing)).rejects.toThrow(new EngineError('NOT_FOUND', `Folder ${missing} does not exist`));
    const file = path.join(root, 'file.wav');
    fs.writeFileSync(file, 'x');
    await expect(indexDataset(db, file)).rejects.toMatchObject({ code: 'NOT_A_FOLDER', message: `${file} is not a folder` });
    expect(db.prepare('SELECT COUNT(*) AS n FROM datasets').get()).toEqual({ n: 0 });
  });

  it('cancel stops between batches, keeps what was committed, marks nothing missing, and a re-index completes', async () => {
    writeFixtureCorpus(root, [1, 2, 3]);
    const controller = new AbortController();
    const r = await indexDataset(db, root, {
      batchSize: 40,
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= 80) controller.abort();
      },
    });
    expect(r.status).toBe('cancelled');
    expect(r.clips).toBe(80);
    expect(r.newlyMissing).toBe(0);
    expect(db.prepare('SELECT last_indexed_at FROM datasets').get()).toEqual({ last_indexed_at: null });
    const done = await indexDataset(db, root);
    expect(done).toMatchObject({ status: 'finished', clips: 180, added: 100, unchanged: 80 });
  });
});
