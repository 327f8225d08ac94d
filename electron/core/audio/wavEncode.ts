/**
 * Minimal WAV writer: canonical 44-byte RIFF/WAVE header, PCM 16-bit, mono.
 * No dependencies; used by the synthetic corpus generator and anything else that needs to write a clip.
 */

const HEADER_BYTES = 44;
const BYTES_PER_SAMPLE = 2;

/** Typed arrays use the platform byte order; WAV is little-endian. Checked once so the hot path can use Int16Array. */
const PLATFORM_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeAscii(view: DataView, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
}

/**
 * Encode mono float samples as a canonical PCM 16-bit WAV file.
 * Samples are clipped to [-1, 1] and rounded to the nearest integer step (symmetric scale ±32767).
 */
export function encodeWavPcm16(samples: Float32Array, sampleRate: number): Uint8Array {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw new Error(`sampleRate must be a positive integer, got ${sampleRate}`);
  }
  const dataBytes = samples.length * BYTES_PER_SAMPLE;
  if (HEADER_BYTES - 8 + dataBytes > 0xffffffff) throw new Error('audio too long for a WAV file');

  const bytes = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  writeAscii(view, 0, 'RIFF');
  view.setUint32(4, HEADER_BYTES - 8 + dataBytes, true);
  writeAscii(view, 8, 'WAVE');
  writeAscii(view, 12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size for plain PCM
  view.setUint16(20, 1, true); // audio format 1 = PCM
  view.setUint16(22, 1, true); // channels
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * BYTES_PER_SAMPLE, true); // byte rate
  view.setUint16(32, BYTES_PER_SAMPLE, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  writeAscii(view, 36, 'data');
  view.setUint32(40, dataBytes, true);

  // Clip, scale, round half up with floor(v + 0.5) (several times faster than Math.round in V8 here).
  // NaN fails both comparisons and floor(NaN) stores as 0: silence.
  if (PLATFORM_IS_LITTLE_ENDIAN) {
    // Fast path: offset 44 is 2-byte aligned, so the data chunk can be viewed as Int16 directly.
    const pcm = new Int16Array(bytes.buffer, HEADER_BYTES, samples.length);
    for (let i = 0; i < samples.length; i++) {
      let v = (samples[i] as number) * 32767;
      v = v < -32767 ? -32767 : v > 32767 ? 32767 : v;
      pcm[i] = Math.floor(v + 0.5);
    }
  } else {
    for (let i = 0; i < samples.length; i++) {
      let v = (samples[i] as number) * 32767;
      v = v < -32767 ? -32767 : v > 32767 ? 32767 : v;
      view.setInt16(HEADER_BYTES + i * BYTES_PER_SAMPLE, Math.floor(v + 0.5) || 0, true);
    }
  }
  return bytes;
}
