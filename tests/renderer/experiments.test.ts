/**
 * The Experiments view against the fake engine: the history table (sorting, the speaker-dependent
 * badge, the empty state), a run's detail (classification report, confusion matrix and its normalised
 * view, a cancelled run, k-fold summaries) and refreshing when a training job ends. Canvases get no 2D
 * context in jsdom, so the heatmap and uPlot charts render only their DOM and accessible labels.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../shared/client';
import { SPEAKER_DEPENDENT_LABEL } from '../../shared/experiments';
import { ExperimentsStore } from '../../renderer/src/features/experiments/experimentsStore.svelte';
import { FakeEngine } from './fakeEngine';
import { ACTOR_CONFUSION, fakeExperiments, LABELS } from './fakeExperiments';
import { renderApp } from './helpers';

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function openExperiments(engine = new FakeEngine()) {
  const view = renderApp(engine);
  const nav = screen.getByRole('navigation', { name: 'Main' });
  await fireEvent.click(within(nav).getByRole('button', { name: 'Experiments' }));
  return { engine, ...view };
}

async function seededView() {
  const engine = new FakeEngine();
  engine.seedExperiments();
  const view = await openExperiments(engine);
  await waitFor(() => expect(tableRows()).toHaveLength(4));
  return view;
}

function tableRows(): HTMLElement[] {
  const table = screen.getByTestId('experiments-table');
  return within(table)
    .getAllByRole('row')
    .filter((row) => row.hasAttribute('data-experiment-id'));
}

const names = (): string[] => tableRows().map((row) => row.querySelector('td')?.textContent?.trim() ?? '');

function row(name: string): HTMLElement {
  const found = tableRows().find((r) => r.querySelector('td')?.textContent?.trim() === name);
  if (!found) throw new Error(`no row ${name}`);
  return found;
}

function header(label: string): HTMLElement {
  const th = within(screen.getByTestId('experiments-table')).getByRole('columnheader', { name: label });
  return th;
}

/** Cell texts of a table row whose row header is `label`. */
function cells(table: HTMLElement, label: string): string[] {
  const tr = within(table)
    .getAllByRole('row')
    .find((r) => r.querySelector('th[scope="row"]')?.textContent?.trim() === label);
  if (!tr) throw new Error(`no row ${label}`);
  return [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '');
}

async function openRun(name: string): Promise<HTMLElement> {
  await fireEvent.click(row(name));
  return waitFor(() => {
    const detail = screen.getByTestId('experiment-detail');
    expect(within(detail).getByRole('heading', { level: 2 }).textContent).toBe(name);
    return detail;
  });
}

describe('history table', () => {
  it('shows the empty state when there are no experiments', async () => {
    const { engine } = await openExperiments();
    await waitFor(() => expect(screen.getByTestId('experiments-empty').textContent).toMatch(/No experiments yet — train one with emotion-studio train/));
    expect(engine.callsOf('experiments.list')).toEqual([{}]);
    expect(screen.queryByTestId('experiments-table')).toBeNull();
  });

  it('lists every run newest first with its model, split, backend, metrics, status and duration', async () => {
    await seededView();
    expect(names()).toEqual(['kfold-dnn', 'cancelled-run', 'stratified-dnn', 'actor-dnn']);
    const actor = [...row('actor-dnn').querySelectorAll('td')].map((td) => td.textContent?.trim());
    expect(actor.slice(2)).toEqual(['advanced_dnn', 'actor hold-out', 'tensorflow', '0.62', '0.62', 'finished', '2 min 00 s']);
    const cancelled = [...row('cancelled-run').querySelectorAll('td')].map((td) => td.textContent?.trim());
    expect(cancelled.slice(5)).toEqual(['—', '—', 'cancelled', '46.0 s']);
  });

  it('sorts by accuracy when its header is clicked: ascending, descending, then back to newest first', async () => {
    await seededView();
    expect(header('Accuracy').getAttribute('aria-sort')).toBe('none');
    await fireEvent.click(within(header('Accuracy')).getByRole('button'));
    expect(header('Accuracy').getAttribute('aria-sort')).toBe('ascending');
    // 0.61 (k-fold) < 0.62 (actor) < 0.86 (stratified); the cancelled run has none and goes last.
    expect(names()).toEqual(['kfold-dnn', 'actor-dnn', 'stratified-dnn', 'cancelled-run']);
    await fireEvent.click(within(header('Accuracy')).getByRole('button'));
    expect(header('Accuracy').getAttribute('aria-sort')).toBe('descending');
    expect(names()).toEqual(['stratified-dnn', 'actor-dnn', 'kfold-dnn', 'cancelled-run']);
    expect(header('Name').getAttribute('aria-sort')).toBe('none');
    await fireEvent.click(within(header('Accuracy')).getByRole('button'));
    expect(header('Accuracy').getAttribute('aria-sort')).toBe('none');
    expect(names()).toEqual(['kfold-dnn', 'cancelled-run', 'stratified-dnn', 'actor-dnn']);
  });

  it('marks only the stratified run as speaker-dependent', async () => {
    await seededView();
    expect(within(row('stratified-dnn')).getByTestId('speaker-dependent-badge').textContent).toBe(SPEAKER_DEPENDENT_LABEL);
    expect(SPEAKER_DEPENDENT_LABEL).toBe('speaker-dependent (optimistic)');
    for (const name of ['actor-dnn', 'cancelled-run', 'kfold-dnn']) {
      expect(within(row(name)).queryByTestId('speaker-dependent-badge')).toBeNull();
    }
  });
});

