/**
 * Opening the project database: a read-only file or folder is reported at open, naming the file and
 * what to do, instead of "attempt to write a readonly database" from the middle of a later job.
 * Root ignores file modes, so as root the opening process runs as `nobody` (uid 65534).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../../../electron/core/db/database';
import { MIGRATIONS } from '../../../../electron/core/db/migrations';
import { CLI } from '../../../helpers/cli';
import { tempDir } from '../../../helpers/fixtureCorpus';

const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
/** As root, the checkout must be readable by `nobody` for the CLI to start as that user. */
const otherUserCanRunCli =
  !asRoot || spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(CLI)}, 4)`], { uid: NOBODY, gid: NOBODY }).status === 0;

/** `emotion-studio experiments list --db FILE` as a user who cannot write `file`. */
function listAsOtherUser(file: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'experiments', 'list', '--db', file], {
    encoding: 'utf8',
    env: { ...process.env, HOME: path.dirname(file) },
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { status: r.status, stderr: r.stderr };
}

/** A database with every migration applied, in a folder anyone can enter. */
function existingDatabase(): string {
  const dir = tempDir('db-ro');
  fs.chmodSync(dir, 0o755);
  const file = path.join(dir, 'emotion-studio.sqlite');
  openDatabase(file).close();
  return file;
}

describe.skipIf(process.platform === 'win32')('openDatabase', () => {
  it('creates the file with every migration applied, and opens it again unchanged', () => {
    const file = path.join(tempDir('db'), 'nested', 'db.sqlite');
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(MIGRATIONS.length);
    again.close();
  });

  it.skipIf(!otherUserCanRunCli)('a read-only database file: refused at open, naming the file and the remedy', () => {
    const file = existingDatabase();
    fs.chmodSync(file, 0o444);
    // The folder is writable, so SQLite opens the file and would fail only at the first write.
    fs.chmodSync(path.dirname(file), 0o777);
    const r = listAsOtherUser(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Database ${file} cannot be written (attempt to write a readonly database): the file or its folder is read-only for this user`);
    expect(r.stderr).toContain('--db FILE or EMOTION_STUDIO_HOME');
  });

  it.skipIf(!otherUserCanRunCli)('a database in a read-only folder: names the folder', () => {
    const file = existingDatabase();
    fs.chmodSync(file, 0o444);
    const r = listAsOtherUser(file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Database ${file} cannot be written: its folder ${path.dirname(file)} is read-only for this user`);
  });

  it('a database from a newer Emotion Studio is refused, naming the file, and left as it was', () => {
    const file = existingDatabase();
    const db = openDatabase(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file)).toThrow(`Database ${file} has schema version ${MIGRATIONS.length + 1}, newer than this Emotion Studio knows`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
