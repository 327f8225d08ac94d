/** extractFeatures / featureLayout: the layout models store, stats, plot groups and option validation. */
import { describe, expect, it } from 'vitest';
import type { FeatureOptions } from '../../../../electron/core/features/index';
import { extractFeatures, featureLayout, frameStats } from '../../../../electron/core/features/index';

const SR = 22050;

/** 3 s of a vowel-like test signal: harmonics of 140 Hz with a slow vibrato and an amplitude swell. */
function voice(seconds = 3): Float32Array {
  const n = Math.round(seconds * SR);
  return Float32Array.from({ length: n }, (_, i) => {
    const t = i / SR;
    const f0 = 140 * (1 + 0.02 * Math.sin(2 * Math.PI * 5 * t));
    let x = 0;
    for (let h = 1; h <= 8; h++) x += Math.sin(2 * Math.PI * f0 * h * t) / h;
    return 0.2 * x * Math.sin((Math.PI * i) / n);
  });
}

describe('featureLayout', () => {
  it('default layout: 40 MFCC + 40 Δ + 40 ΔΔ + 64 log-mel + 5 scalars + 12 chroma = 201 dims', () => {
    const layout = featureLayout();
    expect(layout.dims).toBe(201);
    expect(layout.names).toHaveLength(201);
    expect(layout.names.slice(0, 2)).toEqual(['mfcc_0', 'mfcc_1']);
    expect(layout.names[39]).toBe('mfcc_39');
    expect(layout.names[40]).toBe('mfcc_delta_0');
    expect(layout.names[80]).toBe('mfcc_delta2_0');
    expect(layout.names[120]).toBe('logmel_0');
    expect(layout.names[183]).toBe('logmel_63');
    expect(layout.names.slice(184, 189)).toEqual(['spectral_centroid', 'spectral_rolloff', 'spectral_bandwidth', 'zcr', 'rms']);
    expect(layout.names[189]).toBe('chroma_0');
    expect(layout.names[200]).toBe('chroma_11');
    expect(new Set(layout.names).size).toBe(201);
    expect(layout.statNames).toHaveLength(402);
    expect(layout.statNames[0]).toBe('mean:mfcc_0');
    expect(layout.statNames[200]).toBe('mean:chroma_11');
    expect(layout.statNames[201]).toBe('std:mfcc_0');
    expect(layout.groups.map((g) => [g.name, g.offset, g.size])).toEqual([
      ['mfcc', 0, 40],
      ['mfcc_delta', 40, 40],
      ['mfcc_delta2', 80, 40],
      ['logmel', 120, 64],
      ['spectral_centroid', 184, 1],
      ['spectral_rolloff', 185, 1],
      ['spectral_bandwidth', 186, 1],
      ['zcr', 187, 1],
      ['rms', 188, 1],
      ['chroma', 189, 12],
    ]);
  });

  it('matches what extractFeatures produces, for default and custom options', () => {
    const y = voice(1);
    for (const options of [{}, { includeDelta: false }, { nMfcc: 13, nMels: 40, mfccMels: 40, nChroma: 24 }] as FeatureOptions[]) {
      const layout = featureLayout(options);
      const f = extractFeatures(y, options);
      expect(f.names).toEqual(layout.names);
      expect(f.statNames).toEqual(layout.statNames);
      expect(f.groups).toEqual(layout.groups);
      expect(f.dims).toBe(layout.dims);
      expect(f.sequence).toHaveLength(f.frames * f.dims);
      expect(f.stats).toHaveLength(2 * f.dims);
    }
    expect(featureLayout({ nMfcc: 13, nMels: 40, mfccMels: 40, nChroma: 24 }).dims).toBe(13 * 3 + 40 + 5 + 24);
  });

  it('includeDelta: false drops Δ and ΔΔ and leaves every other value unchanged', () => {
    const y = voice(1);
    const full = extractFeatures(y);
    const lean = extractFeatures(y, { includeDelta: false });
    expect(lean.dims).toBe(201 - 80);
    expect(lean.names.some((n) => n.includes('delta'))).toBe(false);
    for (const [d, name] of lean.names.entries()) {
      const fd = full.names.indexOf(name);
      for (let t = 0; t < lean.frames; t++) expect(lean.sequence[t * lean.dims + d]).toBe(full.sequence[t * full.dims + fd]);
    }
  });
});

describe('stats', () => {
  it('mean and population std per dimension, on a hand-made 3-frame × 2-dim input', () => {
    // Frames (1, 2), (3, 4), (5, 9): means 3 and 5; variances (4+0+4)/3 and (9+1+16)/3.
    const stats = frameStats(Float32Array.from([1, 2, 3, 4, 5, 9]), 3, 2);
    expect(stats).toHaveLength(4);
    expect(stats[0]).toBeCloseTo(3, 6);
    expect(stats[1]).toBeCloseTo(5, 6);
    expect(stats[2]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    expect(stats[3]).toBeCloseTo(Math.sqrt(26 / 3), 6);
    // A constant dimension has std exactly 0.
    expect(Array.from(frameStats(Float32Array.from([7, 7, 7]), 3, 1))).toEqual([7, 0]);
  });

  it('extractFeatures stats are the mean/std over frames of its own sequence', () => {
    const f = extractFeatures(voice(0.5));
    for (const d of [0, 45, 130, 184, 188, 200]) {
      const col = Array.from({ length: f.frames }, (_, t) => f.sequence[t * f.dims + d] as number);
      const mean = col.reduce((a, b) => a + b, 0) / f.frames;
      const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / f.frames);
      expect(f.stats[d]).toBeCloseTo(mean, 3);
      expect(f.stats[f.dims + d]).toBeCloseTo(std, 3);
    }
  });
});

