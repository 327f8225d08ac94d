import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  initResampler,
  resample,
  resampledLength,
  resampleRange,
} from '../../../../electron/core/audio/resample';
import type * as ResampleModule from '../../../../electron/core/audio/resample';

const MODULE = '../../../../electron/core/audio/resample';

function tone(freq: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const n = Math.round(seconds * rate);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return x;
}

/** RMS over the steady middle (the first and last quarter-second are left out). */
function middleRms(x: Float32Array, rate: number): number {
  const skip = Math.round(0.25 * rate);
  let sum = 0;
  for (let i = skip; i < x.length - skip; i++) sum += (x[i] as number) ** 2;
  return Math.sqrt(sum / (x.length - 2 * skip));
}

const db = (ratio: number): number => 20 * Math.log10(ratio);

function noise(n: number, seed: number): Float32Array {
  // Deterministic pseudo-random (xorshift) so failures reproduce.
  let s = seed >>> 0 || 1;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    x[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 0.8;
  }
  return x;
}

function argMaxAbs(x: Float32Array): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (Math.abs(x[i] as number) > Math.abs(x[best] as number)) best = i;
  return best;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('before initResampler', () => {
  it('resample throws a clear error', async () => {
    vi.resetModules();
    const fresh = (await import(MODULE)) as typeof ResampleModule;
    expect(fresh.isResamplerReady()).toBe(false);
    expect(() => fresh.resample(new Float32Array(100), 48000, 22050)).toThrow(/not initialised.*initResampler/);
    // Equal rates need no WASM.
    expect(fresh.resample(new Float32Array([1, 2]), 22050, 22050)).toEqual(new Float32Array([1, 2]));
  });
});

