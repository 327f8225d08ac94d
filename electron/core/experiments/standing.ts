/**
 * Where an indexed clip stood for the model that judged it: held out, or seen in training. A k-fold
 * run answers a clip of its dataset with the fold that held the clip's actor out (`answeringFold`); an
 * older k-fold run saved one fold's model (`deployedFold`, preprocessor.json's `fold`), so its actors are
 * that fold's. On the speaker-dependent (stratified) split every speaker is in training, so even a test
 * clip is "optimistic".
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Clip } from '../../../shared/dataset';
import type { Experiment } from '../../../shared/experiments';
import type { ClipStanding } from '../../../shared/prediction';

const two = (actor: number): string => String(actor).padStart(2, '0');

export function clipStanding(
  experiment: Experiment,
  clip: Pick<Clip, 'id' | 'actor'> & { datasetId: number },
  options: { answeringFold?: number | null; deployedFold: number | null; testClipIds: ReadonlySet<number> | null },
): ClipStanding | undefined {
  const split = experiment.split;
  if (!split) return undefined;
  if (experiment.datasetId !== clip.datasetId) {
    return { role: 'other', heldOut: true, text: `not from this model's dataset (${experiment.datasetRoot}): it was not trained on` };
  }
  if (split.speakerDependent) {
    const tested = options.testClipIds?.has(clip.id) ?? false;
    return {
      role: tested ? 'test' : 'train',
      heldOut: false,
      text: tested
        ? `a test clip, but actor ${two(clip.actor)} was also in training (speaker-dependent split) — optimistic`
        : `seen in training — optimistic: this clip was one of the model's training or validation clips`,
    };
  }
  if (split.kind === 'actor_kfold' && options.answeringFold != null) {
    const n = options.answeringFold;
    const fold = split.folds?.[n - 1];
    if (fold?.testActors.includes(clip.actor)) {
      return { role: 'test', heldOut: true, text: `held out: fold ${n}'s model answered, and actor ${two(clip.actor)} was one of its test actors (the evaluation's own prediction)` };
    }
  }
  const deployed = split.kind === 'actor_kfold' && options.deployedFold !== null ? split.folds?.[options.deployedFold - 1] : undefined;
  if (split.kind === 'actor_kfold' && !deployed) {
    // The fold ensemble (or refit) answered: every fold's model, so every actor of the run, took part.
    const inRun = (split.folds ?? []).some((f) => f.trainActors.includes(clip.actor) || f.validationActors.includes(clip.actor) || f.testActors.includes(clip.actor));
    return inRun
      ? { role: 'train', heldOut: false, text: `seen in training — optimistic: the fold ensemble answered, and actor ${two(clip.actor)} was in training or validation for ${(split.folds?.length ?? 1) - 1} of its folds` }
      : { role: 'test', heldOut: true, text: `held out: actor ${two(clip.actor)} was not in this run's data` };
  }
  const actors = deployed ?? split;
  const whose = deployed ? `the saved model (fold ${options.deployedFold})` : 'this model';
  if (actors.testActors.includes(clip.actor)) {
    return { role: 'test', heldOut: true, text: `held out: actor ${two(clip.actor)} was one of ${whose}'s test actors` };
  }
  if (actors.validationActors.includes(clip.actor)) {
    return actors.validationRefit
      ? { role: 'train', heldOut: false, text: `seen in training — optimistic: actor ${two(clip.actor)} validated ${whose} and was then in its final fit` }
      : { role: 'validation', heldOut: false, text: `seen in validation — optimistic: actor ${two(clip.actor)} decided when ${whose} stopped training` };
  }
  return { role: 'train', heldOut: false, text: `seen in training — optimistic: actor ${two(clip.actor)} was one of ${whose}'s training actors` };
}

/** The fold whose model a k-fold run saved (`preprocessor.json`), or null. */
export function deployedFold(artifactsDir: string | null): number | null {
  if (artifactsDir === null) return null;
  try {
    const fold = (JSON.parse(fs.readFileSync(path.join(artifactsDir, 'preprocessor.json'), 'utf8')) as { fold?: unknown }).fold;
    return Number.isInteger(fold) && (fold as number) >= 1 ? (fold as number) : null;
  } catch {
    return null;
  }
}
