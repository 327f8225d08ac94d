/**
 * Calls through the page's `window.api` (the preload's `Transport`): the public contract and nothing
 * else. These functions run inside the page (`page.evaluate(fn, arg)` sends their source), so each is
 * self-contained: no imports at run time, no closures over this module.
 */
import type { Transport } from '../../shared/client';
import type { EventMessage, JobFinished, MethodName } from '../../shared/contract';
import type { RpcResult } from '../../shared/errors';

export interface InvokeArg {
  method: MethodName;
  payload: unknown;
}

/** One call: the `{ ok, value | error }` the transport answers. */
export const invokeInPage = ({ method, payload }: InvokeArg): Promise<RpcResult<unknown>> =>
  (window as unknown as { api: Transport }).api.invoke(method, payload);

export interface JobRun {
  /** The start method's answer (`{ jobId }` when ok). */
  start: RpcResult<unknown>;
  /** The job's `job.finished` payload; null when the start was refused. */
  finished: JobFinished | null;
  /** Every event tagged with the job's id, in arrival order (progress, epochs, the end). */
  events: EventMessage[];
}

/**
 * Start a job (`dataset.startIndex`, `training.start`, …) and wait for its `job.finished` event. It
 * subscribes before calling, so a job that ends before its id is known is not missed.
 */
export const runJobInPage = async ({ method, payload }: InvokeArg): Promise<JobRun> => {
  const api = (window as unknown as { api: Transport }).api;
  const seen: EventMessage[] = [];
  let jobId: string | null = null;
  let end: (finished: JobFinished) => void = () => {};
  const finished = new Promise<JobFinished>((resolve) => (end = resolve));
  const stop = api.subscribe((message) => {
    seen.push(message);
    if (message.event === 'job.finished' && message.payload.jobId === jobId) end(message.payload);
  });
  try {
    const start = await api.invoke(method, payload);
    if (!start.ok) return { start, finished: null, events: [] };
    const id = (start.value as { jobId: string }).jobId;
    jobId = id;
    const early = seen.find((m) => m.event === 'job.finished' && m.payload.jobId === id);
    if (early && early.event === 'job.finished') end(early.payload);
    const result = await finished;
    return { start, finished: result, events: seen.filter((m) => m.payload.jobId === id) };
  } finally {
    stop();
  }
};