describe('resample', () => {
  beforeAll(async () => {
    await initResampler();
  });

  for (const from of [48000, 44100]) {
    it(`${from} → 22050: a 1 kHz tone keeps its level within 0.1 dB`, () => {
      const x = tone(1000, from, 2);
      const y = resample(x, from, 22050);
      expect(Math.abs(db(middleRms(y, 22050) / middleRms(x, from)))).toBeLessThan(0.1);
    });

    it(`${from} → 22050: a 15 kHz tone (above the new 11.025 kHz Nyquist) is attenuated by more than 40 dB`, () => {
      const x = tone(15000, from, 2);
      const y = resample(x, from, 22050);
      expect(db(middleRms(y, 22050) / middleRms(x, from))).toBeLessThan(-40);
    });
  }

  it('upsampling 16 kHz → 22.05 kHz keeps the level of a 1 kHz tone within 0.1 dB', () => {
    const x = tone(1000, 16000, 2);
    const y = resample(x, 16000, 22050);
    expect(Math.abs(db(middleRms(y, 22050) / middleRms(x, 16000)))).toBeLessThan(0.1);
  });

  it('output length is round(n · to / from)', () => {
    for (const [from, to] of [
      [48000, 22050],
      [44100, 22050],
      [16000, 22050],
      [22050, 48000],
    ] as const) {
      for (const n of [0, 1, 2, 7, 100, 1001, 168000, 168123]) {
        const y = resample(new Float32Array(n).fill(0.25), from, to);
        expect(y.length, `${n} samples ${from} → ${to}`).toBe(Math.round((n * to) / from));
        expect(resampledLength(n, from, to)).toBe(y.length);
      }
    }
  });

  it('the last output samples are computed, not padded: a constant stays constant up to the end', () => {
    // With zeros after the end, the last few samples taper; but the final sample must not be a hard 0
    // appended to reach the length (a resampler that stops at the input's end yields fewer than round(n·to/from)).
    const y = resample(new Float32Array(168000).fill(0.5), 48000, 22050);
    expect(y.length).toBe(77175);
    expect(Math.abs((y[77174] as number) - (y[77173] as number))).toBeLessThan(0.2);
    expect(y[77174] as number).toBeGreaterThan(0.1);
    expect(Math.abs((y[40000] as number) - 0.5)).toBeLessThan(1e-3);
  });

  for (const [from, to] of [
    [48000, 22050],
    [44100, 22050],
    [16000, 22050],
    [22050, 48000],
  ] as const) {
    it(`time alignment ${from} → ${to}: a click at t = 1 s stays at 1 s (within one output sample)`, () => {
      const x = new Float32Array(3 * from);
      x[from] = 1;
      const y = resample(x, from, to);
      expect(Math.abs(argMaxAbs(y) - to)).toBeLessThanOrEqual(1);
      // The filter is symmetric about the click: no hidden delay that a one-sample window would miss.
      let num = 0;
      let den = 0;
      for (let i = to - 200; i <= to + 200; i++) {
        num += i * (y[i] as number) ** 2;
        den += (y[i] as number) ** 2;
      }
      expect(Math.abs(num / den - to)).toBeLessThan(0.05);
    });
  }

  it('equal rates return a copy, not the input', () => {
    const x = new Float32Array([0.1, -0.2, 0.3]);
    const y = resample(x, 22050, 22050);
    expect(y).toEqual(x);
    expect(y).not.toBe(x);
    y[0] = 9;
    expect(x[0]).toBeCloseTo(0.1, 7);
  });

  it('no state between calls: consecutive calls on different inputs equal calls on a fresh resampler', async () => {
    const a = noise(30000, 1);
    const b = noise(30000, 2);
    const ya = resample(a, 48000, 22050);
    const yb = resample(b, 48000, 22050);
    const yb44 = resample(b, 44100, 22050); // a different converter in between
    const ya2 = resample(a, 48000, 22050);
    expect(maxAbsDiff(ya2, ya)).toBe(0);

    vi.resetModules();
    const fresh = (await import(MODULE)) as typeof ResampleModule;
    await fresh.initResampler();
    expect(maxAbsDiff(fresh.resample(b, 48000, 22050), yb)).toBe(0);
    expect(maxAbsDiff(fresh.resample(b, 44100, 22050), yb44)).toBe(0);
  });

  it('does not modify its input', () => {
    const x = noise(5000, 3);
    const copy = x.slice();
    resample(x, 48000, 22050);
    expect(x).toEqual(copy);
  });

  it('resampleRange equals slicing the whole conversion, including past the end (zeros)', () => {
    const x = noise(168123, 4);
    const whole = resample(x, 48000, 22050);
    for (const [start, count] of [
      [0, 100],
      [1, 1],
      [11025, 22050],
      [50000, 27232], // runs 1 past the end
      [77231, 10],
      [90000, 5], // entirely past the end
    ] as const) {
      const part = resampleRange(x, 48000, 22050, start, count);
      const expected = new Float32Array(count);
      expected.set(whole.subarray(start, start + count));
      expect(maxAbsDiff(part, expected), `[${start}, +${count})`).toBeLessThan(1e-6);
    }
  });

  it('long inputs (more than one WASM buffer) are converted in blocks that join seamlessly', () => {
    const x = tone(440, 48000, 30); // 1.44 M samples: the library's buffer holds 1.008 M
    const y = resample(x, 48000, 22050);
    expect(y.length).toBe(661500);
    // A pure tone in, the same tone out: compare with the analytic signal away from the edges.
    let worst = 0;
    for (let i = 1000; i < y.length - 1000; i++) {
      worst = Math.max(worst, Math.abs((y[i] as number) - 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050)));
    }
    expect(worst).toBeLessThan(1e-3);
    const part = resampleRange(x, 48000, 22050, 462000, 2000); // straddles the first block boundary
    expect(maxAbsDiff(part, y.subarray(462000, 464000))).toBeLessThan(1e-6);
  });

  it('rejects rates outside the supported range', () => {
    const x = new Float32Array(10);
    expect(() => resample(x, 0, 22050)).toThrow(RangeError);
    expect(() => resample(x, 44100.5, 22050)).toThrow(/integer/);
    expect(() => resample(x, 384000, 22050)).toThrow(/192000/);
    expect(() => resample(x, 48000, 100)).toThrow(/ratio/);
  });
});
