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
import { connectWs, upgradeStatus } from '../../helpers/wsClient';

let engine: Engine;
let server: RunningServer;
let staticDir: string;
let wsUrl: (token: string) => string;

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
  server = await startServer({ engine, staticDir });
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
