/**
 * Browser mode: the same renderer the desktop app shows, served over HTTP on 127.0.0.1, talking to the
 * engine over a WebSocket that carries the contract's calls and events.
 *
 * Guarded like a local dev server should be: bound to loopback only; the WebSocket needs the random
 * token printed in the URL (compared in constant time); a browser `Origin` other than this server's own
 * is refused (a page on another site cannot drive the engine); the `Host` header must name loopback
 * (defeats DNS rebinding).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventMessage } from '../../shared/contract';
import { MAX_FRAME_BYTES, TOKEN_PARAM, WS_PATH, type CallFrame, type ServerFrame } from '../../shared/wire';
import type { Engine } from '../core/engine';
import { dispatch } from '../core/rpc';

export const LOOPBACK_HOST = '127.0.0.1';

export interface ServeOptions {
  engine: Engine;
  /** Where socket, request and server errors are reported (default: stderr). None of them stops the server. */
  log?: (message: string) => void;
  /** The built renderer (`out/renderer`). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); default: 32 random bytes, hex. */
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "media-src 'self' blob:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function tokensMatch(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

function isCallFrame(value: unknown): value is CallFrame {
  if (typeof value !== 'object' || value === null) return false;
  const frame = value as Partial<CallFrame>;
  return frame.type === 'call' && Number.isSafeInteger(frame.id) && typeof frame.method === 'string';
}

function serveStatic(staticDir: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', ...SECURITY_HEADERS }).end('Method not allowed');
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    res.writeHead(400, SECURITY_HEADERS).end('Bad path');
    return;
  }
  // fs refuses a path with a NUL byte by throwing: answer it before any file call sees it.
  if (rel.includes('\0')) {
    res.writeHead(400, SECURITY_HEADERS).end('Bad path');
    return;
  }
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.resolve(staticDir, `.${path.posix.normalize(rel)}`);
  if (file !== staticDir && !file.startsWith(staticDir + path.sep)) {
    res.writeHead(404, SECURITY_HEADERS).end('Not found');
    return;
  }
  fs.readFile(file, (err, body) => {
    if (err) {
      res.writeHead(404, SECURITY_HEADERS).end('Not found');
      return;
    }
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

function refuse(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { engine } = options;
  const staticDir = path.resolve(options.staticDir);
  const token = options.token ?? randomBytes(32).toString('hex');
  const log = options.log ?? ((message: string) => process.stderr.write(`browser mode: ${message}\n`));
  let port = 0;

  const server = http.createServer((req, res) => {
    res.on('error', (err) => log(`response to ${req.method} ${req.url}: ${err.message}`));
    try {
      if (!allowedHosts(port).has(req.headers.host ?? '')) {
        res.writeHead(421, SECURITY_HEADERS).end('Misdirected request: this server answers only on loopback');
        return;
      }
      serveStatic(staticDir, req, res);
    } catch (err) {
      // Whatever a request does, it gets a status code and the server keeps serving.
      log(`${req.method} ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, SECURITY_HEADERS);
      res.end('Internal error');
    }
  });
  // A malformed request line or header: answer 400 and drop that connection only.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code !== 'ECONNRESET') log(`bad request: ${err.message}`);
    refuse(socket, 400, 'Bad Request');
  });
  server.on('error', (err) => log(`server: ${err.message}`));

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  wss.on('error', (err) => log(`WebSocket server: ${err.message}`));
  const clients = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    // Until ws takes the socket over (it adds its own handler), a reset must not become an uncaught error.
    socket.on('error', (err) => log(`upgrade socket: ${err.message}`));
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return refuse(socket, 400, 'Bad Request');
    }
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
    if (!allowedHosts(port).has(req.headers.host ?? '')) return refuse(socket, 421, 'Misdirected Request');
    const origin = req.headers.origin;
    // Browsers always send Origin on a WebSocket; a missing one is a non-browser client that still needs the token.
    if (origin !== undefined && !allowedOrigins(port).has(origin)) return refuse(socket, 403, 'Forbidden');
    if (!tokensMatch(url.searchParams.get(TOKEN_PARAM), token)) return refuse(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      // A frame over MAX_FRAME_BYTES: ws closes this socket with 1009 (message too big) and reports it here.
      ws.on('error', (err) => log(`client socket: ${err.message}`));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003, 'text frames only');
        let frame: unknown;
        try {
          frame = JSON.parse(data.toString());
        } catch {
          return ws.close(1007, 'invalid JSON');
        }
        if (!isCallFrame(frame)) return ws.close(1008, 'not a call frame');
        const { id } = frame;
        dispatch(engine.handlers, frame.method, frame.payload)
          .then((result) => {
            if (ws.readyState !== ws.OPEN) return;
            const reply: ServerFrame = { type: 'result', id, result };
            ws.send(JSON.stringify(reply), (err) => err && log(`reply ${id}: ${err.message}`));
          })
          .catch((err: unknown) => log(`call ${id}: ${(err as Error).message}`));
      });
    });
  });

  const unsubscribe = engine.subscribe((message: EventMessage) => {
    const text = JSON.stringify({ type: 'event', ...message } satisfies ServerFrame);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text, (err) => err && log(`event: ${err.message}`));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${LOOPBACK_HOST}:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
