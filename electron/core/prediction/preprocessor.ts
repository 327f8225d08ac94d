/**
 * `preprocessor.json`, the half of a trained model's folder that says how audio becomes its input: the
 * feature config (audio front end + DSP), the sample layout, the scaler and the label order. Written by
 * training (runExperiment.ts), read and checked here before any audio is touched: a folder that does not
 * hold together fails with the file and the reason, not with a tensor-shape error later.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MODEL_NAMES } from '../../../shared/config';
import { EngineError } from '../../../shared/errors';
import { EMOTIONS } from '../../../shared/ravdess';
import { clipWindow } from '../audio/preprocess';
import { featureHash, type AudioOptions, type DspOptions } from '../extraction/featureConfig';
import { centredFrameCount } from '../features/dsp';
import { sampleLayoutFromNames } from '../training/data';

export const PREPROCESSOR_FILE = 'preprocessor.json';
/** The `version` this code writes and reads. */
export const PREPROCESSOR_VERSION = 1;

const audioSchema = z
  .object({
    sampleRate: z.number().int().positive(),
    durationSec: z.number().positive(),
    offsetSec: z.number().min(0),
    preEmphasis: z.number().min(0).lt(1).nullable(),
    normalize: z.enum(['none', 'peak', 'rms']),
  })
  .strict();

const dspSchema = z
  .object({
    sampleRate: z.number().int().positive(),
    nFft: z.number().int().positive(),
    hopLength: z.number().int().positive(),
    nMfcc: z.number().int().positive(),
    mfccMels: z.number().int().positive(),
    nMels: z.number().int().positive(),
    includeDelta: z.boolean(),
  })
  .strict();

const scalerSchema = z.object({ mean: z.array(z.number()), scale: z.array(z.number()) }).strict();

/**
 * `features.speaker_normalization` as the model was trained: `per_actor` inputs were standardised by
 * their actor's own statistics (training/speakerNorm.ts) before `scaler`; `fallback` (the global
 * statistics of the model's raw training inputs) stands in for a file of no known actor. A fold
 * ensemble's top level has no fallback of its own (each member carries its own). Absent in folders
 * written before speaker normalisation: `none`.
 */
const speakerNormalizationSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }).strict(),
  z.object({ mode: z.literal('per_actor'), minClips: z.number().int().positive(), fallback: scalerSchema.nullable() }).strict(),
]);

const preprocessorSchema = z
  .object({
    version: z.literal(PREPROCESSOR_VERSION),
    modelName: z.enum(MODEL_NAMES),
    input: z.enum(['stats', 'sequence']),
    sampleShape: z.array(z.number().int().positive()).min(1).max(2),
    featureNames: z.array(z.string()).min(1),
    featureConfig: z.object({ hash: z.string(), audio: audioSchema, dsp: dspSchema }).strict(),
    labels: z.array(z.enum(EMOTIONS)).min(2),
    /** The model's own standardisation; null for a fold ensemble, whose members each carry theirs. */
    scaler: scalerSchema.nullable(),
    speakerNormalization: speakerNormalizationSchema.default({ mode: 'none' }),
    /** The k-fold fold this model is (1-based), or null. */
    fold: z.number().int().positive().nullable(),
    /**
     * A k-fold run's fold ensemble: the member model folders (relative, e.g. `folds/1`), whose mean
     * probability is this model's answer. Such a folder holds no model.json of its own.
     */
    members: z.array(z.string().regex(/^[a-z0-9_-]+(\/[a-z0-9_-]+)*$/i, 'a relative folder such as folds/1')).min(2).optional(),
  })
  .strict()
  .refine((p) => (p.members === undefined) === (p.scaler !== null), { message: 'a scaler for a single model, or members (and no scaler) for an ensemble', path: ['scaler'] })
  .refine((p) => p.speakerNormalization.mode === 'none' || (p.members === undefined) === (p.speakerNormalization.fallback !== null), {
    message: 'per_actor: a fallback scaler for a single model, none for an ensemble (its members carry theirs)',
    path: ['speakerNormalization', 'fallback'],
  });

export type Preprocessor = z.infer<typeof preprocessorSchema> & {
  featureConfig: { audio: AudioOptions; dsp: DspOptions };
};

