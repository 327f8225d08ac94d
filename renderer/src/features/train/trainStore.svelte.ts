/**
 * State of the Train view: the config form (prefilled from `configs/default.yaml`, validated with the
 * engine's schema on every change), the dataset to train on, and the training job being watched — its
 * phase progress, the curves so far (`training.epoch`), learning rate, ETA, backend and outcome.
 *
 * The store lives as long as the app, so leaving the view keeps the run; a reloaded window (or a
 * reconnected socket) finds a running train job through `jobs.list` and its curves so far through
 * `experiments.get`.
 */
import type { Client } from '../../../../shared/client';
import type { Config } from '../../../../shared/config';
import type { JobEndStatus, JobProgress, JobState } from '../../../../shared/contract';
import type { DatasetInfo } from '../../../../shared/dataset';
import type { BackendSelection, EpochEvent, EpochLog, Experiment } from '../../../../shared/experiments';
import { describeError } from '../../lib/api/errors';
import { nextPhaseTiming, type PhaseTiming } from './phaseTiming';
import defaultYaml from '../../../../configs/default.yaml?raw';
import {
  configFromYamlText,
  configToYamlText,
  validateValues,
  valuesFromConfig,
  type FieldValue,
  type FormValidation,
} from './configForm';

export const DEFAULT_CONFIG_SOURCE = 'configs/default.yaml';

function defaultValues(): Record<string, FieldValue> {
  const loaded = configFromYamlText(defaultYaml, DEFAULT_CONFIG_SOURCE);
  if (!loaded.ok) throw new Error(`The bundled ${DEFAULT_CONFIG_SOURCE} is invalid: ${loaded.error}`);
  return valuesFromConfig(loaded.config);
}

/** The training job this view follows. */
export interface WatchedRun {
  jobId: string;
  name: string;
  experimentId: number | null;
  /** The latest `job.progress` (indexing, extracting features, training, writing artifacts). */
  progress: JobProgress | null;
  /** When the current phase started and last moved, for its elapsed time and ETA. */
  phaseTiming: PhaseTiming | null;
  /** One list per fold (one list when not k-fold), as epochs arrive. */
  history: EpochLog[][];
  lastEpoch: EpochEvent | null;
  /** The backend the run uses and why faster ones were skipped; null until the engine has chosen. */
  backend: BackendSelection | null;
  status: 'running' | JobEndStatus;
  cancelling: boolean;
  /** Why it failed (status `failed`). */
  error: string | null;
  /** The saved run once it ended, with its metrics. */
  experiment: Experiment | null;
}

export class TrainStore {
  readonly #client: Client;

  values = $state<Record<string, FieldValue>>(defaultValues());
  /** Where the form's values came from (a file name, a run, or the default). */
  source = $state(DEFAULT_CONFIG_SOURCE);
  name = $state('');
  datasets = $state.raw<DatasetInfo[]>([]);
  datasetId = $state<number | null>(null);
  run = $state<WatchedRun | null>(null);
  starting = $state(false);
  error = $state<string | null>(null);

  readonly validation: FormValidation = $derived(validateValues(this.values));
  readonly dataset = $derived(this.datasets.find((d) => d.id === this.datasetId) ?? null);
  readonly running = $derived(this.run !== null && this.run.status === 'running');
  readonly canStart = $derived(this.validation.config !== null && this.dataset !== null && !this.running && !this.starting);

  constructor(client: Client) {
    this.#client = client;
  }

