import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { indexDataset } from '../../../electron/core/dataset/indexer';
import { createEngine, type Engine } from '../../../electron/core/engine';
import { dispatch } from '../../../electron/core/rpc';
import type { EventMessage, JobFinished, JobState } from '../../../shared/contract';
import type { EpochEvent, Experiment, TrainResult } from '../../../shared/experiments';
import type { Prediction, TestClip } from '../../../shared/prediction';
import { tempDir } from '../../helpers/fixtureCorpus';

let engine: Engine;
let datasetId: number;
const events: EventMessage[] = [];

beforeAll(async () => {
  engine = createEngine({ dbPath: path.join(tempDir('engine-train'), 'db.sqlite'), host: { mode: 'cli' } });
  datasetId = (await indexDataset(engine.db, inject('corpus8'))).datasetId;
  engine.subscribe((m) => events.push(m));
});
afterAll(() => engine.close());

const finishedOf = (jobId: string) =>
  new Promise<JobFinished>((resolve) => {
    const stop = engine.subscribe((m) => {
      if (m.event === 'job.finished' && m.payload.jobId === jobId) {
        stop();
        resolve(m.payload);
      }
    });
  });

const config = (training: Record<string, unknown>) => ({ training: { test_actors: [7, 8], validation_actors: [5, 6], ...training } });

