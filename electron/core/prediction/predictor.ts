/**
 * A trained model ready to answer: its folder's model.json + weights.bin loaded, preprocessor.json
 * checked against the model, the scaler rebuilt. `PredictorCache` keeps the few most recently used ones
 * (loading costs a file read and a graph build; a user flicking through test clips asks the same model
 * again and again) and disposes the ones it drops.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { EngineError } from '../../../shared/errors';
import { selectBackend } from '../training/backend';
import { sampleLayoutFromNames, type ModelSampleLayout } from '../training/data';
import { predictProbabilities } from '../training/fit';
import { loadModelFiles, MODEL_JSON_FILE, ModelFileError } from '../training/modelIo';
import { StandardScaler } from '../training/scaler';
import { PREPROCESSOR_FILE, readPreprocessor, type Preprocessor } from './preprocessor';

/** One model and the standardisation it was trained with. */
export interface PredictorMember {
  dir: string;
  model: tf.LayersModel;
  scaler: StandardScaler;
  /**
   * Speaker normalisation (`per_actor` models): the global statistics of its raw training inputs,
   * applied instead of a speaker's own when the file's speaker is unknown. Null for `none`.
   */
  fallback: StandardScaler | null;
  /** The k-fold fold it is (preprocessor.json's `fold`), or null. */
  fold: number | null;
}

export interface Predictor {
  /** The model folder as given (resolved to an absolute path). */
  dir: string;
  /** One model, or for a k-fold fold ensemble every fold's (its answer is their mean probability). */
  members: PredictorMember[];
  preprocessor: Preprocessor;
  sampleLayout: ModelSampleLayout;
  /** Cautions that apply to every prediction of this model (e.g. a changed feature pipeline). */
  warnings: string[];
  /** Set once the model's weights are released (by `disposePredictor` or the cache evicting it). */
  disposed: boolean;
}

/**
 * Class probabilities (n × K) of `n` unscaled samples: each member scales them with its own scaler and
 * predicts; an ensemble answers with the mean over its members. A `per_actor` model first standardises
 * them by `speaker` (their speaker's own statistics) or, when that is null, by each member's fallback.
 */
export function predictorProbabilities(predictor: Predictor, x: Float32Array, speaker: StandardScaler | null = null): Float32Array {
  const { sampleShape, speakerNormalization } = predictor.preprocessor;
  const channels = sampleShape[sampleShape.length - 1] as number;
  const perActor = speakerNormalization.mode === 'per_actor';
  const bySpeaker = perActor && speaker ? speaker.transform(x, channels) : null;
  const inputOf = (m: PredictorMember): Float32Array => {
    if (!perActor) return x;
    if (bySpeaker) return bySpeaker;
    if (!m.fallback) throw new EngineError('INTERNAL', `${m.dir} normalises by speaker but has no fallback statistics`);
    return m.fallback.transform(x, channels);
  };
  const [first, ...rest] = predictor.members.map((m) => predictProbabilities(m.model, m.scaler.transform(inputOf(m), channels), sampleShape));
  if (first === undefined) throw new EngineError('INTERNAL', `${predictor.dir} has no model to ask`);
  if (rest.length === 0) return first;
  const mean = new Float32Array(first.length);
  for (let i = 0; i < mean.length; i++) {
    let sum = first[i] as number;
    for (const p of rest) sum += p[i] as number;
    mean[i] = sum / (rest.length + 1);
  }
  return mean;
}

/**
 * Load the model in `dir`. Errors name the folder or file and say why: NOT_FOUND when the folder,
 * model.json or preprocessor.json is missing; BAD_FILE when something is there but unusable (not JSON,
 * wrong version, inconsistent shapes, a model whose input or output does not match preprocessor.json,
 * an ensemble member that does not belong with the others).
 */
export async function loadPredictor(artifactsDir: string): Promise<Predictor> {
  const dir = path.resolve(artifactsDir);
  const stat = statOrNull(dir);
  if (stat === null) throw new EngineError('NOT_FOUND', `The model folder ${dir} does not exist`);
  if (!stat.isDirectory()) throw new EngineError('NOT_FOUND', `${dir} is not a folder (a model folder holds model.json, weights.bin and preprocessor.json)`);
  const { file, preprocessor, warnings } = readPreprocessor(dir);
  const sampleLayout = sampleLayoutFromNames(preprocessor.input, preprocessor.featureConfig.dsp, preprocessor.featureNames);
  if (preprocessor.members === undefined) {
    const member = await loadMember(dir, file, preprocessor);
    return { dir, members: [member], preprocessor, sampleLayout, warnings, disposed: false };
  }
  const members: PredictorMember[] = [];
  try {
    for (const relative of preprocessor.members) {
      const memberDir = path.resolve(dir, relative);
      if (!memberDir.startsWith(dir + path.sep)) throw new EngineError('BAD_FILE', `${file}: member ${JSON.stringify(relative)} is outside ${dir}`);
      const checked = readPreprocessor(memberDir);
      const p = checked.preprocessor;
      if (p.members !== undefined) throw new EngineError('BAD_FILE', `${checked.file}: an ensemble member cannot itself be an ensemble`);
      const same = p.modelName === preprocessor.modelName && p.input === preprocessor.input && p.featureConfig.hash === preprocessor.featureConfig.hash &&
        p.speakerNormalization.mode === preprocessor.speakerNormalization.mode &&
        p.labels.join() === preprocessor.labels.join() && p.sampleShape.join() === preprocessor.sampleShape.join();
      if (!same) throw new EngineError('BAD_FILE', `${checked.file} does not match ${file} (model, input, features, labels or shape differ): the folders do not belong together`);
      members.push(await loadMember(memberDir, checked.file, p));
    }
  } catch (err) {
    for (const m of members) m.model.dispose();
    throw err;
  }
  return { dir, members, preprocessor, sampleLayout, warnings, disposed: false };
}

