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
 * The wasm backend as shipped (4.22) cannot train every model: it has no `Conv2DBackpropFilter` kernel
 * (so Conv1D/Conv2D layers throw on their first gradient step), and its `BatchMatMul` takes a scalar
 * loop whenever an operand is transposed — which is exactly what every Dense/LSTM gradient asks for,
 * ~10× slower than the XNNPACK path. `installWasmTrainingKernels` supplies and replaces kernels by
 * composing the wasm backend's own fast ones; `selectBackend` installs them whenever it activates wasm.
 * Measured per epoch of 1440 examples, batch 32: DNN 512-256-128-64 with batch norm 1.9 → 0.8 s,
 * LSTM 14.8 → 4.3 s, CNN impossible → 4.1 s.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

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

// ---------------------------------------------------------------------------------------------------
// wasm training kernels

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;
type Conv2DAttrs = {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
};

let wasmKernelsInstalled = false;

/**
 * Registers the wasm kernels training needs (idempotent; `selectBackend` calls it):
 * - `Conv2DBackpropFilter` (absent in tfjs-backend-wasm 4.22): im2col + one XNNPACK matmul.
 * - `Conv2DBackpropInput`: stride 1 and no dilation become a forward conv of the padded gradient with
 *   the flipped filter (XNNPACK) instead of the stock scalar loop; anything else keeps the stock kernel.
 * - `BatchMatMul` / `_FusedMatMul`: transposed operands are transposed explicitly, then multiplied on
 *   the XNNPACK path.
 * - `Tile` that only repeats size-1 axes (every BatchNorm gradient does this) becomes a broadcasting
 *   add onto zeros, ~10× faster than the stock element-by-element loop.
 * Each replacement only composes stock wasm kernels, so results match them to float rounding.
 */
export function installWasmTrainingKernels(): void {
  if (wasmKernelsInstalled) return;
  const kernel = (name: string): tf.KernelFunc => {
    const config = tf.getKernel(name, 'wasm');
    if (config === undefined) throw new Error(`tfjs-backend-wasm has no ${name} kernel (expected in 4.22)`);
    return config.kernelFunc;
  };
  const k: WasmKernels = {
    transpose: kernel(tf.Transpose),
    reshape: kernel(tf.Reshape),
    pad: kernel(tf.PadV2),
    stridedSlice: kernel(tf.StridedSlice),
    concat: kernel(tf.Concat),
    reverse: kernel(tf.Reverse),
    conv2d: kernel(tf.Conv2D),
    batchMatMul: kernel(tf.BatchMatMul),
    fill: kernel(tf.Fill),
    add: kernel(tf.Add),
  };
  for (const name of [tf.BatchMatMul, tf._FusedMatMul]) {
    const stock = tf.getKernel(name, 'wasm');
    if (stock === undefined) continue;
    replaceKernel({ ...stock, kernelFunc: untransposedMatMul(stock.kernelFunc, k) });
  }
  const stockBackpropInput = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  if (stockBackpropInput !== undefined) {
    replaceKernel({ ...stockBackpropInput, kernelFunc: conv2dBackpropInput(stockBackpropInput.kernelFunc, k) });
  }
  const stockTile = tf.getKernel(tf.Tile, 'wasm');
  if (stockTile !== undefined) replaceKernel({ ...stockTile, kernelFunc: broadcastingTile(stockTile.kernelFunc, k) });
  if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm') === undefined) {
    tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2dBackpropFilter(k) });
  }
  wasmKernelsInstalled = true;
}

interface WasmKernels {
  transpose: tf.KernelFunc;
  reshape: tf.KernelFunc;
  pad: tf.KernelFunc;
  stridedSlice: tf.KernelFunc;
  concat: tf.KernelFunc;
  reverse: tf.KernelFunc;
  conv2d: tf.KernelFunc;
  batchMatMul: tf.KernelFunc;
  fill: tf.KernelFunc;
  add: tf.KernelFunc;
}

