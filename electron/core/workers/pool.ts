/**
 * A fixed-size pool of worker threads running one entry module. Tasks queue until a worker is free;
 * a worker that crashes fails only its own task and is replaced. The entry module calls `serveTasks`.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { EngineError, toRpcError, type RpcError } from '../../../shared/errors';

export type TaskReply<Res> = { id: number; ok: true; result: Res } | { id: number; ok: false; error: RpcError };

interface Task<Req, Res> {
  id: number;
  request: Req;
  transfer: ArrayBuffer[];
  resolve: (result: Res) => void;
  reject: (error: Error) => void;
}

interface Slot<Req, Res> {
  worker: Worker;
  task: Task<Req, Res> | null;
}

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);

/** Start a worker on `entry`; a TypeScript source entry is started through the tsx bootstrap. */
export function spawnWorker(entry: URL, workerData: Record<string, unknown> = {}): Worker {
  return entry.pathname.endsWith('.ts')
    ? new Worker(BOOTSTRAP, { workerData: { ...workerData, __entry: entry.href } })
    : new Worker(entry, { workerData });
}

export function defaultPoolSize(): number {
  return Math.max(1, os.availableParallelism());
}

export class WorkerPool<Req, Res> {
  private readonly slots: Array<Slot<Req, Res>> = [];
  private readonly queue: Array<Task<Req, Res>> = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly entry: URL,
    readonly size: number = defaultPoolSize(),
  ) {
    if (!Number.isInteger(size) || size < 1) throw new EngineError('INTERNAL', `worker pool size must be ≥ 1, got ${size}`);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot<Req, Res> {
    const worker = spawnWorker(this.entry);
    const slot: Slot<Req, Res> = { worker, task: null };
    worker.on('message', (reply: TaskReply<Res>) => {
      const task = slot.task;
      if (!task || task.id !== reply.id) return;
      slot.task = null;
      if (reply.ok) task.resolve(reply.result);
      else task.reject(new EngineError(reply.error.code, reply.error.message));
      this.pump();
    });
    const fail = (error: Error) => {
      const task = slot.task;
      slot.task = null;
      task?.reject(new EngineError('INTERNAL', `worker failed: ${error.message}`));
      if (this.closed) return;
      // Replace the dead worker so the pool keeps its size.
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) fail(new Error(`exited with code ${code}`));
    });
    return slot;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.task !== null) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, request: task.request }, task.transfer);
    }
  }

  run(request: Req, transfer: ArrayBuffer[] = []): Promise<Res> {
    if (this.closed) return Promise.reject(new EngineError('INTERNAL', 'worker pool is closed'));
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, transfer, resolve, reject });
      this.pump();
    });
  }

  /** Tasks waiting for a worker (not yet started). */
  get pending(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new EngineError('CANCELLED', 'worker pool closed'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}

/**
 * Inside a worker: answer each task with `handle`. Errors become typed `{ code, message }` replies.
 * `handle` may return `{ result, transfer }` to move ArrayBuffers back without copying.
 */
export async function serveTasks<Req, Res>(
  handle: (request: Req) => Promise<{ result: Res; transfer?: ArrayBuffer[] }> | { result: Res; transfer?: ArrayBuffer[] },
): Promise<void> {
  const { parentPort } = await import('node:worker_threads');
  if (!parentPort) throw new Error('serveTasks must run inside a worker thread');
  const port = parentPort;
  port.on('message', (message: { id: number; request: Req }) => {
    void (async () => {
      try {
        const { result, transfer } = await handle(message.request);
        port.postMessage({ id: message.id, ok: true, result } satisfies TaskReply<Res>, transfer ?? []);
      } catch (err) {
        port.postMessage({ id: message.id, ok: false, error: toRpcError(err) } satisfies TaskReply<Res>);
      }
    })();
  });
}
