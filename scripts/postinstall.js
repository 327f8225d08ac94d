// npm's `postinstall`: when the Electron binary is installed, build better-sqlite3 for Electron's ABI
// so `npm start` opens the app at once. Without the binary (ELECTRON_SKIP_BINARY_DOWNLOAD=1, as in CI)
// this does nothing: better-sqlite3 stays built for Node, which is what the tests and the CLI load.
// Never fails the install: `npm start` makes the same check again and reports a failure there.
import { createRequire } from 'node:module';
import { electronBinary, ensureElectronAbi } from './native.js';

const require = createRequire(import.meta.url);

if (electronBinary() === null) {
  process.stdout.write('postinstall: no Electron binary installed (ELECTRON_SKIP_BINARY_DOWNLOAD?), so better-sqlite3 stays built for Node — nothing to rebuild.\n');
} else {
  const version = require('electron/package.json').version;
  try {
    ensureElectronAbi(version);
    process.stdout.write(`postinstall: better-sqlite3 is built for Electron ${version} (\`npm test\` switches it back to Node when it runs).\n`);
  } catch (error) {
    const reason = String(error instanceof Error ? error.message : error).split('\n')[0];
    process.stdout.write(`postinstall: could not build better-sqlite3 for Electron ${version} (${reason}); \`npm start\` will try again.\n`);
  }
}
