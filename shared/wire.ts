/**
 * Browser-mode wire format (WebSocket, JSON text frames).
 *
 * The page is served at `http://127.0.0.1:PORT/?token=TOKEN`; the socket lives at
 * `ws://127.0.0.1:PORT/ws?token=TOKEN`. The server refuses the upgrade without the right token or with
 * a foreign `Origin`.
 */
import type { EventMessage } from './contract';
import type { RpcResult } from './errors';

export const WS_PATH = '/ws';
export const TOKEN_PARAM = 'token';
/**
 * Largest frame either side sends (1 MiB). The server closes a socket that sends more with 1009
 * (message too big); the renderer refuses to send one. Uploads travel in `UPLOAD_CHUNK_BYTES` chunks.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Close code a socket gets for a frame over `MAX_FRAME_BYTES` (RFC 6455 "message too big"). */
export const CLOSE_TOO_BIG = 1009;

export interface CallFrame {
  type: 'call';
  id: number;
  method: string;
  payload: unknown;
}

export interface ResultFrame {
  type: 'result';
  id: number;
  result: RpcResult<unknown>;
}

export type EventFrame = { type: 'event' } & EventMessage;

export type ServerFrame = ResultFrame | EventFrame;
