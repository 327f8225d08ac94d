// Keeps better-sqlite3's native binary built for the runtime about to use it.
// Tests and the CLI run under Node; the desktop app runs under Electron, whose ABI differs. A stamp
// file records which runtime the binary was last built for, so a switch rebuilds once, not every time;
// each build is also kept in node_modules/.cache, so switching back and forth later is a file copy.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const moduleDir = path.join(root, 'node_modules', 'better-sqlite3');
const stamp = path.join(moduleDir, 'build', 'emotion-studio-abi.txt');
const addon = path.join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
// Outside better-sqlite3's build/, which `node-gyp rebuild` wipes.
const abiCache = path.join(root, 'node_modules', '.cache', 'emotion-studio', 'better-sqlite3');

function readStamp() {
  try {
    return fs.readFileSync(stamp, 'utf8').trim();
  } catch {
    return '';
  }
}

function writeStamp(label) {
  fs.mkdirSync(path.dirname(stamp), { recursive: true });
  fs.writeFileSync(stamp, `${label}\n`);
}

function cached(label) {
  return path.join(abiCache, `${label}-${process.platform}-${process.arch}.node`);
}

/** Keep the freshly built addon for `label` so a later switch back is a copy, not a compile. */
function remember(label) {
  try {
    fs.mkdirSync(abiCache, { recursive: true });
    fs.copyFileSync(addon, cached(label));
  } catch {
    // Only a speed-up: without it the next switch rebuilds.
  }
}

/** Put the kept build for `label` in place; false when there is none. */
function restore(label) {
  const from = cached(label);
  if (!fs.existsSync(from)) return false;
  // Copy then rename: a process that still has the old addon mapped keeps reading the old file.
  fs.mkdirSync(path.dirname(addon), { recursive: true });
  const temp = `${addon}.${process.pid}.tmp`;
  fs.copyFileSync(from, temp);
  fs.renameSync(temp, addon);
  return true;
}

function rebuild(env, label) {
  process.stderr.write(`Rebuilding better-sqlite3 for ${label}…\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' });
  if (r.status !== 0) throw new Error(`Rebuilding better-sqlite3 for ${label} failed (exit ${r.status})`);
}

/**
 * Whether plain Node can load better-sqlite3, asked of a child process: loading it here would keep the
 * addon mapped in this process (and locked on Windows) while it is replaced.
 */
function loadsInNode() {
  const probe = "const D = require('better-sqlite3'); new D(':memory:').close();";
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8' });
  if (r.status === 0) return true;
  const message = `${r.stderr ?? ''}${r.error ?? ''}`;
  if (/NODE_MODULE_VERSION|did not self-register|invalid ELF|not a valid Win32|wrong ELF class|Could not locate the bindings|mach-o/i.test(message)) return false;
  throw new Error(`better-sqlite3 does not load under Node for another reason:\n${message.trim()}`);
}

/** True when better-sqlite3 was last built for Electron (by `npm start` or postinstall): the CLI switches it back first. */
export function builtForElectron() {
  return readStamp().startsWith('electron-');
}

/** Make sure plain Node (this process's version) can load better-sqlite3. Fast when it already can. */
export function ensureNodeAbi() {
  const label = `node-${process.versions.modules}`;
  // Asked of the binary itself, not the stamp: a stamp can be stale (an interrupted switch, a copied tree).
  if (loadsInNode()) {
    if (readStamp() !== label) writeStamp(label);
    return;
  }
  if (!(restore(label) && loadsInNode())) {
    rebuild({ npm_config_runtime: 'node', npm_config_target: process.versions.node }, `Node ${process.versions.node}`);
    remember(label);
  }
  writeStamp(label);
}

/** Make sure the installed Electron can load better-sqlite3 (fetches a prebuild or compiles). */
export function ensureElectronAbi(electronVersion) {
  const label = `electron-${electronVersion}`;
  if (readStamp() === label) return;
  const current = readStamp();
  // Keep the Node build before replacing it, so the test runner's switch back is a copy.
  if (current.startsWith('node-')) remember(current);
  if (!restore(label)) {
    try {
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
    } catch (error) {
      // node-gyp cleans before it fetches Electron's headers: put the Node build back rather than none.
      if (current.startsWith('node-') && restore(current)) writeStamp(current);
      throw error;
    }
    remember(label);
  }
  writeStamp(label);
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
