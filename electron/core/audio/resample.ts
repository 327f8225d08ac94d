/**
 * Band-limited sample-rate conversion with the SpeexDSP resampler (xiph.org; a windowed-sinc polyphase
 * filter), through its WebAssembly port @echogarden/speex-resampler-wasm. Not linear interpolation.
 *
 * CHOICE, MEASURED (Node 20, this 2-core machine, one 3.5 s 48 kHz mono clip → 22.05 kHz, mean of 30
 * runs after warm-up; level of a tone relative to a 1 kHz tone):
 *   speex q3 (used)             6.2 ms/clip   9 kHz −0.11 dB, 10 kHz −8.5 dB, 15 kHz −92 dB
 *   speex q4                    8.7 ms/clip   9 kHz −0.00 dB, 10 kHz −3.2 dB, 15 kHz −99 dB
 *   speex q6                   12.7 ms/clip   10 kHz −0.5 dB, 15 kHz −112 dB
 *   libsamplerate SINC_FASTEST 18–24 ms/clip  flat to 8 kHz, 9 kHz −4 dB, 10 kHz −23 dB, 15 kHz −107 dB
 *   libsamplerate SINC_MEDIUM  42–62 ms/clip   flat to 9.5 kHz, 15 kHz −128 dB
 * Speex is several times faster than libsamplerate's fastest converter with a passband at least as flat.
 * The whole 1440-clip corpus on 2 cores (`npm run bench -- features`, target ≤ 12 s) measured 12.4 s
 * with q4 and 10.8 s with q3, so q3 is used: flat to 9 kHz (−0.11 dB); only the top two or three of 64
 * mel bands (above ~9.5 kHz) are attenuated more than librosa's soxr_hq would. All pass the resampler
 * tests (1 kHz within 0.1 dB; 15 kHz down > 40 dB).
 *
 * HOW THE LIBRARY IS USED
 * - `initResampler()` instantiates the WASM module once (SIMD build). A resampler state is cached per
 *   (fromRate, toRate) and reset (`reset_mem` + `skip_zeros`) before every conversion, so results never
 *   depend on earlier calls.
 * - `skip_zeros` removes the filter's latency; the input is followed by zeros (the filter margin) so the
 *   last outputs are computed from a flushed filter rather than padded.
 *
 * TIME ALIGNMENT AND LENGTH
 * Output sample k is the band-limited signal at input time k·from/to (measured: an impulse at input
 * 48 000 peaks at output 22 050 exactly). The output length is round(n·to/from) (librosa uses ceil;
 * they differ by at most one sample). That alignment lets `resampleRange` compute a slice of the output
 * from a slice of the input: the slice starts at an input index that is a multiple of from/gcd(from, to)
 * (so it maps to an integer output index) and carries a margin of one filter half-length on each side;
 * the result equals the matching slice of the whole-clip conversion (the tests allow 1e-6).
 */
/** The emscripten module's surface this file uses (the package ships no type declarations). */
interface SpeexModule {
  HEAPF32: Float32Array;
  HEAPU32: Uint32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errPtr: number): number;
  _speex_resampler_reset_mem(state: number): number;
  _speex_resampler_skip_zeros(state: number): number;
  _speex_resampler_process_float(state: number, channel: number, inPtr: number, inLenPtr: number, outPtr: number, outLenPtr: number): number;
  _speex_resampler_destroy(state: number): void;
}

/** The SpeexDSP quality used (0–10; see the measurements above). */
export const RESAMPLER_QUALITY = 3;
export const RESAMPLER_CONVERTER = `speex q${RESAMPLER_QUALITY}`;
/**
 * Half-length of the filter in zero crossings (speexdsp resample.c quality_map: base length 48 taps at
 * quality 3, 64 at 4, i.e. ≤ 32 each side), with room to spare. When downsampling it stretches by from/to.
 */
const FILTER_HALF_ZERO_CROSSINGS = 36;
/** Most output samples per WASM call: bounds the WASM heap used for one conversion (~64 MB). */
const MAX_BLOCK_OUT = 4_000_000;
/** Our own limits: integer rates up to 192 kHz, ratios within [1/256, 256]. */
export const RESAMPLER_MAX_RATE = 192_000;
const MAX_RATIO = 256;

let wasm: SpeexModule | null = null;
let loading: Promise<void> | null = null;

/**
 * Load the SpeexDSP WASM module. Call (and await) once at engine / worker start, before any
 * `resample`; later calls are no-ops.
 */
