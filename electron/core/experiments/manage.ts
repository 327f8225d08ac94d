/**
 * Managing saved runs beyond their rows: deleting a run with its artifact folder, zipping the folder
 * for download, and finding it to open. Callers name a run by id only; the folder is the one the run
 * recorded. Only folders inside the engine's artifacts root are ever removed (`ownedArtifactFolder`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../../../shared/errors';
import type { Experiment, ExperimentArchive } from '../../../shared/experiments';
import type { Db } from '../db/database';
import { findArtifactFolder, markPartial, ownedArtifactFolder, trashNameFor, zipArtifactFolder } from './artifacts';
import { deleteExperimentRow, getExperiment } from './store';

let trashSerial = 0;

/**
 * Delete a run that is not running, and its artifact folder when that lies inside `artifactsRoot`
 * (a folder elsewhere — `--out DIR`, a copied database — is left alone, as is a missing one).
 *
 * Order, so a row never vanishes while its files stay behind unreported:
 * 1. In one transaction: delete the row, then rename the folder to a `.tmp-deleted-…` name in the
 *    root. A rename is atomic; if it fails the transaction rolls back — row and folder both stay,
 *    and the error is thrown.
 * 2. After the commit, remove the renamed folder. If that fails, the row is gone and the error says
 *    which folder is left; it carries the temp mark, so the next engine start sweeps it.
 */
export function deleteExperiment(db: Db, artifactsRoot: string, id: number): void {
  const experiment = getExperiment(db, id);
  refuseRunning(experiment);
  const folder = ownedArtifactFolder(artifactsRoot, experiment.artifactsDir).folder;
  const moved: { to: string | null } = { to: null };
  try {
    db.transaction(() => {
      if (!deleteExperimentRow(db, id)) {
        // It changed since we read it: gone (NOT_FOUND) or running.
        refuseRunning(getExperiment(db, id));
        throw new EngineError('INTERNAL', `Experiment ${id} could not be deleted`);
      }
      if (folder === null) return;
      const target = path.join(fs.realpathSync(artifactsRoot), trashNameFor(folder, ++trashSerial));
      try {
        fs.renameSync(folder, target);
      } catch (err) {
        throw new EngineError('UNREADABLE', `Experiment ${id} was not deleted: its folder ${folder} could not be moved (${(err as Error).message})`);
      }
      moved.to = target;
      // So the start-up sweep may finish the job if removing it below fails.
      markPartial(target);
    })();
  } catch (err) {
    // The commit failed after the rename: put the folder back under its name.
    if (moved.to !== null && folder !== null) fs.renameSync(moved.to, folder);
    throw err;
  }
  if (moved.to === null) return;
  try {
    fs.rmSync(moved.to, { recursive: true, force: true });
  } catch (err) {
    throw new EngineError(
      'UNREADABLE',
      `Experiment ${id} was deleted, but its artifacts could not all be removed (${(err as Error).message}): ${moved.to} is left and is removed when the app next starts`,
    );
  }
}

function refuseRunning(experiment: Experiment): void {
  if (experiment.status === 'running') {
    throw new EngineError('BUSY', `Experiment ${experiment.id} (${experiment.name}) is still training: cancel it before deleting it`);
  }
}

/** The run's artifact folder, or NOT_FOUND saying why there is none to use. */
export function experimentFolder(experiment: Experiment): string {
  const resolved = findArtifactFolder(experiment.artifactsDir);
  if (resolved.folder === null) {
    throw new EngineError('NOT_FOUND', `Experiment ${experiment.id} (${experiment.name}) has no artifact folder: ${resolved.problem}`);
  }
  return resolved.folder;
}

/** The run's artifact folder as a .zip, base64-encoded for the wire. */
export function experimentArchive(experiment: Experiment): ExperimentArchive {
  const folder = experimentFolder(experiment);
  let zip: Uint8Array;
  try {
    zip = zipArtifactFolder(folder);
  } catch (err) {
    throw new EngineError('UNREADABLE', `Could not zip the artifacts of experiment ${experiment.id}: ${(err as Error).message}`);
  }
  return { fileName: `${path.basename(folder)}.zip`, base64: Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength).toString('base64'), bytes: zip.byteLength };
}
