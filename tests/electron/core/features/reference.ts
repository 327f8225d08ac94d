/**
 * Test helpers: the librosa 0.11 reference set (`tests/fixtures/reference/librosa`, copied into the repo
 * from the team's shared reference folder; its README says how librosa produced it) and a tiny 32-bit
 * float WAV reader, kept here so these tests do not depend on the app's decoder.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The repository root (this file is tests/electron/core/features/reference.ts). */
export const repoRoot = path.resolve(import.meta.dirname, '../../../..');

/** Inside the repository: a user's clone has nothing beside it. */
export const referenceDir = path.join(repoRoot, 'tests/fixtures/reference/librosa');

export const SIGNALS = ['chirp', 'harmonic', 'speech'] as const;
export type SignalName = (typeof SIGNALS)[number];

export interface MonoWav {
  sampleRate: number;
  samples: Float32Array;
}

function fourCC(view: DataView, at: number): string {
  return String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
}

/** Reads a mono IEEE-float 32-bit WAV (format tag 3, or EXTENSIBLE with a float sub-format). */
export function readFloatWav(file: string): MonoWav {
  const bytes = fs.readFileSync(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (fourCC(view, 0) !== 'RIFF' || fourCC(view, 8) !== 'WAVE') throw new Error(`${file}: not a RIFF/WAVE file`);
  let sampleRate = 0;
  let pos = 12;
  while (pos + 8 <= view.byteLength) {
    const id = fourCC(view, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'fmt ') {
      let tag = view.getUint16(body, true);
      if (tag === 0xfffe) tag = view.getUint16(body + 24, true);
      const channels = view.getUint16(body + 2, true);
      const bits = view.getUint16(body + 14, true);
      if (tag !== 3 || channels !== 1 || bits !== 32) {
        throw new Error(`${file}: expected mono 32-bit float, got tag ${tag}, ${channels} ch, ${bits} bits`);
      }
      sampleRate = view.getUint32(body + 4, true);
    } else if (id === 'data') {
      if (sampleRate === 0) throw new Error(`${file}: data chunk before fmt chunk`);
      const n = Math.floor(Math.min(size, view.byteLength - body) / 4);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = view.getFloat32(body + 4 * i, true);
      return { sampleRate, samples };
    }
    pos = body + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

/** librosa's output for one signal: 2-D arrays are [coefficient][frame], 1-D are [frame]. */
export interface ReferenceFeatures {
  log_mel_64_db: number[][];
  mfcc_40_from_128_mels: number[][];
  mfcc_40_from_64_mels: number[][];
  mfcc_40_from_64_mels_delta: number[][];
  mfcc_40_from_64_mels_delta2: number[][];
  chroma_12: number[][];
  spectral_centroid_hz: number[];
  spectral_rolloff_hz: number[];
  spectral_bandwidth_hz: number[];
  zcr: number[];
  rms: number[];
}

export interface Reference {
  name: SignalName;
  wav: MonoWav;
  features: ReferenceFeatures;
}

export function loadReference(name: SignalName): Reference {
  const json = JSON.parse(fs.readFileSync(path.join(referenceDir, `${name}.json`), 'utf8')) as { features: ReferenceFeatures };
  return { name, wav: readFloatWav(path.join(referenceDir, `${name}.wav`)), features: json.features };
}
