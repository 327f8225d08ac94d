import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createClient, type Transport } from '../../shared/client';
import type { EventMessage } from '../../shared/contract';
import type { CallFrame, ServerFrame } from '../../shared/wire';
import { connectApi, wsUrlFromLocation } from '../../renderer/src/lib/api/connectApi';
import { CONNECTION_LOST, wsTransport, type SocketLike, type SocketStatus } from '../../renderer/src/lib/api/wsTransport';

type Listener = (event: { data: unknown }) => void;

/** A scriptable stand-in for the DOM WebSocket. */
class FakeSocket implements SocketLike {
  static instances: FakeSocket[] = [];
  readonly sent: CallFrame[] = [];
  closed = false;
  readonly #listeners = new Map<string, Listener[]>();

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: Listener): void;
  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    if (this.closed) throw new Error('send on a closed socket');
    this.sent.push(JSON.parse(data) as CallFrame);
  }

  close(): void {
    this.serverClose();
  }

  // Test controls.
  open(): void {
    this.#fire('open', {});
  }
  reply(frame: ServerFrame): void {
    this.#fire('message', { data: JSON.stringify(frame) });
  }
  raw(data: unknown): void {
    this.#fire('message', { data });
  }
  serverClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.#fire('close', {});
  }

  #fire(type: string, event: { data?: unknown }): void {
    for (const listener of this.#listeners.get(type) ?? []) listener({ data: event.data });
  }
}

const WS_URL = 'ws://127.0.0.1:5173/ws?token=abc';

function latest(): FakeSocket {
  const socket = FakeSocket.instances.at(-1);
  if (!socket) throw new Error('no socket created');
  return socket;
}

function setup(onStatus?: (status: SocketStatus) => void) {
  const transport = wsTransport(WS_URL, {
    createSocket: (url) => new FakeSocket(url),
    onStatus,
    initialBackoffMs: 100,
    maxBackoffMs: 400,
  });
  return { transport, client: createClient(transport) };
}

