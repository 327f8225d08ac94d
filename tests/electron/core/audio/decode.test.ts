import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import wavefile from 'wavefile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav, decodeWavFile } from '../../../../electron/core/audio/decode';
import { EngineError } from '../../../../shared/errors';
import { ascii, fmtBody, pcm16Wav, riff } from '../../../helpers/wavBytes';

/** A test signal in [-1, 1] that hits both extremes and plenty of values in between. */
function signal(n: number, seed = 0): number[] {
  const s: number[] = [];
  for (let i = 0; i < n; i++) s.push(0.8 * Math.sin(0.05 * i + seed) + 0.19 * Math.sin(1.3 * i + 2 * seed));
  s[1] = -1;
  s[2] = 1 - 1e-12; // quantises to the largest positive code
  s[3] = 0;
  return s;
}

interface IntFormat {
  code: '8' | '16' | '24' | '32';
  bits: number;
}
const INT_FORMATS: IntFormat[] = [
  { code: '8', bits: 8 },
  { code: '16', bits: 16 },
  { code: '24', bits: 24 },
  { code: '32', bits: 32 },
];

/** Integer codes for `x` at `bits` (8-bit WAV is unsigned, offset by 128). */
function quantise(x: number[], bits: number): number[] {
  const full = 2 ** (bits - 1);
  return x.map((v) => {
    const q = Math.max(-full, Math.min(full - 1, Math.round(v * full)));
    return bits === 8 ? q + 128 : q;
  });
}

function wavefileBytes(channels: number[][], bitDepthCode: string, sampleRate = 48000): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels.length, sampleRate, bitDepthCode, channels.length === 1 ? (channels[0] as number[]) : channels);
  return wav.toBuffer();
}

/** wavefile's own reading of the file, scaled the way decodeWav documents (an independent reference). */
function wavefileReference(bytes: Uint8Array, bits: number, float: boolean): Float64Array {
  const wav = new wavefile.WaveFile(bytes);
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const chans = raw instanceof Float64Array ? [raw] : raw;
  const n = (chans[0] as Float64Array).length;
  const out = new Float64Array(n);
  const full = 2 ** (bits - 1);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const c of chans) sum += float ? (c[i] as number) : bits === 8 ? ((c[i] as number) - 128) / 128 : (c[i] as number) / full;
    out[i] = sum / chans.length;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function badFile(run: () => unknown): EngineError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error('expected an EngineError');
}

