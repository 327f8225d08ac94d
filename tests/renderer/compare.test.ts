/**
 * The Compare view against the fake engine: picking 2–4 runs (and refusing a 5th or an unfinished
 * one), the config diff, the best-value marks of the side-by-side tables (expected values computed
 * here from the fake confusion matrices, not taken from the engine's `best`), the warnings, the
 * confusion matrices and curves, engine errors, stale answers and reloading when a training job ends.
 * Canvases get no 2D context in jsdom, so the heatmaps and uPlot charts render only their DOM.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../shared/client';
import type { ClassificationReport, Experiment } from '../../shared/experiments';
import CompareView from '../../renderer/src/features/compare/CompareView.svelte';
import { overlaidCurves, TOO_MANY_MESSAGE } from '../../renderer/src/features/compare/compareQuery';
import { CompareStore } from '../../renderer/src/features/compare/compareStore.svelte';
import { FakeEngine, RAVDESS_ROOT } from './fakeEngine';
import { ACTOR_CONFUSION, actorRerun, actorVariant, KFOLD_CONFUSION, LABELS, reportFrom, STRATIFIED_CONFUSION } from './fakeExperiments';

let controller: AbortController;

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  controller = new AbortController();
});
afterEach(() => {
  controller.abort();
  vi.restoreAllMocks();
});

/** Runs 1 actor-dnn, 2 stratified-dnn, 3 cancelled-run, 4 kfold-dnn, plus `extra`. */
async function openCompare(extra: Experiment[] = [], engine = new FakeEngine()) {
  engine.seedExperiments();
  engine.seedExperiments(extra);
  const store = new CompareStore(createClient(engine));
  render(CompareView, { props: { store } });
  await store.start(controller.signal);
  return { engine, store };
}

const checkbox = (id: number): HTMLInputElement => screen.getByTestId(`compare-pick-${id}`);

async function pick(...ids: number[]): Promise<void> {
  for (const id of ids) await fireEvent.click(checkbox(id));
}

/** Wait until the per-class table shows exactly these runs' columns. */
async function waitForColumns(ids: number[]): Promise<HTMLElement> {
  return waitFor(() => {
    const table = screen.getByTestId('compare-per-class');
    expect(columnIds(table)).toEqual(ids);
    return table;
  });
}

function columnIds(table: HTMLElement): number[] {
  return [...table.querySelectorAll('thead th[data-experiment-id]')].map((th) => Number(th.getAttribute('data-experiment-id')));
}

function dataRows(table: HTMLElement): HTMLTableRowElement[] {
  return [...table.querySelectorAll<HTMLTableRowElement>('tbody tr[data-row]')];
}

const markedColumns = (row: HTMLTableRowElement): number[] =>
  [...row.querySelectorAll('td')].flatMap((td, i) => (td.classList.contains('best') ? [i] : []));

/** Indices of the row maximum (every tied one), with a 1e-12 tolerance as exact-equality stand-in. */
function expectedBest(values: number[]): number[] {
  const max = Math.max(...values);
  return values.flatMap((v, i) => (Math.abs(v - max) < 1e-12 ? [i] : []));
}

/** `angry precision` → that value in `report`. */
function perClassValue(report: ClassificationReport, label: string): number {
  const [emotion = '', metric = ''] = label.split(' ');
  const value = report.perClass[emotion]?.[metric as 'precision' | 'recall' | 'f1'];
  if (value === undefined) throw new Error(`no ${label}`);
  return value;
}

function summaryValue(report: ClassificationReport, label: string): number {
  if (label === 'accuracy') return report.accuracy;
  const [average = '', metric = ''] = label.split(' ');
  return report[average as 'macro' | 'weighted'][metric as 'precision' | 'recall' | 'f1'];
}

/** Check every row's marks, displayed values and accessible "best" text against `expected(label)`. */
function expectMarks(table: HTMLElement, expected: (label: string) => number[]): { ties: number } {
  let ties = 0;
  const rows = dataRows(table);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    const label = row.getAttribute('data-row') ?? '';
    const values = expected(label);
    const best = expectedBest(values);
    if (best.length > 1) ties++;
    const cells = [...row.querySelectorAll('td')];
    expect(cells.map((td) => td.querySelector('mark')?.textContent ?? td.textContent?.trim()), label).toEqual(values.map((v) => v.toFixed(3)));
    expect(markedColumns(row), label).toEqual(best);
    for (const i of best) {
      expect(cells[i]?.querySelector('mark'), label).not.toBeNull();
      expect(cells[i]?.textContent, label).toMatch(/\(best\)$/);
    }
  }
  return { ties };
}