describe('extractFeatures', () => {
  it('exposes the plotting groups in [coefficient][frame] orientation, equal to the sequence columns', () => {
    const f = extractFeatures(voice(1));
    const logmel = f.groups.find((g) => g.name === 'logmel');
    const mfcc = f.groups.find((g) => g.name === 'mfcc');
    expect([f.logMelDb.rows, f.logMelDb.cols]).toEqual([64, f.frames]);
    expect([f.mfcc.rows, f.mfcc.cols]).toEqual([40, f.frames]);
    for (const t of [0, 17, f.frames - 1]) {
      for (const d of [0, 10, 63]) expect(f.logMelDb.data[d * f.frames + t]).toBe(f.sequence[t * f.dims + (logmel?.offset ?? -1) + d]);
      for (const d of [0, 39]) expect(f.mfcc.data[d * f.frames + t]).toBe(f.sequence[t * f.dims + (mfcc?.offset ?? -1) + d]);
      expect(f.rms[t]).toBe(f.sequence[t * f.dims + f.names.indexOf('rms')]);
      expect(f.centroidHz[t]).toBe(f.sequence[t * f.dims + f.names.indexOf('spectral_centroid')]);
    }
  });

  it('is pure: the input is untouched and a second run is identical', () => {
    const y = voice(0.5);
    const copy = y.slice();
    const a = extractFeatures(y);
    const b = extractFeatures(y);
    expect(y).toEqual(copy);
    expect(b.sequence).toEqual(a.sequence);
    expect(b.stats).toEqual(a.stats);
    expect(a.sequence.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('frames = 1 + ⌊samples / hop⌋ and the shortest clip deltas allow is 8 hops', () => {
    expect(extractFeatures(new Float32Array(4096)).frames).toBe(9);
    expect(() => extractFeatures(new Float32Array(4095))).toThrow(/deltas need ≥ 9.*4096 samples.*includeDelta: false/);
    expect(extractFeatures(new Float32Array(100), { includeDelta: false }).frames).toBe(1);
  });
});

describe('validation', () => {
  const y = voice(0.5);
  const cases: [string, FeatureOptions, RegExp][] = [
    ['nFft not a power of two', { nFft: 1000 }, /nFft must be a power of two ≥ 64, got 1000/],
    ['nFft too small', { nFft: 32 }, /nFft must be a power of two ≥ 64, got 32/],
    ['hopLength 0', { hopLength: 0 }, /hopLength must be an integer in 1\.\.∞, got 0/],
    ['fractional hopLength', { hopLength: 256.5 }, /hopLength/],
    ['nMfcc above the MFCC mel count', { nMfcc: 50, mfccMels: 40 }, /nMfcc \(50\) must be ≤ mfccMels \(40\)/],
    ['more mels than FFT bins', { nMels: 2000 }, /nMels must be an integer in 1\.\.1025/],
    ['nChroma 0', { nChroma: 0 }, /nChroma/],
    ['sampleRate ≤ 0', { sampleRate: 0 }, /sampleRate must be a positive number/],
    ['fmax above Nyquist', { fmax: 12000 }, /fmax must be null or a number of Hz ≤ sampleRate\/2 \(11025\)/],
    ['fmin ≥ fmax', { fmin: 5000, fmax: 4000 }, /fmin \(5000\) must be below fmax \(4000\)/],
    ['negative fmin', { fmin: -1 }, /fmin must be a finite number/],
    ['rolloffPercent 1', { rolloffPercent: 1 }, /rolloffPercent must be a number strictly between 0 and 1/],
    ['includeDelta not boolean', { includeDelta: 'yes' as unknown as boolean }, /includeDelta must be true or false/],
    ['unknown option (typo)', { nfft: 2048 } as unknown as FeatureOptions, /unknown option "nfft"/],
  ];
  for (const [label, options, message] of cases) {
    it(`rejects ${label}`, () => {
      expect(() => featureLayout(options)).toThrow(message);
      expect(() => extractFeatures(y, options)).toThrow(message);
    });
  }

  it('an explicit undefined means the default', () => {
    expect(featureLayout({ nMfcc: undefined }).dims).toBe(201);
  });

  it('rejects bad samples', () => {
    expect(() => extractFeatures(new Float32Array(0))).toThrow(/samples is empty/);
    expect(() => extractFeatures(Array.from(y) as unknown as Float32Array)).toThrow(/must be a Float32Array/);
    const bad = y.slice();
    bad[1234] = Number.NaN;
    expect(() => extractFeatures(bad)).toThrow(/sample 1234 is NaN/);
    bad[1234] = Number.POSITIVE_INFINITY;
    expect(() => extractFeatures(bad)).toThrow(/sample 1234 is Infinity/);
  });
});
