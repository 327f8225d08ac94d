/**
 * Pure helpers of the Experiments view: the history table's columns and sort, the confusion matrix in
 * counts or row shares, and the learning-curve series. Kept free of Svelte so they are easy to test.
 */
import type { EpochLog, Experiment, ExperimentStatus, SplitKind } from '../../../../shared/experiments';
import { formatDuration } from '../../lib/format';

export type ExperimentColumn =
  | 'name'
  | 'date'
  | 'model'
  | 'split'
  | 'backend'
  | 'accuracy'
  | 'macroF1'
  | 'status'
  | 'duration';

export interface ExperimentSort {
  column: ExperimentColumn;
  direction: 'ascending' | 'descending';
}

export const SPLIT_LABELS: Record<SplitKind, string> = {
  actor: 'actor hold-out',
  actor_kfold: 'actor k-fold',
  stratified: 'stratified',
};

export const STATUS_LABELS: Record<ExperimentStatus, string> = {
  running: 'running',
  finished: 'finished',
  cancelled: 'cancelled',
  failed: 'failed',
};

/** Accuracy of a run (the pooled report; k-fold pools every fold's test predictions), or null. */
export const accuracyOf = (e: Experiment): number | null => e.metrics?.report.accuracy ?? null;
export const macroF1Of = (e: Experiment): number | null => e.metrics?.report.macro.f1 ?? null;
export const splitKindOf = (e: Experiment): SplitKind => e.split?.kind ?? e.config.training.split;
export const isSpeakerDependent = (e: Experiment): boolean => e.split?.speakerDependent ?? e.config.training.split === 'stratified';

/** A metric as sklearn prints it: two decimals. */
export const metric = (value: number): string => value.toFixed(2);
export const metricOrDash = (value: number | null): string => (value === null ? '—' : metric(value));
export const durationText = (e: Experiment): string => (e.durations ? formatDuration(e.durations.totalSec) : '—');

type SortValue = string | number | null;

const SORT_VALUES: Record<ExperimentColumn, (e: Experiment) => SortValue> = {
  name: (e) => e.name.toLowerCase(),
  date: (e) => e.createdAt,
  model: (e) => e.modelName,
  split: (e) => splitKindOf(e),
  backend: (e) => e.backend,
  accuracy: accuracyOf,
  macroF1: macroF1Of,
  status: (e) => e.status,
  duration: (e) => e.durations?.totalSec ?? null,
};

export interface ColumnSpec {
  key: ExperimentColumn;
  label: string;
  numeric: boolean;
}

export const EXPERIMENT_COLUMNS: readonly ColumnSpec[] = [
  { key: 'name', label: 'Name', numeric: false },
  { key: 'date', label: 'Date', numeric: false },
  { key: 'model', label: 'Model', numeric: false },
  { key: 'split', label: 'Split', numeric: false },
  { key: 'backend', label: 'Backend', numeric: false },
  { key: 'accuracy', label: 'Accuracy', numeric: true },
  { key: 'macroF1', label: 'Macro F1', numeric: true },
  { key: 'status', label: 'Status', numeric: false },
  { key: 'duration', label: 'Duration', numeric: true },
];

/** Ascending → descending → off (newest first), like the clip table. */
export function nextExperimentSort(current: ExperimentSort | null, column: ExperimentColumn): ExperimentSort | null {
  if (current?.column !== column) return { column, direction: 'ascending' };
  return current.direction === 'ascending' ? { column, direction: 'descending' } : null;
}

/** Sorted copy: by `sort` (missing values last in either direction, ties by id), or newest first. */
export function sortExperiments(experiments: readonly Experiment[], sort: ExperimentSort | null): Experiment[] {
  const rows = [...experiments];
  if (sort === null) return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  const value = SORT_VALUES[sort.column];
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return rows.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? a.id - b.id : va === null ? 1 : -1;
    const order = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return order === 0 ? a.id - b.id : sign * order;
  });
}

