/**
 * Which renderer URLs may call the engine. Kept free of Electron imports so it is unit-tested under Node.
 * The app loads either the built renderer from disk (file://…/out/renderer/index.html) or, in
 * development, electron-vite's dev server (ELECTRON_RENDERER_URL).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export function trustedRendererUrl(url: string, rendererIndexFile: string, devServerUrl: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    if (parsed.origin === dev.origin) return true;
  }
  if (parsed.protocol !== 'file:') return false;
  const expected = pathToFileURL(path.resolve(rendererIndexFile));
  return parsed.pathname === expected.pathname;
}
