/**
 * Prediction in the Clip view against the fake engine: the verdict, probability bars and ground-truth
 * mark for an indexed clip, choosing the experiment, stepping through an experiment's test clips (next
 * misclassified), opening a WAV by upload (browser mode) or the native picker (desktop), a long file's
 * emotion over time on the strip and the waveform, and errors.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pcm16Wav } from '../helpers/wavBytes';
import { UPLOAD_CHUNK_BYTES } from '../../shared/prediction';
import { FakeEngine, RAVDESS_ROOT } from './fakeEngine';
import { fakeExperiments } from './fakeExperiments';
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

function seeded(): FakeEngine {
  const engine = new FakeEngine();
  engine.seedDataset(RAVDESS_ROOT);
  engine.seedExperiments(fakeExperiments());
  return engine;
}

async function goTo(label: string): Promise<void> {
  await fireEvent.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('button', { name: label }));
}

async function openRow(index: number): Promise<number> {
  await waitFor(() => expect(bodyRows().length).toBeGreaterThan(index));
  const row = bodyRows()[index] as HTMLElement;
  await fireEvent.click(row);
  return Number(row.getAttribute('data-clip-id'));
}

function bars(): Array<{ emotion: string; probability: number; top: boolean }> {
  return within(screen.getByTestId('probability-bars'))
    .getAllByRole('listitem')
    .map((li) => ({ emotion: li.getAttribute('data-emotion') ?? '', probability: Number(li.getAttribute('data-probability')), top: li.getAttribute('data-top') === 'true' }));
}

/** The latest finished fake run (k-fold, #4) answers by default. */
const LATEST = 4;

describe('prediction for an indexed clip', () => {
  it('asks the latest finished experiment and shows the verdict, a bar per emotion and the ground truth', async () => {
    const engine = seeded();
    renderApp(engine);
    const clipId = await openRow(0);
    await waitFor(() => expect(textOf('predicted-emotion')).toBe('neutral'));
    expect(engine.callsOf('predict.clip')).toEqual([{ experimentId: LATEST, source: { kind: 'clip', datasetId: 1, clipId } }]);
    expect(textOf('prediction-confidence')).toBe('70.0%');
    const shown = bars();
    expect(shown.map((b) => b.emotion)).toEqual(['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful']);
    expect(shown.filter((b) => b.top).map((b) => b.emotion)).toEqual(['neutral']);
    expect(shown.reduce((s, b) => s + b.probability, 0)).toBeCloseTo(1, 3);
    const truth = screen.getByTestId('ground-truth');
    expect(truth.getAttribute('data-correct')).toBe('true');
    expect(truth.textContent).toContain('correct — ground truth neutral');
    expect(screen.queryByTestId('emotion-timeline')).toBeNull();
    // Actor 01 trained the latest run: the verdict is marked optimistic.
    expect(screen.getByTestId('clip-standing').getAttribute('data-held-out')).toBe('false');
    expect(textOf('clip-standing')).toMatch(/^seen in training — optimistic/);
    // A per_actor model: the clip was standardised by its own actor's statistics, and the view says so.
    expect(screen.getByTestId('clip-speaker-normalization').getAttribute('data-mode')).toBe('per_actor');
    expect(textOf('clip-speaker-normalization')).toBe("Speaker: normalised by actor 01's own statistics (60 clips), as in the evaluation");
  });

  it('another experiment can answer; its verdict replaces the first', async () => {
    const engine = seeded();
    renderApp(engine);
    const clipId = await openRow(3);
    await waitFor(() => expect(screen.getByTestId('predicted-emotion')).toBeTruthy());
    await fireEvent.change(screen.getByTestId('prediction-experiment'), { target: { value: '1' } });
    await waitFor(() => expect(engine.callsOf('predict.clip').at(-1)).toEqual({ experimentId: 1, source: { kind: 'clip', datasetId: 1, clipId } }));
    // Unfinished runs cannot answer: only finished ones are offered.
    const options = within(screen.getByTestId('prediction-experiment')).getAllByRole('option').map((o) => (o as HTMLOptionElement).value);
    expect(options).toEqual(['4', '2', '1']);
  });

  it('without a finished experiment says to train one, and asks nothing', async () => {
    const engine = new FakeEngine();
    engine.seedDataset(RAVDESS_ROOT);
    renderApp(engine);
    await openRow(0);
    await waitFor(() => expect(screen.getByTestId('prediction-none')).toBeTruthy());
    expect(engine.callsOf('predict.clip')).toEqual([]);
  });

  it('an engine error is shown with Retry', async () => {
    const engine = seeded();
    engine.failures.set('predict.clip', { code: 'NOT_FOUND', message: '/runs/4/model.json is missing' });
    renderApp(engine);
    await openRow(0);
    await waitFor(() => expect(screen.getByTestId('prediction-error').textContent).toContain('/runs/4/model.json is missing'));
    engine.failures.delete('predict.clip');
    await fireEvent.click(within(screen.getByTestId('prediction-error')).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(textOf('predicted-emotion')).toBe('neutral'));
  });
});

