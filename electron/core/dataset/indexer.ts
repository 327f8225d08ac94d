/**
 * Index a RAVDESS speech folder into the database.
 *
 * - Recursive scan for `*.wav` (any case); strict RAVDESS name parsing; WAV header only.
 * - Incremental: a file whose size and mtime match its row is not touched; a changed one is re-read;
 *   a vanished clip is marked missing (only after a complete scan — a cancelled run marks nothing).
 * - Every file that cannot be used is stored as `rejected` with its reason; the rest index.
 * - One transaction per batch, so a killed process leaves a consistent database and a re-index resumes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IndexResult } from '../../../shared/dataset';
import { EngineError } from '../../../shared/errors';
import { parseRavdessName } from '../../../shared/ravdess';
import { readWavHeader, WavFormatError } from '../audio/wavHeader';
import type { Db } from '../db/database';
import { clipWriter, datasetSummary, ensureDataset, fileStates, isInsideFolder, settleVanished, type ClipRowWrite } from './store';

export interface IndexOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, phase: string) => void;
  /** Files per transaction; also how often progress is reported and cancellation checked. */
  batchSize?: number;
}

interface ScanEntry {
  rel: string;
  abs: string;
  /** A symbolic link: indexed only when it resolves inside the root. */
  link: boolean;
}

interface ScanResult {
  files: ScanEntry[];
  /** Sub-folders that could not be read, as rejected entries (relative path ends with '/'). */
  unreadable: Array<{ rel: string; reason: string }>;
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** Resolve and check the folder the user gave, with an error that names it. */
export function resolveDatasetRoot(root: string): string {
  const abs = path.resolve(root);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EngineError('NOT_FOUND', `Folder ${abs} does not exist`);
    throw new EngineError('UNREADABLE', `Folder ${abs} cannot be read: ${(err as Error).message}`);
  }
  if (!stat.isDirectory()) throw new EngineError('NOT_A_FOLDER', `${abs} is not a folder`);
  try {
    fs.accessSync(abs, fs.constants.R_OK | fs.constants.X_OK);
    fs.readdirSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message;
    throw new EngineError('UNREADABLE', `Folder ${abs} cannot be read: ${why}`);
  }
  return fs.realpathSync(abs);
}

/**
 * Walk `root` for WAV files. Symlinked folders are not followed (no cycles) and are listed with that
 * reason; symlinked files are, and `examineFile` rejects those that resolve outside the root (the
 * engine never reads such a clip). A `.wav` link that loops or dangles is listed by the index loop.
 */
function scan(root: string): ScanResult {
  const files: ScanEntry[] = [];
  const unreadable: ScanResult['unreadable'] = [];
  const stack = [''];
  while (stack.length > 0) {
    const relDir = stack.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, relDir), { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      unreadable.push({
        rel: `${toPosix(relDir)}/`,
        reason: `folder cannot be read: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message}`,
      });
      continue;
    }
    for (const entry of entries) {
      const rel = relDir ? path.join(relDir, entry.name) : entry.name;
      if (entry.isDirectory()) stack.push(rel);
      else if ((entry.isFile() || entry.isSymbolicLink()) && /\.wav$/i.test(entry.name)) {
        files.push({ rel: toPosix(rel), abs: path.join(root, rel), link: entry.isSymbolicLink() });
      } else if (entry.isSymbolicLink() && isFolder(path.join(root, rel))) {
        unreadable.push({ rel: `${toPosix(rel)}/`, reason: 'a link to a folder: not followed (index the folder it points to, or link its files)' });
      }
    }
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, unreadable };
}

