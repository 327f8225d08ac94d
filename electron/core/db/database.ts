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
  let db: Db;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new EngineError('BAD_FILE', `Cannot open database ${file}: ${(err as Error).message}`);
  }
  migrate(db, file);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db, file: string): void {
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) {
    db.close();
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
