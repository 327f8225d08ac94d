/**
 * Long work as jobs: `start` returns an id at once; progress and the end arrive as events tagged with
 * it; `cancel(id)` asks the job to stop at its next checkpoint (it sees an aborted `AbortSignal`).
 */
import { randomBytes } from 'node:crypto';
import type {
  EventMessage,
  JobEndStatus,
  JobFinished,
  JobKind,
  JobProgress,
  JobResults,
  JobState,
} from '../../../shared/contract';
import { EngineError, toRpcError, type RpcError } from '../../../shared/errors';

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  progress(done: number, total: number, phase: string): void;
  /** Tag a train job with its experiment, for `jobs.list` (a reloaded window finds the run's curves). */
  setExperimentId(id: number): void;
}

/** What a job run returns: its result, and whether it stopped early because it was cancelled. */
export interface JobOutcome<K extends JobKind> {
  result: JobResults[K];
  cancelled: boolean;
}

interface RunningJob {
  state: JobState;
  controller: AbortController;
  done: Promise<JobFinished>;
}

export class JobManager {
  private readonly running = new Map<string, RunningJob>();
  /** The last few jobs' final events, so `wait` works after a fast job has already ended. */
  private readonly ended = new Map<string, JobFinished>();
  private counter = 0;

  constructor(private readonly emit: (message: EventMessage) => void) {}

  start<K extends JobKind>(kind: K, subject: string, run: (ctx: JobContext) => Promise<JobOutcome<K>>): string {
    const jobId = `job-${++this.counter}-${randomBytes(4).toString('hex')}`;
    const controller = new AbortController();
    const state: JobState = { jobId, kind, subject, startedAt: new Date().toISOString(), progress: null };
    const ctx: JobContext = {
      jobId,
      signal: controller.signal,
      progress: (done, total, phase) => {
        const progress: JobProgress = { jobId, kind, done, total, phase };
        state.progress = progress;
        this.emit({ event: 'job.progress', payload: progress });
      },
      setExperimentId: (id) => {
        state.experimentId = id;
      },
    };
    const finish = (status: JobEndStatus, extra: { result?: JobResults[K]; error?: RpcError }): JobFinished => {
      const payload = { jobId, kind, status, ...extra } as JobFinished;
      this.running.delete(jobId);
      this.ended.set(jobId, payload);
      if (this.ended.size > 50) this.ended.delete(this.ended.keys().next().value as string);
      this.emit({ event: 'job.finished', payload });
      return payload;
    };
    // Start on the next tick so the caller has the id before any event can arrive.
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => run(ctx))
      .then(
        (outcome) => finish(outcome.cancelled ? 'cancelled' : 'finished', { result: outcome.result }),
        (err: unknown) => {
          const error = toRpcError(err);
          return finish(error.code === 'CANCELLED' ? 'cancelled' : 'failed', { error });
        },
      );
    this.running.set(jobId, { state, controller, done });
    return jobId;
  }

  cancel(jobId: string): boolean {
    const job = this.running.get(jobId);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  list(): JobState[] {
    return [...this.running.values()].map((job) => ({ ...job.state }));
  }

  /** Resolves with the job's final event (for the CLI and tests). */
  wait(jobId: string): Promise<JobFinished> {
    const job = this.running.get(jobId);
    if (job) return job.done;
    const ended = this.ended.get(jobId);
    return ended ? Promise.resolve(ended) : Promise.reject(new EngineError('NOT_FOUND', `No job ${jobId}`));
  }

  /** Cancel everything and wait for it to settle (on shutdown). */
  async shutdown(): Promise<void> {
    const jobs = [...this.running.values()];
    for (const job of jobs) job.controller.abort();
    await Promise.allSettled(jobs.map((job) => job.done));
  }
}
