/**
 * One experiment end to end — the seed's main.py: features → (per_actor) each clip standardised by its
 * actor's statistics (speakerNorm.ts) → split → (per fold) scale on the training rows only → build → fit
 * → evaluate on held-out actors → artifacts → a `finished` row. The row is
 * created `running` first; it becomes `finished` only after every artifact is in its final folder,
 * `cancelled` (with the partial history) on cancel, `failed` with the reason on any error.
 */
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { MODEL_REGISTRY, buildModel, compileForTraining, isClassical, modelSpecFromConfig, type ClassicalModelDefinition } from '../../../models/registry';
import type { Config } from '../../../shared/config';
import { EngineError, toRpcError } from '../../../shared/errors';
import type { BackendSelection, ClassificationReport, EpochEvent, EpochLog, ExperimentMetrics, SplitInfo, TrainResult } from '../../../shared/experiments';
import type { Db } from '../db/database';
import { getDataset } from '../dataset/store';
import { classificationReport, confusionMatrix, meanSd, poolConfusions } from '../evaluation/metrics';
import { completeExperiment, createExperiment, getExperiment, recordProgress } from '../experiments/store';
import { foldFolder, writeArtifacts } from '../experiments/artifacts';
import type { ExtractOptions } from '../extraction/extractDataset';
import { featureSpec } from '../extraction/featureConfig';
import { selectBackend } from './backend';
import { loadTrainingData, type TrainingClip, type TrainingData } from './data';
import { argmaxRows, fitModel, predictProbabilities, type FitData, type FitResult } from './fit';
import { fitScalerOnRows, type StandardScaler } from './scaler';
import { normalizeBySpeaker, speakerScalerFromDb, MIN_SPEAKER_CLIPS } from './speakerNorm';
import { splitClips, towerGroups, type TowerGroups } from './splits';

export interface RunExperimentOptions {
  db: Db;
  datasetId: number;
  config: Config;
  name: string;
  /** Artifacts go to `<artifactsRoot>/<id>-<name>/`. */
  artifactsRoot: string;
  signal?: AbortSignal;
  /** Called with the experiment id as soon as its row exists. */
  onCreated?: (experimentId: number) => void;
  /** The backend chosen for this run, once, before any work. */
  onBackend?: (selection: BackendSelection) => void;
  onPhase?: (phase: string, done: number, total: number) => void;
  onEpoch?: (event: Omit<EpochEvent, 'jobId'>) => void;
  extract?: Pick<ExtractOptions, 'pool' | 'workers' | 'workerEntry'>;
}

interface Run {
  train: number[];
  validation: number[];
  test: number[];
}

interface RunOutcome {
  model: tf.LayersModel;
  scaler: StandardScaler;
  /** per_actor: the global statistics of the raw training inputs, for files of no known actor. */
  fallback: StandardScaler | null;
  history: EpochLog[];
  confusion: number[][];
  report: ClassificationReport;
  bestEpoch: number;
  testClipIds: number[];
  testPredictions: number[];
  cancelled: boolean;
}

function toSplitInfo(split: ReturnType<typeof splitClips>, counts: SplitInfo['counts']): SplitInfo {
  if (split.kind === 'actor_kfold') {
    const all = [...new Set(split.folds.flatMap((f) => f.testActors))].sort((a, b) => a - b);
    return {
      kind: split.kind,
      speakerDependent: false,
      trainActors: all,
      validationActors: [],
      testActors: all,
      counts,
      folds: split.folds.map((f) => ({ trainActors: f.trainActors, validationActors: f.validationActors, testActors: f.testActors })),
    };
  }
  if (split.kind === 'actor') {
    return { kind: split.kind, speakerDependent: false, trainActors: split.actors.train, validationActors: split.actors.validation, testActors: split.actors.test, counts };
  }
  // Stratified: filled in by the caller, which knows each clip's actor (every actor is in every part).
  return { kind: split.kind, speakerDependent: true, trainActors: [], validationActors: [], testActors: [], counts };
}

const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'experiment';

/** A run's artifact folder name, `<id>-<slug of its name>`: the name is a label and never a path. */
export const artifactFolderName = (experimentId: number, name: string): string => `${experimentId}-${slug(name)}`;

