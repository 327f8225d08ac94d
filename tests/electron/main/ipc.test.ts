/**
 * The Electron transport under plain Node: `registerIpc` with a stand-in `ipcMain`, the app's real sender
 * check (`senderCheck`) and a real engine. Table-driven over the contract: every entry of METHOD_NAMES
 * must have a row in CASES (the compiler and the first test say so), so a new method is checked for
 * sender, payload validation and path traversal the day it is added.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexDataset } from '../../../electron/core/dataset/indexer';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { createExperiment, getExperiment } from '../../../electron/core/experiments/store';
import type { Handlers } from '../../../electron/core/rpc';
import { artifactFolderName } from '../../../electron/core/training/runExperiment';
import { registerIpc, type IpcMainLike } from '../../../electron/main/ipc';
import { senderCheck, type InvokeEventLike } from '../../../electron/main/trust';
import { DEFAULT_CONFIG } from '../../../shared/config';
import { IPC_EVENT_CHANNEL, ipcChannel, METHOD_NAMES, METHODS, type EventMessage, type MethodName } from '../../../shared/contract';
import type { ErrorCode, RpcResult } from '../../../shared/errors';
import { tempDir, writeFixtureCorpus } from '../../helpers/fixtureCorpus';
import { insertClipRowLike } from '../../helpers/tamperedRows';

type Listener = (event: InvokeEventLike, payload: unknown) => Promise<RpcResult<unknown>>;

/** `ipcMain` as far as the transport uses it; like Electron, a second handler on a channel throws. */
class FakeIpcMain implements IpcMainLike<InvokeEventLike> {
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.listeners.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.listeners.delete(channel);
  }
  invoke(method: MethodName, event: InvokeEventLike, payload: unknown): Promise<RpcResult<unknown>> {
    const listener = this.listeners.get(ipcChannel(method));
    if (!listener) throw new Error(`No handler registered for '${ipcChannel(method)}'`);
    return listener(event, payload);
  }
}

const RENDERER_INDEX = path.resolve('/app/out/renderer/index.html');
const INDEX_URL = pathToFileURL(RENDERER_INDEX).href;
const appContents = { id: 1 };
const otherContents = { id: 2 };
const appFrame = { url: INDEX_URL, parent: null };
const TRUSTED: InvokeEventLike = { sender: appContents, senderFrame: appFrame };
const UNTRUSTED: Array<[string, InvokeEventLike]> = [
  ['another window showing the app page', { sender: otherContents, senderFrame: { url: INDEX_URL, parent: null } }],
  ['a subframe of the app window', { sender: appContents, senderFrame: { url: INDEX_URL, parent: appFrame } }],
  ['a foreign subframe of the app window', { sender: appContents, senderFrame: { url: 'https://evil.example/', parent: appFrame } }],
  ['the app window navigated to a foreign URL', { sender: appContents, senderFrame: { url: 'https://evil.example/', parent: null } }],
  ['another file in the app window', { sender: appContents, senderFrame: { url: pathToFileURL('/etc/passwd').href, parent: null } }],
  ['a data: URL in the app window', { sender: appContents, senderFrame: { url: 'data:text/html,<script>1</script>', parent: null } }],
  ['a frame that is gone', { sender: appContents, senderFrame: null }],
];

let engine: Engine;
let ipc: FakeIpcMain;
let dispose: () => void;
/** Methods whose handler ran, in order. */
const reached: MethodName[] = [];
const pushed: Array<{ window: string; channel: string; message: EventMessage }> = [];
let root: string;
let datasetId: number;
let clipId: number;
/** Clip rows that point out of the dataset folder (inserted: the indexer never writes them). */
let escapingRow: number;
let escapingLink: number;

