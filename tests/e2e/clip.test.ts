/**
 * The Clip view end to end: the real `emotion-studio serve` (browser mode) and Chromium. Index the demo
 * corpus, open a clip from the table, and check that the waveform draws, playback starts (with live
 * Meyda values), and the engine's log-mel and MFCC images are painted.
 */
import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EMOTIONS, STATEMENTS } from '../../shared/ravdess';
import { openApp, screenshot, type AppSession, type Served } from './harness';

const corpus = inject('corpus24');
let app: AppSession;
let served: Served;
let page: Page;
let errors: string[];

beforeAll(async () => {
  // Tall: the app scrolls inside <main>, so a full-page screenshot only shows what fits the viewport.
  app = await openApp({ width: 1280, height: 2000 });
  ({ served, page, errors } = app);
});
afterAll(() => app?.close());

/** Pixels with some opacity in the waveform's own canvases (inside wavesurfer's shadow root). */
function waveformInk(waveform: Locator): Promise<number> {
  return waveform.evaluate((root) => {
    const canvases: HTMLCanvasElement[] = [];
    const walk = (node: Element | ShadowRoot): void => {
      for (const el of Array.from(node.querySelectorAll('*'))) {
        if (el instanceof HTMLCanvasElement && el.closest('.canvases')) canvases.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(root);
    let ink = 0;
    for (const canvas of canvases) {
      if (canvas.width === 0 || canvas.height === 0) continue;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) ink++;
    }
    return ink;
  });
}

/** Distinct colours painted on a plain canvas (a blank one has at most one). */
function canvasColours(canvas: Locator): Promise<number> {
  return canvas.evaluate((el) => {
    if (!(el instanceof HTMLCanvasElement) || el.width === 0) return 0;
    const data = el.getContext('2d')?.getImageData(0, 0, el.width, el.height).data ?? [];
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) {
      colours.add(((data[i] ?? 0) << 24) | ((data[i + 1] ?? 0) << 16) | ((data[i + 2] ?? 0) << 8) | (data[i + 3] ?? 0));
    }
    return colours.size;
  });
}

/** `0:01.52` → 1.52 */
function clockSeconds(text: string | null): number {
  const m = /^(\d+):(\d+\.\d+)$/.exec(text ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}

/** How many times wider wavesurfer's scrolled content is than its visible box. */
function waveformOverflow(waveform: Locator): Promise<number> {
  return waveform.evaluate((root) => {
    const hosts = Array.from(root.querySelectorAll('*')).filter((el) => el.shadowRoot);
    const scroll = hosts[0]?.shadowRoot?.querySelector('.scroll');
    return scroll && scroll.clientWidth > 0 ? scroll.scrollWidth / scroll.clientWidth : 0;
  });
}

describe('Clip view in browser mode', () => {
  it('opens a clip from the table: facts, waveform, playback with live values, log-mel and MFCC images', async () => {
    await page.goto(served.url);
    await page.getByLabel('RAVDESS folder').fill(corpus);
    await page.getByRole('button', { name: 'Index', exact: true }).click();
    await expect.poll(() => page.getByTestId('clip-count').textContent(), { timeout: 30_000 }).toBe('1440');

    const row = page.getByTestId('clip-table').getByRole('row', { name: /^Open clip / }).nth(3);
    const label = (await row.getAttribute('aria-label')) ?? '';
    const name = label.replace(/^Open clip /, '');
    expect(name).toMatch(/^03-01-0[1-8]-0[12]-0[12]-0[12]-\d\d\.wav$/);
    await row.click();

    await expect.poll(() => page.getByTestId('clip-title').textContent()).toBe(name);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Clip' }).getAttribute('aria-current')).toBe('page');
    expect(EMOTIONS).toContain(await page.getByTestId('fact-emotion').textContent());
    const statement = (await page.getByTestId('fact-statement').textContent()) ?? '';
    expect(Object.values(STATEMENTS).some((text) => statement.includes(text))).toBe(true);
    expect(await page.getByTestId('fact-sample-rate').textContent()).toMatch(/^\d+ Hz$/);
    expect(await page.getByTestId('fact-bit-depth').textContent()).toBe('16-bit');

    // The waveform decodes the clip's own bytes and draws.
    const waveform = page.getByTestId('waveform');
    await expect.poll(() => waveform.getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(await page.getByTestId('clip-duration').textContent()).toMatch(/^0:0\d\.\d\d$/);
    await expect.poll(() => waveformInk(waveform), { timeout: 10_000 }).toBeGreaterThan(500);

    // Play: the button turns to Pause, the clock runs, Meyda reports live values.
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await expect.poll(() => page.getByTestId('play-button').textContent()).toBe('Pause');
    await expect.poll(() => page.getByTestId('current-time').textContent(), { timeout: 10_000 }).not.toBe('0:00.00');
    await expect.poll(() => page.getByTestId('live-rms').textContent(), { timeout: 10_000 }).toMatch(/^\d\.\d{4}$/);
    expect(await page.getByTestId('live-centroid').textContent()).toMatch(/Hz$/);

    // The engine's features, drawn on canvases; the analysed window is marked on the player.
    await expect.poll(() => page.getByTestId('logmel-canvas').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => canvasColours(page.getByTestId('logmel-canvas')), { timeout: 10_000 }).toBeGreaterThan(50);
    expect(await canvasColours(page.getByTestId('mfcc-canvas'))).toBeGreaterThan(20);
    expect(await canvasColours(page.getByTestId('rms-canvas'))).toBeGreaterThan(2);
    expect(await page.getByTestId('analysed-window').textContent()).toMatch(/analysed window, 0\.50–\d\.\d\d s/);

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect.poll(() => page.getByTestId('play-button').textContent()).toBe('Play');

    const shot = await screenshot(page, 'clip');
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
  });

  it('goes back to the dataset and opens another clip with the keyboard', async () => {
    const before = await page.getByTestId('clip-title').textContent();
    await page.getByRole('button', { name: '← Back to dataset' }).click();
    const row = page.getByTestId('clip-table').getByRole('row', { name: /^Open clip / }).nth(10);
    const name = ((await row.getAttribute('aria-label')) ?? '').replace(/^Open clip /, '');
    expect(name).not.toBe(before);
    await row.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('clip-title').textContent()).toBe(name);
    await expect.poll(() => page.getByTestId('waveform').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(await page.getByTestId('current-time').textContent()).toBe('0:00.00');
    // Clicking the waveform seeks there.
    const box = await page.getByTestId('waveform').boundingBox();
    if (!box) throw new Error('the waveform has no box');
    await page.mouse.click(box.x + box.width / 2, box.y + 30);
    const duration = clockSeconds(await page.getByTestId('clip-duration').textContent());
    await expect.poll(async () => clockSeconds(await page.getByTestId('current-time').textContent())).toBeGreaterThan(duration * 0.4);
    expect(clockSeconds(await page.getByTestId('current-time').textContent())).toBeLessThan(duration * 0.6);

    // Zooming in makes the waveform wider than its box.
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    expect(await page.getByTestId('zoom-factor').textContent()).toBe('2.3×');
    await expect.poll(() => waveformOverflow(page.getByTestId('waveform'))).toBeGreaterThan(1.8);

    // Space toggles playback when no form control has focus.
    await page.getByTestId('clip-title').click();
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('play-button').textContent()).toBe('Pause');
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('play-button').textContent()).toBe('Play');
    expect(errors).toEqual([]);
  });
});
