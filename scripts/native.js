// Keeps better-sqlite3's native binary built for the runtime about to use it.
// Tests and the CLI run under Node; the desktop app runs under Electron, whose ABI differs. A stamp
// file records which runtime the binary was last built for, so a switch rebuilds once, not every time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const moduleDir = path.join(root, 'node_modules', 'better-sqlite3');
const stamp = path.join(moduleDir, 'build', 'emotion-studio-abi.txt');

function readStamp() {
  try {
    return fs.readFileSync(stamp, 'utf8').trim();
  } catch {
    return '';
  }
}

function rebuild(env, label) {
  process.stderr.write(`Rebuilding better-sqlite3 for ${label}…\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`Rebuilding better-sqlite3 for ${label} failed (exit ${r.status})`);
}

/** Make sure plain Node (this process's version) can load better-sqlite3. */
export function ensureNodeAbi() {
  const label = `node-${process.versions.modules}`;
  const loads = () => {
    try {
      const Database = require('better-sqlite3');
      new Database(':memory:').close();
      return true;
    } catch (err) {
      if (!/NODE_MODULE_VERSION|did not self-register|invalid ELF|Could not locate the bindings/.test(String(err))) throw err;
      return false;
    }
  };
  if (readStamp().startsWith('electron-') || !loads()) {
    rebuild({ npm_config_runtime: 'node', npm_config_target: process.versions.node }, `Node ${process.versions.node}`);
  }
  fs.mkdirSync(path.dirname(stamp), { recursive: true });
  fs.writeFileSync(stamp, `${label}\n`);
}

/** Make sure the installed Electron can load better-sqlite3 (fetches a prebuild or compiles). */
export function ensureElectronAbi(electronVersion) {
  const label = `electron-${electronVersion}`;
  if (readStamp() === label) return;
  rebuild(
    {
      npm_config_runtime: 'electron',
      npm_config_target: electronVersion,
      npm_config_disturl: 'https://electronjs.org/headers',
      // A nodedir (as some machines set in ~/.npmrc) would silently build against Node's headers instead.
      npm_config_nodedir: '',
      npm_config_build_from_source: '',
    },
    `Electron ${electronVersion}`,
  );
  fs.writeFileSync(stamp, `${label}\n`);
}

/** The Electron binary's path when it is installed, else null (e.g. ELECTRON_SKIP_BINARY_DOWNLOAD). */
export function electronBinary() {
  try {
    const bin = require('electron');
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}
