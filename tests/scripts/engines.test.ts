/**
 * What the README says about Node versions agrees with what npm will say: the packages it lists as
 * printing EBADENGINE on the oldest Node that `package.json` supports are exactly the locked packages
 * whose own `engines.node` excludes that version.
 */
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli';

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

describe('Node version: package.json, the lockfile and the README agree', () => {
  const oldest = semver.minVersion(pkg.engines.node);

  it('package.json names a minimum Node, and this Node satisfies it', () => {
    expect(oldest).not.toBeNull();
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
    expect(readme).toContain(`Node.js ${oldest?.major}.${oldest?.minor} or newer`);
  });

  it('the README lists exactly the packages that warn EBADENGINE on that Node', () => {
    const warning = new Set<string>();
    for (const [where, entry] of Object.entries(lock.packages)) {
      if (where === '' || Array.isArray(entry.engines)) continue;
      const range = entry.engines?.node;
      if (range && oldest && !semver.satisfies(oldest, range)) warning.add(where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
    }
    const block = /<!-- engines-warnings[^>]*-->([\s\S]*?)<!-- \/engines-warnings -->/.exec(readme)?.[1] ?? '';
    const listed = new Set([...block.matchAll(/^- `([^`]+)`$/gm)].map((m) => m[1] as string));
    expect([...listed].sort()).toEqual([...warning].sort());
  });
});