export function initResampler(): Promise<void> {
  if (wasm !== null) return Promise.resolve();
  loading ??= (async () => {
    const { default: factory } = await import('@echogarden/speex-resampler-wasm/simd');
    wasm = (await factory()) as SpeexModule;
  })().catch((err: unknown) => {
    loading = null;
    throw new Error(`could not load the SpeexDSP resampler WASM module: ${err instanceof Error ? err.message : String(err)}`);
  });
  return loading;
}

/** True once `initResampler()` has completed. */
export function isResamplerReady(): boolean {
  return wasm !== null;
}

/** Length of `resample`'s output for `n` input samples: round(n · to / from). */
export function resampledLength(n: number, fromRate: number, toRate: number): number {
  return Math.round((n * toRate) / fromRate);
}

interface Converter {
  fromRate: number;
  toRate: number;
  /** Input samples per output sample. */
  step: number;
  /** Input indices that are multiples of this map to integer output indices (and vice versa for periodOut). */
  periodIn: number;
  periodOut: number;
  /** Input samples of context needed on each side of an output sample. */
  margin: number;
  /** Most output samples converted per WASM call. */
  maxBlock: number;
  /** The cached SpeexDSP state for this pair (reset before each use). */
  state: number;
}

const converters = new Map<string, Converter>();

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function checkRate(name: string, rate: number): void {
  if (!Number.isInteger(rate) || rate < 1 || rate > RESAMPLER_MAX_RATE) {
    throw new RangeError(`resample: ${name} must be an integer from 1 to ${RESAMPLER_MAX_RATE} Hz, got ${rate}`);
  }
}

function converterFor(fromRate: number, toRate: number): Converter {
  const key = `${fromRate}->${toRate}`;
  let conv = converters.get(key);
  if (conv) return conv;
  checkRate('fromRate', fromRate);
  checkRate('toRate', toRate);
  const ratio = toRate / fromRate;
  if (ratio > MAX_RATIO || ratio < 1 / MAX_RATIO) {
    throw new RangeError(`resample: ${fromRate} → ${toRate} Hz is beyond the 1:${MAX_RATIO} ratio limit`);
  }
  const mod = requireWasm();
  const g = gcd(fromRate, toRate);
  const periodIn = fromRate / g;
  const margin = Math.ceil(FILTER_HALF_ZERO_CROSSINGS / Math.min(1, ratio)) + 2;
  const errPtr = mod._malloc(4);
  const state = mod._speex_resampler_init(1, fromRate, toRate, RESAMPLER_QUALITY, errPtr);
  const err = mod.HEAPU32[errPtr >> 2] as number;
  mod._free(errPtr);
  if (state === 0 || err !== 0) throw new RangeError(`resample: SpeexDSP cannot convert ${fromRate} → ${toRate} Hz (error ${err})`);
  conv = { fromRate, toRate, step: fromRate / toRate, periodIn, periodOut: toRate / g, margin, maxBlock: MAX_BLOCK_OUT, state };
  converters.set(key, conv);
  return conv;
}

function requireWasm(): SpeexModule {
  if (wasm === null) {
    throw new Error('resample: the resampler is not initialised; await initResampler() once at engine/worker start');
  }
  return wasm;
}

/**
 * Resample mono `samples` from `fromRate` to `toRate` (integer Hz). Synchronous; needs `initResampler()`.
 * Returns a new array of length round(n · to / from), time-aligned with the input. Equal rates: a copy.
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  return resampleRange(samples, fromRate, toRate, 0, resampledLength(samples.length, fromRate, toRate));
}

/**
 * Input frames [start, start + samples.length) of a signal `total` frames long: what a caller that reads a
 * file window by window hands to `resampleRange` instead of the whole signal.
 */
export interface SignalSlice {
  samples: Float32Array;
  start: number;
  total: number;
}

/**
 * The input frames [start, end) that `resampleRange(…, outStart, outCount)` reads, for a signal of
 * `total` frames: read (and decode) only these, pass them as a `SignalSlice`, and the result is the same
 * as from the whole signal. Needs `initResampler()` when the rates differ.
 */
export function resampleInputRange(total: number, fromRate: number, toRate: number, outStart: number, outCount: number): { start: number; end: number } {
  if (fromRate === toRate) {
    const start = Math.min(outStart, total);
    return { start, end: Math.max(start, Math.min(outStart + outCount, total)) };
  }
  const conv = converterFor(fromRate, toRate);
  const end = Math.min(outStart + outCount, resampledLength(total, fromRate, toRate));
  if (end <= outStart) return { start: 0, end: 0 };
  // The first block's window starts earliest (it depends on k0 only) and the last one's ends latest (k1 only).
  const start = Math.min(total, blockWindow(conv, outStart, end).a);
  return { start, end: Math.max(start, Math.min(total, blockWindow(conv, outStart, end).b)) };
}