beforeEach(() => {
  FakeSocket.instances = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe('wsTransport', () => {
  it('queues calls until open, then correlates results by id (in any order)', async () => {
    const { transport, client } = setup();
    const socket = latest();
    expect(socket.url).toBe(WS_URL);

    const list = client.call('dataset.list', {});
    const info = client.call('app.info', {});
    expect(socket.sent).toEqual([]);

    socket.open();
    expect(socket.sent.map((f) => [f.type, f.method])).toEqual([
      ['call', 'dataset.list'],
      ['call', 'app.info'],
    ]);
    const [listFrame, infoFrame] = socket.sent;
    if (!listFrame || !infoFrame) throw new Error('frames missing');
    expect(listFrame.id).not.toBe(infoFrame.id);
    expect(listFrame.payload).toEqual({});

    const appInfo = { version: '1', mode: 'browser', nativeDialogs: false, dbPath: '/x' };
    socket.reply({ type: 'result', id: infoFrame.id, result: { ok: true, value: appInfo } });
    socket.reply({ type: 'result', id: listFrame.id, result: { ok: true, value: [] } });
    await expect(info).resolves.toEqual(appInfo);
    await expect(list).resolves.toEqual([]);

    // Once open, calls go out immediately; unknown ids and garbage are ignored.
    const direct = transport.invoke('jobs.list', {});
    const frame = socket.sent.at(-1);
    expect(frame?.method).toBe('jobs.list');
    socket.reply({ type: 'result', id: 9999, result: { ok: true, value: 'stray' } });
    socket.raw('not json');
    socket.raw(JSON.stringify({ type: 'mystery' }));
    socket.reply({ type: 'result', id: frame?.id ?? -1, result: { ok: true, value: [] } });
    await expect(direct).resolves.toEqual({ ok: true, value: [] });
  });

  it('turns error results into ApiError through the client', async () => {
    const { client } = setup();
    const socket = latest();
    socket.open();
    const call = client.call('dataset.startIndex', { root: '/nope' });
    const frame = socket.sent[0];
    socket.reply({
      type: 'result',
      id: frame?.id ?? -1,
      result: { ok: false, error: { code: 'NOT_FOUND', message: 'Folder /nope does not exist' } },
    });
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'Folder /nope does not exist' });
  });

  it('dispatches event frames to subscribers until they unsubscribe', () => {
    const { transport, client } = setup();
    const socket = latest();
    socket.open();
    const all: EventMessage[] = [];
    const unsubscribe = transport.subscribe((m) => all.push(m));
    const finished: string[] = [];
    const controller = new AbortController();
    client.on('job.finished', (p) => finished.push(p.jobId), controller.signal);

    const progress = { jobId: 'job-1', kind: 'index', done: 1, total: 2, phase: 'scanning' } as const;
    socket.reply({ type: 'event', event: 'job.progress', payload: progress });
    socket.reply({ type: 'event', event: 'job.finished', payload: { jobId: 'job-1', kind: 'index', status: 'cancelled' } });
    socket.raw(JSON.stringify({ type: 'event', event: 42, payload: {} }));
    expect(all.map((m) => m.event)).toEqual(['job.progress', 'job.finished']);
    // Events are forwarded by name without a list of known names; `Client.on` picks its own.
    socket.raw(JSON.stringify({ type: 'event', event: 'train.progress', payload: {} }));
    expect(all.map((m) => m.event)).toEqual(['job.progress', 'job.finished', 'train.progress']);
    expect(all[0]?.payload).toEqual(progress);
    expect(finished).toEqual(['job-1']);

    unsubscribe();
    controller.abort();
    socket.reply({ type: 'event', event: 'job.finished', payload: { jobId: 'job-2', kind: 'index', status: 'finished' } });
    expect(all).toHaveLength(3);
    expect(finished).toEqual(['job-1']);
  });

  it('rejects pending and queued calls with "connection lost" on close, then reconnects with backoff', async () => {
    vi.useFakeTimers();
    const statuses: SocketStatus[] = [];
    const { transport, client } = setup((s) => statuses.push(s));
    const first = latest();
    first.open();
    expect(transport.status).toBe('open');

    const pending = transport.invoke('dataset.list', {});
    const viaClient = client.call('jobs.list', {});
    first.serverClose();
    await expect(pending).resolves.toEqual({ ok: false, error: { code: 'INTERNAL', message: 'connection lost' } });
    await expect(viaClient).rejects.toMatchObject({ name: 'ApiError', code: 'INTERNAL', message: 'connection lost' });
    expect(transport.status).toBe('reconnecting');

    // While reconnecting, calls queue; a failed attempt rejects them too and doubles the delay.
    const queued = transport.invoke('app.ping', {});
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(99);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(2);
    latest().serverClose();
    await expect(queued).resolves.toEqual(CONNECTION_LOST);

    vi.advanceTimersByTime(199);
    expect(FakeSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(3);

    const later = transport.invoke('app.ping', {});
    const third = latest();
    third.open();
    expect(transport.status).toBe('open');
    const frame = third.sent[0];
    expect(frame?.method).toBe('app.ping');
    third.reply({ type: 'result', id: frame?.id ?? -1, result: { ok: true, value: { pong: true, time: 1 } } });
    await expect(later).resolves.toEqual({ ok: true, value: { pong: true, time: 1 } });
    // Ids keep increasing across sockets, so a late frame can never settle the wrong call.
    expect(frame?.id).toBeGreaterThan(first.sent.at(-1)?.id ?? Infinity);

    expect(statuses).toEqual(['open', 'reconnecting', 'open']);
  });

  it('stops for good on close()', async () => {
    vi.useFakeTimers();
    const { transport } = setup();
    const socket = latest();
    socket.open();
    const pending = transport.invoke('dataset.list', {});
    transport.close();
    expect(socket.closed).toBe(true);
    await expect(pending).resolves.toEqual(CONNECTION_LOST);
    await expect(transport.invoke('app.ping', {})).resolves.toEqual(CONNECTION_LOST);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(transport.status).toBe('closed');
  });
});

describe('connectApi', () => {
  afterEach(() => {
    delete window.api;
  });

  it('builds the socket URL from the page location and its token', () => {
    expect(wsUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:4321', search: '?token=s3cr%2Bt&x=1' })).toBe(
      'ws://127.0.0.1:4321/ws?token=s3cr%2Bt',
    );
    expect(wsUrlFromLocation({ protocol: 'https:', host: 'localhost', search: '' })).toBe('wss://localhost/ws?token=');
    expect(wsUrlFromLocation({ protocol: 'file:', host: '', search: '' })).toBeNull();
  });

  it('uses window.api when the preload exposes it', async () => {
    const invoke = vi.fn<Transport['invoke']>(async () => ({ ok: true, value: { pong: true, time: 5 } }));
    window.api = { invoke, subscribe: () => () => {} };
    const statuses: string[] = [];
    const client = connectApi({ onStatus: (s) => statuses.push(s) });
    await expect(client.call('app.ping', {})).resolves.toEqual({ pong: true, time: 5 });
    expect(invoke).toHaveBeenCalledWith('app.ping', {});
    expect(statuses).toEqual(['open']);
  });
});
