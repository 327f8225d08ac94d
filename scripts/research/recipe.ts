/**
 * `npx tsx scripts/research/recipe.ts [--only a,b] [--splits actor,kfold] [--corpus-seed N] [--list]`:
 * the neural-training recipe comparison behind configs/default.yaml (issue 12, point 2).
 *
 * One fresh DB indexed from the 1440-clip demo corpus (`ensureDemoCorpus(24, N)`, N = 1 by default;
 * another seed is a corpus of other voices, to check a choice on speakers it was not made on), features extracted
 * once and reused by every candidate; logreg C = 1 and C = 0.1 trained in the same run on the same
 * cached features and splits. Each candidate runs on the actor split (held-out test actors) and on the
 * 6-fold actor k-fold (mean ± sd over folds). Prints one row per run as it finishes and a table at the
 * end; the rows also go to `$RECIPE_OUT` (JSON lines) when that is set.
 *
 * A candidate is a config override on top of configs/default.yaml's values (the schema defaults);
 * `seed` is configs/seed.yaml. `--only none` runs just logreg and the `--cand label=JSON` candidates.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigFile } from '../../electron/core/config';
import { getExperiment } from '../../electron/core/experiments/store';
import { runExperiment } from '../../electron/core/training/runExperiment';
import { buildCnn, CNN_MODEL, type CnnOptions } from '../../models/cnn';
import { buildLstm, LSTM_MODEL, type LstmOptions } from '../../models/lstm';
import { DEFAULT_CONFIG, parseConfig, type Config } from '../../shared/config';
import { REPO_ROOT } from '../corpusCache';
import { preparedCorpus } from '../preparedCorpus';

/**
 * `arch` = architecture options of the sequence models (models/cnn.ts `CnnOptions`, models/lstm.ts
 * `LstmOptions`) that are not config keys: the candidate's runs build cnn / lstm with them.
 */
