/**
 * Side-by-side comparison of 2–4 experiments, the way run-comparison tools do it: only the config keys
 * that differ, the headline metrics and the per-class table with the best value per row marked, and
 * warnings where the comparison is not like for like (other datasets, test sets or classes — then no
 * value is marked best).
 */
import { EngineError } from '../../../shared/errors';
import type { TestClip } from '../../../shared/prediction';
import { meanSd } from '../evaluation/metrics';
import { bootstrapAccuracyDifference, mcnemarExact } from '../evaluation/significance';
import {
  SPEAKER_DEPENDENT_LABEL,
  type PairedSignificance,
  type ComparisonRow,
  type ConfigDifference,
  type Experiment,
  type ExperimentComparison,
} from '../../../shared/experiments';

/** Flatten a plain object to dotted keys; arrays and scalars are leaves. */
function flatten(value: unknown, prefix = '', out: Map<string, unknown> = new Map()): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

export function configDiff(configs: readonly unknown[]): ConfigDifference[] {
  const flat = configs.map((c) => flatten(c));
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  return keys.flatMap((key) => {
    const values = flat.map((m) => (m.has(key) ? m.get(key) : null));
    const first = JSON.stringify(values[0]);
    return values.every((v) => JSON.stringify(v) === first) ? [] : [{ key, values }];
  });
}

/** Indices holding the maximum (all of them on a tie). */
export function bestIndices(values: ReadonlyArray<number | null>): number[] {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return [];
  const max = Math.max(...present);
  return values.flatMap((v, i) => (v !== null && Math.abs(v - max) < 1e-12 ? [i] : []));
}

/** What decides a run's test set: the held-out actors, or (stratified) the seed and fraction that draw it. */
function splitKey(e: Experiment): string {
  if (!e.split) return 'none';
  const drawn = e.split.kind === 'stratified' ? `seed ${e.config.training.seed}, test ${e.config.training.test_fraction}` : '';
  return `${e.split.kind}:${e.split.testActors.join(',')}:${drawn}`;
}

/** The emotions a run classifies: as evaluated, else as configured. */
const labelsOf = (e: Experiment): readonly string[] => e.metrics?.labels ?? Object.values(e.config.data.emotions);
const labelKey = (e: Experiment): string => [...labelsOf(e)].sort().join(',');

/**
 * Why these runs' numbers cannot be set against each other, if they cannot: other data, another test
 * set, or other classes. An empty list means like for like. Runs without metrics have no numbers to
 * rank and do not count.
 */
function notLikeForLike(all: readonly Experiment[]): string[] {
  const experiments = all.filter((e) => e.metrics !== null);
  const reasons: string[] = [];
  const roots = [...new Set(experiments.map((e) => e.datasetRoot))];
  if (roots.length > 1) {
    reasons.push(`The runs were trained and tested on different datasets (${roots.join(', ')}): their metrics are not comparable.`);
  }
  if (new Set(experiments.map(splitKey)).size > 1) {
    reasons.push('The runs were evaluated on different splits (kind or test actors differ): their metrics are not directly comparable.');
  }
  if (new Set(experiments.map(labelKey)).size > 1) {
    const counts = experiments.map((e) => labelsOf(e).length);
    reasons.push(`The runs classify different emotion sets (${counts.join(' vs ')} classes): chance level and every metric differ.`);
  }
  return reasons;
}

/** A run's evaluated test clips, or why there are none (a missing artifact, an unindexed dataset). */
export type TestClipsOf = (e: Experiment) => TestClip[] | { unavailable: string };

/** McNemar and the bootstrap for two runs that judged exactly the same test clips. */
export function pairedSignificance(a: Experiment, b: Experiment, testClipsOf: TestClipsOf): PairedSignificance {
  if (a.datasetRoot !== b.datasetRoot) return { paired: false, reason: 'The runs were tested on different datasets: there are no clips to pair, so no significance test.' };
  const first = testClipsOf(a);
  if (!Array.isArray(first)) return { paired: false, reason: `No test clips of experiment ${a.id} to pair: ${first.unavailable}.` };
  const second = testClipsOf(b);
  if (!Array.isArray(second)) return { paired: false, reason: `No test clips of experiment ${b.id} to pair: ${second.unavailable}.` };
  const byClip = new Map(second.map((t) => [t.clipId, t]));
  if (first.length !== byClip.size || first.some((t) => !byClip.has(t.clipId))) {
    return {
      paired: false,
      reason: `The runs were tested on different clips (${first.length} and ${byClip.size} test clips, not the same ones): a paired test needs the same test set, so there is no p-value.`,
    };
  }
  const correctA = first.map((t) => t.correct);
  const correctB = first.map((t) => (byClip.get(t.clipId) as TestClip).correct);
  const onlyFirstCorrect = correctA.filter((ok, i) => ok && !correctB[i]).length;
  const onlySecondCorrect = correctB.filter((ok, i) => ok && !correctA[i]).length;
  const perFold = perFoldDifferences(a, b);
  return {
    paired: true,
    clips: first.length,
    onlyFirstCorrect,
    onlySecondCorrect,
    mcnemarP: mcnemarExact(onlyFirstCorrect, onlySecondCorrect),
    accuracyDifference: bootstrapAccuracyDifference(correctA, correctB),
    ...(perFold ? { perFold } : {}),
  };
}

