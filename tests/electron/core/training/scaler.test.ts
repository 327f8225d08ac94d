import { describe, expect, it } from 'vitest';
import { fitScalerOnRows, StandardScaler } from '../../../../electron/core/training/scaler';

/**
 * 4 rows × 3 features:
 *   f0 = 1, 1, 3, 3  → mean 2, population var ((1+1+1+1)/4) = 1, std 1
 *   f1 = 0, 0, 0, 4  → mean 1, var (1+1+1+9)/4 = 3, std √3
 *   f2 = 7, 7, 7, 7  → constant: mean 7, scale 1
 */
const X = Float32Array.from([1, 0, 7, 1, 0, 7, 3, 0, 7, 3, 4, 7]);

describe('StandardScaler', () => {
  it('fits population mean and std per feature, by hand', () => {
    const s = new StandardScaler().fit(X, 3);
    expect(s.dims).toBe(3);
    expect(s.mean).toEqual([2, 1, 7]);
    expect(s.scale[0]).toBe(1);
    expect(s.scale[1]).toBeCloseTo(Math.sqrt(3), 12);
    expect(s.scale[2]).toBe(1);
  });

  it('transforms into a new array: (x − mean) / scale, constant feature → 0', () => {
    const s = new StandardScaler().fit(X, 3);
    const before = X.slice();
    const Z = s.transform(X);
    expect(Z).not.toBe(X);
    expect(X).toEqual(before);
    const r3 = 1 / Math.sqrt(3);
    const expected = [-1, -r3, 0, -1, -r3, 0, 1, -r3, 0, 1, 3 * r3, 0];
    Z.forEach((z, i) => expect(z).toBeCloseTo(expected[i] as number, 6));
    // The constant column is exactly zero, not a rounding residue.
    expect([Z[2], Z[5], Z[8], Z[11]]).toEqual([0, 0, 0, 0]);
    // New data: f0 (5−2)/1 = 3, f1 (1−1)/√3 = 0, f2 (8−7)/1 = 1 (sklearn keeps the offset for unseen values).
    expect(Array.from(s.transform(Float32Array.from([5, 1, 8])))).toEqual([3, 0, 1]);
  });

  it('a constant column of a non-representable value (0.1) becomes exactly 0, with scale 1', () => {
    const s = new StandardScaler().fit(Float32Array.from([0.1, 0.1, 0.1]), 1);
    expect(s.scale).toEqual([1]);
    expect(s.mean).toEqual([Math.fround(0.1)]);
    expect(Array.from(s.transform(Float32Array.from([0.1, 0.1])))).toEqual([0, 0]);
  });

  it('round-trips through JSON', () => {
    const s = new StandardScaler().fit(X, 3);
    const json = JSON.parse(JSON.stringify(s)) as unknown;
    expect(json).toEqual({ mean: [2, 1, 7], scale: [1, expect.closeTo(Math.sqrt(3), 12), 1] });
    const back = StandardScaler.fromJSON(json);
    expect(back.toJSON()).toEqual(s.toJSON());
    expect(back.transform(X)).toEqual(s.transform(X));
  });

  it('rejects bad input and bad JSON', () => {
    expect(() => new StandardScaler().transform(X)).toThrow('has not been fitted');
    expect(() => new StandardScaler().fit(X, 5)).toThrow('not a multiple of dims 5');
    expect(() => new StandardScaler().fit(new Float32Array(0), 3)).toThrow('no rows');
    expect(() => new StandardScaler().fit(Float32Array.from([1, Number.NaN]), 1)).toThrow('row 1, feature 0 is NaN');
    expect(() => new StandardScaler().fit(X, 3).transform(new Float32Array(4))).toThrow('not a multiple of dims 3');
    expect(() => new StandardScaler().fit(X, 3).transform(new Float32Array(4), 4)).toThrow('fitted on 3 features');
    expect(() => StandardScaler.fromJSON({ mean: [1, 2], scale: [1] })).toThrow('must match');
    expect(() => StandardScaler.fromJSON({ mean: [1], scale: [0] })).toThrow('scale[0] = 0');
    expect(() => StandardScaler.fromJSON(null)).toThrow('expected { mean');
  });
});

describe('fitScalerOnRows', () => {
  it('fits on exactly the listed rows: test rows at 1e6 leave the statistics unchanged', () => {
    // Rows 0, 2, 4, 6 are X's rows; rows 1, 3, 5 are "test" rows full of 1e6.
    const big = [1e6, 1e6, 1e6];
    const rows = [[1, 0, 7], big, [1, 0, 7], big, [3, 0, 7], big, [3, 4, 7]];
    const M = Float32Array.from(rows.flat());
    const s = fitScalerOnRows(M, 3, [0, 2, 4, 6]);
    expect(s.mean).toEqual([2, 1, 7]);
    expect(s.toJSON()).toEqual(new StandardScaler().fit(X, 3).toJSON());
    // Sanity: including a test row would have moved the mean by ~2.5e5.
    expect(fitScalerOnRows(M, 3, [0, 1, 2, 4, 6]).mean[0]).toBeGreaterThan(1e5);
    // Row order does not matter.
    expect(fitScalerOnRows(M, 3, [6, 4, 2, 0]).toJSON()).toEqual(s.toJSON());
  });

  it('rejects row indices outside the matrix and an empty list', () => {
    expect(() => fitScalerOnRows(X, 3, [0, 4])).toThrow('row index 4 is outside 0..3');
    expect(() => fitScalerOnRows(X, 3, [1.5])).toThrow('row index 1.5');
    expect(() => fitScalerOnRows(X, 3, [])).toThrow('no rows');
  });
});
