/**
 * Per-feature standardisation, sklearn's `StandardScaler` (with_mean, with_std): x' = (x − mean) / scale,
 * where scale is the *population* standard deviation (divides by n, as sklearn does) and a constant
 * feature gets scale 1 so it maps to 0 instead of dividing by zero.
 *
 * Matrices are row-major Float32Array (rows × dims), the layout the feature cache stores. Statistics are
 * accumulated in float64: summing thousands of float32 values in float32 would lose digits.
 *
 * Leakage: the scaler only ever sees the rows it is handed. The trainer must fit on training rows alone;
 * `fitScalerOnRows` lets it do that on the full matrix without copying the training rows out.
 */
import { EngineError } from '../../../shared/errors';

/** What the saved preprocessor stores: plain arrays, JSON-safe. */
export interface ScalerJSON {
  mean: number[];
  scale: number[];
}

function fail(message: string): never {
  throw new EngineError('INTERNAL', message);
}

function rowCount(matrix: Float32Array, dims: number, where: string): number {
  if (!Number.isInteger(dims) || dims < 1) fail(`${where}: dims must be an integer ≥ 1, got ${String(dims)}`);
  if (matrix.length % dims !== 0) fail(`${where}: matrix length ${matrix.length} is not a multiple of dims ${dims}`);
  return matrix.length / dims;
}

export class StandardScaler {
  private meanValues: Float64Array | null = null;
  private scaleValues: Float64Array | null = null;

  /** Number of features, or 0 before fitting. */
  get dims(): number {
    return this.meanValues?.length ?? 0;
  }

  get fitted(): boolean {
    return this.meanValues !== null;
  }

  /** Fit on every row of `matrix` (rows × dims). Returns `this`, sklearn-style. */
  fit(matrix: Float32Array, dims: number): this {
    const rows = rowCount(matrix, dims, 'StandardScaler.fit');
    return this.fitRows(matrix, dims, Array.from({ length: rows }, (_, i) => i));
  }

  /**
   * Fit on the listed rows only (each occurrence counts once; order is irrelevant). Rows not listed are
   * never read, so test or validation rows in the same matrix cannot influence the statistics.
   */
  fitRows(matrix: Float32Array, dims: number, rowIndices: readonly number[]): this {
    const where = 'StandardScaler.fit';
    const rows = rowCount(matrix, dims, where);
    if (rowIndices.length === 0) fail(`${where}: no rows to fit on`);
    for (const r of rowIndices) {
      if (!Number.isInteger(r) || r < 0 || r >= rows) fail(`${where}: row index ${String(r)} is outside 0..${rows - 1}`);
    }
    const n = rowIndices.length;
    const mean = new Float64Array(dims);
    const min = new Float64Array(dims).fill(Infinity);
    const max = new Float64Array(dims).fill(-Infinity);
    for (const r of rowIndices) {
      const base = r * dims;
      for (let d = 0; d < dims; d++) {
        const v = matrix[base + d] as number;
        // A NaN would silently poison the whole feature (and every prediction), so refuse it here.
        if (!Number.isFinite(v)) fail(`${where}: row ${r}, feature ${d} is ${v}`);
        mean[d] = (mean[d] as number) + v;
        if (v < (min[d] as number)) min[d] = v;
        if (v > (max[d] as number)) max[d] = v;
      }
    }
    for (let d = 0; d < dims; d++) mean[d] = (mean[d] as number) / n;
    // Second pass over deviations (not Σx² − n·mean², which cancels catastrophically for large means).
    const variance = new Float64Array(dims);
    for (const r of rowIndices) {
      const base = r * dims;
      for (let d = 0; d < dims; d++) {
        const dev = (matrix[base + d] as number) - (mean[d] as number);
        variance[d] = (variance[d] as number) + dev * dev;
      }
    }
    const scale = new Float64Array(dims);
    for (let d = 0; d < dims; d++) {
      if (min[d] === max[d]) {
        // Constant feature: scale 1 instead of dividing by zero, so it maps to 0 (sklearn does the same).
        // The mean is set to the value itself so the 0 is exact by construction, not by the luck of Σx/n
        // rounding back to x (it does for float32 data summed in float64, but nothing here relies on it).
        mean[d] = min[d] as number;
        scale[d] = 1;
      } else {
        const std = Math.sqrt((variance[d] as number) / n);
        scale[d] = std > 0 ? std : 1;
      }
    }
    this.meanValues = mean;
    this.scaleValues = scale;
    return this;
  }

  /** (x − mean) / scale for every row, into a new array; the input is left untouched. */
  transform(matrix: Float32Array, dims?: number): Float32Array {
    const { mean, scale } = this.state('transform');
    const d0 = mean.length;
    if (dims !== undefined && dims !== d0) fail(`StandardScaler.transform: fitted on ${d0} features, got dims ${dims}`);
    rowCount(matrix, d0, 'StandardScaler.transform');
    const out = new Float32Array(matrix.length);
    for (let i = 0; i < matrix.length; i++) {
      const d = i % d0;
      out[i] = ((matrix[i] as number) - (mean[d] as number)) / (scale[d] as number);
    }
    return out;
  }

  /** Per-feature mean (a copy). */
  get mean(): number[] {
    return Array.from(this.state('mean').mean);
  }

  /** Per-feature divisor: the population std, or 1 for a constant feature (a copy). */
  get scale(): number[] {
    return Array.from(this.state('scale').scale);
  }

  toJSON(): ScalerJSON {
    const { mean, scale } = this.state('toJSON');
    return { mean: Array.from(mean), scale: Array.from(scale) };
  }

  /** Rebuild from `toJSON()` output, e.g. the saved preprocessor of a trained model. */
  static fromJSON(json: unknown): StandardScaler {
    const where = 'StandardScaler.fromJSON';
    if (typeof json !== 'object' || json === null) fail(`${where}: expected { mean: number[], scale: number[] }`);
    const { mean, scale } = json as Partial<ScalerJSON>;
    if (!Array.isArray(mean) || !Array.isArray(scale)) fail(`${where}: expected { mean: number[], scale: number[] }`);
    if (mean.length === 0 || mean.length !== scale.length) {
      fail(`${where}: mean has ${mean.length} values and scale ${scale.length}; they must match and be non-empty`);
    }
    mean.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${where}: mean[${i}] = ${String(v)} is not a finite number`);
    });
    scale.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`${where}: scale[${i}] = ${String(v)} is not a positive number`);
    });
    const s = new StandardScaler();
    s.meanValues = Float64Array.from(mean);
    s.scaleValues = Float64Array.from(scale);
    return s;
  }

  private state(what: string): { mean: Float64Array; scale: Float64Array } {
    if (this.meanValues === null || this.scaleValues === null) fail(`StandardScaler.${what}: the scaler has not been fitted`);
    return { mean: this.meanValues, scale: this.scaleValues };
  }
}

/**
 * Fit a scaler on exactly `rowIndices` of a rows × dims matrix. The trainer passes the training rows of
 * the whole-dataset feature matrix, so validation and test rows never reach the statistics.
 */
export function fitScalerOnRows(matrix: Float32Array, dims: number, rowIndices: readonly number[]): StandardScaler {
  return new StandardScaler().fitRows(matrix, dims, rowIndices);
}