const actorReport = reportFrom(LABELS, ACTOR_CONFUSION);
const stratifiedReport = reportFrom(LABELS, STRATIFIED_CONFUSION);
const kfoldReport = reportFrom(LABELS, KFOLD_CONFUSION);

describe('picker', () => {
  it('lists every run, lets only runs with metrics be picked, and asks for at least two', async () => {
    const { engine } = await openCompare();
    expect(engine.callsOf('experiments.list')).toEqual([{}]);
    for (const id of [1, 2, 4]) expect(checkbox(id).disabled).toBe(false);
    expect(checkbox(3).disabled).toBe(true);
    expect(screen.getByText(/cannot be compared: cancelled, no test metrics/)).toBeTruthy();
    expect(screen.getByTestId('compare-selection-message').textContent).toMatch(/Select 2 to 4 finished experiments/);

    await pick(1);
    expect(checkbox(1).checked).toBe(true);
    expect(screen.getByTestId('compare-selection-message').textContent).toMatch(/Select at least one more experiment: 1 of 2–4 selected/);
    expect(engine.callsOf('experiments.compare')).toEqual([]);
    expect(screen.queryByTestId('compare-per-class')).toBeNull();
  });

  it('refuses a 5th run with a message, and takes it once another is unpicked', async () => {
    const { engine, store } = await openCompare([actorRerun(5, 'actor-rerun', 6), actorRerun(6, 'actor-rerun-2', 7, 0.002)]);
    await pick(1, 2, 4, 5);
    await waitForColumns([1, 2, 4, 5]);

    await pick(6);
    expect(checkbox(6).checked).toBe(false);
    expect(store.selectedIds).toEqual([1, 2, 4, 5]);
    expect(screen.getByTestId('compare-selection-message').textContent).toBe(TOO_MANY_MESSAGE);
    expect(engine.callsOf('experiments.compare').every((p) => (p as { ids: number[] }).ids.length <= 4)).toBe(true);
    expect(engine.callsOf('experiments.compare').at(-1)).toEqual({ ids: [1, 2, 4, 5] });

    await pick(1, 6);
    await waitForColumns([2, 4, 5, 6]);
    expect(checkbox(6).checked).toBe(true);
    expect(screen.getByTestId('compare-selection-message').textContent).toBe('4 of at most 4 experiments selected.');
    store.setSelection([1, 2, 4, 5, 6]);
    expect(store.selectedIds).toEqual([2, 4, 5, 6]);
    expect(store.refusal).toBe(TOO_MANY_MESSAGE);
  });

  it('reloads the list when a training job ends', async () => {
    const { engine } = await openCompare();
    engine.finishTraining(actorRerun(7, 'fresh-run', 8));
    await waitFor(() => expect(checkbox(7).disabled).toBe(false));
    expect(engine.callsOf('experiments.list')).toHaveLength(2);
  });
});

