/**
 * The Train view against the fake engine: the config form (prefilled from configs/default.yaml,
 * validation messages as you type from the engine's own schema, load/save YAML), starting a run,
 * watching its phases and epochs, Cancel, the outcome, and picking a running job back up after a reload.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import YAML from 'yaml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config';
import { REPO_ROOT } from '../helpers/cli';
import { FakeEngine, RAVDESS_ROOT } from './fakeEngine';
import { fakeExperiments } from './fakeExperiments';
import { renderApp, textOf } from './helpers';

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function openTrain(engine = withDataset()) {
  const view = renderApp(engine);
  await goTo('Train');
  await waitFor(() => expect(screen.getByTestId('train-dataset')).toBeTruthy());
  return { engine, ...view };
}

function withDataset(): FakeEngine {
  const engine = new FakeEngine();
  engine.seedDataset(RAVDESS_ROOT);
  return engine;
}

async function goTo(label: string): Promise<void> {
  const nav = screen.getByRole('navigation', { name: 'Main' });
  await fireEvent.click(within(nav).getByRole('button', { name: label }));
}

const input = (label: string): HTMLInputElement => screen.getByLabelText(label, { selector: 'input' });

async function type(label: string, value: string): Promise<void> {
  await fireEvent.input(input(label), { target: { value } });
}

/** The messages shown under a field (by config key). */
function errorsOf(key: string): string | null {
  const field = screen.getByTestId('config-form').querySelector(`[data-field="${key}"]`);
  if (!field) throw new Error(`no field ${key}`);
  return field.querySelector('[data-testid="field-error"]')?.textContent?.trim() ?? null;
}

const startButton = (): HTMLButtonElement => screen.getByTestId('train-start');

