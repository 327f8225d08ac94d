/**
 * Clip rows the indexer would never write, inserted straight into the database: how a tampered or
 * copied database (or a link planted after indexing) looks to the engine.
 */
import type { Db } from '../../electron/core/db/database';

/** Copy clip `likeClipId`'s row under another `rel_path` (status ok); returns the new clip id. */
export function insertClipRowLike(db: Db, likeClipId: number, relPath: string): number {
  const info = db
    .prepare(
      `INSERT INTO clips (dataset_id, rel_path, size_bytes, mtime_ms, status, error, modality, vocal_channel, emotion,
         intensity, statement, repetition, actor, gender, duration_sec, sample_rate, channels, bit_depth, indexed_at)
       SELECT dataset_id, ?, size_bytes, mtime_ms, 'ok', NULL, modality, vocal_channel, emotion,
         intensity, statement, repetition, actor, gender, duration_sec, sample_rate, channels, bit_depth, indexed_at
       FROM clips WHERE id = ?`,
    )
    .run(relPath, likeClipId);
  if (info.changes !== 1) throw new Error(`no clip ${likeClipId} to copy`);
  return Number(info.lastInsertRowid);
}
