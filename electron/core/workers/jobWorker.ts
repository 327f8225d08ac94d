/**
 * A worker thread that does one long job (index a folder, train an experiment) and reports as it goes.
 * Both sides of its protocol live here:
 * - in the worker, `serveJob` runs the job with a cancel signal and a `post` for progress messages, then
 *   posts `done` with the result or `error` with a typed error, and closes;
 * - in the caller, `startJobWorker` relays the progress messages, settles on `done`/`error`, fails with
 *   INTERNAL when the worker crashes or exits first, and `cancel()` asks the job to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EngineError, toRpcError, type RpcError } from '../../../shared/errors';
import { spawnWorker } from './pool';

/** How every job worker ends. */
export type JobWorkerEnd<R> = { type: 'done'; result: R } | { type: 'error'; error: RpcError };

export interface JobWorker<R> {
  result: Promise<R>;
  /** Ask the job to stop at its next checkpoint. */
  cancel(): void;
}

/** Start `entry` with `data`; `what` names it in crash messages ("training worker"). */
export function startJobWorker<R, M extends { type: string }>(
  entry: URL,
  data: Record<string, unknown>,
  what: string,
  onMessage: (message: M) => void,
): JobWorker<R> {
  const worker = spawnWorker(entry, data);
  const result = new Promise<R>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
    };
    worker.on('message', (m: M | JobWorkerEnd<R>) => {
      if (m.type === 'done') settle(() => resolve((m as Extract<JobWorkerEnd<R>, { type: 'done' }>).result));
      else if (m.type === 'error') {
        const { error } = m as Extract<JobWorkerEnd<R>, { type: 'error' }>;
        settle(() => reject(new EngineError(error.code, error.message)));
      } else onMessage(m as M);
    });
    worker.on('error', (err) => settle(() => reject(new EngineError('INTERNAL', `${what} crashed: ${err.message}`))));
    worker.on('exit', (code) => settle(() => reject(new EngineError('INTERNAL', `${what} exited with code ${code} before finishing`))));
  });
  return { result, cancel: () => worker.postMessage({ type: 'cancel' }) };
}

/** In the worker: run the job, then post its end and close. */
export async function serveJob<D, R, M>(run: (data: D, signal: AbortSignal, post: (message: M) => void) => Promise<R>): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('a job worker must run in a worker thread');
  const controller = new AbortController();
  port.on('message', (m: { type: string }) => {
    if (m.type === 'cancel') controller.abort();
  });
  const end = (m: JobWorkerEnd<R>): void => port.postMessage(m);
  try {
    end({ type: 'done', result: await run(workerData as D, controller.signal, (m) => port.postMessage(m)) });
  } catch (err) {
    end({ type: 'error', error: toRpcError(err) });
  } finally {
    port.close();
  }
}
