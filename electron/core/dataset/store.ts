/** Dataset and clip rows: every SQL statement about them lives here. */
import fs from 'node:fs';
import path from 'node:path';
import type { Clip, DatasetInfo, DatasetSummary, RejectedFile } from '../../../shared/dataset';
import { EngineError } from '../../../shared/errors';
import { EMOTIONS, GENDERS, INTENSITIES, type Emotion, type Gender, type Intensity } from '../../../shared/ravdess';
import type { Db } from '../db/database';

export interface ClipRowWrite {
  relPath: string;
  sizeBytes: number;
  mtimeMs: number;
  status: 'ok' | 'rejected';
  error: string | null;
  modality: string | null;
  vocalChannel: string | null;
  emotion: string | null;
  intensity: string | null;
  statement: number | null;
  repetition: number | null;
  actor: number | null;
  gender: string | null;
  durationSec: number | null;
  sampleRate: number | null;
  channels: number | null;
  bitDepth: number | null;
}

export interface StoredFileState {
  id: number;
  sizeBytes: number;
  mtimeMs: number;
  status: 'ok' | 'rejected' | 'missing';
}

const now = (): string => new Date().toISOString();

/** Find or create the dataset row for an (already canonical) root folder. */
export function ensureDataset(db: Db, root: string): number {
  const existing = db.prepare('SELECT id FROM datasets WHERE root = ?').get(root) as { id: number } | undefined;
  if (existing) return existing.id;
  const info = db
    .prepare('INSERT INTO datasets (root, name, created_at) VALUES (?, ?, ?)')
    .run(root, path.basename(root) || root, now());
  return Number(info.lastInsertRowid);
}

export function markIndexed(db: Db, datasetId: number): void {
  db.prepare('UPDATE datasets SET last_indexed_at = ? WHERE id = ?').run(now(), datasetId);
}

export function fileStates(db: Db, datasetId: number): Map<string, StoredFileState> {
  const rows = db
    .prepare('SELECT id, rel_path, size_bytes, mtime_ms, status FROM clips WHERE dataset_id = ?')
    .all(datasetId) as Array<{ id: number; rel_path: string; size_bytes: number; mtime_ms: number; status: StoredFileState['status'] }>;
  return new Map(rows.map((r) => [r.rel_path, { id: r.id, sizeBytes: r.size_bytes, mtimeMs: r.mtime_ms, status: r.status }]));
}

/** Returns a function that upserts one batch of file rows in a single transaction. */
export function clipWriter(db: Db, datasetId: number): (rows: ClipRowWrite[]) => void {
  const upsert = db.prepare(`
    INSERT INTO clips (dataset_id, rel_path, size_bytes, mtime_ms, status, error, modality, vocal_channel, emotion,
      intensity, statement, repetition, actor, gender, duration_sec, sample_rate, channels, bit_depth, indexed_at)
    VALUES (@datasetId, @relPath, @sizeBytes, @mtimeMs, @status, @error, @modality, @vocalChannel, @emotion,
      @intensity, @statement, @repetition, @actor, @gender, @durationSec, @sampleRate, @channels, @bitDepth, @indexedAt)
    ON CONFLICT (dataset_id, rel_path) DO UPDATE SET
      size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, status = excluded.status, error = excluded.error,
      modality = excluded.modality, vocal_channel = excluded.vocal_channel, emotion = excluded.emotion,
      intensity = excluded.intensity, statement = excluded.statement, repetition = excluded.repetition,
      actor = excluded.actor, gender = excluded.gender, duration_sec = excluded.duration_sec,
      sample_rate = excluded.sample_rate, channels = excluded.channels, bit_depth = excluded.bit_depth,
      indexed_at = excluded.indexed_at`);
  return db.transaction((rows: ClipRowWrite[]) => {
    const indexedAt = now();
    for (const row of rows) upsert.run({ ...row, datasetId, indexedAt });
  });
}

/**
 * After a complete scan: usable clips no longer on disk become `missing` (their facts are kept so
 * experiments that used them stay explainable); rejected files that vanished are simply forgotten.
 * Returns how many rows became missing.
 */
