/**
 * State of the Experiments view: the saved runs (`experiments.list`), the history table's sort, the
 * selected run (refreshed with `experiments.get`) and user-visible errors. The list reloads whenever a
 * training job ends, so a run finished from the CLI or another window shows up without a reload.
 * Managing a run (rename, notes, delete, open or download its artifacts) reports failures in `error`
 * and answers whether it worked, so the detail can keep or leave its editing state.
 */
import type { Client } from '../../../../shared/client';
import type { Experiment } from '../../../../shared/experiments';
import { describeError } from '../../lib/api/errors';
import { downloadBase64 } from '../../lib/download';
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

  /** Rename a run (the engine trims and checks the name). */
  rename(id: number, name: string): Promise<boolean> {
    return this.#update(id, { name }, 'rename');
  }

  saveNotes(id: number, notes: string): Promise<boolean> {
    return this.#update(id, { notes }, 'save the notes of');
  }

  /** Delete a run and its artifacts; the detail closes when it was the open run. The list reloads either way. */
  async remove(id: number): Promise<boolean> {
    try {
      await this.#client.call('experiments.delete', { id });
      if (this.selectedId === id) this.close();
      return true;
    } catch (err) {
      this.error = `Could not delete ${this.#label(id)}: ${describeError(err)}`;
      return false;
    } finally {
      // Also after an error: a run can be gone even when its folder could not all be removed.
      await this.loadList();
    }
  }

  /** Show the run's artifact folder in the system file manager (Electron). */
  async openFolder(id: number): Promise<boolean> {
    try {
      await this.#client.call('experiments.openFolder', { id });
      return true;
    } catch (err) {
      this.error = `Could not open the artifact folder of ${this.#label(id)}: ${describeError(err)}`;
      return false;
    }
  }

  /** Fetch the run's artifacts as a .zip and hand it to the browser as a download (browser mode). */
  async downloadArtifacts(id: number, save: (fileName: string, base64: string, mimeType: string) => void = downloadBase64): Promise<boolean> {
    try {
      const archive = await this.#client.call('experiments.archive', { id });
      save(archive.fileName, archive.base64, 'application/zip');
      return true;
    } catch (err) {
      this.error = `Could not download the artifacts of ${this.#label(id)}: ${describeError(err)}`;
      return false;
    }
  }

  async #update(id: number, patch: { name?: string; notes?: string }, action: string): Promise<boolean> {
    try {
      const updated = await this.#client.call('experiments.update', { id, ...patch });
      this.experiments = this.experiments.map((e) => (e.id === id ? updated : e));
      if (this.selectedId === id) {
        // A newer `experiments.get` answer would be staler than this one.
        this.#detailToken++;
        this.detail = updated;
      }
      return true;
    } catch (err) {
      this.error = `Could not ${action} ${this.#label(id)}: ${describeError(err)}`;
      return false;
    }
  }

  /** `experiment 3 "name"`, for messages. */
  #label(id: number): string {
    const name = this.experiments.find((e) => e.id === id)?.name ?? (this.detail?.id === id ? this.detail.name : undefined);
    return name === undefined ? `experiment ${id}` : `experiment ${id} "${name}"`;
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
