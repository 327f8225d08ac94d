/** A WAV file's bytes for the renderer's player (base64 over IPC/WebSocket), for indexed clips and opened files alike. */
import fs from 'node:fs';
import { EngineError } from '../../../shared/errors';
import type { ClipAudio } from '../../../shared/features';

/** Largest file the player is sent. */
export const MAX_PLAYER_BYTES = 200 * 1024 * 1024;

/** `name` is how errors refer to the file; `goneHint` says what to do when it has disappeared. */
export function playerAudio(file: string, name: string, goneHint: string): ClipAudio {
  let bytes: Buffer;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_PLAYER_BYTES) throw new EngineError('BAD_FILE', `${name}: ${size} bytes is too large to play here`);
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof EngineError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new EngineError(code === 'ENOENT' ? 'NOT_FOUND' : 'UNREADABLE', `${name}: ${code === 'ENOENT' ? goneHint : (err as Error).message}`);
  }
  return { mimeType: 'audio/wav', base64: bytes.toString('base64'), sizeBytes: bytes.byteLength };
}