  /** Follow training events (until `signal` aborts), load the datasets and pick up a running job. */
  async start(signal: AbortSignal): Promise<void> {
    this.#client.on('training.epoch', (e) => this.#onEpoch(e), signal);
    this.#client.on(
      'training.backend',
      (e) => {
        if (this.run?.jobId === e.jobId) this.run.backend = e.selection;
      },
      signal,
    );
    this.#client.on(
      'job.progress',
      (p) => {
        if (this.run?.jobId === p.jobId) {
          this.run.progress = p;
          this.run.phaseTiming = nextPhaseTiming(this.run.phaseTiming, p, Date.now());
        }
      },
      signal,
    );
    this.#client.on(
      'job.finished',
      (f) => {
        if (f.kind === 'train' && this.run?.jobId === f.jobId) void this.#ended(f.status, f.error?.message ?? null);
        // A folder indexed in the Dataset view becomes trainable here.
        if (f.kind === 'index') void this.loadDatasets();
      },
      signal,
    );
    await this.refresh();
  }

  /** Reload the datasets and re-sync with the engine's jobs (after a reload or a dropped link). */
  async refresh(): Promise<void> {
    await Promise.all([this.loadDatasets(), this.#resync()]);
  }

  async loadDatasets(): Promise<void> {
    try {
      this.datasets = await this.#client.call('dataset.list', {});
      if (this.datasetId === null || !this.datasets.some((d) => d.id === this.datasetId)) {
        this.datasetId = [...this.datasets].sort((a, b) => (b.lastIndexedAt ?? '').localeCompare(a.lastIndexedAt ?? ''))[0]?.id ?? null;
      }
    } catch (err) {
      this.error = `Could not list the datasets: ${describeError(err)}`;
    }
  }

  /** The dataset the rest of the app has open is the natural one to train on. */
  preferDataset(id: number | null): void {
    if (id !== null && !this.running) this.datasetId = id;
  }

  setValue(key: string, value: FieldValue): void {
    this.values[key] = value;
  }

  resetToDefaults(): void {
    this.values = defaultValues();
    this.source = DEFAULT_CONFIG_SOURCE;
  }

  /** Fill the form from a YAML file's text; an invalid file changes nothing and says why. */
  loadYaml(text: string, fileName: string): boolean {
    const loaded = configFromYamlText(text, fileName);
    if (!loaded.ok) {
      this.error = loaded.error;
      return false;
    }
    this.values = valuesFromConfig(loaded.config);
    this.source = fileName;
    this.error = null;
    return true;
  }

  /** The form's config as YAML, or null while it is invalid. */
  yaml(): string | null {
    const config = this.validation.config;
    return config ? configToYamlText(config) : null;
  }

  /** Start training the form's config on the chosen dataset (re-indexed first, features from the cache). */
  async startTraining(): Promise<void> {
    const config = this.validation.config;
    if (!config || this.datasetId === null || this.running || this.starting) return;
    await this.#launch(config, this.datasetId, this.name.trim() || undefined);
  }

  /** Train a saved run's config again on its dataset; the form shows that config. */
  async rerun(experiment: Experiment): Promise<void> {
    if (this.running || this.starting) {
      this.error = 'A training run is in progress: cancel it or wait for it to finish before re-running another.';
      return;
    }
    this.values = valuesFromConfig(experiment.config);
    this.source = `experiment #${experiment.id} (${experiment.name})`;
    if (experiment.datasetId === null || !this.datasets.some((d) => d.id === experiment.datasetId)) {
      await this.loadDatasets();
    }
    if (experiment.datasetId === null || !this.datasets.some((d) => d.id === experiment.datasetId)) {
      this.error = `Cannot re-run "${experiment.name}": its dataset (${experiment.datasetRoot}) is no longer indexed. Open that folder in the Dataset view first.`;
      return;
    }
    this.datasetId = experiment.datasetId;
    this.name = `${experiment.name} (re-run)`.slice(0, 120);
    await this.#launch(experiment.config, experiment.datasetId, this.name);
  }

  async cancel(): Promise<void> {
    const run = this.run;
    if (!run || run.status !== 'running') return;
    run.cancelling = true;
    try {
      await this.#client.call('jobs.cancel', { jobId: run.jobId });
    } catch (err) {
      run.cancelling = false;
      this.error = `Could not cancel the run: ${describeError(err)}`;
    }
  }

  dismissError(): void {
    this.error = null;
  }

  /** Forget a finished run's panel (the run itself stays in the Experiments view). */
  clearRun(): void {
    if (!this.running) this.run = null;
  }

  async #launch(config: Config, datasetId: number, name: string | undefined): Promise<void> {
    this.starting = true;
    this.error = null;
    try {
      const { jobId } = await this.#client.call('training.start', { datasetId, config, name, reindex: true });
      this.run = newRun(jobId, name ?? `${config.model.name} ${config.training.split}`, null);
    } catch (err) {
      this.error = `Could not start training: ${describeError(err)}`;
    } finally {
      this.starting = false;
    }
  }

  #onEpoch(e: EpochEvent): void {
    const run = this.run;
    if (!run || run.jobId !== e.jobId) return;
    const foldIndex = (e.fold ?? 1) - 1;
    while (run.history.length <= foldIndex) run.history.push([]);
    const fold = run.history[foldIndex] as EpochLog[];
    // A resync may already hold this epoch (from `experiments.get`); never plot a point twice.
    if (!fold.some((h) => h.epoch === e.epoch)) fold.push(toLog(e));
    run.lastEpoch = e;
    if (run.experimentId === null) {
      run.experimentId = e.experimentId;
      void this.#loadExperiment(run);
    }
  }

  async #ended(status: JobEndStatus, error: string | null): Promise<void> {
    const run = this.run;
    if (!run) return;
    run.status = status;
    run.cancelling = false;
    run.error = error;
    await this.#loadExperiment(run);
  }

  /** Backend, name and the curves so far (or the final metrics) from the saved run. */
  async #loadExperiment(run: WatchedRun): Promise<void> {
    if (run.experimentId === null) return;
    try {
      const experiment = await this.#client.call('experiments.get', { id: run.experimentId });
      if (this.run !== run) return;
      run.name = experiment.name;
      run.backend = experiment.backendSelection;
      run.history = mergeHistory(experiment.history, run.history);
      if (run.status !== 'running') run.experiment = experiment;
    } catch (err) {
      if (this.run === run) this.error = `Could not load the run: ${describeError(err)}`;
    }
  }

  async #resync(): Promise<void> {
    let jobs: JobState[];
    try {
      jobs = await this.#client.call('jobs.list', {});
    } catch (err) {
      this.error = `Could not list the running jobs: ${describeError(err)}`;
      return;
    }
    const train = jobs.filter((j) => j.kind === 'train').sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    const current = this.run;
    if (current && current.status === 'running') {
      if (train.some((j) => j.jobId === current.jobId)) {
        await this.#loadExperiment(current);
        return;
      }
      await this.#settleFromSaved(current);
    }
    const job = train[0];
    if (!job) return;
    this.run = newRun(job.jobId, job.subject, job.experimentId ?? null);
    const adopted = this.run;
    adopted.progress = job.progress;
    if (job.progress) adopted.phaseTiming = nextPhaseTiming(null, job.progress, Date.now());
    await this.#loadExperiment(adopted);
  }

  /** A run that ended while the link was down: the saved experiment tells how. */
  async #settleFromSaved(run: WatchedRun): Promise<void> {
    if (run.experimentId === null) {
      run.status = 'failed';
      run.error = 'The run ended while the connection was down, before it was saved; see the Experiments view.';
      return;
    }
    try {
      const saved = await this.#client.call('experiments.get', { id: run.experimentId });
      run.status = saved.status === 'running' ? 'failed' : saved.status;
      run.error = saved.error;
      run.history = saved.history;
      run.backend = saved.backendSelection;
      run.experiment = saved;
    } catch (err) {
      run.status = 'failed';
      run.error = `The run ended while the connection was down: ${describeError(err)}`;
    }
  }
}

