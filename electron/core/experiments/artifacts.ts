/**
 * An experiment's artifact folder — the seed's outputs: model.json + weights.bin, preprocessor.json,
 * training_history.json, results_summary.txt, training_plots.png, confusion_matrix.png — plus
 * test_predictions.json. Everything is written into a temporary sibling folder and renamed into place
 * last, so a folder under its final name is always complete.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { zipSync, type Zippable } from 'fflate';
import type { EpochLog, Experiment, ExperimentMetrics } from '../../../shared/experiments';
import { writeModelFiles } from '../training/modelIo';
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

/** Files of one model folder: the top level of a single-model run, and each `folds/<n>/` of a k-fold run. */
export const MODEL_FOLDER_FILES = ['model.json', 'weights.bin', 'preprocessor.json'] as const;

/** Where a k-fold run keeps fold `n`'s model folder, relative to the run's folder. */
export const foldFolder = (n: number): string => `folds/${n}`;

/** The files a run's folder holds: ARTIFACT_FILES, less the top-level model for a fold ensemble, plus each fold's folder. */
export function artifactFilesOf(deployedModel: boolean, folds: number): string[] {
  const top = deployedModel ? [...ARTIFACT_FILES] : ARTIFACT_FILES.filter((f) => f !== 'model.json' && f !== 'weights.bin');
  const perFold = Array.from({ length: folds }, (_, i) => MODEL_FOLDER_FILES.map((f) => `${foldFolder(i + 1)}/${f}`)).flat();
  return [...top, ...perFold];
}

export interface ArtifactContent {
  /** The deployable model, or null for a k-fold ensemble (its preprocessor.json lists the fold folders instead). */
  model: tf.LayersModel | null;
  preprocessor: Record<string, unknown>;
  /** k-fold runs: every fold's model and preprocessor, written to `folds/<n>/`. */
  folds: Array<{ model: tf.LayersModel; preprocessor: Record<string, unknown> }>;
  history: EpochLog[][];
  /** The experiment as it will read once finished (for the summary). */
  experiment: () => Experiment;
  metrics: ExperimentMetrics;
  testPredictions: Array<{ clipId: number; path: string; predicted: string }>;
}

const TMP_MARK = '.tmp-';
/**
 * A folder this program is writing or throwing away carries this file. The start-up sweep removes a
 * `.tmp-…` entry only when its name has our exact shape, it is a real folder holding this mark, and
 * the process that made it is gone: an `--out DIR` may hold the user's own `.tmp-*` files.
 */
export const PARTIAL_MARK = '.emotion-studio-partial';
/** `.tmp-<id>-<slug>-<pid>` (being written) and `.tmp-deleted-<id>-<slug>-<serial>-<pid>` (being removed). */
const OUR_TEMP = /^\.tmp-(?:deleted-)?\d+-[a-z0-9-]+-(\d+)$/;

/** Mark `folder` as ours to sweep if this process dies before it is done with it. */
export function markPartial(folder: string): void {
  fs.writeFileSync(path.join(folder, PARTIAL_MARK), `${process.pid}\n`);
}

