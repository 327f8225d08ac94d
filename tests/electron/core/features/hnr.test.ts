/**
 * Harmonics-to-noise ratio (electron/core/features/hnr.ts) on signals with known HNR made here: a
 * periodic glottal-like source (a band-limited sum of harmonics falling 12 dB/octave, F0 140 Hz) plus
 * seeded Gaussian white noise scaled to a set power ratio. Held: the median over voiced frames within
 * ±1.5 dB of the set ratio at 5, 10 and 20 dB (issue 13's tolerance); the F0 comes from our pYIN, as in
 * the feature pipeline. Observed medians: 5.12, 10.08, 20.02 dB.
 */
import { describe, expect, it } from 'vitest';
import { harmonicsToNoiseRatio } from '../../../../electron/core/features/hnr';
import { pyin } from '../../../../electron/core/features/pitch';

const SR = 22050;

function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** 3 s of harmonic source + noise at `hnrDb`: both powers measured on the samples themselves. */
function voiced(hnrDb: number, f0 = 140, seed = 1): Float32Array {
  const n = SR * 3;
  const h = new Float64Array(n);
  for (let k = 1; k * f0 < SR / 2 - 500; k++) {
    const a = 1 / (k * k);
    for (let i = 0; i < n; i++) h[i] = (h[i] as number) + a * Math.sin((2 * Math.PI * k * f0 * i) / SR + k);
  }
  const noise = gaussian(seed);
  const w = Float64Array.from({ length: n }, () => noise());
  const power = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0) / x.length;
  const scale = Math.sqrt(power(h) / (power(w) * 10 ** (hnrDb / 10)));
  return Float32Array.from(h, (v, i) => 0.3 * (v + scale * (w[i] as number)));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

describe('harmonicsToNoiseRatio', () => {
  it.each([5, 10, 20])('periodic source + white noise at %i dB: median within ±1.5 dB', (hnr) => {
    const y = voiced(hnr);
    const pitch = pyin(y, { sampleRate: SR });
    const values = Array.from(harmonicsToNoiseRatio(y, pitch, { sampleRate: SR })).filter((v, t) => pitch.voiced[t] && Number.isFinite(v));
    expect(values.length).toBeGreaterThan(100);
    expect(Math.abs(median(values) - hnr)).toBeLessThanOrEqual(1.5);
  });

  it('orders signals by their noise, and is NaN exactly where the pitch track is unvoiced', () => {
    const values = [5, 15, 30].map((hnr) => {
      const y = voiced(hnr, 200, 3);
      const pitch = pyin(y, { sampleRate: SR });
      const hnrs = harmonicsToNoiseRatio(y, pitch, { sampleRate: SR });
      hnrs.forEach((v, t) => expect(Number.isNaN(v)).toBe(pitch.voiced[t] === 0));
      return median(Array.from(hnrs).filter((v) => !Number.isNaN(v)));
    });
    expect(values[0]).toBeLessThan(values[1] as number);
    expect(values[1]).toBeLessThan(values[2] as number);
  });
});
