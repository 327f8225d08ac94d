/**
 * `npm run bench -- <name>`: benchmarks that print figures. Targets are checked by reading the output,
 * never by timed unit tests.
 *
 *   index     cold index of the 1440-clip demo corpus into a fresh DB, and an unchanged re-index
 *   features  cold feature extraction of the corpus (worker pool), per-clip split, cached re-run, peak RSS
 *   train     seconds per epoch of each model (advanced_dnn, cnn, lstm) on the corpus, backend, peak RSS
 *   accuracy  every model (logreg, svm, advanced_dnn, cnn, lstm) on the actor split and 6-fold actor k-fold, Δ vs logreg
 *   responsiveness  `app.ping` round trips over browser mode's WebSocket while a DNN trains on the corpus
 *   predict   warm per-clip latency (decode → probabilities) of quick DNN/CNN/LSTM models, a 60 s file, and
 *             the cold `emotion-studio predict --model DIR --json` wall time
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../electron/core/db/database';
import { DEFAULT_CONFIG, parseConfig, type Config, type ConfigInput } from '../shared/config';
import type { Experiment } from '../shared/experiments';
import { runExperiment } from '../electron/core/training/runExperiment';
import { indexDataset } from '../electron/core/dataset/indexer';
import { extractDataset } from '../electron/core/extraction/extractDataset';
import { ensureDemoCorpus } from './corpusCache';
import { preparedCorpus } from './preparedCorpus';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const fmt = (s: number): string => `${s.toFixed(3)} s`;

async function benchIndex(): Promise<void> {
  const corpus = ensureDemoCorpus(24, 1);
  const runs = 5;
  const cold: number[] = [];
  const warm: number[] = [];
  let clips = 0;
  for (let i = 0; i < runs; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-bench-'));
    const db = openDatabase(path.join(dir, 'bench.sqlite'));
    let t = performance.now();
    const first = await indexDataset(db, corpus);
    cold.push((performance.now() - t) / 1000);
    clips = first.clips;
    t = performance.now();
    const again = await indexDataset(db, corpus);
    warm.push((performance.now() - t) / 1000);
    if (again.unchanged !== clips) throw new Error(`re-index touched ${clips - again.unchanged} clips`);
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`index benchmark — ${clips} clips, ${runs} runs each, ${os.cpus().length} cores, Node ${process.version}`);
  console.log(`  cold index (fresh DB, OS file cache warm): median ${fmt(median(cold))}, min ${fmt(Math.min(...cold))}   target < 1 s`);
  console.log(`  re-index, nothing changed:                 median ${fmt(median(warm))}, min ${fmt(Math.min(...warm))}   target < 0.3 s`);
}

async function benchFeatures(): Promise<void> {
  const corpus = ensureDemoCorpus(24, 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-bench-'));
  const db = openDatabase(path.join(dir, 'bench.sqlite'));
  try {
    const { datasetId } = await indexDataset(db, corpus);
    const cold = await extractDataset(db, datasetId, DEFAULT_CONFIG);
    const warm = await extractDataset(db, datasetId, DEFAULT_CONFIG);
    const t = cold.meanClipMs;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    console.log(`features benchmark — ${cold.clips} clips, ${cold.workers} workers on ${os.availableParallelism()} cores, Node ${process.version}`);
    console.log(`  cold extraction: ${cold.seconds.toFixed(2)} s total, ${cold.clipsPerSecond} clips/s, ${cold.failed.length} failed   target ≤ 12 s`);
    if (t) {
      const perClip = t.decode + t.resample + t.preprocess + t.features;
      console.log(`  per clip (mean, one worker): decode ${t.decode.toFixed(2)} ms, resample ${t.resample.toFixed(2)} ms, preprocess ${t.preprocess.toFixed(2)} ms, features ${t.features.toFixed(2)} ms = ${perClip.toFixed(2)} ms   target features < 8 ms`);
    }
    console.log(`  cached re-run: ${warm.seconds.toFixed(3)} s (${warm.cached} cached, ${warm.extracted} extracted)   target < 1 s`);
    console.log(`  peak RSS (process, all workers): ${rssMb.toFixed(0)} MB`);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function config(input: ConfigInput): Config {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.config;
}

async function benchTrain(): Promise<void> {
  const p = await preparedCorpus();
  try {
    console.log(`train benchmark — 1440-clip corpus, default split (held-out actors), batch 32, ${os.availableParallelism()} cores, Node ${process.version}`);
    for (const name of ['advanced_dnn', 'cnn', 'lstm'] as const) {
      const epochs = name === 'advanced_dnn' ? 6 : 3;
      const model = name === 'advanced_dnn' ? {} : { name, hidden_layers: [128], dropout_rates: [0.3] };
      const r = await runExperiment({
        db: p.db,
        datasetId: p.datasetId,
        config: config({ model, training: { epochs, early_stopping: { patience: 100 } } }),
        name: `bench ${name}`,
        artifactsRoot: p.artifactsRoot,
        extract: { pool: p.pool },
      });
      const history = (await import('../electron/core/experiments/store')).getExperiment(p.db, r.experimentId).history[0] ?? [];
      // The first epoch includes one-off kernel compilation and graph tracing: report it apart.
      const rest = history.slice(1).map((h) => h.seconds);
      const mean = rest.reduce((a, b) => a + b, 0) / Math.max(1, rest.length);
      console.log(
        `  ${name.padEnd(13)} ${mean.toFixed(2)} s/epoch (mean of epochs 2–${history.length}; first ${history[0]?.seconds.toFixed(2)} s) on ${r.backend}, ${r.split.counts.train} training clips${name === 'advanced_dnn' ? '   target ≤ 0.4 s/epoch on wasm' : ''}`,
      );
    }
    console.log(`  peak RSS (this process, all models): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB   target < 1 GB`);
  } finally {
    await p.close();
  }
}

/**
 * Every model beside the classical baseline on the same cached features and splits, in one run: the
 * actor split (held-out test actors) and 6-fold actor k-fold (mean ± sd over folds, and the mean ± sd of
 * each fold's paired difference from logreg on the same test actors). Each model runs with the default
 * config and only `model.name` changed — what a user gets by picking the architecture. Select with
 * `BENCH_MODELS=logreg,svm` and `BENCH_SPLITS=actor,kfold,stratified` (default: every model, actor + kfold);
 * `BENCH_SPEAKER_NORM=per_actor,none` also runs every model without speaker normalisation (default: the
 * config's own, per_actor), each beside the logreg of the same normalisation. `BENCH_SEQUENCE_ENSEMBLE=N`
 * trains `cnn` and `lstm` with `model.ensemble: N` instead of the config's (their 6-fold runs take
 * 10–25 minutes per network on 2 cores); the header says so.
 */
