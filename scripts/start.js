// `npm start`: build and launch the desktop app. Where the Electron binary is not installed (it is
// downloaded by electron's own install step, which some networks block), start browser mode instead
// and say why.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { electronBinary, ensureElectronAbi } from './native.js';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const electronVite = path.join(root, 'node_modules/electron-vite/bin/electron-vite.js');

const binary = electronBinary();
if (binary) {
  ensureElectronAbi(require('electron/package.json').version);
  const build = spawnSync(process.execPath, [electronVite, 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const app = spawn(binary, ['.'], { cwd: root, stdio: 'inherit' });
  app.on('close', (code) => process.exit(code ?? 0));
} else {
  process.stderr.write(
    'The Electron binary is not installed (electron\'s download was skipped or blocked), so the desktop app cannot open.\n' +
      'Starting browser mode instead: open the URL below in a browser on this machine.\n' +
      'To get the desktop app: `npm install` with network access to Electron\'s download host (without ELECTRON_SKIP_BINARY_DOWNLOAD).\n\n',
  );
  const serve = spawn(process.execPath, [path.join(root, 'bin/emotion-studio.js'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => serve.kill(sig));
  serve.on('close', (code) => process.exit(code ?? 0));
}
