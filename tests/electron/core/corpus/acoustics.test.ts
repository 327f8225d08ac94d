/**
 * Acoustic separability of the synthetic corpus, measured independently of the generator with plain-JS
 * measures (level, autocorrelation F0, zero crossings, band-energy ratio, speech duration).
 * The corpus must be learnable across actors — but not trivially.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCorpus } from '../../../../electron/core/corpus/demoCorpus';

const ACTORS = 12;
const TRAIN_ACTORS = 8;
const EMOTION_CODES = ['01', '02', '03', '04', '05', '06', '07', '08'] as const;
const NAMES: Record<string, string> = {
  '01': 'neutral', '02': 'calm', '03': 'happy', '04': 'sad', '05': 'angry', '06': 'fearful', '07': 'disgust', '08': 'surprised',
};

interface Clip {
  emotion: string;
  intensity: string;
  actor: number;
  features: Features;
}

interface Features {
  /** Mean power of the active frames, dB re full scale. */
  levelDb: number;
  /** Mean F0 over voiced frames in semitones re 100 Hz. */
  f0St: number;
  /** Standard deviation of F0 in semitones (intonation range). */
  f0RangeSt: number;
  /** Zero crossings per sample over active frames. */
  zcr: number;
  /** Energy above / below ~1 kHz in dB (spectral tilt). */
  hiLoDb: number;
  /** Seconds of active (speech) frames: tempo. */
  activeSec: number;
  /** Fraction of active frames judged voiced by the autocorrelation. */
  voicedFraction: number;
}

/** Parse a PCM16 mono WAV with DataView, independently of the encoder under test. */
function readPcm16(bytes: Uint8Array): { sampleRate: number; samples: Float64Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sampleRate = view.getUint32(24, true);
  const dataBytes = view.getUint32(40, true);
  const n = dataBytes / 2;
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) samples[i] = view.getInt16(44 + 2 * i, true) / 32768;
  return { sampleRate, samples };
}

const FRAME_SEC = 0.02;

function analyse(samples: Float64Array, fs: number): Features {
  const frame = Math.round(FRAME_SEC * fs);
  const frames = Math.floor(samples.length / frame);
  // Band split for the spectral-balance feature: two one-pole lowpasses at 800 Hz (below ~1 kHz) and two
  // one-pole highpasses at 1.5 kHz (above ~1 kHz); −12 dB/oct skirts are selective enough for a tilt cue.
  const lpA = 1 - Math.exp((-2 * Math.PI * 800) / fs);
  const hpA = 1 - Math.exp((-2 * Math.PI * 1500) / fs);
  const low = new Float64Array(samples.length);
  const high = new Float64Array(samples.length);
  let l1 = 0, l2 = 0, h1 = 0, h2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i] as number;
    l1 += lpA * (x - l1);
    l2 += lpA * (l1 - l2);
    h1 += hpA * (x - h1); // h1 tracks the lows; x - h1 is the one-pole highpass
    const hp1 = x - h1;
    h2 += hpA * (hp1 - h2);
    low[i] = l2;
    high[i] = hp1 - h2;
  }
  const power = new Float64Array(frames);
  let maxDb = -Infinity;
  for (let f = 0; f < frames; f++) {
    let s = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) s += (samples[i] as number) ** 2;
    power[f] = s / frame;
    maxDb = Math.max(maxDb, 10 * Math.log10(power[f]! + 1e-12));
  }
  // Decimate by 6 (48 k → 8 k) with a boxcar average for the autocorrelation pitch tracker.
  const dec = 6;
  const ds = new Float64Array(Math.floor(samples.length / dec));
  for (let i = 0; i < ds.length; i++) {
    let s = 0;
    for (let j = 0; j < dec; j++) s += samples[i * dec + j] as number;
    ds[i] = s / dec;
  }
  const dfs = fs / dec;
  const minLag = Math.floor(dfs / 500);
  const maxLag = Math.ceil(dfs / 60);
  const win = Math.round(0.04 * dfs);

  let activePower = 0, active = 0, zc = 0, hi = 0, lo = 0, voiced = 0;
  const f0s: number[] = [];
  for (let f = 0; f < frames; f++) {
    const db = 10 * Math.log10(power[f]! + 1e-12);
    if (db < maxDb - 30) continue;
    active++;
    activePower += power[f]!;
    for (let i = f * frame + 1; i < (f + 1) * frame; i++) {
      if (((samples[i] as number) >= 0) !== ((samples[i - 1] as number) >= 0)) zc++;
      const l = low[i] as number;
      const h = high[i] as number;
      lo += l * l;
      hi += h * h;
    }
    // Pitch on every other active frame (40 ms window), to keep the test fast.
    if (f % 2 !== 0) continue;
    const start = Math.floor((f * frame) / dec);
    if (start + win + maxLag >= ds.length) continue;
    let r0 = 0;
    for (let i = start; i < start + win; i++) r0 += (ds[i] as number) ** 2;
    let best = 0, bestLag = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let r = 0, e = 0;
      for (let i = start; i < start + win; i++) {
        r += (ds[i] as number) * (ds[i + lag] as number);
        e += (ds[i + lag] as number) ** 2;
      }
      const nr = r / Math.sqrt(r0 * e + 1e-20);
      if (nr > best) {
        best = nr;
        bestLag = lag;
      }
    }
    if (best > 0.6) {
      voiced++;
      f0s.push(12 * Math.log2(dfs / bestLag / 100));
    }
  }
  const mean = f0s.reduce((s, v) => s + v, 0) / Math.max(1, f0s.length);
  const sd = Math.sqrt(f0s.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, f0s.length));
  return {
    levelDb: 10 * Math.log10(activePower / Math.max(1, active) + 1e-12),
    f0St: mean,
    f0RangeSt: sd,
    zcr: zc / Math.max(1, active * frame),
    hiLoDb: 10 * Math.log10((hi + 1e-12) / (lo + 1e-12)),
    activeSec: active * FRAME_SEC,
    voicedFraction: voiced / Math.max(1, Math.ceil(active / 2)),
  };
}