describe('decodeWav: sample formats', () => {
  const N = 4000;
  const x = signal(N);

  for (const { code, bits } of INT_FORMATS) {
    it(`PCM ${bits}-bit integer mono: values within half a quantisation step, extremes exact`, () => {
      const bytes = wavefileBytes([quantise(x, bits)], code);
      const d = decodeWav(bytes, 'x.wav');
      expect(d).toMatchObject({ sampleRate: 48000, channels: 1, bitDepth: bits, sampleFormat: 'pcm' });
      expect(d.samples).toBeInstanceOf(Float32Array);
      expect(d.samples.length).toBe(N);
      expect(d.durationSec).toBeCloseTo(N / 48000, 12);
      const step = 1 / 2 ** (bits - 1);
      // Half a step of quantisation, plus float32's own rounding of the result (x[2] ≈ 1 clips to 1 − step).
      const clipped = Array.from(x, (v, i) => (i === 2 ? 1 - step : v));
      expect(maxAbsDiff(d.samples, clipped)).toBeLessThanOrEqual(step / 2 + 6e-8);
      expect(d.samples[1]).toBe(-1);
      expect(d.samples[2]).toBeCloseTo(1 - step, 7);
      expect(d.samples[3]).toBe(0);
      expect(maxAbsDiff(d.samples, wavefileReference(bytes, bits, false))).toBeLessThan(6e-8);
    });
  }

  it('PCM 8-bit is unsigned: 0 → −1, 128 → 0, 255 → 127/128', () => {
    const d = decodeWav(wavefileBytes([[0, 128, 255, 64]], '8'), 'x.wav');
    expect(Array.from(d.samples)).toEqual([-1, 0, 127 / 128, -0.5]);
  });

  it('16-bit: known codes map to code / 32768', () => {
    const d = decodeWav(wavefileBytes([[-32768, -1, 0, 1, 16384, 32767]], '16'), 'x.wav');
    expect(Array.from(d.samples)).toEqual([-1, -1 / 32768, 0, 1 / 32768, 0.5, 32767 / 32768]);
  });

  it('24-bit: sign extension of the top byte', () => {
    const d = decodeWav(wavefileBytes([[-8388608, -1, 1, 8388607, -4194304]], '24'), 'x.wav');
    expect(Array.from(d.samples)).toEqual([-1, -1 / 8388608, 1 / 8388608, Math.fround(8388607 / 8388608), -0.5]);
  });

  it('32-bit float mono: exact', () => {
    const f32 = Array.from(Float32Array.from(x));
    const d = decodeWav(wavefileBytes([f32], '32f'), 'x.wav');
    expect(d).toMatchObject({ bitDepth: 32, sampleFormat: 'float' });
    expect(maxAbsDiff(d.samples, f32)).toBe(0);
  });

  it('64-bit float mono: within float32 rounding', () => {
    const d = decodeWav(wavefileBytes([x], '64'), 'x.wav');
    expect(d).toMatchObject({ bitDepth: 64, sampleFormat: 'float' });
    expect(maxAbsDiff(d.samples, x)).toBeLessThan(6e-8);
  });

  it('rejects float data holding NaN or infinity', () => {
    const err = badFile(() => decodeWav(wavefileBytes([[0.1, Number.NaN, 0.2]], '32f'), 'nan.wav'));
    expect(err.code).toBe('BAD_FILE');
    expect(err.message).toMatch(/^nan\.wav: .*NaN/);
  });
});