export async function runExperiment(o: RunExperimentOptions): Promise<TrainResult> {
  const started = performance.now();
  const { db, config, signal } = o;
  const dataset = getDataset(db, o.datasetId);
  const experimentId = createExperiment(db, { name: o.name, config, datasetId: o.datasetId, datasetRoot: dataset.root });
  o.onCreated?.(experimentId);
  const histories: EpochLog[][] = [];
  try {
    const selection = await selectBackend();
    const { backend } = selection;
    recordProgress(db, experimentId, { backend: selection });
    o.onBackend?.(selection);
    if (backend === 'cpu' && config.model.name === 'cnn') {
      // Measured: ~16 minutes per epoch on the plain-JS backend — not a run anyone wants to start by accident.
      throw new EngineError('UNSUPPORTED', 'The cnn model needs the tensorflow or wasm backend (on the plain-JS cpu backend an epoch takes ~16 minutes); neither loaded here');
    }

    const definition = MODEL_REGISTRY[config.model.name];
    o.onPhase?.('extracting features', 0, 0);
    const data = await loadTrainingData(db, o.datasetId, config, definition.input, {
      ...o.extract,
      signal,
      onProgress: (done, total) => o.onPhase?.('extracting features', done, total),
    });
    if (signal?.aborted) throw new EngineError('CANCELLED', 'cancelled before training');
    const speakers = config.features.speaker_normalization === 'per_actor' ? speakerStatistics(db, o.datasetId, data) : null;
    const rowOf = new Map(data.clips.map((c, i) => [c.id, i]));
    const split = splitClips(data.clips, config.training);
    const runs: Run[] = split.kind === 'actor_kfold' ? split.folds : [split];
    const counts = { train: runs[0]?.train.length ?? 0, validation: runs[0]?.validation.length ?? 0, test: runs[0]?.test.length ?? 0 };
    const splitInfo = toSplitInfo(split, counts);
    if (split.kind === 'stratified') {
      const actors = (ids: number[]) => [...new Set(ids.map((id) => data.clips[rowOf.get(id) as number]?.actor as number))].sort((a, b) => a - b);
      splitInfo.trainActors = actors(split.train);
      splitInfo.validationActors = actors(split.validation);
      splitInfo.testActors = actors(split.test);
    }
    const rotations = runs.map((run, f) => rotationOf(config, data, rowOf, run, split.kind !== 'stratified', runs.length > 1 ? f + 1 : 0));
    recordRotation(splitInfo, rotations, data, rowOf);
    if (isClassical(definition)) {
      splitInfo.validationRefit = true;
      splitInfo.folds = splitInfo.folds?.map((f) => ({ ...f, validationRefit: true }));
    }
    recordProgress(db, experimentId, { split: splitInfo });

    const trainStarted = performance.now();
    const outcomes: RunOutcome[] = [];
    for (const [f, run] of runs.entries()) {
      const outcome = await trainOne(o, data, speakers, run, rowOf, experimentId, runs.length > 1 ? { fold: f + 1, folds: runs.length } : {}, trainStarted, histories, rotations[f] ?? null);
      outcomes.push(outcome);
      if (outcome.cancelled) break;
    }
    const trainSec = (performance.now() - trainStarted) / 1000;
    const epochsRun = histories.reduce((n, h) => n + h.length, 0);

    if (outcomes.some((r) => r.cancelled) || signal?.aborted) {
      completeExperiment(db, experimentId, { status: 'cancelled', error: 'cancelled by the user', history: histories });
      outcomes.forEach((r) => r.model.dispose());
      return resultOf(experimentId, selection, splitInfo, null, data, epochsRun, started, null);
    }

    const confusion = poolConfusions(outcomes.map((r) => r.confusion));
    const metrics: ExperimentMetrics = { labels: data.labels, confusion, report: classificationReport(confusion, data.labels) };
    if (outcomes.length > 1) {
      const reports = outcomes.map((r) => r.report);
      metrics.folds = {
        accuracy: meanSd(reports.map((r) => r.accuracy)),
        macroF1: meanSd(reports.map((r) => r.macro.f1)),
        weightedF1: meanSd(reports.map((r) => r.weighted.f1)),
        reports,
      };
    }
    const durations = { featuresSec: data.featuresSec, trainSec, totalSec: (performance.now() - started) / 1000 };
    const spec = featureSpec(config);
    const finalDir = path.join(o.artifactsRoot, artifactFolderName(experimentId, o.name));
    const preprocessorOf = (scaler: StandardScaler | null, fallback: StandardScaler | null, fold: number | null, members?: string[]): Record<string, unknown> => ({
      version: 1,
      modelName: config.model.name,
      input: data.input,
      sampleShape: data.sampleShape,
      featureNames: data.featureNames,
      featureConfig: { hash: spec.hash, audio: spec.audio, dsp: spec.dsp },
      labels: data.labels,
      scaler: scaler?.toJSON() ?? null,
      speakerNormalization: speakers ? { mode: 'per_actor', minClips: MIN_SPEAKER_CLIPS, fallback: fallback?.toJSON() ?? null } : { mode: 'none' },
      fold,
      ...(members ? { members } : {}),
    });
    // k-fold keeps every fold's model (folds/<n>/, each a complete model folder): an indexed clip is
    // answered by the fold that held its actor out. The deployable model is their ensemble (the mean of
    // their probabilities, a preprocessor.json listing them), or one refit on every actor.
    const kfold = outcomes.length > 1;
    let deployed: DeployedModel | null = outcomes.length === 1 ? (outcomes[0] as RunOutcome) : null;
    if (kfold && config.training.kfold_model === 'refit') {
      o.onPhase?.('refitting on every actor', 0, 1);
      deployed = await refitOnAll(o, data, speakers, outcomes);
    }
    o.onPhase?.('writing artifacts', 0, 1);
    const files = await writeArtifacts(finalDir, {
      model: deployed?.model ?? null,
      preprocessor: preprocessorOf(deployed?.scaler ?? null, deployed?.fallback ?? null, null, deployed ? undefined : outcomes.map((_, f) => foldFolder(f + 1))),
      folds: kfold ? outcomes.map((r, f) => ({ model: r.model, preprocessor: preprocessorOf(r.scaler, r.fallback, f + 1) })) : [],
      history: histories,
      experiment: () => ({ ...getExperiment(db, experimentId), status: 'finished', metrics, durations, history: histories, artifactsDir: finalDir }),
      metrics,
      testPredictions: outcomes.flatMap((r) => r.testClipIds.map((id, i) => ({ clipId: id, path: data.clips[rowOf.get(id) as number]?.path ?? '', predicted: data.labels[r.testPredictions[i] as number] ?? '' }))),
    });
    if (deployed && kfold) deployed.model.dispose();
    completeExperiment(db, experimentId, { status: 'finished', history: histories, metrics, durations, artifactsDir: finalDir });
    outcomes.forEach((r) => r.model.dispose());
    return resultOf(experimentId, selection, splitInfo, metrics, data, epochsRun, started, { dir: finalDir, files });
  } catch (err) {
    const error = toRpcError(err);
    const status = error.code === 'CANCELLED' ? 'cancelled' : 'failed';
    completeExperiment(db, experimentId, { status, error: error.message, history: histories });
    throw err;
  }

  function resultOf(
    experimentId: number,
    selection: BackendSelection,
    split: SplitInfo,
    metrics: ExperimentMetrics | null,
    data: TrainingData,
    epochsRun: number,
    t0: number,
    artifacts: TrainResult['artifacts'] | null,
  ): TrainResult {
    const report = metrics?.report;
    return {
      experimentId,
      name: o.name,
      status: metrics ? 'finished' : 'cancelled',
      split,
      backend: selection.backend,
      backendReason: selection.reason,
      accuracy: report?.accuracy ?? NaN,
      macroF1: report?.macro.f1 ?? NaN,
      weightedF1: report?.weighted.f1 ?? NaN,
      perClass: report?.perClass ?? {},
      confusion: metrics?.confusion ?? [],
      labels: data.labels,
      epochsRun,
      seconds: Math.round(((performance.now() - t0) / 1000) * 100) / 100,
      artifacts: artifacts ?? { dir: '', files: [] },
    };
  }
}