export function settleVanished(db: Db, datasetId: number, seen: ReadonlySet<string>): number {
  const rows = db
    .prepare("SELECT id, rel_path, status FROM clips WHERE dataset_id = ? AND status != 'missing'")
    .all(datasetId) as Array<{ id: number; rel_path: string; status: string }>;
  const markMissing = db.prepare("UPDATE clips SET status = 'missing', indexed_at = ? WHERE id = ?");
  const forget = db.prepare('DELETE FROM clips WHERE id = ?');
  let missing = 0;
  db.transaction(() => {
    const at = now();
    for (const row of rows) {
      if (seen.has(row.rel_path)) continue;
      if (row.status === 'ok') {
        markMissing.run(at, row.id);
        missing++;
      } else {
        forget.run(row.id);
      }
    }
    markIndexed(db, datasetId);
  })();
  return missing;
}

interface DatasetRow {
  id: number;
  root: string;
  name: string;
  created_at: string;
  last_indexed_at: string | null;
  clips: number;
  rejected: number;
  missing: number;
}

function toDatasetInfo(r: DatasetRow): DatasetInfo {
  return {
    id: r.id,
    root: r.root,
    name: r.name,
    createdAt: r.created_at,
    lastIndexedAt: r.last_indexed_at,
    clips: r.clips,
    rejected: r.rejected,
    missing: r.missing,
  };
}

const DATASET_SELECT = `
  SELECT d.id, d.root, d.name, d.created_at, d.last_indexed_at,
    COALESCE(SUM(c.status = 'ok'), 0) AS clips,
    COALESCE(SUM(c.status = 'rejected'), 0) AS rejected,
    COALESCE(SUM(c.status = 'missing'), 0) AS missing
  FROM datasets d LEFT JOIN clips c ON c.dataset_id = d.id`;

/** Datasets, most recently indexed first. */
export function listDatasets(db: Db): DatasetInfo[] {
  const rows = db
    .prepare(`${DATASET_SELECT} GROUP BY d.id ORDER BY COALESCE(d.last_indexed_at, d.created_at) DESC, d.id DESC`)
    .all() as DatasetRow[];
  return rows.map(toDatasetInfo);
}

