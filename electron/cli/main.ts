/**
 * `emotion-studio` — the engine from a terminal. Results go to stdout (one JSON object with `--json`),
 * progress and errors to stderr, so `--json` output can be piped.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { IndexResult } from '../../shared/dataset';
import { EngineError, toRpcError } from '../../shared/errors';
import { EMOTIONS } from '../../shared/ravdess';
import { DEFAULT_HOP_SEC, type Prediction } from '../../shared/prediction';
import type { ExtractResult } from '../../shared/features';
import { loadConfigFile } from '../core/config';
import { generateDemoCorpus } from '../core/corpus';
import { extractDataset } from '../core/extraction/extractDataset';
import { findExperiment, getExperiment, listExperiments } from '../core/experiments/store';
import { testClipsOrWhy } from '../core/experiments/testClips';
import { compareExperiments } from '../core/experiments/compare';
import { formatPoints, type ExperimentComparison } from '../../shared/experiments';
import { formatExperimentSummary } from '../core/experiments/summary';
import { resolveHome } from '../core/paths';
import type { Config } from '../../shared/config';
import type { BackendSelection, TrainResult } from '../../shared/experiments';
import { openDatabase, type Db } from '../core/db/database';
import { indexDataset } from '../core/dataset/indexer';
import { createEngine, type Engine } from '../core/engine';
import { dispatch } from '../core/rpc';
import type { JobFinished, MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import { resolveDbPath } from '../core/paths';
import { APP_VERSION } from '../core/version';
import { newToken, readSavedAddress, saveAddress } from '../server/address';
import { startServer, type RunningServer } from '../server/server';
import { ProgressPrinter } from './progress';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Each command's synopsis (first line) and what it does; `emotion-studio COMMAND --help` prints one. */
const COMMAND_HELP = {
  'demo-corpus': `emotion-studio demo-corpus DIR [--actors N] [--seed S]
  Write a deterministic synthetic RAVDESS-shaped corpus: Actor_XX/03-01-EE-II-SS-RR-XX.wav, 60 clips per
  actor (--actors 1–24, default 24), 48 kHz 16-bit mono. Same --seed, same bytes.`,
  index: `emotion-studio index DIR [--db FILE] [--json] [--batch N]
  Index a RAVDESS speech folder (incremental). Every unusable file is listed with its reason.
  --batch N   files per transaction (default 200)`,
  features: `emotion-studio features DIR [--config FILE] [--workers N] [--db FILE] [--json]
  Index DIR, then extract every clip's features into the cache (keyed by the config's feature keys).
  --workers N   extraction workers (default: one per core)`,
  train: `emotion-studio train --data DIR [--config FILE] [--experiment NAME] [--db FILE] [--out DIR] [--json]
  Index, extract and train one experiment in a worker thread; print the classification report.
  --config FILE     YAML config (default configs/default.yaml)
  --out DIR         where the artifact folder goes (default: next to the database)`,
  demo: `emotion-studio demo [--actors N] [--db FILE] [--json]
  For someone without RAVDESS: demo corpus + index + features + train with the default config + report.`,
  experiments: `emotion-studio experiments list [--db FILE] [--json]            saved experiments, newest first
emotion-studio experiments show ID|NAME [--db FILE] [--json]     one run's report
emotion-studio experiments compare ID ID… [--db FILE] [--json]   2–4 runs side by side`,
  predict: `emotion-studio predict --audio FILE [--experiment ID|NAME | --model DIR] [--db FILE] [--hop S] [--json]
  A trained model's verdict on one WAV file (default: the latest finished experiment). --model DIR
  needs no database. Long files are scored in windows every --hop seconds (default 1).`,
  serve: `emotion-studio serve [--port N] [--db FILE]
  Browser mode on http://127.0.0.1 (loopback only, token in the URL). The port and token are kept per
  data folder, so an open tab reconnects after a restart; --port N picks the port.`,
} as const satisfies Record<string, string>;

