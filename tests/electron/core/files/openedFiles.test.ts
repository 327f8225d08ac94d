/**
 * Files opened outside a dataset, through the engine's contract: uploads are stored under the engine's
 * own folder and read back byte for byte, ids are unguessable and the only handle, names that are
 * paths are refused, bad files are named, the native picker is the host's, and closing removes uploads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../../electron/core/engine';
import { MAX_OPENED_FILES, MAX_PENDING_UPLOADS, OpenedFiles } from '../../../../electron/core/files/openedFiles';
import { dispatch } from '../../../../electron/core/rpc';
import { createClient } from '../../../../shared/client';
import { MAX_UPLOAD_BYTES, UPLOAD_CHUNK_BYTES, type OpenedFile } from '../../../../shared/prediction';
import { uploadFile } from '../../../../shared/upload';
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

/** The renderer's upload (shared/upload.ts) against this engine's handlers. */
function upload(engine: Engine, name: string, bytes: Uint8Array): Promise<OpenedFile> {
  const client = createClient({ invoke: (method, payload) => dispatch(engine.handlers, method, payload), subscribe: () => () => {} });
  return uploadFile(client, new File([bytes as Uint8Array<ArrayBuffer>], name));
}

/** The same three steps straight on an OpenedFiles. */
function put(files: OpenedFiles, name: string, bytes: Uint8Array): OpenedFile {
  const id = files.startUpload(name, bytes.byteLength);
  files.appendUpload(id, 0, bytes);
  return files.finishUpload(id);
}

describe('files.uploadStart/Chunk/Finish, files.audio', () => {
  it('stores the upload under this process’s uploads folder, reads it back, parses a RAVDESS name, and removes it on close', async () => {
    const dir = tempDir('files');
    const engine = engineIn(dir);
    const wav = pcm16Wav(1.5, 16000);
    const file = await upload(engine, '03-01-06-02-01-02-11.wav', wav);
    expect(file).toMatchObject({ name: '03-01-06-02-01-02-11.wav', sampleRate: 16000, channels: 1, bitDepth: 16, groundTruth: 'fearful', sizeBytes: wav.byteLength });
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

  it('a file of many chunks (a 60 s 48 kHz WAV, 5.5 MB) arrives byte for byte; no chunk is over the chunk size', async () => {
    const dir = tempDir('files');
    const engine = engineIn(dir);
    const wav = pcm16Wav(60, 48000);
    const chunks: number[] = [];
    const client = createClient({
      invoke: (method, payload) => {
        if (method === 'files.uploadChunk') chunks.push(Buffer.from((payload as { base64: string }).base64, 'base64').byteLength);
        return dispatch(engine.handlers, method, payload);
      },
      subscribe: () => () => {},
    });
    const file = await uploadFile(client, new File([wav as Uint8Array<ArrayBuffer>], 'long.wav'));
    expect(chunks).toHaveLength(Math.ceil(wav.byteLength / UPLOAD_CHUNK_BYTES));
    expect(Math.max(...chunks)).toBe(UPLOAD_CHUNK_BYTES);
    expect(file).toMatchObject({ sizeBytes: wav.byteLength, sampleRate: 48000 });
    expect(file.durationSec).toBeCloseTo(60, 6);
    const audio = await dispatch(engine.handlers, 'files.audio', { fileId: file.fileId });
    expect(new Uint8Array(Buffer.from((audio as { value: { base64: string } }).value.base64, 'base64'))).toEqual(wav);
  });

  it('refuses chunks out of order, more bytes than announced, an early finish and an oversized announcement; abandoned uploads leave no file', async () => {
    const dir = tempDir('files');
    const engine = engineIn(dir);
    const uploads = path.join(dir, 'uploads', String(process.pid));
    const call = (method: 'files.uploadStart' | 'files.uploadChunk' | 'files.uploadFinish', payload: unknown) => dispatch(engine.handlers, method, payload);
    const start = async (sizeBytes: number) => ((await call('files.uploadStart', { name: 'a.wav', sizeBytes })) as { value: { uploadId: string } }).value.uploadId;
    const wav = pcm16Wav(1, 16000);

    const early = await start(wav.byteLength);
    expect(await call('files.uploadChunk', { uploadId: early, offset: 10, base64: b64(wav) })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: 'a.wav: chunk at byte 10, expected byte 0' } });
    expect(await call('files.uploadChunk', { uploadId: early, offset: 0, base64: b64(wav.subarray(0, 100)) })).toEqual({ ok: true, value: { received: 100 } });
    expect(await call('files.uploadFinish', { uploadId: early })).toMatchObject({ ok: false, error: { message: `a.wav: 100 of ${wav.byteLength} bytes arrived; upload abandoned` } });
    expect(await call('files.uploadFinish', { uploadId: early })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const over = await start(10);
    expect(await call('files.uploadChunk', { uploadId: over, offset: 0, base64: b64(wav.subarray(0, 11)) })).toMatchObject({ ok: false, error: { message: 'a.wav: more bytes than the 10 announced; upload abandoned' } });
    expect(await call('files.uploadChunk', { uploadId: over, offset: 0, base64: b64(wav.subarray(0, 5)) })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(fs.readdirSync(uploads)).toEqual([]);

    expect(await call('files.uploadStart', { name: 'a.wav', sizeBytes: MAX_UPLOAD_BYTES + 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.stringContaining('larger than 200 MB') } });
    expect(await call('files.uploadChunk', { uploadId: 'upload-0000000000000000', offset: 0, base64: b64(new Uint8Array(UPLOAD_CHUNK_BYTES + 3)) })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.stringContaining('at most 512 KiB') } });
  });

  it('keeps a bounded number of uploads under way: starting one more abandons the oldest and deletes its part', () => {
    const files = new OpenedFiles(path.join(tempDir('files'), 'uploads'));
    const ids = Array.from({ length: MAX_PENDING_UPLOADS + 1 }, (_, i) => files.startUpload(`u${i}.wav`, 10));
    expect(() => files.appendUpload(ids[0] as string, 0, new Uint8Array(1))).toThrow(/No upload upload-[0-9a-f]+ under way/);
    expect(files.appendUpload(ids[1] as string, 0, new Uint8Array(1))).toBe(1);
    files.close();
  });

  it('refuses a name that is a path, a non-WAV (naming it), and an unknown id', async () => {
    const engine = engineIn(tempDir('files'));
    for (const name of ['../evil.wav', 'a/b.wav', '..', 'c:\\x.wav']) {
      expect(await dispatch(engine.handlers, 'files.uploadStart', { name, sizeBytes: 100 })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
    await expect(upload(engine, 'notes.wav', new TextEncoder().encode('just text, no RIFF header here'))).rejects.toMatchObject({
      code: 'BAD_FILE',
      message: expect.stringMatching(/^notes\.wav: /),
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
    const first = put(files, 'first.wav', pcm16Wav(0.5, 8000));
    for (let i = 0; i < MAX_OPENED_FILES; i++) put(files, `n${i}.wav`, pcm16Wav(0.5, 8000));
    expect(() => files.get(first.fileId)).toThrow(/No opened file/);
    expect(fs.readdirSync(path.join(root, String(process.pid)))).toHaveLength(MAX_OPENED_FILES);
    files.close();
  });
});
