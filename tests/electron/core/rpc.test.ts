import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { dispatch } from '../../../electron/core/rpc';
import { METHOD_NAMES } from '../../../shared/contract';
import { tempDir } from '../../helpers/fixtureCorpus';

let engine: Engine;
beforeAll(() => {
  engine = createEngine({ dbPath: path.join(tempDir('rpc'), 'db.sqlite'), host: { mode: 'cli' } });
});
afterAll(() => engine.close());

describe('dispatch', () => {
  it('answers a valid call', async () => {
    const r = await dispatch(engine.handlers, 'app.ping', {});
    expect(r).toMatchObject({ ok: true, value: { pong: true } });
  });

  it('refuses an unknown method and inherited object keys', async () => {
    for (const name of ['nope', 'toString', '__proto__', 42]) {
      expect(await dispatch(engine.handlers, name, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  // Table-driven over the contract: a new method cannot skip payload validation.
  it.each(METHOD_NAMES)('%s rejects a payload with an unexpected key and a non-object payload', async (method) => {
    const extra = await dispatch(engine.handlers, method, { injected: '../../etc/passwd' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const wrong = await dispatch(engine.handlers, method, 'a string');
    expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  });

  it('names the offending field and the expectation', async () => {
    const r = await dispatch(engine.handlers, 'dataset.summary', { datasetId: -3 });
    expect(r).toEqual({ ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.stringMatching(/^Invalid payload for dataset\.summary: datasetId: /) } });
    const p = await dispatch(engine.handlers, 'dataset.startIndex', { root: '' });
    expect(p).toMatchObject({ ok: false, error: { message: 'Invalid payload for dataset.startIndex: root: a path is required' } });
  });

  it('turns engine errors into typed errors', async () => {
    expect(await dispatch(engine.handlers, 'dataset.summary', { datasetId: 999 })).toEqual({
      ok: false, error: { code: 'NOT_FOUND', message: 'No dataset with id 999' },
    });
    expect(await dispatch(engine.handlers, 'dataset.startIndex', { root: '/definitely/not/here' })).toEqual({
      ok: false, error: { code: 'NOT_FOUND', message: 'Folder /definitely/not/here does not exist' },
    });
    expect(await dispatch(engine.handlers, 'dataset.chooseFolder', {})).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
    expect(await dispatch(engine.handlers, 'experiments.openFolder', { id: 1 })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
    for (const [method, payload] of [
      ['experiments.update', { id: 999, notes: 'x' }],
      ['experiments.delete', { id: 999 }],
      ['experiments.archive', { id: 999 }],
    ] as const) {
      expect(await dispatch(engine.handlers, method, payload)).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No experiment with id 999' } });
    }
  });
});