/**
 * Seconds left, both ways: every remaining epoch (upper bound), or early stopping as soon as patience
 * allows — this run after the patience left since its best epoch, each later fold after its first
 * `patience + 1` epochs (lower bound).
 */
export function epochsLeft(log: EpochLog, training: Config['training'], runsLeft: number, perEpoch: number): { etaSeconds: number; etaMinSeconds: number } {
  const { epochs } = training;
  const patience = training.early_stopping.patience;
  const upper = (log.earlyStop ? 0 : epochs - log.epoch) + runsLeft * epochs;
  const sinceBest = log.epoch - (log.bestEpoch ?? 0);
  const thisRun = log.earlyStop ? 0 : Math.min(epochs - log.epoch, Math.max(0, patience - sinceBest));
  const lower = thisRun + runsLeft * Math.min(epochs, patience + 1);
  return { etaSeconds: perEpoch * upper, etaMinSeconds: perEpoch * lower };
}

/** Mean cross-entropy and accuracy of probabilities `p` (n × k) against `labels`. */
function scores(p: Float32Array, labels: Int32Array, k: number): { loss: number; acc: number } {
  const predicted = argmaxRows(p, k);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    loss -= Math.log(Math.max(1e-12, p[i * k + y] as number));
    if (predicted[i] === y) correct++;
  }
  return { loss: loss / Math.max(1, labels.length), acc: correct / Math.max(1, labels.length) };
}