describe('training as an engine job', () => {
  it('training.start returns a job id at once; epochs arrive as training.epoch events; the run is listed', async () => {
    const start = await dispatch(engine.handlers, 'training.start', { datasetId, config: config({ epochs: 3, ensemble_validation: 'shared' }), name: 'job run' });
    expect(start).toMatchObject({ ok: true, value: { jobId: expect.stringMatching(/^job-/) } });
    const jobId = (start as { value: { jobId: string } }).value.jobId;
    const end = await finishedOf(jobId);
    expect(end).toMatchObject({ kind: 'train', status: 'finished', result: { name: 'job run', status: 'finished', epochsRun: 3 } });
    const epochs = events.filter((m) => m.event === 'training.epoch').map((m) => m.payload as EpochEvent);
    expect(epochs.map((e) => [e.jobId, e.epoch, e.epochs])).toEqual([[jobId, 1, 3], [jobId, 2, 3], [jobId, 3, 3]]);
    for (const e of epochs) {
      expect(e).toMatchObject({ experimentId: (end.result as TrainResult).experimentId, lr: 0.001 });
      for (const k of ['loss', 'acc', 'valLoss', 'valAcc', 'secondsElapsed', 'etaSeconds', 'etaMinSeconds'] as const) expect(Number.isFinite(e[k]), k).toBe(true);
      expect(e.etaMinSeconds).toBeLessThanOrEqual(e.etaSeconds);
    }
    // The backend, once, before the first epoch, as the run records it.
    const backends = events.filter((m) => m.event === 'training.backend');
    expect(backends).toHaveLength(1);
    expect(events.indexOf(backends[0] as never)).toBeLessThan(events.findIndex((m) => m.event === 'training.epoch'));
    const saved = await dispatch(engine.handlers, 'experiments.get', { id: (end.result as TrainResult).experimentId });
    expect(backends[0]?.payload).toEqual({ jobId, experimentId: (end.result as TrainResult).experimentId, selection: (saved as { value: Experiment }).value.backendSelection });
    const list = await dispatch(engine.handlers, 'experiments.list', {});
    expect(list.ok && (list.value as Experiment[]).map((e) => [e.name, e.status])).toEqual([['job run', 'finished']]);

    // Its test clips, with the evaluation's labels: the test actors' clips, the truth from the index.
    const result = end.result as TrainResult;
    const tested = await dispatch(engine.handlers, 'experiments.testClips', { id: result.experimentId });
    const clips = (tested as { value: TestClip[] }).value;
    expect(clips).toHaveLength(result.split.counts.test);
    const truth = engine.db.prepare('SELECT emotion, actor FROM clips WHERE id = ?');
    for (const c of clips) {
      const row = truth.get(c.clipId) as { emotion: string; actor: number };
      expect([c.groundTruth, c.correct]).toEqual([row.emotion, row.emotion === c.predicted]);
      expect([7, 8]).toContain(row.actor);
    }
    const correct = clips.filter((c) => c.correct).length;
    expect(correct / clips.length).toBeCloseTo(result.accuracy, 10);

    // A prediction for an indexed clip says where the clip stood for this model.
    const clipOf = (actor: number) => (engine.db.prepare("SELECT id FROM clips WHERE actor = ? AND status = 'ok' LIMIT 1").get(actor) as { id: number }).id;
    const standing = async (actor: number) => {
      const r = await dispatch(engine.handlers, 'predict.clip', { experimentId: result.experimentId, source: { kind: 'clip', datasetId, clipId: clipOf(actor) } });
      return (r as { value: Prediction }).value.standing;
    };
    expect(await standing(7)).toEqual({ role: 'test', heldOut: true, text: "held out: actor 07 was one of this model's test actors" });
    expect(await standing(5)).toMatchObject({ role: 'validation', heldOut: false });
    expect(await standing(1)).toMatchObject({ role: 'train', heldOut: false, text: expect.stringMatching(/^seen in training — optimistic/) });
  });

  it('jobs.cancel stops the run after the current batch; it is saved as cancelled with its partial history', async () => {
    const start = await dispatch(engine.handlers, 'training.start', { datasetId, config: config({ epochs: 300, early_stopping: { patience: 300 } }), name: 'to cancel' });
    const jobId = (start as { value: { jobId: string } }).value.jobId;
    const ended = finishedOf(jobId);
    await new Promise<void>((resolve) => {
      const stop = engine.subscribe((m) => {
        if (m.event === 'training.epoch' && m.payload.jobId === jobId && m.payload.epoch === 2) {
          stop();
          resolve();
        }
      });
    });
    // A window that reloads now finds the running job, its experiment, and the curves so far.
    const running = await dispatch(engine.handlers, 'jobs.list', {});
    const job = (running as { value: JobState[] }).value.find((j) => j.jobId === jobId);
    expect(job).toMatchObject({ kind: 'train', experimentId: expect.any(Number), progress: { phase: 'training' } });
    const sofar = await dispatch(engine.handlers, 'experiments.get', { id: job?.experimentId ?? 0 });
    expect(sofar).toMatchObject({ ok: true, value: { status: 'running', name: 'to cancel', backend: expect.any(String) } });
    expect((sofar as { value: Experiment }).value.history[0]?.length).toBeGreaterThanOrEqual(2);
    expect(await dispatch(engine.handlers, 'jobs.cancel', { jobId })).toEqual({ ok: true, value: { cancelled: true } });
    const end = await ended;
    expect((end.result as TrainResult).experimentId).toBe(job?.experimentId);
    expect(end).toMatchObject({ status: 'cancelled', result: { status: 'cancelled' } });
    const got = await dispatch(engine.handlers, 'experiments.get', { id: (end.result as TrainResult).experimentId });
    const e = (got as { value: Experiment }).value;
    expect(e.status).toBe('cancelled');
    expect(e.history[0]?.length).toBeGreaterThanOrEqual(2);
    expect(e.history[0]?.length).toBeLessThan(300);
  });

  it('with reindex, the folder is re-indexed first (its own phase), then features, then training', async () => {
    const phases: string[] = [];
    const stop = engine.subscribe((m) => {
      if (m.event === 'job.progress' && m.payload.kind === 'train' && phases.at(-1) !== m.payload.phase) phases.push(m.payload.phase);
    });
    const start = await dispatch(engine.handlers, 'training.start', { datasetId, config: config({ epochs: 1 }), name: 'reindexed', reindex: true });
    const end = await finishedOf((start as { value: { jobId: string } }).value.jobId);
    stop();
    expect(end).toMatchObject({ status: 'finished' });
    expect(phases.slice(0, 3)).toEqual(['indexing', 'extracting features', 'training']);
  });

  it('refuses an invalid config in the payload, naming the key', async () => {
    const r = await dispatch(engine.handlers, 'training.start', { datasetId, config: { training: { epochs: 0 } } });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: expect.stringContaining('config.training.epochs') } });
  });
});
