import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCorpus } from '../../../../electron/core/corpus/demoCorpus';

const NAME = /^03-01-0[1-8]-0[12]-0[12]-0[12]-\d{2}\.wav$/;

interface WavHeader {
  format: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  dataBytes: number;
}

/** Parse a canonical 44-byte WAV header with DataView — independently of the encoder under test. */
function parseWavHeader(bytes: Uint8Array): WavHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (offset: number): string =>
    String.fromCharCode(...Array.from({ length: 4 }, (_, i) => view.getUint8(offset + i)));
  expect(ascii(0)).toBe('RIFF');
  expect(view.getUint32(4, true)).toBe(bytes.byteLength - 8);
  expect(ascii(8)).toBe('WAVE');
  expect(ascii(12)).toBe('fmt ');
  expect(view.getUint32(16, true)).toBe(16);
  expect(ascii(36)).toBe('data');
  return {
    format: view.getUint16(20, true),
    channels: view.getUint16(22, true),
    sampleRate: view.getUint32(24, true),
    byteRate: view.getUint32(28, true),
    blockAlign: view.getUint16(32, true),
    bitsPerSample: view.getUint16(34, true),
    dataBytes: view.getUint32(40, true),
  };
}

/** Relative path → SHA-256 of every file under `dir`. */
function hashTree(dir: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const folder of readdirSync(dir).sort()) {
    for (const name of readdirSync(join(dir, folder)).sort()) {
      hashes.set(`${folder}/${name}`, createHash('sha256').update(readFileSync(join(dir, folder, name))).digest('hex'));
    }
  }
  return hashes;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((folder) => readdirSync(join(dir, folder)).map((name) => `${folder}/${name}`));
}

describe('generateDemoCorpus', () => {
  let root = '';
  let twoActors = '';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'es-demo-corpus-'));
    twoActors = join(root, 'two-actors');
    await generateDemoCorpus(twoActors, { actors: 2, seed: 1 });
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('writes 60 RAVDESS-named speech clips per actor folder', () => {
    expect(readdirSync(twoActors).sort()).toEqual(['Actor_01', 'Actor_02']);
    let total = 0;
    for (const folder of ['Actor_01', 'Actor_02']) {
      const actor = folder.slice('Actor_'.length);
      const names = readdirSync(join(twoActors, folder));
      expect(names).toHaveLength(60);
      total += names.length;
      const perEmotion = new Map<string, number>();
      for (const name of names) {
        expect(name).toMatch(NAME);
        const [, , emotion, intensity, , , nameActor] = name.slice(0, -'.wav'.length).split('-');
        expect(nameActor).toBe(actor);
        expect(`${emotion}-${intensity}`, 'neutral has no strong intensity').not.toBe('01-02');
        perEmotion.set(emotion!, (perEmotion.get(emotion!) ?? 0) + 1);
      }
      expect(new Set(names).size).toBe(60);
      expect(perEmotion.get('01')).toBe(4);
      for (const code of ['02', '03', '04', '05', '06', '07', '08']) expect(perEmotion.get(code)).toBe(8);
    }
    expect(total).toBe(120);
  });

  it('writes valid 48 kHz 16-bit mono PCM WAVs of 3–4 s with audible speech', () => {
    for (const path of listFiles(twoActors)) {
      const bytes = readFileSync(join(twoActors, path));
      const h = parseWavHeader(bytes);
      expect(h).toMatchObject({ format: 1, channels: 1, sampleRate: 48000, byteRate: 96000, blockAlign: 2, bitsPerSample: 16 });
      expect(h.dataBytes).toBe(bytes.byteLength - 44);
      const seconds = h.dataBytes / 2 / 48000;
      expect(seconds, path).toBeGreaterThanOrEqual(3);
      expect(seconds, path).toBeLessThanOrEqual(4);

      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const rms = (fromSec: number, toSec: number): number => {
        let sum = 0;
        const from = Math.floor(fromSec * 48000);
        const to = Math.floor(toSec * 48000);
        for (let i = from; i < to; i++) sum += (view.getInt16(44 + 2 * i, true) / 32768) ** 2;
        return Math.sqrt(sum / (to - from));
      };
      // RAVDESS clips open with silence (≥ 0.3 s here); speech is far louder than that noise floor.
      const lead = rms(0, 0.25);
      const body = rms(0.9, 1.9);
      expect(body, path).toBeGreaterThan(0.003);
      expect(20 * Math.log10(body / lead), path).toBeGreaterThan(20);
    }
  });

  it('reports progress after each file and returns a summary', async () => {
    const dir = join(root, 'progress');
    const calls: Array<[number, number]> = [];
    const result = await generateDemoCorpus(dir, { actors: 1, seed: 1, onProgress: (done, total) => calls.push([done, total]) });
    expect(result).toMatchObject({ dir, files: 60, actors: 1, seed: 1 });
    expect(result.seconds).toBeGreaterThan(0);
    expect(calls).toHaveLength(60);
    expect(calls.map(([done]) => done)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(calls.every(([, total]) => total === 60)).toBe(true);
  });

  it('is byte-identical for the same seed, independent of how many actors are generated, and seed-dependent', async () => {
    const reference = hashTree(twoActors);
    expect(reference.size).toBe(120);

    const again = join(root, 'again');
    await generateDemoCorpus(again, { actors: 2, seed: 1 });
    expect(hashTree(again)).toEqual(reference);

    // Actor 1 alone: each file depends only on (seed, actor, take), not on the run's size or order.
    const progress = join(root, 'progress');
    for (const [path, hash] of hashTree(progress)) expect(reference.get(path), path).toBe(hash);

    const otherSeed = join(root, 'other-seed');
    await generateDemoCorpus(otherSeed, { actors: 1, seed: 2 });
    const other = hashTree(otherSeed);
    expect(other.size).toBe(60);
    for (const [path, hash] of other) expect(reference.get(path), path).not.toBe(hash);
  });

  it.each([
    [{ actors: 0 }, /actors/],
    [{ actors: 25 }, /actors/],
    [{ actors: 1.5 }, /actors/],
    [{ actors: Number.NaN }, /actors/],
    [{ seed: 1.5 }, /seed/],
    [{ seed: Number.POSITIVE_INFINITY }, /seed/],
  ])('rejects invalid options %o before writing anything', async (options, message) => {
    const dir = join(root, 'invalid');
    await expect(generateDemoCorpus(dir, options)).rejects.toThrow(message);
    expect(existsSync(dir)).toBe(false);
  });

  it('stops with "cancelled" when the signal aborts, leaving only complete files', async () => {
    const dir = join(root, 'aborted');
    const controller = new AbortController();
    const run = generateDemoCorpus(dir, {
      actors: 2,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 5) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/^cancelled$/);
    const files = listFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(files.length).toBeLessThan(60);
    expect(files.filter((f) => !f.endsWith('.wav'))).toEqual([]);
    // Whatever was written is complete and identical to an uninterrupted run.
    const reference = hashTree(twoActors);
    for (const [path, hash] of hashTree(dir)) expect(reference.get(path), path).toBe(hash);
  });

  it('does not start when the signal is already aborted', async () => {
    const dir = join(root, 'pre-aborted');
    await expect(generateDemoCorpus(dir, { actors: 1, signal: AbortSignal.abort() })).rejects.toThrow('cancelled');
    expect(listFiles(dir)).toEqual([]);
  });
});
