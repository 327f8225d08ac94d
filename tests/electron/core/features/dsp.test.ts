/**
 * The building blocks against straightforward textbook implementations (a direct DFT, literal framing
 * loops, the plain DCT matrix product), including the shortcuts the fast paths take: the half-size
 * complex FFT, the frequency-domain Hann window and its time-domain fallback, folded DCT, block sums
 * for zcr/rms, sparse chroma. Small sizes keep the naive versions quick.
 */
import { describe, expect, it } from 'vitest';
import type { FrameMatrix } from '../../../../electron/core/features/index';
import {
  chromaFilterbank,
  chromaStft,
  dctMatrix,
  delta,
  hzToMel,
  melFilterbank,
  melSpectrogram,
  melToHz,
  mfcc,
  periodicHann,
  powerSpectrogram,
  powerToDb,
  rms,
  savgolWeights,
  spectralShape,
  zeroCrossingRate,
} from '../../../../electron/core/features/index';

/** Deterministic pseudo-random samples in [−1, 1) (a fixed LCG: tests must not be flaky). */
function noise(n: number, seed = 1): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** |DFT(periodic Hann · zero-padded centred frame)|², straight from the definition. */
function naivePower(y: Float32Array, nFft: number, hop: number, t: number): Float64Array {
  const w = periodicHann(nFft);
  const out = new Float64Array(nFft / 2 + 1);
  for (let k = 0; k <= nFft / 2; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < nFft; i++) {
      const j = t * hop - nFft / 2 + i;
      const x = j >= 0 && j < y.length ? (w[i] as number) * (y[j] as number) : 0;
      re += x * Math.cos((2 * Math.PI * k * i) / nFft);
      im -= x * Math.sin((2 * Math.PI * k * i) / nFft);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

function maxRelToPeak(ours: Float32Array, expected: Float64Array): number {
  let peak = 0;
  let worst = 0;
  for (const v of expected) peak = Math.max(peak, v);
  for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs((ours[k] as number) - (expected[k] as number)));
  return worst / peak;
}

describe('powerSpectrogram (centred, zero-padded, periodic Hann)', () => {
  it('matches a direct DFT on every frame, edges included, and has 1 + ⌊n/hop⌋ frames', () => {
    const y = noise(1000);
    const spec = powerSpectrogram(y, { nFft: 128, hopLength: 32 });
    expect(spec.frames).toBe(1 + Math.floor(1000 / 32));
    expect(spec.bins).toBe(65);
    for (let t = 0; t < spec.frames; t++) {
      const row = spec.data.subarray(t * spec.bins, (t + 1) * spec.bins);
      expect(maxRelToPeak(row, naivePower(y, 128, 32, t))).toBeLessThan(1e-6);
    }
  });

  it('matches a direct DFT at n_fft 2048', () => {
    const y = noise(6000, 7);
    const spec = powerSpectrogram(y);
    for (const t of [0, 5, spec.frames - 1]) {
      const row = spec.data.subarray(t * spec.bins, (t + 1) * spec.bins);
      expect(maxRelToPeak(row, naivePower(y, 2048, 512, t))).toBeLessThan(1e-6);
    }
  });

  it('a frame whose only non-zero sample sits under the window’s zero is exactly silent (time-domain fallback)', () => {
    // Frame 4 starts at sample 4·512 − 1024 = 1024: the periodic Hann is exactly 0 there.
    const y = new Float32Array(8192);
    y[1024] = 0.9;
    const spec = powerSpectrogram(y);
    expect(Array.from(spec.data.subarray(4 * spec.bins, 5 * spec.bins)).every((p) => p === 0)).toBe(true);
    // Its neighbours see the impulse through the window and are computed normally.
    const row3 = spec.data.subarray(3 * spec.bins, 4 * spec.bins);
    expect(maxRelToPeak(row3, naivePower(y, 2048, 512, 3))).toBeLessThan(1e-6);
    // …so chroma and the spectral shape treat frame 4 as silence, as librosa does.
    const chroma = chromaStft(spec, { sampleRate: 22050 });
    expect(Array.from(chroma.data.subarray(4 * 12, 5 * 12)).every((c) => c === 0)).toBe(true);
    const shape = spectralShape(spec, { sampleRate: 22050 });
    expect([shape.centroid[4], shape.bandwidth[4], shape.rolloff[4]]).toEqual([0, 0, 0]);
  });
});

describe('mel scale and filterbank', () => {
  it('uses the Slaney scale: linear 200/3 Hz per mel below 1 kHz, logarithmic above', () => {
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    expect(hzToMel(200 / 3)).toBeCloseTo(1, 12);
    expect(hzToMel(6400)).toBeCloseTo(15 + 27, 12);
    for (const hz of [0, 50, 999, 1000, 4321, 11025]) expect(melToHz(hzToMel(hz))).toBeCloseTo(hz, 8);
  });

  it('Slaney-normalised triangles: each filter peaks at 2/(upper − lower edge) and covers a contiguous bin range', () => {
    const fb = melFilterbank({ sampleRate: 22050, nFft: 2048, nMels: 64 });
    for (let m = 0; m < 64; m++) {
      const size = (fb.stop[m] as number) - (fb.start[m] as number);
      expect(size).toBeGreaterThan(0);
      for (let i = 0; i < size; i++) expect(fb.weights[(fb.offset[m] as number) + i]).toBeGreaterThan(0);
    }
    // Consecutive filters overlap by at most their shared slope: starts and stops increase.
    for (let m = 1; m < 64; m++) expect(fb.start[m]).toBeGreaterThanOrEqual(fb.start[m - 1] as number);
  });

  it('melSpectrogram of a pure bin puts its power in the filters covering that bin only', () => {
    const fb = melFilterbank({ sampleRate: 22050, nFft: 2048, nMels: 40 });
    const data = new Float32Array(1025);
    data[200] = 1;
    const mel = melSpectrogram({ frames: 1, bins: 1025, nFft: 2048, hopLength: 512, data }, fb);
    for (let m = 0; m < 40; m++) {
      const covers = 200 >= (fb.start[m] as number) && 200 < (fb.stop[m] as number);
      expect((mel.data[m] as number) > 0).toBe(covers);
    }
  });
});

describe('powerToDb', () => {
  const m = (values: number[]): FrameMatrix => ({ frames: 1, dims: values.length, data: Float32Array.from(values) });

  it('floors at amin, then clamps to (max − top_db) over the whole input', () => {
    expect(Array.from(powerToDb(m([1, 1e-3, 1e-12, 0])).data)).toEqual([0, -30, -80, -80]);
    expect(Array.from(powerToDb(m([1, 1e-3, 1e-12, 0]), { topDb: null }).data)).toEqual([0, -30, -100, -100]);
    const withRef = powerToDb(m([10, 1]), { ref: 10 }).data;
    expect(withRef[0]).toBeCloseTo(0, 5);
    expect(withRef[1]).toBeCloseTo(-10, 5);
  });

  it('rejects amin ≤ 0 and a negative top_db', () => {
    expect(() => powerToDb(m([1]), { amin: 0 })).toThrow(/amin/);
    expect(() => powerToDb(m([1]), { topDb: -1 })).toThrow(/topDb/);
  });
});

describe('MFCC (DCT-II, norm ortho)', () => {
  it('the DCT matrix is orthonormal', () => {
    const n = 16;
    const d = dctMatrix(n, n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += (d[a * n + i] as number) * (d[b * n + i] as number);
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 12);
      }
    }
  });

  it('the folded product equals the plain matrix product, for even and odd band counts', () => {
    for (const bands of [8, 7, 64, 1]) {
      const frames = 3;
      const x = noise(frames * bands, bands).map((v) => v * 50 - 40);
      const got = mfcc({ frames, dims: bands, data: x }, { nMfcc: Math.min(5, bands) });
      const d = dctMatrix(got.dims, bands);
      for (let t = 0; t < frames; t++) {
        for (let k = 0; k < got.dims; k++) {
          let want = 0;
          for (let n = 0; n < bands; n++) want += (d[k * bands + n] as number) * (x[t * bands + n] as number);
          expect(got.data[t * got.dims + k]).toBeCloseTo(want, 3);
        }
      }
    }
  });

  it('rejects more coefficients than bands', () => {
    expect(() => mfcc({ frames: 1, dims: 4, data: new Float32Array(4) }, { nMfcc: 5 })).toThrow(/nMfcc/);
  });
});

