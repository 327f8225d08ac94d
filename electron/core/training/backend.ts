/**
 * Picks the TensorFlow.js backend the engine trains on: `tensorflow` (native TensorFlow, from
 * tfjs-node-gpu when it is installed and loads, else tfjs-node), else `wasm` (XNNPACK with SIMD, single
 * thread), else the pure-JS `cpu`. Both native packages register the same `tensorflow` backend; the
 * selection's reason names the one that ran.
 *
 * tfjs keeps its backend in process-wide state, so this module owns the choice: call `selectBackend()`
 * once before building models; later calls return the active selection. Everything imports tfjs through
 * `@tensorflow/tfjs` (re-exported here as `tf`) so there is exactly one copy of tfjs-core, whose engine
 * both the wasm backend and tfjs-node register with.
 *
 * The wasm backend as shipped (4.22) cannot train every model well; `selectBackend` installs the
 * project's own training kernels (wasmKernels.ts) whenever it activates wasm.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { installWasmTrainingKernels } from './wasmKernels';

export { tf };

import type { BackendName, BackendSelection } from '../../../shared/experiments';

export type { BackendName, BackendSelection, SkippedBackend } from '../../../shared/experiments';
export type BackendPreference = 'auto' | BackendName;

export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];


/**
 * The optional native packages, in the order they are tried: the CUDA build first (only present when a
 * user installed it for their GPU), then the CPU build. Strings, so bundlers leave the imports to run
 * time (either may be absent).
 */
export const NATIVE_TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
export type NativeTensorflowPackage = (typeof NATIVE_TENSORFLOW_PACKAGES)[number];

/** The native package whose `tensorflow` backend is registered, once one has loaded. */
let nativePackage: NativeTensorflowPackage | null = null;
/** Why tfjs-node-gpu was passed over when it is installed but tfjs-node ran instead (for the reason line). */
let nativeNote = '';

let active: BackendSelection | null = null;
/** Serialises selections: two concurrent callers must not interleave `setBackend` calls. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Activates a backend and reports which one and why.
 *
 * - 'auto' (default): tensorflow (tfjs-node-gpu, then tfjs-node) → wasm → cpu, the first that initialises.
 * - 'tensorflow' | 'wasm' | 'cpu': exactly that one, or an error saying why it is unavailable.
 *
 * Idempotent: once a backend is active, 'auto' or the same preference returns the recorded selection
 * without touching tfjs. A different explicit preference switches backends (tfjs moves existing
 * tensors lazily), which is meant for tests and benchmarks, not mid-training.
 */
export function selectBackend(preference: BackendPreference = 'auto'): Promise<BackendSelection> {
  if (!BACKEND_PREFERENCES.includes(preference)) {
    return Promise.reject(new TypeError(`selectBackend: unknown preference ${JSON.stringify(preference)} (expected ${BACKEND_PREFERENCES.join(', ')})`));
  }
  const run = queue.then(() => select(preference));
  queue = run.catch(() => undefined);
  return run;
}

/** The active selection, or null before the first `selectBackend`. */
export function activeBackend(): BackendSelection | null {
  return active !== null && tf.getBackend() === active.backend ? active : null;
}

