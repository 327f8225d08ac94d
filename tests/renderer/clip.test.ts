/**
 * The Clip view against the fake engine. wavesurfer (canvas + media decoding) cannot run in jsdom, so
 * its adapter `waveformPlayer.ts` is replaced by a fake with the same interface; canvases get no 2D
 * context, so the plots render their DOM (and accessible labels) without drawing.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fileName } from '../../renderer/src/lib/format';
import { FakeEngine, RAVDESS_ROOT } from './fakeEngine';
import { created } from './fakeWaveformPlayer';
import { bodyRows, renderApp, textOf } from './helpers';

vi.mock('../../renderer/src/features/clip/waveformPlayer', () => import('./fakeWaveformPlayer'));

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  vi.restoreAllMocks();
  created.length = 0;
});

async function openSeeded(engine = new FakeEngine()) {
  engine.seedDataset(RAVDESS_ROOT);
  const view = renderApp(engine);
  await waitFor(() => expect(textOf('row-count')).toBe('1440 of 1440 clips'));
  return { engine, ...view };
}

function row(index: number): HTMLElement {
  const found = bodyRows()[index];
  if (!found) throw new Error(`no row ${index}`);
  return found;
}

const clipIdOf = (element: HTMLElement): number => Number(element.getAttribute('data-clip-id'));

async function backToDataset(): Promise<void> {
  await fireEvent.click(screen.getByRole('button', { name: '← Back to dataset' }));
  await waitFor(() => expect(screen.getByTestId('row-count')).toBeTruthy());
}

describe('opening a clip', () => {
  it('opens a row by click: calls clip.get/audio/features and shows the RAVDESS fields and file facts', async () => {
    const { engine } = await openSeeded();
    const target = row(5);
    const clipId = clipIdOf(target);
    expect(target.getAttribute('tabindex')).toBe('0');
    expect(target.getAttribute('aria-label')).toMatch(/^Open clip 03-01-\d\d-\d\d-\d\d-\d\d-01\.wav$/);
    await fireEvent.click(target);

    const ref = { datasetId: 1, clipId };
    await waitFor(() => expect(engine.callsOf('clip.get')).toEqual([ref]));
    expect(engine.callsOf('clip.audio')).toEqual([ref]);
    expect(engine.callsOf('clip.features')).toEqual([ref]);

    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('button', { name: 'Clip' }).getAttribute('aria-current')).toBe('page');

    const clip = engine.datasets[0]?.clips.find((c) => c.id === clipId);
    if (!clip) throw new Error('clip missing from the fake dataset');
    await waitFor(() => expect(textOf('clip-title')).toBe(fileName(clip.path)));
    expect(textOf('fact-emotion')).toBe(clip.emotion);
    expect(textOf('fact-intensity')).toBe(clip.intensity);
    expect(textOf('fact-statement')).toBe(
      clip.statement === 1 ? '1 — “Kids are talking by the door”' : '2 — “Dogs are sitting by the door”',
    );
    expect(textOf('fact-repetition')).toBe(String(clip.repetition));
    expect(textOf('fact-actor')).toBe('01');
    expect(textOf('fact-gender')).toBe('male');
    expect(textOf('fact-duration')).toBe(`${clip.durationSec.toFixed(2)} s`);
    expect(textOf('fact-sample-rate')).toBe('48000 Hz');
    expect(textOf('fact-channels')).toBe('1 (mono)');
    expect(textOf('fact-bit-depth')).toBe('16-bit');
    expect(textOf('fact-size')).toBe(`${(clip.sizeBytes / 1000).toFixed(1)} KB`);

    // The player gets the WAV bytes as a Blob; the features plot the analysed window.
    const waveform = await screen.findByTestId('fake-wavesurfer');
    expect(waveform.getAttribute('data-blob-type')).toBe('audio/wav');
    expect(Number(waveform.getAttribute('data-blob-size'))).toBeGreaterThan(44);
    await waitFor(() => expect(waveform.getAttribute('data-regions')).toBe('analysed:0.5-3.5'));
    expect(textOf('analysed-window')).toContain('0.50–3.50 s');
    expect(screen.getByTestId('feature-plots').textContent).toContain(`${100 + (clipId % 50)} frames`);
    expect(screen.getByRole('img', { name: /^Log-mel spectrogram, 64 mel bands × \d+ frames, 0\.50–3\.50 s/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^MFCC heatmap, 40 coefficients/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^RMS over time/ })).toBeTruthy();
    expect(screen.getByRole('img', { name: /^Spectral centroid over time/ })).toBeTruthy();
    expect(screen.getByTestId('logmel-canvas').tagName).toBe('CANVAS');
  });

  it('opens a focused row with Enter, and ArrowDown moves to the next row', async () => {
    const { engine } = await openSeeded();
    const first = row(0);
    first.focus();
    await fireEvent.keyDown(first, { key: 'ArrowDown' });
    const second = row(1);
    expect(document.activeElement).toBe(second);
    await fireEvent.keyDown(second, { key: 'Enter' });
    await waitFor(() => expect(engine.callsOf('clip.get')).toEqual([{ datasetId: 1, clipId: clipIdOf(second) }]));
    await screen.findByTestId('clip-view');
  });

  it('shows guidance when no clip is open, with a way back to the dataset', async () => {
    await openSeeded();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    await fireEvent.click(within(nav).getByRole('button', { name: 'Clip' }));
    expect(screen.getByTestId('no-clip').textContent).toContain('No clip open');
    await fireEvent.click(screen.getByRole('button', { name: 'Go to the dataset' }));
    expect(textOf('row-count')).toBe('1440 of 1440 clips');
  });

  it('keeps the open clip when going back to the dataset and returning through the nav', async () => {
    const { engine } = await openSeeded();
    await fireEvent.click(row(2));
    await screen.findByTestId('fact-emotion');
    const play = await screen.findByRole('button', { name: 'Play' });
    await waitFor(() => expect((play as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(play);
    expect(textOf('current-time')).toBe('0:01.25');
    await backToDataset();
    await fireEvent.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('button', { name: 'Clip' }));
    expect(screen.getByTestId('fact-emotion')).toBeTruthy();
    expect(engine.callsOf('clip.get')).toHaveLength(1);
    // A fresh player: paused at the start.
    expect(screen.getByRole('button', { name: 'Play' })).toBeTruthy();
    expect(textOf('current-time')).toBe('0:00.00');
    await waitFor(() => expect(screen.getByTestId('waveform').getAttribute('data-ready')).toBe('true'));
  });
});

describe('errors', () => {
  it('shows an ApiError from clip.features with its code, keeps the rest, and retries', async () => {
    const { engine } = await openSeeded();
    engine.failures.set('clip.features', { code: 'BAD_FILE', message: 'Actor_01/03-01-01-01-01-01-01.wav is not a PCM WAV' });
    await fireEvent.click(row(0));

    const alert = await screen.findByTestId('features-error');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toContain('Could not load the features');
    expect(alert.textContent).toContain('is not a PCM WAV');
    expect(textOf('features-error-code')).toBe('BAD_FILE');
    // The clip's fields and the player still work.
    expect(await screen.findByTestId('fact-emotion')).toBeTruthy();
    expect(screen.getByTestId('waveform')).toBeTruthy();
    expect(screen.queryByTestId('feature-plots')).toBeNull();

    engine.failures.delete('clip.features');
    await fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    await screen.findByTestId('feature-plots');
    expect(screen.queryByTestId('features-error')).toBeNull();
    expect(engine.callsOf('clip.features')).toHaveLength(2);
    expect(engine.callsOf('clip.get')).toHaveLength(1);
  });

  it('shows an error from clip.get and clip.audio, and the app keeps working', async () => {
    const { engine } = await openSeeded();
    const first = clipIdOf(row(0));
    engine.clipFailures.set(first, { code: 'NOT_FOUND', message: `Clip ${first} is no longer on disk` });
    await fireEvent.click(row(0));
    expect((await screen.findByTestId('clip-error')).textContent).toContain(`Clip ${first} is no longer on disk`);
    expect(textOf('clip-error-code')).toBe('NOT_FOUND');
    expect(textOf('audio-error-code')).toBe('NOT_FOUND');
    expect(textOf('features-error-code')).toBe('NOT_FOUND');

    await backToDataset();
    await fireEvent.click(row(1));
    await screen.findByTestId('fact-emotion');
    expect(screen.queryByTestId('clip-error')).toBeNull();
    await screen.findByTestId('feature-plots');
  });
});

describe('changing clips', () => {
  it('drops responses for a clip that is no longer open', async () => {
    const { engine } = await openSeeded();
    engine.hold('clip.get');
    engine.hold('clip.features');
    const a = clipIdOf(row(0));
    const b = clipIdOf(row(7));
    await fireEvent.click(row(0));
    await waitFor(() => expect(engine.heldCount('clip.features')).toBe(1));
    await backToDataset();
    await fireEvent.click(row(7));
    await waitFor(() => expect(engine.heldCount('clip.features')).toBe(2));

    // A's answers arrive after B was opened: they must not show.
    engine.release('clip.get', 0);
    engine.release('clip.features', 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByTestId('fact-emotion')).toBeNull();
    expect(screen.queryByTestId('feature-plots')).toBeNull();
    expect(textOf('clip-title')).toBe(`Clip ${b}`);

    engine.releaseAll('clip.get');
    engine.releaseAll('clip.features');
    const clipB = engine.datasets[0]?.clips.find((c) => c.id === b);
    await waitFor(() => expect(textOf('clip-title')).toBe(fileName(clipB?.path ?? '')));
    await waitFor(() => expect(screen.getByTestId('feature-plots').textContent).toContain(`${100 + (b % 50)} frames`));
    expect(screen.getByTestId('feature-plots').textContent).not.toContain(`${100 + (a % 50)} frames`);
  });
});

describe('player', () => {
  it('plays and pauses with the button and the space bar, and zooms', async () => {
    await openSeeded();
    await fireEvent.click(row(0));
    const play = await screen.findByRole('button', { name: 'Play' });
    await waitFor(() => expect((play as HTMLButtonElement).disabled).toBe(false));
    expect(textOf('clip-duration')).toBe('0:04.00');

    await fireEvent.click(play);
    expect(play.textContent?.trim()).toBe('Pause');
    expect(textOf('current-time')).toBe('0:01.25');
    expect(screen.getByTestId('live-values').textContent).toContain('playing');

    await fireEvent.keyDown(document.body, { key: ' ' });
    expect(play.textContent?.trim()).toBe('Play');
    await fireEvent.keyDown(document.body, { key: ' ' });
    expect(play.textContent?.trim()).toBe('Pause');
    // Space on a form control is the control's own.
    await fireEvent.keyDown(screen.getByRole('slider', { name: 'Zoom level' }), { key: ' ' });
    expect(play.textContent?.trim()).toBe('Pause');

    const waveform = screen.getByTestId('fake-wavesurfer');
    expect(textOf('zoom-factor')).toBe('1.0×');
    expect((screen.getByRole('button', { name: 'Zoom out' }) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(textOf('zoom-factor')).toBe('1.5×');
    expect(waveform.getAttribute('data-zoom')).toBe('1.5');
    await fireEvent.input(screen.getByRole('slider', { name: 'Zoom level' }), { target: { value: '8' } });
    expect(waveform.getAttribute('data-zoom')).toBe('8');
    await fireEvent.click(screen.getByRole('button', { name: 'Zoom out' }));
    expect(textOf('zoom-factor')).toBe('5.3×');
  });

  it('destroys the player when the clip changes and when the view unmounts', async () => {
    await openSeeded();
    await fireEvent.click(row(0));
    await waitFor(() => expect(screen.getByTestId('waveform').getAttribute('data-ready')).toBe('true'));
    expect(created.map((p) => p.destroyed)).toEqual([false]);
    await fireEvent.click(screen.getByRole('button', { name: 'Play' }));

    await backToDataset();
    expect(created.map((p) => p.destroyed)).toEqual([true]);
    await fireEvent.click(row(3));
    await waitFor(() => expect(screen.getByTestId('waveform').getAttribute('data-ready')).toBe('true'));
    expect(created.map((p) => p.destroyed)).toEqual([true, false]);
    // The new clip starts paused at 0.
    expect(screen.getByRole('button', { name: 'Play' })).toBeTruthy();
    expect(textOf('current-time')).toBe('0:00.00');
  });

  it('clamps the analysed window to the recording and says where it is padded', async () => {
    await openSeeded();
    await fireEvent.click(row(0));
    // The fake player reports a 4 s recording; the window is 0.5–3.5 s, inside it.
    await waitFor(() => expect(textOf('analysed-window')).toContain('0.50–3.50 s'));
    expect(textOf('analysed-window')).not.toContain('padding');
  });
});
