/**
 * The DSP against librosa 0.11.0's own output (the reference users compare with) for the three fixed
 * signals, every feature key in the reference JSON. Test names carry the largest error observed.
 *
 * Tolerances (the reference is float32 maths rounded to 6 decimals; we compute in float64):
 * - log-mel: |err| ≤ 0.05 dB where the reference is above −60 dB; below that (float32 noise territory
 *   in librosa's own STFT) |err| ≤ 0.5 dB.
 * - MFCC (from 128 and from 64 mels): |err| ≤ max(1 % of |ref|, 0.05).
 * - Δ and ΔΔ: |err| ≤ max(1 % of |ref|, 0.02) — the MFCC's 0.05 absolute floor carried through the
 *   Savitzky–Golay weights (Σ|w| = 1/3 for Δ, 0.30 for ΔΔ, width 9).
 * - chroma, centroid, rolloff, bandwidth, zcr, rms: |err| ≤ max(0.5 % of |ref|, floor), where the floor
 *   only matters near zero (silent frames, weak pitch classes): 1e-5 for chroma (20× the reference's
 *   ±5e-7 rounding), 0.01 Hz for the spectral shapes (silent frames are exactly 0 Hz in both), 1e-6 for
 *   rms (2× the rounding) and 1e-6 for zcr (below one crossing, 1/2048 ≈ 4.9e-4: counts must be exact
 *   wherever 0.5 % of the value is under one crossing).
 * - rolloff is a step function of the FFT bin (10.77 Hz): at most ONE frame per signal may land one bin
 *   away, for a frame whose cumulative magnitude crosses 85 % within float32 rounding of a bin edge
 *   (librosa sums in float32, we in float64). Observed: none.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ExtractedFeatures } from '../../../../electron/core/features/index';
import { extractFeatures } from '../../../../electron/core/features/index';
import type { ReferenceFeatures, SignalName } from './reference';
import { loadReference, SIGNALS } from './reference';

type Key = keyof ReferenceFeatures;

interface Comparison {
  maxAbs: number;
  /** Largest |err| / |ref| over values where |ref| ≥ the floor. */
  maxRel: number;
  /** Values outside tolerance, as readable strings (first few). */
  violations: string[];
  violationCount: number;
  /** rolloff only: frames exactly one bin away. */
  oneBinFrames: number;
}

/** Our values for a reference key as [row][frame], pulled out of the frame-major sequence. */
function ours(f: ExtractedFeatures, group: string): number[][] {
  const g = f.groups.find((x) => x.name === group);
  if (!g) throw new Error(`no group ${group}`);
  const rows: number[][] = [];
  for (let d = 0; d < g.size; d++) {
    const row: number[] = [];
    for (let t = 0; t < f.frames; t++) row.push(f.sequence[t * f.dims + g.offset + d] as number);
    rows.push(row);
  }
  return rows;
}

type Within = (err: number, ref: number) => boolean;

function compare(mine: number[][], ref: number[][], within: Within, relFloor: number, oneBin = 0): Comparison {
  const c: Comparison = { maxAbs: 0, maxRel: 0, violations: [], violationCount: 0, oneBinFrames: 0 };
  expect(mine.length).toBe(ref.length);
  for (let d = 0; d < ref.length; d++) {
    const r = ref[d] as number[];
    const m = mine[d] as number[];
    expect(m.length).toBe(r.length);
    for (let t = 0; t < r.length; t++) {
      const rv = r[t] as number;
      const err = Math.abs((m[t] as number) - rv);
      c.maxAbs = Math.max(c.maxAbs, err);
      if (Math.abs(rv) >= relFloor) c.maxRel = Math.max(c.maxRel, err / Math.abs(rv));
      if (within(err, rv)) continue;
      if (oneBin > 0 && Math.abs(err - oneBin) < 1e-3) {
        c.oneBinFrames++;
        continue;
      }
      c.violationCount++;
      if (c.violations.length < 5) c.violations.push(`[${d}][${t}] ours ${m[t]} ref ${rv} (err ${err.toExponential(2)})`);
    }
  }
  return c;
}

const relative =
  (rel: number, floor: number): Within =>
  (err, ref) =>
    err <= Math.max(rel * Math.abs(ref), floor);

interface Spec {
  key: Key;
  /** Which extraction (default mfccMels 128, or mfccMels 64) and group holds our values. */
  from: 'default' | 'mfcc64';
  group: string;
  tolerance: string;
  unit: string;
  run(mine: number[][], ref: number[][]): Comparison;
}

const SR = 22050;
const BIN_HZ = SR / 2048;