/**
 * Output samples [outStart, outStart + outCount) of `resample(samples, fromRate, toRate)`, zeros past its
 * end, computed from only the input they depend on. Equals slicing the whole conversion (to ~1e-7).
 * `input` is the whole signal, or a `SignalSlice` covering at least `resampleInputRange(…)` of it.
 */
export function resampleRange(
  input: Float32Array | SignalSlice,
  fromRate: number,
  toRate: number,
  outStart: number,
  outCount: number,
): Float32Array {
  if (!Number.isInteger(outStart) || outStart < 0) throw new RangeError(`resampleRange: outStart must be an integer ≥ 0, got ${outStart}`);
  if (!Number.isInteger(outCount) || outCount < 0) throw new RangeError(`resampleRange: outCount must be an integer ≥ 0, got ${outCount}`);
  const slice: SignalSlice = input instanceof Float32Array ? { samples: input, start: 0, total: input.length } : input;
  const out = new Float32Array(outCount);
  if (fromRate === toRate) {
    checkRate('fromRate', fromRate);
    const from = Math.min(outStart, slice.total);
    const to = Math.min(outStart + outCount, slice.total);
    if (to > from) out.set(sliceRange(slice, from, to));
    return out;
  }
  const mod = requireWasm();
  const conv = converterFor(fromRate, toRate);
  const total = resampledLength(slice.total, fromRate, toRate);
  const end = Math.min(outStart + outCount, total);
  for (let k0 = outStart; k0 < end; k0 += conv.maxBlock) {
    const k1 = Math.min(end, k0 + conv.maxBlock);
    convertBlock(mod, conv, slice, k0, k1, out.subarray(k0 - outStart, k1 - outStart));
  }
  return out;
}

/** Frames [from, to) of the signal (to ≤ total), which the slice must hold. */
function sliceRange(slice: SignalSlice, from: number, to: number): Float32Array {
  if (from < slice.start || to > slice.start + slice.samples.length) {
    throw new RangeError(
      `resampleRange: needs input frames ${from}–${to} but the slice holds ${slice.start}–${slice.start + slice.samples.length}`,
    );
  }
  return slice.samples.subarray(from - slice.start, to - slice.start);
}

/**
 * The input window [a, b) whole-clip outputs [k0, k1) are computed from, and `j`, the whole-clip output
 * index of the window's output 0.
 */
function blockWindow(conv: Converter, k0: number, k1: number): { a: number; b: number; j: number } {
  const { step, periodIn, periodOut, margin } = conv;
  // Window start: at least `margin` before the first needed output's time, on an alignment boundary.
  const periods = Math.max(0, Math.floor((k0 * step - margin) / periodIn));
  // Window end (exclusive): `margin` past the last needed output's time; zeros beyond the input's end.
  return { a: periods * periodIn, b: Math.ceil((k1 - 1) * step) + margin + 1, j: periods * periodOut };
}

/** Whole-clip output samples [k0, k1) into `dest`, from one aligned input window. */
function convertBlock(mod: SpeexModule, conv: Converter, input: SignalSlice, k0: number, k1: number, dest: Float32Array): void {
  const { a, b, j } = blockWindow(conv, k0, k1);
  const length = b - a;
  const wanted = k1 - j;
  const filled = Math.max(0, Math.min(b, input.total) - a);
  const source = filled > 0 ? sliceRange(input, a, a + filled) : new Float32Array(0);
  const inPtr = mod._malloc(length * 4);
  const outPtr = mod._malloc((wanted + 16) * 4);
  const lens = mod._malloc(8);
  try {
    // Views are fetched after malloc: growing the WASM memory replaces them.
    const heap = mod.HEAPF32;
    heap.set(source, inPtr >> 2);
    heap.fill(0, (inPtr >> 2) + filled, (inPtr >> 2) + length);
    mod.HEAPU32[lens >> 2] = length;
    mod.HEAPU32[(lens >> 2) + 1] = wanted;
    mod._speex_resampler_reset_mem(conv.state);
    mod._speex_resampler_skip_zeros(conv.state);
    const status = mod._speex_resampler_process_float(conv.state, 0, inPtr, lens, outPtr, lens + 4);
    const produced = mod.HEAPU32[(lens >> 2) + 1] as number;
    if (status !== 0 || produced < wanted) {
      throw new Error(`resample: SpeexDSP produced ${produced} of ${wanted} samples at ${conv.fromRate} → ${conv.toRate} Hz (status ${status})`);
    }
    dest.set(mod.HEAPF32.subarray((outPtr >> 2) + (k0 - j), (outPtr >> 2) + wanted));
  } finally {
    mod._free(inPtr);
    mod._free(outPtr);
    mod._free(lens);
  }
}
