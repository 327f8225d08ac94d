/**
 * The used-by story in Chromium through browser mode on the 1440-clip demo corpus: index the folder,
 * train a DNN for 5 epochs and watch the progress and curves grow, find it in the history with its
 * per-class table, start a run with another model, reload the window, find the run again and cancel
 * it, train a second DNN with another config, compare the two finished runs, and step through the
 * first run's test clips with the model's live prediction. Screenshots: train, detail, compare, predict.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeWavFile } from '../../electron/core/audio/decode';
import { DEFAULT_CONFIG } from '../../shared/config';
import { tempDir } from '../helpers/fixtureCorpus';
import { pcmWav } from '../helpers/wavBytes';
import { openApp, screenshot, type AppSession } from './harness';

const corpus = inject('corpus24');
let app: AppSession;
let page: Page;

beforeAll(async () => {
  app = await openApp({ width: 1440, height: 1000 });
  page = app.page;
});
afterAll(() => app?.close());

/** What the Train view's run panel showed, each time it changed (recorded in the page, so no state is missed). */
interface TraceEntry {
  status: string;
  phase: string;
  epoch: string;
  points: number;
  progress: number | null;
  phaseTime: string;
}

async function traceRunPanel(): Promise<void> {
  await page.evaluate(() => {
    const trace: TraceEntry[] = [];
    (window as unknown as { __trace: TraceEntry[] }).__trace = trace;
    const text = (id: string): string => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? '';
    const record = (): void => {
      const panel = document.querySelector('[data-testid="train-run"]');
      if (!panel) return;
      const value = document.querySelector('[data-testid="train-progress"]')?.getAttribute('data-value') ?? '';
      const entry: TraceEntry = {
        status: panel.getAttribute('data-status') ?? '',
        phase: text('train-phase'),
        epoch: text('train-epoch'),
        points: Number(document.querySelector('[data-testid="learning-curves"]')?.getAttribute('data-points') ?? 0),
        progress: value === '' ? null : Number(value),
        phaseTime: text('train-phase-time'),
      };
      const last = trace.at(-1);
      if (!last || JSON.stringify(last) !== JSON.stringify(entry)) trace.push(entry);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

const trace = (): Promise<TraceEntry[]> => page.evaluate(() => (window as unknown as { __trace: TraceEntry[] }).__trace);

async function nav(label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true }).click();
}

async function field(label: string, value: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(value);
}

const statusOf = () => page.getByTestId('train-status').textContent();

describe('Train, watch, history and compare in browser mode', () => {
  it('indexes the demo corpus', async () => {
    await page.goto(app.served.url);
    await page.getByLabel('RAVDESS folder').fill(corpus);
    await page.getByRole('button', { name: 'Index', exact: true }).click();
    await expect.poll(() => page.getByTestId('clip-count').textContent(), { timeout: 30_000 }).toBe('1440');
  });

  it('trains a DNN for 5 epochs: the progress advances and the curves gain a point per epoch', async () => {
    await nav('Train');
    await expect.poll(() => page.getByTestId('config-source').textContent()).toBe('configs/default.yaml');
    await field('Epochs', '5');
    await field('Run name', 'dnn five epochs');
    await expect.poll(() => page.getByTestId('config-validity').textContent()).toBe('Config is valid');
    await traceRunPanel();
    await page.getByTestId('train-start').click();
    // Feature extraction (most of a first run) shows its elapsed time and the time left.
    await expect.poll(() => page.getByTestId('train-phase-time').textContent().catch(() => ''), { timeout: 60_000, interval: 200 }).toMatch(/elapsed · about .+ left$/);
    await screenshot(page, 'train-progress');

    await expect.poll(statusOf, { timeout: 180_000, interval: 250 }).toBe('finished');
    const seen = await trace();
    const running = seen.filter((t) => t.status === 'running');
    // Features were extracted first, with their own progress.
    expect(running.some((t) => /^Extracting features: \d+\/1440$/.test(t.phase))).toBe(true);
    expect(running.some((t) => /^Extracting features/.test(t.phase) && /^\d+\.\d s elapsed · about .+ left$/.test(t.phaseTime))).toBe(true);
    // While the run was still running the curves had 1, 2, 3, 4 and then 5 points, in that order, and the bar moved with them.
    const pointsWhileRunning = [...new Set(running.map((t) => t.points))];
    expect(pointsWhileRunning.filter((p) => p > 0)).toEqual([1, 2, 3, 4, 5].slice(0, pointsWhileRunning.filter((p) => p > 0).length));
    expect(pointsWhileRunning.filter((p) => p > 0).length).toBeGreaterThanOrEqual(3);
    const epochs = running.filter((t) => /^\d\/5$/.test(t.epoch)).map((t) => t.epoch);
    expect(epochs[0]).toBe('1/5');
    const bar = running.filter((t) => t.phase.startsWith('Training') && t.progress !== null).map((t) => t.progress as number);
    expect(bar.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < bar.length; i++) expect(bar[i]).toBeGreaterThanOrEqual(bar[i - 1] as number);
    expect(bar.at(-1)).toBeGreaterThan(bar[0] as number);

    await expect.poll(() => page.getByTestId('learning-curves').getAttribute('data-points')).toBe('5');
    expect(await page.getByTestId('train-epoch').textContent()).toBe('5/5');
    expect(await page.getByTestId('train-backend').textContent()).toMatch(/^(tensorflow|wasm|cpu)$/);
    expect(Number(await page.getByTestId('train-accuracy').textContent())).toBeGreaterThan(0);
    // uPlot drew real charts (canvas), not just their labels; the kept epoch is said under them.
    expect(await page.getByTestId('accuracy-chart').locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('curve-markers').textContent()).toMatch(/best validation loss at epoch [1-5] \(those weights are kept\)/);
    // The legend shows the last epoch's values without hovering.
    expect(await page.getByTestId('accuracy-chart').locator('.u-legend').textContent()).toMatch(/epoch:?\s*5/);
    const shot = await screenshot(page, 'train');
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
  });

  it('the finished run is in the history and its detail has the per-class table', async () => {
    await page.getByTestId('train-open-experiment').click();
    const detail = page.getByTestId('experiment-detail');
    await expect.poll(() => detail.getByRole('heading', { level: 2 }).textContent()).toBe('dnn five epochs');
    await expect.poll(() => detail.getByTestId('experiment-status').textContent()).toBe('finished');
    const report = detail.getByTestId('classification-report');
    for (const emotion of Object.values(DEFAULT_CONFIG.data.emotions)) {
      const cells = report.locator(`tr[data-class="${emotion}"] td`);
      await expect.poll(() => cells.count()).toBe(4);
      const [precision, recall, f1, support] = await cells.allTextContents();
      for (const v of [precision, recall, f1]) expect(Number(v)).toBeGreaterThanOrEqual(0);
      expect(Number(support)).toBeGreaterThan(0);
    }
    const row = page.getByTestId('experiments-table').locator('tr', { hasText: 'dnn five epochs' });
    await expect.poll(() => row.textContent()).toContain('finished');
    const shot = await screenshot(page, 'detail');
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
  });

  it('a run with another model can be cancelled and is listed as cancelled', async () => {
    await nav('Train');
    await page.getByLabel('Architecture').selectOption('cnn');
    await field('Epochs', '50');
    await field('Run name', 'cnn to cancel');
    await page.getByTestId('train-start').click();
    await expect.poll(() => page.getByTestId('train-run-name').textContent()).toBe('cnn to cancel');
    await expect.poll(() => page.getByTestId('train-phase').textContent(), { timeout: 60_000 }).toMatch(/^Training/);

    // A reloaded window finds the running job again.
    await page.reload();
    await nav('Train');
    await expect.poll(() => page.getByTestId('train-run-name').textContent(), { timeout: 15_000 }).toBe('cnn to cancel');
    expect(await statusOf()).toBe('running');
    await page.getByTestId('train-cancel').click();
    await expect.poll(statusOf, { timeout: 60_000 }).toBe('cancelled');

    await nav('Experiments');
    const row = page.getByTestId('experiments-table').locator('tr', { hasText: 'cnn to cancel' });
    await expect.poll(() => row.textContent()).toContain('cancelled');
  });

  it('compares two finished runs: both columns in the per-class table, and the config diff', async () => {
    await nav('Train');
    await page.getByLabel('Architecture').selectOption('advanced_dnn');
    await field('Epochs', '3');
    await field('Learning rate', '0.002');
    await field('Hidden layers', '128, 64');
    await field('Dropout rates', '0.3, 0.2');
    await field('Run name', 'dnn small');
    await page.getByTestId('train-start').click();
    await expect.poll(() => page.getByTestId('train-run-name').textContent()).toBe('dnn small');
    await expect.poll(statusOf, { timeout: 120_000 }).toBe('finished');

    await nav('Compare');
    const picker = page.getByTestId('compare-picker');
    await expect.poll(() => picker.locator('tr', { hasText: 'dnn small' }).count()).toBe(1);
    for (const name of ['dnn five epochs', 'dnn small']) {
      await picker.locator('tr', { hasText: name }).getByRole('checkbox').check();
    }
    const perClass = page.getByTestId('compare-per-class');
    await expect.poll(() => perClass.locator('thead th[data-experiment-id]').count(), { timeout: 30_000 }).toBe(2);
    const headings = await perClass.locator('thead th[data-experiment-id]').allTextContents();
    expect(headings.join(' | ')).toMatch(/dnn five epochs.*\|.*dnn small/);
    for (const emotion of Object.values(DEFAULT_CONFIG.data.emotions)) {
      const f1 = perClass.locator(`tr[data-row="${emotion} f1"] td`);
      expect(await f1.count()).toBe(2);
      for (const v of await f1.allTextContents()) expect(v).toMatch(/^\d\.\d{3}/);
    }
    // Each row marks at least one best value.
    const rows = await perClass.locator('tbody tr[data-row]').count();
    const marked = await perClass.locator('tbody tr[data-row]:has(td[data-best])').count();
    expect(marked).toBe(rows);

    const diff = page.getByTestId('config-diff');
    const keys = await diff.locator('tr[data-key]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')));
    expect(keys.sort()).toEqual(['model.dropout_rates', 'model.hidden_layers', 'training.epochs', 'training.learning_rate']);
    expect(await diff.locator('tr[data-key="training.learning_rate"] td').allTextContents()).toEqual(['0.001', '0.002']);

    const shot = await screenshot(page, 'compare');
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    expect(app.errors).toEqual([]);
  });

  it('steps through a run’s test clips: the prediction, its bars and ground-truth mark, and the next misclassified clip', async () => {
    await nav('Experiments');
    await page.getByTestId('experiments-table').locator('tr', { hasText: 'dnn five epochs' }).click();
    await page.getByTestId('step-test-clips').click();
    await expect.poll(() => page.getByTestId('test-position').textContent(), { timeout: 30_000 }).toMatch(/^clip 1 of \d+$/);
    await expect.poll(() => page.getByTestId('predicted-emotion').textContent(), { timeout: 60_000 }).toMatch(/^[a-z]+$/);

    // The live prediction is the experiment's own evaluation of this clip, of a held-out actor.
    expect(await page.getByTestId('clip-standing').getAttribute('data-held-out')).toBe('true');
    const predicted = await page.getByTestId('predicted-emotion').textContent();
    expect(predicted).toBe(await page.getByTestId('test-evaluated').textContent());
    const bars = page.getByTestId('probability-bars').locator('li');
    expect(await bars.count()).toBe(6);
    const probabilities = (await bars.evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-probability'))))) as number[];
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(await page.getByTestId('probability-bars').locator('li[data-top="true"]').getAttribute('data-emotion')).toBe(predicted);
    expect(await page.getByTestId('ground-truth').getAttribute('data-correct')).toMatch(/^(true|false)$/);

    await page.getByTestId('test-next-wrong').click();
    await expect.poll(() => page.getByTestId('ground-truth').getAttribute('data-correct'), { timeout: 30_000 }).toBe('false');
    const wrong = await page.getByTestId('predicted-emotion').textContent();
    expect(wrong).toBe(await page.getByTestId('test-evaluated').textContent());
    expect(await page.getByTestId('ground-truth').textContent()).not.toContain(`ground truth ${wrong}`);
    await expect.poll(() => page.getByTestId('waveform').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');

    const shot = await screenshot(page, 'predict');
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    expect(app.errors).toEqual([]);
  });

  it('opens a 60 s 48 kHz WAV (5.8 MB, many upload chunks) through the page and sees its windows', async () => {
    // Twenty of the corpus's own 3 s takes back to back: speech-like audio, 60 s at 48 kHz.
    const takes = fs.readdirSync(path.join(corpus, 'Actor_01')).sort().slice(0, 40);
    const pieces: Float32Array[] = [];
    let frames = 0;
    for (const take of takes) {
      if (frames >= 60 * 48000) break;
      const { samples } = decodeWavFile(path.join(corpus, 'Actor_01', take));
      const mono = samples.subarray(0, Math.min(samples.length, 60 * 48000 - frames));
      pieces.push(mono);
      frames += mono.length;
    }
    const joined = new Float32Array(frames);
    pieces.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
    const file = path.join(tempDir('e2e-long'), 'meeting-60s.wav');
    fs.writeFileSync(file, pcmWav([joined], 48000, 16));
    expect(fs.statSync(file).size).toBeGreaterThan(5 * 1024 * 1024);

    await nav('Clip');
    await page.getByTestId('wav-file').setInputFiles(file);
    await expect.poll(() => page.getByTestId('clip-title').textContent(), { timeout: 60_000 }).toBe('meeting-60s.wav');
    await expect.poll(() => page.getByTestId('waveform').getAttribute('data-ready'), { timeout: 60_000 }).toBe('true');
    expect(await page.getByTestId('clip-duration').textContent()).toBe('1:00.00');
    const caption = await page.getByTestId('emotion-timeline').locator('figcaption').textContent({ timeout: 60_000 });
    // 3 s windows every 1 s over 60 s, plus one aligned to the end: 58.
    expect(caption).toMatch(/Emotion over time — 58 windows of 3(\.0)? s/);
    expect(await page.getByTestId('emotion-timeline').locator('[data-emotion]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('connection-banner').count()).toBe(0);
    expect(app.errors).toEqual([]);
  });

  it('at 1024 px the history and a three-run comparison fit the window; a speaker-dependent run makes it not like for like', async () => {
    await nav('Train');
    await page.getByLabel('Split', { exact: true }).selectOption('stratified');
    await field('Epochs', '3');
    await field('Run name', 'dnn stratified');
    await page.getByTestId('train-start').click();
    await expect.poll(() => page.getByTestId('train-run-name').textContent()).toBe('dnn stratified');
    await expect.poll(statusOf, { timeout: 120_000 }).toBe('finished');

    await page.setViewportSize({ width: 1024, height: 800 });
    /** How far `testId`'s table reaches past the window's right edge (0 when it fits). */
    const overflow = (testId: string) =>
      page.getByTestId(testId).evaluate((el) => {
        const table = el.tagName === 'TABLE' ? el : el.querySelector('table');
        return table ? Math.max(0, Math.ceil(table.getBoundingClientRect().right - document.documentElement.clientWidth)) : -1;
      });
    await nav('Experiments');
    await expect.poll(() => page.getByTestId('experiments-table').locator('tbody tr').count()).toBe(4);
    await screenshot(page, 'experiments-1024');
    expect(await overflow('experiments-table')).toBe(0);
    const accuracy = await page.getByTestId('experiments-table').getByRole('columnheader', { name: /Accuracy/ }).boundingBox();
    expect((accuracy?.x ?? Infinity) + (accuracy?.width ?? 0)).toBeLessThanOrEqual(1024);

    await nav('Compare');
    const picker = page.getByTestId('compare-picker');
    for (const name of ['dnn five epochs', 'dnn small', 'dnn stratified']) {
      const box = picker.locator('tr', { hasText: name }).getByRole('checkbox');
      if (!(await box.isChecked())) await box.check();
    }
    const perClass = page.getByTestId('compare-per-class');
    await expect.poll(() => perClass.locator('thead th[data-experiment-id]').count(), { timeout: 30_000 }).toBe(3);
    await screenshot(page, 'compare-1024-warnings');
    for (const id of ['compare-picker', 'compare-summary', 'compare-per-class', 'config-diff']) expect(await overflow(id), id).toBe(0);
    const warnings = await page.getByTestId('compare-warnings').textContent();
    expect(warnings).toContain('These runs are not like for like');
    expect(warnings).toContain('different splits');
    expect(warnings).toContain('is speaker-dependent');
    expect(await perClass.locator('mark').count()).toBe(0);
    expect(await page.getByTestId('compare-summary-unmarked').textContent()).toContain('not like for like');
    await page.setViewportSize({ width: 1440, height: 1000 });
    expect(app.errors).toEqual([]);
  });
});
