/**
 * End-to-end harness: the real `emotion-studio serve` (browser mode) and Debian's Chromium driven by
 * playwright-core. Screenshots go to test-artifacts/e2e/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/cli';
import { serve, type Served } from '../helpers/serve';

export { serve, type Served };

export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collect console errors and page errors (CSP violations land here too) so a test can assert none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // The app scrolls inside <main>, so a full-page shot would stop at the window: grow the window to fit it.
  const viewport = page.viewportSize();
  const overflow = await page.evaluate(() => {
    const main = document.querySelector('main');
    return main ? main.scrollHeight - main.clientHeight : 0;
  });
  if (viewport && overflow > 0) await page.setViewportSize({ width: viewport.width, height: viewport.height + overflow });
  try {
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    if (viewport && overflow > 0) await page.setViewportSize(viewport);
  }
  return file;
}

export interface AppSession {
  served: Served;
  browser: Browser;
  page: Page;
  /** Console and page errors seen so far (tests assert none). */
  errors: string[];
  close(): Promise<void>;
}

/** Browser mode on a fresh database, and a Chromium page of the given size watching for errors. */
export async function openApp(viewport: { width: number; height: number }): Promise<AppSession> {
  const served = await serve();
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  const errors = watchErrors(page);
  return {
    served,
    browser,
    page,
    errors,
    async close() {
      await browser.close();
      await served.stop();
    },
  };
}
