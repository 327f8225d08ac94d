/**
 * The 24-actor demo corpus (1440 clips, ~480 MB) built once through the real CLI and cached in the
 * temp folder under a hash of the generator's sources: a changed generator regenerates, stale copies
 * are removed. Used read-only by the tests and the benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const GENERATOR_SOURCES = ['electron/core/corpus', 'electron/core/audio/wavEncode.ts', 'shared/ravdess.ts'];

function sourcesHash(): string {
  const hash = createHash('sha256');
  const files = GENERATOR_SOURCES.flatMap((p) => {
    const abs = path.join(REPO_ROOT, p);
    return fs.statSync(abs).isDirectory() ? fs.readdirSync(abs).sort().map((f) => path.join(abs, f)) : [abs];
  });
  for (const f of files) hash.update(path.relative(REPO_ROOT, f)).update(fs.readFileSync(f));
  return hash.digest('hex').slice(0, 12);
}

export function ensureDemoCorpus(actors = 24, seed = 1): string {
  const cacheRoot = path.join(os.tmpdir(), 'emotion-studio-test-cache');
  const prefix = `corpus-a${actors}-s${seed}-`;
  const name = `${prefix}${sourcesHash()}`;
  const dir = path.join(cacheRoot, name);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.mkdirSync(cacheRoot, { recursive: true });
  for (const old of fs.readdirSync(cacheRoot)) {
    if (old.startsWith(prefix) && old !== name) fs.rmSync(path.join(cacheRoot, old), { recursive: true, force: true });
  }
  const staging = `${dir}.tmp-${process.pid}`;
  const r = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'bin/emotion-studio.js'), 'demo-corpus', staging, '--actors', String(actors), '--seed', String(seed)],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`demo-corpus failed (exit ${r.status}): ${r.stderr}`);
  fs.writeFileSync(path.join(staging, '.complete'), new Date().toISOString());
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  return dir;
}
