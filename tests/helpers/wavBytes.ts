/** Hand-built WAV byte fixtures: every chunk layout the header reader must accept or reject. */

export interface Chunk {
  id: string;
  body: Uint8Array;
  /** Declared size, when it should lie about the body length. */
  declaredSize?: number;
  /** Write the RIFF pad byte after an odd-sized body (default true). */
  pad?: boolean;
}

export function fmtBody(opts: { formatTag?: number; channels?: number; sampleRate?: number; bitDepth?: number; extensibleSubFormat?: number }): Uint8Array {
  const formatTag = opts.formatTag ?? 1;
  const channels = opts.channels ?? 1;
  const sampleRate = opts.sampleRate ?? 48000;
  const bitDepth = opts.bitDepth ?? 16;
  const extensible = opts.extensibleSubFormat !== undefined;
  const body = new Uint8Array(extensible ? 40 : 16);
  const v = new DataView(body.buffer);
  v.setUint16(0, extensible ? 0xfffe : formatTag, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, sampleRate, true);
  v.setUint32(8, (sampleRate * channels * bitDepth) / 8, true);
  v.setUint16(12, (channels * bitDepth) / 8, true);
  v.setUint16(14, bitDepth, true);
  if (extensible) {
    v.setUint16(16, 22, true);
    v.setUint16(18, bitDepth, true);
    v.setUint32(20, channels === 1 ? 4 : 3, true);
    v.setUint16(24, opts.extensibleSubFormat as number, true);
    // rest of the KSDATAFORMAT GUID
    body.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  return body;
}

export function riff(chunks: Chunk[], form = 'WAVE'): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const c of chunks) {
    const header = new Uint8Array(8);
    header.set([...c.id].map((ch) => ch.charCodeAt(0)), 0);
    new DataView(header.buffer).setUint32(4, c.declaredSize ?? c.body.length, true);
    parts.push(header, c.body);
    if (c.body.length % 2 === 1 && c.pad !== false) parts.push(new Uint8Array(1));
  }
  const bodyLength = 4 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(8 + bodyLength);
  out.set([...'RIFF'].map((ch) => ch.charCodeAt(0)), 0);
  new DataView(out.buffer).setUint32(4, bodyLength, true);
  out.set([...form].map((ch) => ch.charCodeAt(0)), 8);
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A valid mono 16-bit clip of `seconds` of a quiet tone. */
export function pcm16Wav(seconds: number, sampleRate = 48000, extra: { before?: Chunk[]; after?: Chunk[] } = {}): Uint8Array {
  const frames = Math.round(seconds * sampleRate);
  const data = new Uint8Array(frames * 2);
  const v = new DataView(data.buffer);
  for (let i = 0; i < frames; i++) v.setInt16(i * 2, Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / sampleRate)), true);
  return riff([...(extra.before ?? []), { id: 'fmt ', body: fmtBody({ sampleRate }) }, { id: 'data', body: data }, ...(extra.after ?? [])]);
}

export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Integer PCM WAV of any channel count and depth (8/16/24/32) from float channels in [-1, 1]. */
export function pcmWav(channels: Float32Array[], sampleRate: number, bitDepth: 8 | 16 | 24 | 32 = 16): Uint8Array {
  const n = channels[0]?.length ?? 0;
  const bytes = bitDepth / 8;
  const data = new Uint8Array(n * channels.length * bytes);
  const v = new DataView(data.buffer);
  const full = 2 ** (bitDepth - 1);
  for (let i = 0, at = 0; i < n; i++) {
    for (const ch of channels) {
      const x = Math.max(-full, Math.min(full - 1, Math.round((ch[i] as number) * full)));
      if (bitDepth === 8) v.setUint8(at, x + 128);
      else if (bitDepth === 16) v.setInt16(at, x, true);
      else if (bitDepth === 24) {
        v.setUint8(at, x & 0xff);
        v.setUint8(at + 1, (x >> 8) & 0xff);
        v.setInt8(at + 2, x >> 16);
      } else v.setInt32(at, x, true);
      at += bytes;
    }
  }
  return riff([{ id: 'fmt ', body: fmtBody({ channels: channels.length, sampleRate, bitDepth }) }, { id: 'data', body: data }]);
}
