/**
 * Browser mode's address (port and token) is kept per data folder, so that a tab left open across a
 * restart of `npm start` / `emotion-studio serve` reconnects by itself: same URL, same token. The file
 * is readable by its owner only; it holds nothing but the token a local page would need anyway.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ADDRESS_FILE_NAME = 'browser-mode.json';

export interface SavedAddress {
  port: number;
  token: string;
}

const TOKEN_RE = /^[0-9a-f]{64}$/;

/** The address saved in `dataDir`, or null when there is none or it is not one this program wrote. */
export function readSavedAddress(dataDir: string): SavedAddress | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(dataDir, ADDRESS_FILE_NAME), 'utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { port, token } = parsed as Record<string, unknown>;
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) return null;
  if (typeof token !== 'string' || !TOKEN_RE.test(token)) return null;
  return { port: port as number, token };
}

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Save atomically (temp file + rename), mode 0600. */
export function saveAddress(dataDir: string, address: SavedAddress): void {
  fs.mkdirSync(dataDir, { recursive: true });
  const target = path.join(dataDir, ADDRESS_FILE_NAME);
  const temp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(address)}\n`, { mode: 0o600 });
  fs.renameSync(temp, target);
}
