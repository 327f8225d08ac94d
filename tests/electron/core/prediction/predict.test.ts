import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { decodeWavFile } from '../../../../electron/core/audio/decode';
import { initResampler, resample } from '../../../../electron/core/audio/resample';
import { QUIET_DBFS } from '../../../../electron/core/prediction/domain';
import { predictFile, SILENCE_DBFS } from '../../../../electron/core/prediction/predictFile';
import { disposePredictor, loadPredictor, PredictorCache, type Predictor } from '../../../../electron/core/prediction/predictor';
import { runExperiment } from '../../../../electron/core/training/runExperiment';
import { EngineError } from '../../../../shared/errors';
import { MIN_CLIP_SEC, type Prediction } from '../../../../shared/prediction';
import { EMOTION_BY_CODE } from '../../../../shared/ravdess';
import { tempDir } from '../../../helpers/fixtureCorpus';
import { quickConfig, trainQuickExperiment, type TrainedExperiment } from '../../../helpers/trainedModel';
import { fmtBody, pcm16Wav, pcmWav, riff } from '../../../helpers/wavBytes';

const corpus = inject('corpus8');
let trained: TrainedExperiment;
let predictor: Predictor;
let saved: Array<{ clipId: number; path: string; predicted: string }>;
let work: string;

beforeAll(async () => {
  await initResampler();
  // predictFile's own mechanics on raw features; speaker-normalised models (the default) are
  // tests/electron/core/training/speakerNorm.test.ts, where the database supplies each actor's statistics.
  trained = await trainQuickExperiment(corpus, { features: { speaker_normalization: 'none' } });
  predictor = await loadPredictor(trained.artifactsDir);
  saved = JSON.parse(fs.readFileSync(path.join(trained.artifactsDir, 'test_predictions.json'), 'utf8')) as typeof saved;
  work = tempDir('predict-files');
}, 120_000);
afterAll(() => {
  disposePredictor(predictor);
  trained.db.close();
});

const clipPath = (i: number) => path.join(corpus, saved[i]?.path as string);
const sum = (p: Record<string, number>) => Object.values(p).reduce((a, b) => a + b, 0);
const write = (name: string, bytes: Uint8Array) => {
  const file = path.join(work, name);
  fs.writeFileSync(file, bytes);
  return file;
};
const engineError = (f: () => unknown): EngineError => {
  try {
    f();
  } catch (err) {
    if (err instanceof EngineError) return err;
    throw err;
  }
  throw new Error('expected an EngineError');
};
/** 48 kHz mono samples of several test clips back to back. */
const concatenated = (indices: number[], gapSec = 0): Float32Array => {
  const parts = indices.map((i) => decodeWavFile(clipPath(i)).samples);
  const gap = Math.round(gapSec * 48000);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0) + gap * (parts.length - 1));
  let at = 0;
  parts.forEach((p, i) => {
    out.set(p, at);
    at += p.length + (i < parts.length - 1 ? gap : 0);
  });
  return out;
};

