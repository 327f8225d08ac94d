import { describe, expect, it } from 'vitest';
import { parseWavHeader, WavFormatError, type ByteReader } from '../../../../electron/core/audio/wavHeader';
import { ascii, fmtBody, pcm16Wav, riff } from '../../../helpers/wavBytes';

const readerOf = (bytes: Uint8Array): ByteReader => (offset, length) => bytes.subarray(offset, offset + length);
const parse = (bytes: Uint8Array) => parseWavHeader(readerOf(bytes), bytes.length);
const reasonOf = (bytes: Uint8Array): string => {
  try {
    parse(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(WavFormatError);
    return (err as Error).message;
  }
  throw new Error('expected the header to be rejected');
};

describe('parseWavHeader', () => {
  it('reads a canonical 16-bit mono 48 kHz file', () => {
    const h = parse(pcm16Wav(3.5));
    expect(h).toMatchObject({ sampleFormat: 'pcm', channels: 1, sampleRate: 48000, bitDepth: 16, dataOffset: 44, frames: 168000 });
    expect(h.durationSec).toBeCloseTo(3.5, 9);
  });

  it('accepts extra chunks before and after data, odd-sized ones with and without their pad byte', () => {
    const list = { id: 'LIST', body: ascii('INFOISFT\x05\x00\x00\x00Lavf\x00') };
    const odd = { id: 'junk', body: ascii('abc') };
    const unpadded = { id: 'id3 ', body: ascii('xyzzy'), pad: false };
    const h = parse(pcm16Wav(1, 48000, { before: [list, odd], after: [unpadded, { id: 'bext', body: new Uint8Array(10) }] }));
    expect(h.frames).toBe(48000);
  });

  it('accepts an odd-sized chunk before fmt whose pad byte is missing', () => {
    const bytes = pcm16Wav(1, 48000, { before: [{ id: 'junk', body: ascii('abc'), pad: false }] });
    expect(parse(bytes).sampleRate).toBe(48000);
  });

  it('accepts a trailing chunk that claims more bytes than remain (as some RAVDESS files have)', () => {
    const bytes = pcm16Wav(1, 48000, { after: [{ id: 'LIST', body: ascii('INFO'), declaredSize: 4096 }] });
    expect(parse(bytes).frames).toBe(48000);
  });

  it('accepts trailing garbage shorter than a chunk header', () => {
    const clean = pcm16Wav(1);
    const bytes = new Uint8Array(clean.length + 5);
    bytes.set(clean);
    expect(parse(bytes).frames).toBe(48000);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE PCM and float, and 24-bit stereo', () => {
    const data = { id: 'data', body: new Uint8Array(4 * 6) };
    expect(parse(riff([{ id: 'fmt ', body: fmtBody({ extensibleSubFormat: 1, channels: 2, bitDepth: 24 }) }, data]))).toMatchObject({
      sampleFormat: 'pcm', formatTag: 1, channels: 2, bitDepth: 24, frames: 4,
    });
    expect(parse(riff([{ id: 'fmt ', body: fmtBody({ extensibleSubFormat: 3, bitDepth: 32 }) }, { id: 'data', body: new Uint8Array(16) }]))).toMatchObject({
      sampleFormat: 'float', bitDepth: 32, frames: 4,
    });
    expect(parse(riff([{ id: 'fmt ', body: fmtBody({ formatTag: 3, bitDepth: 64 }) }, { id: 'data', body: new Uint8Array(16) }])).frames).toBe(2);
  });

  it.each([
    ['zero bytes', new Uint8Array(0), /empty file/],
    ['text', ascii('this is not audio, just text that happens to be named .wav\n'), /not a WAV file: starts with 'this'/],
    ['too short', ascii('RIFF'), /too short/],
    ['RIFF but not WAVE', riff([], 'AVI '), /form type is 'AVI '/],
    ['big-endian', (() => { const b = pcm16Wav(0.1); b.set(ascii('RIFX'), 0); return b; })(), /RIFX/],
    ['no data chunk', riff([{ id: 'fmt ', body: fmtBody({}) }]), /no data chunk/],
    ['no fmt chunk', riff([{ id: 'data', body: new Uint8Array(8) }]), /no fmt chunk/],
    ['empty data', riff([{ id: 'fmt ', body: fmtBody({}) }, { id: 'data', body: new Uint8Array(0) }]), /data chunk is empty/],
    ['ADPCM', riff([{ id: 'fmt ', body: fmtBody({ formatTag: 2, bitDepth: 4 }) }, { id: 'data', body: new Uint8Array(8) }]), /unsupported codec: format tag 0x0002 \(Microsoft ADPCM\)/],
    ['12-bit PCM', riff([{ id: 'fmt ', body: fmtBody({ bitDepth: 12 }) }, { id: 'data', body: new Uint8Array(8) }]), /bit depth 12/],
    ['short fmt', riff([{ id: 'fmt ', body: new Uint8Array(10) }, { id: 'data', body: new Uint8Array(8) }]), /fmt chunk is 10 bytes/],
  ])('rejects %s with its reason', (_name, bytes, reason) => {
    expect(reasonOf(bytes)).toMatch(reason);
  });

  it('rejects a truncated recording: data chunk longer than the file, naming both sizes', () => {
    const full = pcm16Wav(1);
    const cut = full.subarray(0, 1000);
    expect(reasonOf(cut)).toBe(`truncated: data chunk declares 96000 bytes but only ${1000 - 44} are present`);
  });
});