describe('experiment detail', () => {
  it('opens a finished run: calls experiments.get and shows its classification report and confusion table', async () => {
    const { engine } = await seededView();
    const detail = await openRun('actor-dnn');
    await waitFor(() => expect(engine.callsOf('experiments.get')).toEqual([{ id: 1 }]));
    expect(row('actor-dnn').getAttribute('aria-selected')).toBe('true');

    const report = within(detail).getByTestId('classification-report');
    // angry: 25 of 32 right, and 25 of 32 predicted-angry were angry.
    expect(cells(report, 'angry')).toEqual(['0.78', '0.78', '0.78', '32']);
    // neutral: precision 10/18, recall 10/16.
    expect(cells(report, 'neutral').slice(0, 2)).toEqual(['0.56', '0.63']);
    expect(cells(report, 'accuracy')).toEqual(['', '', '0.62', '176']);
    expect(cells(report, 'macro avg')).toHaveLength(4);
    expect(cells(report, 'weighted avg')[3]).toBe('176');
    const classRows = within(report)
      .getAllByRole('row')
      .map((r) => r.querySelector('th[scope="row"]')?.textContent?.trim())
      .filter(Boolean);
    expect(classRows).toEqual([...LABELS, 'accuracy', 'macro avg', 'weighted avg']);

    const confusion = within(detail).getByTestId('confusion-table');
    expect(cells(confusion, 'neutral')).toEqual(['10', '3', '1', '1', '0', '1']);
    expect(cells(confusion, 'fearful')).toEqual(ACTOR_CONFUSION[5]?.map(String));
    expect(within(detail).getByRole('img', { name: /Confusion matrix heatmap/ })).toBeTruthy();

    expect(within(detail).getByTestId('experiment-status').textContent).toBe('finished');
    expect(within(detail).getByTestId('experiment-backend').textContent).toBe('tensorflow');
    expect(within(detail).queryByTestId('experiment-error')).toBeNull();
    expect(within(detail).getByTestId('experiment-split').textContent).toMatch(/Test 176 clips · actors 21, 22, 23, 24/);
    expect(within(detail).getByTestId('experiment-config').textContent).toMatch(/^ {2}epochs: 100$/m);
    expect(within(detail).getByRole('img', { name: 'Accuracy per epoch, train and validation' })).toBeTruthy();
  });

  it('switches the confusion table to row shares with "Normalised" and back with "Counts"', async () => {
    await seededView();
    const detail = await openRun('actor-dnn');
    const counts = within(detail).getByRole('radio', { name: 'Counts' });
    const normalised = within(detail).getByRole('radio', { name: 'Normalised' });
    expect((counts as HTMLInputElement).checked).toBe(true);

    await fireEvent.click(normalised);
    const table = within(detail).getByTestId('confusion-table');
    await waitFor(() => expect(table.getAttribute('data-mode')).toBe('normalised'));
    LABELS.forEach((label, i) => {
      const source = ACTOR_CONFUSION[i] ?? [];
      const total = source.reduce((s, v) => s + v, 0);
      const shown = cells(table, label);
      expect(shown).toEqual(source.map((v) => (v / total).toFixed(2)));
      expect(shown.reduce((s, v) => s + Number(v), 0)).toBeCloseTo(1, 1);
    });
    expect(cells(table, 'angry')[4]).toBe('0.78');

    await fireEvent.click(counts);
    await waitFor(() => expect(cells(table, 'neutral')).toEqual(['10', '3', '1', '1', '0', '1']));
  });

  it('opens a cancelled run with Enter: shows its status and error and no report', async () => {
    await seededView();
    const target = row('cancelled-run');
    target.focus();
    await fireEvent.keyDown(target, { key: 'Enter' });
    const detail = await waitFor(() => screen.getByTestId('experiment-detail'));
    expect(within(detail).getByRole('heading', { level: 2 }).textContent).toBe('cancelled-run');
    expect(within(detail).getByTestId('experiment-status').textContent).toBe('cancelled');
    expect(within(detail).getByTestId('experiment-error').textContent).toBe('Cancelled by the user after epoch 4');
    expect(within(detail).queryByTestId('classification-report')).toBeNull();
    expect(within(detail).queryByTestId('confusion-table')).toBeNull();
    expect(within(detail).getByTestId('no-report').textContent).toMatch(/no test-set metrics/);
  });

  it('shows the speaker-dependent warning for the stratified run', async () => {
    await seededView();
    const detail = await openRun('stratified-dnn');
    expect(within(detail).getByTestId('speaker-dependent-warning').textContent).toMatch(/speaker-dependent \(optimistic\)/);
    expect(cells(within(detail).getByTestId('classification-report'), 'accuracy')[2]).toBe('0.86');
  });

  it('shows mean ± sd over folds and a train/validation pair of curves per fold for k-fold', async () => {
    await seededView();
    const detail = await openRun('kfold-dnn');
    const folds = within(detail).getByTestId('fold-summary').textContent ?? '';
    expect(folds).toMatch(/Accuracy over folds\s*0\.61 ± 0\.04/);
    expect(folds).toMatch(/Macro F1 over folds\s*0\.59 ± 0\.04/);
    expect(within(detail).getByTestId('learning-curves').getAttribute('data-series')).toBe('6');
    expect(within(detail).getByRole('img', { name: 'Loss per epoch, train and validation, 3 folds' })).toBeTruthy();
    expect(within(detail).getByTestId('experiment-split').textContent).toMatch(/Folds/);
  });

  it('closes the detail', async () => {
    await seededView();
    const detail = await openRun('actor-dnn');
    await fireEvent.click(within(detail).getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('experiment-detail')).toBeNull();
  });
});