describe('delta (Savitzky–Golay, mode interp)', () => {
  it('has the textbook interior weights: k/60 for Δ, (k² − 20/3)/(Σ…)·2 for ΔΔ (width 9)', () => {
    const d1 = savgolWeights(9, 1, 1, 4);
    for (let j = 0; j < 9; j++) expect(d1[j]).toBeCloseTo((j - 4) / 60, 14);
    const d2 = savgolWeights(9, 2, 2, 4);
    const q = (k: number): number => k * k - 20 / 3;
    let norm = 0;
    for (let k = -4; k <= 4; k++) norm += q(k) ** 2;
    for (let j = 0; j < 9; j++) expect(d2[j]).toBeCloseTo((2 * q(j - 4)) / norm, 14);
  });

  const series = (f: (t: number) => number, frames: number): FrameMatrix => ({
    frames,
    dims: 1,
    data: Float32Array.from({ length: frames }, (_, t) => f(t)),
  });

  it('Δ of t³: 3t² + Σk⁴/Σk² inside; edges use the slope of the line fitted to the first/last 9 frames', () => {
    const out = delta(series((t) => t ** 3, 20)).data;
    for (let t = 4; t < 16; t++) expect(out[t]).toBeCloseTo(3 * t * t + 708 / 60, 3);
    // A straight line's slope is the same at every position: frames 0–3 equal frame 4's fit (window 0–8).
    for (let t = 0; t < 4; t++) expect(out[t]).toBeCloseTo(out[4] as number, 3);
    for (let t = 16; t < 20; t++) expect(out[t]).toBeCloseTo(out[15] as number, 3);
  });

  it('ΔΔ of t² is 2 everywhere (a quadratic fit is exact), edges included — not Δ of Δ', () => {
    const out = delta(series((t) => t * t, 12), { order: 2 }).data;
    for (let t = 0; t < 12; t++) expect(out[t]).toBeCloseTo(2, 4);
    // Δ of Δ differs at the edges: that is not what librosa computes.
    const deltaOfDelta = delta(delta(series((t) => t * t, 12)), {}).data;
    expect(Math.abs((deltaOfDelta[0] as number) - 2)).toBeGreaterThan(0.1);
  });

  it('validates width, order and the frame count', () => {
    const s = series((t) => t, 8);
    expect(() => delta(s)).toThrow(/exceeds the 8 frames/);
    expect(() => delta(s, { width: 4 })).toThrow(/odd integer/);
    expect(() => delta(s, { width: 5, order: 0 })).toThrow(/order/);
  });
});

