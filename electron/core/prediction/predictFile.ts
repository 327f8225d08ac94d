/**
 * What a trained model says about one WAV file, through exactly the code training used: the audio front
 * end (`computeWindowFeatures`: decode → mono → resample → preprocess → DSP, with the experiment's own
 * audio/DSP options), the same sample layout (`modelSample`), the saved scaler (`StandardScaler.transform`)
 * and the evaluation's `predictProbabilities`.
 *
 * WHICH AUDIO IS JUDGED
 * - A clip shorter than offset + 2 × duration (every RAVDESS clip) is judged on exactly the training
 *   window: `duration` seconds from `offset`, zero-padded. A dataset clip therefore gets the label the
 *   experiment's evaluation gave it. (A clip with less than MIN_CLIP_SEC after the offset is judged from
 *   its start instead, with a warning: the offset would leave nothing to hear.)
 * - A longer clip is scored in sliding windows of `duration` seconds starting at 0 every `hopSec`, plus a
 *   last window aligned to the end when the tail is not covered. The overall verdict is the mean of the
 *   windows' probabilities.
 *
 * SILENCE: a window whose audio peaks below SILENCE_DBFS (before normalisation, which would otherwise
 * blow the noise floor up to full scale) is not shown to the model: it gets uniform probabilities. Silent
 * windows are left out of the overall mean unless every window is silent; then the result is uniform,
 * `silent: true`, confidence 1/K, and a warning says so.
 *
 * MEMORY: the file is opened once and each window reads and decodes only its own frames (plus the
 * resampler's margin), WINDOW_BATCH windows at a time: a one-hour file costs no more memory than a clip.
 */
import path from 'node:path';
import { EngineError } from '../../../shared/errors';
import { DEFAULT_HOP_SEC, MIN_CLIP_SEC, type Prediction, type PredictionWindow, type SpeakerNormalizationUsed } from '../../../shared/prediction';
import { parseRavdessName, type Emotion } from '../../../shared/ravdess';
import { openWavFile, type WavFileReader } from '../audio/decode';
import { clipWindow } from '../audio/preprocess';
import { resampledLength } from '../audio/resample';
import { computeWindowFeatures } from '../extraction/clipFeatures';
import type { AudioOptions } from '../extraction/featureConfig';
import { modelSample } from '../training/data';
import { argmaxRows } from '../training/fit';
import { StandardScaler, type ScalerJSON } from '../training/scaler';
import { predictorProbabilities, type Predictor } from './predictor';
import { domainWarnings } from './domain';

/** Peak level (dBFS, before normalisation) below which a window counts as silent. */
export const SILENCE_DBFS = -60;
/** SILENCE_DBFS as a linear amplitude (0.001). */
export const SILENCE_PEAK = 10 ** (SILENCE_DBFS / 20);
/** Windows whose features are held at once (then scaled and run through the model together). */
export const WINDOW_BATCH = 32;
/** Most windows one prediction scores: a smaller hop on a very long file is refused, not ground through. */
export const MAX_WINDOWS = 100_000;

export interface PredictFileOptions {
  /** Hop between sliding windows on long clips (default DEFAULT_HOP_SEC). */
  hopSec?: number;
  /** What `Prediction.file` says and where a RAVDESS ground truth is read from (default: the path). */
  displayName?: string;
  /** Recorded in the result (default null: a model folder given directly). */
  experimentId?: number | null;
  /**
   * `per_actor` models: the file's speaker's statistics over the model's input (computed from the
   * database by the service), or why there are none. Absent: the speaker is unknown (fallback).
   */
  speaker?: SpeakerInput;
}

export type SpeakerInput = { actor: number; clips: number; scaler: ScalerJSON } | { reason: string };

const UNKNOWN_SPEAKER = 'the file is not an indexed clip, so its speaker is unknown';

/** The speaker scaler to apply and what the prediction reports about it; nulls for a `none` model. */
function speakerOf(predictor: Predictor, speaker: SpeakerInput | undefined): { scaler: StandardScaler | null; used: SpeakerNormalizationUsed | null } {
  if (predictor.preprocessor.speakerNormalization.mode !== 'per_actor') return { scaler: null, used: null };
  if (speaker && 'scaler' in speaker) {
    const actor = String(speaker.actor).padStart(2, '0');
    return {
      scaler: StandardScaler.fromJSON(speaker.scaler),
      used: { mode: 'per_actor', actor: speaker.actor, clips: speaker.clips, text: `normalised by actor ${actor}'s own statistics (${speaker.clips} clips), as in the evaluation` },
    };
  }
  const reason = speaker?.reason ?? UNKNOWN_SPEAKER;
  return {
    scaler: null,
    used: { mode: 'fallback', reason, text: `normalised by the training set's global statistics: ${reason}` },
  };
}