describe('decodeWav: channels', () => {
  const N = 2000;
  // Kept inside ±0.9 so that −x is representable too (+32768 is not a 16-bit code).
  const x = signal(N, 1).map((v) => 0.9 * v);

  it('stereo L = +x, R = −x mixes to exactly 0', () => {
    const l = quantise(x, 16);
    const r = l.map((v) => -v);
    const d = decodeWav(wavefileBytes([l, r], '16'), 'x.wav');
    expect(d.channels).toBe(2);
    expect(d.samples.length).toBe(N);
    expect(maxAbsDiff(d.samples, new Float64Array(N))).toBe(0);
  });

  it('stereo L = R = x mixes to x', () => {
    const l = quantise(x, 16);
    const d = decodeWav(wavefileBytes([l, l], '16'), 'x.wav');
    expect(maxAbsDiff(d.samples, x)).toBeLessThanOrEqual(0.5 / 32768 + 6e-8);
  });

  it('stereo L = a, R = b mixes to (a + b) / 2 (float, so exactly)', () => {
    const a = Array.from(Float32Array.from(x));
    const b = Array.from(Float32Array.from(signal(N, 2)));
    const d = decodeWav(wavefileBytes([a, b], '32f'), 'x.wav');
    expect(maxAbsDiff(d.samples, a.map((v, i) => (v + (b[i] as number)) / 2))).toBeLessThan(6e-8);
  });

  it('6-channel 24-bit averages all six', () => {
    const chans = [0, 1, 2, 3, 4, 5].map((c) => quantise(signal(N, c), 24));
    const bytes = wavefileBytes(chans, '24');
    const d = decodeWav(bytes, 'x.wav');
    expect(d).toMatchObject({ channels: 6, bitDepth: 24, sampleFormat: 'pcm' });
    const expected = Array.from({ length: N }, (_, i) => chans.reduce((s, c) => s + (c[i] as number), 0) / 6 / 8388608);
    expect(maxAbsDiff(d.samples, expected)).toBeLessThan(6e-8);
    expect(maxAbsDiff(d.samples, wavefileReference(bytes, 24, false))).toBeLessThan(6e-8);
  });

  it('hand-built WAVE_FORMAT_EXTENSIBLE: float32 stereo, 16-bit PCM mono, 24-bit PCM 6-channel', () => {
    const n = 100;
    const floatData = new Uint8Array(n * 8);
    const fv = new DataView(floatData.buffer);
    for (let i = 0; i < n; i++) {
      fv.setFloat32(i * 8, 0.5, true);
      fv.setFloat32(i * 8 + 4, i / n, true);
    }
    const f = decodeWav(riff([{ id: 'fmt ', body: fmtBody({ channels: 2, bitDepth: 32, extensibleSubFormat: 3 }) }, { id: 'data', body: floatData }]), 'ext.wav');
    expect(f).toMatchObject({ channels: 2, bitDepth: 32, sampleFormat: 'float' });
    expect(maxAbsDiff(f.samples, Array.from({ length: n }, (_, i) => (0.5 + Math.fround(i / n)) / 2))).toBeLessThan(6e-8);

    const pcm = new Uint8Array(n * 2);
    const pv = new DataView(pcm.buffer);
    for (let i = 0; i < n; i++) pv.setInt16(i * 2, i * 300 - 15000, true);
    const p = decodeWav(riff([{ id: 'fmt ', body: fmtBody({ bitDepth: 16, extensibleSubFormat: 1 }) }, { id: 'data', body: pcm }]), 'ext.wav');
    expect(p).toMatchObject({ channels: 1, bitDepth: 16, sampleFormat: 'pcm' });
    expect(maxAbsDiff(p.samples, Array.from({ length: n }, (_, i) => (i * 300 - 15000) / 32768))).toBe(0);

    const six = new Uint8Array(n * 6 * 3);
    const expected: number[] = [];
    for (let i = 0, at = 0; i < n; i++) {
      let sum = 0;
      for (let c = 0; c < 6; c++, at += 3) {
        const v = (i * 1000 + c * 777_777) % 8_388_608 - 4_194_304 * (c % 2); // mixed signs
        six[at] = v & 0xff;
        six[at + 1] = (v >> 8) & 0xff;
        six[at + 2] = (v >> 16) & 0xff;
        sum += v;
      }
      expected.push(sum / 6 / 8_388_608);
    }
    const e = decodeWav(riff([{ id: 'fmt ', body: fmtBody({ channels: 6, bitDepth: 24, extensibleSubFormat: 1 }) }, { id: 'data', body: six }]), 'ext.wav');
    expect(e).toMatchObject({ channels: 6, bitDepth: 24, sampleFormat: 'pcm' });
    expect(maxAbsDiff(e.samples, expected)).toBeLessThan(6e-8);
  });
});

describe('decodeWav: chunk layouts parseWavHeader accepts', () => {
  const sr = 48000;
  const expected = Array.from({ length: sr }, (_, i) => Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / sr)) / 32768);

  it('extra chunks before and after data, an odd chunk without its pad byte (data at an odd offset)', () => {
    const bytes = pcm16Wav(1, sr, {
      before: [
        { id: 'LIST', body: ascii('INFOISFT\x05\x00\x00\x00Lavf\x00') },
        { id: 'junk', body: ascii('abc'), pad: false },
      ],
      after: [
        { id: 'id3 ', body: ascii('xyzzy'), pad: false },
        { id: 'bext', body: new Uint8Array(10) },
      ],
    });
    const d = decodeWav(bytes, 'odd.wav');
    expect(d.samples.length).toBe(sr);
    expect(maxAbsDiff(d.samples, expected)).toBe(0);
  });

  it('a trailing chunk that claims more bytes than remain (RAVDESS-style)', () => {
    const bytes = pcm16Wav(1, sr, { after: [{ id: 'LIST', body: ascii('INFO'), declaredSize: 4096 }] });
    expect(maxAbsDiff(decodeWav(bytes, 'x.wav').samples, expected)).toBe(0);
  });

  it('works on a subarray of a larger buffer (non-zero byteOffset)', () => {
    const bytes = pcm16Wav(1, sr);
    const host = new Uint8Array(bytes.length + 7);
    host.set(bytes, 7);
    expect(maxAbsDiff(decodeWav(host.subarray(7), 'x.wav').samples, expected)).toBe(0);
  });

  it('ignores a trailing partial frame', () => {
    const data = new Uint8Array(4 * 3 + 2); // three stereo 16-bit frames and half of a fourth
    const bytes = riff([{ id: 'fmt ', body: fmtBody({ channels: 2 }) }, { id: 'data', body: data }]);
    expect(decodeWav(bytes, 'x.wav').samples.length).toBe(3);
  });
});