describe('comparison of two runs', () => {
  it('shows both columns in the per-class table, headed by name, #id and model, and only the differing config keys', async () => {
    const { engine } = await openCompare();
    await pick(1, 4);
    const perClass = await waitForColumns([1, 4]);
    expect(engine.callsOf('experiments.compare')).toEqual([{ ids: [1, 4] }]);
    expect(engine.callsOf('experiments.get')).toEqual([{ id: 1 }, { id: 4 }]);

    const heads = [...perClass.querySelectorAll('thead th[data-experiment-id]')].map((th) => th.textContent?.replace(/\s+/g, ' ').trim());
    expect(heads[0]).toMatch(/^actor-dnn #1 · advanced_dnn actor hold-out$/);
    expect(heads[1]).toMatch(/^kfold-dnn #4 · advanced_dnn actor k-fold$/);
    const labels = dataRows(perClass).map((r) => r.getAttribute('data-row'));
    expect(labels).toEqual(LABELS.flatMap((e) => [`${e} precision`, `${e} recall`, `${e} f1`]));
    expect(dataRows(perClass).every((r) => r.querySelectorAll('td').length === 2)).toBe(true);

    // Run 4 sets training.split and training.k; everything else is the default in both.
    const diff = screen.getByTestId('config-diff');
    const keys = [...diff.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-key'));
    expect(keys).toEqual(['training.k', 'training.split']);
    const values = (key: string) => [...diff.querySelectorAll(`tr[data-key="${key}"] td`)].map((td) => td.textContent?.trim());
    expect(values('training.k')).toEqual(['5', '3']);
    expect(values('training.split')).toEqual(['actor', 'actor_kfold']);
    expect(within(diff).queryByText('training.epochs')).toBeNull();
  });

  it('says the configs are the same when only the metrics could differ', async () => {
    await openCompare([actorRerun(5, 'actor-rerun', 6, 0.001)]);
    await pick(1, 5);
    await waitForColumns([1, 5]);
    expect(screen.getByTestId('config-identical').textContent).toMatch(/same config/);
  });

  it('shows the confusion matrices side by side, each with its own counts/normalised toggle', async () => {
    await openCompare();
    await pick(1, 4);
    await waitForColumns([1, 4]);
    const confusions = screen.getByTestId('compare-confusions');
    const tables = within(confusions).getAllByTestId('confusion-table');
    expect(tables).toHaveLength(2);
    const firstRow = (table: HTMLElement) => [...(table.querySelector('tbody tr')?.querySelectorAll('td') ?? [])].map((td) => td.textContent);
    expect(firstRow(tables[0] as HTMLElement)).toEqual(ACTOR_CONFUSION[0]?.map(String));
    expect(firstRow(tables[1] as HTMLElement)).toEqual(KFOLD_CONFUSION[0]?.map(String));

    const [first, second] = within(confusions).getAllByRole('group');
    await fireEvent.click(within(second as HTMLElement).getByRole('radio', { name: 'Normalised' }));
    await waitFor(() => expect(tables[1]?.getAttribute('data-mode')).toBe('normalised'));
    expect(tables[0]?.getAttribute('data-mode')).toBe('counts');
    expect((within(first as HTMLElement).getByRole('radio', { name: 'Counts' }) as HTMLInputElement).checked).toBe(true);
  });

  it('overlays validation and train curves, a colour per run, and says which fold of a k-fold run is drawn', async () => {
    await openCompare();
    await pick(1, 4);
    await waitForColumns([1, 4]);
    const curves = screen.getByTestId('compare-curves');
    expect(curves.getAttribute('data-series')).toBe('2');
    expect(within(curves).getByRole('img', { name: 'Accuracy per epoch, validation and train: actor-dnn #1, kfold-dnn #4' })).toBeTruthy();
    expect(within(curves).getByRole('img', { name: 'Loss per epoch, validation and train: actor-dnn #1, kfold-dnn #4' })).toBeTruthy();
    expect(screen.getByTestId('compare-curves-caption').textContent).toMatch(/kfold-dnn #4 is k-fold: fold 1 of 3 is drawn/);
  });

  it('aligns the runs on the epoch and draws fold 1 (15 epochs) of the k-fold run, not its longest fold (18)', () => {
    const runs = [actorRerun(5, 'twenty', 6), { id: 4, name: 'kfold', history: [fold(15), fold(18), fold(12)] }];
    const curves = overlaidCurves(runs);
    expect(curves.accuracy[0]).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Columns: x, then per run validation and train.
    expect(curves.accuracy).toHaveLength(5);
    expect(curves.accuracy[3]?.filter((v) => v !== null)).toHaveLength(15);
    expect(curves.accuracy[3]?.[14]).toBe(0.5);
    expect(curves.accuracy[3]?.[15]).toBeNull();
    expect(curves.loss[1]?.[0]).toBe(runs[0]?.history[0]?.[0]?.valLoss);
    expect(curves.loss[2]?.[0]).toBe(runs[0]?.history[0]?.[0]?.loss);
    expect(curves.accuracy[4]?.[0]).toBe(1);
    expect(curves.kfold).toEqual([{ id: 4, name: 'kfold', folds: 3 }]);
  });
});

function fold(epochs: number) {
  return Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, loss: 1, acc: i === 0 ? 1 : 0.6, valLoss: 2, valAcc: 0.5, lr: 0.001, seconds: 1 }));
}

describe('best-value marks', () => {
  it('marks exactly the best cell of each per-class and summary row across three runs on the same split', async () => {
    // Three runs on run 1's test actors, whose predictions differ.
    await openCompare([actorVariant(5, 'actor-b', 6, STRATIFIED_CONFUSION), actorVariant(6, 'actor-c', 7, KFOLD_CONFUSION)]);
    await pick(1, 5, 6);
    const perClass = await waitForColumns([1, 5, 6]);
    const reports = [actorReport, stratifiedReport, kfoldReport];
    expectMarks(perClass, (label) => reports.map((r) => perClassValue(r, label)));
    expectMarks(screen.getByTestId('compare-summary'), (label) => reports.map((r) => summaryValue(r, label)));
    expect(dataRows(perClass).every((row) => markedColumns(row).join() === '1')).toBe(true);
    expect(screen.queryByTestId('compare-warnings')).toBeNull();
  });

  it('marks every tied column: a re-run with the same predictions ties run 1 wherever run 1 beats the third', async () => {
    await openCompare([actorRerun(5, 'actor-rerun', 6), actorVariant(6, 'actor-c', 7, KFOLD_CONFUSION)]);
    await pick(1, 5, 6);
    const perClass = await waitForColumns([1, 5, 6]);
    const reports = [actorReport, actorReport, kfoldReport];
    const { ties } = expectMarks(perClass, (label) => reports.map((r) => perClassValue(r, label)));
    expect(ties).toBeGreaterThan(0);
    expect(dataRows(perClass).some((row) => markedColumns(row).join() === '0,1')).toBe(true);
    expect(dataRows(perClass).some((row) => markedColumns(row).join() === '2')).toBe(true);
    expectMarks(screen.getByTestId('compare-summary'), (label) => reports.map((r) => summaryValue(r, label)));
  });

  it('marks nothing across runs that are not like for like (actor hold-out, speaker-dependent, k-fold), and says why', async () => {
    await openCompare();
    await pick(1, 2, 4);
    const perClass = await waitForColumns([1, 2, 4]);
    for (const table of [perClass, screen.getByTestId('compare-summary')]) {
      expect(dataRows(table).length).toBeGreaterThan(0);
      expect(dataRows(table).every((row) => markedColumns(row).length === 0)).toBe(true);
      expect(table.querySelectorAll('mark')).toHaveLength(0);
    }
    expect(screen.getByTestId('compare-summary-unmarked').textContent).toContain('No best values marked: the runs are not like for like');
    expect(screen.getByTestId('compare-per-class-unmarked')).toBeTruthy();
    expect(within(screen.getByTestId('compare-warnings')).getByText('These runs are not like for like:')).toBeTruthy();
  });
});

describe('warnings', () => {
  it('warns when the splits differ and one run is speaker-dependent', async () => {
    await openCompare();
    await pick(1, 2);
    await waitForColumns([1, 2]);
    const warnings = screen.getByTestId('compare-warnings');
    expect(warnings.getAttribute('role')).toBe('alert');
    const items = within(warnings).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual([
      expect.stringMatching(/different splits/),
      'No best values are marked: the runs are not like for like.',
      expect.stringMatching(/Experiment 2 "stratified-dnn" is speaker-dependent/),
    ]);
  });

  it('warns about different splits for an actor hold-out against a k-fold run, and not at all for the same split', async () => {
    await openCompare([actorRerun(5, 'actor-rerun', 6)]);
    await pick(1, 4);
    await waitForColumns([1, 4]);
    expect(within(screen.getByTestId('compare-warnings')).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      expect.stringMatching(/different splits/),
      'No best values are marked: the runs are not like for like.',
    ]);
    await pick(4, 5);
    await waitForColumns([1, 5]);
    expect(screen.queryByTestId('compare-warnings')).toBeNull();
  });

  it('two runs on the same test clips: the paired difference, its interval and McNemar’s p; other test sets: why not', async () => {
    const engine = new FakeEngine();
    // The fake's test clips come from the dataset's clips, so this test has one.
    engine.seedDataset(RAVDESS_ROOT);
    await openCompare(
      [actorVariant(5, 'other-corpus', 6, STRATIFIED_CONFUSION, 0.0005, { datasetId: 2, datasetRoot: '/data/other-corpus' }), actorVariant(6, 'actor-c', 7, KFOLD_CONFUSION)],
      engine,
    );
    await pick(1, 6);
    await waitForColumns([1, 6]);
    const block = screen.getByTestId('compare-significance');
    expect(block.getAttribute('data-paired')).toBe('true');
    expect(within(block).getByTestId('significance-difference').textContent).toMatch(/^[+−]\d+\.\d pts$/);
    expect(within(block).getByTestId('significance-interval').textContent).toMatch(/^[+−]\d+\.\d pts to [+−]\d+\.\d pts$/);
    expect(within(block).getByTestId('significance-p').textContent).toMatch(/^p = /);
    // Run 1 against a run on another dataset: nothing to pair.
    await pick(6, 5);
    await waitForColumns([1, 5]);
    expect(screen.getByTestId('compare-significance').getAttribute('data-paired')).toBe('false');
    expect(screen.getByTestId('significance-reason').textContent).toBe('The runs were tested on different datasets: there are no clips to pair, so no significance test.');
  });

  it('two k-fold runs over the same folds: the per-fold paired differences too', async () => {
    const engine = new FakeEngine();
    engine.seedDataset(RAVDESS_ROOT);
    const [, , , kfold] = (await import('./fakeExperiments')).fakeExperiments();
    if (!kfold?.metrics?.folds) throw new Error('expected the fake k-fold run');
    const reports = kfold.metrics.folds.reports.map((r, i) => ({ ...r, accuracy: r.accuracy + [0.02, -0.01, 0.05][i]! }));
    const variant: Experiment = { ...structuredClone(kfold), id: 7, name: 'kfold-svm', metrics: { ...kfold.metrics, folds: { ...kfold.metrics.folds, reports } } };
    await openCompare([variant], engine);
    await pick(4, 7);
    await waitForColumns([4, 7]);
    expect(screen.getByTestId('significance-folds').textContent).toMatch(/Fold by fold \(the same test actors in both runs\): \+2\.0 pts, −1\.0 pts, \+5\.0 pts — mean\s+\+2\.0 pts ± 3\.0 pts \(sd over 3 folds\)/);
  });

  it('shows each run’s dataset, and warns (marking nothing) when they differ', async () => {
    await openCompare([actorVariant(5, 'other-corpus', 6, STRATIFIED_CONFUSION, 0.0005, { datasetId: 2, datasetRoot: '/data/other-corpus' })]);
    await pick(1, 5);
    await waitForColumns([1, 5]);
    const datasetRow = [...screen.getByTestId('compare-summary').querySelectorAll('tbody.facts tr')].find((tr) => tr.querySelector('th')?.textContent === 'dataset');
    expect([...(datasetRow?.querySelectorAll('td') ?? [])].map((td) => td.textContent)).toEqual(['/data/Audio_Speech_Actors_01-24', '/data/other-corpus']);
    const items = within(screen.getByTestId('compare-warnings')).getAllByRole('listitem').map((li) => li.textContent);
    expect(items[0]).toBe('The runs were trained and tested on different datasets (/data/Audio_Speech_Actors_01-24, /data/other-corpus): their metrics are not comparable.');
    expect(screen.getByTestId('compare-summary').querySelectorAll('mark')).toHaveLength(0);
  });
});

