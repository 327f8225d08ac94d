/**
 * Text reports: the seed's classification report (sklearn's layout) and the experiment summary that goes
 * to `results_summary.txt` and the CLI.
 */
import { describeTowerValidation, formatActors, SPEAKER_DEPENDENT_LABEL, type ClassificationReport, type Experiment, type SplitInfo } from '../../../shared/experiments';

const f2 = (x: number): string => x.toFixed(2);

/** sklearn's `classification_report` text layout. */
export function formatClassificationReport(report: ClassificationReport, labels: readonly string[]): string {
  const width = Math.max(12, ...labels.map((l) => l.length));
  const head = `${''.padStart(width)}  precision    recall  f1-score   support`;
  const row = (name: string, p: string, r: string, f: string, s: number) =>
    `${name.padStart(width)}  ${p.padStart(9)} ${r.padStart(9)} ${f.padStart(9)} ${String(s).padStart(9)}`;
  const total = labels.reduce((n, l) => n + (report.perClass[l]?.support ?? 0), 0);
  const lines = [head, ''];
  for (const label of labels) {
    const m = report.perClass[label];
    if (m) lines.push(row(label, f2(m.precision), f2(m.recall), f2(m.f1), m.support));
  }
  lines.push(
    '',
    row('accuracy', '', '', f2(report.accuracy), total),
    row('macro avg', f2(report.macro.precision), f2(report.macro.recall), f2(report.macro.f1), total),
    row('weighted avg', f2(report.weighted.precision), f2(report.weighted.recall), f2(report.weighted.f1), total),
  );
  return lines.join('\n');
}

export function describeSplit(split: SplitInfo): string {
  if (split.kind === 'stratified') {
    return `stratified random split — ${SPEAKER_DEPENDENT_LABEL}: every actor appears in train and test (${split.counts.train} / ${split.counts.validation} / ${split.counts.test} clips)`;
  }
  if (split.kind === 'actor_kfold') {
    const rotated = split.folds?.[0]?.towerValidation ? '; validation rotated over each fold\'s training actors (each network of the ensemble stopping on its own group)' : '';
    return `${split.folds?.length ?? 0}-fold cross-validation grouped by actor (speaker-independent); test actors per fold: ${(split.folds ?? []).map((f) => `[${formatActors(f.testActors)}]`).join(' ')}${rotated}`;
  }
  const refit = split.validationRefit ? ' (scored, then refitted on with the training actors)' : '';
  const validation = split.towerValidation ? describeTowerValidation(split.towerValidation) : `${formatActors(split.validationActors)}${refit}`;
  return `held-out actors (speaker-independent): train ${formatActors(split.trainActors)}; validation ${validation}; test ${formatActors(split.testActors)} (${split.counts.train} / ${split.counts.validation} / ${split.counts.test} clips)`;
}

function modelLine(e: Experiment): string {
  const { model, training } = e.config;
  const balanced = training.class_weights ? ', balanced class weights' : '';
  const deployed = e.split?.kind === 'actor_kfold' ? `; deployed: ${training.kfold_model === 'refit' ? 'refit on every actor' : `the ensemble of its ${e.split.folds?.length ?? training.k} fold models`}` : '';
  if (e.modelName === 'logreg') return `Model: logreg (multinomial logistic regression, L2, C ${model.C}${balanced})${deployed}`;
  if (e.modelName === 'svm') return `Model: svm (RBF support-vector classifier, one-vs-one, C ${model.C}, gamma ${model.gamma}${balanced}, Platt probabilities)${deployed}`;
  return `Model: ${e.modelName} (hidden layers ${model.hidden_layers.join('-')}, dropout ${model.dropout_rates.join('/') || 'none'})${deployed}`;
}

export function formatExperimentSummary(e: Experiment): string {
  const lines = [
    `Emotion Studio — experiment ${e.id} "${e.name}" (${e.status})`,
    `Created ${e.createdAt}${e.finishedAt ? `, ended ${e.finishedAt}` : ''}`,
    `Dataset: ${e.datasetRoot}`,
    modelLine(e),
    `Backend: ${e.backend ?? 'unknown'}`,
  ];
  if (e.split) lines.push(`Split: ${describeSplit(e.split)}`);
  lines.push(
    e.config.features.speaker_normalization === 'per_actor'
      ? "Speaker normalisation: per_actor (each clip standardised by its own actor's statistics, from all that actor's clips, before the model)"
      : 'Speaker normalisation: none (raw features)',
  );
  if (e.durations) lines.push(`Time: features ${e.durations.featuresSec.toFixed(1)} s, training ${e.durations.trainSec.toFixed(1)} s, total ${e.durations.totalSec.toFixed(1)} s`);
  const epochs = e.history.map((h) => h.length);
  if (epochs.length > 0) lines.push(`Epochs run: ${epochs.join(' + ')}`);
  if (e.error) lines.push(`Error: ${e.error}`);
  if (e.metrics) {
    lines.push('', `Test results${e.split?.speakerDependent ? ` — ${SPEAKER_DEPENDENT_LABEL}` : ''}:`, '');
    if (e.metrics.folds) {
      const { accuracy, macroF1, weightedF1 } = e.metrics.folds;
      lines.push(
        `accuracy ${accuracy.mean.toFixed(3)} ± ${accuracy.sd.toFixed(3)}, macro F1 ${macroF1.mean.toFixed(3)} ± ${macroF1.sd.toFixed(3)}, weighted F1 ${weightedF1.mean.toFixed(3)} ± ${weightedF1.sd.toFixed(3)} over ${e.metrics.folds.reports.length} folds (mean ± sd)`,
        'Pooled over all folds:',
        '',
      );
    }
    lines.push(formatClassificationReport(e.metrics.report, e.metrics.labels), '', 'Confusion matrix (rows true, columns predicted):');
    const w = Math.max(9, ...e.metrics.labels.map((l) => l.length));
    lines.push(`${''.padStart(w)} ${e.metrics.labels.map((l) => l.slice(0, 7).padStart(7)).join(' ')}`);
    e.metrics.confusion.forEach((row, i) => lines.push(`${(e.metrics?.labels[i] ?? '').padStart(w)} ${row.map((n) => String(n).padStart(7)).join(' ')}`));
  }
  return `${lines.join('\n')}\n`;
}
