/**
 * State of the Experiments view: the saved runs (`experiments.list`), the history table's sort, the
 * selected run (refreshed with `experiments.get`) and user-visible errors. The list reloads whenever a
 * training job ends, so a run finished from the CLI or another window shows up without a reload.
 */
import type { Client } from '../../../../shared/client';
import type { Experiment } from '../../../../shared/experiments';
import { describeError } from '../../lib/api/errors';
import { nextExperimentSort, sortExperiments, type ExperimentColumn, type ExperimentSort } from './experimentQuery';

export class ExperimentsStore {
  readonly #client: Client;

  experiments = $state.raw<Experiment[]>([]);
  loaded = $state(false);
  loading = $state(false);
  sort = $state.raw<ExperimentSort | null>(null);
  selectedId = $state<number | null>(null);
  /** The selected run as `experiments.get` last answered (the list entry until then). */
  detail = $state.raw<Experiment | null>(null);
  error = $state<string | null>(null);

  readonly rows = $derived(sortExperiments(this.experiments, this.sort));

  #listToken = 0;
  #detailToken = 0;

  constructor(client: Client) {
    this.#client = client;
  }

  /** Listen for finished training jobs (until `signal` aborts) and load the list. */
  async start(signal: AbortSignal): Promise<void> {
    this.#client.on(
      'job.finished',
      (payload) => {
        if (payload.kind === 'train') void this.refresh();
      },
      signal,
    );
    await this.refresh();
  }

  /** Reload the list and, when a run is open, that run. */
  async refresh(): Promise<void> {
    const selected = this.selectedId;
    await Promise.all([this.loadList(), selected === null ? Promise.resolve() : this.#loadDetail(selected)]);
  }

  async loadList(): Promise<void> {
    const token = ++this.#listToken;
    this.loading = true;
    try {
      const list = await this.#client.call('experiments.list', {});
      if (token !== this.#listToken) return;
      this.experiments = list;
      this.loaded = true;
    } catch (err) {
      if (token !== this.#listToken) return;
      this.error = `Could not load the experiments: ${describeError(err)}`;
    } finally {
      if (token === this.#listToken) this.loading = false;
    }
  }

  async open(id: number): Promise<void> {
    this.selectedId = id;
    this.detail = this.experiments.find((e) => e.id === id) ?? null;
    await this.#loadDetail(id);
  }

  close(): void {
    this.#detailToken++;
    this.selectedId = null;
    this.detail = null;
  }

  toggleSort(column: ExperimentColumn): void {
    this.sort = nextExperimentSort(this.sort, column);
  }

  dismissError(): void {
    this.error = null;
  }

  async #loadDetail(id: number): Promise<void> {
    const token = ++this.#detailToken;
    try {
      const experiment = await this.#client.call('experiments.get', { id });
      if (token !== this.#detailToken) return;
      this.detail = experiment;
    } catch (err) {
      if (token !== this.#detailToken) return;
      this.error = `Could not load experiment ${id}: ${describeError(err)}`;
    }
  }
}
