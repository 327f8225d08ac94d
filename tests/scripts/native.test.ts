/**
 * The CLI after the desktop app: `npm start` (or postinstall with the Electron binary) leaves
 * better-sqlite3 marked as built for Electron, and the CLI must switch it back before the engine loads
 * it. Here the binary is really Node's, so the switch is a probe and a new stamp, never a rebuild.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/fixtureCorpus';

const stamp = path.join(REPO_ROOT, 'node_modules/better-sqlite3/build/emotion-studio-abi.txt');
const before = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8') : null;
afterAll(() => {
  if (before === null) fs.rmSync(stamp, { force: true });
  else fs.writeFileSync(stamp, before);
});

describe('bin/emotion-studio.js and better-sqlite3’s ABI', () => {
  it('a binary marked as built for Electron is checked under Node and re-marked before the CLI runs', () => {
    fs.mkdirSync(path.dirname(stamp), { recursive: true });
    fs.writeFileSync(stamp, 'electron-41.10.0\n');
    const r = spawnSync(process.execPath, [CLI, 'experiments', 'list', '--db', path.join(tempDir('abi'), 'db.sqlite')], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/Rebuilding|NODE_MODULE_VERSION/);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(stamp, 'utf8').trim()).toBe(`node-${process.versions.modules}`);
  });
});
