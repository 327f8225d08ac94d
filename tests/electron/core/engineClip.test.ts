import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { indexDataset } from '../../../electron/core/dataset/indexer';
import { dispatch } from '../../../electron/core/rpc';
import { generateDemoCorpus } from '../../../electron/core/corpus';
import type { Clip } from '../../../shared/dataset';
import type { ClipFeatures } from '../../../shared/features';
import { tempDir } from '../../helpers/fixtureCorpus';

let engine: Engine;
let root: string;
let datasetId: number;
let clip: Clip;

beforeAll(async () => {
  root = tempDir('engine-clip');
  await generateDemoCorpus(root, { actors: 1, seed: 3 });
  engine = createEngine({ dbPath: path.join(tempDir('engine-clip-db'), 'db.sqlite'), host: { mode: 'cli' } });
  datasetId = (await indexDataset(engine.db, root)).datasetId;
  const clips = await dispatch(engine.handlers, 'dataset.clips', { datasetId });
  if (!clips.ok) throw new Error(clips.error.message);
  clip = (clips.value as Clip[])[10] as Clip;
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('clip methods', () => {
  it('clip.get and clip.audio address a clip by id and return its own bytes', async () => {
    expect(await dispatch(engine.handlers, 'clip.get', { datasetId, clipId: clip.id })).toEqual({ ok: true, value: clip });
    const audio = await dispatch(engine.handlers, 'clip.audio', { datasetId, clipId: clip.id });
    expect(audio.ok).toBe(true);
    if (audio.ok) {
      const { base64, sizeBytes } = audio.value as { base64: string; sizeBytes: number };
      expect(Buffer.from(base64, 'base64').equals(fs.readFileSync(path.join(root, clip.path)))).toBe(true);
      expect(sizeBytes).toBe(clip.sizeBytes);
    }
  });

  it('refuses a clip id of another dataset or an unknown one, and a path instead of an id', async () => {
    expect(await dispatch(engine.handlers, 'clip.audio', { datasetId, clipId: 99999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatch(engine.handlers, 'clip.audio', { datasetId: datasetId + 1, clipId: clip.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatch(engine.handlers, 'clip.audio', { datasetId, clipId: clip.id, path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  });

  it('clip.features extracts on demand, then serves the cache; shapes follow the default config', async () => {
    const r = await dispatch(engine.handlers, 'clip.features', { datasetId, clipId: clip.id });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const f = r.value as ClipFeatures;
    expect(f).toMatchObject({ clipId: clip.id, sampleRate: 22050, hopLength: 512, offsetSec: 0.5, durationSec: 3, frames: 130 });
    expect([f.logMel.rows, f.logMel.cols, f.logMel.data.length]).toEqual([64, 130, 64 * 130]);
    expect([f.mfcc.rows, f.mfcc.cols]).toEqual([40, 130]);
    expect(f.rms).toHaveLength(130);
    expect(Math.max(...f.centroidHz)).toBeLessThan(11025);
    expect(Math.max(...f.logMel.data)).toBeLessThanOrEqual(Math.min(...f.logMel.data) + 80 + 1e-3); // top_db 80
    const { n } = engine.db.prepare('SELECT COUNT(*) AS n FROM clip_features').get() as { n: number };
    expect(n).toBe(1);
    const again = await dispatch(engine.handlers, 'clip.features', { datasetId, clipId: clip.id });
    expect(again).toEqual(r);
  });

  it('files.features of an opened copy of a clip equals clip.features of that clip (same pipeline, same config)', async () => {
    const indexed = await dispatch(engine.handlers, 'clip.features', { datasetId, clipId: clip.id });
    const copy = path.join(tempDir('engine-clip-open'), path.basename(clip.path));
    fs.copyFileSync(path.join(root, clip.path), copy);
    const desktop = createEngine({ dbPath: path.join(tempDir('engine-clip-db2'), 'db.sqlite'), host: { mode: 'electron', chooseAudioFile: async () => copy } });
    try {
      const chosen = await dispatch(desktop.handlers, 'files.choose', {});
      const fileId = (chosen as { ok: true; value: { file: { fileId: string } } }).value.file.fileId;
      const opened = await dispatch(desktop.handlers, 'files.features', { fileId });
      expect(opened.ok).toBe(true);
      expect({ ...(opened as { value: ClipFeatures }).value, clipId: clip.id }).toEqual((indexed as { value: ClipFeatures }).value);
      expect((opened as { value: ClipFeatures }).value.clipId).toBeNull();
      // Not a WAV: the file is named with the reason.
      fs.writeFileSync(copy, 'RIFF....not really');
      const bad = await dispatch(desktop.handlers, 'files.features', { fileId });
      expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_FILE', message: expect.stringMatching(new RegExp(`^${path.basename(clip.path)}: `)) } });
    } finally {
      await desktop.close();
    }
  });

  it('features.startExtract runs the dataset as a job and reports the counts', async () => {
    const finished = new Promise((resolve) => engine.subscribe((m) => m.event === 'job.finished' && resolve(m.payload)));
    const start = await dispatch(engine.handlers, 'features.startExtract', { datasetId });
    expect(start.ok).toBe(true);
    expect(await finished).toMatchObject({ kind: 'extract', status: 'finished', result: { clips: 60, extracted: 59, cached: 1, failed: [] } });
  });
});
