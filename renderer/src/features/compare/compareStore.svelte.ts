/**
 * State of the Compare view: the saved runs to pick from (`experiments.list`), the 2–4 picked ids, and
 * their comparison — `experiments.compare` for the tables and warnings, `experiments.get` per run for
 * the confusion matrices and learning curves. Every selection change reloads the comparison; an answer
 * to an older selection is dropped (latest wins, lib/latest.ts). The list reloads whenever a training job ends.
 */
import type { Client } from '../../../../shared/client';
import type { Experiment, ExperimentComparison } from '../../../../shared/experiments';
import { toViewError, type ViewError } from '../../lib/api/errors';
import { sortExperiments } from '../experiments/experimentQuery';
import { MAX_COMPARED, MIN_COMPARED, pickBlocker, selectionMessage, TOO_MANY_MESSAGE } from './compareQuery';
import { Latest } from '../../lib/latest';

/** A comparison and the full runs it is about, in the compared order. */
export interface CompareResult {
  ids: number[];
  comparison: ExperimentComparison;
  runs: Experiment[];
}

export class CompareStore {
  readonly #client: Client;

  experiments = $state.raw<Experiment[]>([]);
  loaded = $state(false);
  loading = $state(false);
  listError = $state.raw<ViewError | null>(null);

  /** Picked runs, in the order they were picked (the columns' order). */
  selectedIds = $state.raw<number[]>([]);
  /** Set when a pick was refused (a 5th run, or one that cannot be compared); cleared by the next change. */
  refusal = $state<string | null>(null);

  result = $state.raw<CompareResult | null>(null);
  comparing = $state(false);
  compareError = $state.raw<ViewError | null>(null);

  /** Newest first, as in the Experiments view. */
  readonly choices = $derived(sortExperiments(this.experiments, null));
  readonly message = $derived(this.refusal ?? selectionMessage(this.selectedIds.length));
  readonly canCompare = $derived(this.selectedIds.length >= MIN_COMPARED && this.selectedIds.length <= MAX_COMPARED);

  readonly #list = new Latest();
  readonly #comparison = new Latest();

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

  /** Reload the list, then the comparison (a run may have been renamed or deleted meanwhile). */
  async refresh(): Promise<void> {
    const listed = await this.loadList();
    if (!listed) return;
    const kept = this.selectedIds.filter((id) => this.experiments.some((e) => e.id === id));
    if (kept.length !== this.selectedIds.length) this.selectedIds = kept;
    await this.#compare();
  }

  /** True when this call's list was applied. */
  async loadList(): Promise<boolean> {
    this.loading = true;
    return this.#list.run(() => this.#client.call('experiments.list', {}), {
      value: (list) => {
        this.experiments = list;
        this.loaded = true;
        this.listError = null;
      },
      error: (err) => (this.listError = toViewError(err)),
      settled: () => (this.loading = false),
    });
  }

  isSelected(id: number): boolean {
    return this.selectedIds.includes(id);
  }

  /** Why a run cannot be picked, or null when it can. */
  blockerOf(id: number): string | null {
    const run = this.experiments.find((e) => e.id === id);
    return run ? pickBlocker(run) : 'not in the list';
  }

  /** Pick or unpick a run; a 5th pick (or an uncomparable run) is refused with a message. */
  toggle(id: number): void {
    if (this.isSelected(id)) {
      this.#select(this.selectedIds.filter((x) => x !== id));
      return;
    }
    const blocker = this.blockerOf(id);
    if (blocker !== null) {
      this.refusal = `Experiment ${id} cannot be compared: ${blocker}.`;
      return;
    }
    if (this.selectedIds.length >= MAX_COMPARED) {
      this.refusal = TOO_MANY_MESSAGE;
      return;
    }
    this.#select([...this.selectedIds, id]);
  }

  /** Replace the selection (duplicates dropped); more than 4 ids, or an uncomparable run, is refused. */
  setSelection(ids: number[]): void {
    const unique = ids.filter((id, i) => ids.indexOf(id) === i);
    if (unique.length > MAX_COMPARED) {
      this.refusal = TOO_MANY_MESSAGE;
      return;
    }
    const blocked = unique.find((id) => this.blockerOf(id) !== null);
    if (blocked !== undefined) {
      this.refusal = `Experiment ${blocked} cannot be compared: ${this.blockerOf(blocked) ?? ''}.`;
      return;
    }
    this.#select(unique);
  }

  clearSelection(): void {
    this.#select([]);
  }

  /** Ask again for the current selection (after an error). */
  async retry(): Promise<void> {
    await this.#compare();
  }

  dismissListError(): void {
    this.listError = null;
  }

  #select(ids: number[]): void {
    this.refusal = null;
    this.selectedIds = ids;
    void this.#compare();
  }

  async #compare(): Promise<void> {
    this.#comparison.invalidate();
    const ids = [...this.selectedIds];
    this.compareError = null;
    if (ids.length < MIN_COMPARED || ids.length > MAX_COMPARED) {
      this.result = null;
      this.comparing = false;
      return;
    }
    this.comparing = true;
    await this.#comparison.run(
      () => Promise.all([this.#client.call('experiments.compare', { ids }), ...ids.map((id) => this.#client.call('experiments.get', { id }))] as const),
      {
        value: ([comparison, ...runs]) => (this.result = { ids, comparison, runs }),
        error: (err) => {
          this.result = null;
          this.compareError = toViewError(err);
        },
        settled: () => (this.comparing = false),
      },
    );
  }
}
