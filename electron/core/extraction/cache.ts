/** The features cache in SQLite: every statement about `feature_configs` and `clip_features`. */
import type { Db } from '../db/database';
import type { FeatureSpec } from './featureConfig';

export interface CachedState {
  sizeBytes: number;
  mtimeMs: number;
  status: 'ok' | 'failed';
  error: string | null;
}

export interface FeatureRowWrite {
  clipId: number;
  sizeBytes: number;
  mtimeMs: number;
  status: 'ok' | 'failed';
  error: string | null;
  frames: number | null;
  dims: number | null;
  sequence: Float32Array | null;
  stats: Float32Array | null;
}

export interface StoredFeatures {
  frames: number;
  dims: number;
  sequence: Float32Array;
  stats: Float32Array;
}

const blob = (a: Float32Array | null): Buffer | null => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : null);

/** A Float32Array over a BLOB (copied: SQLite's buffer may be unaligned or reused). */
function floats(b: Buffer): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export function ensureFeatureConfig(db: Db, spec: FeatureSpec, names: readonly string[]): void {
  db.prepare('INSERT OR IGNORE INTO feature_configs (hash, config, names, created_at) VALUES (?, ?, ?, ?)').run(
    spec.hash,
    JSON.stringify({ audio: spec.audio, dsp: spec.dsp }),
    JSON.stringify(names),
    new Date().toISOString(),
  );
}

export function featureNames(db: Db, hash: string): string[] | null {
  const row = db.prepare('SELECT names FROM feature_configs WHERE hash = ?').get(hash) as { names: string } | undefined;
  return row ? (JSON.parse(row.names) as string[]) : null;
}

export function cachedStates(db: Db, datasetId: number, hash: string): Map<number, CachedState> {
  const rows = db
    .prepare(
      `SELECT f.clip_id AS clipId, f.size_bytes AS sizeBytes, f.mtime_ms AS mtimeMs, f.status, f.error
       FROM clip_features f JOIN clips c ON c.id = f.clip_id
       WHERE c.dataset_id = ? AND f.config_hash = ?`,
    )
    .all(datasetId, hash) as Array<CachedState & { clipId: number }>;
  return new Map(rows.map(({ clipId, ...state }) => [clipId, state]));
}

export function featureWriter(db: Db, hash: string): (rows: FeatureRowWrite[]) => void {
  const upsert = db.prepare(`
    INSERT INTO clip_features (clip_id, config_hash, size_bytes, mtime_ms, status, error, frames, dims, sequence, stats, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (clip_id, config_hash) DO UPDATE SET
      size_bytes = excluded.size_bytes, mtime_ms = excluded.mtime_ms, status = excluded.status, error = excluded.error,
      frames = excluded.frames, dims = excluded.dims, sequence = excluded.sequence, stats = excluded.stats,
      created_at = excluded.created_at`);
  return db.transaction((rows: FeatureRowWrite[]) => {
    const at = new Date().toISOString();
    for (const r of rows) {
      upsert.run(r.clipId, hash, r.sizeBytes, r.mtimeMs, r.status, r.error, r.frames, r.dims, blob(r.sequence), blob(r.stats), at);
    }
  });
}

/** A clip's cached features if they exist, succeeded, and match the clip's current size and mtime. */
export function readFeatures(db: Db, clipId: number, hash: string): StoredFeatures | null {
  const row = db
    .prepare(
      `SELECT f.frames, f.dims, f.sequence, f.stats FROM clip_features f JOIN clips c ON c.id = f.clip_id
       WHERE f.clip_id = ? AND f.config_hash = ? AND f.status = 'ok'
         AND f.size_bytes = c.size_bytes AND f.mtime_ms = c.mtime_ms`,
    )
    .get(clipId, hash) as { frames: number; dims: number; sequence: Buffer; stats: Buffer } | undefined;
  return row ? { frames: row.frames, dims: row.dims, sequence: floats(row.sequence), stats: floats(row.stats) } : null;
}
