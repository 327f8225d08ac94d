/**
 * The desktop app loads its workers from the build (out/main/extractWorker.js, trainWorker.js,
 * indexWorker.js), not from the TypeScript sources. Those files run under plain Node too, so they are
 * tested here even where the Electron binary is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../electron/core/db/database';
import { indexDataset } from '../../electron/core/dataset/indexer';
import { indexInWorker } from '../../electron/core/dataset/indexRunner';
import { createExtractPool, type ExtractPool } from '../../electron/core/extraction/extractDataset';
import { startTraining } from '../../electron/core/training/trainingRunner';
import { selectBackend } from '../../electron/core/training/backend';
import type { BackendSelection } from '../../shared/experiments';
import { parseConfig } from '../../shared/config';
import { tempDir } from '../helpers/fixtureCorpus';
import { featureSpec } from '../../electron/core/extraction/featureConfig';
import { DEFAULT_CONFIG } from '../../shared/config';
import { REPO_ROOT } from '../helpers/cli';

const built = path.join(REPO_ROOT, 'out/main/extractWorker.js');
const pools: ExtractPool[] = [];
afterAll(() => Promise.all(pools.map((p) => p.close())));

describe('bundled extraction worker', () => {
  it('exists after the build and imports nothing from Electron', () => {
    expect(fs.existsSync(built), 'run `npm run build` first').toBe(true);
    expect(fs.readFileSync(built, 'utf8')).not.toMatch(/from ["']electron["']|require\(["']electron["']\)/);
  });

  it('extracts the same features as the source worker', async () => {
    const corpus = inject('corpus24');
    const file = path.join(corpus, 'Actor_05', '03-01-05-02-01-01-05.wav');
    const spec = featureSpec(DEFAULT_CONFIG);
    const bundled = createExtractPool(1, pathToFileURL(built));
    const source = createExtractPool(1);
    pools.push(bundled, source);
    const [a, b] = await Promise.all([
      bundled.run({ path: file, audio: spec.audio, dsp: spec.dsp }),
      source.run({ path: file, audio: spec.audio, dsp: spec.dsp }),
    ]);
    expect(a.frames).toBe(130);
    expect(Array.from(a.sequence)).toEqual(Array.from(b.sequence));
  });

  it('the built training worker trains an experiment, extracting through the built extraction worker', async () => {
    const builtTrain = path.join(REPO_ROOT, 'out/main/trainWorker.js');
    expect(fs.readFileSync(builtTrain, 'utf8')).not.toMatch(/from ["']electron["']|require\(["']electron["']\)/);
    const dir = tempDir('bundled-train');
    const dbPath = path.join(dir, 'db.sqlite');
    const db = openDatabase(dbPath);
    const { datasetId } = await indexDataset(db, inject('corpus8'));
    db.close();
    const parsed = parseConfig({ training: { epochs: 2, test_actors: [7, 8], validation_actors: [5, 6] } });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const epochs: number[] = [];
    const backends: BackendSelection[] = [];
    const handle = startTraining(
      { dbPath, datasetId, config: parsed.config, name: 'bundled', artifactsRoot: path.join(dir, 'experiments'), extractWorker: pathToFileURL(built).href },
      { onEpoch: (e) => epochs.push(e.epoch), onBackend: (b) => backends.push(b) },
      pathToFileURL(builtTrain),
    );
    const result = await handle.result;
    // The backend the engine picks on this machine, reported once, before the first epoch.
    const selection = await selectBackend();
    expect(backends).toEqual([selection]);
    expect(result).toMatchObject({ status: 'finished', epochsRun: 2, backend: selection.backend, backendReason: selection.reason });
    expect(epochs).toEqual([1, 2]);
    expect(fs.existsSync(path.join(result.artifacts.dir, 'model.json'))).toBe(true);
  });

  it('the built indexing worker indexes the corpus, with progress', async () => {
    const builtIndex = path.join(REPO_ROOT, 'out/main/indexWorker.js');
    expect(fs.readFileSync(builtIndex, 'utf8')).not.toMatch(/from ["']electron["']|require\(["']electron["']\)/);
    const phases = new Set<string>();
    const result = await indexInWorker(path.join(tempDir('bundled-index'), 'db.sqlite'), inject('corpus8'), {
      workerEntry: pathToFileURL(builtIndex),
      onProgress: (_done, _total, phase) => phases.add(phase),
    });
    expect(result).toMatchObject({ status: 'finished', clips: 480, added: 480, rejected: [] });
    expect([...phases]).toEqual(['scanning', 'reading headers']);
  });
});