describe('done when 1: predictions reproduce the experiment’s own evaluation', () => {
  it('every test clip gets the label test_predictions.json recorded, judged on the training window', () => {
    expect(saved.length).toBe(trained.result.split.counts.test);
    const { offsetSec } = predictor.preprocessor.featureConfig.audio;
    const got = saved.map((s) => {
      const p = predictFile(predictor, path.join(corpus, s.path), { displayName: s.path });
      expect(p.windows).toHaveLength(1);
      expect(p.windows[0]?.start).toBe(offsetSec);
      expect(p.groundTruth).toBe(EMOTION_BY_CODE[path.basename(s.path).split('-')[2] as string]);
      expect(p.correct).toBe(p.emotion === p.groundTruth);
      return p.emotion;
    });
    expect(got).toEqual(saved.map((s) => s.predicted));
  });

  it('a sequence model (LSTM: MFCC + log-mel frames) reproduces its evaluation too', async () => {
    const config = quickConfig({ model: { name: 'lstm', hidden_layers: [32], dropout_rates: [0.2] }, training: { epochs: 1 }, features: { speaker_normalization: 'none' } });
    const r = await runExperiment({ db: trained.db, datasetId: trained.datasetId, config, name: 'lstm', artifactsRoot: path.join(trained.dir, 'experiments') });
    const lstm = await loadPredictor(r.artifacts.dir);
    try {
      expect(lstm.preprocessor).toMatchObject({ input: 'sequence', modelName: 'lstm' });
      const expected = JSON.parse(fs.readFileSync(path.join(r.artifacts.dir, 'test_predictions.json'), 'utf8')) as typeof saved;
      expect(expected.map((s) => predictFile(lstm, path.join(corpus, s.path)).emotion)).toEqual(expected.map((s) => s.predicted));
    } finally {
      disposePredictor(lstm);
    }
  });

  it('reports the model, the labels, probabilities summing to 1 and timings', () => {
    const p = predictFile(predictor, clipPath(0));
    expect(p).toMatchObject({ experimentId: null, modelName: 'advanced_dnn', labels: trained.result.labels, hopSec: 1, sampleRate: 48000, channels: 1, silent: false, outOfDomain: false, warnings: [] });
    expect(Object.keys(p.probabilities)).toEqual(p.labels);
    expect(sum(p.probabilities)).toBeCloseTo(1, 5);
    expect(p.confidence).toBe(Math.max(...Object.values(p.probabilities)));
    expect(p.emotion).toBe(p.labels.find((l) => p.probabilities[l] === p.confidence));
    for (const k of ['decodeMs', 'featuresMs', 'modelMs', 'totalMs'] as const) expect(p.timings[k]).toBeGreaterThan(0);
  });
});

