/**
 * An experiment's artifact folder — the seed's outputs: model.json + weights.bin, preprocessor.json,
 * training_history.json, results_summary.txt, training_plots.png, confusion_matrix.png — plus
 * test_predictions.json. Everything is written into a temporary sibling folder and renamed into place
 * last, so a folder under its final name is always complete.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { EpochLog, Experiment, ExperimentMetrics } from '../../../shared/experiments';
import { writeModelFiles } from '../training/modelIo';
import { confusionMatrixPng, trainingPlotsPng } from './plots';
import { formatExperimentSummary } from './summary';
import { processAlive } from '../process';

export const ARTIFACT_FILES = [
  'model.json',
  'weights.bin',
  'preprocessor.json',
  'training_history.json',
  'results_summary.txt',
  'training_plots.png',
  'confusion_matrix.png',
  'test_predictions.json',
] as const;

export interface ArtifactContent {
  model: tf.LayersModel;
  preprocessor: Record<string, unknown>;
  history: EpochLog[][];
  /** The experiment as it will read once finished (for the summary). */
  experiment: () => Experiment;
  metrics: ExperimentMetrics;
  testPredictions: Array<{ clipId: number; path: string; predicted: string }>;
}

const TMP_MARK = '.tmp-';

export async function writeArtifacts(finalDir: string, c: ArtifactContent): Promise<string[]> {
  const parent = path.dirname(finalDir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `${TMP_MARK}${path.basename(finalDir)}-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  try {
    await writeModelFiles(tmp, c.model);
    const experiment = c.experiment();
    const json = (name: string, value: unknown) => fs.writeFileSync(path.join(tmp, name), `${JSON.stringify(value, null, 2)}\n`);
    json('preprocessor.json', c.preprocessor);
    json('training_history.json', c.history.length === 1 ? c.history[0] : c.history);
    json('test_predictions.json', c.testPredictions);
    fs.writeFileSync(path.join(tmp, 'results_summary.txt'), formatExperimentSummary(experiment));
    const title = `${experiment.name} — ${experiment.modelName}`;
    fs.writeFileSync(path.join(tmp, 'training_plots.png'), await trainingPlotsPng(c.history, title));
    fs.writeFileSync(path.join(tmp, 'confusion_matrix.png'), await confusionMatrixPng(c.metrics.confusion, c.metrics.labels, title));
    for (const f of ARTIFACT_FILES) {
      if (!fs.existsSync(path.join(tmp, f))) throw new Error(`artifact ${f} was not written`);
    }
    fs.rmSync(finalDir, { recursive: true, force: true });
    fs.renameSync(tmp, finalDir);
    return [...ARTIFACT_FILES];
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Remove half-written artifact folders whose writing process is gone (killed mid-write). */
export function removeStaleArtifactTemps(root: string): void {
  if (!fs.existsSync(root)) return;
  for (const entry of fs.readdirSync(root)) {
    const pid = Number(/-(\d+)$/.exec(entry)?.[1]);
    if (entry.startsWith(TMP_MARK) && (!pid || (pid !== process.pid && !processAlive(pid)))) {
      fs.rmSync(path.join(root, entry), { recursive: true, force: true });
    }
  }
}
