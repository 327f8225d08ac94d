/**
 * `npm run dist` where Electron cannot be had: one line saying why and a non-zero exit, at once —
 * never electron-builder's download attempt and stack trace. The environment hides any installed
 * Electron binary and cache, so this runs the same on machines that have them.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { CANNOT_PACKAGE, cachedElectronZip, foreignTargets } from '../../scripts/dist.js';

const root = path.resolve(import.meta.dirname, '../..');
const electronVersion = (createRequire(import.meta.url)('electron/package.json') as { version: string }).version;
const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-test-'));
afterAll(() => fs.rmSync(empty, { recursive: true, force: true }));

/** No Electron binary (an empty override dist) and empty download caches. */
const noElectron: NodeJS.ProcessEnv = {
  ...process.env,
  ELECTRON_OVERRIDE_DIST_PATH: empty,
  electron_config_cache: empty,
  XDG_CACHE_HOME: empty,
  HOME: empty,
  LOCALAPPDATA: empty,
};

describe('scripts/dist.js', () => {
  it('without the Electron binary or a cached zip, fails fast with one line and exit code 1', () => {
    const started = performance.now();
    const r = spawnSync(process.execPath, ['scripts/dist.js', '--dir'], { cwd: root, env: noElectron, encoding: 'utf8' });
    const elapsed = performance.now() - started;
    expect(r.status).toBe(CANNOT_PACKAGE);
    expect(CANNOT_PACKAGE).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `dist: cannot package here: Electron ${electronVersion} is not installed (node_modules/electron/dist is missing, e.g. after ELECTRON_SKIP_BINARY_DOWNLOAD=1) ` +
        `and no electron-v${electronVersion}-${process.platform}-${process.arch}.zip is cached, so electron-builder would have to download it; ` +
        "run `npm install` where Electron's download host is reachable, then `npm run dist` again.",
    );
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    // Decided before building or touching the network.
    expect(elapsed).toBeLessThan(5000);
  });

  it('refuses another OS or arch in one line (native modules are built per OS)', () => {
    const other = process.platform === 'win32' ? '--linux' : '--win';
    const r = spawnSync(process.execPath, ['scripts/dist.js', other], { cwd: root, env: noElectron, encoding: 'utf8' });
    expect(r.status).toBe(CANNOT_PACKAGE);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^dist: packages for this machine only/);
  });

  it('finds a zip in @electron/get’s cache layout (<root>/<url hash>/<zip>)', () => {
    const cache = fs.mkdtempSync(path.join(empty, 'cache-'));
    const env = { electron_config_cache: cache, HOME: empty, XDG_CACHE_HOME: empty, LOCALAPPDATA: empty };
    expect(cachedElectronZip('41.10.0', 'linux', 'x64', env)).toBeNull();
    const zip = path.join(cache, 'a1b2c3', 'electron-v41.10.0-linux-x64.zip');
    fs.mkdirSync(path.dirname(zip));
    fs.writeFileSync(zip, '');
    expect(cachedElectronZip('41.10.0', 'linux', 'x64', env)).toBe(zip);
    expect(cachedElectronZip('41.10.0', 'linux', 'arm64', env)).toBeNull();
  });

  it('tells host targets from foreign ones', () => {
    expect(foreignTargets(['--dir'], 'linux', 'x64')).toEqual([]);
    expect(foreignTargets(['--linux', '--x64'], 'linux', 'x64')).toEqual([]);
    expect(foreignTargets(['-l'], 'linux', 'x64')).toEqual([]);
    expect(foreignTargets(['-mwl'], 'linux', 'x64')).toEqual(['darwin', 'win32']);
    expect(foreignTargets(['--mac', '--win'], 'linux', 'x64')).toEqual(['darwin', 'win32']);
    expect(foreignTargets(['--arm64'], 'darwin', 'x64')).toEqual(['arm64']);
  });
});