describe('Train view: the config form', () => {
  it('is prefilled with configs/default.yaml and says so', async () => {
    await openTrain();
    const yaml = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, 'configs/default.yaml'), 'utf8')) as typeof DEFAULT_CONFIG;
    expect(textOf('config-source')).toBe('configs/default.yaml');
    expect(input('Epochs').value).toBe(String(yaml.training.epochs));
    expect(input('Hidden layers').value).toBe(yaml.model.hidden_layers.join(', '));
    expect(input('Dropout rates').value).toBe(yaml.model.dropout_rates.join(', '));
    expect(input('Learning rate').value).toBe(String(yaml.training.learning_rate));
    expect((screen.getByLabelText('Architecture') as HTMLSelectElement).value).toBe(yaml.model.name);
    const checked = screen.getAllByRole('checkbox').filter((c) => (c as HTMLInputElement).name === 'emotion' && (c as HTMLInputElement).checked);
    expect(checked.map((c) => (c as HTMLInputElement).value)).toEqual(Object.keys(yaml.data.emotions));
    expect(textOf('config-validity')).toBe('Config is valid');
    expect(startButton().disabled).toBe(false);
  });

  it('shows the schema’s message under the field as you type, blocks Start, and clears when fixed', async () => {
    await openTrain();
    await type('Epochs', '0');
    expect(errorsOf('training.epochs')).toBe('got 0, expected a number ≥ 1');
    expect(input('Epochs').getAttribute('aria-invalid')).toBe('true');
    expect(textOf('config-validity')).toBe('1 problem to fix before training');
    expect(startButton().disabled).toBe(true);

    await type('Epochs', 'ten');
    expect(errorsOf('training.epochs')).toBe('got "ten", expected a number');
    await type('Epochs', '2.5');
    expect(errorsOf('training.epochs')).toBe('got 2.5, expected an integer');
    await type('Epochs', '5');
    expect(errorsOf('training.epochs')).toBeNull();
    expect(input('Epochs').getAttribute('aria-invalid')).toBe('false');
    expect(startButton().disabled).toBe(false);
  });

  it('routes list items, cross-field rules and the emotion set to their fields', async () => {
    await openTrain();
    await type('Hidden layers', '256, 0, 64');
    expect(errorsOf('model.hidden_layers')).toBe('item 2: got 0, expected a number ≥ 1');
    await type('Hidden layers', '256, 128');
    expect(errorsOf('model.hidden_layers')).toBeNull();
    expect(errorsOf('model.dropout_rates')).toBe('got [0.5], expected one dropout rate per hidden layer (or none)');
    await type('Dropout rates', '');
    expect(errorsOf('model.dropout_rates')).toBeNull();

    await type('Test fraction', '0.6');
    await type('Validation fraction', '0.4');
    expect(errorsOf('training.validation_fraction')).toBe('got 0.4, expected a value that leaves clips for training (test_fraction + validation_fraction < 1)');
    await type('Validation fraction', '0.1');
    await type('Test actors', '3, 3');
    expect(errorsOf('training.test_actors')).toBe('got [3,3], expected each actor at most once');
    await type('Test actors', '3, 25');
    expect(errorsOf('training.test_actors')).toBe('item 2: got 25, expected a number ≤ 24');
    await type('Test actors', '');

    for (const name of ['calm', 'happy', 'sad', 'angry', 'fearful']) await fireEvent.click(screen.getByRole('checkbox', { name }));
    expect(errorsOf('data.emotions')).toBe('got {"01":"neutral"}, expected at least two emotions');
    await fireEvent.click(screen.getByRole('checkbox', { name: 'surprised' }));
    expect(errorsOf('data.emotions')).toBeNull();
    expect(textOf('config-validity')).toBe('Config is valid');
  });

  it('shows split options only where they apply', async () => {
    await openTrain();
    expect(screen.queryByLabelText('Folds (k)')).toBeNull();
    expect(screen.getByLabelText('Test actors')).toBeTruthy();
    expect(screen.queryByLabelText('Deployed model')).toBeNull();
    await fireEvent.change(screen.getByLabelText('Split'), { target: { value: 'actor_kfold' } });
    expect(screen.getByLabelText('Folds (k)')).toBeTruthy();
    expect((screen.getByLabelText('Deployed model') as HTMLSelectElement).value).toBe('ensemble');
    expect(screen.queryByLabelText('Test actors')).toBeNull();
    await fireEvent.change(screen.getByLabelText('Split'), { target: { value: 'stratified' } });
    expect(screen.queryByLabelText('Folds (k)')).toBeNull();
    expect(screen.getByLabelText('Test fraction')).toBeTruthy();
  });

  it('logreg shows its C and hides the neural-network settings; Start sends C', async () => {
    const { engine } = await openTrain();
    expect(screen.queryByLabelText('C (inverse regularisation)')).toBeNull();
    await fireEvent.change(screen.getByLabelText('Architecture'), { target: { value: 'logreg' } });
    expect(screen.queryByLabelText('Hidden layers')).toBeNull();
    expect(screen.queryByLabelText('Dropout rates')).toBeNull();
    await type('C (inverse regularisation)', '0.1');
    await fireEvent.click(startButton());
    await waitFor(() => expect(engine.callsOf('training.start')).toHaveLength(1));
    const [call] = engine.callsOf('training.start') as Array<{ config: typeof DEFAULT_CONFIG }>;
    expect(call?.config.model).toMatchObject({ name: 'logreg', C: 0.1 });
  });

  it('cnn and lstm show their frame features; Start sends the checked groups in the sequence order; deltas need Δ', async () => {
    const { engine } = await openTrain();
    const group = () => screen.queryByRole('group', { name: 'Frame features (sequence models)' });
    expect(group()).toBeNull();
    await fireEvent.change(screen.getByLabelText('Architecture'), { target: { value: 'cnn' } });
    const box = (name: string) => screen.getByRole('checkbox', { name }) as HTMLInputElement;
    expect(['mfcc', 'deltas', 'logmel', 'spectral', 'temporal', 'chroma'].filter((g) => box(g).checked)).toEqual(['mfcc', 'logmel']);
    await fireEvent.click(box('chroma'));
    await fireEvent.click(box('deltas'));
    await fireEvent.click(box('logmel'));
    await fireEvent.click(screen.getByLabelText('MFCC Δ and ΔΔ'));
    expect(errorsOf('features.sequence')).toBe(`got ["mfcc","deltas","chroma"], expected 'deltas' needs include_delta: true`);
    expect(startButton().disabled).toBe(true);
    await fireEvent.click(screen.getByLabelText('MFCC Δ and ΔΔ'));
    await fireEvent.click(startButton());
    await waitFor(() => expect(engine.callsOf('training.start')).toHaveLength(1));
    const [call] = engine.callsOf('training.start') as Array<{ config: typeof DEFAULT_CONFIG }>;
    expect(call?.config.features.sequence).toEqual(['mfcc', 'deltas', 'chroma']);
    expect(group()).toBeTruthy();
  });

  it('ensemble validation shows for an ensemble of 2 or more networks; Start sends it', async () => {
    const { engine } = await openTrain();
    expect((screen.getByLabelText('Ensemble validation') as HTMLSelectElement).value).toBe('rotate');
    await type('Ensemble size', '1');
    expect(screen.queryByLabelText('Ensemble validation')).toBeNull();
    await type('Ensemble size', '3');
    await fireEvent.change(screen.getByLabelText('Ensemble validation'), { target: { value: 'shared' } });
    await fireEvent.click(startButton());
    await waitFor(() => expect(engine.callsOf('training.start')).toHaveLength(1));
    const [call] = engine.callsOf('training.start') as Array<{ config: typeof DEFAULT_CONFIG }>;
    expect(call?.config.training.ensemble_validation).toBe('shared');
    expect(call?.config.model.ensemble).toBe(3);
  });

  it("svm shows C and gamma ('scale' or a number); Start sends both", async () => {
    const { engine } = await openTrain();
    expect(screen.queryByLabelText('RBF gamma')).toBeNull();
    await fireEvent.change(screen.getByLabelText('Architecture'), { target: { value: 'svm' } });
    expect(screen.queryByLabelText('Hidden layers')).toBeNull();
    // Fitted to convergence: no epochs, batches, learning rate or network knobs to set.
    for (const label of ['Epochs', 'Batch size', 'Learning rate', 'Ensemble size', 'Input noise (σ)', 'Mixup α']) expect(screen.queryByLabelText(label), label).toBeNull();
    expect(input('RBF gamma').value).toBe('scale');
    await type('RBF gamma', '-1');
    expect(startButton().disabled).toBe(true);
    await type('RBF gamma', '0.01');
    await type('C (inverse regularisation)', '10');
    await fireEvent.click(startButton());
    await waitFor(() => expect(engine.callsOf('training.start')).toHaveLength(1));
    const [call] = engine.callsOf('training.start') as Array<{ config: typeof DEFAULT_CONFIG }>;
    expect(call?.config.model).toMatchObject({ name: 'svm', C: 10, gamma: 0.01 });
  });

  it('loads a YAML file into the form; an invalid file names itself and changes nothing', async () => {
    await openTrain();
    const file = screen.getByTestId('config-file') as HTMLInputElement;
    const good = new File(['model:\n  name: lstm\n  hidden_layers: [64, 32]\n  dropout_rates: []\ntraining:\n  epochs: 7\n'], 'lstm.yaml');
    await fireEvent.change(file, { target: { files: [good] } });
    await waitFor(() => expect(textOf('config-source')).toBe('lstm.yaml'));
    expect((screen.getByLabelText('Architecture') as HTMLSelectElement).value).toBe('lstm');
    expect(input('Epochs').value).toBe('7');
    expect(input('Hidden layers').value).toBe('64, 32');
    // Keys the file leaves out take their defaults.
    expect(input('Batch size').value).toBe('32');

    const bad = new File(['training:\n  epochs: 0\n  optimizer: sgd\n'], 'bad.yaml');
    await fireEvent.change(file, { target: { files: [bad] } });
    await waitFor(() => expect(screen.getByTestId('train-view-error').textContent).toContain('bad.yaml: training.epochs: got 0, expected a number ≥ 1; Unknown key training.optimizer'));
    expect(input('Epochs').value).toBe('7');
    expect(textOf('config-source')).toBe('lstm.yaml');
  });

  it('saves the form as YAML that parses back to the same config', async () => {
    await openTrain();
    const blobs: Blob[] = [];
    const createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:config';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const clicks = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    await type('Epochs', '12');
    await fireEvent.change(screen.getByLabelText('Architecture'), { target: { value: 'cnn' } });
    await fireEvent.click(screen.getByTestId('config-save'));
    expect(clicks).toHaveBeenCalledTimes(1);
    const saved = YAML.parse(await (blobs[0] as Blob).text()) as typeof DEFAULT_CONFIG;
    expect(saved).toEqual({ ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, name: 'cnn' }, training: { ...DEFAULT_CONFIG.training, epochs: 12 } });

    await type('Epochs', '-1');
    expect((screen.getByTestId('config-save') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('Train view: a run', () => {
  async function startRun(engine = withDataset(), epochs = '5') {
    const view = await openTrain(engine);
    await type('Epochs', epochs);
    await fireEvent.input(screen.getByTestId('train-name'), { target: { value: 'five epochs' } });
    await fireEvent.click(startButton());
    await waitFor(() => expect(screen.getByTestId('train-run')).toBeTruthy());
    const jobId = (engine.jobs.find((j) => j.kind === 'train') ?? { jobId: '' }).jobId;
    return { ...view, jobId };
  }

  const points = (): number => Number(screen.getByTestId('learning-curves').getAttribute('data-points'));

  it('starts the form’s config on the chosen dataset (re-indexed first) and follows phases and epochs', async () => {
    const { engine, jobId } = await startRun();
    const [call] = engine.callsOf('training.start') as Array<{ datasetId: number; config: typeof DEFAULT_CONFIG; name: string; reindex: boolean }>;
    expect(call).toMatchObject({ datasetId: 1, name: 'five epochs', reindex: true });
    expect(call?.config).toEqual({ ...DEFAULT_CONFIG, training: { ...DEFAULT_CONFIG.training, epochs: 5 } });
    expect(startButton().disabled).toBe(true);

    engine.trainPhase(jobId, 'indexing', 600, 1440);
    await waitFor(() => expect(textOf('train-phase')).toBe('Indexing the folder: 600/1440'));
    engine.trainPhase(jobId, 'extracting features', 300, 1440);
    await waitFor(() => expect(textOf('train-phase')).toBe('Extracting features: 300/1440'));
    expect(points()).toBe(0);

    engine.trainEpoch(jobId, 1, 5);
    await waitFor(() => expect(textOf('train-epoch')).toBe('1/5'));
    expect(points()).toBe(1);
    expect(screen.getByTestId('train-progress').getAttribute('data-value')).toBe('0.2000');
    engine.trainEpoch(jobId, 2, 5, { lr: 0.0005 });
    await waitFor(() => expect(textOf('train-epoch')).toBe('2/5'));
    expect(points()).toBe(2);
    expect(textOf('train-lr')).toBe('0.0005');
    expect(textOf('train-eta')).toBe('1.2 s');
    expect(textOf('train-backend')).toBe('wasm');
    expect(textOf('train-backend-note')).toContain('Training on wasm: tensorflow skipped (tfjs-node not installed).');
    expect(textOf('train-backend-note')).toContain('npm install @tensorflow/tfjs-node');
    expect(textOf('train-status')).toBe('running');

    // Leaving the view keeps the run; coming back shows its curves so far.
    await goTo('Dataset');
    engine.trainEpoch(jobId, 3, 5);
    await goTo('Train');
    await waitFor(() => expect(points()).toBe(3));

    engine.endTraining(jobId, 'finished');
    await waitFor(() => expect(textOf('train-status')).toBe('finished'));
    await waitFor(() => expect(textOf('train-accuracy')).toBe('0.62'));
    expect(startButton().disabled).toBe(false);
    await fireEvent.click(screen.getByTestId('train-open-experiment'));
    await waitFor(() => expect(screen.getByTestId('experiment-detail').textContent).toContain('five epochs'));
  });

  it('shows the backend as soon as the engine has chosen it, before any epoch', async () => {
    const { engine, jobId } = await startRun();
    engine.trainPhase(jobId, 'extracting features', 10, 1440);
    await waitFor(() => expect(textOf('train-phase')).toBe('Extracting features: 10/1440'));
    expect(textOf('train-backend')).toBe('—');
    engine.trainBackend(jobId, { backend: 'cpu', reason: 'cpu (pure JavaScript, slowest); tensorflow skipped: x; wasm skipped: y', skipped: [{ backend: 'tensorflow', reason: 'x' }, { backend: 'wasm', reason: 'y' }] });
    await waitFor(() => expect(textOf('train-backend')).toBe('cpu'));
    expect(textOf('train-backend-note')).toContain('Training on cpu: tensorflow skipped (x); wasm skipped (y).');
  });

  it('feature extraction shows its elapsed time and the time left at its rate', async () => {
    const { engine, jobId } = await startRun();
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    try {
      engine.trainPhase(jobId, 'extracting features', 0, 1440);
      await waitFor(() => expect(textOf('train-phase')).toBe('Extracting features: 0/1440'));
      // No rate yet: elapsed only.
      expect(textOf('train-phase-time')).toBe('0.0 s elapsed');
      // The workers took 3 s to start: that is not the rate.
      vi.setSystemTime(new Date('2026-01-01T00:00:03Z'));
      engine.trainPhase(jobId, 'extracting features', 10, 1440);
      await waitFor(() => expect(textOf('train-phase-time')).toBe('3.0 s elapsed'));
      // 20 more clips is under 2 % of the phase: still no estimate.
      vi.setSystemTime(new Date('2026-01-01T00:00:03.500Z'));
      engine.trainPhase(jobId, 'extracting features', 30, 1440);
      await waitFor(() => expect(textOf('train-phase-time')).toBe('3.5 s elapsed'));
      vi.setSystemTime(new Date('2026-01-01T00:00:13Z'));
      engine.trainPhase(jobId, 'extracting features', 410, 1440);
      // 400 clips in the 10 s since the first progress: 1030 left take 25.75 s.
      await waitFor(() => expect(textOf('train-phase-time')).toBe('13.0 s elapsed · about 25.8 s left'));
      vi.setSystemTime(new Date('2026-01-01T00:00:12Z'));
      engine.trainEpoch(jobId, 1, 5);
      await waitFor(() => expect(textOf('train-epoch')).toBe('1/5'));
      expect(screen.queryByTestId('train-phase-time')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('the ETA is a range while early stopping could end the run sooner; the curves mark the kept epoch and the stop', async () => {
    const { engine, jobId } = await startRun(withDataset(), '50');
    engine.trainEpoch(jobId, 1, 50, { bestEpoch: 1 }, 4);
    // At most 49 epochs × 0.4 s = 19.6 s; at least the patience left, 4 s here.
    await waitFor(() => expect(textOf('train-eta')).toBe('4.0 s – 19.6 s'));
    engine.trainEpoch(jobId, 2, 50, { bestEpoch: 1 }, 3.6);
    await waitFor(() => expect(textOf('train-epoch')).toBe('2/50'));
    engine.trainEpoch(jobId, 3, 50, { bestEpoch: 1, earlyStop: true }, 0);
    await waitFor(() => expect(textOf('train-epoch')).toBe('3/50'));
    const markers = await waitFor(() => screen.getByTestId('curve-markers'));
    expect(markers.textContent?.trim()).toBe('early stopping ended it at epoch 3; best validation loss at epoch 1 (those weights are kept).');
    expect(markers.querySelector('li')?.getAttribute('data-best')).toBe('1');
    expect(markers.querySelector('li')?.getAttribute('data-stopped')).toBe('3');
  });

  it('Cancel asks the engine to stop the job; the run ends as cancelled', async () => {
    const { engine, jobId } = await startRun();
    engine.trainEpoch(jobId, 1, 5);
    await waitFor(() => expect(points()).toBe(1));
    await fireEvent.click(screen.getByTestId('train-cancel'));
    expect(engine.callsOf('jobs.cancel')).toEqual([{ jobId }]);
    await waitFor(() => expect(textOf('train-status')).toBe('cancelled'));
    expect(screen.getByTestId('train-outcome').textContent).toContain('Cancelled');
    expect(engine.trainedExperiment(jobId).status).toBe('cancelled');
  });

  it('a failed run shows the engine’s reason', async () => {
    const { engine, jobId } = await startRun();
    engine.endTraining(jobId, 'failed', 'Actor_03/03-01-05-01-01-01-03.wav: not a RIFF/WAVE file');
    await waitFor(() => expect(textOf('train-status')).toBe('failed'));
    expect(screen.getByTestId('train-error').textContent).toContain('not a RIFF/WAVE file');
  });

  it('a start the engine refuses is reported and leaves no run', async () => {
    const engine = withDataset();
    engine.failures.set('training.start', { code: 'NOT_FOUND', message: 'No dataset 1' });
    await openTrain(engine);
    await fireEvent.click(startButton());
    await waitFor(() => expect(screen.getByTestId('train-view-error').textContent).toContain('Could not start training: No dataset 1'));
    expect(screen.queryByTestId('train-run')).toBeNull();
  });

  it('after a reload, picks up the running job with its curves so far and follows it', async () => {
    const first = await startRun();
    const { engine, jobId } = first;
    engine.trainEpoch(jobId, 1, 5);
    engine.trainEpoch(jobId, 2, 5);
    await waitFor(() => expect(points()).toBe(2));
    first.unmount();

    // A new window: nothing but what the engine says.
    await openTrain(engine);
    await waitFor(() => expect(points()).toBe(2));
    expect(textOf('train-epoch')).toBe('2/5');
    expect(textOf('train-lr')).toBe('0.001');
    expect(textOf('train-status')).toBe('running');
    engine.trainEpoch(jobId, 3, 5);
    await waitFor(() => expect(points()).toBe(3));
    await fireEvent.click(screen.getByTestId('train-cancel'));
    expect(engine.callsOf('jobs.cancel')).toEqual([{ jobId }]);
  });

  it('Re-run in an experiment’s detail trains its config on its dataset and shows the run here', async () => {
    const engine = withDataset();
    const [, stratified] = engine.seedExperiments(fakeExperiments());
    if (!stratified) throw new Error('fixtures');
    renderApp(engine);
    await goTo('Experiments');
    const row = await waitFor(() => screen.getByRole('row', { name: `Open experiment ${stratified.name}` }));
    await fireEvent.click(row);
    const detail = await waitFor(() => screen.getByTestId('experiment-detail'));
    await fireEvent.click(within(detail).getByRole('button', { name: 'Re-run' }));

    await waitFor(() => expect(screen.getByTestId('train-run')).toBeTruthy());
    expect(screen.getByRole('button', { name: 'Train', current: 'page' })).toBeTruthy();
    expect(engine.callsOf('training.start')).toEqual([{ datasetId: 1, config: stratified.config, name: 'stratified-dnn (re-run)', reindex: true }]);
    expect(textOf('train-run-name')).toBe('stratified-dnn (re-run)');
    expect(textOf('config-source')).toBe(`experiment #${stratified.id} (stratified-dnn)`);
    expect((screen.getByLabelText('Split') as HTMLSelectElement).value).toBe('stratified');
  });

  it('Re-run of a run whose dataset is gone says so and starts nothing', async () => {
    const engine = withDataset();
    const [actor] = engine.seedExperiments(fakeExperiments().map((e) => ({ ...e, datasetId: 7, datasetRoot: '/gone/RAVDESS' })));
    if (!actor) throw new Error('fixtures');
    renderApp(engine);
    await goTo('Experiments');
    await fireEvent.click(await waitFor(() => screen.getByRole('row', { name: `Open experiment ${actor.name}` })));
    await fireEvent.click(within(await waitFor(() => screen.getByTestId('experiment-detail'))).getByRole('button', { name: 'Re-run' }));
    await waitFor(() => expect(screen.getByTestId('train-view-error').textContent).toContain('its dataset (/gone/RAVDESS) is no longer indexed'));
    expect(engine.callsOf('training.start')).toEqual([]);
  });

  it('without an indexed dataset, points to the Dataset view', async () => {
    renderApp(new FakeEngine());
    await goTo('Train');
    await waitFor(() => expect(screen.getByTestId('train-no-dataset')).toBeTruthy());
    expect(startButton().disabled).toBe(true);
    await fireEvent.click(within(screen.getByTestId('train-no-dataset')).getByRole('button'));
    expect(screen.getByRole('button', { name: 'Dataset', current: 'page' })).toBeTruthy();
  });
});
