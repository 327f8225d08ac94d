/** A Node WebSocket transport for tests: the same wire format the renderer speaks. */
import WebSocket from 'ws';
import { createClient, type Client, type Transport } from '../../shared/client';
import type { EventMessage } from '../../shared/contract';
import type { RpcResult } from '../../shared/errors';
import type { ServerFrame } from '../../shared/wire';

export async function connectWs(url: string, headers: Record<string, string> = {}): Promise<{ client: Client; ws: WebSocket; close(): void }> {
  const ws = new WebSocket(url, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  let nextId = 1;
  const pending = new Map<number, (r: RpcResult<unknown>) => void>();
  const listeners = new Set<(m: EventMessage) => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    if (frame.type === 'result') pending.get(frame.id)?.(frame.result);
    else {
      const { type: _type, ...message } = frame;
      for (const l of listeners) l(message as EventMessage);
    }
  });
  const transport: Transport = {
    invoke(method, payload) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ type: 'call', id, method, payload }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { client: createClient(transport), ws, close: () => ws.close() };
}

/** Try to open a socket and report how the server answered the upgrade. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}