describe('done when 2: other formats and long files', () => {
  it('a 44.1 kHz stereo 24-bit WAV predicts, with its own rate and channels reported', () => {
    const mono = decodeWavFile(clipPath(0)).samples;
    const left = resample(mono, 48000, 44100);
    const right = left.map((x) => 0.5 * x);
    const name = path.basename(clipPath(0));
    const file = write(name, pcmWav([left, right], 44100, 24));
    const p = predictFile(predictor, file);
    const original = predictFile(predictor, clipPath(0));
    expect(p).toMatchObject({ sampleRate: 44100, channels: 2, silent: false, groundTruth: original.groundTruth });
    expect(p.windows).toHaveLength(1);
    expect(sum(p.probabilities)).toBeCloseTo(1, 5);
    // The same sound through another rate, depth and layout: the model hears nearly the same thing.
    for (const label of p.labels) expect(Math.abs((p.probabilities[label] as number) - (original.probabilities[label] as number))).toBeLessThan(0.05);
  });

  it('a 60 s clip is scored in 3 s windows every second; the verdict is their mean', () => {
    const file = write('long.wav', pcmWav([concatenated(Array.from({ length: 22 }, (_, i) => i)).subarray(0, 60 * 48000)], 48000));
    const p = predictFile(predictor, file);
    expect(p.durationSec).toBe(60);
    expect(p.groundTruth).toBeUndefined();
    expect(p.windows.map((w) => [w.start, w.end])).toEqual(Array.from({ length: 58 }, (_, i) => [i, i + 3]));
    for (const w of p.windows) {
      expect(sum(w.probabilities)).toBeCloseTo(1, 5);
      expect(w.emotion).toBe(p.labels.find((l) => w.probabilities[l] === w.confidence));
    }
    for (const label of p.labels) {
      const mean = p.windows.reduce((s, w) => s + (w.probabilities[label] as number), 0) / p.windows.length;
      expect(p.probabilities[label]).toBeCloseTo(mean, 6);
    }
    expect(p.silent).toBe(false);
    expect(p.warnings).toEqual([]);
  });

  it('with a hop that leaves the tail uncovered, a last window is aligned to the end', () => {
    const file = path.join(work, 'long.wav');
    const p = predictFile(predictor, file, { hopSec: 2.5 });
    const starts = p.windows.map((w) => w.start);
    expect(starts).toEqual([...Array.from({ length: 23 }, (_, i) => i * 2.5), 57]);
    expect(p.windows.at(-1)).toMatchObject({ start: 57, end: 60 });
    expect(p.hopSec).toBe(2.5);
  });

  it('a window is the training front end at that start: window 0 of clips back to back equals clip 0 judged from 0 s', () => {
    const file = write('two.wav', pcmWav([concatenated([0, 1, 2])], 48000));
    const p = predictFile(predictor, file);
    const alone = { ...predictor, preprocessor: { ...predictor.preprocessor, featureConfig: { ...predictor.preprocessor.featureConfig, audio: { ...predictor.preprocessor.featureConfig.audio, offsetSec: 0 } } } };
    const single = predictFile(alone, clipPath(0));
    for (const label of p.labels) expect(p.windows[0]?.probabilities[label]).toBeCloseTo(single.probabilities[label] as number, 5);
  });

  it('a clip with under 0.5 s after the offset is judged from its start, with a warning', () => {
    const x = decodeWavFile(clipPath(0)).samples.subarray(Math.round(0.8 * 48000), Math.round(1.7 * 48000)); // 0.9 s of speech
    const p = predictFile(predictor, write('brief.wav', pcmWav([x], 48000)));
    expect(p.windows).toEqual([expect.objectContaining({ start: 0, end: 0.9 })]);
    expect(p.silent).toBe(false);
    // 0.9 s in a 3 s window: 70 % padding, which no training clip had.
    expect(p.warnings).toEqual([
      expect.stringContaining('judged from its start'),
      "Out of the model's domain: only 0.90 s of audio fall in the model's 3 s window (70 % of it is silence padding); the training clips filled it.",
    ]);
    expect(p.outOfDomain).toBe(true);
  });

  it('silent windows of a long clip are uniform and left out of the overall mean', () => {
    // Four clips with 10 s of digital silence in the middle.
    const speech = concatenated([0, 1, 2, 3]);
    const half = Math.floor(speech.length / 2);
    const x = new Float32Array(speech.length + 10 * 48000);
    x.set(speech.subarray(0, half));
    x.set(speech.subarray(half), half + 10 * 48000);
    const file = write('gap.wav', pcmWav([x], 48000));
    const p = predictFile(predictor, file);
    const k = p.labels.length;
    const quiet = p.windows.filter((w) => Object.values(w.probabilities).every((v) => v === 1 / k));
    expect(quiet.length).toBeGreaterThanOrEqual(6);
    const heard = p.windows.filter((w) => !quiet.includes(w));
    for (const label of p.labels) {
      expect(p.probabilities[label]).toBeCloseTo(heard.reduce((s, w) => s + (w.probabilities[label] as number), 0) / heard.length, 6);
    }
    expect(p.silent).toBe(false);
    expect(p.warnings).toEqual([expect.stringMatching(new RegExp(`^${quiet.length} of ${p.windows.length} windows are silent`))]);
  });
});

describe('silence', () => {
  const silentCases: Array<[string, number]> = [
    ['digital silence', 0],
    [`noise at ${SILENCE_DBFS - 10} dBFS`, 10 ** ((SILENCE_DBFS - 10) / 20)],
  ];
  it.each(silentCases)('%s: uniform probabilities, confidence 1/K, silent, and a warning saying so', (_, level) => {
    const x = Float32Array.from({ length: 3 * 48000 }, (_, i) => level * Math.sin(i * 0.37));
    const p = predictFile(predictor, write('quiet.wav', pcmWav([x], 48000, 24)));
    const k = p.labels.length;
    expect(p.silent).toBe(true);
    expect(p.confidence).toBeCloseTo(1 / k, 6);
    expect(Object.values(p.probabilities).every((v) => Math.abs(v - 1 / k) < 1e-6)).toBe(true);
    expect(p.warnings.join(' ')).toMatch(/silent/);
  });

  it(`a quiet clip above ${SILENCE_DBFS} dBFS is heard (normalisation brings it up, as in training)`, () => {
    const loud = decodeWavFile(clipPath(0)).samples;
    let peak = 0;
    for (const v of loud) peak = Math.max(peak, Math.abs(v));
    const quiet = loud.map((v) => (v / peak) * 10 ** ((SILENCE_DBFS + 20) / 20));
    const p = predictFile(predictor, write('soft.wav', pcmWav([quiet], 48000, 24)));
    expect(p.silent).toBe(false);
    expect(p.warnings).toEqual([]);
  });
});

