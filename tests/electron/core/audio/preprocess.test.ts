import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import wavefile from 'wavefile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWavFile } from '../../../../electron/core/audio/decode';
import {
  loadClip,
  PEAK_TARGET,
  preprocess,
  RMS_TARGET,
  type LoadClipOptions,
  type PreprocessOptions,
} from '../../../../electron/core/audio/preprocess';
import { initResampler, resample } from '../../../../electron/core/audio/resample';
import { EngineError } from '../../../../shared/errors';
import { pcm16Wav } from '../../../helpers/wavBytes';

const plain: PreprocessOptions = { durationSec: 2, offsetSec: 0, preEmphasis: null, normalize: 'none' };
/** 0, 1, 2, … n−1 */
const ramp = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i);

function rms(x: ArrayLike<number>, n = x.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i] as number) ** 2;
  return Math.sqrt(s / n);
}

function peak(x: ArrayLike<number>): number {
  let p = 0;
  for (let i = 0; i < x.length; i++) p = Math.max(p, Math.abs(x[i] as number));
  return p;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function engineError(run: () => unknown): EngineError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error('expected an EngineError');
}

describe('preprocess: window', () => {
  const x = ramp(100); // 10 s at 10 Hz

  it('takes exactly [offset, offset + duration)', () => {
    const y = preprocess(x, 10, { ...plain, offsetSec: 1.5, durationSec: 2 });
    expect(Array.from(y)).toEqual(Array.from({ length: 20 }, (_, i) => 15 + i));
  });

  it('zero-pads at the end when the clip is shorter', () => {
    const y = preprocess(x, 10, { ...plain, offsetSec: 9, durationSec: 2 });
    expect(Array.from(y)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('is all zeros when the offset is at or past the end', () => {
    expect(Array.from(preprocess(x, 10, { ...plain, offsetSec: 10, durationSec: 0.5 }))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(preprocess(x, 10, { ...plain, offsetSec: 50, durationSec: 0.3 }))).toEqual([0, 0, 0]);
  });

  it('rounds offset and duration to whole samples at the given rate', () => {
    const y = preprocess(ramp(48000), 22050, { ...plain, offsetSec: 0.5, durationSec: 1 });
    expect(y.length).toBe(22050);
    expect(y[0]).toBe(11025);
    const z = preprocess(ramp(1000), 22050, { ...plain, offsetSec: 1 / 22050 + 1e-9, durationSec: 3 / 22050 });
    expect(Array.from(z)).toEqual([1, 2, 3]);
  });

  it('returns a new array and leaves the input alone', () => {
    const input = ramp(30);
    const y = preprocess(input, 10, { ...plain, durationSec: 3, normalize: 'peak', preEmphasis: 0.9 });
    expect(y).not.toBe(input);
    expect(input).toEqual(ramp(30));
  });
});

describe('preprocess: pre-emphasis', () => {
  const x = new Float32Array([1, 2, 4, -1, 0.5]);
  const opts = { ...plain, durationSec: 0.5 }; // 5 samples at 10 Hz

  it('y[n] = x[n] − a·x[n−1], y[0] = x[0]', () => {
    expect(Array.from(preprocess(x, 10, { ...opts, preEmphasis: 0.5 }))).toEqual([1, 1.5, 3, -3, 1]);
    const y = preprocess(x, 10, { ...opts, preEmphasis: 0.97 });
    const expected = [1, 2 - 0.97, 4 - 1.94, -1 - 3.88, 0.5 + 0.97];
    y.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 6));
  });

  it('null and 0 leave the signal unchanged', () => {
    expect(Array.from(preprocess(x, 10, { ...opts, preEmphasis: null }))).toEqual([1, 2, 4, -1, 0.5]);
    expect(Array.from(preprocess(x, 10, { ...opts, preEmphasis: 0 }))).toEqual([1, 2, 4, -1, 0.5]);
  });

  it('comes after normalisation (so the result is the pre-emphasised normalised signal)', () => {
    const y = preprocess(x, 10, { ...opts, normalize: 'peak', preEmphasis: 0.5 });
    const n = [0.25, 0.5, 1, -0.25, 0.125];
    expect(Array.from(y)).toEqual([n[0], 0.5 - 0.125, 1 - 0.25, -0.25 - 0.5, 0.125 + 0.125]);
  });
});

describe('preprocess: normalisation', () => {
  const x = Float32Array.from({ length: 1000 }, (_, i) => 0.3 * Math.sin(i / 7) - 0.05);

  it("'none' leaves values as they are", () => {
    expect(preprocess(x, 100, { ...plain, durationSec: 10 })).toEqual(x);
  });

  it(`'peak' scales max |x| to ${PEAK_TARGET}`, () => {
    const y = preprocess(x, 100, { ...plain, durationSec: 10, normalize: 'peak' });
    expect(peak(y)).toBeCloseTo(1, 6);
    const gain = 1 / peak(x);
    y.forEach((v, i) => expect(v).toBeCloseTo((x[i] as number) * gain, 6));
  });

  it(`'rms' scales to an RMS of ${RMS_TARGET} (−20 dBFS)`, () => {
    const y = preprocess(x, 100, { ...plain, durationSec: 10, normalize: 'rms' });
    expect(rms(y)).toBeCloseTo(0.1, 6);
    expect(y[10]! / x[10]!).toBeCloseTo(y[500]! / x[500]!, 4); // one gain for all samples
  });

  it('statistics come from the audio, not the zero padding', () => {
    const y = preprocess(x, 100, { ...plain, durationSec: 20, normalize: 'rms' });
    expect(y.length).toBe(2000);
    expect(rms(y, 1000)).toBeCloseTo(0.1, 6);
    expect(y.subarray(1000).every((v) => v === 0)).toBe(true);
  });

  it('a quiet signal is scaled up, a loud one down', () => {
    const quiet = x.map((v) => v * 1e-3);
    expect(peak(preprocess(quiet, 100, { ...plain, durationSec: 10, normalize: 'peak' }))).toBeCloseTo(1, 6);
    const loud = x.map((v) => v * 3);
    expect(rms(preprocess(loud, 100, { ...plain, durationSec: 10, normalize: 'rms' }))).toBeCloseTo(0.1, 6);
  });

  for (const normalize of ['none', 'peak', 'rms'] as const) {
    it(`silence stays zeros with normalize '${normalize}' (no NaN), also with pre-emphasis`, () => {
      const y = preprocess(new Float32Array(500), 100, { durationSec: 4, offsetSec: 0.5, preEmphasis: 0.97, normalize });
      expect(y.length).toBe(400);
      expect(y.every((v) => v === 0)).toBe(true);
      const past = preprocess(x, 100, { durationSec: 1, offsetSec: 99, preEmphasis: 0.97, normalize });
      expect(past.every((v) => v === 0)).toBe(true);
    });
  }
});

describe('preprocess: option validation', () => {
  const x = new Float32Array(100);
  const bad: [string, Partial<PreprocessOptions> | { normalize: string }, RegExp][] = [
    ['zero duration', { durationSec: 0 }, /durationSec must be a positive/],
    ['negative duration', { durationSec: -1 }, /durationSec must be a positive/],
    ['NaN duration', { durationSec: Number.NaN }, /durationSec/],
    ['duration under one sample', { durationSec: 0.01 }, /shorter than one sample at 10 Hz/],
    ['negative offset', { offsetSec: -0.5 }, /offsetSec must be a number of seconds ≥ 0, got -0.5/],
    ['infinite offset', { offsetSec: Infinity }, /offsetSec/],
    ['pre-emphasis 1', { preEmphasis: 1 }, /preEmphasis must be null or a number in \[0, 1\), got 1/],
    ['negative pre-emphasis', { preEmphasis: -0.1 }, /preEmphasis/],
    ['unknown normalize', { normalize: 'max' }, /normalize must be one of 'none', 'peak', 'rms', got max/],
  ];
  for (const [name, patch, message] of bad) {
    it(`rejects ${name}`, () => {
      const err = engineError(() => preprocess(x, 10, { ...plain, ...patch } as PreprocessOptions));
      expect(err.code).toBe('INVALID_PAYLOAD');
      expect(err.message).toMatch(message);
    });
  }

  it('rejects a bad sample rate', () => {
    expect(engineError(() => preprocess(x, 0, plain)).message).toMatch(/sampleRate must be a positive number/);
  });
});

describe('loadClip', () => {
  let dir: string;
  let file48: string;
  let file22: string;
  const base: LoadClipOptions = { sampleRate: 22050, durationSec: 1.5, offsetSec: 0.5, preEmphasis: 0.97, normalize: 'rms' };

  function writeWav(name: string, rate: number, seconds: number, channels: number): string {
    const n = Math.round(rate * seconds);
    const chans = Array.from({ length: channels }, (_, c) =>
      Array.from({ length: n }, (_, i) => {
        const t = i / rate;
        const v = 0.4 * Math.sin(2 * Math.PI * (180 + 40 * c) * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t)) + 0.1 * Math.sin(2 * Math.PI * 3100 * t);
        return Math.round(v * 32767);
      }),
    );
    const wav = new wavefile.WaveFile();
    wav.fromScratch(channels, rate, '16', channels === 1 ? (chans[0] as number[]) : chans);
    const file = path.join(dir, name);
    fs.writeFileSync(file, wav.toBuffer());
    return file;
  }

  /** The reference: decode, resample the WHOLE clip, then preprocess. */
  function reference(file: string, options: LoadClipOptions): Float32Array {
    const d = decodeWavFile(file);
    const whole = d.sampleRate === options.sampleRate ? d.samples : resample(d.samples, d.sampleRate, options.sampleRate);
    return preprocess(whole, options.sampleRate, options);
  }

  beforeAll(async () => {
    await initResampler();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loadclip-test-'));
    file48 = writeWav('48k-stereo.wav', 48000, 3.5, 2);
    file22 = writeWav('22k-mono.wav', 22050, 2, 1);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const windows: [string, Partial<LoadClipOptions>][] = [
    ['a window inside the clip', {}],
    ['the start of the clip', { offsetSec: 0, durationSec: 1 }],
    ['a window running past the end (padding)', { offsetSec: 2.5, durationSec: 3 }],
    ['an offset past the end', { offsetSec: 4, durationSec: 1 }],
    ['peak normalisation without pre-emphasis', { normalize: 'peak', preEmphasis: null }],
    ['no normalisation, 16 kHz target', { normalize: 'none', sampleRate: 16000 }],
    ['a fractional offset', { offsetSec: 1.23456, durationSec: 0.777 }],
  ];
  for (const [name, patch] of windows) {
    it(`trimming before resampling equals resampling then trimming: ${name}`, () => {
      const options = { ...base, ...patch };
      const clip = loadClip(file48, options);
      const expected = reference(file48, options);
      expect(clip.samples.length).toBe(Math.round(options.durationSec * options.sampleRate));
      expect(maxAbsDiff(clip.samples, expected)).toBeLessThan(1e-4);
    });
  }

  it('the trimmed path really is the whole-clip result (not just close): within 1e-6 before normalisation', () => {
    const options: LoadClipOptions = { ...base, normalize: 'none', preEmphasis: null };
    expect(maxAbsDiff(loadClip(file48, options).samples, reference(file48, options))).toBeLessThan(1e-6);
  });

  it('reports source facts and timings', () => {
    const clip = loadClip(file48, base);
    expect(clip.source).toEqual({ sampleRate: 48000, channels: 2, bitDepth: 16, sampleFormat: 'pcm', durationSec: 3.5 });
    expect(clip.source).not.toHaveProperty('samples');
    for (const ms of Object.values(clip.timings)) {
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
    }
    expect(rms(clip.samples)).toBeGreaterThan(0);
  });

  it('a file already at the target rate is not resampled', () => {
    const options: LoadClipOptions = { ...base, offsetSec: 0.25, durationSec: 1 };
    const clip = loadClip(file22, options);
    expect(clip.source.sampleRate).toBe(22050);
    expect(maxAbsDiff(clip.samples, reference(file22, options))).toBe(0);
  });

  it('a missing file is NOT_FOUND naming the path', () => {
    const missing = path.join(dir, 'nope.wav');
    const err = engineError(() => loadClip(missing, base));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message.startsWith(`${missing}: `)).toBe(true);
  });

  it('a file at a rate the resampler does not take is BAD_FILE naming the path', () => {
    const file = path.join(dir, '384k.wav');
    fs.writeFileSync(file, pcm16Wav(0.01, 384000));
    const err = engineError(() => loadClip(file, base));
    expect(err.code).toBe('BAD_FILE');
    expect(err.message.startsWith(`${file}: `)).toBe(true);
    expect(err.message).toMatch(/from 1 to 192000 Hz, got 384000/);
  });

  it('bad options are rejected before the file is read', () => {
    expect(engineError(() => loadClip(path.join(dir, 'nope.wav'), { ...base, durationSec: -1 })).code).toBe('INVALID_PAYLOAD');
    expect(engineError(() => loadClip(file48, { ...base, sampleRate: 22050.5 })).message).toMatch(/sampleRate must be an integer/);
  });
});