const FEATURE_KEYS = ['levelDb', 'f0St', 'f0RangeSt', 'zcr', 'hiLoDb', 'activeSec', 'voicedFraction'] as const;

function vector(c: Clip): number[] {
  return FEATURE_KEYS.map((k) => c.features[k]);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, v) => s + v, 0) / xs.length;
}

/** Mean of a feature over the clips of one emotion (and optionally intensity), averaged per actor first. */
function emotionMean(clips: readonly Clip[], emotion: string, key: keyof Features, intensity?: string): number {
  const perActor: number[] = [];
  for (let a = 1; a <= ACTORS; a++) {
    const xs = clips
      .filter((c) => c.actor === a && NAMES[c.emotion] === emotion && (intensity === undefined || c.intensity === intensity))
      .map((c) => c.features[key]);
    if (xs.length > 0) perActor.push(mean(xs));
  }
  return mean(perActor);
}

/** Nearest-centroid classifier on z-scored features: train on some actors, test on the others. */
function nearestCentroidAccuracy(train: readonly Clip[], test: readonly Clip[]): number {
  const dims = FEATURE_KEYS.length;
  const mu = new Array<number>(dims).fill(0);
  const sd = new Array<number>(dims).fill(0);
  for (const c of train) vector(c).forEach((v, i) => (mu[i]! += v / train.length));
  for (const c of train) vector(c).forEach((v, i) => (sd[i]! += (v - mu[i]!) ** 2 / train.length));
  const z = (c: Clip): number[] => vector(c).map((v, i) => (v - mu[i]!) / Math.sqrt(sd[i]! + 1e-12));
  const centroids = new Map<string, number[]>();
  for (const e of EMOTION_CODES) {
    const members = train.filter((c) => c.emotion === e).map(z);
    centroids.set(e, Array.from({ length: dims }, (_, i) => mean(members.map((m) => m[i]!))));
  }
  let correct = 0;
  for (const c of test) {
    const v = z(c);
    let best = '';
    let bestD = Infinity;
    for (const [e, m] of centroids) {
      const d = v.reduce((s, x, i) => s + (x - m[i]!) ** 2, 0);
      if (d < bestD) {
        bestD = d;
        best = e;
      }
    }
    if (best === c.emotion) correct++;
  }
  return correct / test.length;
}

describe('synthetic corpus acoustics', () => {
  let dir = '';
  const clips: Clip[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'es-corpus-acoustics-'));
    await generateDemoCorpus(dir, { actors: ACTORS, seed: 1 });
    for (const folder of readdirSync(dir)) {
      for (const name of readdirSync(join(dir, folder))) {
        const [, , emotion, intensity, , , actor] = name.replace('.wav', '').split('-');
        const { samples, sampleRate } = readPcm16(readFileSync(join(dir, folder, name)));
        clips.push({ emotion: emotion!, intensity: intensity!, actor: Number(actor), features: analyse(samples, sampleRate) });
      }
    }
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('moves the features in the expected directions relative to other emotions', () => {
    const level = (e: string): number => emotionMean(clips, e, 'levelDb');
    const f0 = (e: string): number => emotionMean(clips, e, 'f0St');
    expect(level('angry')).toBeGreaterThan(level('sad') + 3);
    for (const high of ['happy', 'fearful', 'surprised']) {
      for (const low of ['sad', 'calm']) expect(f0(high), `${high} vs ${low}`).toBeGreaterThan(f0(low) + 1);
    }
    expect(emotionMean(clips, 'angry', 'hiLoDb')).toBeGreaterThan(emotionMean(clips, 'sad', 'hiLoDb'));
    expect(emotionMean(clips, 'sad', 'activeSec')).toBeGreaterThan(emotionMean(clips, 'angry', 'activeSec'));
  });

  it('makes strong intensity deviate further from neutral than normal intensity', () => {
    const neutral = { level: emotionMean(clips, 'neutral', 'levelDb'), f0: emotionMean(clips, 'neutral', 'f0St') };
    const distance = (intensity: string): number =>
      Math.hypot(
        emotionMean(clips, 'angry', 'levelDb', intensity) - neutral.level,
        emotionMean(clips, 'angry', 'f0St', intensity) - neutral.f0,
      );
    expect(distance('02')).toBeGreaterThan(distance('01') * 1.3);
  });

  it('is learnable across actors by a nearest-centroid classifier, but not trivially', () => {
    const train = clips.filter((c) => c.actor <= TRAIN_ACTORS);
    const test = clips.filter((c) => c.actor > TRAIN_ACTORS);
    expect(train).toHaveLength(TRAIN_ACTORS * 60);
    expect(test).toHaveLength((ACTORS - TRAIN_ACTORS) * 60);
    const accuracy = nearestCentroidAccuracy(train, test);
    console.log(`nearest-centroid accuracy on held-out actors: ${(accuracy * 100).toFixed(1)} %`);
    expect(accuracy).toBeGreaterThanOrEqual(0.35);
    expect(accuracy).toBeLessThan(0.95);
  });
});