export type CommandName = keyof typeof COMMAND_HELP;
export const COMMAND_NAMES = Object.keys(COMMAND_HELP) as CommandName[];
const isCommand = (name: string | undefined): name is CommandName => name !== undefined && Object.hasOwn(COMMAND_HELP, name);

const USAGE = `emotion-studio ${APP_VERSION} — speech-emotion-recognition studio for RAVDESS

Usage:
${Object.values(COMMAND_HELP)
  .flatMap((help) => help.split('\n').filter((line) => line.startsWith('emotion-studio ')))
  .map((line) => `  ${line}`)
  .join('\n')}
  emotion-studio help [COMMAND]   this text, or one command's
  emotion-studio COMMAND --help   the same

Data lives in the OS app-data folder (override with EMOTION_STUDIO_HOME or --db FILE).`;

/** A mistake in how the command was called: exit code 2 and the usage. */
class UsageError extends Error {}

/** Parse options strictly; `positionals` is an exact count or an inclusive [min, max] range. */
function parse<T extends ParseArgsConfig['options']>(args: string[], options: T, positionals: number | [number, number]) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const [min, max] = typeof positionals === 'number' ? [positionals, positionals] : positionals;
  const n = parsed.positionals.length;
  if (n < min || n > max) {
    throw new UsageError(`expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${n}`);
  }
  return parsed;
}

function intOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

async function cmdDemoCorpus(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { actors: { type: 'string' }, seed: { type: 'string' } }, 1);
  const dir = path.resolve(positionals[0] as string);
  const actors = intOption(values.actors, 'actors', 24, 1, 24);
  const seed = intOption(values.seed, 'seed', 1, 0, 2 ** 31 - 1);
  const progress = new ProgressPrinter('writing clips');
  const result = await generateDemoCorpus(dir, { actors, seed, onProgress: (done, total) => progress.update(done, total) });
  progress.end();
  process.stdout.write(`Wrote ${result.files} clips for ${result.actors} actors to ${result.dir} in ${result.seconds.toFixed(1)} s (seed ${result.seed})\n`);
  return 0;
}

function formatIndexResult(r: IndexResult): string {
  const lines = [
    `${r.status === 'cancelled' ? 'Cancelled' : 'Indexed'} ${r.root}: ${r.clips} clips (${r.added} added, ${r.updated} re-read, ${r.unchanged} unchanged) in ${r.seconds.toFixed(2)} s`,
    '',
    'Emotion      Clips',
    ...EMOTIONS.map((e) => `${e.padEnd(12)} ${String(r.byEmotion[e]).padStart(5)}`),
    '',
    `Actors: ${Object.keys(r.byActor).length}   male ${r.byGender.male}, female ${r.byGender.female}   normal ${r.byIntensity.normal}, strong ${r.byIntensity.strong}`,
  ];
  if (r.missing.length > 0) lines.push(`Missing (${r.missing.length}): ${r.missing.slice(0, 10).join(', ')}${r.missing.length > 10 ? ', …' : ''}`);
  if (r.rejected.length > 0) {
    lines.push('', `Rejected (${r.rejected.length}):`);
    for (const f of r.rejected) lines.push(`  ${f.path}: ${f.reason}`);
  }
  return lines.join('\n') + '\n';
}

/** Run `work` with Ctrl+C aborting its signal (the command then reports what it finished and exits 130). */
async function withSigint<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Index a folder with its progress on stderr. */
async function indexWithProgress(db: Db, dir: string, options: { signal?: AbortSignal; batchSize?: number } = {}): Promise<IndexResult> {
  const progress = new ProgressPrinter('indexing');
  const result = await indexDataset(db, dir, { ...options, onProgress: (done, total, phase) => progress.update(done, total, phase) });
  progress.end();
  return result;
}

