// `npm run dist [-- electron-builder options]`: build the app and package it with electron-builder
// (electron-builder.yml) for this OS — `npm run dist -- --dir` for an unpacked app only.
//
// electron-builder needs Electron itself: the binary `npm install` put in node_modules/electron/dist
// (passed as `electronDist`, so nothing is downloaded), or the Electron zip in @electron/get's cache
// (unpacked into node_modules/electron/dist first, offline, by electron's own installer). With neither,
// electron-builder would try to download the zip and, where that host is unreachable, print a stack
// trace after a long wait: this script says why in one line and exits 1 instead.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { electronBinary, ensureElectronAbi } from './native.js';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');

/** Exit code for "cannot package here": the message says why. */
export const CANNOT_PACKAGE = 1;

const PLATFORM_FLAGS = { linux: ['--linux', '-l'], darwin: ['--mac', '--macos', '-m', '-o'], win32: ['--win', '--windows', '-w'] };
const ARCH_FLAGS = ['x64', 'ia32', 'armv7l', 'arm64', 'universal'];

/** Where @electron/get keeps downloaded zips (electron's installer honours `electron_config_cache`). */
export function electronCacheRoots(env = process.env, platform = process.platform) {
  const home = os.homedir();
  const roots = [];
  if (env.electron_config_cache) roots.push(env.electron_config_cache);
  if (platform === 'darwin') roots.push(path.join(home, 'Library', 'Caches', 'electron'));
  else if (platform === 'win32') roots.push(path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'electron', 'Cache'));
  else roots.push(path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'electron'));
  return roots;
}

/** The cached Electron zip for this version, platform and arch, or null. */
export function cachedElectronZip(version, platform = process.platform, arch = process.arch, env = process.env) {
  const name = `electron-v${version}-${platform}-${arch}.zip`;
  for (const cacheRoot of electronCacheRoots(env, platform)) {
    // @electron/get stores each download under a hash of its URL: <root>/<sha256>/<name>.
    const candidates = [path.join(cacheRoot, name)];
    try {
      for (const entry of fs.readdirSync(cacheRoot, { withFileTypes: true })) {
        if (entry.isDirectory()) candidates.push(path.join(cacheRoot, entry.name, name));
      }
    } catch {
      continue;
    }
    const found = candidates.find((candidate) => fs.existsSync(candidate));
    if (found) return found;
  }
  return null;
}

/** The platforms and archs the electron-builder arguments ask for other than this machine's. */
export function foreignTargets(args, platform = process.platform, arch = process.arch) {
  // Short flags combine (`-mwl`): look at each letter.
  const flags = args.flatMap((a) => (/^-[a-zA-Z]{2,}$/.test(a) ? [...a.slice(1)].map((c) => `-${c}`) : [a]));
  const foreign = [];
  for (const [target, names] of Object.entries(PLATFORM_FLAGS)) {
    if (target !== platform && flags.some((f) => names.includes(f))) foreign.push(target);
  }
  for (const a of ARCH_FLAGS) if (a !== arch && flags.includes(`--${a}`)) foreign.push(a);
  return foreign;
}

/** Unpack a cached zip into node_modules/electron/dist with electron's installer (checksums ship with it: no network). */
function installElectronFromCache() {
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron', 'install.js')], { cwd: root, env, encoding: 'utf8' });
  return r.status === 0 && electronBinary() !== null;
}

class CannotPackage extends Error {}

/** Checks and returns the extra electron-builder options, or throws CannotPackage with one line. */
function prepare(args) {
  let electronVersion;
  try {
    electronVersion = require('electron/package.json').version;
    require.resolve('electron-builder/cli.js');
  } catch {
    throw new CannotPackage('dist: electron and electron-builder must be installed (run `npm install`).');
  }
  const foreign = foreignTargets(args);
  if (foreign.length > 0) {
    throw new CannotPackage(
      `dist: packages for this machine only (${process.platform}-${process.arch}); ${foreign.join(', ')} was asked for — better-sqlite3 is native, so build each OS's installers on that OS (e.g. a CI matrix).`,
    );
  }
  if (electronBinary() === null) {
    const zip = cachedElectronZip(electronVersion);
    if (zip === null || !installElectronFromCache()) {
      throw new CannotPackage(
        `dist: cannot package here: Electron ${electronVersion} is not installed (node_modules/electron/dist is missing, e.g. after ELECTRON_SKIP_BINARY_DOWNLOAD=1) and no electron-v${electronVersion}-${process.platform}-${process.arch}.zip is cached, so electron-builder would have to download it; run \`npm install\` where Electron's download host is reachable, then \`npm run dist\` again.`,
      );
    }
  }
  // electronBinary() is <dist>/electron (Linux), <dist>/electron.exe or <dist>/Electron.app/… (macOS).
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(root, 'node_modules', 'electron', 'dist');
  return { electronVersion, options: [`-c.electronDist=${dist}`] };
}

function run(command, args) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

export function main(args = process.argv.slice(2)) {
  let prepared;
  try {
    prepared = prepare(args);
  } catch (error) {
    process.stderr.write(`${error instanceof CannotPackage ? error.message : `dist: ${String(error instanceof Error ? error.message : error).split('\n')[0]}`}\n`);
    return CANNOT_PACKAGE;
  }
  const built = run(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
  if (built !== 0) return built;
  try {
    // The packaged app loads better-sqlite3 under Electron (electron-builder.yml sets npmRebuild: false).
    ensureElectronAbi(prepared.electronVersion);
  } catch (error) {
    process.stderr.write(`dist: ${String(error instanceof Error ? error.message : error).split('\n')[0]}\n`);
    return CANNOT_PACKAGE;
  }
  const cli = require.resolve('electron-builder/cli.js');
  return run(process.execPath, [cli, '--config', path.join(root, 'electron-builder.yml'), ...prepared.options, ...args]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main();
}