describe("out of the model's domain", () => {
  it('8 kHz telephone-rate audio: predicted, but flagged as out of domain, naming both rates', () => {
    const narrow = resample(decodeWavFile(clipPath(0)).samples, 48000, 8000);
    const p = predictFile(predictor, write('call.wav', pcmWav([narrow], 8000)));
    expect(p.sampleRate).toBe(8000);
    expect(p.outOfDomain).toBe(true);
    expect(p.warnings).toEqual([
      "Out of the model's domain: the file is 8000 Hz, below the 22050 Hz the model analyses, so it has nothing above 4 kHz where the training audio had sound up to 11.03 kHz. Read the verdict as unreliable.",
    ]);
  });

  it(`near-silence (peak below ${QUIET_DBFS} dBFS, above silence) is heard but flagged`, () => {
    const loud = decodeWavFile(clipPath(0)).samples;
    let peak = 0;
    for (const v of loud) peak = Math.max(peak, Math.abs(v));
    const whisper = loud.map((v) => (v / peak) * 10 ** (-52 / 20));
    const p = predictFile(predictor, write('whisper.wav', pcmWav([whisper], 48000, 24)));
    expect(p.silent).toBe(false);
    expect(p.outOfDomain).toBe(true);
    expect(p.warnings).toEqual([expect.stringMatching(/^Out of the model's domain: the audio is very quiet \(peak -52 dBFS, below -45 dBFS\)/)]);
  });
});

describe('ground truth', () => {
  it('a RAVDESS name of an emotion the model was not trained on: ground truth, no mark, a warning', () => {
    expect(predictor.preprocessor.labels).not.toContain('disgust');
    const file = write('03-01-07-02-01-01-07.wav', fs.readFileSync(clipPath(0)));
    const p = predictFile(predictor, file);
    expect(p.groundTruth).toBe('disgust');
    expect(p.correct).toBeUndefined();
    expect(p.warnings).toEqual([expect.stringContaining('disgust, an emotion this model was not trained on')]);
  });

  it('the display name, not the path, is what is reported and parsed', () => {
    const file = write('upload-1.wav', fs.readFileSync(clipPath(0)));
    const p = predictFile(predictor, file, { displayName: path.basename(clipPath(0)) });
    expect(p.file).toBe(path.basename(clipPath(0)));
    expect(p.groundTruth).toBeDefined();
  });
});

describe('bad input: a typed error naming the file and the reason', () => {
  const cases: Array<[string, () => Uint8Array, string, RegExp]> = [
    ['not a WAV', () => new TextEncoder().encode('ID3 this is an mp3, honestly, and a long one too'), 'BAD_FILE', /not a WAV file/],
    ['corrupt (truncated)', () => fs.readFileSync(clipPath(0)).subarray(0, 50_000), 'BAD_FILE', /truncated/],
    ['MP3 inside WAV (format 0x55)', () => riff([{ id: 'fmt ', body: fmtBody({ formatTag: 0x55 }) }, { id: 'data', body: new Uint8Array(96_000) }]), 'BAD_FILE', /unsupported codec: format tag 0x0055 \(MP3\)/],
    ['IMA ADPCM', () => riff([{ id: 'fmt ', body: fmtBody({ formatTag: 0x11, bitDepth: 4 }) }, { id: 'data', body: new Uint8Array(96_000) }]), 'BAD_FILE', /unsupported codec: format tag 0x0011 \(IMA ADPCM\)/],
    [`shorter than ${MIN_CLIP_SEC} s`, () => pcm16Wav(0.3), 'BAD_FILE', /0\.30 s of audio is too short to judge \(at least 0\.5 s\)/],
  ];
  it.each(cases)('%s', (name, bytes, code, reason) => {
    const file = write(`${name.replace(/\W+/g, '_')}.wav`, bytes());
    const err = engineError(() => predictFile(predictor, file));
    expect(err.code).toBe(code);
    expect(err.message.startsWith(`${file}: `)).toBe(true);
    expect(err.message).toMatch(reason);
  });

  it('a missing file is NOT_FOUND', () => {
    const file = path.join(work, 'nope.wav');
    expect(engineError(() => predictFile(predictor, file))).toMatchObject({ code: 'NOT_FOUND', message: `${file}: file does not exist` });
  });

  it('a bad hop is refused', () => {
    expect(engineError(() => predictFile(predictor, clipPath(0), { hopSec: 0 })).code).toBe('INVALID_PAYLOAD');
  });
});

describe('bounded memory on long files', () => {
  it('a one-hour 48 kHz stereo file is read window by window: no read larger than a window, a fraction of the file in all', () => {
    // A sparse file: a real header and an hour of (silent) samples that take no disk space.
    const seconds = 3600;
    const frameBytes = 4;
    const dataBytes = seconds * 48000 * frameBytes;
    const header = riff([{ id: 'fmt ', body: fmtBody({ channels: 2, sampleRate: 48000, bitDepth: 16 }) }, { id: 'data', body: new Uint8Array(0), declaredSize: dataBytes }]);
    const file = path.join(work, 'hour.wav');
    fs.writeFileSync(file, header);
    fs.truncateSync(file, header.length + dataBytes);
    const reads: number[] = [];
    const spy = vi.spyOn(fs, 'readSync');
    try {
      const p = predictFile(predictor, file, { hopSec: 30 });
      for (const call of spy.mock.calls) reads.push(call[2] as number);
      expect(p.windows).toHaveLength(121);
      expect(p.windows.at(-1)).toMatchObject({ start: 3597, end: 3600 });
      expect(p.silent).toBe(true);
    } finally {
      spy.mockRestore();
    }
    // One window is 3 s; the resampler's margin adds well under 0.05 s.
    const windowBytes = 3.05 * 48000 * frameBytes;
    expect(Math.max(...reads)).toBeLessThanOrEqual(windowBytes);
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(122 * windowBytes);
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(dataBytes / 5);
  });
});

describe('loadPredictor: the folder is checked before any audio', () => {
  const copyModel = (mutate: (dir: string) => void): string => {
    const dir = fs.mkdtempSync(path.join(work, 'model-'));
    fs.cpSync(trained.artifactsDir, dir, { recursive: true });
    mutate(dir);
    return dir;
  };
  const editPreprocessor = (edit: (p: Record<string, unknown>) => void) => (dir: string) => {
    const file = path.join(dir, 'preprocessor.json');
    const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    edit(p);
    fs.writeFileSync(file, JSON.stringify(p));
  };
  const cases: Array<[string, (dir: string) => void, string, RegExp]> = [
    ['preprocessor.json missing', (d) => fs.rmSync(path.join(d, 'preprocessor.json')), 'NOT_FOUND', /preprocessor\.json is missing/],
    ['preprocessor.json not JSON', (d) => fs.writeFileSync(path.join(d, 'preprocessor.json'), '{ "version": 1,'), 'BAD_FILE', /preprocessor\.json is not valid JSON/],
    ['a future version', editPreprocessor((p) => (p.version = 2)), 'BAD_FILE', /preprocessor\.json: version 2 is not one this app reads/],
    ['a missing field', editPreprocessor((p) => delete p.labels), 'BAD_FILE', /preprocessor\.json: labels:/],
    ['sampleShape against featureNames', editPreprocessor((p) => (p.sampleShape = [12])), 'BAD_FILE', /inconsistent shapes: \d+ featureNames for 12 channels/],
    ['scaler against featureNames', editPreprocessor((p) => ((p.scaler as { mean: number[] }).mean = [1, 2])), 'BAD_FILE', /inconsistent shapes: the scaler has 2 means/],
    ['labels against the model', editPreprocessor((p) => (p.labels = ['neutral', 'calm', 'happy'])), 'BAD_FILE', /has 6 outputs but preprocessor\.json lists 3 labels/],
    ['model.json missing', (d) => fs.rmSync(path.join(d, 'model.json')), 'NOT_FOUND', /model\.json is missing/],
    ['weights.bin truncated', (d) => fs.truncateSync(path.join(d, 'weights.bin'), 100), 'BAD_FILE', /weights\.bin is 100 bytes/],
  ];
  it.each(cases)('%s', async (_, mutate, code, reason) => {
    const dir = copyModel(mutate);
    await expect(loadPredictor(dir)).rejects.toMatchObject({ code, message: expect.stringMatching(reason) });
    await expect(loadPredictor(dir)).rejects.toMatchObject({ message: expect.stringContaining(dir) });
  });

  it('a folder that does not exist is NOT_FOUND', async () => {
    await expect(loadPredictor(path.join(work, 'gone'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('gone does not exist') });
  });
});

describe('PredictorCache', () => {
  it('keeps the 3 most recently used models, disposes the evicted one, and reloads a folder that changed', async () => {
    const dirs = ['a', 'b', 'c', 'd'].map((n) => {
      const dir = path.join(work, `cache-${n}`);
      fs.cpSync(trained.artifactsDir, dir, { recursive: true });
      return dir;
    });
    const cache = new PredictorCache(3);
    const got = new Map<string, Predictor>();
    for (const dir of dirs.slice(0, 3)) got.set(dir, await cache.use(dir, (p) => p));
    expect(await cache.use(dirs[0] as string, (p) => p)).toBe(got.get(dirs[0] as string)); // a hit; a is now the newest
    got.set(dirs[3] as string, await cache.use(dirs[3] as string, (p) => p)); // evicts b, the least recently used
    expect(cache.folders).toEqual([dirs[2], dirs[0], dirs[3]]);
    const evicted = got.get(dirs[1] as string) as Predictor;
    expect(evicted.disposed).toBe(true);
    expect(() => predictFile(evicted, clipPath(0))).toThrow(/already released/);
    expect(() => evicted.members[0]?.model.predict(evicted.members[0].model.inputs[0] as never)).toThrow();
    expect(got.get(dirs[0] as string)?.disposed).toBe(false);

    // Retrained in place: a new model.json is a new model; the old one is disposed.
    const c = dirs[2] as string;
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(c, 'model.json'), later, later);
    const reloaded = await cache.use(c, (p) => p);
    expect(reloaded).not.toBe(got.get(c));
    expect(got.get(c)?.disposed).toBe(true);
    expect(predictFile(reloaded, clipPath(0)).emotion).toBe(predictFile(got.get(dirs[0] as string) as Predictor, clipPath(0)).emotion);
    cache.clear();
    expect(reloaded.disposed).toBe(true);
  });

  it('a model in use is disposed only when its caller is done', async () => {
    const dirs = ['e', 'f', 'g'].map((n) => {
      const dir = path.join(work, `cache-${n}`);
      fs.cpSync(trained.artifactsDir, dir, { recursive: true });
      return dir;
    });
    const cache = new PredictorCache(1);
    let inside: Predictor | null = null;
    const result: Prediction = await cache.use(dirs[0] as string, async (p) => {
      inside = p;
      await cache.use(dirs[1] as string, () => undefined); // evicts e while it is in use
      expect(p.disposed).toBe(false);
      return predictFile(p, clipPath(0));
    });
    expect(result.labels).toHaveLength(6);
    expect((inside as Predictor | null)?.disposed).toBe(true);
    await cache.use(dirs[2] as string, () => undefined);
    expect(cache.folders).toEqual([dirs[2]]);
    cache.clear();
  });
});

describe('a model trained on raw features (speaker_normalization: none)', () => {
  it('says so in its summary, and its predictions report no speaker normalisation', () => {
    expect(fs.readFileSync(path.join(trained.artifactsDir, 'results_summary.txt'), 'utf8')).toContain('Speaker normalisation: none (raw features)');
    expect(predictor.preprocessor.speakerNormalization).toEqual({ mode: 'none' });
    const p = predictFile(predictor, clipPath(0));
    expect(p.speakerNormalization).toBeUndefined();
    expect(p.warnings.join(' ')).not.toMatch(/normalises each speaker/);
  });
});