async function benchAccuracy(): Promise<void> {
  const { getExperiment } = await import('../electron/core/experiments/store');
  const { perFoldDifferences } = await import('../electron/core/experiments/compare');
  const allModels = ['logreg', 'svm', 'advanced_dnn', 'cnn', 'lstm'] as const;
  const chosen = (process.env.BENCH_MODELS ?? allModels.join(',')).split(',').map((m) => m.trim());
  const models = allModels.filter((m) => chosen.includes(m) || m === 'logreg');
  const allSplits = [
    { id: 'actor', label: 'actor split', training: { split: 'actor' } },
    { id: 'kfold', label: '6-fold actor k-fold', training: { split: 'actor_kfold', k: 6 } },
    { id: 'stratified', label: 'stratified (speaker-dependent)', training: { split: 'stratified' } },
  ] as const;
  const splitIds = (process.env.BENCH_SPLITS ?? 'actor,kfold').split(',').map((x) => x.trim());
  const splits = allSplits.filter((x) => splitIds.includes(x.id));
  const norms = (process.env.BENCH_SPEAKER_NORM ?? DEFAULT_CONFIG.features.speaker_normalization).split(',').map((x) => {
    const n = x.trim();
    if (n !== 'per_actor' && n !== 'none') throw new Error(`BENCH_SPEAKER_NORM: ${n} is not per_actor or none`);
    return n;
  });
  const sequenceEnsemble = process.env.BENCH_SEQUENCE_ENSEMBLE === undefined ? null : Number(process.env.BENCH_SEQUENCE_ENSEMBLE);
  if (sequenceEnsemble !== null && !(Number.isInteger(sequenceEnsemble) && sequenceEnsemble >= 1)) throw new Error(`BENCH_SEQUENCE_ENSEMBLE: ${process.env.BENCH_SEQUENCE_ENSEMBLE} is not an integer ≥ 1`);
  const modelOf = (name: string): Record<string, unknown> => (sequenceEnsemble !== null && (name === 'cnn' || name === 'lstm') ? { name, ensemble: sequenceEnsemble } : { name });
  const p = await preparedCorpus();
  try {
    const sequenceNote = sequenceEnsemble === null ? '' : ` (cnn and lstm with model.ensemble ${sequenceEnsemble})`;
    console.log(`accuracy — 1440-clip demo corpus, 6 emotions; configs/default.yaml with only model.name changed${sequenceNote}; ${os.availableParallelism()} cores, Node ${process.version}`);
    type Row = { model: string; split: string; norm: string; acc: number; sd: number | null; f1: number; experiment: Experiment; seconds: number; backend: string; testActors: string };
    const rows: Row[] = [];
    for (const split of splits) {
      for (const norm of norms) for (const name of models) {
        const r = await runExperiment({
          db: p.db,
          datasetId: p.datasetId,
          config: config({ model: modelOf(name), training: split.training, features: { speaker_normalization: norm } }),
          name: `accuracy ${name} ${split.label} ${norm}`,
          artifactsRoot: p.artifactsRoot,
          extract: { pool: p.pool },
        });
        const experiment = getExperiment(p.db, r.experimentId);
        const folds = experiment.metrics?.folds;
        const testActors = r.split.folds ? r.split.folds.map((f) => f.testActors.join('+')).join(' | ') : r.split.testActors.join(', ');
        rows.push({
          model: name,
          split: split.label,
          norm,
          acc: folds?.accuracy.mean ?? r.accuracy,
          sd: folds?.accuracy.sd ?? null,
          f1: folds?.macroF1.mean ?? r.macroF1,
          experiment,
          seconds: r.seconds,
          backend: r.backend,
          testActors,
        });
        console.log(`  done: ${split.label}, speaker norm ${norm}, ${name}: ${rows.at(-1)?.acc.toFixed(3)} in ${r.seconds.toFixed(1)} s on ${r.backend}`);
      }
    }
    const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
    console.log(`\n  ${'split'.padEnd(24)}${'speaker norm'.padEnd(14)}${'model'.padEnd(14)}${'accuracy'.padStart(16)}${'macro F1'.padStart(10)}${'Δ acc vs logreg'.padStart(24)}${'train+eval s'.padStart(14)}`);
    for (const row of rows) {
      const base = rows.find((b) => b.split === row.split && b.norm === row.norm && b.model === 'logreg');
      const acc = `${row.acc.toFixed(3)}${row.sd === null ? '' : ` ± ${row.sd.toFixed(3)}`}`;
      let delta = '—';
      if (base && row !== base) {
        // k-fold: the per-fold paired differences (same test actors in both runs), mean ± sd.
        const paired = perFoldDifferences(base.experiment, row.experiment);
        delta = paired ? `${signed(paired.mean)} ± ${paired.sd.toFixed(3)}` : signed(row.acc - base.acc);
      }
      console.log(`  ${row.split.padEnd(24)}${row.norm.padEnd(14)}${row.model.padEnd(14)}${acc.padStart(16)}${row.f1.toFixed(3).padStart(10)}${delta.padStart(24)}${row.seconds.toFixed(1).padStart(14)}`);
    }
    for (const split of splits) {
      const any = rows.find((r) => r.split === split.label);
      if (any) console.log(`  ${split.label}: test actors ${any.testActors}`);
    }
    console.log("  k-fold rows: mean ± sd over the 6 folds; Δ there is the mean ± sd of the per-fold paired differences.");
  } finally {
    await p.close();
  }
}

