/**
 * Reads a WAV file's header only — the `fmt ` and `data` chunk descriptors — without touching the
 * samples. Indexing 1440 clips needs facts, not audio.
 *
 * Tolerates what real RAVDESS files (and other writers) do: extra chunks before or after `data`
 * (LIST, bext, id3, junk), odd-sized chunks with or without their pad byte, a final chunk that claims
 * more bytes than remain ("Incomplete wav chunk" in scipy). A `data` chunk that claims more bytes than the
 * file holds is a truncated recording and is rejected.
 */
import fs from 'node:fs';

export type WavSampleFormat = 'pcm' | 'float';

export interface WavHeader {
  sampleFormat: WavSampleFormat;
  /** The effective format tag (the sub-format's for WAVE_FORMAT_EXTENSIBLE). */
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitDepth: number;
  blockAlign: number;
  dataOffset: number;
  dataBytes: number;
  frames: number;
  durationSec: number;
}

/** A WAV file that cannot be used, with the human-readable reason. */
export class WavFormatError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'WavFormatError';
  }
}

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;

const KNOWN_CODECS: Readonly<Record<number, string>> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MP3',
};

/** Reads `length` bytes at `offset`; may return fewer at the end of the file. */
export type ByteReader = (offset: number, length: number) => Uint8Array;