/** One window to score: where `loadWindow` starts (seconds at the model's rate) and what the result reports. */
export interface PlannedWindow {
  offsetSec: number;
  start: number;
  end: number;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/**
 * The windows of a clip of `frames` frames at `fileRate` (see the module comment). Long clips' windows
 * start on whole samples at the model's rate, so each is exactly what `preprocess` would cut there.
 */
export function planWindows(frames: number, fileRate: number, audio: AudioOptions, hopSec: number): { long: boolean; windows: PlannedWindow[]; fromStart: boolean } {
  const clipSec = frames / fileRate;
  const { offsetSec, durationSec, sampleRate } = audio;
  if (clipSec < offsetSec + 2 * durationSec) {
    const fromStart = clipSec - offsetSec < MIN_CLIP_SEC && offsetSec > 0;
    const start = fromStart ? 0 : offsetSec;
    return { long: false, fromStart, windows: [{ offsetSec: start, start, end: round6(Math.min(clipSec, start + durationSec)) }] };
  }
  const total = resampledLength(frames, fileRate, sampleRate);
  const length = clipWindow(sampleRate, 0, durationSec).length;
  const starts: number[] = [];
  for (let k = 0; ; k++) {
    const s = Math.round(k * hopSec * sampleRate);
    if (s + length > total) break;
    starts.push(s);
    if (starts.length > MAX_WINDOWS) break;
  }
  const last = starts.at(-1) ?? -1;
  if (last + length < total) starts.push(total - length); // the tail, aligned to the end
  if (starts.length > MAX_WINDOWS) {
    throw new EngineError('INVALID_PAYLOAD', `a hop of ${hopSec} s gives more than ${MAX_WINDOWS} windows on this ${clipSec.toFixed(0)} s file: use a larger hop`);
  }
  const windows = starts.map((s) => {
    const start = s / sampleRate;
    return { offsetSec: start, start: round6(start), end: round6(Math.min(clipSec, start + durationSec)) };
  });
  return { long: true, fromStart: false, windows };
}

/** Score `filePath` with `predictor`. Synchronous: the caller decides which thread blocks (see service.ts). */
export function predictFile(predictor: Predictor, filePath: string, options: PredictFileOptions = {}): Prediction {
  const started = performance.now();
  const hopSec = options.hopSec ?? DEFAULT_HOP_SEC;
  if (typeof hopSec !== 'number' || !Number.isFinite(hopSec) || hopSec <= 0) {
    throw new EngineError('INVALID_PAYLOAD', `hopSec must be a positive number of seconds, got ${String(hopSec)}`);
  }
  if (predictor.disposed) throw new EngineError('INTERNAL', `the model of ${predictor.dir} was already released`);
  const file = openWavFile(filePath);
  try {
    return predictOpened(predictor, file, hopSec, options, started);
  } finally {
    file.close();
  }
}

function predictOpened(predictor: Predictor, file: WavFileReader, hopSec: number, options: PredictFileOptions, started: number): Prediction {
  const { header } = file;
  if (header.durationSec < MIN_CLIP_SEC) {
    throw new EngineError('BAD_FILE', `${file.path}: ${header.durationSec.toFixed(2)} s of audio is too short to judge (at least ${MIN_CLIP_SEC} s)`);
  }
  const { preprocessor, sampleLayout } = predictor;
  const { labels, sampleShape } = preprocessor;
  const { audio, dsp } = preprocessor.featureConfig;
  const k = labels.length;
  const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
  const plan = planWindows(header.frames, header.sampleRate, audio, hopSec);
  const speaker = speakerOf(predictor, options.speaker);

  const timings = { decodeMs: 0, featuresMs: 0, modelMs: 0, totalMs: 0 };
  const windows: PredictionWindow[] = [];
  const overall = new Float64Array(k);
  const uniform = new Float64Array(k).fill(1 / k);
  let heard = 0;
  let loudest: number | null = null;
  for (let b = 0; b < plan.windows.length; b += WINDOW_BATCH) {
    const batch = plan.windows.slice(b, b + WINDOW_BATCH);
    const silent: boolean[] = [];
    const x = new Float32Array(batch.length * sampleSize);
    let n = 0;
    for (const w of batch) {
      const f = computeWindowFeatures(file, { ...audio, offsetSec: w.offsetSec }, dsp);
      timings.decodeMs += f.timings.decodeMs + f.timings.resampleMs + f.timings.preprocessMs;
      timings.featuresMs += f.timings.featuresMs;
      const isSilent = f.peak < SILENCE_PEAK;
      silent.push(isSilent);
      if (isSilent) continue;
      loudest = Math.max(loudest ?? 0, f.peak);
      const t = performance.now();
      const sample = modelSample(sampleLayout, f);
      if (sample.length !== sampleSize) {
        throw new EngineError('INTERNAL', `${file.path}: a window gave ${sample.length} values, the model takes [${sampleShape.join(', ')}]`);
      }
      x.set(sample, n * sampleSize);
      n++;
      timings.featuresMs += performance.now() - t;
    }
    let probabilities: Float32Array<ArrayBufferLike> = new Float32Array(0);
    if (n > 0) {
      const t = performance.now();
      probabilities = predictorProbabilities(predictor, x.subarray(0, n * sampleSize), speaker.scaler);
      timings.modelMs += performance.now() - t;
    }
    let row = 0;
    batch.forEach((w, i) => {
      let p: ArrayLike<number>;
      let best: number;
      if (silent[i]) {
        p = uniform;
        best = 0;
      } else {
        const modelRow = probabilities.subarray(row * k, (row + 1) * k);
        row++;
        heard++;
        for (let c = 0; c < k; c++) overall[c] = (overall[c] as number) + (modelRow[c] as number);
        p = modelRow;
        best = argmaxRows(modelRow, k)[0] as number;
      }
      windows.push({ start: w.start, end: w.end, emotion: labels[best] as Emotion, confidence: p[best] as number, probabilities: byLabel(labels, p) });
    });
  }

  const isSilent = heard === 0;
  const mean = isSilent ? uniform : overall.map((s) => s / heard);
  const best = argmax(mean);
  const warnings = [...predictor.warnings];
  if (speaker.used?.mode === 'fallback') {
    warnings.push(
      `This model normalises each speaker by their own statistics, but ${speaker.used.reason}: the training set's global statistics were used instead, so expect lower accuracy than its evaluation (for files of unknown speakers, a model trained with features.speaker_normalization: none does better).`,
    );
  }
  if (plan.fromStart) {
    warnings.push(`The clip is shorter than the model's ${audio.offsetSec} s offset plus ${MIN_CLIP_SEC} s, so it was judged from its start.`);
  }
  if (isSilent) {
    warnings.push(`The audio is silent (peak below ${SILENCE_DBFS} dBFS): the model was not asked, and every emotion gets 1/${k}. This says nothing about the clip.`);
  } else if (heard < windows.length) {
    warnings.push(`${windows.length - heard} of ${windows.length} windows are silent (peak below ${SILENCE_DBFS} dBFS) and are left out of the overall result.`);
  }

  const first = plan.windows[0];
  const domain = domainWarnings(
    {
      sampleRate: header.sampleRate,
      durationSec: header.durationSec,
      audioInWindowSec: first ? Math.max(0, first.end - first.start) : 0,
      peak: loudest,
    },
    audio,
  );
  warnings.push(...domain);

  const name = options.displayName ?? file.path;
  const parsed = parseRavdessName(path.basename(name));
  const result: Prediction = {
    experimentId: options.experimentId ?? null,
    modelName: preprocessor.modelName,
    file: name,
    emotion: labels[best] as Emotion,
    confidence: mean[best] as number,
    probabilities: byLabel(labels, mean),
    labels: [...labels],
    windows,
    hopSec,
    durationSec: header.durationSec,
    sampleRate: header.sampleRate,
    channels: header.channels,
    silent: isSilent,
    outOfDomain: domain.length > 0,
    warnings,
    timings,
  };
  if (speaker.used) result.speakerNormalization = speaker.used;
  if (parsed.ok) {
    result.groundTruth = parsed.value.emotion;
    if (labels.includes(parsed.value.emotion)) {
      result.correct = parsed.value.emotion === result.emotion;
    } else {
      warnings.push(`The file name says ${parsed.value.emotion}, an emotion this model was not trained on (its labels: ${labels.join(', ')}): it cannot be right or wrong here.`);
    }
  }
  timings.totalMs = performance.now() - started;
  return result;
}

/** Index of the largest value, the first on ties (as `argmaxRows`). */
function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
  return best;
}

function byLabel(labels: readonly Emotion[], p: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(labels.map((label, i) => [label, p[i] as number]));
}
