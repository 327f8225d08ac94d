/** Experiment rows: every SQL statement about `experiments` lives here. */
import os from 'node:os';
import type { Config } from '../../../shared/config';
import { EngineError } from '../../../shared/errors';
import type {
  BackendName,
  BackendSelection,
  EpochLog,
  Experiment,
  ExperimentDurations,
  ExperimentMetrics,
  ExperimentStatus,
  SplitInfo,
} from '../../../shared/experiments';
import type { Db } from '../db/database';
import { processAlive } from '../process';

interface ExperimentRow {
  id: number;
  name: string;
  created_at: string;
  finished_at: string | null;
  status: ExperimentStatus;
  error: string | null;
  config: string;
  dataset_id: number | null;
  dataset_root: string;
  model_name: string;
  split: string | null;
  backend: string | null;
  backend_selection: string | null;
  durations: string | null;
  history: string;
  metrics: string | null;
  artifacts_dir: string | null;
  notes: string;
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

function toExperiment(r: ExperimentRow): Experiment {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    status: r.status,
    error: r.error,
    config: JSON.parse(r.config) as Config,
    datasetId: r.dataset_id,
    datasetRoot: r.dataset_root,
    modelName: r.model_name as Experiment['modelName'],
    split: parse<SplitInfo>(r.split),
    backend: r.backend as BackendName | null,
    backendSelection: parse<BackendSelection>(r.backend_selection),
    durations: parse<ExperimentDurations>(r.durations),
    history: JSON.parse(r.history) as EpochLog[][],
    metrics: parse<ExperimentMetrics>(r.metrics),
    artifactsDir: r.artifacts_dir,
    notes: r.notes,
  };
}

export function createExperiment(db: Db, init: { name: string; config: Config; datasetId: number; datasetRoot: string }): number {
  const info = db
    .prepare(
      `INSERT INTO experiments (name, created_at, status, config, dataset_id, dataset_root, model_name, owner_pid, owner_host)
       VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
    )
    .run(init.name, new Date().toISOString(), JSON.stringify(init.config), init.datasetId, init.datasetRoot, init.config.model.name, process.pid, os.hostname());
  return Number(info.lastInsertRowid);
}

/** Progress that is safe to record while running (never changes the status). */
export function recordProgress(db: Db, id: number, update: { split?: SplitInfo; backend?: BackendSelection; history?: EpochLog[][] }): void {
  if (update.split) db.prepare('UPDATE experiments SET split = ? WHERE id = ?').run(JSON.stringify(update.split), id);
  if (update.backend) {
    db.prepare('UPDATE experiments SET backend = ?, backend_selection = ? WHERE id = ?').run(update.backend.backend, JSON.stringify(update.backend), id);
  }
  if (update.history) db.prepare('UPDATE experiments SET history = ? WHERE id = ?').run(JSON.stringify(update.history), id);
}

/** The final state of a run, written in one statement (after its artifacts are in place, for 'finished'). */
export function completeExperiment(
  db: Db,
  id: number,
  end: {
    status: Exclude<ExperimentStatus, 'running'>;
    error?: string | null;
    history: EpochLog[][];
    metrics?: ExperimentMetrics | null;
    durations?: ExperimentDurations | null;
    artifactsDir?: string | null;
  },
): void {
  db.prepare(
    `UPDATE experiments SET status = ?, error = ?, history = ?, metrics = ?, durations = ?, artifacts_dir = ?,
       finished_at = ?, owner_pid = NULL, owner_host = NULL
     WHERE id = ? AND status = 'running'`,
  ).run(
    end.status,
    end.error ?? null,
    JSON.stringify(end.history),
    end.metrics ? JSON.stringify(end.metrics) : null,
    end.durations ? JSON.stringify(end.durations) : null,
    end.artifactsDir ?? null,
    new Date().toISOString(),
    id,
  );
}

/**
 * Runs left 'running' by a process that no longer exists (killed, crashed, power loss) become 'failed'
 * with reason "interrupted". Runs owned by a live process — another CLI or app instance sharing this
 * database — are left alone. Returns the ids changed.
 */
export function markInterrupted(db: Db): number[] {
  const host = os.hostname();
  const rows = db.prepare("SELECT id, owner_pid, owner_host FROM experiments WHERE status = 'running'").all() as Array<{
    id: number;
    owner_pid: number | null;
    owner_host: string | null;
  }>;
  const dead = rows.filter((r) => r.owner_pid === null || (r.owner_host === host && r.owner_pid !== process.pid && !processAlive(r.owner_pid)));
  const mark = db.prepare(
    "UPDATE experiments SET status = 'failed', error = 'interrupted', finished_at = ?, owner_pid = NULL, owner_host = NULL WHERE id = ? AND status = 'running'",
  );
  db.transaction(() => {
    const at = new Date().toISOString();
    for (const r of dead) mark.run(at, r.id);
  })();
  return dead.map((r) => r.id);
}

export function getExperiment(db: Db, id: number): Experiment {
  const row = db.prepare('SELECT * FROM experiments WHERE id = ?').get(id) as ExperimentRow | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No experiment with id ${id}`);
  return toExperiment(row);
}

export function findExperiment(db: Db, idOrName: string): Experiment {
  if (/^\d+$/.test(idOrName)) return getExperiment(db, Number(idOrName));
  const row = db.prepare('SELECT * FROM experiments WHERE name = ? ORDER BY id DESC LIMIT 1').get(idOrName) as ExperimentRow | undefined;
  if (!row) throw new EngineError('NOT_FOUND', `No experiment named ${JSON.stringify(idOrName)}`);
  return toExperiment(row);
}

/** Rename a run and/or replace its notes (a running run too: the end of training never touches either). */
export function updateExperiment(db: Db, id: number, patch: { name?: string; notes?: string }): Experiment {
  const info = db
    .prepare('UPDATE experiments SET name = coalesce(?, name), notes = coalesce(?, notes) WHERE id = ?')
    .run(patch.name ?? null, patch.notes ?? null, id);
  if (info.changes === 0) throw new EngineError('NOT_FOUND', `No experiment with id ${id}`);
  return getExperiment(db, id);
}

/**
 * Delete a run's row unless it is running; returns whether a row went. Callers that also remove files
 * run this inside their transaction (see `deleteExperiment`).
 */
export function deleteExperimentRow(db: Db, id: number): boolean {
  return db.prepare("DELETE FROM experiments WHERE id = ? AND status != 'running'").run(id).changes > 0;
}

/** The most recent run that finished (highest id), or null when none has. */
export function latestFinishedExperiment(db: Db): Experiment | null {
  const row = db.prepare("SELECT * FROM experiments WHERE status = 'finished' ORDER BY id DESC LIMIT 1").get() as ExperimentRow | undefined;
  return row ? toExperiment(row) : null;
}

export function listExperiments(db: Db): Experiment[] {
  return (db.prepare('SELECT * FROM experiments ORDER BY id DESC').all() as ExperimentRow[]).map(toExperiment);
}
