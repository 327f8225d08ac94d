/**
 * The renderer's single entry to the engine: `window.api` (the Electron preload's `Transport`) when
 * present, otherwise the browser-mode WebSocket at `ws://<host>/ws?token=<token>`.
 */
import { createClient, type Client, type Transport } from '../../../../shared/client';
import type { RpcResult } from '../../../../shared/errors';
import { TOKEN_PARAM, WS_PATH } from '../../../../shared/wire';
import type { ConnectionStatus } from './connection.svelte';
import { wsTransport } from './wsTransport';

export interface ConnectOptions {
  onStatus?: (status: ConnectionStatus, detail?: string) => void;
}

type LocationLike = Pick<Location, 'protocol' | 'host' | 'search'>;

/** `ws://<host>/ws?token=<token>` for a page served at `http://<host>/?token=<token>`. */
export function wsUrlFromLocation(loc: LocationLike): string | null {
  if (loc.protocol !== 'http:' && loc.protocol !== 'https:') return null;
  const token = new URLSearchParams(loc.search).get(TOKEN_PARAM) ?? '';
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

/** A transport that answers every call with the same error: the page has no way to reach an engine. */
function unavailableTransport(message: string): Transport {
  const result: RpcResult<never> = { ok: false, error: { code: 'INTERNAL', message } };
  return {
    invoke: () => Promise.resolve(result),
    subscribe: () => () => {},
  };
}

export function connectApi(options: ConnectOptions = {}): Client {
  const { onStatus } = options;
  if (window.api) {
    onStatus?.('open');
    return createClient(window.api);
  }
  const url = wsUrlFromLocation(location);
  if (url === null) {
    const message = `No engine connection: the desktop bridge is missing and ${location.protocol} pages cannot open the browser-mode socket.`;
    onStatus?.('unavailable', message);
    return createClient(unavailableTransport(message));
  }
  return createClient(wsTransport(url, { onStatus }));
}