/** A preprocessor.json that passed every check, and what the checks noticed without refusing it. */
export interface CheckedPreprocessor {
  file: string;
  preprocessor: Preprocessor;
  /** E.g. features computed by a newer pipeline than the model was trained with. */
  warnings: string[];
}

/** Read and check `dir/preprocessor.json`. Missing → NOT_FOUND; anything else wrong → BAD_FILE; both name the file. */
export function readPreprocessor(dir: string): CheckedPreprocessor {
  const file = path.join(dir, PREPROCESSOR_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EngineError('NOT_FOUND', `${file} is missing: ${dir} is not a trained model's folder`);
    throw new EngineError('UNREADABLE', `${file} cannot be read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new EngineError('BAD_FILE', `${file} is not valid JSON (${(err as Error).message})`);
  }
  return { file, ...checkPreprocessor(json, file) };
}

/** Validate parsed preprocessor.json content; `file` names it in errors. */
export function checkPreprocessor(json: unknown, file: string): { preprocessor: Preprocessor; warnings: string[] } {
  const bad = (reason: string): never => {
    throw new EngineError('BAD_FILE', `${file}: ${reason}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) bad('not a JSON object');
  const version = (json as { version?: unknown }).version;
  if (version !== PREPROCESSOR_VERSION) {
    bad(`version ${JSON.stringify(version)} is not one this app reads (${PREPROCESSOR_VERSION}); it was written by another version of Emotion Studio`);
  }
  const parsed = preprocessorSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    bad(`${issue?.path.length ? issue.path.join('.') : 'content'}: ${issue?.message ?? 'invalid'}`);
  }
  const p = (parsed as { data: Preprocessor }).data;
  const { audio, dsp } = p.featureConfig;

  // Shapes that must agree with each other, or the model would be fed something it never saw.
  const channels = p.sampleShape[p.sampleShape.length - 1] as number;
  const inconsistent = (what: string) => bad(`inconsistent shapes: ${what}`);
  if (p.input === 'stats' && p.sampleShape.length !== 1) inconsistent(`input 'stats' needs a 1-D sampleShape, got [${p.sampleShape.join(', ')}]`);
  if (p.input === 'sequence' && p.sampleShape.length !== 2) inconsistent(`input 'sequence' needs a [frames, channels] sampleShape, got [${p.sampleShape.join(', ')}]`);
  if (p.featureNames.length !== channels) inconsistent(`${p.featureNames.length} featureNames for ${channels} channels in sampleShape [${p.sampleShape.join(', ')}]`);
  if (p.scaler && (p.scaler.mean.length !== channels || p.scaler.scale.length !== channels)) {
    inconsistent(`the scaler has ${p.scaler.mean.length} means and ${p.scaler.scale.length} scales for ${channels} channels`);
  }
  const fallback = p.speakerNormalization.mode === 'per_actor' ? p.speakerNormalization.fallback : null;
  if (fallback && (fallback.mean.length !== channels || fallback.scale.length !== channels)) {
    inconsistent(`the speaker-normalisation fallback has ${fallback.mean.length} means and ${fallback.scale.length} scales for ${channels} channels`);
  }
  if (new Set(p.labels).size !== p.labels.length) bad(`labels repeat an emotion: ${p.labels.join(', ')}`);
  if (dsp.sampleRate !== audio.sampleRate) bad(`featureConfig: the DSP rate ${dsp.sampleRate} Hz differs from the audio rate ${audio.sampleRate} Hz`);
  try {
    sampleLayoutFromNames(p.input, dsp, p.featureNames);
  } catch (err) {
    inconsistent((err as Error).message);
  }
  if (p.input === 'sequence') {
    const frames = centredFrameCount(clipWindow(audio.sampleRate, 0, audio.durationSec).length, dsp.nFft, dsp.hopLength);
    if (p.sampleShape[0] !== frames) inconsistent(`sampleShape has ${p.sampleShape[0]} frames but ${audio.durationSec} s at hop ${dsp.hopLength} gives ${frames}`);
  }
  const warnings: string[] = [];
  if (featureHash(audio, dsp) !== p.featureConfig.hash) {
    warnings.push('The feature pipeline changed since this model was trained (its feature hash differs): predictions may be less accurate than its evaluation.');
  }
  return { preprocessor: p, warnings };
}
