/**
 * The desktop app loads its feature-extraction worker from the build (out/main/extractWorker.js), not
 * from the TypeScript sources. That file runs under plain Node too, so it is tested here even where the
 * Electron binary is missing: a built worker extracts exactly what the source worker does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createExtractPool, type ExtractPool } from '../../electron/core/extraction/extractDataset';
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
});
