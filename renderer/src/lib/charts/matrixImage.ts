/** Turning a feature matrix into pixels and choosing its colour range: pure, so it is testable. */
import type { Matrix } from '../../../../shared/features';
import { lutIndex, type Colormap } from './colormap';

export interface ValueRange {
  min: number;
  max: number;
}

/**
 * RGBA pixels of `matrix`, one pixel per cell: `cols` wide, `rows` tall, with row 0 (the lowest band)
 * on the bottom image row, as spectrograms are read. Values are mapped linearly from `range` onto the
 * colour map and clamped; non-finite values are drawn transparent.
 */
export function matrixToRgba(matrix: Matrix, range: ValueRange, map: Colormap): Uint8ClampedArray<ArrayBuffer> {
  const { rows, cols, data } = matrix;
  const out = new Uint8ClampedArray(new ArrayBuffer(rows * cols * 4));
  const span = range.max - range.min;
  for (let r = 0; r < rows; r++) {
    const y = rows - 1 - r;
    for (let c = 0; c < cols; c++) {
      const value = data[r * cols + c] ?? Number.NaN;
      const o = (y * cols + c) * 4;
      if (!Number.isFinite(value)) continue;
      const t = span > 0 ? (value - range.min) / span : 0.5;
      const i = lutIndex(t) * 3;
      out[o] = map.lut[i] ?? 0;
      out[o + 1] = map.lut[i + 1] ?? 0;
      out[o + 2] = map.lut[i + 2] ?? 0;
      out[o + 3] = 255;
    }
  }
  return out;
}

/** Smallest and largest finite value; `{0, 0}` when there is none. */
export function finiteExtent(values: ArrayLike<number>): ValueRange {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/** A dB range: the loudest value down to `topDb` below it (librosa's `top_db`), or the data's floor if higher. */
export function dbRange(values: ArrayLike<number>, topDb = 80): ValueRange {
  const { min, max } = finiteExtent(values);
  return { min: Math.max(min, max - topDb), max };
}

/**
 * A range symmetric around zero for a diverging map, from the `quantile` of |value| over the rows from
 * `fromRow` on — MFCC c0 (overall energy) is an order of magnitude larger than the rest, so it is
 * left out of the scale (and saturates) instead of washing every other coefficient out to white.
 */
export function symmetricRange(matrix: Matrix, quantile = 0.98, fromRow = 0): ValueRange {
  const start = Math.min(fromRow, Math.max(0, matrix.rows - 1)) * matrix.cols;
  const magnitudes: number[] = [];
  for (let i = start; i < matrix.data.length; i++) {
    const v = matrix.data[i] as number;
    if (Number.isFinite(v)) magnitudes.push(Math.abs(v));
  }
  if (magnitudes.length === 0) return { min: -1, max: 1 };
  magnitudes.sort((a, b) => a - b);
  const at = Math.min(magnitudes.length - 1, Math.max(0, Math.ceil(quantile * magnitudes.length) - 1));
  const limit = magnitudes[at] as number;
  const bound = limit > 0 ? limit : 1;
  return { min: -bound, max: bound };
}