type Override = { model?: Record<string, unknown>; training?: Record<string, unknown>; features?: Record<string, unknown>; arch?: { cnn?: Partial<CnnOptions>; lstm?: Partial<LstmOptions> } };
interface Candidate {
  label: string;
  over: Override;
  /** Use this config file as the base instead of the defaults. */
  file?: string;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/** The defaults before issue 12: the seed's 256-128-64 net, every new knob off. */
const OLD = { model: { hidden_layers: [256, 128, 64], dropout_rates: [0.3, 0.3, 0.2], input_noise: 0, ensemble: 1 }, training: { label_smoothing: 0, mixup: 0, early_stopping: { patience: 10, smoothing: 0 } } };
// Measured on raw features (before speaker normalisation), so they keep running on raw features.
const old = (model: Record<string, unknown> = {}, training: Record<string, unknown> = {}): Override => ({ model: { ...OLD.model, ...model }, training: merge(OLD.training, training), features: { speaker_normalization: 'none' } });
/** One hidden layer, input noise, smoothed patience: the base of the ensemble candidates. */
const small = (units: number[], dropout: number[], model: Record<string, unknown> = {}, training: Record<string, unknown> = {}): Override =>
  old({ hidden_layers: units, dropout_rates: dropout, input_noise: 0.3, ...model }, { early_stopping: { patience: 15, smoothing: 0.7 }, ...training });

/** Every candidate measured for the report (issue 12); `--only` picks some by label (logreg always runs). */
const CANDIDATES: Candidate[] = [
  { label: 'logreg C=1', over: { model: { name: 'logreg', C: 1 } } },
  { label: 'logreg C=0.1', over: { model: { name: 'logreg', C: 0.1 } } },
  { label: 'default', over: {} },
  { label: 'seed', over: {}, file: 'configs/seed.yaml' },
  { label: 'old-default', over: old() },
  { label: 'old+noise0.3', over: old({ input_noise: 0.3 }) },
  { label: 'old+ens5', over: old({ ensemble: 5 }) },
  { label: 'old+smooth0.7-p15', over: old({}, { early_stopping: { patience: 15, smoothing: 0.7 } }) },
  { label: 'old+val0.2', over: old({}, { validation_fraction: 0.2 }) },
  { label: 'old+ls0.1', over: old({}, { label_smoothing: 0.1 }) },
  { label: 'old+nobn', over: old({}, { batch_norm: false }) },
  { label: 'small128-d0.5', over: old({ hidden_layers: [128], dropout_rates: [0.5] }) },
  { label: 's128-n0.3', over: old({ hidden_layers: [128], dropout_rates: [0.5], input_noise: 0.3 }) },
  { label: 's128-n0.3-sm', over: small([128], [0.5]) },
  { label: 's128-n0.3-sm-e5', over: small([128], [0.5], { ensemble: 5 }) },
  { label: 's256-n0.3-sm-e5', over: small([256], [0.5], { ensemble: 5 }) },
  { label: 's128x64-n0.3-sm-e5', over: small([128, 64], [0.5, 0.3], { ensemble: 5 }) },
  { label: 's128-n0.5-sm-e5', over: small([128], [0.5], { input_noise: 0.5, ensemble: 5 }) },
  // Speaker normalisation (per_actor is the default now): the same recipes on raw features, and the
  // sequence models with one network each.
  { label: 'logreg-none', over: { model: { name: 'logreg', C: 1 }, features: { speaker_normalization: 'none' } } },
  { label: 'default-none', over: { features: { speaker_normalization: 'none' } } },
  { label: 'cnn-pa', over: { model: { name: 'cnn', ensemble: 1 } } },
  { label: 'lstm-pa', over: { model: { name: 'lstm', ensemble: 1 } } },
  // What issue 12's reviewers run on their corpus: configs/all-emotions.yaml, and it with logreg.
  { label: 'all-emotions', over: {}, file: 'configs/all-emotions.yaml' },
  { label: 'all-emotions-logreg', over: { model: { name: 'logreg' } }, file: 'configs/all-emotions.yaml' },
  { label: 'mix0.4', over: { training: { mixup: 0.4 } } },
  { label: 'noise0.5', over: { model: { input_noise: 0.5 } } },
  { label: 'ens10', over: { model: { ensemble: 10 } } },
  // Rotated ensemble validation (the default since) against every tower stopping on the same 2 actors.
  { label: 'shared', over: { training: { ensemble_validation: 'shared' } } },
  // The sequence models on every frame group (features.sequence) instead of MFCC + log-mel.
  { label: 'cnn-all', over: { model: { name: 'cnn', ensemble: 1 }, features: { sequence: ['mfcc', 'deltas', 'logmel', 'spectral', 'temporal', 'chroma'] } } },
  { label: 'lstm-all', over: { model: { name: 'lstm', ensemble: 1 }, features: { sequence: ['mfcc', 'deltas', 'logmel', 'spectral', 'temporal', 'chroma'] } } },
  // On raw features, not measured (stopped for time): mixup and a longer patience on top of the ensemble.
  { label: 's128-n0.3-sm-e5-mix0.4', over: small([128], [0.5], { ensemble: 5 }, { mixup: 0.4 }) },
  { label: 's128-n0.3-sm-e5-p30', over: small([128], [0.5], { ensemble: 5 }, { early_stopping: { patience: 30, smoothing: 0.7 } }) },
];

/** Extra candidates defined by the command line: `--cand 'label={"model":{...},"training":{...}}'`. */
function parseArgs(argv: string[]): { only: string[] | null; splits: string[]; extra: Candidate[]; corpusSeed: number } {
  let only: string[] | null = null;
  let corpusSeed = 1;
  let splits = ['actor', 'kfold'];
  const extra: Candidate[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--corpus-seed') corpusSeed = Number(argv[++i]);
    else if (a === '--splits') splits = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--cand') {
      const spec = argv[++i] ?? '';
      const eq = spec.indexOf('=');
      extra.push({ label: spec.slice(0, eq), over: JSON.parse(spec.slice(eq + 1)) as Override });
    } else if (a === '--list') {
      for (const c of CANDIDATES) console.log(`${c.label.padEnd(24)} ${c.file ?? ''} ${JSON.stringify(c.over)}`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isSafeInteger(corpusSeed)) throw new Error('--corpus-seed takes an integer');
  return { only, splits, extra, corpusSeed };
}

function configOf(c: Candidate, split: Override['training']): Config {
  const base = c.file ? loadConfigFile(path.join(REPO_ROOT, c.file)) : DEFAULT_CONFIG;
  const { arch: _arch, ...over } = c.over;
  const r = parseConfig(merge(merge(base as unknown as Record<string, unknown>, over as Record<string, unknown>), { training: split ?? {} }));
  if (!r.ok) throw new Error(`${c.label}: ${r.errors.join('; ')}`);
  return r.config;
}

const { only, splits, extra, corpusSeed } = parseArgs(process.argv.slice(2));
const all = [...CANDIDATES, ...extra];
const chosen = only ? all.filter((c) => only.includes(c.label) || c.label.startsWith('logreg') || extra.includes(c)) : all;
if (only) for (const o of only) if (o !== 'none' && !all.some((c) => c.label === o)) throw new Error(`no candidate ${o}`);
const SPLITS = [
  { key: 'actor', label: 'actor split', training: { split: 'actor' } },
  { key: 'kfold', label: '6-fold actor k-fold', training: { split: 'actor_kfold', k: 6 } },
].filter((s) => splits.includes(s.key));

const prepared = await preparedCorpus('es-recipe-', corpusSeed);
const { db, datasetId, pool, artifactsRoot } = prepared;
const out = process.env.RECIPE_OUT;
interface Row { label: string; split: string; acc: number; sd: number | null; f1: number; seconds: number; epochs: number; perEpoch: number; bestEpochs: number[] }
const rows: Row[] = [];
try {
  console.log(`recipe — 1440-clip demo corpus (seed ${corpusSeed}), ${os.availableParallelism()} cores, Node ${process.version}; candidates: ${chosen.map((c) => c.label).join(', ')}`);
  for (const split of SPLITS) {
    for (const c of chosen) {
      const config = configOf(c, split.training);
      // The registry's definitions are shared objects: point their builders at this candidate's options.
      (CNN_MODEL as { build: NonNullable<typeof CNN_MODEL.build> }).build = (spec) => buildCnn(spec, c.over.arch?.cnn);
      (LSTM_MODEL as { build: NonNullable<typeof LSTM_MODEL.build> }).build = (spec) => buildLstm(spec, c.over.arch?.lstm);
      const r = await runExperiment({ db, datasetId, config, name: `recipe ${c.label} ${split.key}`, artifactsRoot, extract: { pool } });
      const e = getExperiment(db, r.experimentId);
      const folds = e.metrics?.folds;
      const histories = e.history ?? [];
      const epochs = histories.reduce((n, h) => n + h.length, 0);
      const secs = histories.flatMap((h) => h.slice(1).map((l) => l.seconds));
      const row: Row = {
        label: c.label,
        split: split.label,
        acc: folds?.accuracy.mean ?? r.accuracy,
        sd: folds?.accuracy.sd ?? null,
        f1: folds?.macroF1.mean ?? r.macroF1,
        seconds: r.seconds,
        epochs,
        perEpoch: secs.length ? secs.reduce((a, b) => a + b, 0) / secs.length : 0,
        bestEpochs: histories.map((h) => h.at(-1)?.bestEpoch ?? 0),
      };
      rows.push(row);
      if (out) fs.appendFileSync(out, `${JSON.stringify({ ...row, config: c.over, file: c.file ?? null })}\n`);
      const acc = `${row.acc.toFixed(3)}${row.sd === null ? '' : ` ± ${row.sd.toFixed(3)}`}`;
      console.log(`  ${split.label.padEnd(20)} ${c.label.padEnd(26)} acc ${acc.padEnd(14)} F1 ${row.f1.toFixed(3)}  ${row.seconds.toFixed(1)} s, ${epochs} epochs (${row.perEpoch.toFixed(2)} s/epoch), best epochs ${row.bestEpochs.join('/')}`);
    }
  }
  console.log(`\n  ${'candidate'.padEnd(26)}${SPLITS.map((s) => `${s.label.padStart(20)}${'Δ C=1'.padStart(8)}${'s'.padStart(7)}`).join('')}`);
  for (const c of chosen) {
    const cells = SPLITS.map((s) => {
      const row = rows.find((r) => r.label === c.label && r.split === s.label);
      const base = rows.find((r) => r.label === 'logreg C=1' && r.split === s.label);
      if (!row) return ''.padStart(35);
      const acc = `${row.acc.toFixed(3)}${row.sd === null ? '' : ` ± ${row.sd.toFixed(3)}`}`;
      const d = base ? row.acc - base.acc : NaN;
      return `${acc.padStart(20)}${`${d >= 0 ? '+' : ''}${d.toFixed(3)}`.padStart(8)}${row.seconds.toFixed(0).padStart(7)}`;
    });
    console.log(`  ${c.label.padEnd(26)}${cells.join('')}`);
  }
} finally {
  await prepared.close();
}