describe('loading and errors', () => {
  it('shows an engine error with its code, and compares on Retry', async () => {
    const engine = new FakeEngine();
    engine.failures.set('experiments.compare', { code: 'INTERNAL', message: 'database is locked' });
    await openCompare([], engine);
    await pick(1, 2);
    const error = await screen.findByTestId('compare-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toMatch(/Could not compare experiments 1, 2:\s*database is locked/);
    expect(screen.getByTestId('compare-error-code').textContent).toBe('INTERNAL');
    expect(screen.queryByTestId('compare-per-class')).toBeNull();

    engine.failures.delete('experiments.compare');
    await fireEvent.click(within(error).getByRole('button', { name: 'Retry' }));
    await waitForColumns([1, 2]);
    expect(screen.queryByTestId('compare-error')).toBeNull();
  });

  it('shows a failed list load', async () => {
    const engine = new FakeEngine();
    engine.failures.set('experiments.list', { code: 'INTERNAL', message: 'no database' });
    await openCompare([], engine);
    expect(screen.getByTestId('compare-list-error').textContent).toMatch(/Could not load the experiments:\s*no database/);
  });

  it('shows "Comparing…" while waiting and ignores an answer to an older selection', async () => {
    const { engine } = await openCompare();
    engine.hold('experiments.compare');
    await pick(1, 2);
    await waitFor(() => expect(engine.heldCount('experiments.compare')).toBe(1));
    expect(screen.getByTestId('compare-loading').textContent).toBe('Comparing…');
    await pick(4);
    await waitFor(() => expect(engine.heldCount('experiments.compare')).toBe(2));

    engine.release('experiments.compare', 1);
    await waitForColumns([1, 2, 4]);
    engine.release('experiments.compare', 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(columnIds(screen.getByTestId('compare-per-class'))).toEqual([1, 2, 4]);
    expect(screen.queryByTestId('compare-loading')).toBeNull();
  });
});