describe('decodeWav: bad input is a typed BAD_FILE error naming the file', () => {
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['a zero-byte file', () => new Uint8Array(0), /empty file \(0 bytes\)/],
    [
      'truncated data',
      () => riff([{ id: 'fmt ', body: fmtBody({}) }, { id: 'data', body: new Uint8Array(100), declaredSize: 96000 }]),
      /truncated: data chunk declares 96000 bytes but only 100 are present/,
    ],
    ['text', () => ascii('Kids are talking by the door.\nDogs are sitting by the door.\n'), /not a WAV file/],
    ['Microsoft ADPCM', () => riff([{ id: 'fmt ', body: fmtBody({ formatTag: 2, bitDepth: 4 }) }, { id: 'data', body: new Uint8Array(64) }]), /unsupported codec: format tag 0x0002 \(Microsoft ADPCM\)/],
    ['µ-law written by wavefile', () => wavefileBytes([[0, 10, 200]], '8m'), /unsupported codec: format tag 0x0007 \(µ-law\)/],
    ['IMA ADPCM written by wavefile', () => wavefileBytes([Array.from({ length: 1010 }, (_, i) => (i * 37) % 1000)], '4'), /unsupported codec: format tag 0x0011 \(IMA ADPCM\)/],
    ['a data chunk and no fmt chunk', () => riff([{ id: 'data', body: new Uint8Array(8) }]), /no fmt chunk/],
  ];
  for (const [name, make, reason] of cases) {
    it(name, () => {
      const err = badFile(() => decodeWav(make(), 'Actor_01/03-01-05-01-01-01-01.wav'));
      expect(err.code).toBe('BAD_FILE');
      expect(err.message.startsWith('Actor_01/03-01-05-01-01-01-01.wav: ')).toBe(true);
      expect(err.message).toMatch(reason);
    });
  }
});

describe('decodeWavFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decode-test-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads and decodes a file from disk', () => {
    const file = path.join(dir, 'ok.wav');
    fs.writeFileSync(file, pcm16Wav(0.5, 16000));
    const d = decodeWavFile(file);
    expect(d).toMatchObject({ sampleRate: 16000, channels: 1, bitDepth: 16 });
    expect(d.samples.length).toBe(8000);
  });

  it('a missing file is NOT_FOUND, message starting with the path', () => {
    const file = path.join(dir, 'missing.wav');
    const err = badFile(() => decodeWavFile(file));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toBe(`${file}: file does not exist`);
  });

  it('a bad file on disk is BAD_FILE, message starting with the path', () => {
    const file = path.join(dir, 'empty.wav');
    fs.writeFileSync(file, new Uint8Array(0));
    const err = badFile(() => decodeWavFile(file));
    expect(err.code).toBe('BAD_FILE');
    expect(err.message).toBe(`${file}: empty file (0 bytes)`);
  });

  it('a directory is UNREADABLE', () => {
    const err = badFile(() => decodeWavFile(dir));
    expect(err.code).toBe('UNREADABLE');
    expect(err.message.startsWith(`${dir}: `)).toBe(true);
  });

  it.skipIf(process.getuid?.() === 0)('a file without read permission is UNREADABLE', () => {
    const file = path.join(dir, 'locked.wav');
    fs.writeFileSync(file, pcm16Wav(0.1));
    fs.chmodSync(file, 0o000);
    const err = badFile(() => decodeWavFile(file));
    expect(err.code).toBe('UNREADABLE');
    expect(err.message).toBe(`${file}: permission denied`);
  });
});