/** A classical model (logreg, svm) fitted to convergence on standardised rows. */
function classicalModel(definition: ClassicalModelDefinition, data: FitData, nClasses: number, config: Config, seed: number): tf.LayersModel {
  const dims = data.sampleShape.reduce((a, b) => a * b, 1);
  return definition.fit({ x: data.x, labels: data.labels, dims }, { nClasses, config: config.model, balanced: config.training.class_weights, seed });
}

/**
 * Fit a classical model (logreg, svm) on the standardised training rows, to convergence: one log entry
 * with its train and validation scores.
 */
function fitClassical(definition: ClassicalModelDefinition, train: FitData, validation: FitData, nClasses: number, config: Config, seed: number): { model: tf.LayersModel; result: FitResult } {
  const started = performance.now();
  const model = classicalModel(definition, train, nClasses, config, seed);
  const t = scores(predictProbabilities(model, train.x, train.sampleShape), train.labels, nClasses);
  const v = scores(predictProbabilities(model, validation.x, validation.sampleShape), validation.labels, nClasses);
  const log: EpochLog = { epoch: 1, loss: t.loss, acc: t.acc, valLoss: v.loss, valAcc: v.acc, lr: 0, seconds: (performance.now() - started) / 1000, bestEpoch: 1 };
  return { model, result: { history: [log], bestEpoch: 1, cancelled: false } };
}

/**
 * `training.kfold_model: refit`: one more model on every actor's clips, scaled by their statistics. No
 * actor is left to validate on, so a neural model trains for the folds' median best epoch count with no
 * early stopping or plateau cuts; a classical model is fitted as always. Nothing is evaluated on it: the
 * run's figures are the folds'.
 */
async function refitOnAll(o: RunExperimentOptions, data: TrainingData, speakers: SpeakerStatistics | null, folds: RunOutcome[]): Promise<DeployedModel> {
  const { config } = o;
  const nClasses = data.labels.length;
  const channels = data.sampleShape[data.sampleShape.length - 1] as number;
  const everyRow = Array.from({ length: data.x.length / channels }, (_, r) => r);
  const { x, fallback } = modelInputs(data, speakers, everyRow);
  const scaler = fitScalerOnRows(x, channels, everyRow);
  const all: FitData = { x: scaler.transform(x, channels), labels: Int32Array.from(data.clips.map((c) => c.label)), sampleShape: data.sampleShape };
  const definition = MODEL_REGISTRY[config.model.name];
  const seed = config.training.seed;
  if (isClassical(definition)) {
    return { model: fitClassical(definition, all, all, nClasses, config, seed).model, scaler, fallback };
  }
  const epochs = Math.max(1, median(folds.map((f) => f.bestEpoch)));
  const model = buildModel(config.model.name, modelSpecFromConfig(config, data.sampleShape, nClasses));
  compileForTraining(model, config.training.learning_rate);
  const training: Config['training'] = {
    ...config.training,
    epochs,
    early_stopping: { ...config.training.early_stopping, patience: epochs + 1 },
    lr_schedule: { ...config.training.lr_schedule, patience: epochs + 1 },
  };
  // The loop needs a validation set to report on; with no actor left over it is the training set itself.
  // With patience beyond the epoch count it never stops early; the weights it keeps are the epoch with
  // the lowest (smoothed) loss on those same clips, in practice one of the last.
  const result = await fitModel({ model, train: all, validation: all, nClasses, training, signal: o.signal, onEpoch: (log) => o.onPhase?.('refitting on every actor', log.epoch, epochs) });
  if (result.cancelled || o.signal?.aborted) {
    model.dispose();
    throw new EngineError('CANCELLED', 'cancelled while refitting on every actor');
  }
  return { model, scaler, fallback };
}