describe('stepping through an experiment’s test clips', () => {
  /** The app on the seeded engine, stepping through run 1's test clips from the Experiments view. */
  async function stepThroughRunOne() {
    const engine = seeded();
    renderApp(engine);
    const experiment = engine.experiments.find((e) => e.id === 1);
    if (!experiment) throw new Error('fixtures');
    const clips = engine.testClipsOf(experiment);
    await goTo('Experiments');
    await fireEvent.click(await waitFor(() => screen.getByRole('row', { name: 'Open experiment actor-dnn' })));
    await fireEvent.click(await waitFor(() => screen.getByTestId('step-test-clips')));
    return { engine, clips };
  }

  it('opens the first test clip, steps with Next, and jumps to the next misclassified one', async () => {
    const { engine, clips } = await stepThroughRunOne();

    await waitFor(() => expect(textOf('test-position')).toBe(`clip 1 of ${clips.length}`));
    expect(screen.getByRole('button', { name: 'Clip', current: 'page' })).toBeTruthy();
    expect(engine.callsOf('clip.get').at(-1)).toEqual({ datasetId: 1, clipId: clips[0]?.clipId });
    await waitFor(() => expect(engine.callsOf('predict.clip').at(-1)).toMatchObject({ experimentId: 1, source: { clipId: clips[0]?.clipId } }));

    await fireEvent.click(screen.getByTestId('test-next'));
    await waitFor(() => expect(textOf('test-position')).toBe(`clip 2 of ${clips.length}`));

    const wrong = clips.findIndex((c, i) => i > 1 && !c.correct);
    await fireEvent.click(screen.getByTestId('test-next-wrong'));
    await waitFor(() => expect(textOf('test-position')).toBe(`clip ${wrong + 1} of ${clips.length}`));
    await waitFor(() => expect(screen.getByTestId('ground-truth').getAttribute('data-correct')).toBe('false'));
    expect(textOf('predicted-emotion')).toBe(clips[wrong]?.predicted);
    expect(textOf('test-evaluated')).toBe(clips[wrong]?.predicted);
    // A test clip of this run: its speaker was held out, and the view says so.
    expect(screen.getByTestId('clip-standing').getAttribute('data-held-out')).toBe('true');
    expect(textOf('clip-standing')).toMatch(/^held out: actor \d\d was one of this model's test actors$/);

    // And on to the one after.
    await fireEvent.click(screen.getByTestId('test-next-wrong'));
    const again = clips.findIndex((c, i) => i > wrong && !c.correct);
    await waitFor(() => expect(textOf('test-position')).toBe(`clip ${again + 1} of ${clips.length}`));
  });

  it('keys: N next, P previous, M next misclassified; not while typing in a field or with a modifier', async () => {
    const { clips } = await stepThroughRunOne();
    await waitFor(() => expect(textOf('test-position')).toBe(`clip 1 of ${clips.length}`));
    const position = (n: number) => waitFor(() => expect(textOf('test-position')).toBe(`clip ${n} of ${clips.length}`));

    await fireEvent.keyDown(document.body, { key: 'n' });
    await position(2);
    await fireEvent.keyDown(document.body, { key: 'N' });
    await position(3);
    await fireEvent.keyDown(document.body, { key: 'p' });
    await position(2);
    await fireEvent.keyDown(document.body, { key: 'm' });
    await position(clips.findIndex((c, i) => i > 1 && !c.correct) + 1);
    const here = textOf('test-position');
    // A modifier, or focus in a field, leaves the key alone.
    await fireEvent.keyDown(document.body, { key: 'n', ctrlKey: true });
    const picker = screen.getByLabelText(/Experiment/, { selector: 'select' });
    await fireEvent.keyDown(picker, { key: 'n' });
    await new Promise((r) => setTimeout(r, 50));
    expect(textOf('test-position')).toBe(here);
    expect(screen.getByTestId('test-next').getAttribute('aria-keyshortcuts')).toBe('N');
  });
});

describe('opening a WAV file', () => {
  function upload(name: string, bytes: Uint8Array): File {
    return new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'audio/wav' });
  }

  it('browser mode uploads the picked file in chunks, plays it and predicts it (ground truth from its RAVDESS name)', async () => {
    const engine = seeded();
    renderApp(engine);
    await goTo('Clip');
    // 6 s of 48 kHz 16-bit: 576 kB, two chunks.
    const bytes = pcm16Wav(6, 48000);
    await fireEvent.change(screen.getByTestId('wav-file'), { target: { files: [upload('03-01-04-01-02-01-05.wav', bytes)] } });
    await waitFor(() => expect(textOf('clip-title')).toBe('03-01-04-01-02-01-05.wav'));
    expect(engine.callsOf('files.uploadStart')).toEqual([{ name: '03-01-04-01-02-01-05.wav', sizeBytes: bytes.byteLength }]);
    const chunks = engine.callsOf('files.uploadChunk') as Array<{ offset: number; base64: string }>;
    expect(chunks.map((c) => c.offset)).toEqual([0, UPLOAD_CHUNK_BYTES]);
    expect(new Uint8Array(Buffer.concat(chunks.map((c) => Buffer.from(c.base64, 'base64'))))).toEqual(bytes);
    await waitFor(() => expect(engine.callsOf('files.audio')).toHaveLength(1));
    await waitFor(() => expect(textOf('predicted-emotion')).toBe('sad'));
    expect(engine.callsOf('predict.clip').at(-1)).toMatchObject({ source: { kind: 'file', fileId: expect.stringMatching(/^file-/) } });
    expect(screen.getByTestId('ground-truth').getAttribute('data-correct')).toBe('true');
    expect(textOf('fact-emotion')).toBe('sad');
    // No known speaker: the per_actor model fell back to the global statistics, shown as a caution.
    expect(screen.getByTestId('clip-speaker-normalization').getAttribute('data-mode')).toBe('fallback');
    expect(textOf('clip-speaker-normalization')).toMatch(/global statistics: the file is not an indexed clip/);
    // Its features are drawn like an indexed clip's (the fake's frame count follows the file size).
    expect(engine.callsOf('files.features')).toEqual([{ fileId: expect.stringMatching(/^file-/) }]);
    await waitFor(() => expect(screen.getByTestId('feature-plots').textContent).toContain(`${100 + (bytes.byteLength % 50)} frames`));
  });

  it('a long file shows the emotion over time on the strip and as waveform regions', async () => {
    const engine = seeded();
    renderApp(engine);
    await goTo('Clip');
    await fireEvent.change(screen.getByTestId('wav-file'), { target: { files: [upload('meeting.wav', pcm16Wav(12, 16000))] } });
    const strip = await waitFor(() => screen.getByTestId('emotion-timeline'));
    const segments = [...strip.querySelectorAll('[data-emotion]')].map((s) => s.getAttribute('data-emotion'));
    // The fake model: windows every 1 s, the emotion changing every 3 windows. The feature plots' window is marked too.
    expect(segments).toEqual(['neutral', 'calm', 'happy', 'sad']);
    expect(screen.queryByTestId('ground-truth')).toBeNull();
    const waveform = await waitFor(() => screen.getByTestId('fake-wavesurfer'));
    await waitFor(() => expect(waveform.getAttribute('data-regions')).toBe('analysed:0.5-3.5 neutral:0-3 calm:3-6 happy:6-9 sad:9-12'));
  });

  it('a file unlike the training audio (8 kHz telephone rate) is flagged out of the model’s domain', async () => {
    const engine = seeded();
    renderApp(engine);
    await goTo('Clip');
    await fireEvent.change(screen.getByTestId('wav-file'), { target: { files: [upload('call.wav', pcm16Wav(4, 8000))] } });
    await waitFor(() => expect(textOf('out-of-domain')).toContain("out of the model's domain"));
    expect(screen.getByTestId('prediction-warnings').textContent).toContain('the file is 8000 Hz, below the 22050 Hz the model analyses');
    // A 48 kHz file is not flagged.
    await fireEvent.change(screen.getByTestId('wav-file'), { target: { files: [upload('studio.wav', pcm16Wav(4, 48000))] } });
    await waitFor(() => expect(textOf('clip-title')).toBe('studio.wav'));
    await waitFor(() => expect(screen.queryByTestId('out-of-domain')).toBeNull());
  });

  it('a file that is not a WAV is refused, naming it, and nothing else changes', async () => {
    const engine = seeded();
    renderApp(engine);
    await goTo('Clip');
    await fireEvent.change(screen.getByTestId('wav-file'), { target: { files: [upload('notes.wav', new TextEncoder().encode('hello'))] } });
    await waitFor(() => expect(screen.getByTestId('open-error').textContent).toContain('notes.wav: not a RIFF/WAVE file'));
    expect(screen.getByTestId('no-clip')).toBeTruthy();
  });

  it('dropping a file opens it too', async () => {
    const engine = seeded();
    renderApp(engine);
    await goTo('Clip');
    const file = upload('03-01-05-02-01-01-07.wav', pcm16Wav(1, 16000));
    await fireEvent.drop(screen.getByTestId('clip-view'), { dataTransfer: { types: ['Files'], files: [file] } });
    await waitFor(() => expect(textOf('clip-title')).toBe('03-01-05-02-01-01-07.wav'));
    await waitFor(() => expect(textOf('predicted-emotion')).toBe('angry'));
  });

  it('the desktop app uses the native picker instead of an upload', async () => {
    const engine = seeded();
    engine.nativeDialogs = true;
    renderApp(engine);
    await goTo('Clip');
    await waitFor(() => expect((screen.getByTestId('open-wav') as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId('open-wav'));
    await waitFor(() => expect(textOf('clip-title')).toBe('03-01-05-01-01-01-12.wav'));
    expect(engine.callsOf('files.choose')).toEqual([{}]);
    expect(engine.callsOf('files.uploadStart')).toEqual([]);
  });
});