const SPECS: Spec[] = [
  {
    key: 'log_mel_64_db',
    from: 'default',
    group: 'logmel',
    tolerance: '0.05 dB where ref > −60 dB, 0.5 dB below',
    unit: 'dB',
    run: (m, r) => compare(m, r, (err, ref) => err <= (ref > -60 ? 0.05 : 0.5), 1),
  },
  {
    key: 'mfcc_40_from_128_mels',
    from: 'default',
    group: 'mfcc',
    tolerance: '1 % or 0.05',
    unit: '',
    run: (m, r) => compare(m, r, relative(0.01, 0.05), 5),
  },
  {
    key: 'mfcc_40_from_64_mels',
    from: 'mfcc64',
    group: 'mfcc',
    tolerance: '1 % or 0.05',
    unit: '',
    run: (m, r) => compare(m, r, relative(0.01, 0.05), 5),
  },
  {
    key: 'mfcc_40_from_64_mels_delta',
    from: 'mfcc64',
    group: 'mfcc_delta',
    tolerance: '1 % or 0.02',
    unit: '',
    run: (m, r) => compare(m, r, relative(0.01, 0.02), 2),
  },
  {
    key: 'mfcc_40_from_64_mels_delta2',
    from: 'mfcc64',
    group: 'mfcc_delta2',
    tolerance: '1 % or 0.02',
    unit: '',
    run: (m, r) => compare(m, r, relative(0.01, 0.02), 2),
  },
  {
    key: 'chroma_12',
    from: 'default',
    group: 'chroma',
    tolerance: '0.5 % or 1e-5',
    unit: '',
    run: (m, r) => compare(m, r, relative(0.005, 1e-5), 2e-3),
  },
  {
    key: 'spectral_centroid_hz',
    from: 'default',
    group: 'spectral_centroid',
    tolerance: '0.5 % or 0.01 Hz',
    unit: 'Hz',
    run: (m, r) => compare(m, r, relative(0.005, 0.01), 2),
  },
  {
    key: 'spectral_rolloff_hz',
    from: 'default',
    group: 'spectral_rolloff',
    tolerance: '0.5 % or 0.01 Hz, ≤ 1 frame one bin off',
    unit: 'Hz',
    run: (m, r) => compare(m, r, relative(0.005, 0.01), 2, BIN_HZ),
  },
  {
    key: 'spectral_bandwidth_hz',
    from: 'default',
    group: 'spectral_bandwidth',
    tolerance: '0.5 % or 0.01 Hz',
    unit: 'Hz',
    run: (m, r) => compare(m, r, relative(0.005, 0.01), 2),
  },
  {
    key: 'zcr',
    from: 'default',
    group: 'zcr',
    tolerance: '0.5 % or 1e-6',
    unit: '',
    run: (m, r) => compare(m, r, relative(0.005, 1e-6), 1e-3),
  },
  {
    key: 'rms',
    from: 'default',
    group: 'rms',
    tolerance: '0.5 % or 1e-6',
    unit: '',
    run: (m, r) => compare(m, r, relative(0.005, 1e-6), 1e-3),
  },
];

const asRows = (v: number[] | number[][]): number[][] => (Array.isArray(v[0]) ? (v as number[][]) : [v as number[]]);

/** Computed at collection time so the test names can carry the observed errors. */
const results = SIGNALS.map((name: SignalName) => {
  const ref = loadReference(name);
  const runs = {
    default: extractFeatures(ref.wav.samples, { sampleRate: ref.wav.sampleRate }),
    mfcc64: extractFeatures(ref.wav.samples, { sampleRate: ref.wav.sampleRate, mfccMels: 64 }),
  };
  return {
    name,
    sampleRate: ref.wav.sampleRate,
    rows: SPECS.map((spec) => ({ spec, c: spec.run(ours(runs[spec.from], spec.group), asRows(ref.features[spec.key])) })),
    referenceKeys: Object.keys(ref.features).sort(),
  };
});

const fmt = (x: number): string => (x === 0 ? '0' : x.toExponential(1));

describe('features match librosa 0.11', () => {
  it('covers every feature key of the reference JSON', () => {
    for (const r of results) {
      expect(r.sampleRate).toBe(SR);
      expect(r.referenceKeys).toEqual(SPECS.map((s) => s.key).sort());
    }
  });

  for (const r of results) {
    describe(r.name, () => {
      for (const { spec, c } of r.rows) {
        const oneBin = spec.key === 'spectral_rolloff_hz' ? `, ${c.oneBinFrames} frame(s) one bin off` : '';
        it(`${spec.key}: max |err| ${fmt(c.maxAbs)}${spec.unit ? ` ${spec.unit}` : ''}, max rel ${fmt(c.maxRel)}${oneBin} (tolerance ${spec.tolerance})`, () => {
          expect(c.violations, `${c.violationCount} value(s) out of tolerance`).toEqual([]);
          expect(c.oneBinFrames).toBeLessThanOrEqual(1);
        });
      }
    });
  }

  afterAll(() => {
    const table: Record<string, Record<string, string>> = {};
    for (const r of results) {
      for (const { spec, c } of r.rows) {
        table[spec.key] ??= {};
        (table[spec.key] as Record<string, string>)[r.name] = `${fmt(c.maxAbs)} (rel ${fmt(c.maxRel)})`;
      }
    }
    console.log('max |error| vs librosa 0.11 per feature and signal:');
    console.table(table);
  });
});
