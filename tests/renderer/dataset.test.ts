import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { FakeEngine, RAVDESS_ROOT } from './fakeEngine';
import { bodyRows, emotionCounts, renderApp, select, textOf } from './helpers';

const EXPECTED_EMOTIONS = {
  neutral: 96,
  calm: 192,
  happy: 192,
  sad: 192,
  angry: 192,
  fearful: 192,
  disgust: 192,
  surprised: 192,
};

async function openSeeded(engine = new FakeEngine()) {
  engine.seedDataset(RAVDESS_ROOT);
  const view = renderApp(engine);
  await waitFor(() => expect(textOf('row-count')).toBe('1440 of 1440 clips'));
  return { engine, ...view };
}

async function choose(label: string, value: string): Promise<void> {
  const element = select(label);
  element.value = value;
  expect(element.value).toBe(value);
  await fireEvent.change(element);
}

describe('browser-mode indexing', () => {
  it('indexes the typed folder, follows job.progress, then shows the summary after job.finished', async () => {
    const engine = new FakeEngine();
    renderApp(engine);

    const input = await screen.findByLabelText('RAVDESS folder');
    expect(input.getAttribute('placeholder')).toContain('Audio_Speech_Actors_01-24');
    expect(screen.queryByRole('button', { name: 'Open RAVDESS folder…' })).toBeNull();
    await fireEvent.input(input, { target: { value: RAVDESS_ROOT } });
    await fireEvent.click(screen.getByRole('button', { name: 'Index' }));

    await waitFor(() => expect(engine.callsOf('dataset.startIndex')).toEqual([{ root: RAVDESS_ROOT }]));
    const bar = await screen.findByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBeNull();

    engine.progress('job-1', 0, 1440, 'scanning');
    await waitFor(() => expect(bar.getAttribute('aria-valuemax')).toBe('1440'));
    expect(bar.getAttribute('aria-valuenow')).toBe('0');

    engine.progress('job-1', 720, 1440, 'reading headers');
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('720'));
    expect(textOf('job-phase')).toBe('reading headers');
    expect(textOf('job-count')).toBe('720 / 1440');

    // Another job's progress is not ours.
    engine.emit({ event: 'job.progress', payload: { jobId: 'job-99', kind: 'index', done: 5, total: 9, phase: 'x' } });
    await Promise.resolve();
    expect(bar.getAttribute('aria-valuenow')).toBe('720');

    engine.finish('job-1');
    await waitFor(() => expect(textOf('clip-count')).toBe('1440'));
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(emotionCounts()).toEqual(EXPECTED_EMOTIONS);
    expect(textOf('result-clips')).toBe('1440');
    expect(textOf('result-added')).toBe('1440');
    expect(textOf('result-updated')).toBe('0');
    expect(textOf('result-unchanged')).toBe('0');
    expect(textOf('result-seconds')).toBe('2.5 s');
    expect(textOf('row-count')).toBe('1440 of 1440 clips');
    expect(within(screen.getByTestId('recent-datasets')).getByText(RAVDESS_ROOT)).toBeTruthy();
  });

  it('shows an ApiError from dataset.startIndex to the user', async () => {
    const engine = new FakeEngine();
    renderApp(engine);
    const input = await screen.findByLabelText('RAVDESS folder');
    await fireEvent.input(input, { target: { value: '/nope' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Index' }));

    const alert = await screen.findByTestId('dataset-error');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toContain('Folder /nope does not exist');
    expect(screen.queryByRole('progressbar')).toBeNull();
    // The form is usable again.
    expect((screen.getByRole('button', { name: 'Index' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('handles a job that finishes before dataset.startIndex answers', async () => {
    const engine = new FakeEngine();
    engine.finishBeforeAnswering = true;
    renderApp(engine);
    const input = await screen.findByLabelText('RAVDESS folder');
    await fireEvent.input(input, { target: { value: RAVDESS_ROOT } });
    await fireEvent.click(screen.getByRole('button', { name: 'Index' }));

    await waitFor(() => expect(textOf('clip-count')).toBe('1440'));
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(textOf('result-added')).toBe('1440');
  });

  it('shows a failed job as an error', async () => {
    const engine = new FakeEngine();
    renderApp(engine);
    const input = await screen.findByLabelText('RAVDESS folder');
    await fireEvent.input(input, { target: { value: RAVDESS_ROOT } });
    await fireEvent.click(screen.getByRole('button', { name: 'Index' }));
    await screen.findByRole('progressbar');
    engine.fail('job-1', 'Permission denied reading Actor_03');
    const alert = await screen.findByTestId('dataset-error');
    expect(alert.textContent).toContain('Permission denied reading Actor_03');
    expect(screen.getByTestId('index-result').textContent).toContain('Indexing failed');
  });
});

describe('reconnecting to a running job', () => {
  it('picks up a running index job from jobs.list and follows it to the end', async () => {
    const engine = new FakeEngine();
    engine.addRunningJob('job-7', RAVDESS_ROOT, { done: 300, total: 1440, phase: 'reading headers' });
    renderApp(engine);

    const bar = await screen.findByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('300');
    expect(bar.getAttribute('aria-valuemax')).toBe('1440');

    engine.progress('job-7', 900, 1440, 'reading headers');
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('900'));

    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(engine.callsOf('jobs.cancel')).toEqual([{ jobId: 'job-7' }]));
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
    expect(screen.getByTestId('index-result').textContent).toContain('Indexing cancelled');
    await waitFor(() => expect(textOf('clip-count')).toBe('1440'));
  });
});

describe('electron mode', () => {
  it('picks a folder with the native dialog, indexes it, and re-indexes it', async () => {
    const engine = new FakeEngine();
    engine.nativeDialogs = true;
    renderApp(engine);

    const open = await screen.findByRole('button', { name: 'Open RAVDESS folder…' });
    expect(screen.queryByLabelText('RAVDESS folder')).toBeNull();
    await fireEvent.click(open);
    await waitFor(() => expect(engine.callsOf('dataset.startIndex')).toEqual([{ root: RAVDESS_ROOT }]));
    expect(engine.callsOf('dataset.chooseFolder')).toHaveLength(1);
    await screen.findByRole('progressbar');
    engine.finish('job-1');
    await waitFor(() => expect(textOf('clip-count')).toBe('1440'));

    await fireEvent.click(screen.getByRole('button', { name: 'Re-index' }));
    await waitFor(() => expect(engine.callsOf('dataset.startIndex')).toHaveLength(2));
    await screen.findByRole('progressbar');
    expect((screen.getByRole('button', { name: 'Re-index' }) as HTMLButtonElement).disabled).toBe(true);
    engine.finish('job-2');
    await waitFor(() => expect(textOf('result-unchanged')).toBe('1440'));
    expect(textOf('result-added')).toBe('0');
  });

  it('does nothing when the folder picker is dismissed', async () => {
    const engine = new FakeEngine();
    engine.nativeDialogs = true;
    engine.chosenFolder = null;
    renderApp(engine);
    await fireEvent.click(await screen.findByRole('button', { name: 'Open RAVDESS folder…' }));
    await waitFor(() => expect(engine.callsOf('dataset.chooseFolder')).toHaveLength(1));
    expect(engine.callsOf('dataset.startIndex')).toHaveLength(0);
    expect(screen.queryByTestId('dataset-error')).toBeNull();
  });
});

describe('clip table', () => {
  it('opens the most recent dataset on load and lists two-digit actors', async () => {
    await openSeeded();
    expect(textOf('clip-count')).toBe('1440');
    const actors = [...select('Actor').options].map((o) => o.textContent?.trim());
    expect(actors[0]).toBe('All');
    expect(actors.slice(1)).toEqual(Array.from({ length: 24 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect([...select('Emotion').options].map((o) => o.value)).toEqual(['all', ...Object.keys(EXPECTED_EMOTIONS)]);
  });

  it('filters by actor 01 to "60 of 1440 clips"', async () => {
    await openSeeded();
    await choose('Actor', '01');
    expect(textOf('row-count')).toBe('60 of 1440 clips');
    const actorColumn = bodyRows().map((row) => within(row).getAllByRole('cell')[5]?.textContent?.trim());
    expect(new Set(actorColumn)).toEqual(new Set(['01']));
  });

  it('combines filters', async () => {
    await openSeeded();
    await choose('Actor', '01');
    await choose('Emotion', 'angry');
    expect(textOf('row-count')).toBe('8 of 1440 clips');
    await choose('Intensity', 'strong');
    expect(textOf('row-count')).toBe('4 of 1440 clips');
    await choose('Statement', '2');
    expect(textOf('row-count')).toBe('2 of 1440 clips');
    expect(bodyRows()).toHaveLength(2);

    await choose('Gender', 'female'); // actor 01 is male
    expect(textOf('row-count')).toBe('0 of 1440 clips');
    expect(screen.getByText('No clips match these filters.')).toBeTruthy();

    await choose('Actor', 'all');
    // Female, angry, strong, statement 2: 12 actresses × 2 repetitions.
    expect(textOf('row-count')).toBe('24 of 1440 clips');

    await fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(textOf('row-count')).toBe('1440 of 1440 clips');
    expect(select('Emotion').value).toBe('all');
  });

  it('renders only a window of rows, and moves the window on scroll', async () => {
    await openSeeded();
    const table = screen.getByTestId('clip-table');
    expect(table.getAttribute('aria-rowcount')).toBe('1441');
    const rows = bodyRows();
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    expect(rows[0]?.getAttribute('aria-rowindex')).toBe('2');

    table.scrollTop = 32 * 700;
    await fireEvent.scroll(table);
    const after = bodyRows();
    expect(after.length).toBeLessThan(100);
    const indices = after.map((r) => Number(r.getAttribute('aria-rowindex')));
    expect(indices).toContain(702);
    expect(indices).not.toContain(2);
    // The spacer keeps the full scroll height.
    const spacer = table.querySelector<HTMLElement>('.spacer');
    expect(spacer?.style.height).toBe(`${1440 * 32}px`);
  });

  it('sorts by a column header, ascending then descending', async () => {
    await openSeeded();
    const header = screen.getByRole('columnheader', { name: /Duration/ });
    await fireEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    const durations = () => bodyRows().map((r) => Number(within(r).getAllByRole('cell')[7]?.textContent));
    const asc = durations();
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(asc[0]).toBe(3);

    await fireEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    const desc = durations();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(desc[0]).toBe(4.99);
  });

  it('opens another dataset from the recent list', async () => {
    const engine = new FakeEngine();
    engine.seedDataset('/data/small', []);
    await openSeeded(engine);
    const small = within(screen.getByTestId('recent-datasets')).getByText('/data/small').closest('button');
    expect(small).not.toBeNull();
    if (small) await fireEvent.click(small);
    await waitFor(() => expect(textOf('clip-count')).toBe('0'));
    expect(textOf('row-count')).toBe('0 of 0 clips');
    expect(engine.callsOf('dataset.summary')).toContainEqual({ datasetId: 1 });
  });

  it('lists rejected files with their reason', async () => {
    const engine = new FakeEngine();
    engine.seedDataset(RAVDESS_ROOT, undefined, [
      { path: 'Actor_01/03-02-01-01-01-01-01.wav', reason: 'vocal channel 02 (song) is not speech (01)' },
    ]);
    renderApp(engine);
    const rejected = await screen.findByTestId('rejected');
    expect(rejected.textContent).toContain('Actor_01/03-02-01-01-01-01-01.wav');
    expect(rejected.textContent).toContain('vocal channel 02 (song) is not speech (01)');
    expect(textOf('rejected-count')).toBe('1');
  });
});

describe('app shell', () => {
  it('shows the header, the Dataset nav entry, and a banner when the engine is unreachable', async () => {
    const engine = new FakeEngine();
    engine.failures.set('app.info', { code: 'INTERNAL', message: 'connection lost' });
    const { connection } = renderApp(engine);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Emotion Studio');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('button', { name: 'Dataset' }).getAttribute('aria-current')).toBe('page');

    const banner = await screen.findByTestId('connection-banner');
    expect(banner.textContent).toContain('engine was lost');

    connection.set('reconnecting');
    await waitFor(() => expect(banner.textContent).toContain('Reconnecting'));

    engine.failures.delete('app.info');
    connection.set('open');
    await waitFor(() => expect(screen.queryByTestId('connection-banner')).toBeNull());
    expect(screen.getByTestId('app-mode').textContent).toContain('browser');
  });
});