/** librosa's zero_crossing_rate and rms written literally: pad, frame, count / sum. */
function naiveFramed(y: Float32Array, frameLength: number, hop: number): { zcr: number[]; rms: number[] } {
  const half = Math.floor(frameLength / 2);
  const edge = (j: number): number => y[Math.min(Math.max(j, 0), y.length - 1)] as number;
  const zero = (j: number): number => (j >= 0 && j < y.length ? (y[j] as number) : 0);
  const frames = 1 + Math.floor((y.length + 2 * half - frameLength) / hop);
  const thr = Math.fround(1e-10);
  const signbit = (x: number): boolean => (Math.abs(x) <= thr ? false : x < 0);
  const zcr: number[] = [];
  const energy: number[] = [];
  for (let t = 0; t < frames; t++) {
    const s = t * hop - half;
    let count = 0;
    let sq = 0;
    for (let i = 0; i < frameLength; i++) {
      if (i > 0 && signbit(edge(s + i)) !== signbit(edge(s + i - 1))) count++;
      sq += zero(s + i) ** 2;
    }
    zcr.push(count / frameLength);
    energy.push(Math.sqrt(sq / frameLength));
  }
  return { zcr, rms: energy };
}

describe('zero-crossing rate and rms (block sums) against the literal definition', () => {
  // Noise with runs of exact zeros and of ±1e-11 (inside the threshold) and ±1e-9 (outside).
  const y = noise(5000, 3).map((v, i) => (i % 97 < 5 ? 0 : i % 89 < 3 ? Math.sign(v) * 1e-11 : i % 83 < 2 ? Math.sign(v) * 1e-9 : v));
  const silentStart = new Float32Array(3000);
  silentStart.set(noise(1000, 5), 2000);

  for (const [frameLength, hop] of [
    [2048, 512],
    [1000, 300],
    [777, 100],
    [64, 1],
    [512, 512],
  ] as const) {
    it(`frameLength ${frameLength}, hop ${hop}`, () => {
      for (const signal of [y, silentStart]) {
        const want = naiveFramed(signal, frameLength, hop);
        const zcr = zeroCrossingRate(signal, { frameLength, hopLength: hop });
        const r = rms(signal, { frameLength, hopLength: hop });
        expect(zcr.length).toBe(want.zcr.length);
        expect(Array.from(zcr)).toEqual(want.zcr.map((v) => Math.fround(v)));
        for (let t = 0; t < r.length; t++) expect(r[t]).toBeCloseTo(want.rms[t] as number, 6);
      }
      // Frames entirely inside the leading 2000 zeros are exactly 0, not a rounding residue.
      const r = rms(silentStart, { frameLength, hopLength: hop });
      const half = Math.floor(frameLength / 2);
      for (let t = 0; t * hop - half + frameLength <= 2000; t++) expect(r[t]).toBe(0);
    });
  }
});

