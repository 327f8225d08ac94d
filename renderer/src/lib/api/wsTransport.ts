/**
 * Browser-mode `Transport` over one WebSocket (frames in shared/wire.ts).
 *
 * - Calls get increasing ids; a `result` frame settles the call with the same id.
 * - Calls made before the socket is open are queued and sent on open.
 * - When the socket closes, every outstanding call (sent or queued) resolves to an `INTERNAL`
 *   "connection lost" error, and the transport reconnects with exponential backoff.
 * - `event` frames are dispatched to every subscriber.
 */
import type { Transport } from '../../../../shared/client';
import type { EventMessage, MethodName } from '../../../../shared/contract';
import { isRpcError, type RpcResult } from '../../../../shared/errors';
import { MAX_FRAME_BYTES, type CallFrame } from '../../../../shared/wire';

/** What the transport needs of a WebSocket; the DOM `WebSocket` satisfies it. */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export type SocketFactory = (url: string) => SocketLike;

/**
 * `connecting`: first attempt in flight. `open`: calls flow. `reconnecting`: the socket closed (or
 * never opened) and a new attempt is scheduled or in flight. `closed`: `close()` was called.
 */
export type SocketStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WsTransportOptions {
  createSocket?: SocketFactory;
  onStatus?: (status: SocketStatus) => void;
  /** First reconnect delay in ms; doubles on every failed attempt up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface WsTransport extends Transport {
  readonly status: SocketStatus;
  /** Stop for good: rejects outstanding calls and never reconnects. */
  close(): void;
}

export const CONNECTION_LOST: RpcResult<never> = {
  ok: false,
  error: { code: 'INTERNAL', message: 'connection lost' },
};

function tooLarge(method: string): RpcResult<never> {
  return { ok: false, error: { code: 'INVALID_PAYLOAD', message: `${method}: the request is larger than the ${MAX_FRAME_BYTES / 1024 / 1024} MiB a message may be` } };
}

const defaultSocketFactory: SocketFactory = (url) => new WebSocket(url);

interface Pending {
  frame: CallFrame;
  resolve: (result: RpcResult<unknown>) => void;
}

export function wsTransport(url: string, options: WsTransportOptions = {}): WsTransport {
  const createSocket = options.createSocket ?? defaultSocketFactory;
  const initialBackoff = options.initialBackoffMs ?? 250;
  const maxBackoff = options.maxBackoffMs ?? 5000;

  const listeners = new Set<(message: EventMessage) => void>();
  /** Sent, waiting for their result frame. */
  const inFlight = new Map<number, Pending>();
  /** Not sent yet: the socket is not open. */
  let queue: Pending[] = [];
  let nextId = 1;
  let socket: SocketLike | null = null;
  let open = false;
  let stopped = false;
  let backoff = initialBackoff;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let status: SocketStatus = 'connecting';

  function setStatus(next: SocketStatus): void {
    if (status === next) return;
    status = next;
    options.onStatus?.(next);
  }

  function send(pending: Pending): void {
    if (!socket) return;
    const text = JSON.stringify(pending.frame);
    // The engine closes a socket that sends more than MAX_FRAME_BYTES: refuse this call, keep the connection.
    if (text.length > MAX_FRAME_BYTES / 3 && new TextEncoder().encode(text).byteLength > MAX_FRAME_BYTES) {
      pending.resolve(tooLarge(pending.frame.method));
      return;
    }
    inFlight.set(pending.frame.id, pending);
    try {
      socket.send(text);
    } catch {
      inFlight.delete(pending.frame.id);
      pending.resolve(CONNECTION_LOST);
    }
  }

  function failOutstanding(): void {
    const outstanding = [...inFlight.values(), ...queue];
    inFlight.clear();
    queue = [];
    for (const pending of outstanding) pending.resolve(CONNECTION_LOST);
  }

  function handleMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const record = frame as Record<string, unknown>;
    if (record.type === 'result' && typeof record.id === 'number') {
      const pending = inFlight.get(record.id);
      if (!pending) return;
      inFlight.delete(record.id);
      pending.resolve(toResult(record.result));
    } else if (record.type === 'event' && typeof record.event === 'string') {
      // Forwarded as is: listeners pick their events by name (`Client.on`), so new events need no
      // change here — and the renderer does not pull the contract's zod schemas into its bundle.
      const message = { event: record.event, payload: record.payload } as EventMessage;
      for (const listener of [...listeners]) listener(message);
    }
  }

  function connect(): void {
    retryTimer = null;
    if (stopped) return;
    let current: SocketLike;
    try {
      current = createSocket(url);
    } catch {
      // An invalid URL throws synchronously: treat it like a socket that closed at once.
      scheduleReconnect();
      return;
    }
    socket = current;
    current.addEventListener('open', () => {
      if (socket !== current || stopped) return;
      open = true;
      backoff = initialBackoff;
      setStatus('open');
      const waiting = queue;
      queue = [];
      for (const pending of waiting) send(pending);
    });
    current.addEventListener('message', (event) => {
      if (socket === current) handleMessage(event.data);
    });
    current.addEventListener('close', () => {
      if (socket !== current) return;
      socket = null;
      open = false;
      failOutstanding();
      if (!stopped) scheduleReconnect();
    });
    // 'error' is always followed by 'close'; nothing to do here but keep it from being unhandled.
    current.addEventListener('error', () => {});
  }

  function scheduleReconnect(): void {
    failOutstanding();
    setStatus('reconnecting');
    const delay = backoff;
    backoff = Math.min(backoff * 2, maxBackoff);
    retryTimer = setTimeout(connect, delay);
  }

  connect();

  return {
    get status() {
      return status;
    },
    invoke(method: MethodName, payload: unknown): Promise<RpcResult<unknown>> {
      if (stopped) return Promise.resolve(CONNECTION_LOST);
      return new Promise((resolve) => {
        const pending: Pending = { frame: { type: 'call', id: nextId++, method, payload }, resolve };
        if (open) send(pending);
        else queue.push(pending);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close() {
      if (stopped) return;
      stopped = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      const current = socket;
      socket = null;
      open = false;
      failOutstanding();
      setStatus('closed');
      current?.close();
    },
  };
}

function toResult(value: unknown): RpcResult<unknown> {
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (record.ok === true) return { ok: true, value: record.value };
    if (record.ok === false && isRpcError(record.error)) return { ok: false, error: record.error };
  }
  return { ok: false, error: { code: 'INTERNAL', message: 'malformed result frame from the engine' } };
}
