/**
 * Audio files the user opened outside any dataset: chosen in a native dialog (Electron) or uploaded by
 * the renderer (browser mode, drag-and-drop). The renderer addresses them by an unguessable `fileId`
 * only, so it can read exactly the files the user picked and nothing else. Uploads are written to this
 * process's uploads folder and removed when evicted or when the engine closes (and, if a process died,
 * by the next engine to start).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../../shared/errors';
import type { ClipAudio } from '../../../shared/features';
import type { OpenedFile } from '../../../shared/prediction';
import { parseRavdessName } from '../../../shared/ravdess';
import { readWavHeader, WavFormatError } from '../audio/wavHeader';
import { processAlive } from '../process';
import { playerAudio } from './playerAudio';

/** How many opened files are remembered; the oldest goes (and its upload is deleted) beyond this. */
export const MAX_OPENED_FILES = 32;
/** How many uploads may be under way at once; starting another abandons (and deletes) the oldest. */
export const MAX_PENDING_UPLOADS = 4;

interface PendingUpload {
  name: string;
  sizeBytes: number;
  received: number;
  /** The partial file on disk, in a folder of its own. */
  path: string;
}

interface Entry {
  file: OpenedFile;
  path: string;
  /** An upload we wrote, deleted when forgotten. */
  owned: boolean;
}

export class OpenedFiles {
  readonly #entries = new Map<string, Entry>();
  readonly #uploads = new Map<string, PendingUpload>();
  readonly #uploadDir: string;

  /** Uploads go to `<uploadsRoot>/<pid>/`: engines sharing a data folder (app, CLI) keep apart. */
  constructor(uploadsRoot: string) {
    this.#uploadDir = path.join(uploadsRoot, String(process.pid));
    // Uploads of engines that died: nothing refers to them any more.
    if (fs.existsSync(uploadsRoot)) {
      for (const entry of fs.readdirSync(uploadsRoot)) {
        const pid = Number(entry);
        if (pid === process.pid || !Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) {
          fs.rmSync(path.join(uploadsRoot, entry), { recursive: true, force: true });
        }
      }
    }
  }

  /** Register a file the user chose on disk; it must be a readable WAV. */
  openPath(file: string): OpenedFile {
    const abs = path.resolve(file);
    return this.#register(abs, path.basename(abs), false);
  }

  /** Begin an upload of `sizeBytes` bytes: an empty file on disk that chunks are appended to. */
  startUpload(name: string, sizeBytes: number): string {
    // A folder per upload keeps the file's own name (a RAVDESS name still tells the ground truth).
    const folder = path.join(this.#uploadDir, randomBytes(8).toString('hex'));
    fs.mkdirSync(folder, { recursive: true });
    const stored = path.join(folder, name);
    fs.writeFileSync(stored, new Uint8Array(0), { flag: 'wx' });
    const uploadId = `upload-${randomBytes(8).toString('hex')}`;
    this.#uploads.set(uploadId, { name, sizeBytes, received: 0, path: stored });
    while (this.#uploads.size > MAX_PENDING_UPLOADS) {
      const [oldest] = this.#uploads.keys();
      this.#dropUpload(oldest as string);
    }
    return uploadId;
  }

  /** Append the next chunk; `offset` must be the count received so far (chunks arrive in order). */
  appendUpload(uploadId: string, offset: number, bytes: Uint8Array): number {
    const upload = this.#pending(uploadId);
    if (offset !== upload.received) {
      throw new EngineError('INVALID_PAYLOAD', `${upload.name}: chunk at byte ${offset}, expected byte ${upload.received}`);
    }
    if (upload.received + bytes.byteLength > upload.sizeBytes) {
      this.#dropUpload(uploadId);
      throw new EngineError('INVALID_PAYLOAD', `${upload.name}: more bytes than the ${upload.sizeBytes} announced; upload abandoned`);
    }
    try {
      fs.appendFileSync(upload.path, bytes);
    } catch (err) {
      this.#dropUpload(uploadId);
      throw new EngineError('UNREADABLE', `${upload.name}: could not store the upload in ${path.dirname(upload.path)}: ${(err as Error).message}`);
    }
    upload.received += bytes.byteLength;
    return upload.received;
  }

  /** Complete an upload: every announced byte must have arrived; then it opens like a chosen file. */
  finishUpload(uploadId: string): OpenedFile {
    const upload = this.#pending(uploadId);
    this.#uploads.delete(uploadId);
    try {
      if (upload.received !== upload.sizeBytes) {
        throw new EngineError('INVALID_PAYLOAD', `${upload.name}: ${upload.received} of ${upload.sizeBytes} bytes arrived; upload abandoned`);
      }
      return this.#register(upload.path, upload.name, true);
    } catch (err) {
      fs.rmSync(path.dirname(upload.path), { recursive: true, force: true });
      throw err;
    }
  }

  #pending(uploadId: string): PendingUpload {
    const upload = this.#uploads.get(uploadId);
    if (!upload) throw new EngineError('NOT_FOUND', `No upload ${uploadId} under way (start it again)`);
    return upload;
  }

  #dropUpload(uploadId: string): void {
    const upload = this.#uploads.get(uploadId);
    this.#uploads.delete(uploadId);
    if (upload) fs.rmSync(path.dirname(upload.path), { recursive: true, force: true });
  }

  /** The file's path on disk (for prediction) and what the renderer knows of it. */
  get(fileId: string): { file: OpenedFile; path: string } {
    const entry = this.#entries.get(fileId);
    if (!entry) throw new EngineError('NOT_FOUND', `No opened file ${fileId} (open it again)`);
    return { file: entry.file, path: entry.path };
  }

  audio(fileId: string): ClipAudio {
    const { file, path: where } = this.get(fileId);
    return playerAudio(where, file.name, 'the file is gone');
  }

  /** Forget every file and delete the uploads. */
  close(): void {
    this.#entries.clear();
    this.#uploads.clear();
    fs.rmSync(this.#uploadDir, { recursive: true, force: true });
  }

  #register(where: string, name: string, owned: boolean): OpenedFile {
    let sizeBytes: number;
    try {
      const stat = fs.statSync(where);
      if (!stat.isFile()) throw new EngineError('BAD_FILE', `${name}: not a file`);
      sizeBytes = stat.size;
    } catch (err) {
      if (err instanceof EngineError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new EngineError(code === 'ENOENT' ? 'NOT_FOUND' : 'UNREADABLE', `${where}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    let header: ReturnType<typeof readWavHeader>;
    try {
      header = readWavHeader(where, sizeBytes);
    } catch (err) {
      if (err instanceof WavFormatError) throw new EngineError('BAD_FILE', `${name}: ${err.message}`);
      throw new EngineError('UNREADABLE', `${name}: ${(err as Error).message}`);
    }
    const parsed = parseRavdessName(name);
    const fileId = `file-${randomBytes(8).toString('hex')}`;
    const file: OpenedFile = {
      fileId,
      name,
      sizeBytes,
      durationSec: header.durationSec,
      sampleRate: header.sampleRate,
      channels: header.channels,
      bitDepth: header.bitDepth,
      ...(parsed.ok ? { groundTruth: parsed.value.emotion } : {}),
    };
    this.#entries.set(fileId, { file, path: where, owned });
    while (this.#entries.size > MAX_OPENED_FILES) {
      const [oldest, entry] = this.#entries.entries().next().value as [string, Entry];
      this.#entries.delete(oldest);
      if (entry.owned) fs.rmSync(path.dirname(entry.path), { recursive: true, force: true });
    }
    return file;
  }
}
