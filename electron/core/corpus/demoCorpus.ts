/**
 * Writes a deterministic synthetic RAVDESS-shaped speech corpus: `dir/Actor_XX/03-01-EE-II-SS-RR-XX.wav`,
 * 60 clips per actor, 48 kHz 16-bit PCM mono, 3–4 s each. Used by tests, the demo and benchmarks, since
 * the real RAVDESS cannot be shipped.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACTOR_COUNT, actorFolderName, formatRavdessName, speechTakesPerActor } from '../../../shared/ravdess';
import { encodeWavPcm16 } from '../audio/wavEncode';
import { planTake, SAMPLE_RATE } from './emotionProfiles';
import { synthesizeUtterance } from './voice';

export interface DemoCorpusOptions {
  /** Actors 1..N are generated; 1..24, default 24. */
  actors?: number;
  /** Any safe integer; the same seed gives byte-identical files. Default 1. */
  seed?: number;
  /** Checked between files; aborting rejects with `Error('cancelled')`. */
  signal?: AbortSignal;
  /** Called after each file has been written under its final name. */
  onProgress?: (done: number, total: number) => void;
}

export interface DemoCorpusResult {
  dir: string;
  files: number;
  actors: number;
  seed: number;
  /** Wall-clock time the generation took, in seconds. */
  seconds: number;
}

/** Writes overlap with synthesis of the next clip; this bounds memory (each clip is ~350 kB). */
const MAX_PENDING_WRITES = 4;

function validateOptions(options: DemoCorpusOptions): { actors: number; seed: number } {
  const actors = options.actors ?? ACTOR_COUNT;
  const seed = options.seed ?? 1;
  if (typeof actors !== 'number' || !Number.isInteger(actors) || actors < 1 || actors > ACTOR_COUNT) {
    throw new Error(`actors must be an integer from 1 to ${ACTOR_COUNT}, got ${String(actors)}`);
  }
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new Error(`seed must be a finite integer (a safe integer, |seed| < 2^53), got ${String(seed)}`);
  }
  return { actors, seed };
}

/** Write to `path.tmp`, then rename: an interrupted run never leaves a truncated WAV under the real name. */
async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function cancelled(): Error {
  return new Error('cancelled');
}

export async function generateDemoCorpus(dir: string, options: DemoCorpusOptions = {}): Promise<DemoCorpusResult> {
  const { actors, seed } = validateOptions(options);
  const { signal, onProgress } = options;
  if (signal?.aborted) throw cancelled();

  const started = performance.now();
  const takes = speechTakesPerActor();
  const total = actors * takes.length;
  let done = 0;
  const pending = new Set<Promise<void>>();
  let writeError: unknown = null;

  try {
    for (let actor = 1; actor <= actors; actor++) {
      const folder = join(dir, actorFolderName(actor));
      await mkdir(folder, { recursive: true });
      for (const take of takes) {
        if (signal?.aborted) throw cancelled();
        if (writeError !== null) throw writeError;

        const samples = synthesizeUtterance(planTake(seed, actor, take));
        const bytes = encodeWavPcm16(samples, SAMPLE_RATE);
        const path = join(folder, formatRavdessName({ ...take, actor }));
        // Never rejects: a failed write (or a throwing onProgress) is kept and rethrown by the loop.
        const write = writeAtomically(path, bytes)
          .then(() => {
            done++;
            onProgress?.(done, total);
          })
          .catch((err: unknown) => {
            writeError ??= err;
          });
        pending.add(write);
        void write.finally(() => pending.delete(write));
        if (pending.size >= MAX_PENDING_WRITES) await Promise.race(pending);
      }
    }
  } finally {
    // Let in-flight writes land (or clean up their .tmp) before returning or rethrowing.
    await Promise.all(pending);
  }
  if (writeError !== null) throw writeError;

  return { dir, files: total, actors, seed, seconds: (performance.now() - started) / 1000 };
}