/** Each row divided by its sum (a row of zeros stays zeros): the share of each true class predicted as each class. */
export function rowShares(confusion: readonly (readonly number[])[]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((s, v) => s + v, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

export interface CurveSeries {
  label: string;
  /** Which metric panel it belongs to. */
  metric: 'acc' | 'loss';
  split: 'train' | 'validation';
  fold: number | null;
}

export interface LearningCurves {
  /** x = epoch numbers (1…longest run), then one column per series; shorter runs are padded with null. */
  accuracy: { series: CurveSeries[]; data: Array<Array<number | null>> };
  loss: { series: CurveSeries[]; data: Array<Array<number | null>> };
}

/** uPlot-shaped data for the accuracy and loss panels: a train and a validation series per fold. */
export function learningCurves(history: readonly (readonly { epoch: number; acc: number; valAcc: number; loss: number; valLoss: number }[])[]): LearningCurves {
  const runs = history.filter((run) => run.length > 0);
  const epochs = Math.max(0, ...runs.map((run) => run.length));
  const x = Array.from({ length: epochs }, (_, i) => i + 1);
  const kfold = runs.length > 1;
  const column = (run: (typeof runs)[number], pick: (e: (typeof run)[number]) => number): Array<number | null> =>
    x.map((_, i) => {
      const entry = run[i];
      return entry === undefined ? null : pick(entry);
    });
  const build = (metricKey: 'acc' | 'loss') => {
    const series: CurveSeries[] = [];
    const data: Array<Array<number | null>> = [x];
    runs.forEach((run, index) => {
      const fold = kfold ? index + 1 : null;
      const prefix = fold === null ? '' : `fold ${fold} `;
      series.push({ label: `${prefix}train`, metric: metricKey, split: 'train', fold });
      data.push(column(run, (e) => (metricKey === 'acc' ? e.acc : e.loss)));
      series.push({ label: `${prefix}validation`, metric: metricKey, split: 'validation', fold });
      data.push(column(run, (e) => (metricKey === 'acc' ? e.valAcc : e.valLoss)));
    });
    return { series, data };
  };
  return { accuracy: build('acc'), loss: build('loss') };
}

/** What early stopping did in one fold (or the one run): the epoch whose weights were kept, and where it stopped. */
export interface StoppingFacts {
  /** 1-based fold, or null for a run without folds. */
  fold: number | null;
  /** Lowest validation loss so far, whose weights are kept (restored at the end); null when not logged. */
  bestEpoch: number | null;
  /** The epoch early stopping ended the run at; null when it did not (yet). */
  stoppedAt: number | null;
  lastEpoch: number;
}

export function stoppingFacts(history: readonly (readonly EpochLog[])[]): StoppingFacts[] {
  const folds = history.length > 1;
  return history.flatMap((run, i) => {
    const last = run.at(-1);
    if (!last) return [];
    return [{ fold: folds ? i + 1 : null, bestEpoch: last.bestEpoch ? last.bestEpoch : null, stoppedAt: last.earlyStop ? last.epoch : null, lastEpoch: last.epoch }];
  });
}

/** One sentence per fold: "stopped early at epoch 22; epoch 12 (lowest validation loss) restored". */
export function stoppingText(facts: StoppingFacts): string {
  const where = facts.fold === null ? '' : `Fold ${facts.fold}: `;
  const stop = facts.stoppedAt === null ? `${facts.lastEpoch} epoch${facts.lastEpoch === 1 ? '' : 's'}` : `early stopping ended it at epoch ${facts.stoppedAt}`;
  const best = facts.bestEpoch === null ? '' : `; best validation loss at epoch ${facts.bestEpoch} (those weights are kept)`;
  return `${where}${stop}${best}.`;
}

/** The config as indented `key: value` lines (YAML-like; lists inline). */
export function configText(value: unknown, indent = 0): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return scalarText(value);
  const pad = '  '.repeat(indent);
  return Object.entries(value as Record<string, unknown>)
    .map(([key, v]) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? `${pad}${key}:\n${configText(v, indent + 1)}`
        : `${pad}${key}: ${scalarText(v)}`,
    )
    .join('\n');
}

function scalarText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(scalarText).join(', ')}]`;
  if (typeof value === 'string') return /^[\w.-]+$/.test(value) ? value : JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  return String(value);
}

/** `01, 02, 05` */
export const actorList = (actors: readonly number[]): string =>
  actors.length === 0 ? '—' : actors.map((a) => String(a).padStart(2, '0')).join(', ');
