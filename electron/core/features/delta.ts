/**
 * Delta features: `librosa.feature.delta(data, width, order, axis=-1, mode='interp')`, which is
 * `scipy.signal.savgol_filter(data, window_length=width, polyorder=order, deriv=order, mode='interp')`
 * along the frame axis.
 *
 * Savitzky–Golay: fit a degree-`order` polynomial by least squares to the `width` frames around each
 * frame and take its `order`-th derivative there. With mode='interp' scipy does NOT pad: the first and
 * last ⌊width/2⌋ frames take the derivative, at their own position, of the polynomial fitted to the
 * first / last `width` frames. Order 2 is therefore a direct second-derivative fit (polyorder 2), not
 * the delta of the delta.
 */
import type { FrameMatrix } from './dsp';
import { memoize } from './dsp';

/**
 * Weights w such that Σ_j w[j]·x[j] is the `deriv`-th derivative, at position `pos`, of the degree-
 * `polyorder` least-squares polynomial through (j, x[j]), j = 0 … width−1 (scipy's savgol_coeffs with
 * `pos`, use='dot'). Positions are shifted to be relative to `pos`, which keeps the normal equations
 * well conditioned and makes the derivative simply deriv! · (coefficient of u^deriv).
 */
export function savgolWeights(width: number, polyorder: number, deriv: number, pos: number): Float64Array {
  const p = polyorder + 1;
  // Normal equations G z = g with G = AᵀA, A[j][m] = (j − pos)^m, g = deriv! · e_deriv.
  const g = new Float64Array(p * p);
  for (let j = 0; j < width; j++) {
    const u = j - pos;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) g[a * p + b] = (g[a * p + b] as number) + u ** (a + b);
  }
  const rhs = new Float64Array(p);
  let factorial = 1;
  for (let i = 2; i <= deriv; i++) factorial *= i;
  if (deriv < p) rhs[deriv] = factorial;
  const z = solveSymmetric(g, rhs, p);
  const w = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    const u = j - pos;
    let acc = 0;
    for (let m = 0; m < p; m++) acc += (z[m] as number) * u ** m;
    w[j] = acc;
  }
  return w;
}

/** Gaussian elimination with partial pivoting for the tiny (≤ width) normal-equation systems. */
function solveSymmetric(matrix: Float64Array, rhs: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix);
  const b = Float64Array.from(rhs);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col] as number) > Math.abs(a[pivot * n + col] as number)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < n; c++) {
        const tmp = a[col * n + c] as number;
        a[col * n + c] = a[pivot * n + c] as number;
        a[pivot * n + c] = tmp;
      }
      const tb = b[col] as number;
      b[col] = b[pivot] as number;
      b[pivot] = tb;
    }
    const d = a[col * n + col] as number;
    for (let r = col + 1; r < n; r++) {
      const f = (a[r * n + col] as number) / d;
      if (f === 0) continue;
      for (let c = col; c < n; c++) a[r * n + c] = (a[r * n + c] as number) - f * (a[col * n + c] as number);
      b[r] = (b[r] as number) - f * (b[col] as number);
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let acc = b[r] as number;
    for (let c = r + 1; c < n; c++) acc -= (a[r * n + c] as number) * (x[c] as number);
    x[r] = acc / (a[r * n + r] as number);
  }
  return x;
}

interface DeltaKernel {
  /** Weights for interior frames (window centred on the frame). */
  centre: Float64Array;
  /** edges[pos] for pos = 0 … width−1: weights over the first/last window, evaluated at `pos`. */
  edges: Float64Array[];
}

const kernelCache = new Map<string, DeltaKernel>();

function deltaKernel(width: number, order: number): DeltaKernel {
  return memoize(kernelCache, `${width}|${order}`, () => {
    const half = (width - 1) / 2;
    const edges: Float64Array[] = [];
    for (let pos = 0; pos < width; pos++) edges.push(savgolWeights(width, order, order, pos));
    return { centre: edges[half] as Float64Array, edges };
  });
}

export interface DeltaOptions {
  /** Frames in the fitting window: odd, ≥ 3, ≤ the number of frames. Default 9. */
  width?: number;
  /** Derivative order (1 = Δ, 2 = ΔΔ); also the polynomial degree, as in librosa. Default 1. */
  order?: number;
}

/** Per-dimension derivative along the frame axis of a frame-major matrix. */
export function delta(data: FrameMatrix, { width = 9, order = 1 }: DeltaOptions = {}): FrameMatrix {
  if (!Number.isInteger(width) || width < 3 || width % 2 !== 1) {
    throw new Error(`delta width must be an odd integer ≥ 3, got ${width}`);
  }
  if (!Number.isInteger(order) || order < 1 || order >= width) {
    throw new Error(`delta order must be an integer in 1..${width - 1}, got ${order}`);
  }
  const { frames, dims } = data;
  if (width > frames) {
    throw new Error(`delta width ${width} exceeds the ${frames} frames available (mode 'interp' needs width ≤ frames)`);
  }
  const { centre, edges } = deltaKernel(width, order);
  const half = (width - 1) / 2;
  const x = data.data;
  const out = new Float32Array(frames * dims);

  for (let t = 0; t < frames; t++) {
    let w = centre;
    let windowStart = t - half;
    if (t < half) {
      w = edges[t] as Float64Array;
      windowStart = 0;
    } else if (t >= frames - half) {
      windowStart = frames - width;
      w = edges[t - windowStart] as Float64Array;
    }
    for (let d = 0; d < dims; d++) {
      let acc = 0;
      let at = windowStart * dims + d;
      for (let j = 0; j < width; j++, at += dims) acc += (w[j] as number) * (x[at] as number);
      out[t * dims + d] = acc;
    }
  }
  return { frames, dims, data: out };
}