beforeAll(async () => {
  root = tempDir('ipc-corpus');
  writeFixtureCorpus(root, [1]);
  engine = createEngine({ dbPath: path.join(tempDir('ipc-db'), 'db.sqlite'), host: { mode: 'electron' } });
  datasetId = (await indexDataset(engine.db, root)).datasetId;
  clipId = (engine.db.prepare('SELECT MIN(id) AS id FROM clips').get() as { id: number }).id;
  escapingRow = insertClipRowLike(engine.db, clipId, '../../etc/passwd');
  fs.symlinkSync('/etc/passwd', path.join(root, 'Actor_01', 'escape.wav'));
  escapingLink = insertClipRowLike(engine.db, clipId, 'Actor_01/escape.wav');

  // The real handlers, each recording that it ran.
  const spied = Object.fromEntries(
    METHOD_NAMES.map((m) => [
      m,
      (input: unknown) => {
        reached.push(m);
        return (engine.handlers[m] as (input: unknown) => unknown)(input);
      },
    ]),
  ) as unknown as Handlers;
  const live = (name: string, destroyed = false) => ({
    isDestroyed: () => destroyed,
    webContents: { isDestroyed: () => destroyed, send: (channel: string, message: EventMessage) => pushed.push({ window: name, channel, message }) },
  });
  ipc = new FakeIpcMain();
  dispose = registerIpc(
    { handlers: spied, subscribe: engine.subscribe },
    {
      ipcMain: ipc,
      isTrustedSender: senderCheck({ trustedContents: () => appContents, rendererIndexFile: RENDERER_INDEX, devServerUrl: undefined }),
      windows: () => [live('app'), live('closed', true)],
    },
  );
});
afterAll(async () => {
  dispose?.();
  await engine?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Invoke as `event`; returns the answer and whether the method's handler ran. */
async function call(method: MethodName, payload: unknown, event: InvokeEventLike = TRUSTED): Promise<{ result: RpcResult<unknown>; reachedHandler: boolean }> {
  const before = reached.length;
  const result = await ipc.invoke(method, event, payload);
  return { result, reachedHandler: reached.length > before };
}

const errorOf = (r: RpcResult<unknown>): { code: ErrorCode; message: string } | null => (r.ok ? null : r.error);

interface TraversalCase {
  label: string;
  payload: () => unknown;
  /** Checks the answer; `reachedHandler` says whether the engine saw the call at all. */
  check: (result: RpcResult<unknown>, reachedHandler: boolean) => void;
}

interface MethodCase {
  /** A payload the method's schema accepts: an untrusted sender is refused even with it. */
  valid: () => unknown;
  /** Payloads its schema must refuse, besides those every method is sent (extra key, not an object). */
  invalid: () => unknown[];
  /** Payloads aiming a path or name outside what the caller may touch, or why the method carries none. */
  traversal: TraversalCase[] | { none: string };
}

/** Refused by validation: INVALID_PAYLOAD, and the engine never saw it. */
const refusedBySchema = (r: RpcResult<unknown>, reachedHandler: boolean): void => {
  expect(errorOf(r)?.code).toBe('INVALID_PAYLOAD');
  expect(reachedHandler).toBe(false);
};

const forbiddenClip = (id: () => number, rel: string) => (r: RpcResult<unknown>): void => {
  expect(errorOf(r)).toEqual({
    code: 'FORBIDDEN',
    message: `Clip ${id()} of dataset ${datasetId} (${rel}) resolves outside the dataset folder ${root}: refused`,
  });
};

/** Both escaping clip rows, addressed the way `method` addresses a clip. */
const clipTraversal = (ref: (clipId: number) => unknown): TraversalCase[] => [
  { label: 'a clip row naming ../../etc/passwd', payload: () => ref(escapingRow), check: forbiddenClip(() => escapingRow, '../../etc/passwd') },
  { label: 'a clip that is a link to /etc/passwd', payload: () => ref(escapingLink), check: forbiddenClip(() => escapingLink, 'Actor_01/escape.wav') },
  { label: 'a path in place of the clip id', payload: () => ref('../../etc/passwd' as unknown as number), check: refusedBySchema },
];

const clipRef = (id: number) => ({ datasetId, clipId: id });
const byId = { none: 'addressed by id; any file it touches is one the engine recorded, never a caller path' };
const noInput = { none: 'takes no input' };
const idInvalid = [{ id: 0 }, { id: '1' }, { id: '../../etc/passwd' }, { id: 1.5 }, {}];

const CASES: Record<MethodName, MethodCase> = {
  'app.ping': { valid: () => ({}), invalid: () => [], traversal: noInput },
  'app.info': { valid: () => ({}), invalid: () => [], traversal: noInput },
  'dataset.chooseFolder': { valid: () => ({}), invalid: () => [{ root: '/etc' }], traversal: { none: 'the folder comes from the native dialog the user answers' } },
  'dataset.startIndex': {
    valid: () => ({ root }),
    invalid: () => [{}, { root: '' }, { root: 42 }, { root: 'x'.repeat(4097) }],
    traversal: [
      {
        label: '<root>/../../etc/passwd (resolving to /etc/passwd, a file)',
        payload: () => ({ root: `${root}${'/..'.repeat(root.split(path.sep).length - 1)}/etc/passwd` }),
        check: (r) => {
          expect(errorOf(r)).toEqual({ code: 'NOT_A_FOLDER', message: '/etc/passwd is not a folder' });
          expect(engine.jobs.list()).toEqual([]);
        },
      },
      { label: 'a NUL byte', payload: () => ({ root: `${root}\0/../../etc/passwd` }), check: refusedBySchema },
    ],
  },
  'dataset.list': { valid: () => ({}), invalid: () => [], traversal: noInput },
  'dataset.summary': { valid: () => ({ datasetId }), invalid: () => [{ datasetId: 0 }, { datasetId: '1' }, {}], traversal: byId },
  'dataset.clips': { valid: () => ({ datasetId }), invalid: () => [{ datasetId: -1 }, { datasetId: null }], traversal: byId },
  'clip.get': { valid: () => clipRef(clipId), invalid: () => [{ datasetId }, { datasetId, clipId: -1 }, { datasetId, path: '/etc/passwd' }], traversal: clipTraversal(clipRef) },
  'clip.audio': { valid: () => clipRef(clipId), invalid: () => [{ datasetId, clipId: 0 }, { datasetId, clipId, path: '/etc/passwd' }], traversal: clipTraversal(clipRef) },
  'clip.features': { valid: () => clipRef(clipId), invalid: () => [{ clipId }, { datasetId, clipId: '1' }], traversal: clipTraversal(clipRef) },
  'features.startExtract': { valid: () => ({ datasetId }), invalid: () => [{ datasetId: 'all' }, {}], traversal: byId },
  'training.start': {
    valid: () => ({ datasetId, config: {} }),
    invalid: () => [{ datasetId }, { datasetId, config: { training: { epochs: 0 } } }, { datasetId, config: {}, name: '' }, { datasetId, config: { model: { name: 'nope' } } }],
    traversal: [
      {
        label: 'a run named ../../etc/passwd: the name labels the run, its folder is <id>-<slug> inside the artifacts root',
        payload: () => ({ datasetId: 9999, config: {}, name: '../../etc/passwd' }),
        check: (r, reachedHandler) => {
          expect(reachedHandler).toBe(true);
          expect(errorOf(r)?.code).toBe('NOT_FOUND');
          const folder = artifactFolderName(12, '../../etc/passwd');
          expect(folder).toBe('12-etc-passwd');
          expect(path.dirname(path.resolve('/artifacts', folder))).toBe(path.resolve('/artifacts'));
          expect(artifactFolderName(3, '..')).toBe('3-experiment');
        },
      },
    ],
  },
  'experiments.list': { valid: () => ({}), invalid: () => [], traversal: noInput },
  'experiments.get': { valid: () => ({ id: 1 }), invalid: () => idInvalid, traversal: byId },
  'experiments.compare': { valid: () => ({ ids: [1, 2] }), invalid: () => [{ ids: [1] }, { ids: [1, 2, 3, 4, 5] }, { ids: ['../a', '../b'] }], traversal: byId },
  'experiments.update': {
    valid: () => ({ id: 1, notes: 'x' }),
    invalid: () => [{ id: 1 }, { id: 1, name: '' }, { id: 1, notes: 'x'.repeat(10_001) }, ...idInvalid],
    traversal: [
      {
        label: 'renaming a run to ../../etc/passwd changes its label only, never its folder',
        payload: () => {
          const id = createExperiment(engine.db, { name: 'plain', config: DEFAULT_CONFIG, datasetId, datasetRoot: root });
          return { id, name: '../../etc/passwd' };
        },
        check: (r) => {
          expect(r).toMatchObject({ ok: true, value: { name: '../../etc/passwd', artifactsDir: null } });
          if (r.ok) expect(getExperiment(engine.db, (r.value as { id: number }).id).artifactsDir).toBeNull();
        },
      },
    ],
  },
  'experiments.delete': { valid: () => ({ id: 1 }), invalid: () => idInvalid, traversal: byId },
  'experiments.openFolder': { valid: () => ({ id: 1 }), invalid: () => idInvalid, traversal: byId },
  'experiments.archive': { valid: () => ({ id: 1 }), invalid: () => idInvalid, traversal: byId },
  'files.choose': { valid: () => ({}), invalid: () => [{ path: '/etc/passwd' }], traversal: { none: 'the file comes from the native dialog the user answers' } },
  'files.uploadStart': {
    valid: () => ({ name: 'a.wav', sizeBytes: 100 }),
    invalid: () => [{ name: 'a.wav' }, { name: 'a.wav', sizeBytes: 0 }, { name: 'a.wav', sizeBytes: 1.5 }, { sizeBytes: 10 }],
    traversal: ['../../etc/passwd', '..', '.', 'a\0.wav', '..\\..\\evil.wav', '/etc/passwd'].map((name) => ({
      label: `an upload named ${JSON.stringify(name)}`,
      payload: () => ({ name, sizeBytes: 100 }),
      check: refusedBySchema,
    })),
  },
  'files.uploadChunk': {
    valid: () => ({ uploadId: 'upload-0123456789abcdef', offset: 0, base64: 'AAAA' }),
    invalid: () => [{ uploadId: 'upload-1', offset: 0, base64: 'AAAA' }, { uploadId: 'upload-0123456789abcdef', offset: -1, base64: 'AAAA' }, { uploadId: 'upload-0123456789abcdef', offset: 0, base64: '***' }],
    traversal: ['../../etc/passwd', 'upload-../../etc/passwd'].map((uploadId) => ({
      label: `upload id ${uploadId}`,
      payload: () => ({ uploadId, offset: 0, base64: 'AAAA' }),
      check: refusedBySchema,
    })),
  },
  'files.uploadFinish': {
    valid: () => ({ uploadId: 'upload-0123456789abcdef' }),
    invalid: () => [{ uploadId: 'file-0123456789abcdef' }, {}],
    traversal: ['../../etc/passwd', 'upload-0123456789abcdef/../x'].map((uploadId) => ({
      label: `upload id ${uploadId}`,
      payload: () => ({ uploadId }),
      check: refusedBySchema,
    })),
  },
  'files.audio': {
    valid: () => ({ fileId: 'file-0123456789abcdef' }),
    invalid: () => [{ fileId: 'file-1' }, {}],
    traversal: ['../../etc/passwd', 'file-../../etc/passwd', 'file-0123456789abcdef/../x'].map((fileId) => ({
      label: `file id ${fileId}`,
      payload: () => ({ fileId }),
      check: refusedBySchema,
    })),
  },  'files.features': {
    valid: () => ({ fileId: 'file-0123456789abcdef' }),
    invalid: () => [{ fileId: 'file-1' }, {}],
    traversal: ['../../etc/passwd', 'file-../../etc/passwd', 'file-0123456789abcdef/../x'].map((fileId) => ({
      label: `file id ${fileId}`,
      payload: () => ({ fileId }),
      check: refusedBySchema,
    })),
  },
  'predict.clip': {
    valid: () => ({ source: { kind: 'clip', datasetId, clipId } }),
    invalid: () => [{}, { source: { kind: 'clip', datasetId, clipId }, hopSec: 0 }, { source: { kind: 'file', fileId: 'x' } }],
    traversal: [
      ...clipTraversal((id) => ({ source: { kind: 'clip', datasetId, clipId: id } })),
      { label: 'a path as the source', payload: () => ({ source: { kind: 'path', path: '/etc/passwd' } }), check: refusedBySchema },
      { label: 'a file id naming a path', payload: () => ({ source: { kind: 'file', fileId: '../../etc/passwd' } }), check: refusedBySchema },
    ],
  },
  'experiments.testClips': { valid: () => ({ id: 1 }), invalid: () => idInvalid, traversal: byId },
  'jobs.list': { valid: () => ({}), invalid: () => [], traversal: noInput },
  'jobs.cancel': { valid: () => ({ jobId: 'job-1' }), invalid: () => [{}, { jobId: 'job-../../x' }, { jobId: 1 }], traversal: byId },
};

/** Sent to every method: refused by validation whatever the method. */
const GENERIC_INVALID: Array<[string, (valid: unknown) => unknown]> = [
  ['an unexpected key', (valid) => ({ ...(valid as object), injected: '../../etc/passwd' })],
  ['a string', () => '../../etc/passwd'],
  ['a number', () => 42],
  ['an array', () => []],
];

describe('Electron IPC transport', () => {
  it('has a table row for every contract method, and a handler on every method channel (nothing else)', () => {
    expect(Object.keys(CASES).sort()).toEqual([...METHOD_NAMES].sort());
    expect([...ipc.listeners.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
  });

  it('answers the app window', async () => {
    const { result, reachedHandler } = await call('app.ping', {});
    expect(result).toMatchObject({ ok: true, value: { pong: true } });
    expect(reachedHandler).toBe(true);
  });

  describe.each(METHOD_NAMES)('%s', (method) => {
    const spec = CASES[method];

    it('refuses every untrusted sender before its handler (even with a valid payload)', async () => {
      expect(METHODS[method].input.safeParse(spec.valid()).success, 'the table’s valid payload').toBe(true);
      for (const [who, event] of UNTRUSTED) {
        const { result, reachedHandler } = await call(method, spec.valid(), event);
        expect(result, who).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: `${method} refused: the caller is not an Emotion Studio window` } });
        expect(reachedHandler, who).toBe(false);
      }
      // Before the window exists (or after it is gone) nobody is trusted.
      const noWindow = senderCheck({ trustedContents: () => null, rendererIndexFile: RENDERER_INDEX, devServerUrl: undefined });
      expect(noWindow(TRUSTED)).toBe(false);
    });

    it('answers a bad payload from the app window with INVALID_PAYLOAD, before its handler', async () => {
      const payloads: Array<[string, unknown]> = [
        ...GENERIC_INVALID.map(([label, make]): [string, unknown] => [label, make(spec.valid())]),
        ...spec.invalid().map((p): [string, unknown] => [JSON.stringify(p).slice(0, 80), p]),
      ];
      for (const [label, payload] of payloads) {
        const { result, reachedHandler } = await call(method, payload);
        expect(errorOf(result), label).toEqual({ code: 'INVALID_PAYLOAD', message: expect.stringMatching(new RegExp(`^Invalid payload for ${method.replace('.', '\\.')}: `)) });
        expect(reachedHandler, label).toBe(false);
      }
    });

    const traversal = spec.traversal;
    if ('none' in traversal) {
      it(`carries no path or name (${traversal.none}): a path-like value in its payload is refused`, async () => {
        const { result, reachedHandler } = await call(method, { ...(spec.valid() as object), path: '/etc/passwd' });
        refusedBySchema(result, reachedHandler);
      });
    } else {
      it.each(traversal)('refuses or confines $label', async ({ payload, check }) => {
        const { result, reachedHandler } = await call(method, payload());
        check(result, reachedHandler);
      });
    }
  });

  it('pushes events to live windows only', async () => {
    pushed.length = 0;
    const { result } = await call('dataset.startIndex', { root });
    expect(result.ok).toBe(true);
    const jobId = (result as { value: { jobId: string } }).value.jobId;
    await engine.jobs.wait(jobId);
    const finished = pushed.find((p) => p.message.event === 'job.finished');
    expect(finished).toMatchObject({ window: 'app', channel: IPC_EVENT_CHANNEL, message: { payload: { jobId, status: 'finished' } } });
    expect(pushed.every((p) => p.window === 'app')).toBe(true);
  });

  it('removes every handler and stops pushing when disposed', async () => {
    dispose();
    dispose = () => {};
    expect(ipc.listeners.size).toBe(0);
    pushed.length = 0;
    const { jobId } = await engine.handlers['dataset.startIndex']({ root });
    await engine.jobs.wait(jobId);
    expect(pushed).toEqual([]);
  });
});
