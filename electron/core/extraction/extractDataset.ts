/**
 * Batch feature extraction for a dataset: every usable clip whose cached features are missing or stale
 * (file size/mtime changed, or a different feature config) goes to the worker pool; results are written
 * in batches, one transaction each. A clip that fails is recorded with its reason and never stops the
 * batch; cancel stops feeding the pool and keeps what finished.
 */
import path from 'node:path';
import type { Config } from '../../../shared/config';
import type { ExtractResult, FailedClip } from '../../../shared/features';
import { toRpcError } from '../../../shared/errors';
import type { Db } from '../db/database';
import { confinedClipFile, getDataset } from '../dataset/store';
import { featureLayout } from '../features';
import { WorkerPool } from '../workers/pool';
import { cachedStates, ensureFeatureConfig, featureWriter, type FeatureRowWrite } from './cache';
import { featureSpec } from './featureConfig';
import type { ExtractReply, ExtractRequest } from './worker';

/** The worker entry as a source file (CLI, tests); the bundled app passes its built worker instead. */
export const EXTRACT_WORKER_SOURCE = new URL('./worker.ts', import.meta.url);

export type ExtractPool = WorkerPool<ExtractRequest, ExtractReply>;

export function createExtractPool(size?: number, entry: URL = EXTRACT_WORKER_SOURCE): ExtractPool {
  return new WorkerPool<ExtractRequest, ExtractReply>(entry, size);
}

export interface ExtractOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, phase: string) => void;
  /** A pool to reuse; otherwise one is made for this run (only if anything needs extracting). */
  pool?: ExtractPool;
  /** Size of a pool made for this run (default: the machine's cores). */
  workers?: number;
  workerEntry?: URL;
  /** Results per transaction. */
  batchSize?: number;
  /** Only these clips (e.g. the one the Clip view opened); default: every usable clip. */
  clipIds?: readonly number[];
}

interface ClipRow {
  id: number;
  relPath: string;
  sizeBytes: number;
  mtimeMs: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** A worker's error message names the absolute file first; the result lists the path separately. */
function reasonFor(message: string, absPath: string): string {
  return message.startsWith(`${absPath}: `) ? message.slice(absPath.length + 2) : message;
}

export async function extractDataset(db: Db, datasetId: number, config: Config, options: ExtractOptions = {}): Promise<ExtractResult> {
  const started = performance.now();
  const { signal, onProgress } = options;
  const batchSize = options.batchSize ?? 50;
  const dataset = getDataset(db, datasetId);
  const spec = featureSpec(config);
  ensureFeatureConfig(db, spec, featureLayout(spec.dsp).names);

  let clips = db
    .prepare(
      `SELECT id, rel_path AS relPath, size_bytes AS sizeBytes, mtime_ms AS mtimeMs FROM clips
       WHERE dataset_id = ? AND status = 'ok' ORDER BY id`,
    )
    .all(datasetId) as ClipRow[];
  if (options.clipIds) {
    const wanted = new Set(options.clipIds);
    clips = clips.filter((c) => wanted.has(c.id));
  }
  const cached = cachedStates(db, datasetId, spec.hash);
  const failed: FailedClip[] = [];
  const todo: ClipRow[] = [];
  let cachedCount = 0;
  for (const clip of clips) {
    const c = cached.get(clip.id);
    if (c && c.sizeBytes === clip.sizeBytes && c.mtimeMs === clip.mtimeMs) {
      cachedCount++;
      if (c.status === 'failed') failed.push({ path: clip.relPath, reason: c.error ?? 'failed' });
    } else {
      todo.push(clip);
    }
  }

  const total = todo.length;
  let done = 0;
  let extracted = 0;
  let cancelled = false;
  let workers = 0;
  const timeSums = { decode: 0, resample: 0, preprocess: 0, features: 0 };
  onProgress?.(0, total, 'extracting features');

  if (total > 0) {
    const pool = options.pool ?? createExtractPool(options.workers, options.workerEntry);
    workers = pool.size;
    const write = featureWriter(db, spec.hash);
    let pending: FeatureRowWrite[] = [];
    const flush = () => {
      if (pending.length > 0) write(pending);
      pending = [];
    };
    const inFlight = new Set<Promise<void>>();
    const launch = (clip: ClipRow) => {
      let abs = path.join(dataset.root, clip.relPath);
      const base = { clipId: clip.id, sizeBytes: clip.sizeBytes, mtimeMs: clip.mtimeMs };
      // A row naming a file outside the dataset folder fails as that clip's error (FORBIDDEN), never read.
      const task = new Promise<ExtractReply>((resolve) => {
        abs = confinedClipFile(dataset.root, datasetId, { id: clip.id, path: clip.relPath });
        resolve(pool.run({ path: abs, audio: spec.audio, dsp: spec.dsp }));
      })
        .then(
          (r) => {
            extracted++;
            timeSums.decode += r.timings.decodeMs;
            timeSums.resample += r.timings.resampleMs;
            timeSums.preprocess += r.timings.preprocessMs;
            timeSums.features += r.timings.featuresMs;
            pending.push({ ...base, status: 'ok', error: null, frames: r.frames, dims: r.dims, sequence: r.sequence, stats: r.stats });
          },
          (err: unknown) => {
            const reason = reasonFor(toRpcError(err).message, abs);
            failed.push({ path: clip.relPath, reason });
            pending.push({ ...base, status: 'failed', error: reason, frames: null, dims: null, sequence: null, stats: null });
          },
        )
        .finally(() => {
          inFlight.delete(task);
          done++;
          if (pending.length >= batchSize) flush();
          onProgress?.(done, total, 'extracting features');
        });
      inFlight.add(task);
    };
    try {
      let next = 0;
      // Keep each worker busy with one task queued behind it; no more, so cancel takes effect quickly.
      while (next < total || inFlight.size > 0) {
        if (signal?.aborted) cancelled = true;
        while (!cancelled && next < total && inFlight.size < pool.size * 2) launch(todo[next++] as ClipRow);
        if (inFlight.size === 0) break;
        await Promise.race(inFlight);
      }
      flush();
    } finally {
      if (!options.pool) await pool.close();
    }
  }

  const seconds = (performance.now() - started) / 1000;
  failed.sort((a, b) => a.path.localeCompare(b.path));
  return {
    status: cancelled ? 'cancelled' : 'finished',
    datasetId,
    clips: clips.length,
    extracted,
    cached: cachedCount,
    failed,
    seconds: Math.round(seconds * 1000) / 1000,
    clipsPerSecond: seconds > 0 ? Math.round(((extracted + cachedCount) / seconds) * 10) / 10 : 0,
    configHash: spec.hash,
    workers,
    meanClipMs:
      extracted > 0
        ? {
            decode: round2(timeSums.decode / extracted),
            resample: round2(timeSums.resample / extracted),
            preprocess: round2(timeSums.preprocess / extracted),
            features: round2(timeSums.features / extracted),
          }
        : null,
  };
}
