/** An experiment's test clips with the labels its evaluation gave them (its test_predictions.json). */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EngineError } from '../../../shared/errors';
import type { Experiment } from '../../../shared/experiments';
import type { TestClip } from '../../../shared/prediction';
import { EMOTIONS, type Emotion } from '../../../shared/ravdess';
import type { Db } from '../db/database';
import { experimentFolder } from './manage';

const predictionsSchema = z.array(z.object({ clipId: z.number().int().positive(), path: z.string(), predicted: z.enum(EMOTIONS) }));

export function experimentTestClips(db: Db, experiment: Experiment): TestClip[] {
  if (experiment.status !== 'finished') {
    throw new EngineError('NOT_FOUND', `Experiment ${experiment.id} (${experiment.name}) is ${experiment.status}: only a finished run has evaluated test clips`);
  }
  const file = path.join(experimentFolder(experiment), 'test_predictions.json');
  let parsed: z.infer<typeof predictionsSchema>;
  try {
    parsed = predictionsSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'is missing' : err instanceof z.ZodError ? 'is not a list of { clipId, path, predicted }' : `cannot be read (${(err as Error).message})`;
    throw new EngineError(code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_FILE', `${file} ${reason}`);
  }
  if (experiment.datasetId === null) {
    throw new EngineError('NOT_FOUND', `Experiment ${experiment.id} (${experiment.name}): its dataset (${experiment.datasetRoot}) is no longer indexed`);
  }
  const datasetId = experiment.datasetId;
  const truth = db.prepare('SELECT emotion FROM clips WHERE id = ? AND dataset_id = ?');
  return parsed.flatMap((p) => {
    const row = truth.get(p.clipId, datasetId) as { emotion: Emotion } | undefined;
    // A clip re-indexed away since training has no row: it cannot be opened, so it is left out.
    if (!row) return [];
    return [{ clipId: p.clipId, datasetId, path: p.path, groundTruth: row.emotion, predicted: p.predicted, correct: row.emotion === p.predicted }];
  });
}

/** The run's test clips, or why they cannot be had (for comparisons, which go on without them). */
export function testClipsOrWhy(db: Db, experiment: Experiment): TestClip[] | { unavailable: string } {
  try {
    return experimentTestClips(db, experiment);
  } catch (err) {
    return { unavailable: (err as Error).message };
  }
}