export function getDataset(db: Db, datasetId: number): DatasetInfo {
  const row = db.prepare(`${DATASET_SELECT} WHERE d.id = ? GROUP BY d.id`).get(datasetId) as DatasetRow | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No dataset with id ${datasetId}`);
  return toDatasetInfo(row);
}

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export function datasetSummary(db: Db, datasetId: number): DatasetSummary {
  const dataset = getDataset(db, datasetId);
  const counts = db
    .prepare(
      `SELECT emotion, actor, gender, intensity, statement, COUNT(*) AS n, SUM(duration_sec) AS seconds
       FROM clips WHERE dataset_id = ? AND status = 'ok'
       GROUP BY emotion, actor, gender, intensity, statement`,
    )
    .all(datasetId) as Array<{ emotion: Emotion; actor: number; gender: Gender; intensity: Intensity; statement: number; n: number; seconds: number }>;
  const byEmotion = zeroCounts(EMOTIONS);
  const byGender = zeroCounts(GENDERS);
  const byIntensity = zeroCounts(INTENSITIES);
  const byActor: Record<string, number> = {};
  const byStatement: Record<string, number> = {};
  let clips = 0;
  let totalDurationSec = 0;
  for (const c of counts) {
    clips += c.n;
    totalDurationSec += c.seconds;
    byEmotion[c.emotion] += c.n;
    byGender[c.gender] += c.n;
    byIntensity[c.intensity] += c.n;
    const actor = String(c.actor).padStart(2, '0');
    byActor[actor] = (byActor[actor] ?? 0) + c.n;
    byStatement[String(c.statement)] = (byStatement[String(c.statement)] ?? 0) + c.n;
  }
  const sortedActors = Object.fromEntries(Object.entries(byActor).sort(([a], [b]) => a.localeCompare(b)));
  const rejected = db
    .prepare("SELECT rel_path AS path, error AS reason FROM clips WHERE dataset_id = ? AND status = 'rejected' ORDER BY rel_path")
    .all(datasetId) as RejectedFile[];
  const missing = (
    db.prepare("SELECT rel_path FROM clips WHERE dataset_id = ? AND status = 'missing' ORDER BY rel_path").all(datasetId) as Array<{ rel_path: string }>
  ).map((r) => r.rel_path);
  return {
    datasetId,
    root: dataset.root,
    clips,
    byEmotion,
    byActor: sortedActors,
    byGender,
    byIntensity,
    byStatement,
    totalDurationSec: Math.round(totalDurationSec * 1000) / 1000,
    rejected,
    missing,
  };
}

const CLIP_SELECT = `SELECT id, rel_path AS path, modality, vocal_channel AS vocalChannel, emotion, intensity, statement,
  repetition, actor, gender, duration_sec AS durationSec, sample_rate AS sampleRate, channels, bit_depth AS bitDepth,
  size_bytes AS sizeBytes FROM clips`;

export function listClips(db: Db, datasetId: number): Clip[] {
  getDataset(db, datasetId);
  return db.prepare(`${CLIP_SELECT} WHERE dataset_id = ? AND status = 'ok' ORDER BY actor, rel_path`).all(datasetId) as Clip[];
}

/** True when `candidate` is strictly inside `root` (both absolute, already resolved). */
export function isInsideFolder(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== '..';
}

const realpathOr = (p: string): string => {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
};

/**
 * The file a clip's row names, once `..` and links are resolved, and only if it lies inside the dataset's
 * folder (`FORBIDDEN` otherwise, naming the clip). The indexer never stores such a row; this is what keeps
 * a tampered or copied database, or a link pointing out of the folder, from reading any other file.
 * A file that does not exist is returned as named: reading it fails with its own error.
 */
export function confinedClipFile(root: string, datasetId: number, clip: Pick<Clip, 'id' | 'path'>): string {
  const realRoot = realpathOr(root);
  const refuse = (): never => {
    throw new EngineError('FORBIDDEN', `Clip ${clip.id} of dataset ${datasetId} (${clip.path}) resolves outside the dataset folder ${root}: refused`);
  };
  const named = path.resolve(realRoot, clip.path);
  if (path.isAbsolute(clip.path) || !isInsideFolder(realRoot, named)) refuse();
  let real: string;
  try {
    real = fs.realpathSync(named);
  } catch {
    return named;
  }
  if (!isInsideFolder(realRoot, real)) refuse();
  return real;
}

/**
 * The usable clip of dataset `datasetId` that `file` is (links resolved, relative to the dataset's
 * folder), or null when the file lies outside that folder or is not indexed there.
 */
export function findClipByFile(db: Db, datasetId: number, file: string): Clip | null {
  let root: string;
  try {
    root = realpathOr(getDataset(db, datasetId).root);
  } catch {
    return null;
  }
  const real = realpathOr(path.resolve(file));
  if (!isInsideFolder(root, real)) return null;
  const rel = path.relative(root, real).split(path.sep).join('/');
  return (db.prepare(`${CLIP_SELECT} WHERE dataset_id = ? AND rel_path = ? AND status = 'ok'`).get(datasetId, rel) as Clip | undefined) ?? null;
}

/**
 * A usable clip of a dataset, with the dataset's root and the clip's file: the real path, checked to lie
 * inside that root (`confinedClipFile`). Every method that addresses a clip goes through here.
 */
export function getClip(db: Db, datasetId: number, clipId: number): { clip: Clip; root: string; file: string } {
  const { root } = getDataset(db, datasetId);
  const clip = db.prepare(`${CLIP_SELECT} WHERE dataset_id = ? AND id = ? AND status = 'ok'`).get(datasetId, clipId) as Clip | undefined;
  if (!clip) throw new EngineError('NOT_FOUND', `Dataset ${datasetId} has no usable clip with id ${clipId}`);
  return { clip, root, file: confinedClipFile(root, datasetId, clip) };
}
