/**
 * Files opened outside a dataset, through the engine's contract: uploads are stored under the engine's
 * own folder and read back byte for byte, ids are unguessable and the only handle, names that are
 * paths are refused, bad files are named, the native picker is the host's, and closing removes uploads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../../electron/core/engine';
import { MAX_OPENED_FILES, OpenedFiles } from '../../../../electron/core/files/openedFiles';
import { dispatch } from '../../../../electron/core/rpc';
import type { OpenedFile } from '../../../../shared/prediction';
import { tempDir } from '../../../helpers/fixtureCorpus';
import { pcm16Wav } from '../../../helpers/wavBytes';

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

function engineIn(dir: string, chooseAudioFile?: () => Promise<string | null>): Engine {
  const engine = createEngine({ dbPath: path.join(dir, 'db.sqlite'), host: { mode: chooseAudioFile ? 'electron' : 'browser', ...(chooseAudioFile ? { chooseAudioFile } : {}) } });
  engines.push(engine);
  return engine;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

describe('files.upload / files.audio', () => {
  it('stores the upload under this process’s uploads folder, reads it back, parses a RAVDESS name, and removes it on close', async () => {
    const dir = tempDir('files');
    const engine = engineIn(dir);
    const wav = pcm16Wav(1.5, 16000);
    const r = await dispatch(engine.handlers, 'files.upload', { name: '03-01-06-02-01-02-11.wav', base64: b64(wav) });
    expect(r).toMatchObject({ ok: true, value: { name: '03-01-06-02-01-02-11.wav', sampleRate: 16000, channels: 1, bitDepth: 16, groundTruth: 'fearful', sizeBytes: wav.byteLength } });
    const file = (r as { value: OpenedFile }).value;
    expect(file.fileId).toMatch(/^file-[0-9a-f]{16}$/);
    expect(file.durationSec).toBeCloseTo(1.5, 6);
    const uploads = path.join(dir, 'uploads', String(process.pid));
    expect(fs.readdirSync(uploads)).toHaveLength(1);

    const audio = await dispatch(engine.handlers, 'files.audio', { fileId: file.fileId });
    expect(audio).toMatchObject({ ok: true, value: { mimeType: 'audio/wav', sizeBytes: wav.byteLength } });
    expect(new Uint8Array(Buffer.from((audio as { value: { base64: string } }).value.base64, 'base64'))).toEqual(wav);

    await engine.close();
    expect(fs.existsSync(uploads)).toBe(false);
  });

  it('refuses a name that is a path, a non-WAV (naming it), and an unknown id', async () => {
    const engine = engineIn(tempDir('files'));
    for (const name of ['../evil.wav', 'a/b.wav', '..', 'c:\\x.wav']) {
      expect(await dispatch(engine.handlers, 'files.upload', { name, base64: b64(pcm16Wav(1, 16000)) })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
    expect(await dispatch(engine.handlers, 'files.upload', { name: 'notes.wav', base64: b64(new TextEncoder().encode('just text, no RIFF header here')) })).toMatchObject({
      ok: false,
      error: { code: 'BAD_FILE', message: expect.stringMatching(/^notes\.wav: /) },
    });
    expect(await dispatch(engine.handlers, 'files.audio', { fileId: 'file-0000000000000000' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await dispatch(engine.handlers, 'files.audio', { fileId: '../../etc/passwd' })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  });

  it('files.choose is the host’s picker: unsupported in browser mode, a registered file in the desktop app', async () => {
    const dir = tempDir('files');
    expect(await dispatch(engineIn(dir).handlers, 'files.choose', {})).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
    const picked = path.join(dir, '03-01-03-01-01-01-02.wav');
    fs.writeFileSync(picked, pcm16Wav(2, 22050));
    const answers = [picked, null];
    const desktop = engineIn(tempDir('files'), async () => answers.shift() ?? null);
    const chosen = await dispatch(desktop.handlers, 'files.choose', {});
    expect(chosen).toMatchObject({ ok: true, value: { file: { name: '03-01-03-01-01-01-02.wav', groundTruth: 'happy', sampleRate: 22050 } } });
    expect(await dispatch(desktop.handlers, 'files.choose', {})).toEqual({ ok: true, value: { file: null } });
  });

  it('remembers a bounded number of files and deletes evicted uploads; a dead engine’s uploads are swept at start', () => {
    const root = path.join(tempDir('files'), 'uploads');
    const stale = path.join(root, '999999999');
    fs.mkdirSync(stale, { recursive: true });
    fs.writeFileSync(path.join(stale, 'left.wav'), 'x');
    const files = new OpenedFiles(root);
    expect(fs.existsSync(stale)).toBe(false);
    const first = files.upload('first.wav', pcm16Wav(0.5, 8000));
    for (let i = 0; i < MAX_OPENED_FILES; i++) files.upload(`n${i}.wav`, pcm16Wav(0.5, 8000));
    expect(() => files.get(first.fileId)).toThrow(/No opened file/);
    expect(fs.readdirSync(path.join(root, String(process.pid)))).toHaveLength(MAX_OPENED_FILES);
    files.close();
  });
});
