/**
 * What a trained model says about the open clip: the finished experiments to choose from (the latest by
 * default), the prediction for the open clip or file (`predict.clip`, re-asked when either changes; an
 * answer for something no longer open is dropped), and an experiment's test set to step through —
 * previous, next, and the next clip its evaluation got wrong.
 */
import type { Client } from '../../../../shared/client';
import type { Experiment } from '../../../../shared/experiments';
import type { Prediction, PredictSource, TestClip } from '../../../../shared/prediction';
import { toViewError, type ViewError } from '../../lib/api/errors';
import { Latest } from '../../lib/latest';

export interface TestSet {
  experimentId: number;
  experimentName: string;
  clips: TestClip[];
  /** The open clip's position, or -1 when the open clip is not one of them. */
  index: number;
}

const sameSource = (a: PredictSource | null, b: PredictSource | null): boolean => JSON.stringify(a) === JSON.stringify(b);

export class PredictionStore {
  readonly #client: Client;

  /** Finished experiments, newest first. */
  experiments = $state.raw<Experiment[]>([]);
  experimentsLoaded = $state(false);
  /** The chosen experiment; null = the latest finished one. */
  chosenId = $state<number | null>(null);
  source = $state.raw<PredictSource | null>(null);
  result = $state.raw<Prediction | null>(null);
  loading = $state(false);
  error = $state.raw<ViewError | null>(null);
  testSet = $state.raw<TestSet | null>(null);
  testSetError = $state.raw<ViewError | null>(null);

  readonly experimentId = $derived(this.chosenId ?? this.experiments[0]?.id ?? null);
  readonly misclassified = $derived(this.testSet ? this.testSet.clips.filter((c) => !c.correct).length : 0);

  readonly #prediction = new Latest();

  constructor(client: Client) {
    this.#client = client;
  }

  /** Load the experiments, and again whenever a training job ends (until `signal` aborts). */
  async start(signal: AbortSignal): Promise<void> {
    this.#client.on(
      'job.finished',
      (payload) => {
        if (payload.kind === 'train') void this.loadExperiments();
      },
      signal,
    );
    await this.loadExperiments();
  }

  async loadExperiments(): Promise<void> {
    try {
      const all = await this.#client.call('experiments.list', {});
      const finished = all.filter((e) => e.status === 'finished').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      const before = this.experimentId;
      this.experiments = finished;
      this.experimentsLoaded = true;
      if (this.chosenId !== null && !finished.some((e) => e.id === this.chosenId)) this.chosenId = null;
      // The first finished run (or a newer default) can answer for what is already open.
      if (this.experimentId !== before && this.source) void this.#predict();
    } catch (err) {
      this.error = toViewError(err);
    }
  }

  /** The open clip or file changed (null: nothing open). */
  setSource(source: PredictSource | null): void {
    if (sameSource(source, this.source)) return;
    this.source = source;
    this.result = null;
    this.error = null;
    if (this.testSet && source?.kind === 'clip') {
      const index = this.testSet.clips.findIndex((c) => c.clipId === source.clipId && c.datasetId === source.datasetId);
      this.testSet = { ...this.testSet, index };
    }
    void this.#predict();
  }

  chooseExperiment(id: number): void {
    if (id === this.experimentId) return;
    this.chosenId = id;
    if (this.testSet && this.testSet.experimentId !== id) this.testSet = null;
    void this.#predict();
  }

  async retry(): Promise<void> {
    await this.#predict();
  }

  /** Load an experiment's test clips; returns the first, for the caller to open. */
  async startTestSet(experiment: Pick<Experiment, 'id' | 'name'>): Promise<TestClip | null> {
    this.testSetError = null;
    try {
      const clips = await this.#client.call('experiments.testClips', { id: experiment.id });
      this.chosenId = experiment.id;
      this.testSet = { experimentId: experiment.id, experimentName: experiment.name, clips, index: -1 };
      return clips[0] ?? null;
    } catch (err) {
      this.testSetError = toViewError(err);
      return null;
    }
  }

  endTestSet(): void {
    this.testSet = null;
    this.testSetError = null;
  }

  /** The test clip `delta` places from the open one (wrapping), or null without a test set. */
  step(delta: number): TestClip | null {
    const set = this.testSet;
    if (!set || set.clips.length === 0) return null;
    const from = set.index < 0 ? (delta > 0 ? -1 : 0) : set.index;
    const n = set.clips.length;
    return set.clips[(((from + delta) % n) + n) % n] ?? null;
  }

  /** The next test clip (after the open one, wrapping) the evaluation got wrong, or null if none. */
  nextMisclassified(): TestClip | null {
    const set = this.testSet;
    if (!set) return null;
    const n = set.clips.length;
    for (let k = 1; k <= n; k++) {
      const clip = set.clips[(((set.index < 0 ? -1 : set.index) + k) % n + n) % n];
      if (clip && !clip.correct) return clip;
    }
    return null;
  }

  async #predict(): Promise<void> {
    this.#prediction.invalidate();
    const source = this.source;
    const experimentId = this.experimentId;
    if (!source || !this.experimentsLoaded) {
      this.loading = false;
      return;
    }
    if (experimentId === null) {
      this.loading = false;
      this.result = null;
      return;
    }
    this.loading = true;
    this.error = null;
    await this.#prediction.run(() => this.#client.call('predict.clip', { experimentId, source }), {
      value: (result) => (this.result = result),
      error: (err) => {
        this.result = null;
        this.error = toViewError(err);
      },
      settled: () => (this.loading = false),
    });
  }
}
