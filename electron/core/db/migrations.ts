/**
 * Versioned schema migrations. `PRAGMA user_version` holds how many have run; each runs in its own
 * transaction together with the version bump, so a crash never leaves a half-migrated database.
 * Append only: never edit a migration that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: datasets and their clips (every RAVDESS field plus file facts and status).
  `
  CREATE TABLE datasets (
    id              INTEGER PRIMARY KEY,
    root            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    last_indexed_at TEXT
  );
  CREATE TABLE clips (
    id            INTEGER PRIMARY KEY,
    dataset_id    INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    rel_path      TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    mtime_ms      REAL NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('ok', 'rejected', 'missing')),
    error         TEXT,
    modality      TEXT,
    vocal_channel TEXT,
    emotion       TEXT,
    intensity     TEXT,
    statement     INTEGER,
    repetition    INTEGER,
    actor         INTEGER,
    gender        TEXT,
    duration_sec  REAL,
    sample_rate   INTEGER,
    channels      INTEGER,
    bit_depth     INTEGER,
    indexed_at    TEXT NOT NULL,
    UNIQUE (dataset_id, rel_path)
  );
  CREATE INDEX clips_by_dataset_status ON clips (dataset_id, status);
  `,
  // 2: the features cache — one row per (clip, feature configuration), valid while the clip's file
  // keeps the size and mtime it had when extracted. Float32 BLOBs: frames × dims, and 2 × dims stats.
  `
  CREATE TABLE feature_configs (
    hash       TEXT PRIMARY KEY,
    config     TEXT NOT NULL,
    names      TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE clip_features (
    clip_id     INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
    config_hash TEXT NOT NULL REFERENCES feature_configs(hash) ON DELETE CASCADE,
    size_bytes  INTEGER NOT NULL,
    mtime_ms    REAL NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    error       TEXT,
    frames      INTEGER,
    dims        INTEGER,
    sequence    BLOB,
    stats       BLOB,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (clip_id, config_hash)
  );
  `,
  // 3: experiments — one row per training run. `status` becomes 'finished' only after every artifact
  // is in place; a run whose owning process died is turned to 'failed' ("interrupted") on next start.
  `
  CREATE TABLE experiments (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    finished_at   TEXT,
    status        TEXT NOT NULL CHECK (status IN ('running', 'finished', 'cancelled', 'failed')),
    error         TEXT,
    config        TEXT NOT NULL,
    dataset_id    INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
    dataset_root  TEXT NOT NULL,
    model_name    TEXT NOT NULL,
    split         TEXT,
    backend       TEXT,
    durations     TEXT,
    history       TEXT NOT NULL DEFAULT '[]',
    metrics       TEXT,
    artifacts_dir TEXT,
    owner_pid     INTEGER,
    owner_host    TEXT,
    notes         TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX experiments_by_created ON experiments (created_at);
  `,
  // 4: why a run's backend ran (its reason line and the faster backends skipped), as JSON.
  `
  ALTER TABLE experiments ADD COLUMN backend_selection TEXT;
  `,
];
