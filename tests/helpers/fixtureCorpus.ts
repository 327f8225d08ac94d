/**
 * A tiny RAVDESS-shaped folder for indexer tests, built from hand-made WAV bytes (independent of the
 * demo-corpus generator): 60 correctly named 0.05 s clips per actor.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { actorFolderName, formatRavdessName, speechTakesPerActor } from '../../shared/ravdess';
import { pcm16Wav } from './wavBytes';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `es-${prefix}-`));
}

export function writeFixtureCorpus(root: string, actors: number[]): string[] {
  const clip = pcm16Wav(0.05);
  const written: string[] = [];
  for (const actor of actors) {
    const dir = path.join(root, actorFolderName(actor));
    fs.mkdirSync(dir, { recursive: true });
    for (const take of speechTakesPerActor()) {
      const rel = `${actorFolderName(actor)}/${formatRavdessName({ ...take, actor })}`;
      fs.writeFileSync(path.join(root, rel), clip);
      written.push(rel);
    }
  }
  return written;
}