async function cmdIndex(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { db: { type: 'string' }, json: { type: 'boolean' }, batch: { type: 'string' } }, 1);
  const batchSize = intOption(values.batch, 'batch', 200, 1, 100_000);
  const db = openDatabase(resolveDbPath(values.db));
  try {
    const result = await withSigint((signal) => indexWithProgress(db, positionals[0] as string, { signal, batchSize }));
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : formatIndexResult(result));
    return result.status === 'cancelled' ? 130 : 0;
  } finally {
    db.close();
  }
}

function formatExtractResult(r: ExtractResult): string {
  const lines = [
    `${r.status === 'cancelled' ? 'Cancelled' : 'Features'}: ${r.clips} clips — ${r.extracted} extracted, ${r.cached} cached, ${r.failed.length} failed — in ${r.seconds.toFixed(2)} s (${r.clipsPerSecond} clips/s${r.workers > 0 ? `, ${r.workers} workers` : ''}); config ${r.configHash}`,
  ];
  for (const f of r.failed) lines.push(`  failed ${f.path}: ${f.reason}`);
  return lines.join('\n') + '\n';
}

async function cmdFeatures(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { config: { type: 'string' }, workers: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } },
    1,
  );
  const config = loadConfigFile(values.config);
  const workers = values.workers === undefined ? undefined : intOption(values.workers, 'workers', 1, 1, 64);
  const db = openDatabase(resolveDbPath(values.db));
  try {
    return await withSigint(async (signal) => {
      const index = await indexWithProgress(db, positionals[0] as string, { signal });
      if (index.status === 'cancelled') return 130;
      const progress = new ProgressPrinter('extracting features');
      const result = await extractDataset(db, index.datasetId, config, {
        workers,
        signal,
        onProgress: (done, total, phase) => progress.update(done, total, phase),
      });
      progress.end();
      process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : formatExtractResult(result));
      return result.status === 'cancelled' ? 130 : 0;
    });
  } finally {
    db.close();
  }
}

/** Once per run: the backend, and for each faster one skipped, why and what would bring it. */
export function describeBackend(selection: BackendSelection): string {
  const lines = [`Backend: ${selection.backend} — ${selection.reason}`];
  if (selection.skipped.some((s) => s.backend === 'tensorflow')) {
    lines.push(
      '  Native TensorFlow (several times faster) did not load. @tensorflow/tfjs-node is an optional dependency whose install',
      '  downloads libtensorflow; where that download is blocked it is skipped. Run `npm install @tensorflow/tfjs-node` on a',
      '  network that reaches it to train faster.',
    );
  }
  return lines.join('\n');
}

/**
 * Index → features → train, through the same engine the app runs (its start-up marks interrupted runs and
 * sweeps half-written artifacts; its `training.start` job trains in a worker), with progress on stderr.
 */
async function trainOnFolder(dir: string, config: Config, opts: { name: string; db?: string; out?: string }): Promise<{ result: TrainResult; dbPath: string }> {
  const dbPath = resolveDbPath(opts.db);
  const engine = createEngine({ dbPath, host: { mode: 'cli' }, ...(opts.out ? { artifactsRoot: path.resolve(opts.out) } : {}) });
  try {
    const { datasetId } = await indexWithProgress(engine.db, dir);
    const progress = new ProgressPrinter('training');
    const { jobId } = await engineCall(engine, 'training.start', { datasetId, config, name: opts.name });
    const ended = new Promise<JobFinished>((resolve) => {
      engine.subscribe((m) => {
        if (m.event === 'training.backend' && m.payload.jobId === jobId) progress.note(describeBackend(m.payload.selection));
        else if (m.event === 'job.progress' && m.payload.jobId === jobId && !m.payload.phase.startsWith('training')) progress.update(m.payload.done, m.payload.total, m.payload.phase);
        else if (m.event === 'training.epoch' && m.payload.jobId === jobId) {
          const e = m.payload;
          progress.update(
            e.epoch,
            e.epochs,
            `${e.fold ? `fold ${e.fold}/${e.folds} ` : ''}epoch ${e.epoch}: loss ${e.loss.toFixed(3)} acc ${e.acc.toFixed(3)} val_loss ${e.valLoss.toFixed(3)} val_acc ${e.valAcc.toFixed(3)} lr ${e.lr.toExponential(1)}`,
          );
        } else if (m.event === 'job.finished' && m.payload.jobId === jobId) resolve(m.payload);
      });
    });
    const end = await withSigint((signal) => {
      signal.addEventListener('abort', () => engine.jobs.cancel(jobId), { once: true });
      return ended;
    });
    progress.end();
    if (end.kind !== 'train' || !end.result) throw new EngineError(end.error?.code ?? 'INTERNAL', end.error?.message ?? `training ${end.status}`);
    return { result: end.result, dbPath };
  } finally {
    await engine.close();
  }
}

