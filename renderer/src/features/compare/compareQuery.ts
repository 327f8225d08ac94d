/**
 * Pure helpers of the Compare view: which runs can be picked, the selection message, how config values
 * and metrics are printed, the per-class rows grouped by emotion, and the overlaid learning curves.
 * Kept free of Svelte so they are easy to test.
 */
import type { ComparisonRow, EpochLog, Experiment, ExperimentComparison } from '../../../../shared/experiments';
import { configText } from '../experiments/experimentQuery';

export const MIN_COMPARED = 2;
export const MAX_COMPARED = 4;

export type ComparedRun = ExperimentComparison['experiments'][number];

/**
 * A run can be compared once it has test-set metrics and is no longer changing: a running job is not,
 * and a cancelled or failed run without metrics would only fill its columns with dashes.
 */
export function pickBlocker(e: Experiment): string | null {
  if (e.status === 'running') return 'still running';
  if (e.metrics === null) return `${e.status}, no test metrics`;
  return null;
}

export const TOO_MANY_MESSAGE = `At most ${MAX_COMPARED} experiments can be compared: unselect one before adding another.`;

/** What the picker says about the current selection. */
export function selectionMessage(selected: number): string {
  if (selected === 0) return `Select ${MIN_COMPARED} to ${MAX_COMPARED} finished experiments to compare them side by side.`;
  if (selected < MIN_COMPARED) return `Select at least one more experiment: ${selected} of ${MIN_COMPARED}–${MAX_COMPARED} selected.`;
  return `${selected} of at most ${MAX_COMPARED} experiments selected.`;
}

/** Compared metrics get three decimals: runs often differ only in the third. */
export const comparedMetric = (value: number | null): string => (value === null ? '—' : value.toFixed(3));

/** A config value as written in YAML (lists inline); `—` where the run's config has no such key. */
export const configValueText = (value: unknown): string => (value === null || value === undefined ? '—' : configText(value));

export interface PerClassGroup {
  emotion: string;
  rows: ComparisonRow[];
}

/** `angry precision`, `angry recall`, … grouped by emotion, in the engine's order. */
export function groupPerClass(rows: readonly ComparisonRow[]): PerClassGroup[] {
  const groups: PerClassGroup[] = [];
  for (const row of rows) {
    const space = row.label.lastIndexOf(' ');
    const emotion = space === -1 ? row.label : row.label.slice(0, space);
    const last = groups.at(-1);
    if (last?.emotion === emotion) last.rows.push(row);
    else groups.push({ emotion, rows: [row] });
  }
  return groups;
}

export interface OverlaidCurves {
  /** x = epochs 1…longest run, then two columns per run, validation then train (null past a run's last epoch). */
  accuracy: Array<Array<number | null>>;
  loss: Array<Array<number | null>>;
  /** Runs with several folds, whose first fold is drawn. */
  kfold: Array<{ id: number; name: string; folds: number }>;
}

/** The epoch log drawn for a run: the single run, or fold 1 of a k-fold run (the same fold for every k-fold run). */
export function drawnHistory(history: readonly (readonly EpochLog[])[]): readonly EpochLog[] {
  return history[0] ?? [];
}

/** Validation accuracy and loss of each run, aligned on the epoch, for uPlot. */
export function overlaidCurves(runs: readonly Pick<Experiment, 'id' | 'name' | 'history'>[]): OverlaidCurves {
  const logs = runs.map((run) => drawnHistory(run.history));
  const epochs = Math.max(0, ...logs.map((log) => log.length));
  const x = Array.from({ length: epochs }, (_, i) => i + 1);
  const column = (log: readonly EpochLog[], pick: (e: EpochLog) => number): Array<number | null> =>
    x.map((_, i) => {
      const entry = log[i];
      return entry === undefined ? null : pick(entry);
    });
  // Per run: validation, then train.
  return {
    accuracy: [x, ...logs.flatMap((log) => [column(log, (e) => e.valAcc), column(log, (e) => e.acc)])],
    loss: [x, ...logs.flatMap((log) => [column(log, (e) => e.valLoss), column(log, (e) => e.loss)])],
    kfold: runs.filter((run) => run.history.length > 1).map((run) => ({ id: run.id, name: run.name, folds: run.history.length })),
  };
}
