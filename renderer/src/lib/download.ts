/**
 * Saving bytes the engine sent as a file, the browser way: a Blob behind an object URL, clicked through
 * a temporary `<a download>`. The URL is revoked a little later, not at once: some browsers read it
 * only after the click returns.
 */
import { base64ToBytes } from './audio/base64';

export const REVOKE_AFTER_MS = 10_000;

export function downloadBytes(fileName: string, bytes: Uint8Array<ArrayBuffer>, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
}

export function downloadBase64(fileName: string, base64: string, mimeType: string): void {
  downloadBytes(fileName, base64ToBytes(base64), mimeType);
}