/** A contract method on an in-process engine, validated like any front end's call; errors thrown as EngineError. */
async function engineCall<M extends MethodName>(engine: Engine, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await dispatch(engine.handlers, method, input);
  if (!r.ok) throw new EngineError(r.error.code, r.error.message);
  return r.value as MethodOutput<M>;
}

function printTrainResult(result: TrainResult, dbPath: string, json: boolean | undefined): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const db = openDatabase(dbPath);
    try {
      process.stdout.write(formatExperimentSummary(getExperiment(db, result.experimentId)));
      if (result.artifacts.dir) process.stdout.write(`\nArtifacts: ${result.artifacts.dir}\n`);
    } finally {
      db.close();
    }
  }
  return result.status === 'cancelled' ? 130 : 0;
}

async function cmdTrain(args: string[]): Promise<number> {
  const { values } = parse(
    args,
    {
      data: { type: 'string' },
      config: { type: 'string' },
      experiment: { type: 'string' },
      db: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
    0,
  );
  if (!values.data) throw new UsageError('--data DIR is required');
  const config = loadConfigFile(values.config);
  const name = values.experiment ?? `${config.model.name} ${config.training.split}`;
  const { result, dbPath } = await trainOnFolder(values.data, config, { name, db: values.db, out: values.out });
  return printTrainResult(result, dbPath, values.json);
}

async function cmdDemo(args: string[]): Promise<number> {
  const { values } = parse(args, { db: { type: 'string' }, json: { type: 'boolean' }, actors: { type: 'string' } }, 0);
  const actors = intOption(values.actors, 'actors', 24, 2, 24);
  const dbPath = resolveDbPath(values.db);
  const corpus = path.join(values.db ? path.dirname(dbPath) : resolveHome(), `demo-corpus-${actors}`);
  if (!fs.existsSync(path.join(corpus, '.complete'))) {
    const writing = new ProgressPrinter('writing demo corpus');
    await generateDemoCorpus(corpus, { actors, seed: 1, onProgress: (done, total) => writing.update(done, total) });
    fs.writeFileSync(path.join(corpus, '.complete'), new Date().toISOString());
    writing.end();
  }
  process.stderr.write(`Demo corpus: ${corpus}\n`);
  const { result } = await trainOnFolder(corpus, loadConfigFile(undefined), { name: 'demo', db: dbPath });
  return printTrainResult(result, dbPath, values.json);
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));

