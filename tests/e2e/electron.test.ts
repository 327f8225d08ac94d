/**
 * The real desktop app under Playwright's Electron driver. It needs the Electron binary, which is
 * downloaded by electron's install step; where that download is skipped or blocked the test is skipped
 * and says why. It uses only the public contract (`window.api`: invoke → `{ ok, value | error }`,
 * subscribe → events) and the demo corpus: index it, train two epochs, predict a clip.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { electronBinary, ensureElectronAbi, ensureNodeAbi } from '../../scripts/native.js';
import type { EventMessage, MethodName } from '../../shared/contract';
import type { IndexResult } from '../../shared/dataset';
import type { RpcResult } from '../../shared/errors';
import type { EpochEvent, TrainResult } from '../../shared/experiments';
import type { Prediction, TestClip } from '../../shared/prediction';
import { REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/fixtureCorpus';
import { screenshot } from './harness';
import { invokeInPage, runJobInPage, type JobRun } from './windowApi';

const require = createRequire(import.meta.url);
const binary = electronBinary();
const title = binary
  ? 'desktop app (Electron): index, train, predict through window.api'
  : 'desktop app (Electron) smoke test — SKIPPED: the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD or a blocked download)';

/** corpus8: 8 actors × 60 clips. Actors 7–8 are held out for testing, 5–6 for validation. */
const CORPUS_CLIPS = 480;
const TRAIN_CONFIG = { training: { epochs: 2, test_actors: [7, 8], validation_actors: [5, 6] } };

describe.skipIf(!binary)(title, () => {
  const corpus = inject('corpus8');
  let app: ElectronApplication;
  let page: Page;

  /** A contract call from the page: the transport's `{ ok, value | error }`. */
  const invoke = (method: MethodName, payload: unknown): Promise<RpcResult<unknown>> => page.evaluate(invokeInPage, { method, payload });

  /** A contract call from the page; throws with the typed error when the answer is not ok. */
  async function call<T>(method: MethodName, payload: unknown): Promise<T> {
    const answer = await invoke(method, payload);
    if (!answer.ok) throw new Error(`${method}: ${answer.error.code}: ${answer.error.message}`);
    return answer.value as T;
  }

  /** A job from the page, to its end; the start must be accepted. */
  async function runJob(method: MethodName, payload: unknown): Promise<JobRun & { finished: NonNullable<JobRun['finished']> }> {
    const run = await page.evaluate(runJobInPage, { method, payload });
    expect(run.start, `${method} start`).toMatchObject({ ok: true, value: { jobId: expect.stringMatching(/^job-/) } });
    if (run.finished === null) throw new Error(`${method}: no job.finished`);
    return { ...run, finished: run.finished };
  }

  const ofKind = <E extends EventMessage['event']>(events: EventMessage[], event: E) =>
    events.filter((m): m is Extract<EventMessage, { event: E }> => m.event === event).map((m) => m.payload);

  beforeAll(async () => {
    ensureElectronAbi((require('electron/package.json') as { version: string }).version);
    app = await electron.launch({
      executablePath: binary as string,
      args: [path.join(REPO_ROOT, 'out/main/index.js')],
      env: { ...process.env, EMOTION_STUDIO_HOME: tempDir('electron-home') },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });
  afterAll(async () => {
    await app?.close();
    ensureNodeAbi();
  });

  it('opens a sandboxed window whose page reaches the engine only through window.api', async () => {
    expect(await page.title()).toBe('Emotion Studio');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    const info = await invoke('app.info', {});
    expect(info).toMatchObject({ ok: true, value: { mode: 'electron', nativeDialogs: true, nativeOpen: true } });
    // Validation happens behind the bridge too: a path where an id belongs is refused, typed.
    const refused = await invoke('clip.audio', { datasetId: 1, clipId: '../../etc/passwd' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  });

  it('indexes the demo corpus, trains two epochs and predicts a clip', async () => {
    // Index: progress events, then the summary as the job's result.
    const indexed = await runJob('dataset.startIndex', { root: corpus });
    expect(indexed.finished).toMatchObject({ kind: 'index', status: 'finished', result: { status: 'finished', clips: CORPUS_CLIPS, rejected: [] } });
    expect(ofKind(indexed.events, 'job.progress').length).toBeGreaterThan(0);
    const { datasetId } = indexed.finished.result as IndexResult;
    expect((await call<unknown[]>('dataset.clips', { datasetId })).length).toBe(CORPUS_CLIPS);
    await page.reload();
    await expect.poll(() => page.getByTestId('clip-count').textContent(), { timeout: 30_000 }).toBe(String(CORPUS_CLIPS));
    await screenshot(page, 'electron-dataset');

    // Train two epochs: one training.epoch event per epoch, tagged with the job, then the result.
    const trained = await runJob('training.start', { datasetId, config: TRAIN_CONFIG, name: 'electron e2e' });
    expect(trained.finished).toMatchObject({ kind: 'train', status: 'finished', result: { status: 'finished', name: 'electron e2e', epochsRun: 2 } });
    const result = trained.finished.result as TrainResult;
    const epochs = ofKind(trained.events, 'training.epoch') as EpochEvent[];
    expect(epochs.map((e) => [e.epoch, e.epochs, e.experimentId])).toEqual([[1, 2, result.experimentId], [2, 2, result.experimentId]]);
    for (const e of epochs) expect(Number.isFinite(e.loss) && Number.isFinite(e.valAcc)).toBe(true);
    // The held-out actors 7 and 8: at most their 120 clips (the configured emotions only).
  expect(result.split.counts.test).toBeGreaterThan(0);
  expect(result.split.counts.test).toBeLessThanOrEqual(CORPUS_CLIPS / 4);
    expect(await call('experiments.get', { id: result.experimentId })).toMatchObject({ status: 'finished', name: 'electron e2e' });

    // Predict one of the run's test clips: the same model and preprocessing give the evaluation's label.
    const testClips = await call<TestClip[]>('experiments.testClips', { id: result.experimentId });
    expect(testClips).toHaveLength(result.split.counts.test);
    const clip = testClips[0] as TestClip;
    const prediction = await call<Prediction>('predict.clip', { experimentId: result.experimentId, source: { kind: 'clip', datasetId, clipId: clip.clipId } });
    expect(prediction).toMatchObject({ experimentId: result.experimentId, file: clip.path, groundTruth: clip.groundTruth, emotion: clip.predicted, silent: false });
    expect(prediction.labels).toContain(prediction.emotion);
    expect(Object.values(prediction.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(prediction.windows).toHaveLength(1);
  });
});