function fourCC(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

function printable(id: string): string {
  return /^[\x20-\x7e]{4}$/.test(id) ? `'${id}'` : 'binary data';
}

interface FmtChunk {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitDepth: number;
}

function parseFmt(body: Uint8Array): FmtChunk {
  if (body.length < 16) throw new WavFormatError(`fmt chunk is ${body.length} bytes, expected at least 16`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let formatTag = view.getUint16(0, true);
  const channels = view.getUint16(2, true);
  const sampleRate = view.getUint32(4, true);
  const blockAlign = view.getUint16(12, true);
  const bitDepth = view.getUint16(14, true);
  if (formatTag === FORMAT_EXTENSIBLE) {
    // cbSize(2) validBits(2) channelMask(4) then the sub-format GUID whose first two bytes are the tag.
    if (body.length < 26) throw new WavFormatError('WAVE_FORMAT_EXTENSIBLE fmt chunk is too short for its sub-format');
    formatTag = view.getUint16(24, true);
  }
  return { formatTag, channels, sampleRate, blockAlign, bitDepth };
}

function validateFmt(fmt: FmtChunk): WavSampleFormat {
  const tagHex = `0x${fmt.formatTag.toString(16).padStart(4, '0')}`;
  let sampleFormat: WavSampleFormat;
  if (fmt.formatTag === FORMAT_PCM) {
    if (![8, 16, 24, 32].includes(fmt.bitDepth)) {
      throw new WavFormatError(`unsupported PCM bit depth ${fmt.bitDepth} (supported: 8, 16, 24, 32)`);
    }
    sampleFormat = 'pcm';
  } else if (fmt.formatTag === FORMAT_FLOAT) {
    if (fmt.bitDepth !== 32 && fmt.bitDepth !== 64) {
      throw new WavFormatError(`unsupported float bit depth ${fmt.bitDepth} (supported: 32, 64)`);
    }
    sampleFormat = 'float';
  } else {
    const name = KNOWN_CODECS[fmt.formatTag];
    throw new WavFormatError(
      `unsupported codec: format tag ${tagHex}${name ? ` (${name})` : ''}; only PCM and IEEE float WAV are supported`,
    );
  }
  if (fmt.channels < 1) throw new WavFormatError('fmt chunk declares 0 channels');
  if (fmt.sampleRate < 1) throw new WavFormatError('fmt chunk declares a sample rate of 0 Hz');
  const expectedAlign = fmt.channels * (fmt.bitDepth / 8);
  if (fmt.blockAlign !== expectedAlign) {
    throw new WavFormatError(
      `inconsistent fmt chunk: block align ${fmt.blockAlign}, expected ${expectedAlign} for ${fmt.channels} channel(s) of ${fmt.bitDepth} bits`,
    );
  }
  return sampleFormat;
}

/** Parse a WAV header through `read`, given the file's total size in bytes. */
export function parseWavHeader(read: ByteReader, fileSize: number): WavHeader {
  if (fileSize === 0) throw new WavFormatError('empty file (0 bytes)');
  const head = read(0, 12);
  if (head.length < 12) throw new WavFormatError(`not a WAV file: only ${fileSize} bytes, too short for a RIFF header`);
  const riff = fourCC(head, 0);
  if (riff === 'RIFX') throw new WavFormatError('big-endian RIFX WAV is not supported');
  if (riff === 'RF64') throw new WavFormatError('RF64 (64-bit) WAV is not supported');
  if (riff !== 'RIFF') throw new WavFormatError(`not a WAV file: starts with ${printable(riff)}, not 'RIFF'`);
  const form = fourCC(head, 8);
  if (form !== 'WAVE') throw new WavFormatError(`not a WAV file: RIFF form type is ${printable(form)}, not 'WAVE'`);

  let fmt: FmtChunk | null = null;
  let data: { offset: number; bytes: number } | null = null;
  let pos = 12;
  while (pos + 8 <= fileSize && (fmt === null || data === null)) {
    const header = read(pos, 8);
    if (header.length < 8) break;
    const id = fourCC(header, 0);
    const size = new DataView(header.buffer, header.byteOffset, 8).getUint32(4, true);
    const bodyStart = pos + 8;
    if (id === 'fmt ') {
      if (bodyStart + size > fileSize) throw new WavFormatError('truncated: the fmt chunk runs past the end of the file');
      fmt = parseFmt(read(bodyStart, Math.min(size, 64)));
    } else if (id === 'data') {
      const available = fileSize - bodyStart;
      if (size > available) {
        throw new WavFormatError(`truncated: data chunk declares ${size} bytes but only ${available} are present`);
      }
      data = { offset: bodyStart, bytes: size };
    }
    // Chunks are word-aligned: an odd-sized chunk is followed by a pad byte. Some writers omit it; if
    // the padded position does not hold a plausible chunk id but the unpadded one does, follow the writer.
    let next = bodyStart + size + (size & 1);
    if (size & 1 && next + 8 <= fileSize) {
      const padded = fourCC(read(next, 4), 0);
      const unpadded = fourCC(read(next - 1, 4), 0);
      if (!/^[\x20-\x7e]{4}$/.test(padded) && /^[\x20-\x7e]{4}$/.test(unpadded)) next -= 1;
    }
    pos = next;
  }
  if (fmt === null) throw new WavFormatError(data ? 'no fmt chunk: the sample format is unknown' : 'no fmt chunk and no data chunk');
  if (data === null) throw new WavFormatError('no data chunk: the file holds no audio');
  const sampleFormat = validateFmt(fmt);
  if (data.bytes === 0) throw new WavFormatError('no audio: the data chunk is empty');
  const frames = Math.floor(data.bytes / fmt.blockAlign);
  return {
    sampleFormat,
    formatTag: fmt.formatTag,
    channels: fmt.channels,
    sampleRate: fmt.sampleRate,
    bitDepth: fmt.bitDepth,
    blockAlign: fmt.blockAlign,
    dataOffset: data.offset,
    dataBytes: data.bytes,
    frames,
    durationSec: frames / fmt.sampleRate,
  };
}

/** Read a WAV file's header from disk with a few small positioned reads. */
export function readWavHeader(file: string, fileSize?: number): WavHeader {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fileSize ?? fs.fstatSync(fd).size;
    const read: ByteReader = (offset, length) => {
      const buf = Buffer.allocUnsafe(length);
      const n = fs.readSync(fd, buf, 0, length, offset);
      return buf.subarray(0, n);
    };
    return parseWavHeader(read, size);
  } finally {
    fs.closeSync(fd);
  }
}