function replaceKernel(config: tf.KernelConfig): void {
  tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/** Runs a kernel that returns one tensor. */
function run(kernel: tf.KernelFunc, backend: KernelArgs['backend'], inputs: Record<string, Info>, attrs: tf.NamedAttrMap = {}): Info {
  const out = kernel({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error('wasm training kernels: expected a single output');
  return out;
}

/** Frees intermediates (outputs of nested kernel calls the engine never sees). */
function release(backend: KernelArgs['backend'], ...infos: Info[]): void {
  for (const info of infos) (backend as tf.KernelBackend).disposeData(info.dataId);
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function untransposedMatMul(stock: tf.KernelFunc, k: WasmKernels): tf.KernelFunc {
  return (args) => {
    const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return stock(args);
    const { backend } = args;
    const a = args.inputs.a as Info;
    const b = args.inputs.b as Info;
    const aT = attrs.transposeA ? run(k.transpose, backend, { x: a }, { perm: swapLastTwo(a.shape.length) }) : a;
    const bT = attrs.transposeB ? run(k.transpose, backend, { x: b }, { perm: swapLastTwo(b.shape.length) }) : b;
    try {
      return stock({ ...args, inputs: { ...args.inputs, a: aT, b: bT }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      if (aT !== a) release(backend, aT);
      if (bT !== b) release(backend, bT);
    }
  };
}

function broadcastingTile(stock: tf.KernelFunc, k: WasmKernels): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as Info;
    const reps = (args.attrs as { reps: number[] }).reps;
    const broadcastOnly = x.dtype === 'float32' && reps.length === x.shape.length && reps.every((r, i) => r === 1 || x.shape[i] === 1);
    if (!broadcastOnly) return stock(args);
    const { backend } = args;
    const shape = x.shape.map((d, i) => d * (reps[i] as number));
    const zeros = run(k.fill, backend, {}, { shape, value: 0, dtype: 'float32' });
    try {
      return run(k.add, backend, { a: x, b: zeros });
    } finally {
      release(backend, zeros);
    }
  };
}

function convInfo(xShape: number[], filterShape: number[], attrs: Conv2DAttrs): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat !== 'NHWC') throw new Error(`wasm conv gradient: only NHWC is supported, got ${attrs.dataFormat}`);
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

/**
 * dW[kh, kw, ci, co] = Σ_{b, oh, ow} xPadded[b, oh·sh + kh·dh, ow·sw + kw·dw, ci] · dy[b, oh, ow, co]:
 * the KH·KW strided windows of the padded input side by side (im2col), then one matmul with dy.
 */
function conv2dBackpropFilter(k: WasmKernels): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs.x as Info;
    const dy = inputs.dy as Info;
    const a = attrs as unknown as Conv2DAttrs & { filterShape: [number, number, number, number] };
    const info = convInfo(x.shape, a.filterShape, a);
    const { batchSize, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
    const [kh, kw, inC, outC] = a.filterShape;
    const owned: Info[] = [];
    try {
      const paddings = [[0, 0], [padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right], [0, 0]];
      const xPad = run(k.pad, backend, { x }, { paddings, constantValue: 0 });
      owned.push(xPad);
      const windows: Info[] = [];
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const top = i * dilationHeight;
          const left = j * dilationWidth;
          const window = run(k.stridedSlice, backend, { x: xPad }, {
            begin: [0, top, left, 0],
            end: [batchSize, top + (outHeight - 1) * strideHeight + 1, left + (outWidth - 1) * strideWidth + 1, inC],
            strides: [1, strideHeight, strideWidth, 1],
            beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
          });
          windows.push(window);
          owned.push(window);
        }
      }
      const rows = batchSize * outHeight * outWidth;
      const cols = windows.length === 1 ? (windows[0] as Info) : run(k.concat, backend, windows as unknown as Record<string, Info>, { axis: 3 });
      if (cols !== windows[0]) owned.push(cols);
      const cols2d = run(k.reshape, backend, { x: cols }, { shape: [rows, kh * kw * inC] });
      owned.push(cols2d);
      const colsT = run(k.transpose, backend, { x: cols2d }, { perm: [1, 0] });
      owned.push(colsT);
      const dy2d = run(k.reshape, backend, { x: dy }, { shape: [rows, outC] });
      owned.push(dy2d);
      const product = run(k.batchMatMul, backend, { a: colsT, b: dy2d }, { transposeA: false, transposeB: false });
      owned.push(product);
      return run(k.reshape, backend, { x: product }, { shape: [kh, kw, inC, outC] });
    } finally {
      release(backend, ...owned);
    }
  };
}

/**
 * For stride 1 and no dilation, dx is the 'valid' correlation of dy — padded by (K − 1 − forward pad)
 * on each side — with the filter flipped in space and its in/out channels swapped.
 */
function conv2dBackpropInput(stock: tf.KernelFunc, k: WasmKernels): tf.KernelFunc {
  return (args) => {
    const { backend } = args;
    const dy = args.inputs.dy as Info;
    const filter = args.inputs.filter as Info;
    const a = args.attrs as unknown as Conv2DAttrs & { inputShape: [number, number, number, number] };
    const [kh, kw] = filter.shape as [number, number, number, number];
    if (a.dataFormat !== 'NHWC') return stock(args);
    const info = convInfo(a.inputShape, filter.shape, a);
    const { padInfo } = info;
    const padding = [kh - 1 - padInfo.top, kh - 1 - padInfo.bottom, kw - 1 - padInfo.left, kw - 1 - padInfo.right];
    if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1 || padding.some((p) => p < 0)) {
      return stock(args);
    }
    const [pt, pb, pl, pr] = padding as [number, number, number, number];
    const owned: Info[] = [];
    try {
      const flipped = run(k.reverse, backend, { x: filter }, { dims: [0, 1] });
      owned.push(flipped);
      const swapped = run(k.transpose, backend, { x: flipped }, { perm: [0, 1, 3, 2] });
      owned.push(swapped);
      const dyPad = run(k.pad, backend, { x: dy }, { paddings: [[0, 0], [pt, pb], [pl, pr], [0, 0]], constantValue: 0 });
      owned.push(dyPad);
      const dx = run(k.conv2d, backend, { x: dyPad, filter: swapped }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
      if (dx.shape.join() !== a.inputShape.join()) {
        owned.push(dx);
        return stock(args);
      }
      return dx;
    } finally {
      release(backend, ...owned);
    }
  };
}
