/**
 * Reading a WAV file window by window (what prediction does on long files) gives the same samples as
 * decoding and resampling the whole file, while reading only the window's bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeWavFile, openWavFile } from '../../../../electron/core/audio/decode';
import { loadClip, loadWindow, preprocess, type LoadClipOptions } from '../../../../electron/core/audio/preprocess';
import { initResampler, resample, resampleInputRange, resampleRange } from '../../../../electron/core/audio/resample';
import { EngineError } from '../../../../shared/errors';
import { tempDir } from '../../../helpers/fixtureCorpus';
import { pcmWav } from '../../../helpers/wavBytes';

let file: string;
const rate = 44100;
const seconds = 12;

beforeAll(async () => {
  await initResampler();
  const n = rate * seconds;
  const tone = (f: number, a: number) => Float32Array.from({ length: n }, (_, i) => a * Math.sin((2 * Math.PI * f * i) / rate) * (0.6 + 0.4 * Math.sin((2 * Math.PI * 0.7 * i) / rate)));
  file = path.join(tempDir('window'), 'stereo24.wav');
  fs.writeFileSync(file, pcmWav([tone(220, 0.5), tone(3300, 0.2)], rate, 24));
});

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

describe('openWavFile', () => {
  it('readMono(start, end) equals the same frames of the whole decode, clamped to the file', () => {
    const whole = decodeWavFile(file).samples;
    const f = openWavFile(file);
    try {
      expect(f.header).toMatchObject({ sampleRate: rate, channels: 2, bitDepth: 24, frames: rate * seconds });
      expect(Array.from(f.readMono(1000, 1010))).toEqual(Array.from(whole.subarray(1000, 1010)));
      expect(f.readMono(whole.length - 5, whole.length + 100)).toHaveLength(5);
      expect(f.readMono(whole.length + 10, whole.length + 20)).toHaveLength(0);
    } finally {
      f.close();
    }
  });

  it('counts the bytes it reads: the header, then only the frames asked for', () => {
    const f = openWavFile(file);
    const header = f.bytesRead;
    expect(header).toBeLessThan(200);
    f.readMono(rate, 2 * rate);
    expect(f.bytesRead - header).toBe(rate * 2 * 3);
    f.close();
    expect(() => f.readMono(0, 1)).toThrow(/read after close/);
  });

  it('errors are typed and start with the path', () => {
    const missing = path.join(path.dirname(file), 'missing.wav');
    expect(() => openWavFile(missing)).toThrow(EngineError);
    expect(() => openWavFile(missing)).toThrow(`${missing}: file does not exist`);
    const text = path.join(path.dirname(file), 'text.wav');
    fs.writeFileSync(text, 'not a wav at all, just text');
    expect(() => openWavFile(text)).toThrow(new RegExp(`^${text}: not a WAV file`));
  });
});

describe('resampleRange from a slice', () => {
  it('the input range it names is enough: a slice of exactly that equals the whole signal', () => {
    const whole = decodeWavFile(file).samples;
    for (const [outStart, outCount] of [[0, 1000], [22050 * 5 + 17, 66150], [22050 * 11, 22050 * 2]] as const) {
      const range = resampleInputRange(whole.length, rate, 22050, outStart, outCount);
      expect(range.end - range.start).toBeLessThan(outCount * 2.1 + 2000);
      const slice = { samples: whole.slice(range.start, range.end), start: range.start, total: whole.length };
      expect(maxAbsDiff(resampleRange(slice, rate, 22050, outStart, outCount), resampleRange(whole, rate, 22050, outStart, outCount))).toBe(0);
    }
  });

  it('a slice that does not cover the range is refused', () => {
    const whole = decodeWavFile(file).samples;
    const slice = { samples: whole.slice(50_000, 60_000), start: 50_000, total: whole.length };
    expect(() => resampleRange(slice, rate, 22050, 0, 1000)).toThrow(/needs input frames/);
  });
});

describe('loadWindow', () => {
  const base: LoadClipOptions = { sampleRate: 22050, durationSec: 3, offsetSec: 0, preEmphasis: 0.97, normalize: 'peak' };

  it('every window of one opened file equals the whole-file front end at that offset', () => {
    const whole = resample(decodeWavFile(file).samples, rate, 22050);
    const f = openWavFile(file);
    try {
      for (const offsetSec of [0, 1, 4.5, 9, 10.5]) {
        const options = { ...base, offsetSec };
        expect(maxAbsDiff(loadWindow(f, options).samples, preprocess(whole, 22050, options))).toBeLessThan(1e-5);
      }
    } finally {
      f.close();
    }
  });

  it('reports the peak of the audio taken, before normalisation', () => {
    const clip = loadClip(file, { ...base, normalize: 'peak' });
    const raw = loadClip(file, { ...base, normalize: 'none', preEmphasis: null });
    let peak = 0;
    for (const v of raw.samples) peak = Math.max(peak, Math.abs(v));
    expect(clip.peak).toBeCloseTo(peak, 6);
    expect(clip.peak).toBeGreaterThan(0.3);
    expect(clip.peak).toBeLessThan(0.36);
    expect(loadClip(file, { ...base, offsetSec: 20 }).peak).toBe(0);
  });
});
