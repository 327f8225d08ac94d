/** Where a clip stood for a saved model: held out, validation, training, another dataset; k-fold by the saved fold. */
import { describe, expect, it } from 'vitest';
import { clipStanding } from '../../../../electron/core/experiments/standing';
import { DEFAULT_CONFIG } from '../../../../shared/config';
import type { Experiment, SplitInfo } from '../../../../shared/experiments';

const experiment = (split: SplitInfo): Experiment => ({
  id: 1, name: 'run', createdAt: '', finishedAt: null, status: 'finished', error: null, config: DEFAULT_CONFIG, datasetId: 1, datasetRoot: '/data',
  modelName: 'advanced_dnn', split, backend: 'wasm', backendSelection: null, durations: null, history: [[]], metrics: null, artifactsDir: null, notes: '',
});
const actor: SplitInfo = { kind: 'actor', speakerDependent: false, trainActors: [1, 2, 3, 4], validationActors: [5, 6], testActors: [7, 8], counts: { train: 0, validation: 0, test: 0 } };
const clip = (actorNo: number, id = 10, datasetId = 1) => ({ id, actor: actorNo, datasetId });
const none = { deployedFold: null, testClipIds: null };

describe('clipStanding', () => {
  it('actor split: test actors are held out; validation and training actors are optimistic', () => {
    expect(clipStanding(experiment(actor), clip(7), none)).toEqual({ role: 'test', heldOut: true, text: "held out: actor 07 was one of this model's test actors" });
    expect(clipStanding(experiment(actor), clip(5), none)).toMatchObject({ role: 'validation', heldOut: false, text: expect.stringMatching(/^seen in validation — optimistic/) });
    expect(clipStanding(experiment(actor), clip(2), none)).toMatchObject({ role: 'train', heldOut: false, text: "seen in training — optimistic: actor 02 was one of this model's training actors" });
  });

  it('a clip of another dataset was not trained on', () => {
    expect(clipStanding(experiment(actor), clip(2, 10, 9), none)).toMatchObject({ role: 'other', heldOut: true });
  });

  it('k-fold: the answering fold’s actors decide (routing, or an older run’s saved fold); the ensemble saw every actor of the run', () => {
    const kfold: SplitInfo = {
      ...actor,
      kind: 'actor_kfold',
      trainActors: [1, 2, 3, 4, 5, 6, 7, 8],
      testActors: [1, 2, 3, 4, 5, 6, 7, 8],
      validationActors: [],
      folds: [
        { trainActors: [3, 4, 5, 6], validationActors: [7, 8], testActors: [1, 2] },
        { trainActors: [1, 2, 5, 6], validationActors: [7, 8], testActors: [3, 4] },
      ],
    };
    expect(clipStanding(experiment(kfold), clip(3), { deployedFold: 2, testClipIds: null })).toMatchObject({ role: 'test', heldOut: true, text: "held out: actor 03 was one of the saved model (fold 2)'s test actors" });
    expect(clipStanding(experiment(kfold), clip(1), { deployedFold: 2, testClipIds: null })).toMatchObject({ role: 'train', heldOut: false });
    // Routed to the fold that held the actor out.
    expect(clipStanding(experiment(kfold), clip(3), { answeringFold: 2, deployedFold: null, testClipIds: null })).toMatchObject({
      role: 'test',
      heldOut: true,
      text: "held out: fold 2's model answered, and actor 03 was one of its test actors (the evaluation's own prediction)",
    });
    // The fold ensemble answered: every fold's model, trained on the actor in all but one fold.
    expect(clipStanding(experiment(kfold), clip(3), none)).toMatchObject({ role: 'train', heldOut: false, text: expect.stringContaining('the fold ensemble answered') });
    // An actor the run never had.
    expect(clipStanding(experiment(kfold), clip(9), none)).toMatchObject({ role: 'test', heldOut: true, text: "held out: actor 09 was not in this run's data" });
  });

  it('stratified (speaker-dependent): a test clip is still optimistic; a training clip says so', () => {
    const strat: SplitInfo = { ...actor, kind: 'stratified', speakerDependent: true };
    expect(clipStanding(experiment(strat), clip(7, 42), { deployedFold: null, testClipIds: new Set([42]) })).toMatchObject({ role: 'test', heldOut: false, text: expect.stringContaining('speaker-dependent split') });
    expect(clipStanding(experiment(strat), clip(7, 43), { deployedFold: null, testClipIds: new Set([42]) })).toMatchObject({ role: 'train', heldOut: false });
  });
});