function formatComparison(c: ExperimentComparison): string {
  const width = 28;
  const head = (label: string) => `${label.padEnd(width)}${c.experiments.map((e) => `#${e.id} ${e.name}`.slice(0, 22).padStart(24)).join('')}`;
  // Config values print as written (0.0001 stays 0.0001); metrics with three decimals and a best mark.
  const cells = (values: unknown[]) => values.map((v) => (v === null ? '—' : JSON.stringify(v)).slice(0, 22).padStart(22).padEnd(24)).join('');
  const metricCells = (values: Array<number | null>, best: number[]) =>
    values.map((v, i) => `${pct(v)}${best.includes(i) ? ' *' : '  '}`.padStart(24)).join('');
  const lines = [
    head(''),
    `${'model'.padEnd(width)}${cells(c.experiments.map((e) => e.modelName))}`,
    `${'dataset'.padEnd(width)}${cells(c.experiments.map((e) => path.basename(e.datasetRoot)))}`,
    `${'split'.padEnd(width)}${cells(c.experiments.map((e) => e.split))}`,
  ];
  const marks = c.likeForLike ? ' (* = best)' : ' (no best marked: not like for like)';
  lines.push('', 'Config keys that differ:', ...(c.configDiff.length ? c.configDiff.map((d) => `${d.key.padEnd(width)}${cells(d.values)}`) : ['  (none)']));
  lines.push('', `Metrics${marks}:`, ...c.summary.map((r) => `${r.label.padEnd(width)}${metricCells(r.values, r.best)}`));
  lines.push('', `Per class${marks}:`, ...c.perClass.map((r) => `${r.label.padEnd(width)}${metricCells(r.values, r.best)}`));
  const s = c.significance;
  if (s?.paired) {
    const d = s.accuracyDifference;
    lines.push(
      '',
      `Paired test on the same ${s.clips} test clips (#${c.experiments[1]?.id} vs #${c.experiments[0]?.id}):`,
      `  accuracy difference ${formatPoints(d.difference)}, bootstrap 95 % interval ${formatPoints(d.low)} to ${formatPoints(d.high)} (${d.resamples} resamples)`,
      `  McNemar exact p = ${s.mcnemarP < 0.0001 ? s.mcnemarP.toExponential(1) : s.mcnemarP.toFixed(4)} (only #${c.experiments[0]?.id} right: ${s.onlyFirstCorrect}, only #${c.experiments[1]?.id} right: ${s.onlySecondCorrect})`,
    );
    if (s.perFold) {
      lines.push(`  per fold (same test actors): ${s.perFold.differences.map(formatPoints).join(', ')}; mean ${formatPoints(s.perFold.mean)} ± ${(s.perFold.sd * 100).toFixed(1)} pts (sd)`);
    }
  } else if (s) {
    lines.push('', `No paired test: ${s.reason}`);
  }
  if (c.warnings.length) lines.push('', ...c.warnings.map((w) => `! ${w}`));
  return `${lines.join('\n')}\n`;
}