/** Two k-fold runs over the same folds (test actors fold by fold): per-fold accuracy(b) − accuracy(a). */
export function perFoldDifferences(a: Experiment, b: Experiment): { differences: number[]; mean: number; sd: number } | null {
  const foldsA = a.split?.kind === 'actor_kfold' ? a.split.folds : undefined;
  const foldsB = b.split?.kind === 'actor_kfold' ? b.split.folds : undefined;
  const reportsA = a.metrics?.folds?.reports;
  const reportsB = b.metrics?.folds?.reports;
  if (!foldsA || !foldsB || !reportsA || !reportsB || foldsA.length !== foldsB.length || reportsA.length !== foldsA.length || reportsB.length !== foldsB.length) return null;
  const sameFolds = foldsA.every((f, i) => f.testActors.join() === foldsB[i]?.testActors.join());
  if (!sameFolds) return null;
  const differences = reportsA.map((r, i) => (reportsB[i]?.accuracy as number) - r.accuracy);
  return { differences, ...meanSd(differences) };
}

export function compareExperiments(experiments: readonly Experiment[], testClipsOf?: TestClipsOf): ExperimentComparison {
  if (experiments.length < 2 || experiments.length > 4) {
    throw new EngineError('INVALID_PAYLOAD', `compare takes 2 to 4 experiments, got ${experiments.length}`);
  }
  const incomparable = notLikeForLike(experiments);
  const likeForLike = incomparable.length === 0;
  // A "best" mark across runs that are not like for like would rank what cannot be ranked.
  const row = (label: string, values: Array<number | null>): ComparisonRow => ({ label, values, best: likeForLike ? bestIndices(values) : [] });
  const report = (e: Experiment) => e.metrics?.report ?? null;
  const summary = [
    row('accuracy', experiments.map((e) => report(e)?.accuracy ?? null)),
    ...(['precision', 'recall', 'f1'] as const).map((m) => row(`macro ${m}`, experiments.map((e) => report(e)?.macro[m] ?? null))),
    ...(['precision', 'recall', 'f1'] as const).map((m) => row(`weighted ${m}`, experiments.map((e) => report(e)?.weighted[m] ?? null))),
  ];
  const emotions = [...new Set(experiments.flatMap((e) => e.metrics?.labels ?? []))];
  const perClass = emotions.flatMap((emotion) =>
    (['precision', 'recall', 'f1'] as const).map((m) => row(`${emotion} ${m}`, experiments.map((e) => report(e)?.perClass[emotion]?.[m] ?? null))),
  );

  const warnings = [...incomparable];
  if (!likeForLike) warnings.push('No best values are marked: the runs are not like for like.');
  for (const e of experiments) {
    if (e.split?.speakerDependent) warnings.push(`Experiment ${e.id} "${e.name}" is ${SPEAKER_DEPENDENT_LABEL}: the same actors appear in training and test.`);
    if (e.status !== 'finished') warnings.push(`Experiment ${e.id} "${e.name}" is ${e.status}: it has no test metrics.`);
  }

  return {
    experiments: experiments.map((e) => ({
      id: e.id,
      name: e.name,
      status: e.status,
      modelName: e.modelName,
      datasetId: e.datasetId,
      datasetRoot: e.datasetRoot,
      split: e.split?.kind ?? null,
      speakerDependent: e.split?.speakerDependent ?? false,
      testActors: e.split?.testActors ?? [],
      backend: e.backend,
      epochsRun: e.history.reduce((n, h) => n + h.length, 0),
    })),
    configDiff: configDiff(experiments.map((e) => e.config)),
    summary,
    perClass,
    likeForLike,
    significance:
      experiments.length === 2 && testClipsOf
        ? pairedSignificance(experiments[0] as Experiment, experiments[1] as Experiment, testClipsOf)
        : null,
    warnings,
  };
}