function isFolder(abs: string): boolean {
  try {
    return fs.statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** Why a `.wav` link cannot be followed (a loop, a missing target), with the link's own stat; null if it is gone. */
function brokenLink(entry: ScanEntry, err: NodeJS.ErrnoException): { stat: fs.Stats; reason: string } | null {
  let stat: fs.Stats;
  let target: string;
  try {
    stat = fs.lstatSync(entry.abs);
    target = fs.readlinkSync(entry.abs);
  } catch {
    return null;
  }
  const reason =
    err.code === 'ELOOP'
      ? `a symbolic link loop: ${target} leads back to a link already followed`
      : err.code === 'ENOENT'
        ? `a dangling symbolic link: its target ${target} does not exist`
        : `a symbolic link that cannot be followed: ${err.code ?? err.message}`;
  return { stat, reason };
}

const EMPTY_FIELDS = {
  modality: null,
  vocalChannel: null,
  emotion: null,
  intensity: null,
  statement: null,
  repetition: null,
  actor: null,
  gender: null,
  durationSec: null,
  sampleRate: null,
  channels: null,
  bitDepth: null,
} as const;

function rejectedRow(rel: string, sizeBytes: number, mtimeMs: number, reason: string): ClipRowWrite {
  return { relPath: rel, sizeBytes, mtimeMs, status: 'rejected', error: reason, ...EMPTY_FIELDS };
}

/** Read one file's name and header into a row: `ok` with its facts, or `rejected` with the reason. */
function examineFile(root: string, entry: ScanEntry, stat: fs.Stats): ClipRowWrite {
  if (entry.link) {
    let target: string;
    try {
      target = fs.realpathSync(entry.abs);
    } catch (err) {
      return rejectedRow(entry.rel, stat.size, stat.mtimeMs, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!isInsideFolder(root, target)) return rejectedRow(entry.rel, stat.size, stat.mtimeMs, `links to ${target}, outside the dataset folder`);
  }
  const parsed = parseRavdessName(path.basename(entry.rel));
  if (!parsed.ok) return rejectedRow(entry.rel, stat.size, stat.mtimeMs, parsed.reason);
  try {
    const header = readWavHeader(entry.abs, stat.size);
    const n = parsed.value;
    return {
      relPath: entry.rel,
      sizeBytes: stat.size,
      mtimeMs: stat.mtimeMs,
      status: 'ok',
      error: null,
      modality: n.modality,
      vocalChannel: n.vocalChannel,
      emotion: n.emotion,
      intensity: n.intensity,
      statement: n.statement,
      repetition: n.repetition,
      actor: n.actor,
      gender: n.gender,
      durationSec: header.durationSec,
      sampleRate: header.sampleRate,
      channels: header.channels,
      bitDepth: header.bitDepth,
    };
  } catch (err) {
    const reason =
      err instanceof WavFormatError ? err.message : `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    return rejectedRow(entry.rel, stat.size, stat.mtimeMs, reason);
  }
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function indexDataset(db: Db, rootInput: string, options: IndexOptions = {}): Promise<IndexResult> {
  const started = performance.now();
  const { signal, onProgress } = options;
  const batchSize = options.batchSize ?? 200;
  const root = resolveDatasetRoot(rootInput);
  const datasetId = ensureDataset(db, root);

  onProgress?.(0, 0, 'scanning');
  const { files, unreadable } = scan(root);
  const stored = fileStates(db, datasetId);
  const writeBatch = clipWriter(db, datasetId);
  const seen = new Set<string>();
  let added = 0;
  let updated = 0;
  let unchanged = 0;
  let cancelled = false;

  const total = files.length;
  onProgress?.(0, total, 'reading headers');
  const unreadableRows = unreadable.map((u) => rejectedRow(u.rel, 0, 0, u.reason));
  for (const row of unreadableRows) seen.add(row.relPath);
  const pendingUnreadable = unreadableRows.filter((row) => {
    const before = stored.get(row.relPath);
    return !(before && before.status === 'rejected' && before.sizeBytes === 0 && before.mtimeMs === 0);
  });
  if (pendingUnreadable.length > 0) writeBatch(pendingUnreadable);

  for (let start = 0; start < total; start += batchSize) {
    if (signal?.aborted) {
      cancelled = true;
      break;
    }
    const batch: ClipRowWrite[] = [];
    for (const entry of files.slice(start, start + batchSize)) {
      let stat: fs.Stats;
      let broken: string | null = null;
      try {
        stat = fs.statSync(entry.abs);
      } catch (err) {
        const link = entry.link ? brokenLink(entry, err as NodeJS.ErrnoException) : null;
        if (!link) continue; // vanished between scan and stat: treated as not present
        // The link's own stat: a re-index skips it until the link (or, once followed, its target) changes.
        ({ stat, reason: broken } = link);
      }
      if (broken === null && !stat.isFile()) continue;
      seen.add(entry.rel);
      const before = stored.get(entry.rel);
      if (before && before.status !== 'missing' && before.sizeBytes === stat.size && before.mtimeMs === stat.mtimeMs) {
        unchanged++;
        continue;
      }
      if (before) updated++;
      else added++;
      batch.push(broken === null ? examineFile(root, entry, stat) : rejectedRow(entry.rel, stat.size, stat.mtimeMs, broken));
    }
    if (batch.length > 0) writeBatch(batch);
    onProgress?.(Math.min(start + batchSize, total), total, 'reading headers');
    await nextTick();
  }

  const newlyMissing = cancelled ? 0 : settleVanished(db, datasetId, seen);
  const summary = datasetSummary(db, datasetId);
  return {
    ...summary,
    status: cancelled ? 'cancelled' : 'finished',
    scanned: total,
    added,
    updated,
    unchanged,
    newlyMissing,
    seconds: Math.round((performance.now() - started)) / 1000,
  };
}
