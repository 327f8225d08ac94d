import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EMOTIONS } from '../../shared/ravdess';
import { openApp, screenshot, type AppSession, type Served } from './harness';

const corpus = inject('corpus24');
let app: AppSession;
let served: Served;
let page: Page;
let errors: string[];

beforeAll(async () => {
  app = await openApp({ width: 1280, height: 900 });
  ({ served, page, errors } = app);
});
afterAll(() => app?.close());

describe('Dataset view in browser mode', () => {
  it('indexes the demo corpus, shows 1440 clips and the per-emotion counts, filters to actor 01', async () => {
    await page.goto(served.url);
    await page.getByLabel('RAVDESS folder').fill(corpus);
    await page.getByRole('button', { name: 'Index', exact: true }).click();

    await expect.poll(() => page.getByTestId('clip-count').textContent(), { timeout: 30_000 }).toBe('1440');
    const byEmotion = page.getByTestId('by-emotion');
    for (const emotion of EMOTIONS) {
      const row = byEmotion.locator('tr', { has: page.locator('th', { hasText: new RegExp(`^${emotion}$`) }) });
      await expect.poll(() => row.locator('td').first().textContent()).toBe(emotion === 'neutral' ? '96' : '192');
    }
    await expect.poll(() => page.getByTestId('row-count').textContent()).toMatch(/^1440 of 1440 clips$/);

    await page.getByLabel('Actor', { exact: true }).selectOption('01');
    await expect.poll(() => page.getByTestId('row-count').textContent()).toBe('60 of 1440 clips');
    // Every rendered row is actor 01's: the full path (cell title) and the file name's actor code say so.
    const fileCells = page.getByTestId('clip-table').locator('[role=row]:not(.head) [role=cell]:first-child');
    await expect.poll(() => fileCells.count()).toBeGreaterThan(10);
    const paths = await fileCells.evaluateAll((cells) => cells.map((c) => c.getAttribute('title') ?? ''));
    for (const p of paths) expect(p).toMatch(/^Actor_01\/03-01-0[1-8]-0[12]-0[12]-0[12]-01\.wav$/);

    const shot = await screenshot(page, 'dataset');
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
  });

  it('shows a typed error for a folder that does not exist, and keeps working', async () => {
    await page.getByLabel('RAVDESS folder').fill('/no/such/folder');
    await page.getByRole('button', { name: 'Index', exact: true }).click();
    await expect.poll(() => page.getByText('Folder /no/such/folder does not exist').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('clip-count').textContent()).toBe('1440');
  });
});