function newRun(jobId: string, name: string, experimentId: number | null): WatchedRun {
  return {
    jobId,
    name,
    experimentId,
    progress: null,
    phaseTiming: null,
    history: [],
    lastEpoch: null,
    backend: null,
    status: 'running',
    cancelling: false,
    error: null,
    experiment: null,
  };
}

function toLog(e: EpochEvent): EpochLog {
  return {
    epoch: e.epoch,
    loss: e.loss,
    acc: e.acc,
    valLoss: e.valLoss,
    valAcc: e.valAcc,
    lr: e.lr,
    seconds: e.seconds,
    ...(e.bestEpoch !== undefined ? { bestEpoch: e.bestEpoch } : {}),
    ...(e.earlyStop ? { earlyStop: e.earlyStop } : {}),
  };
}

/** The saved history, plus any epochs that arrived as events after it was read. */
function mergeHistory(saved: readonly EpochLog[][], live: readonly EpochLog[][]): EpochLog[][] {
  const folds = Math.max(saved.length, live.length);
  return Array.from({ length: folds }, (_, f) => {
    const base = [...(saved[f] ?? [])];
    for (const log of live[f] ?? []) if (!base.some((h) => h.epoch === log.epoch)) base.push(log);
    return base.sort((a, b) => a.epoch - b.epoch);
  });
}
