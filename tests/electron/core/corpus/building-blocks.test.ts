/** The corpus generator's building blocks: WAV encoding, seeded randomness, take planning, synthesis. */
import { describe, expect, it } from 'vitest';
import { encodeWavPcm16 } from '../../../../electron/core/audio/wavEncode';
import { planTake } from '../../../../electron/core/corpus/emotionProfiles';
import { deriveRng, mixSeed, Rng } from '../../../../electron/core/corpus/random';
import { synthesizeUtterance, utteranceSamples } from '../../../../electron/core/corpus/voice';
import { speechTakesPerActor } from '../../../../shared/ravdess';

describe('encodeWavPcm16', () => {
  it('writes a canonical 44-byte header for PCM 16-bit mono', () => {
    const bytes = encodeWavPcm16(new Float32Array(10), 48000);
    expect(bytes.byteLength).toBe(44 + 20);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const text = new TextDecoder().decode(bytes.subarray(0, 44));
    expect(text.slice(0, 4)).toBe('RIFF');
    expect(text.slice(8, 16)).toBe('WAVEfmt ');
    expect(text.slice(36, 40)).toBe('data');
    expect(view.getUint32(4, true)).toBe(36 + 20);
    expect(view.getUint32(16, true)).toBe(16);
    expect(view.getUint16(20, true)).toBe(1);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint32(24, true)).toBe(48000);
    expect(view.getUint32(28, true)).toBe(96000);
    expect(view.getUint16(32, true)).toBe(2);
    expect(view.getUint16(34, true)).toBe(16);
    expect(view.getUint32(40, true)).toBe(20);
  });

  it('clips to [-1, 1], rounds to the nearest step and writes little-endian samples', () => {
    const input = new Float32Array([0, 1, -1, 2, -3, 0.5, -0.5, 1.4 / 32767, 1.6 / 32767, -1.6 / 32767, Number.NaN]);
    const bytes = encodeWavPcm16(input, 16000);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = Array.from(input, (_, i) => view.getInt16(44 + 2 * i, true));
    expect(out).toEqual([0, 32767, -32767, 32767, -32767, 16384, -16383, 1, 2, -2, 0]);
  });

  it('rejects a bad sample rate', () => {
    expect(() => encodeWavPcm16(new Float32Array(1), 0)).toThrow(/sampleRate/);
    expect(() => encodeWavPcm16(new Float32Array(1), 44100.5)).toThrow(/sampleRate/);
  });
});

describe('seeded randomness', () => {
  it('repeats a sequence for the same seed and stays in range', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    for (let i = 0; i < 1000; i++) {
      const x = a.next();
      expect(b.next()).toBe(x);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    const u = new Rng(7);
    for (let i = 0; i < 1000; i++) {
      const x = u.uniform(-2, 3);
      expect(x).toBeGreaterThanOrEqual(-2);
      expect(x).toBeLessThan(3);
    }
  });

  it('draws standard normals', () => {
    const rng = new Rng(3);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });

  it('derives distinct streams for distinct identity paths, including seeds beyond 32 bits', () => {
    const first = (rng: Rng): number[] => Array.from({ length: 4 }, () => rng.next());
    expect(first(deriveRng(1, 3, 1, 2))).toEqual(first(deriveRng(1, 3, 1, 2)));
    expect(first(deriveRng(1, 3, 1, 2))).not.toEqual(first(deriveRng(1, 3, 2, 1)));
    expect(first(deriveRng(1, 3, 1, 2))).not.toEqual(first(deriveRng(2, 3, 1, 2)));
    expect(mixSeed(1)).not.toBe(mixSeed(2 ** 32 + 1));
    expect(mixSeed(-1)).not.toBe(mixSeed(2 ** 32 - 1));
  });
});

describe('take planning', () => {
  it('keeps every take of every actor within the clip contract (3–4 s, 0.3–0.9 s leading silence)', () => {
    for (const seed of [1, 2, 12345]) {
      for (let actor = 1; actor <= 24; actor++) {
        for (const take of speechTakesPerActor()) {
          const p = planTake(seed, actor, take);
          const seconds = utteranceSamples(p) / p.sampleRate;
          expect(seconds).toBeGreaterThanOrEqual(3);
          expect(seconds).toBeLessThanOrEqual(4);
          expect(p.leadSilenceSec).toBeGreaterThanOrEqual(0.3);
          expect(p.leadSilenceSec).toBeLessThanOrEqual(0.9);
          expect(p.syllables.length).toBeGreaterThanOrEqual(7);
        }
      }
    }
  });

  it('gives odd actors male and even actors female voices', () => {
    const take = { emotion: 'neutral', intensity: 'normal', statement: 1, repetition: 1 } as const;
    for (let actor = 1; actor <= 24; actor++) {
      const p = planTake(1, actor, take);
      if (actor % 2 === 1) {
        expect(p.f0Hz).toBeLessThan(165);
        expect(p.formantScale).toBeLessThanOrEqual(1.05);
      } else {
        expect(p.f0Hz).toBeGreaterThan(150);
        expect(p.formantScale).toBeGreaterThanOrEqual(1.1);
      }
    }
  });

  it('varies repetitions and statements of the same emotion', () => {
    const base = { emotion: 'happy', intensity: 'normal', statement: 1, repetition: 1 } as const;
    const a = planTake(1, 5, base);
    const b = planTake(1, 5, { ...base, repetition: 2 });
    const c = planTake(1, 5, { ...base, statement: 2 });
    expect(a.syllables.map((s) => s.lengthSec)).not.toEqual(b.syllables.map((s) => s.lengthSec));
    expect(a.syllables.map((s) => s.vowel)).toEqual(b.syllables.map((s) => s.vowel));
    expect(a.syllables.map((s) => s.vowel)).not.toEqual(c.syllables.map((s) => s.vowel));
  });
});

describe('synthesizeUtterance', () => {
  const take = { emotion: 'angry', intensity: 'strong', statement: 2, repetition: 1 } as const;

  it('renders leading silence, speech at the requested level and a quiet noise floor', () => {
    const p = planTake(1, 3, take);
    const x = synthesizeUtterance(p);
    expect(x.length).toBe(utteranceSamples(p));
    const rms = (from: number, to: number): number => {
      let s = 0;
      for (let i = from; i < to; i++) s += x[i]! ** 2;
      return Math.sqrt(s / (to - from));
    };
    const fs = p.sampleRate;
    const speechStart = Math.round(p.leadSilenceSec * fs);
    const speechEnd = speechStart + Math.round(p.syllables.reduce((s, y) => s + y.lengthSec, 0) * fs);
    const leadDb = 20 * Math.log10(rms(0, speechStart - 10));
    const speechDb = 20 * Math.log10(rms(speechStart, speechEnd));
    expect(Math.abs(leadDb - p.noiseFloorDb)).toBeLessThan(1.5);
    // The peak limiter may only lower a loud take.
    expect(speechDb).toBeLessThanOrEqual(p.levelDb + 0.3);
    expect(speechDb).toBeGreaterThan(p.levelDb - 6);
    expect(x.reduce((peak, v) => Math.max(peak, Math.abs(v)), 0)).toBeLessThanOrEqual(0.99);
  });

  it('is a pure function of its parameters', () => {
    const p = planTake(9, 4, take);
    expect(synthesizeUtterance(p)).toEqual(synthesizeUtterance(p));
    expect(synthesizeUtterance({ ...p, seed: p.seed + 1 })).not.toEqual(synthesizeUtterance(p));
  });
});