interface DeployedModel {
  model: tf.LayersModel;
  scaler: StandardScaler;
  fallback: StandardScaler | null;
}

/** per_actor: each actor of the data with its own statistics, or null when too few of its clips are extracted. */
type SpeakerStatistics = Map<number, StandardScaler | null>;

function speakerStatistics(db: Db, datasetId: number, data: TrainingData): SpeakerStatistics {
  const stats: SpeakerStatistics = new Map();
  for (const actor of new Set(data.clips.map((c) => c.actor))) {
    const s = speakerScalerFromDb(db, datasetId, actor, data.featureHash, data.sampleLayout);
    stats.set(actor, 'scaler' in s ? s.scaler : null);
  }
  return stats;
}

/**
 * The model's raw inputs: `data.x` itself, or with per_actor every clip standardised by its actor's
 * statistics — an actor with too few extracted clips by the global statistics of `scalerRows` (the
 * training rows of `data.x` as the model's scaler sees them: every frame for sequences; the fallback a
 * model keeps for files of no known actor, which is returned too).
 */
function modelInputs(data: TrainingData, speakers: SpeakerStatistics | null, scalerRows: readonly number[]): { x: Float32Array; fallback: StandardScaler | null } {
  if (speakers === null) return { x: data.x, fallback: null };
  const sampleSize = data.sampleShape.reduce((a, b) => a * b, 1);
  const channels = data.sampleShape[data.sampleShape.length - 1] as number;
  const fallback = fitScalerOnRows(data.x, channels, scalerRows);
  const scalers = new Map([...speakers].map(([actor, s]) => [actor, s ?? fallback]));
  return { x: normalizeBySpeaker(data.x, sampleSize, channels, data.clips.map((c) => c.actor), scalers), fallback };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : Math.round(((s[m - 1] as number) + (s[m] as number)) / 2);
};

/** `training.ensemble_validation: rotate` for one run: the pooled clips the towers train on, and each tower's held-out group. */
interface Rotation {
  /** The run's training and validation clip ids, ascending. */
  ids: number[];
  groups: TowerGroups;
}

const pooled = (run: Run): number[] => [...run.train, ...run.validation].sort((a, b) => a - b);

/** The run's rotation, or null when the model trains on one shared validation set. */
function rotationOf(config: Config, data: TrainingData, rowOf: Map<number, number>, run: Run, byActor: boolean, fold: number): Rotation | null {
  if (isClassical(MODEL_REGISTRY[config.model.name]) || config.training.ensemble_validation !== 'rotate' || config.model.ensemble < 2) return null;
  const ids = pooled(run);
  const clips = ids.map((id) => data.clips[rowOf.get(id) as number] as TrainingClip);
  return { ids, groups: towerGroups(clips, config.model.ensemble, config.training.seed + fold, byActor) };
}

/**
 * With rotation there is no separate validation set: every pooled actor trained most towers, so the
 * split records them as training actors (a clip of theirs is "seen in training") and lists the groups.
 */
function recordRotation(split: SplitInfo, rotations: Array<Rotation | null>, data: TrainingData, rowOf: Map<number, number>): void {
  const first = rotations[0];
  if (!first) return;
  const actorsOf = (ids: number[]) => [...new Set(ids.map((id) => data.clips[rowOf.get(id) as number]?.actor as number))].sort((a, b) => a - b);
  const rotated = (r: Rotation) => ({ by: r.groups.by, groups: r.groups.by === 'actor' ? r.groups.actors : r.groups.actors.map((_, g) => actorsOf(r.ids.filter((_, i) => r.groups.groupOf[i] === g))) });
  split.counts = { ...split.counts, train: first.ids.length, validation: 0 };
  if (split.folds) {
    split.folds = split.folds.map((f, i) => {
      const r = rotations[i] as Rotation;
      return { trainActors: actorsOf(r.ids), validationActors: [], testActors: f.testActors, towerValidation: rotated(r) };
    });
    return;
  }
  split.trainActors = actorsOf(first.ids);
  split.validationActors = [];
  split.towerValidation = rotated(first);
}

