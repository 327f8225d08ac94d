/**
 * pYIN F0 (electron/core/features/pitch.ts) against librosa 0.11's `pyin` on the three reference signals
 * (tests/fixtures/reference/pyin, same parameters: fmin 65, fmax 1000, frame 2048, hop 512, centred),
 * against the known F0 of `harmonic`, and on signals with known parameters made here.
 *
 * Tolerances — stricter than issue 13 asks (voicing ≥ 90 %, median ≤ 20 cents), because this is a port of
 * the same algorithm: voicing agrees on ≥ 98 % of frames; on frames both call voiced, F0 is within one
 * 10-cent pitch bin on every frame; the voicing probability within 0.02 (pYIN sums weights that librosa
 * computes in float32 FFTs). Observed: voicing 99.2 / 99.2 / 100 %, 0 cents, ≤ 0.01.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hzToSemitones27_5, pyin } from '../../../../electron/core/features/pitch';
import { readFloatWav, referenceDir, repoRoot, SIGNALS } from './reference';

interface PyinReference {
  f0_hz: Array<number | null>;
  voiced: boolean[];
  voiced_prob: number[];
}

const reference = (name: string): PyinReference => JSON.parse(fs.readFileSync(path.join(repoRoot, 'tests/fixtures/reference/pyin', `${name}.json`), 'utf8')) as PyinReference;
const cents = (a: number, b: number): number => Math.abs(1200 * Math.log2(a / b));
const SR = 22050;

describe.each(SIGNALS)('pyin on %s against librosa 0.11', (name) => {
  const ref = reference(name);
  const track = pyin(readFloatWav(path.join(referenceDir, `${name}.wav`)).samples, { sampleRate: SR });

  it('has librosa’s 130 frames, and the voicing decision agrees on ≥ 98 % of them', () => {
    expect(track.frames).toBe(ref.voiced.length);
    const agree = ref.voiced.filter((v, t) => (v ? 1 : 0) === track.voiced[t]).length;
    expect(agree / track.frames).toBeGreaterThanOrEqual(0.98);
  });

  it('F0 within one 10-cent bin on every frame both call voiced; NaN exactly where unvoiced', () => {
    let both = 0;
    for (let t = 0; t < track.frames; t++) {
      expect(Number.isNaN(track.f0Hz[t] as number)).toBe(track.voiced[t] === 0);
      const r = ref.f0_hz[t];
      if (track.voiced[t] && ref.voiced[t] && r != null) {
        both++;
        expect(cents(track.f0Hz[t] as number, r), `frame ${t}`).toBeLessThanOrEqual(10.01);
      }
    }
    expect(both).toBeGreaterThan(80);
  });

  it('voicing probability within 0.02 of librosa’s on every frame', () => {
    const worst = Math.max(...ref.voiced_prob.map((p, t) => Math.abs(p - (track.voicedProb[t] as number))));
    expect(worst).toBeLessThanOrEqual(0.02);
  });
});

describe('pyin on signals with known F0', () => {
  it('harmonic: its known F0 (220 Hz × (1 + 0.05 sin(2π·0.5 t)), silent 1.2–1.6 s) within 10 cents median, unvoiced in the gap', () => {
    const track = pyin(readFloatWav(path.join(referenceDir, 'harmonic.wav')).samples, { sampleRate: SR });
    const errors: number[] = [];
    for (let t = 0; t < track.frames; t++) {
      const time = (t * 512) / SR;
      if (time > 1.25 && time < 1.55) expect(track.voiced[t], `frame ${t} in the gap`).toBe(0);
      if (track.voiced[t]) errors.push(cents(track.f0Hz[t] as number, 220 * (1 + 0.05 * Math.sin(2 * Math.PI * 0.5 * time))));
    }
    errors.sort((a, b) => a - b);
    expect(errors[Math.floor(errors.length / 2)]).toBeLessThanOrEqual(10);
  });

  // (Near fmax a sawtooth whose period is not a whole number of samples has its deepest trough at two
  // periods, where the samples realign: 900 Hz comes out as 450 Hz, as it does in librosa.)
  it.each([80, 150, 440, 600])('a sawtooth at %i Hz: voiced throughout (but the padded edges), within 10 cents', (f0) => {
    const y = Float32Array.from({ length: SR * 2 }, (_, i) => 0.5 * (((i * f0) / SR) % 1) - 0.25);
    const track = pyin(y, { sampleRate: SR });
    const inner = Array.from({ length: track.frames - 6 }, (_, k) => k + 3);
    expect(inner.every((t) => track.voiced[t] === 1)).toBe(true);
    for (const t of inner) expect(cents(track.f0Hz[t] as number, f0)).toBeLessThanOrEqual(10);
  });

  it('white noise has no periodic trough (voicing probability ≤ 0.01 everywhere); silence is unvoiced', () => {
    let seed = 7;
    const noise = Float32Array.from({ length: SR * 2 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.5);
    const n = pyin(noise, { sampleRate: SR });
    // Only the deepest trough's 1 % "no trough below any threshold" share. (librosa's HMM can still decode
    // such frames as voiced: one bin at 0.01 outweighs each unvoiced state's 0.99 / 474; so does ours.)
    expect(Math.max(...n.voicedProb)).toBeLessThanOrEqual(0.0100001);
    const s = pyin(new Float32Array(SR), { sampleRate: SR });
    expect(s.voiced.every((v) => v === 0)).toBe(true);
    expect(s.voicedProb.every((p) => p === 0)).toBe(true);
  });

  it('semitones from 27.5 Hz: A0 is 0, A4 (440 Hz) is 48', () => {
    expect(hzToSemitones27_5(27.5)).toBe(0);
    expect(hzToSemitones27_5(440)).toBeCloseTo(48, 12);
  });

  it('refuses a range it cannot search', () => {
    expect(() => pyin(new Float32Array(4096), { sampleRate: SR, fmin: 500, fmax: 400 })).toThrow(/fmin < fmax/);
    expect(() => pyin(new Float32Array(4096), { sampleRate: SR, frameLength: 1000 })).toThrow(/power of two/);
  });
});
