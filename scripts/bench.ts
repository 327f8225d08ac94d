/**
 * `npm run bench -- <name>`: benchmarks that print figures. Targets are checked by reading the output,
 * never by timed unit tests.
 *
 *   index     cold index of the 1440-clip demo corpus into a fresh DB, and an unchanged re-index
 *   features  cold feature extraction of the corpus (worker pool), per-clip split, cached re-run, peak RSS
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../electron/core/db/database';
import { DEFAULT_CONFIG } from '../shared/config';
import { indexDataset } from '../electron/core/dataset/indexer';
import { extractDataset } from '../electron/core/extraction/extractDataset';
import { ensureDemoCorpus } from './corpusCache';

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

const BENCHES: Record<string, () => Promise<void>> = { index: benchIndex, features: benchFeatures };

const names = process.argv.slice(2);
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) await (BENCHES[name] as () => Promise<void>)();