/** Standardise with statistics of the training rows only, fit, and evaluate one train/validation/test run. */
async function trainOne(
  o: RunExperimentOptions,
  data: TrainingData,
  speakers: SpeakerStatistics | null,
  run: Run,
  rowOf: Map<number, number>,
  experimentId: number,
  fold: { fold?: number; folds?: number },
  trainStarted: number,
  histories: EpochLog[][],
  rotation: Rotation | null,
): Promise<RunOutcome> {
  const { config, signal } = o;
  const nClasses = data.labels.length;
  const sampleSize = data.sampleShape.reduce((a, b) => a * b, 1);
  const channels = data.sampleShape[data.sampleShape.length - 1] as number;
  const perSample = sampleSize / channels; // 1 for stats, frames for sequences
  const rows = (ids: number[]) => ids.map((id) => rowOf.get(id) as number);
  const definition = MODEL_REGISTRY[config.model.name];
  // ensemble_validation: rotate — the training and validation clips are pooled (`rotation.ids`); each
  // tower holds out one group of them (whole actors on the speaker-independent splits) to stop on.
  const fitIds = rotation?.ids ?? (isClassical(definition) ? pooled(run) : run.train);
  const trainRows = rows(fitIds);
  // The scaler sees only training rows (every frame of every training clip, for sequences).
  const scalerRows = trainRows.flatMap((r) => Array.from({ length: perSample }, (_, k) => r * perSample + k));
  const { x: inputs, fallback } = modelInputs(data, speakers, scalerRows);
  const scaler = fitScalerOnRows(inputs, channels, scalerRows);
  const scaled = scaler.transform(inputs, channels);
  const subset = (ids: number[]): FitData => {
    const rs = rows(ids);
    const x = new Float32Array(rs.length * sampleSize);
    rs.forEach((r, i) => x.set(scaled.subarray(r * sampleSize, (r + 1) * sampleSize), i * sampleSize));
    return { x, labels: Int32Array.from(rs.map((r) => data.clips[r]?.label as number)), sampleShape: data.sampleShape };
  };
  const train = subset(fitIds);
  const validation = subset(run.validation);
  const test = subset(run.test);

  const seed = config.training.seed + (fold.fold ?? 0);
  const history: EpochLog[] = [];
  histories.push(history);
  // Classical models are fitted once, to convergence: one "epoch" per run, for the progress and the ETA alike.
  const training = isClassical(definition) ? { ...config.training, epochs: 1 } : config.training;
  const report = (log: EpochLog): void => {
    history.push(log);
    recordProgress(o.db, experimentId, { history: histories });
    const elapsed = (performance.now() - trainStarted) / 1000;
    const runsLeft = (fold.folds ?? 1) - (fold.fold ?? 1);
    const perEpoch = history.reduce((s, e) => s + e.seconds, 0) / history.length;
    o.onEpoch?.({ ...log, experimentId, epochs: training.epochs, ...fold, secondsElapsed: elapsed, ...epochsLeft(log, training, runsLeft, perEpoch) });
  };
  let model: tf.LayersModel;
  let result: FitResult;
  if (isClassical(definition)) {
    // Validated by a fit on the training actors alone (the logged scores), then refitted on training
    // and validation actors together: nothing needs the validation actors held back, and the neural
    // models with rotated validation train on them too. (Both fits share the pooled clips' scaler.)
    const trainOnly = subset(run.train);
    const validated = fitClassical(definition, trainOnly, validation, nClasses, config, seed);
    validated.model.dispose();
    const started = performance.now();
    model = classicalModel(definition, train, nClasses, config, seed);
    const log = validated.result.history[0] as EpochLog;
    result = { ...validated.result, history: [{ ...log, seconds: log.seconds + (performance.now() - started) / 1000 }] };
    report(result.history[0] as EpochLog);
  } else {
    model = buildModel(config.model.name, { ...modelSpecFromConfig(config, data.sampleShape, nClasses), seed });
    compileForTraining(model, config.training.learning_rate);
    const watch = rotation ? { groupOf: rotation.groups.groupOf, groups: rotation.groups.actors.length } : validation;
    result = await fitModel({ model, train, validation: watch, nClasses, training: config.training, signal, onEpoch: (log) => report(log) });
  }
  const predictions = argmaxRows(predictProbabilities(model, test.x, data.sampleShape), nClasses);
  const confusion = confusionMatrix(Array.from(test.labels), predictions, nClasses);
  return {
    model,
    scaler,
    fallback,
    history,
    confusion,
    report: classificationReport(confusion, data.labels),
    bestEpoch: result.bestEpoch,
    testClipIds: run.test,
    testPredictions: predictions,
    cancelled: result.cancelled,
  };
}
