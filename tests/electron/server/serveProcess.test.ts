/**
 * `emotion-studio serve` as its own process — the way a user runs it — against the inputs that used to
 * end it (a NUL byte in a path, a frame over 1 MiB, a malformed request), and its address across
 * restarts: the same port and token per data folder, so an open tab reconnects; a taken port gets a
 * new one, said on stderr.
 */
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_TOO_BIG, MAX_FRAME_BYTES } from '../../../shared/wire';
import { tempDir } from '../../helpers/fixtureCorpus';
import { serve, type Served } from '../../helpers/serve';
import { connectWs } from '../../helpers/wsClient';

const running: Served[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function start(db: string): Promise<Served & { port: number; token: string }> {
  const served = await serve(db);
  running.push(served);
  const url = new URL(served.url);
  return { ...served, port: Number(url.port), token: url.searchParams.get('token') as string };
}

function status(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers: { Host: `127.0.0.1:${port}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

async function ping(port: number, token: string): Promise<unknown> {
  const { client, close } = await connectWs(`ws://127.0.0.1:${port}/ws?token=${token}`, { Origin: `http://127.0.0.1:${port}` });
  try {
    return await client.call('app.ping', {});
  } finally {
    close();
  }
}

describe('emotion-studio serve (its own process)', () => {
  it('survives a NUL-byte path, a malformed request and an oversized frame, and serves the next request', async () => {
    const s = await start(path.join(tempDir('serve'), 'db.sqlite'));
    expect(await status(s.port, '/index.html%00.png')).toBe(400);
    await new Promise<void>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: s.port }, () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      socket.resume();
    });
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws?token=${s.token}`, { headers: { Origin: `http://127.0.0.1:${s.port}` } });
    ws.on('error', () => {});
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await closed).toBe(CLOSE_TOO_BIG);

    expect(s.process.exitCode).toBeNull();
    expect(await status(s.port, '/')).toBe(200);
    expect(await ping(s.port, s.token)).toMatchObject({ pong: true });
    expect(s.stderr()).toMatch(/client socket: Max payload size exceeded/);
  });

  it('keeps its port and token across a restart for the same data folder; a taken port gets a new one and says so', async () => {
    const db = path.join(tempDir('serve'), 'db.sqlite');
    const first = await start(db);
    await first.stop();
    // Stopped at once after printing its URL, it still shuts down gracefully (its signal handlers are in
    // place before the URL is printed), not by the default SIGTERM kill.
    expect([first.process.exitCode, first.process.signalCode]).toEqual([0, null]);
    const second = await start(db);
    expect(second.url).toBe(first.url);
    // A tab from before the restart: the same token still opens the socket.
    expect(await ping(second.port, first.token)).toMatchObject({ pong: true });
    await second.stop();

    const squatter = net.createServer().listen(second.port, '127.0.0.1');
    await new Promise((resolve) => squatter.once('listening', resolve));
    try {
      const third = await start(db);
      expect(third.port).not.toBe(second.port);
      expect(third.token).toBe(first.token);
      expect(third.stderr()).toContain(`Port ${second.port}, used last time, is taken`);
    } finally {
      squatter.close();
    }
  });

  it('a different data folder gets its own token', async () => {
    const a = await start(path.join(tempDir('serve'), 'db.sqlite'));
    const b = await start(path.join(tempDir('serve'), 'db.sqlite'));
    expect(a.token).not.toBe(b.token);
  });
});