describe('refreshing', () => {
  it('reloads the list (and the open run) when a train job finishes, but not for other jobs', async () => {
    const engine = new FakeEngine();
    const [first, second] = fakeExperiments();
    if (!first || !second) throw new Error('fixtures');
    engine.seedExperiments([first]);
    await openExperiments(engine);
    await waitFor(() => expect(tableRows()).toHaveLength(1));
    await openRun('actor-dnn');
    const lists = engine.callsOf('experiments.list').length;
    const gets = engine.callsOf('experiments.get').length;

    engine.emit({ event: 'job.finished', payload: { jobId: 'job-9', kind: 'extract', status: 'finished' } });
    await Promise.resolve();
    expect(engine.callsOf('experiments.list')).toHaveLength(lists);

    engine.finishTraining(second);
    await waitFor(() => expect(names()).toEqual(['stratified-dnn', 'actor-dnn']));
    expect(engine.callsOf('experiments.list')).toHaveLength(lists + 1);
    expect(engine.callsOf('experiments.get')).toHaveLength(gets + 1);
    expect(screen.getByTestId('experiment-detail')).toBeTruthy();
  });

  it('store: stops listening when its signal aborts and reports list errors', async () => {
    const engine = new FakeEngine();
    const store = new ExperimentsStore(createClient(engine));
    const controller = new AbortController();
    await store.start(controller.signal);
    expect(store.loaded).toBe(true);
    expect(store.experiments).toEqual([]);
    const [first] = fakeExperiments();
    if (!first) throw new Error('fixtures');
    engine.finishTraining(first);
    await vi.waitFor(() => expect(store.experiments.map((e) => e.id)).toEqual([1]));

    controller.abort();
    expect(engine.listenerCount).toBe(0);
    engine.failures.set('experiments.list', { code: 'INTERNAL', message: 'database is locked' });
    await store.loadList();
    expect(store.error).toBe('Could not load the experiments: database is locked');
    expect(store.experiments.map((e) => e.id)).toEqual([1]);
  });
});