async function benchResponsiveness(): Promise<void> {
  const { createEngine } = await import('../electron/core/engine');
  const { startServer } = await import('../electron/server/server');
  const { default: WebSocket } = await import('ws');
  const corpus = ensureDemoCorpus(24, 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'es-bench-'));
  const staticDir = path.join(dir, 'static');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>');
  const engine = createEngine({ dbPath: path.join(dir, 'bench.sqlite'), host: { mode: 'browser' } });
  const server = await startServer({ engine, staticDir });
  try {
    const { datasetId } = await indexDataset(engine.db, corpus);
    await extractDataset(engine.db, datasetId, DEFAULT_CONFIG);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let nextId = 1;
    const pending = new Map<number, (frame: { result: { ok: boolean; value?: unknown } }) => void>();
    let finished: (() => void) | null = null;
    let epochs = 0;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: number; event?: string; payload?: { kind?: string } };
      if (frame.type === 'result' && frame.id !== undefined) pending.get(frame.id)?.(frame as never);
      if (frame.type === 'event' && frame.event === 'training.epoch') epochs++;
      if (frame.type === 'event' && frame.event === 'job.finished' && frame.payload?.kind === 'train') finished?.();
    });
    const call = (method: string, payload: unknown) =>
      new Promise<{ result: { ok: boolean; value?: unknown } }>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ type: 'call', id, method, payload }));
      });
    const done = new Promise<void>((resolve) => (finished = resolve));
    const started = await call('training.start', { datasetId, config: config({ training: { epochs: 40, early_stopping: { patience: 100 } } }), name: 'responsiveness' });
    if (!started.result.ok) throw new Error(JSON.stringify(started.result));
    const rtts: number[] = [];
    let training = true;
    void done.then(() => (training = false));
    while (training) {
      const t = performance.now();
      await call('app.ping', {});
      rtts.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    ws.close();
    rtts.sort((a, b) => a - b);
    const q = (p: number) => rtts[Math.min(rtts.length - 1, Math.floor(p * rtts.length))] as number;
    console.log(`responsiveness — app.ping over browser mode's WebSocket every 20 ms while advanced_dnn trains ${epochs} epochs on the 1440-clip corpus (training in a worker thread)`);
    console.log(`  ${rtts.length} pings: p50 ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms, max ${(rtts.at(-1) ?? 0).toFixed(2)} ms   target p95 < 50 ms`);
  } finally {
    await server.close();
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPredict(): Promise<void> {
  const { initResampler } = await import('../electron/core/audio/resample');
  const { decodeWavFile } = await import('../electron/core/audio/decode');
  const { encodeWavPcm16 } = await import('../electron/core/audio/wavEncode');
  const { loadPredictor, disposePredictor } = await import('../electron/core/prediction/predictor');
  const { predictFile } = await import('../electron/core/prediction/predictFile');
  await initResampler();
  const p = await preparedCorpus();
  const q = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(f * xs.length))] as number;
  try {
    console.log(`predict benchmark — quick models trained on the 1440-clip demo corpus, ${os.availableParallelism()} cores, Node ${process.version}`);
    const models: Array<{ name: 'advanced_dnn' | 'cnn' | 'lstm'; epochs: number; clips: number }> = [
      { name: 'advanced_dnn', epochs: 8, clips: 200 },
      { name: 'cnn', epochs: 1, clips: 60 },
      { name: 'lstm', epochs: 1, clips: 60 },
    ];
    let dnnDir = '';
    let clipFiles: string[] = [];
    for (const m of models) {
      const model = m.name === 'advanced_dnn' ? {} : { name: m.name, hidden_layers: [128], dropout_rates: [0.3] };
      const r = await runExperiment({
        db: p.db,
        datasetId: p.datasetId,
        config: config({ model, training: { epochs: m.epochs, early_stopping: { patience: 100 } } }),
        name: `bench predict ${m.name}`,
        artifactsRoot: p.artifactsRoot,
        extract: { pool: p.pool },
      });
      const root = (p.db.prepare('SELECT root FROM datasets WHERE id = ?').get(p.datasetId) as { root: string }).root;
      const tests = JSON.parse(fs.readFileSync(path.join(r.artifacts.dir, 'test_predictions.json'), 'utf8')) as Array<{ path: string }>;
      clipFiles = tests.map((t) => path.join(root, t.path));
      if (m.name === 'advanced_dnn') dnnDir = r.artifacts.dir;
      const predictor = await loadPredictor(r.artifacts.dir);
      for (const f of clipFiles.slice(0, 5)) predictFile(predictor, f); // warm-up: kernels, caches
      const wall: number[] = [];
      const parts = { decodeMs: 0, featuresMs: 0, modelMs: 0 };
      const files = clipFiles.slice(0, m.clips);
      for (const f of files) {
        const t = performance.now();
        const out = predictFile(predictor, f);
        wall.push(performance.now() - t);
        for (const k of ['decodeMs', 'featuresMs', 'modelMs'] as const) parts[k] += out.timings[k] / files.length;
      }
      console.log(
        `  ${m.name.padEnd(13)} warm, per clip over ${files.length} test clips: median ${q(wall, 0.5).toFixed(1)} ms, p95 ${q(wall, 0.95).toFixed(1)} ms ` +
          `(mean decode ${parts.decodeMs.toFixed(1)} + features ${parts.featuresMs.toFixed(1)} + model ${parts.modelMs.toFixed(1)} ms) on ${r.backend}   target < 100 ms`,
      );
      if (m.name === 'advanced_dnn') {
        // A 60 s file: 58 windows of 3 s every second.
        const long = new Float32Array(60 * 48000);
        let at = 0;
        for (const f of clipFiles) {
          if (at >= long.length) break;
          const x = decodeWavFile(f).samples.subarray(0, long.length - at);
          long.set(x, at);
          at += x.length;
        }
        const longFile = path.join(p.artifactsRoot, 'long-60s.wav');
        fs.writeFileSync(longFile, encodeWavPcm16(long, 48000));
        const times: number[] = [];
        let windows = 0;
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          windows = predictFile(predictor, longFile).windows.length;
          times.push(performance.now() - t);
        }
        console.log(`  ${''.padEnd(13)} a 60 s file (${windows} windows, hop 1 s): median ${q(times, 0.5).toFixed(0)} ms`);
      }
      disposePredictor(predictor);
    }

    // Cold CLI: a fresh process each time, as a user runs it (OS file cache warm).
    const cli = path.join(import.meta.dirname, '..', 'bin', 'emotion-studio.js');
    const spawnMs = (args: string[]): number => {
      const t = performance.now();
      const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`emotion-studio ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
      return performance.now() - t;
    };
    const runs = 7;
    const cold = Array.from({ length: runs }, (_, i) => spawnMs(['predict', '--model', dnnDir, '--audio', clipFiles[i] as string, '--json']));
    const bare = Array.from({ length: runs }, () => spawnMs(['--version']));
    console.log(`  cold CLI \`emotion-studio predict --model DIR --audio F --json\` (advanced_dnn), ${runs} runs: median ${(median(cold) / 1000).toFixed(2)} s, max ${(Math.max(...cold) / 1000).toFixed(2)} s   target < 3 s`);
    console.log(`    of which Node + tsx + the CLI's own imports (\`emotion-studio --version\`): median ${(median(bare) / 1000).toFixed(2)} s`);
  } finally {
    await p.close();
  }
}

const BENCHES: Record<string, () => Promise<void>> = {
  responsiveness: benchResponsiveness, index: benchIndex, features: benchFeatures, train: benchTrain, accuracy: benchAccuracy, predict: benchPredict };

const names = process.argv.slice(2);
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) await (BENCHES[name] as () => Promise<void>)();
