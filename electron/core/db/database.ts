import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { EngineError } from '../../../shared/errors';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

/**
 * Open (creating if needed) the project database: WAL journal so readers never block the writer and a
 * killed writer loses at most its open transaction, foreign keys on, and every pending migration run.
 */
export function openDatabase(file: string): Db {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw new EngineError('UNREADABLE', `Cannot create the folder for database ${file}: ${(err as Error).message}`);
  }
  let db: Db | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file);
    assertWritable(db);
  } catch (err) {
    db?.close();
    if (err instanceof EngineError) throw err;
    throw openError(file, err as Error & { code?: string });
  }
  return db;
}

/**
 * SQLite opens a read-only file without complaint and fails at the first write, deep in some job, with
 * "attempt to write a readonly database" and no file name. Find out now: rewrite the schema version
 * (page 1) inside a transaction that is rolled back.
 */
function assertWritable(db: Db): void {
  const version = schemaVersion(db);
  try {
    db.exec(`BEGIN IMMEDIATE; PRAGMA user_version = ${version};`);
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
}

function openError(file: string, err: Error & { code?: string }): EngineError {
  const remedy = 'make it writable, or choose another database with --db FILE or EMOTION_STUDIO_HOME';
  if (err.code === 'SQLITE_READONLY_DIRECTORY') {
    return new EngineError('UNREADABLE', `Database ${file} cannot be written: its folder ${path.dirname(file)} is read-only for this user; ${remedy}`);
  }
  if (err.code?.startsWith('SQLITE_READONLY') || err.code === 'SQLITE_PERM') {
    return new EngineError('UNREADABLE', `Database ${file} cannot be written (${err.message}): the file or its folder is read-only for this user; ${remedy}`);
  }
  return new EngineError('BAD_FILE', `Cannot open database ${file}: ${err.message}`);
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, file: string): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    throw new EngineError(
      'BAD_FILE',
      `Database ${file} has schema version ${current}, newer than this Emotion Studio knows (${MIGRATIONS.length}); update the app.`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
