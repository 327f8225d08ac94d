/** Experiment domain types: training progress, splits, metrics, saved runs. */
import type { Config, ModelName } from './config';
import type { Emotion } from './ravdess';

export type ExperimentStatus = 'running' | 'finished' | 'cancelled' | 'failed';
export type SplitKind = 'actor' | 'actor_kfold' | 'stratified';
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface SkippedBackend {
  backend: BackendName;
  reason: string;
}

/** Which TensorFlow.js backend a run used, and why faster ones were passed over. */
export interface BackendSelection {
  backend: BackendName;
  /** One line for logs and run records: what runs, and why each faster backend was passed over. */
  reason: string;
  /** The faster backends tried first under 'auto', with why each was skipped (empty when forced). */
  skipped: SkippedBackend[];
}

export const SPEAKER_DEPENDENT_LABEL = 'speaker-dependent (optimistic)';

/** One epoch of one training run (a fold, for k-fold). */
export interface EpochLog {
  epoch: number;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
  lr: number;
  seconds: number;
  /**
   * The epoch whose weights early stopping keeps as of this epoch (lowest validation loss so far); the
   * last epoch's value is the one restored for evaluation. 0 before any epoch improved. Absent in runs
   * recorded before it was logged.
   */
  bestEpoch?: number;
  /** On the last epoch of a run that early stopping ended (patience ran out before `epochs`). */
  earlyStop?: true;
}

/** What a training job pushes after every epoch. */
export interface EpochEvent extends EpochLog {
  jobId: string;
  experimentId: number;
  epochs: number;
  /** 1-based fold and fold count for k-fold; absent otherwise. */
  fold?: number;
  folds?: number;
  secondsElapsed: number;
  /** Time left if every remaining epoch runs (an upper bound). */
  etaSeconds: number;
  /**
   * Time left if validation loss stops improving now, so early stopping ends this run after the
   * patience left (and each later fold as soon as it can): a lower bound.
   */
  etaMinSeconds: number;
}

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassificationReport {
  accuracy: number;
  macro: AveragedMetrics;
  weighted: AveragedMetrics;
  perClass: Record<string, ClassMetrics>;
}

export interface MeanSd {
  mean: number;
  sd: number;
}

/**
 * `training.ensemble_validation: rotate`: no separate validation actors; tower k of the ensemble stopped
 * on group k of the training actors (clips, on the stratified split: then each group's actors are
 * listed but every actor is in every group) and trained on the rest.
 */
export interface TowerValidation {
  by: 'actor' | 'clip';
  /** Per tower group, its actors, ascending. */
  groups: number[][];
}

/** How a rotated validation reads in a summary: "rotated over the training actors, …: [01, 05] [02, 06] …". */
/** Actor numbers as the reports write them: "01, 05, 17". */
export const formatActors = (actors: readonly number[]): string => actors.map((a) => String(a).padStart(2, '0')).join(', ');

export function describeTowerValidation(v: TowerValidation): string {
  return v.by === 'actor'
    ? `rotated over the training actors, each network of the ensemble stopping on its own group: ${v.groups.map((g) => `[${formatActors(g)}]`).join(' ')}`
    : `rotated over the training clips (${v.groups.length} groups), each network of the ensemble stopping on its own group`;
}

export interface FoldSplit {
  trainActors: number[];
  validationActors: number[];
  testActors: number[];
  towerValidation?: TowerValidation;
  /** Classical models: scored on the validation actors, then refitted on training and validation actors. */
  validationRefit?: boolean;
}

export interface SplitInfo {
  kind: SplitKind;
  /** True for the stratified split: the same speakers appear in train and test. */
  speakerDependent: boolean;
  trainActors: number[];
  validationActors: number[];
  testActors: number[];
  counts: { train: number; validation: number; test: number };
  /** k-fold only: each fold's actors. */
  folds?: FoldSplit[];
  /** Rotated ensemble validation (not k-fold: there each fold has its own). */
  towerValidation?: TowerValidation;
  /** Classical models: scored on the validation actors, then refitted on training and validation actors. */
  validationRefit?: boolean;
}

export interface ExperimentMetrics {
  labels: Emotion[];
  /** Rows = true class, columns = predicted, in `labels` order (pooled over folds for k-fold). */
  confusion: number[][];
  report: ClassificationReport;
  /** k-fold only: mean ± sd over folds, and each fold's report. */
  folds?: { accuracy: MeanSd; macroF1: MeanSd; weightedF1: MeanSd; reports: ClassificationReport[] };
}