export async function writeArtifacts(finalDir: string, c: ArtifactContent): Promise<string[]> {
  const parent = path.dirname(finalDir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `${TMP_MARK}${path.basename(finalDir)}-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  try {
    markPartial(tmp);
    if (c.model) await writeModelFiles(tmp, c.model);
    const experiment = c.experiment();
    const json = (name: string, value: unknown) => fs.writeFileSync(path.join(tmp, name), `${JSON.stringify(value, null, 2)}\n`);
    json('preprocessor.json', c.preprocessor);
    for (const [i, fold] of c.folds.entries()) {
      const dir = path.join(tmp, foldFolder(i + 1));
      await writeModelFiles(dir, fold.model);
      json(path.join(foldFolder(i + 1), 'preprocessor.json'), fold.preprocessor);
    }
    json('training_history.json', c.history.length === 1 ? c.history[0] : c.history);
    json('test_predictions.json', c.testPredictions);
    fs.writeFileSync(path.join(tmp, 'results_summary.txt'), formatExperimentSummary(experiment));
    const title = `${experiment.name} — ${experiment.modelName}`;
    // vega + resvg cost ~0.3 s to import: loaded only when plots are drawn, not by every CLI command.
    const { confusionMatrixPng, trainingPlotsPng } = await import('./plots');
    fs.writeFileSync(path.join(tmp, 'training_plots.png'), await trainingPlotsPng(c.history, title));
    fs.writeFileSync(path.join(tmp, 'confusion_matrix.png'), await confusionMatrixPng(c.metrics.confusion, c.metrics.labels, title));
    const files = artifactFilesOf(c.model !== null, c.folds.length);
    for (const f of files) {
      if (!fs.existsSync(path.join(tmp, f))) throw new Error(`artifact ${f} was not written`);
    }
    fs.rmSync(path.join(tmp, PARTIAL_MARK));
    fs.rmSync(finalDir, { recursive: true, force: true });
    fs.renameSync(tmp, finalDir);
    return files;
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Remove half-written artifact folders whose writing process is gone (killed mid-write). */
export function removeStaleArtifactTemps(root: string): void {
  if (!fs.existsSync(root)) return;
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const pid = Number(OUR_TEMP.exec(entry.name)?.[1]);
    if (!pid || !entry.isDirectory() || pid === process.pid || processAlive(pid)) continue;
    const folder = path.join(root, entry.name);
    if (fs.existsSync(path.join(folder, PARTIAL_MARK))) fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** Where an experiment's artifact folder is, or why there is none to use. */
export type ArtifactFolder = { folder: string } | { folder: null; problem: string };

const isInside = (root: string, candidate: string): boolean => {
  const rel = path.relative(root, candidate);
  return rel !== '' && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== '..';
};

/**
 * The real path of the folder a run recorded (its own `artifactsDir`, never a path a caller names),
 * when it is still a folder and not a link. Reading it — zip, open — is fine wherever it is: a run
 * trained with `--out DIR` keeps its artifacts there.
 */
export function findArtifactFolder(dir: string | null): ArtifactFolder {
  if (dir === null) return { folder: null, problem: 'this run saved no artifacts' };
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? { folder: null, problem: `the folder ${dir} no longer exists` }
      : { folder: null, problem: `${dir}: ${(err as Error).message}` };
  }
  if (!stat.isDirectory()) return { folder: null, problem: `${dir} is not a folder` };
  return { folder: fs.realpathSync(dir) };
}

/**
 * As `findArtifactFolder`, and strictly inside the artifacts root once links are resolved in both:
 * the only folders the engine deletes. A folder elsewhere (`--out DIR`, a copied database), or
 * reached through a link pointing out of the root, is never followed.
 */
export function ownedArtifactFolder(root: string, dir: string | null): ArtifactFolder {
  const found = findArtifactFolder(dir);
  if (found.folder === null) return found;
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    realRoot = path.resolve(root);
  }
  return isInside(realRoot, found.folder) ? found : { folder: null, problem: `${dir} is outside the artifacts folder ${root}` };
}

/** A deleted run's folder is renamed to this (swept by `removeStaleArtifactTemps` if removing it fails). */
export function trashNameFor(folder: string, serial: number): string {
  return `${TMP_MARK}deleted-${path.basename(folder)}-${serial}-${process.pid}`;
}

/** Largest artifact folder sent whole (base64 over IPC/WebSocket). */
export const MAX_ARCHIVE_BYTES = 200 * 1024 * 1024;

/** Already-compressed or incompressible files are stored, not deflated again. */
const STORED = /\.(png|bin)$/i;

/**
 * Every regular file under `folder` (links are skipped, not followed) zipped under `<folder name>/`,
 * with its modification time.
 */
export function zipArtifactFolder(folder: string): Uint8Array {
  const top = path.basename(folder);
  const files: Zippable = {};
  let total = 0;
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      const name = `${prefix}/${entry.name}`;
      if (entry.isDirectory()) walk(full, name);
      else if (entry.isFile()) {
        const bytes = fs.readFileSync(full);
        total += bytes.byteLength;
        if (total > MAX_ARCHIVE_BYTES) throw new Error(`${folder} holds more than ${MAX_ARCHIVE_BYTES} bytes`);
        files[name] = [bytes, { level: STORED.test(entry.name) ? 0 : 6, mtime: fs.statSync(full).mtime }];
      }
    }
  };
  walk(folder, top);
  return zipSync(files);
}