async function loadMember(dir: string, file: string, preprocessor: Preprocessor): Promise<PredictorMember> {
  const scalerOf = (json: unknown, what: string): StandardScaler => {
    try {
      return StandardScaler.fromJSON(json);
    } catch (err) {
      throw new EngineError('BAD_FILE', `${file}: ${what}: ${(err as Error).message.replace(/^StandardScaler\.fromJSON: /, '')}`);
    }
  };
  const scaler = scalerOf(preprocessor.scaler, 'scaler');
  const norm = preprocessor.speakerNormalization;
  const fallback = norm.mode === 'per_actor' ? scalerOf(norm.fallback, 'speakerNormalization.fallback') : null;
  const modelJson = path.join(dir, MODEL_JSON_FILE);
  if (statOrNull(modelJson) === null) throw new EngineError('NOT_FOUND', `${modelJson} is missing: ${dir} holds no model`);

  await selectBackend();
  let model: tf.LayersModel;
  try {
    model = await loadModelFiles(dir);
  } catch (err) {
    if (err instanceof ModelFileError) throw new EngineError('BAD_FILE', err.message);
    throw err;
  }
  try {
    const inputShape = (model.inputs[0]?.shape ?? []).slice(1);
    const { sampleShape, labels } = preprocessor;
    if (model.inputs.length !== 1 || inputShape.length !== sampleShape.length || inputShape.some((d, i) => d !== sampleShape[i])) {
      throw new EngineError(
        'BAD_FILE',
        `${modelJson} takes input [${inputShape.join(', ')}] but ${PREPROCESSOR_FILE} describes samples of [${sampleShape.join(', ')}]: the files do not belong together`,
      );
    }
    const outputs = model.outputs[0]?.shape.at(-1);
    if (model.outputs.length !== 1 || outputs !== labels.length) {
      throw new EngineError('BAD_FILE', `${modelJson} has ${String(outputs)} outputs but ${PREPROCESSOR_FILE} lists ${labels.length} labels: the files do not belong together`);
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return { dir, model, scaler, fallback, fold: preprocessor.fold };
}

export function disposePredictor(predictor: Predictor): void {
  if (predictor.disposed) return;
  predictor.disposed = true;
  for (const m of predictor.members) m.model.dispose();
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/** What identifies a folder's content: a rewritten model.json or preprocessor.json is a different model. */
function stampOf(dir: string): string {
  const stamp = (name: string) => {
    const s = statOrNull(path.join(dir, name));
    return s ? `${s.mtimeMs}:${s.size}` : 'missing';
  };
  return `${stamp(MODEL_JSON_FILE)}|${stamp(PREPROCESSOR_FILE)}`;
}

interface CacheEntry {
  stamp: string;
  loading: Promise<Predictor>;
  predictor: Predictor | null;
  /** Callers currently using the predictor: an evicted entry is disposed when the last one is done. */
  users: number;
  evicted: boolean;
}

/** Most models kept loaded at once. */
export const PREDICTOR_CACHE_SIZE = 3;

/**
 * Least-recently-used cache of loaded models, keyed by folder (absolute path) and the mtime/size of its
 * model.json and preprocessor.json, so a folder retrained in place is loaded afresh. Dropped models are
 * disposed, but only once no caller is still using them (`use` pins its model for the callback).
 */
export class PredictorCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    readonly capacity: number = PREDICTOR_CACHE_SIZE,
    private readonly load: (dir: string) => Promise<Predictor> = loadPredictor,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new EngineError('INTERNAL', `predictor cache capacity must be ≥ 1, got ${capacity}`);
  }

  /** Folders currently cached, least recently used first. */
  get folders(): string[] {
    return [...this.entries.keys()];
  }

  /** Run `work` with the (cached or freshly loaded) model of `dir`; the model is not disposed meanwhile. */
  async use<T>(dir: string, work: (predictor: Predictor) => T | Promise<T>): Promise<T> {
    const key = path.resolve(dir);
    const stamp = stampOf(key);
    let entry = this.entries.get(key);
    if (entry && entry.stamp !== stamp) {
      this.drop(key, entry);
      entry = undefined;
    }
    if (entry) {
      // Most recently used goes last.
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      const created: CacheEntry = { stamp, loading: this.load(key), predictor: null, users: 0, evicted: false };
      entry = created;
      this.entries.set(key, created);
      created.loading.then(
        (p) => {
          created.predictor = p;
          if (created.evicted && created.users === 0) disposePredictor(p);
        },
        () => {
          if (this.entries.get(key) === created) this.entries.delete(key);
        },
      );
      this.evictOverCapacity();
    }
    entry.users++;
    try {
      const predictor = await entry.loading;
      return await work(predictor);
    } finally {
      entry.users--;
      if (entry.evicted && entry.users === 0 && entry.predictor) disposePredictor(entry.predictor);
    }
  }

  /** Dispose every model (those in use are disposed when their callers finish) and forget them. */
  clear(): void {
    for (const [key, entry] of [...this.entries]) this.drop(key, entry);
  }

  private evictOverCapacity(): void {
    while (this.entries.size > this.capacity) {
      const [key, entry] = this.entries.entries().next().value as [string, CacheEntry];
      this.drop(key, entry);
    }
  }

  private drop(key: string, entry: CacheEntry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
    entry.evicted = true;
    if (entry.users === 0 && entry.predictor) disposePredictor(entry.predictor);
  }
}
