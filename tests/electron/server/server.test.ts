import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { startServer, type RunningServer } from '../../../electron/server/server';
import { ApiError } from '../../../shared/client';
import type { JobFinished } from '../../../shared/contract';
import { tempDir, writeFixtureCorpus } from '../../helpers/fixtureCorpus';
import { pcm16Wav } from '../../helpers/wavBytes';
import { connectWs, upgradeStatus } from '../../helpers/wsClient';
import { uploadFile } from '../../../shared/upload';
import { CLOSE_TOO_BIG, MAX_FRAME_BYTES } from '../../../shared/wire';

let engine: Engine;
let server: RunningServer;
let staticDir: string;
let wsUrl: (token: string) => string;
const serverLog: string[] = [];

function get(urlPath: string, host: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: urlPath, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  staticDir = tempDir('static');
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Emotion Studio</title>');
  fs.writeFileSync(path.join(tempDir('outside'), 'secret.txt'), 'secret');
  engine = createEngine({ dbPath: path.join(tempDir('srv'), 'db.sqlite'), host: { mode: 'browser' } });
  server = await startServer({ engine, staticDir, log: (message) => serverLog.push(message) });
  wsUrl = (token) => `ws://127.0.0.1:${server.port}/ws?token=${token}`;
});
afterAll(async () => {
  await server.close();
  await engine.close();
});

describe('browser-mode server', () => {
  it('prints a loopback URL carrying a 64-hex-digit token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{64}$`));
  });

  it('serves the renderer with a strict CSP', async () => {
    const res = await get('/', `127.0.0.1:${server.port}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Emotion Studio');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-eval');
  });

  it('refuses a foreign Host header (DNS rebinding) and paths outside the renderer folder', async () => {
    expect((await get('/', `evil.example:${server.port}`)).status).toBe(421);
    for (const p of ['/../secret.txt', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
      const res = await get(p, `127.0.0.1:${server.port}`);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('root:');
    }
  });

  it('refuses a WebSocket without the token, with a wrong token, and from a foreign Origin', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/ws`)).toBe(401);
    expect(await upgradeStatus(wsUrl('0'.repeat(64)))).toBe(401);
    expect(await upgradeStatus(wsUrl(server.token.slice(0, 10)))).toBe(401);
    expect(await upgradeStatus(wsUrl(server.token), { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(wsUrl(server.token), { Origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403);
    expect(await upgradeStatus(wsUrl(server.token), { Origin: `http://127.0.0.1:${server.port}` })).toBe('open');
    expect(await upgradeStatus(wsUrl(server.token), { Origin: `http://localhost:${server.port}` })).toBe('open');
  });

  it('listens on 127.0.0.1 only, not on every interface', async () => {
    // Bound to 0.0.0.0 it would also accept on 127.0.0.2 (another loopback address); bound to
    // 127.0.0.1 it refuses there. This keeps the test's traffic inside the loopback range.
    const outcome = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: '127.0.0.2', port: server.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(outcome).toBe('ECONNREFUSED');
    expect((await get('/', `127.0.0.1:${server.port}`)).status).toBe(200);
  });

  it('carries calls, typed errors and job events over the socket', async () => {
    const { client, close } = await connectWs(wsUrl(server.token), { Origin: `http://127.0.0.1:${server.port}` });
    try {
      expect(await client.call('app.info', {})).toMatchObject({ mode: 'browser', nativeDialogs: false, nativeOpen: false });
      await expect(client.call('dataset.startIndex', { root: '/no/such/dir' })).rejects.toEqual(
        new ApiError('NOT_FOUND', 'Folder /no/such/dir does not exist'),
      );
      const corpus = tempDir('ws-corpus');
      writeFixtureCorpus(corpus, [5]);
      const progress: number[] = [];
      client.on('job.progress', (p) => progress.push(p.done));
      const finished = new Promise<JobFinished>((resolve) => client.on('job.finished', resolve));
      const { jobId } = await client.call('dataset.startIndex', { root: corpus });
      const end = await finished;
      expect(end).toMatchObject({ jobId, kind: 'index', status: 'finished', result: { clips: 60 } });
      expect(progress.at(-1)).toBe(60);
      const [dataset] = await client.call('dataset.list', {});
      expect(dataset).toMatchObject({ root: fs.realpathSync(corpus), clips: 60 });
    } finally {
      close();
    }
  });
});

/** Send raw bytes on a fresh TCP connection; resolve with whatever the server answered before closing. */
function rawRequest(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = net.connect({ host: '127.0.0.1', port: server.port }, () => socket.write(bytes));
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
  });
}

/** After a bad request, frame or upload: the server still answers a normal page request and a normal call. */
async function stillServing(): Promise<void> {
  expect((await get('/', `127.0.0.1:${server.port}`)).status).toBe(200);
  const { client, close } = await connectWs(wsUrl(server.token), { Origin: `http://127.0.0.1:${server.port}` });
  try {
    expect(await client.call('app.ping', {})).toMatchObject({ pong: true });
  } finally {
    close();
  }
}

describe('browser-mode server under bad input', () => {
  it('answers a path with a NUL byte with 400, without an error escaping, and keeps serving', async () => {
    for (const p of ['/index.html%00.png', '/%00', '/assets/%00/x.js']) {
      const res = await get(p, `127.0.0.1:${server.port}`);
      expect(res.status, p).toBe(400);
    }
    await stillServing();
  });

  it('answers a malformed request line, a bad URL and a half-sent upgrade, and keeps serving', async () => {
    expect(await rawRequest('GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawRequest(`GET http://[::1 HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 (400|404)/);
    // An upgrade whose client vanishes mid-handshake.
    await new Promise<void>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: server.port }, () => {
        socket.write(`GET /ws?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`);
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve();
        }, 20);
      });
      socket.on('error', () => {});
    });
    await stillServing();
  });

  it('closes a socket that sends a frame over 1 MiB with 1009 (message too big), and serves everyone else', async () => {
    const other = await connectWs(wsUrl(server.token), { Origin: `http://127.0.0.1:${server.port}` });
    const big = await connectWs(wsUrl(server.token), { Origin: `http://127.0.0.1:${server.port}` });
    const closed = new Promise<number>((resolve) => big.ws.once('close', (code) => resolve(code)));
    big.ws.on('error', () => {});
    big.ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app.ping', payload: { pad: 'x'.repeat(MAX_FRAME_BYTES) } }));
    expect(await closed).toBe(CLOSE_TOO_BIG);
    try {
      expect(await other.client.call('app.ping', {})).toMatchObject({ pong: true });
    } finally {
      other.close();
    }
    await stillServing();
  });

  it('takes an upload far larger than one frame (6 MB) in chunks, reads it back, and keeps serving', async () => {
    const { client, close } = await connectWs(wsUrl(server.token), { Origin: `http://127.0.0.1:${server.port}` });
    try {
      const wav = pcm16Wav(62.5, 48000);
      expect(wav.byteLength).toBeGreaterThan(5 * MAX_FRAME_BYTES);
      const file = await uploadFile(client, new File([wav as Uint8Array<ArrayBuffer>], 'long-take.wav'));
      expect(file).toMatchObject({ name: 'long-take.wav', sizeBytes: wav.byteLength, sampleRate: 48000 });
      const audio = await client.call('files.audio', { fileId: file.fileId });
      expect(audio.sizeBytes).toBe(wav.byteLength);
    } finally {
      close();
    }
    await stillServing();
  });
});
