import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function readVersion(): string {
  // Source layout: electron/core/ → ../../package.json. Bundled main (out/main/) → ../../package.json too.
  try {
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export const APP_VERSION: string = readVersion();
