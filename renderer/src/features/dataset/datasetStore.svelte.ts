/**
 * State of the Dataset view: recent datasets, the open dataset (summary + clips), the running index
 * job and its progress, clip filters/sort, and user-visible errors. Everything the engine sends
 * arrives whole, so it is held in `$state.raw` and views of it are `$derived`.
 */
import type { Client } from '../../../../shared/client';
import type { JobEndStatus, JobFinished, JobProgress } from '../../../../shared/contract';
import type { Clip, DatasetInfo, DatasetSummary, IndexResult } from '../../../../shared/dataset';
import { describeError } from '../../lib/api/errors';
import { twoDigits } from '../../lib/format';
import {
  filterClips,
  nextSort,
  NO_FILTERS,
  parseFilterValue,
  sortClips,
  type ClipFilters,
  type ClipSort,
  type ColumnKey,
  type FilterKey,
} from './clipQuery';

export interface ActiveJob {
  jobId: string;
  /** The folder being indexed. */
  subject: string;
  progress: JobProgress | null;
}

export interface FinishedIndex {
  jobId: string;
  subject: string;
  status: JobEndStatus;
  result: IndexResult | null;
}

type JobEvent = { type: 'progress'; payload: JobProgress } | { type: 'finished'; payload: JobFinished };
/** `job.finished` of an index job: its `result` is an `IndexResult`. */
type IndexFinished = Extract<JobFinished, { kind: 'index' }>;

export class DatasetStore {
  readonly #client: Client;

  datasets = $state.raw<DatasetInfo[]>([]);
  listLoaded = $state(false);
  currentId = $state<number | null>(null);
  summary = $state.raw<DatasetSummary | null>(null);
  clips = $state.raw<Clip[]>([]);
  loadingDataset = $state(false);

  job = $state.raw<ActiveJob | null>(null);
  /** A `dataset.startIndex` call is in flight. */
  starting = $state(false);
  cancelling = $state(false);
  lastIndex = $state.raw<FinishedIndex | null>(null);

  filters = $state.raw<ClipFilters>(NO_FILTERS);
  sort = $state.raw<ClipSort | null>(null);

  /** The latest user-visible error, or null. */
  error = $state<string | null>(null);

  readonly current = $derived(this.datasets.find((d) => d.id === this.currentId) ?? null);
  readonly busy = $derived(this.job !== null || this.starting);
  readonly visibleClips = $derived(sortClips(filterClips(this.clips, this.filters), this.sort));
  /** Two-digit actor numbers present in the open dataset, ascending. */
  readonly actorOptions = $derived(
    this.clips
      .map((c) => c.actor)
      .sort((a, b) => a - b)
      .filter((actor, i, sorted) => actor !== sorted[i - 1])
      .map(twoDigits),
  );

  /** Job events seen while `dataset.startIndex` has not answered yet (the job id is not known). */
  #early: JobEvent[] | null = null;
  #loadToken = 0;

  constructor(client: Client) {
    this.#client = client;
  }

  /** Subscribe to job events (until `signal` aborts) and load the initial state. */
  async start(signal: AbortSignal): Promise<void> {
    this.#client.on('job.progress', (payload) => this.#onJobEvent({ type: 'progress', payload }), signal);
    this.#client.on('job.finished', (payload) => this.#onJobEvent({ type: 'finished', payload }), signal);
    await this.refresh();
  }

