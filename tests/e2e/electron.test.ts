/**
 * The real desktop app under Playwright's Electron driver. It needs the Electron binary, which is
 * downloaded by electron's install step; where that download is skipped or blocked the test is skipped
 * and says why. It uses only the public contract (`window.api`) and the demo corpus.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { electronBinary, ensureElectronAbi, ensureNodeAbi } from '../../scripts/native.js';
import type { Transport } from '../../shared/client';
import { REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/fixtureCorpus';
import { screenshot } from './harness';

const require = createRequire(import.meta.url);
const binary = electronBinary();
const title = binary
  ? 'desktop app (Electron) smoke test'
  : 'desktop app (Electron) smoke test — SKIPPED: the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD or a blocked download)';

describe.skipIf(!binary)(title, () => {
  const corpus = inject('corpus24');
  let app: ElectronApplication;

  beforeAll(async () => {
    ensureElectronAbi((require('electron/package.json') as { version: string }).version);
    app = await electron.launch({
      executablePath: binary as string,
      args: [path.join(REPO_ROOT, 'out/main/index.js')],
      env: { ...process.env, EMOTION_STUDIO_HOME: tempDir('electron-home') },
    });
  });
  afterAll(async () => {
    await app?.close();
    ensureNodeAbi();
  });

  it('opens a sandboxed window whose page reaches the engine only through window.api and indexes the corpus', async () => {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.title()).toBe('Emotion Studio');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    const info = await page.evaluate(() => (window as unknown as { api: Transport }).api.invoke('app.info', {}));
    expect(info).toMatchObject({ ok: true, value: { mode: 'electron', nativeDialogs: true, nativeOpen: true } });
    await page.evaluate((root) => (window as unknown as { api: Transport }).api.invoke('dataset.startIndex', { root }), corpus);
    await page.reload();
    await expect.poll(() => page.getByTestId('clip-count').textContent(), { timeout: 30_000 }).toBe('1440');
    await screenshot(page, 'electron-dataset');
  });
});