async function cmdExperiments(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const counts: Record<string, number | [number, number]> = { list: 0, show: 1, compare: [2, 4] };
  const { values, positionals } = parse(rest, { db: { type: 'string' }, json: { type: 'boolean' } }, counts[sub ?? ''] ?? [0, Infinity]);
  // The app's engine start-up: a run whose process died is listed as failed ("interrupted"), not running.
  const engine = createEngine({ dbPath: resolveDbPath(values.db), host: { mode: 'cli' } });
  const { db } = engine;
  try {
    const out = (value: unknown, text: string) => process.stdout.write(values.json ? `${JSON.stringify(value)}\n` : text);
    if (sub === 'list') {
      const list = listExperiments(db);
      const rows = list.map((e) => {
        const r = e.metrics?.report;
        return `${String(e.id).padStart(4)}  ${e.name.slice(0, 24).padEnd(24)} ${e.createdAt.slice(0, 16).replace('T', ' ')}  ${e.modelName.padEnd(12)} ${(e.split?.kind ?? '—').padEnd(11)} ${(e.backend ?? '—').padEnd(10)} ${pct(r?.accuracy).padStart(6)} ${pct(r?.macro.f1).padStart(6)}  ${e.status}`;
      });
      out(list, `${['  id  name                     created           model        split       backend       acc macroF1  status', ...rows].join('\n')}\n`);
    } else if (sub === 'show') {
      const e = findExperiment(db, positionals[0] as string);
      out(e, `${formatExperimentSummary(e)}${e.artifactsDir ? `\nArtifacts: ${e.artifactsDir}\n` : ''}`);
    } else if (sub === 'compare') {
      const c = compareExperiments(positionals.map((p) => findExperiment(db, p)), (e) => testClipsOrWhy(db, e));
      out(c, formatComparison(c));
    } else {
      throw new UsageError(`experiments needs list, show or compare${sub ? `, not "${sub}"` : ''}`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}

function numberOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

const bar = (p: number, width = 30): string => '█'.repeat(Math.round(Math.max(0, Math.min(1, p)) * width));

function formatPrediction(p: Prediction): string {
  const source = p.experimentId === null ? `${p.modelName} (model folder)` : `${p.modelName} (experiment ${p.experimentId})`;
  const lines = [
    `File:       ${p.file}`,
    `            ${p.durationSec.toFixed(2)} s, ${p.sampleRate} Hz, ${p.channels} channel${p.channels === 1 ? '' : 's'}`,
    `Model:      ${source}`,
    `Emotion:    ${p.emotion}   confidence ${p.confidence.toFixed(3)}${p.silent ? '   (silent: no verdict)' : p.outOfDomain ? "   (out of the model's domain: not evidence, see below)" : ''}`,
  ];
  if (p.groundTruth !== undefined) {
    lines.push(`Truth:      ${p.groundTruth} (from the file name)${p.correct === undefined ? '' : p.correct ? '   correct' : '   incorrect'}`);
  }
  if (p.standing) lines.push(`Standing:   ${p.standing.heldOut ? '' : '! '}${p.standing.text}`);
  if (p.speakerNormalization) lines.push(`Speaker:    ${p.speakerNormalization.mode === 'fallback' ? '! ' : ''}${p.speakerNormalization.text}`);
  lines.push('', 'Emotion      Probability');
  for (const label of p.labels) {
    const v = p.probabilities[label] ?? 0;
    lines.push(`${label.padEnd(12)} ${v.toFixed(3).padStart(11)}  ${bar(v)}${label === p.emotion ? ' ◀' : ''}`);
  }
  if (p.windows.length > 1) {
    lines.push('', `Windows (${p.windows.length}, every ${p.hopSec} s):`, '   start     end  emotion      confidence');
    for (const w of p.windows) {
      lines.push(`${w.start.toFixed(2).padStart(8)}${w.end.toFixed(2).padStart(8)}  ${w.emotion.padEnd(12)} ${w.confidence.toFixed(3).padStart(10)}`);
    }
  }
  if (p.warnings.length > 0) lines.push('', ...p.warnings.map((w) => `! ${w}`));
  lines.push('', `Timing: decode ${p.timings.decodeMs.toFixed(1)} ms, features ${p.timings.featuresMs.toFixed(1)} ms, model ${p.timings.modelMs.toFixed(1)} ms, total ${p.timings.totalMs.toFixed(1)} ms`);
  return `${lines.join('\n')}\n`;
}

async function cmdPredict(args: string[]): Promise<number> {
  const { values } = parse(
    args,
    {
      audio: { type: 'string' },
      experiment: { type: 'string' },
      model: { type: 'string' },
      db: { type: 'string' },
      hop: { type: 'string' },
      json: { type: 'boolean' },
    },
    0,
  );
  if (!values.audio) throw new UsageError('--audio FILE is required');
  if (values.experiment !== undefined && values.model !== undefined) throw new UsageError('give --experiment or --model, not both');
  if (values.model !== undefined && values.db !== undefined) throw new UsageError('--model DIR uses no database: drop --db');
  const hopSec = numberOption(values.hop, 'hop', DEFAULT_HOP_SEC, 0.1, 30);
  // Loaded here, not at the top: the other commands never pay for TensorFlow.js.
  const { createPredictionService } = await import('../core/prediction/service');
  // `--model DIR` never opens (or creates) a database.
  const db = values.model === undefined ? openDatabase(resolveDbPath(values.db)) : null;
  const service = createPredictionService({ db, worker: false });
  try {
    const experimentId = db !== null && values.experiment !== undefined ? findExperiment(db, values.experiment).id : undefined;
    const prediction = await service.predict({ path: path.resolve(values.audio), displayName: values.audio, experimentId, modelDir: values.model, hopSec });
    process.stdout.write(values.json ? `${JSON.stringify(prediction)}\n` : formatPrediction(prediction));
    return 0;
  } finally {
    await service.close();
    db?.close();
  }
}

/** Build the renderer once if this checkout has never been built (browser mode serves the built page). */
function ensureRendererBuilt(): string {
  const staticDir = path.join(PACKAGE_ROOT, 'out', 'renderer');
  if (fs.existsSync(path.join(staticDir, 'index.html'))) return staticDir;
  process.stderr.write('Building the renderer (first run)…\n');
  const build = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: PACKAGE_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0 || !fs.existsSync(path.join(staticDir, 'index.html'))) {
    throw new EngineError('INTERNAL', `Could not build the renderer into ${staticDir}; run \`npm run build\` and retry`);
  }
  return staticDir;
}

/**
 * Listen on `port`, or else where this data folder's browser mode listened last time (with the same
 * token, so open tabs reconnect), or else on a free port; remember the address for next time.
 */
async function serveWithStableAddress(engine: Engine, staticDir: string, dataDir: string, port: number | undefined): Promise<RunningServer> {
  const saved = readSavedAddress(dataDir);
  const token = saved?.token ?? newToken();
  const wanted = port ?? saved?.port ?? 0;
  let server: RunningServer;
  try {
    server = await startServer({ engine, staticDir, port: wanted, token });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port !== undefined) throw err;
    server = await startServer({ engine, staticDir, port: 0, token });
    process.stderr.write(`Port ${wanted}, used last time, is taken: tabs opened before must open the new URL below.\n`);
  }
  try {
    saveAddress(dataDir, { port: server.port, token });
  } catch (err) {
    process.stderr.write(`Could not remember this address in ${dataDir} (${(err as Error).message}): the next start gets a new URL.\n`);
  }
  return server;
}

async function cmdServe(args: string[]): Promise<number> {
  const { values } = parse(args, { port: { type: 'string' }, db: { type: 'string' } }, 0);
  const port = values.port === undefined ? undefined : intOption(values.port, 'port', 0, 0, 65535);
  const staticDir = ensureRendererBuilt();
  const dbPath = resolveDbPath(values.db);
  const engine = createEngine({ dbPath, host: { mode: 'browser' } });
  const server = await serveWithStableAddress(engine, staticDir, path.dirname(dbPath), port);
  // The stop signals are caught before the URL is printed: whoever reads the URL may stop us at once,
  // and must get the graceful shutdown, not the default kill.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write(`Emotion Studio (browser mode) at ${server.url}\n`);
  process.stderr.write('Only this machine can connect; the token in the URL is required. Ctrl+C stops.\n');
  await stopped;
  await server.close();
  await engine.close();
  return 0;
}

const COMMANDS: Record<CommandName, (args: string[]) => Promise<number>> = {
  'demo-corpus': cmdDemoCorpus,
  index: cmdIndex,
  features: cmdFeatures,
  train: cmdTrain,
  demo: cmdDemo,
  experiments: cmdExperiments,
  predict: cmdPredict,
  serve: cmdServe,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const topic = command === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !isCommand(topic)) {
      process.stderr.write(`emotion-studio help: unknown command "${topic}"\n\n${USAGE}\n`);
      return 2;
    }
    process.stdout.write(`${isCommand(topic) ? COMMAND_HELP[topic] : USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${APP_VERSION}\n`);
    return 0;
  }
  if (!isCommand(command)) {
    process.stderr.write(`emotion-studio: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  // `--help` anywhere among a command's arguments (before a `--`): that command's help, nothing run.
  const beforeSeparator = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (beforeSeparator.includes('--help') || beforeSeparator.includes('-h')) {
    process.stdout.write(`${COMMAND_HELP[command]}\n`);
    return 0;
  }
  try {
    return await COMMANDS[command](rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`emotion-studio ${command}: ${err.message}\n\n${COMMAND_HELP[command]}\n`);
      return 2;
    }
    const { message } = toRpcError(err);
    process.stderr.write(`emotion-studio ${command}: ${message}\n`);
    return 1;
  }
}