describe('chroma', () => {
  it('the sparse product equals the dense librosa filterbank product within 1e-7 after the ∞-norm', () => {
    // Skipped weights move a value by < 12·ε = 1.2e-8; the float32 output adds ≤ 6e-8 of rounding.
    const spec = powerSpectrogram(noise(8000, 11));
    const fb = chromaFilterbank({ sampleRate: 22050, nFft: 2048 });
    const got = chromaStft(spec, { sampleRate: 22050 });
    for (let t = 0; t < spec.frames; t++) {
      const raw = Array.from({ length: 12 }, (_, c) => {
        let acc = 0;
        for (let k = 0; k < spec.bins; k++) acc += (fb.dense[c * spec.bins + k] as number) * (spec.data[t * spec.bins + k] as number);
        return acc;
      });
      const max = Math.max(...raw);
      for (let c = 0; c < 12; c++) expect(Math.abs((got.data[t * 12 + c] as number) - (raw[c] as number) / max)).toBeLessThan(1e-7);
    }
  });

  it('without the octave weighting every filterbank column has unit L2 norm (librosa normalises columns first)', () => {
    const fb = chromaFilterbank({ sampleRate: 22050, nFft: 2048, octwidth: null });
    for (const k of [1, 100, 1024]) {
      let sq = 0;
      for (let c = 0; c < 12; c++) sq += (fb.dense[c * fb.bins + k] as number) ** 2;
      expect(Math.sqrt(sq)).toBeCloseTo(1, 6);
    }
  });

  it('a 440 Hz tone peaks at pitch class A (index 9 with base C), and silence stays 0', () => {
    const sr = 22050;
    const y = Float32Array.from({ length: 22050 }, (_, i) => (i < 11025 ? Math.sin((2 * Math.PI * 440 * i) / sr) : 0));
    const chroma = chromaStft(powerSpectrogram(y), { sampleRate: sr });
    const frame = Array.from(chroma.data.subarray(10 * 12, 11 * 12));
    expect(frame.indexOf(1)).toBe(9);
    expect(Array.from(chroma.data.subarray((chroma.frames - 1) * 12)).every((v) => v === 0)).toBe(true);
  });
});

describe('spectral shape', () => {
  it('a pure tone on bin 100: centroid ≈ its frequency, rolloff at that bin, narrow bandwidth', () => {
    const sr = 22050;
    const hz = (100 * sr) / 2048;
    const y = Float32Array.from({ length: 20000 }, (_, i) => Math.sin((2 * Math.PI * hz * i) / sr));
    const shape = spectralShape(powerSpectrogram(y), { sampleRate: sr, rollPercent: 0.5 });
    expect(shape.centroid[15]).toBeCloseTo(hz, 0);
    expect(shape.rolloff[15]).toBeCloseTo(hz, 3);
    expect(shape.bandwidth[15]).toBeLessThan(3 * (sr / 2048));
  });

  it('rejects rollPercent outside (0, 1)', () => {
    const spec = powerSpectrogram(noise(4096));
    expect(() => spectralShape(spec, { sampleRate: 22050, rollPercent: 1 })).toThrow(/rollPercent/);
  });
});
