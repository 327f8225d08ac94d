/**
 * A user's clone has nothing beside it: every fixture a test reads lives in this repository, and no
 * test source reaches for the team's shared folder (`../shared`) or a machine-specific path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceDir, repoRoot, SIGNALS } from './electron/core/features/reference';

function testSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testSources(full);
    return /\.(ts|js|svelte)$/.test(entry.name) ? [full] : [];
  });
}

describe('test fixtures', () => {
  it('the librosa and pYIN references are inside the repository, every file present', () => {
    expect(path.relative(repoRoot, referenceDir).startsWith('..')).toBe(false);
    for (const name of SIGNALS) {
      for (const file of [`librosa/${name}.json`, `librosa/${name}.wav`, `pyin/${name}.json`]) {
        expect(fs.existsSync(path.join(repoRoot, 'tests/fixtures/reference', file)), file).toBe(true);
      }
    }
  });

  it('no test source names a path outside the repository', () => {
    // The shared folder beside the repo (as a string path, not `../../shared/…` module imports, which are the repo's own `shared/`).
    const outside = [/(['"`])(\.\.\/)*\.\.\/shared\/reference/, /path\.resolve\(repoRoot, ['"`]\.\.\//, /\/work\/shared/, /EMOTION_STUDIO_SHARED/];
    const offenders = testSources(path.join(repoRoot, 'tests')).flatMap((file) => {
      if (file === import.meta.filename) return [];
      const text = fs.readFileSync(file, 'utf8');
      return outside.filter((re) => re.test(text)).map((re) => `${path.relative(repoRoot, file)} matches ${re}`);
    });
    expect(offenders).toEqual([]);
  });
});
