/**
 * A clip is read only from inside its dataset's folder, once `..` and links are resolved. The renderer
 * names clips by id, so the only way to point one elsewhere is a row the indexer never writes (a
 * tampered or copied database) or a link planted in the folder: both are refused with FORBIDDEN, naming
 * the clip, by every method that reads a clip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCorpus } from '../../../../electron/core/corpus';
import { indexDataset } from '../../../../electron/core/dataset/indexer';
import { confinedClipFile } from '../../../../electron/core/dataset/store';
import { createEngine, type Engine } from '../../../../electron/core/engine';
import { dispatch } from '../../../../electron/core/rpc';
import type { MethodName } from '../../../../shared/contract';
import type { Clip } from '../../../../shared/dataset';
import type { ExtractResult } from '../../../../shared/features';
import { tempDir } from '../../../helpers/fixtureCorpus';
import { insertClipRowLike } from '../../../helpers/tamperedRows';

let engine: Engine;
let root: string;
let outside: string;
let datasetId: number;
let clip: Clip;
/** rel_path → clip id of each row that points out of the folder. */
const escaping = new Map<string, number>();

beforeAll(async () => {
  root = tempDir('confine');
  await generateDemoCorpus(root, { actors: 1, seed: 5 });
  engine = createEngine({ dbPath: path.join(tempDir('confine-db'), 'db.sqlite'), host: { mode: 'cli' } });
  datasetId = (await indexDataset(engine.db, root)).datasetId;
  clip = (engine.db.prepare("SELECT id, rel_path AS path FROM clips WHERE status = 'ok' ORDER BY id LIMIT 1").get() as Clip);

  // A real WAV outside the folder, reached through a file link and through a folder link.
  outside = tempDir('confine-outside');
  fs.copyFileSync(path.join(root, clip.path), path.join(outside, 'elsewhere.wav'));
  fs.symlinkSync(path.join(outside, 'elsewhere.wav'), path.join(root, 'Actor_01', 'linked-out.wav'));
  fs.symlinkSync(outside, path.join(root, 'Linked_folder'), 'dir');
  for (const rel of ['../../etc/passwd', '/etc/passwd', 'Actor_01/../../outside.wav', 'Actor_01/linked-out.wav', 'Linked_folder/elsewhere.wav']) {
    escaping.set(rel, insertClipRowLike(engine.db, clip.id, rel));
  }
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

const READERS: Array<[MethodName, (clipId: number) => unknown]> = [
  ['clip.get', (clipId) => ({ datasetId, clipId })],
  ['clip.audio', (clipId) => ({ datasetId, clipId })],
  ['clip.features', (clipId) => ({ datasetId, clipId })],
  ['predict.clip', (clipId) => ({ source: { kind: 'clip', datasetId, clipId } })],
];

describe('clips are confined to their dataset folder', () => {
  it.each(READERS)('%s refuses every row that resolves outside the folder, naming the clip', async (method, payload) => {
    for (const [rel, clipId] of escaping) {
      const r = await dispatch(engine.handlers, method, payload(clipId));
      expect(r, rel).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: `Clip ${clipId} of dataset ${datasetId} (${rel}) resolves outside the dataset folder ${root}: refused` },
      });
    }
  });

  it('a link that stays inside the folder is served', async () => {
    const rel = 'Actor_01/linked-in.wav';
    fs.symlinkSync(path.join(root, clip.path), path.join(root, rel));
    const clipId = insertClipRowLike(engine.db, clip.id, rel);
    const audio = await dispatch(engine.handlers, 'clip.audio', { datasetId, clipId });
    expect(audio.ok).toBe(true);
    if (audio.ok) expect(Buffer.from((audio.value as { base64: string }).base64, 'base64').equals(fs.readFileSync(path.join(root, clip.path)))).toBe(true);
    expect(confinedClipFile(root, datasetId, { id: clipId, path: rel })).toBe(fs.realpathSync(path.join(root, clip.path)));
  });

  it('batch extraction records each escaping row as a FORBIDDEN failure and reads nothing outside', async () => {
    const ended = new Promise<ExtractResult>((resolve) =>
      engine.subscribe((m) => m.event === 'job.finished' && m.payload.kind === 'extract' && resolve(m.payload.result as ExtractResult)),
    );
    expect(await dispatch(engine.handlers, 'features.startExtract', { datasetId })).toMatchObject({ ok: true });
    const result = await ended;
    const refused = result.failed.filter((f) => escaping.has(f.path));
    expect(refused.map((f) => f.path).sort()).toEqual([...escaping.keys()].sort());
    for (const f of refused) expect(f.reason).toMatch(/resolves outside the dataset folder .*: refused$/);
    expect(result.failed.filter((f) => !escaping.has(f.path))).toEqual([]);
  });
});
