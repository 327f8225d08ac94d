/**
 * The Experiments view against the fake engine: the history table (sorting, the speaker-dependent
 * badge, the empty state), a run's detail (classification report, confusion matrix and its normalised
 * view, a cancelled run, k-fold summaries) and refreshing when a training job ends. Canvases get no 2D
 * context in jsdom, so the heatmap and uPlot charts render only their DOM and accessible labels.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import { parseConfig } from '../../shared/config';
import { createClient } from '../../shared/client';
import { SPEAKER_DEPENDENT_LABEL, type Experiment } from '../../shared/experiments';
import ExperimentsView from '../../renderer/src/features/experiments/ExperimentsView.svelte';
import { ExperimentsStore } from '../../renderer/src/features/experiments/experimentsStore.svelte';
import { downloadBase64, REVOKE_AFTER_MS } from '../../renderer/src/lib/download';
import { FAKE_ZIP_BYTES, FakeEngine } from './fakeEngine';
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
    await waitFor(() => expect(screen.getByTestId('experiments-empty').textContent).toBe('No experiments yet — train one in the Train view (or with emotion-studio train …) and it will appear here.'));
    // The Experiments and Compare views each list the runs once.
    expect(engine.callsOf('experiments.list').length).toBeGreaterThan(0);
    expect(new Set(engine.callsOf('experiments.list').map((c) => JSON.stringify(c)))).toEqual(new Set(['{}']));
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
    expect(within(detail).getByTestId('experiment-backend').textContent).toBe('tensorflow (tfjs-node, native TensorFlow)');
    expect(within(detail).queryByTestId('experiment-error')).toBeNull();
    expect(within(detail).getByTestId('experiment-split').textContent).toMatch(/Test 176 clips · actors 21, 22, 23, 24/);
    const configBlock = within(detail).getByTestId('experiment-config').textContent ?? '';
    expect(configBlock).toMatch(/^ {2}epochs: 100$/m);
    // Copied out, the block loads as the run's config: RAVDESS codes stay strings ("01": neutral).
    expect(configBlock).toMatch(/^ {4}"01": neutral$/m);
    expect(parseConfig(YAML.parse(configBlock))).toEqual({ ok: true, config: fakeExperiments()[0]?.config });
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
    expect(engine.callsOf('experiments.list').length).toBeGreaterThan(lists);
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

// ---------------------------------------------------------------------------------------------------
// Managing runs. The view is rendered on its own, with the props the app passes (`nativeOpen` from
// `app.info`, `onRerun`). jsdom has no showModal()/close(): they only toggle `open` here.

describe('managing a run', () => {
  const controllers: AbortController[] = [];
  const dialogProto = HTMLDialogElement.prototype as Partial<HTMLDialogElement>;
  const nativeShowModal = dialogProto.showModal;
  const nativeClose = dialogProto.close;

  beforeEach(() => {
    dialogProto.showModal = function (this: HTMLDialogElement) {
      this.setAttribute('open', '');
    };
    dialogProto.close = function (this: HTMLDialogElement) {
      this.removeAttribute('open');
    };
  });
  afterEach(() => {
    for (const c of controllers.splice(0)) c.abort();
    dialogProto.showModal = nativeShowModal;
    dialogProto.close = nativeClose;
  });

  async function managedView(opts: { nativeOpen?: boolean; experiments?: Experiment[] } = {}) {
    const engine = new FakeEngine();
    engine.nativeOpen = opts.nativeOpen ?? false;
    engine.seedExperiments(opts.experiments);
    const store = new ExperimentsStore(createClient(engine));
    const controller = new AbortController();
    controllers.push(controller);
    await store.start(controller.signal);
    const onRerun = vi.fn<(experiment: Experiment) => void>();
    render(ExperimentsView, { props: { store, nativeOpen: opts.nativeOpen ?? false, onRerun, onStepTestClips: vi.fn() } });
    await waitFor(() => expect(tableRows()).toHaveLength(engine.experiments.length));
    return { engine, store, onRerun };
  }

  const button = (detail: HTMLElement, name: string | RegExp) => within(detail).getByRole('button', { name }) as HTMLButtonElement;
  const heading = (detail: HTMLElement) => within(detail).getByRole('heading', { level: 2 }).textContent;

  it('renames in place: Enter saves the trimmed name, the table follows', async () => {
    const { engine } = await managedView();
    const detail = await openRun('actor-dnn');
    await fireEvent.click(button(detail, 'Rename'));
    const input = within(detail).getByRole('textbox', { name: 'Experiment name' }) as HTMLInputElement;
    expect(input.value).toBe('actor-dnn');
    expect(document.activeElement).toBe(input);

    await fireEvent.input(input, { target: { value: '  actor split, lr 1e-3  ' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(heading(detail)).toBe('actor split, lr 1e-3'));
    expect(engine.callsOf('experiments.update')).toEqual([{ id: 1, name: 'actor split, lr 1e-3' }]);
    expect(names()).toContain('actor split, lr 1e-3');
    expect(within(detail).queryByRole('textbox', { name: 'Experiment name' })).toBeNull();
    expect(document.activeElement).toBe(button(detail, 'Rename'));
  });

  it('refuses an empty name with a message, and Escape cancels without saving', async () => {
    const { engine } = await managedView();
    const detail = await openRun('actor-dnn');
    await fireEvent.click(button(detail, 'Rename'));
    const input = within(detail).getByRole('textbox', { name: 'Experiment name' });
    await fireEvent.input(input, { target: { value: '   ' } });
    expect(within(detail).getByTestId('rename-problem').textContent).toBe('A name is required.');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(button(detail, 'Save').disabled).toBe(true);
    await fireEvent.keyDown(input, { key: 'Enter' });
    await fireEvent.input(input, { target: { value: 'x'.repeat(121) } });
    expect(within(detail).getByTestId('rename-problem').textContent).toBe('A name is at most 120 characters.');

    await fireEvent.input(input, { target: { value: 'never saved' } });
    expect(within(detail).queryByTestId('rename-problem')).toBeNull();
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(heading(detail)).toBe('actor-dnn');
    expect(engine.callsOf('experiments.update')).toEqual([]);
  });

  it('keeps the editor open and shows the banner when renaming fails', async () => {
    const { engine } = await managedView();
    const detail = await openRun('actor-dnn');
    engine.failures.set('experiments.update', { code: 'INTERNAL', message: 'database is locked' });
    await fireEvent.click(button(detail, 'Rename'));
    const input = within(detail).getByRole('textbox', { name: 'Experiment name' });
    await fireEvent.input(input, { target: { value: 'other' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('experiments-error').textContent).toContain('Could not rename experiment 1 "actor-dnn": database is locked'));
    expect((within(detail).getByRole('textbox', { name: 'Experiment name' }) as HTMLInputElement).value).toBe('other');
  });

  it('edits notes: unsaved changes, Save notes, then saved', async () => {
    const [first] = fakeExperiments();
    if (!first) throw new Error('fixtures');
    const { engine } = await managedView({ experiments: [{ ...first, notes: 'first try' }] });
    const detail = await openRun('actor-dnn');
    const notes = within(detail).getByRole('textbox', { name: 'Notes' }) as HTMLTextAreaElement;
    expect(notes.value).toBe('first try');
    expect(button(detail, 'Save notes').disabled).toBe(true);
    expect(within(detail).getByTestId('notes-state').textContent).toBe('');

    await fireEvent.input(notes, { target: { value: 'first try\nneutral is confused with calm' } });
    expect(within(detail).getByTestId('notes-state').textContent).toBe('Unsaved changes');
    await fireEvent.click(button(detail, 'Save notes'));
    await waitFor(() => expect(within(detail).getByTestId('notes-state').textContent).toBe('Saved'));
    expect(engine.callsOf('experiments.update')).toEqual([{ id: 1, notes: 'first try\nneutral is confused with calm' }]);
    expect(button(detail, 'Save notes').disabled).toBe(true);
    expect(engine.experiments[0]?.notes).toBe('first try\nneutral is confused with calm');
  });

  it('asks before deleting: Cancel keeps the run', async () => {
    const { engine } = await managedView();
    const detail = await openRun('stratified-dnn');
    await fireEvent.click(button(detail, 'Delete…'));
    const dialog = screen.getByRole('dialog', { name: 'Delete experiment “stratified-dnn”?' });
    expect(dialog.tagName).toBe('DIALOG');
    expect(dialog.hasAttribute('open')).toBe(true);
    expect(dialog.textContent).toContain('/runs/2');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(engine.callsOf('experiments.delete')).toEqual([]);
    expect(names()).toContain('stratified-dnn');
    expect(screen.getByTestId('experiment-detail')).toBeTruthy();
  });

  it('deletes after confirmation: the detail closes and the list reloads without the run', async () => {
    const { engine } = await managedView();
    const detail = await openRun('stratified-dnn');
    const lists = engine.callsOf('experiments.list').length;
    await fireEvent.click(button(detail, 'Delete…'));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(names()).toEqual(['kfold-dnn', 'cancelled-run', 'actor-dnn']));
    expect(screen.queryByTestId('experiment-detail')).toBeNull();
    expect(engine.callsOf('experiments.delete')).toEqual([{ id: 2 }]);
    expect(engine.callsOf('experiments.list')).toHaveLength(lists + 1);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('reports a refused delete in the banner and keeps the run open', async () => {
    const { engine } = await managedView();
    const detail = await openRun('actor-dnn');
    engine.failures.set('experiments.delete', { code: 'UNREADABLE', message: 'Experiment 1 was not deleted: its folder /runs/1 could not be moved (EBUSY)' });
    await fireEvent.click(button(detail, 'Delete…'));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByTestId('experiments-error').textContent).toContain('Could not delete experiment 1 "actor-dnn": Experiment 1 was not deleted');
    expect(screen.getByTestId('experiment-detail')).toBeTruthy();
    expect(names()).toContain('actor-dnn');
  });

  it('cannot delete a running run, nor download or open artifacts a run does not have', async () => {
    const [first] = fakeExperiments();
    if (!first) throw new Error('fixtures');
    const running: Experiment = { ...first, id: 5, name: 'still training', status: 'running', finishedAt: null, metrics: null, artifactsDir: null };
    await managedView({ experiments: [running] });
    const detail = await openRun('still training');
    expect(button(detail, 'Delete…').disabled).toBe(true);
    expect(button(detail, 'Download artifacts').disabled).toBe(true);
    expect(button(detail, 'Re-run').disabled).toBe(false);
  });

  it('re-runs: hands the run (config and dataset) to onRerun; disabled when its dataset is gone', async () => {
    const [first, second] = fakeExperiments();
    if (!first || !second) throw new Error('fixtures');
    const { onRerun } = await managedView({ experiments: [first, { ...second, datasetId: null }] });
    let detail = await openRun('actor-dnn');
    await fireEvent.click(button(detail, 'Re-run'));
    expect(onRerun).toHaveBeenCalledTimes(1);
    expect(onRerun.mock.calls[0]?.[0]).toMatchObject({ id: 1, datasetId: 1, config: first.config });
    detail = await openRun('stratified-dnn');
    expect(button(detail, 'Re-run').disabled).toBe(true);
  });

  it('browser mode: "Download artifacts" fetches the zip and saves it through an <a download>', async () => {
    const blobs: Blob[] = [];
    const createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:artifacts-1';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const links: Array<{ href: string; download: string; connected: boolean }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      links.push({ href: this.href, download: this.download, connected: this.isConnected });
    });
    const { engine } = await managedView();
    const detail = await openRun('actor-dnn');
    expect(within(detail).queryByRole('button', { name: 'Open folder' })).toBeNull();
    await fireEvent.click(button(detail, 'Download artifacts'));
    await waitFor(() => expect(links).toEqual([{ href: 'blob:artifacts-1', download: '1.zip', connected: true }]));
    expect(engine.callsOf('experiments.archive')).toEqual([{ id: 1 }]);
    expect(blobs[0]?.type).toBe('application/zip');
    expect(new Uint8Array(await (blobs[0] as Blob).arrayBuffer())).toEqual(FAKE_ZIP_BYTES);
    expect(document.querySelector('a[download]')).toBeNull();
    await waitFor(() => expect(button(detail, 'Download artifacts').disabled).toBe(false));
  });

  it('browser mode: a failed archive goes to the banner', async () => {
    const { engine } = await managedView();
    const detail = await openRun('actor-dnn');
    engine.failures.set('experiments.archive', { code: 'NOT_FOUND', message: 'Experiment 1 (actor-dnn) has no artifact folder: the folder /runs/1 no longer exists' });
    await fireEvent.click(button(detail, 'Download artifacts'));
    await waitFor(() =>
      expect(screen.getByTestId('experiments-error').textContent).toContain('Could not download the artifacts of experiment 1 "actor-dnn": Experiment 1 (actor-dnn) has no artifact folder'),
    );
  });

  it('Electron: "Open folder" instead of a download, calling experiments.openFolder', async () => {
    const { engine } = await managedView({ nativeOpen: true });
    const detail = await openRun('actor-dnn');
    expect(within(detail).queryByRole('button', { name: 'Download artifacts' })).toBeNull();
    await fireEvent.click(button(detail, 'Open folder'));
    await waitFor(() => expect(engine.callsOf('experiments.openFolder')).toEqual([{ id: 1 }]));
    expect(engine.callsOf('experiments.archive')).toEqual([]);
    expect(screen.queryByTestId('experiments-error')).toBeNull();
  });

  it('app.info tells the renderer whether the host opens folders', async () => {
    const engine = new FakeEngine();
    const client = createClient(engine);
    expect(await client.call('app.info', {})).toMatchObject({ nativeOpen: false });
    engine.nativeOpen = true;
    expect(await client.call('app.info', {})).toMatchObject({ nativeOpen: true });
  });
});

describe('downloadBase64', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('clicks a temporary link to an object URL and revokes the URL later', () => {
    vi.useFakeTimers();
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL: vi.fn(() => 'blob:x'), revokeObjectURL });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    downloadBase64('run.zip', Buffer.from('PK').toString('base64'), 'application/zip');
    expect(click).toHaveBeenCalledTimes(1);
    expect(document.querySelector('a')).toBeNull();
    expect(revokeObjectURL).not.toHaveBeenCalled();
    vi.advanceTimersByTime(REVOKE_AFTER_MS);
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:x');
  });
});
