/** The engine sends audio as base64 (JSON frames); the player wants a Blob. */
import type { ClipAudio } from '../../../../shared/features';

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function clipAudioBlob(audio: ClipAudio): Blob {
  return new Blob([base64ToBytes(audio.base64)], { type: audio.mimeType });
}
