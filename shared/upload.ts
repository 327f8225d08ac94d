/**
 * Sending a file to the engine (`files.uploadStart` → `files.uploadChunk`… → `files.uploadFinish`) in
 * `UPLOAD_CHUNK_BYTES` slices, so no message outgrows a transport's frame limit and the file is never
 * held in memory whole (each slice is read from the Blob as it is sent). Works over any `Client`: the
 * renderer's (browser mode, Electron) and Node's (tests).
 */
import type { Client } from './client';
import { UPLOAD_CHUNK_BYTES, type OpenedFile } from './prediction';

/** What an upload reads: a DOM `File`/`Blob` (Node's too) with a name. */
export interface UploadSource {
  readonly name: string;
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** Bytes → base64, in slices (String.fromCharCode has an argument limit). `btoa` is in browsers and Node. */
export function bytesToBase64(bytes: Uint8Array): string {
  const SLICE = 0x8000;
  let binary = '';
  for (let i = 0; i < bytes.length; i += SLICE) binary += String.fromCharCode(...bytes.subarray(i, i + SLICE));
  return btoa(binary);
}

export async function uploadFile(
  client: Client,
  file: UploadSource,
  onProgress?: (sentBytes: number, totalBytes: number) => void,
): Promise<OpenedFile> {
  const { uploadId } = await client.call('files.uploadStart', { name: file.name, sizeBytes: file.size });
  let offset = 0;
  while (offset < file.size) {
    const end = Math.min(file.size, offset + UPLOAD_CHUNK_BYTES);
    const bytes = new Uint8Array(await file.slice(offset, end).arrayBuffer());
    const { received } = await client.call('files.uploadChunk', { uploadId, offset, base64: bytesToBase64(bytes) });
    offset = received;
    onProgress?.(offset, file.size);
  }
  return client.call('files.uploadFinish', { uploadId });
}