export interface ExperimentDurations {
  featuresSec: number;
  trainSec: number;
  totalSec: number;
}

export interface Experiment {
  id: number;
  name: string;
  createdAt: string;
  finishedAt: string | null;
  status: ExperimentStatus;
  error: string | null;
  config: Config;
  datasetId: number | null;
  datasetRoot: string;
  modelName: ModelName;
  split: SplitInfo | null;
  backend: BackendName | null;
  /** Why that backend ran (what was skipped and why); null before it was chosen. */
  backendSelection: BackendSelection | null;
  durations: ExperimentDurations | null;
  /** One list per fold (one list when not k-fold). */
  history: EpochLog[][];
  metrics: ExperimentMetrics | null;
  artifactsDir: string | null;
  notes: string;
}

/** `emotion-studio train --json` prints exactly this. */
export interface TrainResult {
  experimentId: number;
  name: string;
  status: ExperimentStatus;
  split: SplitInfo;
  backend: BackendName;
  /** The backend's reason line: what ran and why faster ones were skipped. */
  backendReason: string;
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  perClass: Record<string, ClassMetrics>;
  confusion: number[][];
  labels: Emotion[];
  epochsRun: number;
  seconds: number;
  artifacts: { dir: string; files: string[] };
}

/** One config key (dotted path) whose values differ between compared experiments. */
export interface ConfigDifference {
  key: string;
  /** One per experiment, in the compared order; null where the key is absent. */
  values: unknown[];
}

/** A row of a side-by-side table: a value per experiment and which columns hold the best value. */
export interface ComparisonRow {
  label: string;
  values: Array<number | null>;
  /** Indices of the best value(s) (ties mark several); empty when no column has a value. */
  best: number[];
}

/** An accuracy difference in percentage points, signed: "+2.5 pts", "−0.8 pts". */
export const formatPoints = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pts`;

/** For two runs: whether the second is really better than the first, on the clips both judged. */
export type PairedSignificance =
  | {
      paired: true;
      /** Test clips both runs judged (the same clips: same dataset, same test set). */
      clips: number;
      /** Clips only the first run got right, and only the second. */
      onlyFirstCorrect: number;
      onlySecondCorrect: number;
      /** McNemar's exact two-sided p-value on those disagreements. */
      mcnemarP: number;
      /** accuracy(second) − accuracy(first) with a paired bootstrap 95 % interval. */
      accuracyDifference: { difference: number; low: number; high: number; resamples: number };
      /**
       * Two k-fold runs over the same folds (the same test actors, fold by fold): each fold's accuracy
       * difference, second − first, and their mean and sample standard deviation.
       */
      perFold?: { differences: number[]; mean: number; sd: number };
    }
  | { paired: false; reason: string };

export interface ExperimentComparison {
  experiments: Array<{
    id: number;
    name: string;
    status: ExperimentStatus;
    modelName: string;
    datasetId: number | null;
    /** The folder the run was trained and tested on. */
    datasetRoot: string;
    split: SplitKind | null;
    speakerDependent: boolean;
    testActors: number[];
    backend: BackendName | null;
    epochsRun: number;
  }>;
  configDiff: ConfigDifference[];
  /** accuracy, macro and weighted precision/recall/F1. */
  summary: ComparisonRow[];
  /** `<emotion> precision|recall|f1`, for every emotion any of them was evaluated on. */
  perClass: ComparisonRow[];
  /**
   * False when the runs used different datasets, test sets or emotion sets: their numbers cannot be
   * ranked, so no row marks a best value.
   */
  likeForLike: boolean;
  /** Two runs only (null for 3–4): a paired test on their test clips, or why there is none. */
  significance: PairedSignificance | null;
  /** Human-readable cautions: different datasets or splits, speaker-dependent results, unfinished runs. */
  warnings: string[];
}

/** A run's artifact folder zipped for download (`experiments.archive`). */
export interface ExperimentArchive {
  /** `<folder name>.zip`; inside, every file sits under `<folder name>/`. */
  fileName: string;
  base64: string;
  /** Size of the zip (not of the base64 text). */
  bytes: number;
}
