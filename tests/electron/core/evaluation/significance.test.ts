/**
 * McNemar's exact test against scipy 1.10 (`scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue`, the
 * values below computed with Debian's python3-scipy), and the paired bootstrap against cases whose
 * answer is known: equal runs, one run always right, and a normal-approximation width.
 */
import { describe, expect, it } from 'vitest';
import { bootstrapAccuracyDifference, mcnemarExact } from '../../../../electron/core/evaluation/significance';

describe('mcnemarExact', () => {
  const scipy: Array<[number, number, number]> = [
    [3, 12, 0.03515625],
    [0, 5, 0.0625],
    [10, 10, 1],
    [1, 0, 1],
    [25, 40, 0.08168153394154003],
    [0, 0, 1],
  ];
  it.each(scipy)('b = %i, c = %i: p = %f (scipy), within 1e-12', (b, c, p) => {
    expect(Math.abs(mcnemarExact(b, c) - p)).toBeLessThan(1e-12);
    expect(mcnemarExact(c, b)).toBeCloseTo(mcnemarExact(b, c), 15);
  });

  it('refuses counts that are not counts', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow('mcnemarExact: counts must be non-negative integers, got -1, 2');
    expect(() => mcnemarExact(1.5, 2)).toThrow(/non-negative integers/);
  });
});

describe('bootstrapAccuracyDifference', () => {
  it('identical runs: difference 0, interval [0, 0]; one always right, the other never: [1, 1]', () => {
    const verdicts = Array.from({ length: 50 }, (_, i) => i % 3 === 0);
    expect(bootstrapAccuracyDifference(verdicts, verdicts)).toMatchObject({ difference: 0, low: 0, high: 0 });
    const right = new Array<boolean>(40).fill(true);
    const wrong = new Array<boolean>(40).fill(false);
    expect(bootstrapAccuracyDifference(wrong, right)).toMatchObject({ difference: 1, low: 1, high: 1 });
  });

  it('the 95 % interval holds the difference and is about ±1.96 standard errors wide (within 15 %)', () => {
    // 400 clips: B right on 60 that A missed, A right on 20 that B missed → difference +0.10.
    const a: boolean[] = [];
    const b: boolean[] = [];
    for (let i = 0; i < 400; i++) {
      const kind = i < 60 ? 'onlyB' : i < 80 ? 'onlyA' : i < 300 ? 'both' : 'neither';
      a.push(kind === 'onlyA' || kind === 'both');
      b.push(kind === 'onlyB' || kind === 'both');
    }
    const r = bootstrapAccuracyDifference(a, b, 4000, 7);
    expect(r.difference).toBeCloseTo(0.1, 12);
    expect(r.low).toBeLessThan(0.1);
    expect(r.high).toBeGreaterThan(0.1);
    // Paired differences d ∈ {1 (60), −1 (20), 0 (320)}: sd = sqrt(E[d²] − E[d]²) = sqrt(0.2 − 0.01).
    const se = Math.sqrt(0.2 - 0.01) / Math.sqrt(400);
    expect((r.high - r.low) / (2 * 1.96 * se)).toBeGreaterThan(0.85);
    expect((r.high - r.low) / (2 * 1.96 * se)).toBeLessThan(1.15);
    // Seeded: the same interval every time.
    expect(bootstrapAccuracyDifference(a, b, 4000, 7)).toEqual(r);
  });

  it('refuses unpaired or empty verdicts', () => {
    expect(() => bootstrapAccuracyDifference([true], [true, false])).toThrow('bootstrap: 1 verdicts of run A but 2 of run B');
    expect(() => bootstrapAccuracyDifference([], [])).toThrow('bootstrap: no test clips');
  });
});