  /**
   * Reload the list, reattach to a running index job, and reload (or open) a dataset. Used on start
   * and after the connection comes back, when events may have been missed.
   */
  async refresh(): Promise<void> {
    const [listed, endedIn] = await Promise.all([this.loadList(), this.#syncJobs()]);
    if (!listed) return;
    const target = endedIn ?? this.currentId ?? (this.job === null ? mostRecent(this.datasets)?.id : undefined);
    if (target !== undefined) await this.open(target);
  }

  async loadList(): Promise<boolean> {
    try {
      this.datasets = await this.#client.call('dataset.list', {});
      this.listLoaded = true;
      return true;
    } catch (err) {
      this.error = `Could not load the dataset list: ${describeError(err)}`;
      return false;
    }
  }

  async open(datasetId: number): Promise<void> {
    const token = ++this.#loadToken;
    if (datasetId !== this.currentId) {
      this.summary = null;
      this.clips = [];
      this.filters = NO_FILTERS;
      this.sort = null;
    }
    this.currentId = datasetId;
    this.loadingDataset = true;
    try {
      const [summary, clips] = await Promise.all([
        this.#client.call('dataset.summary', { datasetId }),
        this.#client.call('dataset.clips', { datasetId }),
      ]);
      if (token !== this.#loadToken) return;
      this.summary = summary;
      this.clips = clips;
    } catch (err) {
      if (token !== this.#loadToken) return;
      this.error = `Could not load the dataset: ${describeError(err)}`;
    } finally {
      if (token === this.#loadToken) this.loadingDataset = false;
    }
  }

  /** Start indexing `root`; progress and the result arrive as job events. */
  async index(root: string): Promise<void> {
    const folder = root.trim();
    if (folder === '') {
      this.error = 'Enter the path of a RAVDESS folder to index.';
      return;
    }
    if (this.busy) return;
    this.error = null;
    this.lastIndex = null;
    this.starting = true;
    this.#early = [];
    try {
      const { jobId } = await this.#client.call('dataset.startIndex', { root: folder });
      this.job = { jobId, subject: folder, progress: null };
      const early = this.#early;
      this.#early = null;
      for (const event of early) this.#onJobEvent(event);
    } catch (err) {
      this.error = `Could not start indexing: ${describeError(err)}`;
    } finally {
      this.#early = null;
      this.starting = false;
    }
  }

  /** Electron: pick a folder with the native dialog, then index it. */
  async chooseAndIndex(): Promise<void> {
    if (this.busy) return;
    this.error = null;
    try {
      const { root } = await this.#client.call('dataset.chooseFolder', {});
      if (root !== null) await this.index(root);
    } catch (err) {
      this.error = `Could not open the folder picker: ${describeError(err)}`;
    }
  }

  async reindex(): Promise<void> {
    const current = this.current;
    if (current) await this.index(current.root);
  }

  async cancel(): Promise<void> {
    const job = this.job;
    if (!job || this.cancelling) return;
    this.cancelling = true;
    try {
      const { cancelled } = await this.#client.call('jobs.cancel', { jobId: job.jobId });
      // Not cancelled: the job ended on its own meanwhile; its `job.finished` event says how.
      if (!cancelled && this.job?.jobId === job.jobId) this.cancelling = false;
    } catch (err) {
      this.cancelling = false;
      this.error = `Could not cancel indexing: ${describeError(err)}`;
    }
  }

  setFilter(key: FilterKey, raw: string): void {
    this.filters = { ...this.filters, [key]: parseFilterValue(key, raw) };
  }

  clearFilters(): void {
    this.filters = NO_FILTERS;
  }

  toggleSort(column: ColumnKey): void {
    this.sort = nextSort(this.sort, column);
  }

  dismissError(): void {
    this.error = null;
  }

  dismissResult(): void {
    this.lastIndex = null;
  }

  /** Reattach to a running index job; returns the dataset to open if the tracked job ended unheard. */
  async #syncJobs(): Promise<number | null> {
    try {
      const jobs = await this.#client.call('jobs.list', {});
      const running = jobs.find((j) => j.kind === 'index');
      const tracked = this.job;
      if (running) {
        if (tracked?.jobId !== running.jobId) {
          this.job = { jobId: running.jobId, subject: running.subject, progress: running.progress };
          this.cancelling = false;
        } else if (running.progress) {
          this.job = { ...tracked, progress: running.progress };
        }
      } else if (tracked) {
        // The job ended while we could not hear its `job.finished` event: show where it left things.
        this.job = null;
        this.cancelling = false;
        await this.loadList();
        return this.datasets.find((d) => d.root === tracked.subject)?.id ?? null;
      }
    } catch (err) {
      this.error = `Could not check for running jobs: ${describeError(err)}`;
    }
    return null;
  }

  #onJobEvent(event: JobEvent): void {
    if (event.payload.kind !== 'index') return;
    const job = this.job;
    if (job === null || event.payload.jobId !== job.jobId) {
      if (this.#early !== null && job === null) this.#early.push(event);
      return;
    }
    if (event.type === 'progress') {
      this.job = { ...job, progress: event.payload };
    } else if (event.payload.kind === 'index') {
      void this.#finish(job, event.payload);
    }
  }

  async #finish(job: ActiveJob, finished: IndexFinished): Promise<void> {
    this.job = null;
    this.cancelling = false;
    this.lastIndex = {
      jobId: job.jobId,
      subject: job.subject,
      status: finished.status,
      result: finished.result ?? null,
    };
    if (finished.status === 'failed') {
      this.error = `Indexing ${job.subject} failed: ${finished.error?.message ?? 'unknown error'}`;
    }
    const listed = await this.loadList();
    if (listed && finished.result) await this.open(finished.result.datasetId);
  }
}

function mostRecent(datasets: readonly DatasetInfo[]): DatasetInfo | undefined {
  const stamp = (d: DatasetInfo): string => d.lastIndexedAt ?? d.createdAt;
  return [...datasets].sort((a, b) => (stamp(a) < stamp(b) ? 1 : stamp(a) > stamp(b) ? -1 : 0))[0];
}