async function select(preference: BackendPreference): Promise<BackendSelection> {
  // Someone may have called tf.setBackend directly since: only trust the record if tfjs agrees.
  if (active !== null && tf.getBackend() === active.backend && (preference === 'auto' || preference === active.backend)) {
    return active;
  }
  if (preference !== 'auto') {
    const failure = await activate(preference);
    if (failure !== null) throw new Error(`The ${preference} backend was requested but is unavailable: ${failure}`);
    active = { backend: preference, reason: `${describe(preference)} (requested)`, skipped: [] };
    return active;
  }
  const skipped: BackendSelection['skipped'] = [];
  for (const backend of ['tensorflow', 'wasm', 'cpu'] as const) {
    const failure = await activate(backend);
    if (failure === null) {
      const why = skipped.map((s) => `${s.backend} skipped: ${s.reason}`);
      active = { backend, reason: [describe(backend), ...why].join('; '), skipped };
      return active;
    }
    skipped.push({ backend, reason: failure });
  }
  throw new Error(`No TensorFlow.js backend could be initialised: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}

/** Whether the wasm binary in use is the SIMD build (~2-3× faster); set when wasm initialises. */
let wasmSimd = false;

function describe(backend: BackendName): string {
  if (backend === 'tensorflow') {
    const gpu = nativePackage === '@tensorflow/tfjs-node-gpu';
    return `tensorflow (${gpu ? 'tfjs-node-gpu, native TensorFlow with CUDA' : 'tfjs-node, native TensorFlow'}${nativeNote ? `; ${nativeNote}` : ''})`;
  }
  // Threads stay off: the threaded build spawns its workers from blob: URLs, which Node cannot load.
  if (backend === 'wasm') return `wasm (XNNPACK, ${wasmSimd ? 'SIMD' : 'no SIMD'}, single thread)`;
  return 'cpu (pure JavaScript, slowest)';
}

/** Makes `backend` the active one; returns null on success, or why it could not be used. */
async function activate(backend: BackendName): Promise<string | null> {
  try {
    if (backend === 'tensorflow') {
      const missing = await loadTfjsNode();
      if (missing !== null) return missing;
    }
    if (backend === 'wasm') pointWasmAtItsFiles();
    // setBackend resolves false (after logging a warning) when the backend's initialisation fails.
    if (!(await tf.setBackend(backend))) return `${backend} backend failed to initialise`;
    if (backend === 'wasm') {
      wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      installWasmTrainingKernels();
    }
    return null;
  } catch (error) {
    return firstLine(error);
  }
}

/**
 * Makes the native `tensorflow` backend available: returns null when it is registered with *our*
 * tfjs-core, else why not.
 */
async function loadTfjsNode(): Promise<string | null> {
  const load = await loadNativeTensorflow();
  if (load.loaded !== null) {
    nativePackage = load.loaded;
    nativeNote = load.failures.filter((f) => !f.endsWith(' not installed')).join('; ');
    return null;
  }
  // tfjs-node-gpu is an opt-in variant: its absence is the normal case and not worth a mention.
  return load.failures.filter((f) => f !== 'tfjs-node-gpu not installed').join('; ') || 'tfjs-node not installed';
}

export interface NativeTensorflowLoad {
  /** The package whose `tensorflow` backend is now registered, or null when none is. */
  loaded: NativeTensorflowPackage | null;
  /** Why each package tried before it (or instead of it) was passed over, e.g. 'tfjs-node-gpu not installed'. */
  failures: string[];
}

/**
 * Imports the native packages in `NATIVE_TENSORFLOW_PACKAGES` order until one registers the `tensorflow`
 * backend with our tfjs-core; later packages are not imported. `importModule` and `registered` are
 * parameters so the order can be tested without the packages installed.
 */
export async function loadNativeTensorflow(
  importModule: (specifier: string) => Promise<unknown> = (specifier) => import(/* @vite-ignore */ specifier),
  registered: () => boolean = () => tf.findBackendFactory('tensorflow') != null,
): Promise<NativeTensorflowLoad> {
  if (registered()) return { loaded: nativePackage ?? '@tensorflow/tfjs-node', failures: [] };
  const failures: string[] = [];
  for (const specifier of NATIVE_TENSORFLOW_PACKAGES) {
    const short = specifier.replace('@tensorflow/', '');
    try {
      await importModule(specifier);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const notFound = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && firstLine(error).includes(`'${specifier}'`);
      // Installed but broken is the common failure on machines where libtensorflow did not download.
      failures.push(notFound ? `${short} not installed` : `${short} failed to load: ${firstLine(error)}`);
      continue;
    }
    if (registered()) return { loaded: specifier, failures };
    failures.push(`${short} loaded but registered its backend with another copy of @tensorflow/tfjs-core (install the version matching @tensorflow/tfjs ${tf.version.tfjs})`);
  }
  return { loaded: null, failures };
}

let wasmPathsSet = false;

/** In Node the wasm backend must be told where its .wasm binaries are (the package's dist folder). */
function pointWasmAtItsFiles(): void {
  if (wasmPathsSet) return;
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  try {
    setWasmPaths(`${dir}${path.sep}`);
  } catch (error) {
    // Thrown only when the wasm backend was already initialised elsewhere; its paths evidently worked.
    if (!firstLine(error).includes('already initialized')) throw error;
  }
  wasmPathsSet = true;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

