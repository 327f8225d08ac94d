/**
 * An in-memory engine behind the `Transport` interface, for renderer tests. It implements the contract
 * methods over generated RAVDESS data (24 actors × 60 clips = 1440) and lets a test drive index jobs by
 * emitting `job.progress` / `job.finished` events.
 */
import type { Transport } from '../../shared/client';
import {
  METHODS,
  type AppInfo,
  type EventMessage,
  type JobState,
  type MethodName,
  type MethodOutput,
} from '../../shared/contract';
import type { Clip, DatasetInfo, DatasetSummary, IndexResult, RejectedFile } from '../../shared/dataset';
import { compareExperiments } from '../../electron/core/experiments/compare';
import { configSchema, type ConfigInput } from '../../shared/config';
import type { BackendSelection, EpochLog, Experiment } from '../../shared/experiments';
import type { ClipAudio, ClipFeatures } from '../../shared/features';
import type { RpcError, RpcResult } from '../../shared/errors';
import {
  actorFolderName,
  EMOTIONS,
  formatRavdessName,
  genderOfActor,
  GENDERS,
  INTENSITIES,
  parseRavdessName,
  speechTakesPerActor,
  type Emotion,
} from '../../shared/ravdess';
import { pcm16Wav } from '../helpers/wavBytes';
import { DEFAULT_HOP_SEC, type OpenedFile, type Prediction, type PredictSource, type TestClip } from '../../shared/prediction';
import { ACTOR_CONFUSION, fakeExperiments, LABELS, reportFrom, trainResultOf, WASM_SELECTION } from './fakeExperiments';

export const RAVDESS_ROOT = '/data/Audio_Speech_Actors_01-24';
/** What `experiments.archive` answers (base64-encoded): the bytes of an empty zip. */
export const FAKE_ZIP_BYTES = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);

export function generateClips(actors = 24): Clip[] {
  const clips: Clip[] = [];
  for (let actor = 1; actor <= actors; actor++) {
    for (const take of speechTakesPerActor()) {
      const id = clips.length + 1;
      clips.push({
        id,
        path: `${actorFolderName(actor)}/${formatRavdessName({ ...take, actor })}`,
        modality: 'audio-only',
        vocalChannel: 'speech',
        ...take,
        actor,
        gender: genderOfActor(actor),
        durationSec: 3 + ((id * 37) % 200) / 100,
        sampleRate: 48000,
        channels: 1,
        bitDepth: 16,
        sizeBytes: 300_000 + id,
      });
    }
  }
  return clips;
}

function count<K extends string>(keys: readonly K[], clips: readonly Clip[], of: (c: Clip) => K): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const clip of clips) out[of(clip)] += 1;
  return out;
}

export function summarize(
  datasetId: number,
  root: string,
  clips: readonly Clip[],
  rejected: RejectedFile[] = [],
  missing: string[] = [],
): DatasetSummary {
  const byActor: Record<string, number> = {};
  const byStatement: Record<string, number> = {};
  for (const c of clips) {
    const actor = String(c.actor).padStart(2, '0');
    byActor[actor] = (byActor[actor] ?? 0) + 1;
    byStatement[String(c.statement)] = (byStatement[String(c.statement)] ?? 0) + 1;
  }
  return {
    datasetId,
    root,
    clips: clips.length,
    byEmotion: count(EMOTIONS, clips, (c) => c.emotion),
    byActor,
    byGender: count(GENDERS, clips, (c) => c.gender),
    byIntensity: count(INTENSITIES, clips, (c) => c.intensity),
    byStatement,
    totalDurationSec: clips.reduce((s, c) => s + c.durationSec, 0),
    rejected,
    missing,
  };
}

interface StoredDataset {
  info: DatasetInfo;
  clips: Clip[];
  rejected: RejectedFile[];
  missing: string[];
}

interface Folder {
  clips: Clip[];
  rejected: RejectedFile[];
}

type Handler = (payload: unknown) => unknown;

export interface RecordedCall {
  method: MethodName;
  payload: unknown;
}

export class FakeEngine implements Transport {
  readonly calls: RecordedCall[] = [];
  readonly datasets: StoredDataset[] = [];
  jobs: JobState[] = [];
  nativeDialogs = false;
  /** Whether the host "can" open folders (`app.info.nativeOpen`, `experiments.openFolder`). */
  nativeOpen = false;
  /** What `dataset.chooseFolder` answers. */
  chosenFolder: string | null = RAVDESS_ROOT;
  /** Folders that "exist" on the fake disk. */
  readonly folders = new Map<string, Folder>([[RAVDESS_ROOT, { clips: generateClips(), rejected: [] }]]);
  /** Make the next calls of a method fail with this error. */
  readonly failures = new Map<MethodName, RpcError>();
  /** Run index jobs to completion (emitting every event) before `dataset.startIndex` answers. */
  finishBeforeAnswering = false;
  /** Make calls of a method fail only for these clip ids (`clip.*` methods). */
  readonly clipFailures = new Map<number, RpcError>();
  /** Uploads under way (`files.uploadStart` … `files.uploadFinish`). */
  readonly uploads = new Map<string, { name: string; sizeBytes: number; parts: Buffer[] }>();
  /** Files opened with `files.choose` / an upload. */
  readonly openedFiles = new Map<string, { file: OpenedFile; bytes: Uint8Array }>();
  /** What `files.choose` answers (a file name), and how long that file is. */
  chosenFile: string | null = '03-01-05-01-01-01-12.wav';
  chosenFileSeconds = 3.5;
  /** Saved training runs (`experiments.list` / `experiments.get`); empty until `seedExperiments`. */
  experiments: Experiment[] = [];

  #listeners = new Set<(message: EventMessage) => void>();
  /** Held methods: their calls wait here until `release`. */
  #held = new Map<MethodName, Array<() => void>>();
  #nextJob = 1;
  #jobRoots = new Map<string, string>();
  /** Train job id → the experiment it writes. */
  #trainJobs = new Map<string, number>();
  #clock = Date.parse('2025-01-01T10:00:00Z');

  readonly #handlers: { [M in MethodName]: (payload: unknown) => MethodOutput<M> | Promise<MethodOutput<M>> } = {
    'app.ping': () => ({ pong: true, time: Date.now() }),
    'app.info': (): AppInfo => ({
      version: '0.1.0-test',
      mode: this.nativeDialogs ? 'electron' : 'browser',
      nativeDialogs: this.nativeDialogs,
      nativeOpen: this.nativeOpen,
      dbPath: '/tmp/fake.db',
    }),
    'dataset.chooseFolder': () => {
      if (!this.nativeDialogs) throw this.#error('UNSUPPORTED', 'No native dialogs in browser mode');
      return { root: this.chosenFolder };
    },
    'dataset.startIndex': async (payload) => {
      const { root } = payload as { root: string };
      if (!this.folders.has(root)) throw this.#error('NOT_FOUND', `Folder ${root} does not exist`);
      const jobId = `job-${this.#nextJob++}`;
      this.#jobRoots.set(jobId, root);
      this.jobs.push({ jobId, kind: 'index', startedAt: this.#now(), progress: null, subject: root });
      if (this.finishBeforeAnswering) {
        const total = this.folders.get(root)?.clips.length ?? 0;
        this.progress(jobId, 0, total, 'scanning');
        this.progress(jobId, total, total, 'reading headers');
        this.finish(jobId);
      }
      return { jobId };
    },
    'dataset.list': () => this.datasets.map((d) => ({ ...d.info })),
    'dataset.summary': (payload) => {
      const d = this.#dataset(payload);
      return summarize(d.info.id, d.info.root, d.clips, d.rejected, d.missing);
    },
    'dataset.clips': (payload) => this.#dataset(payload).clips,
    'clip.get': (payload) => this.#clip(payload),
    'clip.audio': (payload): ClipAudio => {
      const clip = this.#clip(payload);
      const bytes = pcm16Wav(0.25, 8000);
      return { mimeType: 'audio/wav', base64: Buffer.from(bytes).toString('base64'), sizeBytes: clip.sizeBytes };
    },
    'clip.features': (payload) => fakeFeatures(this.#clip(payload).id),
    'features.startExtract': () => {
      throw this.#error('UNSUPPORTED', 'The fake engine does not extract features');
    },
    // A test drives the run: `trainPhase`, `trainEpoch`, `endTraining` (or `jobs.cancel`).
    'training.start': (payload) => {
      const { datasetId, config, name } = payload as { datasetId: number; config: ConfigInput; name?: string };
      const dataset = this.#dataset({ datasetId });
      const parsed = configSchema.parse(config);
      const id = Math.max(0, ...this.experiments.map((e) => e.id)) + 1;
      const jobId = `job-${this.#nextJob++}`;
      this.experiments.push({
        id,
        name: name ?? `${parsed.model.name} ${parsed.training.split}`,
        createdAt: this.#now(),
        finishedAt: null,
        status: 'running',
        error: null,
        config: parsed,
        datasetId,
        datasetRoot: dataset.info.root,
        modelName: parsed.model.name,
        split: null,
        backend: 'wasm',
        backendSelection: WASM_SELECTION,
        durations: null,
        history: [[]],
        metrics: null,
        artifactsDir: null,
        notes: '',
      });
      this.#trainJobs.set(jobId, id);
      this.jobs.push({ jobId, kind: 'train', startedAt: this.#now(), progress: null, subject: `${name ?? 'run'} on ${dataset.info.name}`, experimentId: id });
      return { jobId };
    },
    'experiments.list': () => this.experiments.map((e) => structuredClone(e)),
    'experiments.get': (payload) => {
      const { id } = payload as { id: number };
      const found = this.experiments.find((e) => e.id === id);
      if (!found) throw this.#error('NOT_FOUND', `No experiment with id ${id}`);
      return structuredClone(found);
    },
    // The engine's own pure comparison over the stored runs.
    'experiments.compare': (payload) => compareExperiments((payload as { ids: number[] }).ids.map((id) => this.#experiment(id)), (e) => this.#testClipsOrWhy(e)),
    'experiments.update': (payload) => {
      const { id, name, notes } = payload as { id: number; name?: string; notes?: string };
      const found = this.#experiment(id);
      if (name !== undefined) found.name = name;
      if (notes !== undefined) found.notes = notes;
      return structuredClone(found);
    },
    'experiments.delete': (payload) => {
      const found = this.#experiment((payload as { id: number }).id);
      if (found.status === 'running') throw this.#error('BUSY', `Experiment ${found.id} (${found.name}) is still training`);
      this.experiments = this.experiments.filter((e) => e !== found);
      return { deleted: true };
    },
    'experiments.openFolder': (payload) => {
      if (!this.nativeOpen) throw this.#error('UNSUPPORTED', 'This host cannot open folders');
      const found = this.#experiment((payload as { id: number }).id);
      if (!found.artifactsDir) throw this.#error('NOT_FOUND', `Experiment ${found.id} has no artifact folder`);
      return { opened: true };
    },
    'experiments.archive': (payload) => {
      const found = this.#experiment((payload as { id: number }).id);
      if (!found.artifactsDir) throw this.#error('NOT_FOUND', `Experiment ${found.id} has no artifact folder`);
      const bytes = FAKE_ZIP_BYTES;
      return { fileName: `${found.artifactsDir.split('/').pop() ?? found.id}.zip`, base64: Buffer.from(bytes).toString('base64'), bytes: bytes.byteLength };
    },
    'experiments.testClips': (payload) => this.testClipsOf(this.#experiment((payload as { id: number }).id)),
    'files.choose': () => {
      if (!this.nativeDialogs) throw this.#error('UNSUPPORTED', 'No native dialogs in browser mode');
      return { file: this.chosenFile === null ? null : this.#openFile(this.chosenFile, pcm16Wav(this.chosenFileSeconds, 16000)) };
    },
    'files.uploadStart': (payload) => {
      const { name, sizeBytes } = payload as { name: string; sizeBytes: number };
      const uploadId = `upload-${(this.uploads.size + 1).toString(16).padStart(16, '0')}`;
      this.uploads.set(uploadId, { name, sizeBytes, parts: [] });
      return { uploadId };
    },
    'files.uploadChunk': (payload) => {
      const { uploadId, offset, base64 } = payload as { uploadId: string; offset: number; base64: string };
      const upload = this.uploads.get(uploadId);
      if (!upload) throw this.#error('NOT_FOUND', `No upload ${uploadId}`);
      const received = upload.parts.reduce((n, p) => n + p.byteLength, 0);
      if (offset !== received) throw this.#error('INVALID_PAYLOAD', `chunk at ${offset}, expected ${received}`);
      upload.parts.push(Buffer.from(base64, 'base64'));
      return { received: received + (upload.parts.at(-1)?.byteLength ?? 0) };
    },
    'files.uploadFinish': (payload) => {
      const { uploadId } = payload as { uploadId: string };
      const upload = this.uploads.get(uploadId);
      if (!upload) throw this.#error('NOT_FOUND', `No upload ${uploadId}`);
      this.uploads.delete(uploadId);
      const bytes = Buffer.concat(upload.parts);
      if (bytes.byteLength !== upload.sizeBytes) throw this.#error('INVALID_PAYLOAD', `${upload.name}: incomplete`);
      if (bytes.subarray(0, 4).toString('latin1') !== 'RIFF') throw this.#error('BAD_FILE', `${upload.name}: not a RIFF/WAVE file`);
      return this.#openFile(upload.name, new Uint8Array(bytes));
    },
    'files.audio': (payload) => {
      const found = this.openedFiles.get((payload as { fileId: string }).fileId);
      if (!found) throw this.#error('NOT_FOUND', 'No opened file');
      return { mimeType: 'audio/wav', base64: Buffer.from(found.bytes).toString('base64'), sizeBytes: found.bytes.byteLength };
    },
    'files.features': (payload) => {
      const found = this.openedFiles.get((payload as { fileId: string }).fileId);
      if (!found) throw this.#error('NOT_FOUND', 'No opened file');
      return { ...fakeFeatures(found.bytes.byteLength), clipId: null };
    },
    'predict.clip': (payload) => {
      const { experimentId, source, hopSec } = payload as { experimentId?: number; source: PredictSource; hopSec?: number };
      const finished = this.experiments.filter((e) => e.status === 'finished').sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      const experiment = experimentId === undefined ? finished[0] : this.#experiment(experimentId);
      if (!experiment) throw this.#error('NOT_FOUND', 'No finished experiment to predict with: train one first');
      return this.predictionFor(experiment, source, hopSec ?? DEFAULT_HOP_SEC);
    },
    'jobs.list': () => this.jobs.map((j) => ({ ...j })),
    'jobs.cancel': (payload) => {
      const { jobId } = payload as { jobId: string };
      const running = this.jobs.some((j) => j.jobId === jobId);
      if (running && this.#trainJobs.has(jobId)) this.endTraining(jobId, 'cancelled');
      else if (running) this.finish(jobId, 'cancelled');
      return { cancelled: running };
    },
  };

  async invoke(method: MethodName, payload: unknown): Promise<RpcResult<unknown>> {
    this.calls.push({ method, payload });
    await Promise.resolve();
    const waiting = this.#held.get(method);
    if (waiting) await new Promise<void>((resolve) => waiting.push(resolve));
    const failure = this.failures.get(method);
    if (failure) return { ok: false, error: failure };
    const parsed = METHODS[method].input.safeParse(payload);
    if (!parsed.success) return { ok: false, error: { code: 'INVALID_PAYLOAD', message: parsed.error.message } };
    try {
      const handler: Handler = this.#handlers[method];
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      if (isRpcErrorObject(err)) return { ok: false, error: err };
      throw err;
    }
  }

  subscribe(listener: (message: EventMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Hold every call of `method` until `release` lets it answer. */
  hold(method: MethodName): void {
    if (!this.#held.has(method)) this.#held.set(method, []);
  }

  /** Calls of `method` waiting to answer. */
  heldCount(method: MethodName): number {
    return this.#held.get(method)?.length ?? 0;
  }

  /** Let the `index`-th waiting call of `method` answer (the oldest by default). */
  release(method: MethodName, index = 0): void {
    const waiting = this.#held.get(method);
    const resolve = waiting?.splice(index, 1)[0];
    if (!resolve) throw new Error(`no held ${method} call #${index}`);
    resolve();
  }

  /** Stop holding `method` and let every waiting call answer. */
  releaseAll(method: MethodName): void {
    const waiting = this.#held.get(method) ?? [];
    this.#held.delete(method);
    for (const resolve of waiting) resolve();
  }

  callsOf(method: MethodName): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.payload);
  }

  emit(message: EventMessage): void {
    for (const listener of [...this.#listeners]) listener(message);
  }

  progress(jobId: string, done: number, total: number, phase: string): void {
    const payload = { jobId, kind: 'index' as const, done, total, phase };
    const job = this.jobs.find((j) => j.jobId === jobId);
    if (job) job.progress = payload;
    this.emit({ event: 'job.progress', payload });
  }

  /** End a job: store the dataset and emit `job.finished` with its `IndexResult`. */
  finish(jobId: string, status: 'finished' | 'cancelled' = 'finished'): IndexResult {
    const root = this.#jobRoots.get(jobId);
    const folder = root === undefined ? undefined : this.folders.get(root);
    if (root === undefined || !folder) throw new Error(`unknown job ${jobId}`);
    this.jobs = this.jobs.filter((j) => j.jobId !== jobId);
    const existing = this.datasets.find((d) => d.info.root === root);
    const stored = existing ?? this.seedDataset(root, [], []);
    const added = existing ? 0 : folder.clips.length;
    stored.clips = folder.clips;
    stored.rejected = folder.rejected;
    stored.info = {
      ...stored.info,
      lastIndexedAt: this.#now(),
      clips: folder.clips.length,
      rejected: folder.rejected.length,
    };
    const result: IndexResult = {
      ...summarize(stored.info.id, root, stored.clips, stored.rejected, stored.missing),
      status,
      scanned: folder.clips.length + folder.rejected.length,
      added,
      updated: 0,
      unchanged: existing ? folder.clips.length : 0,
      newlyMissing: 0,
      seconds: 2.5,
    };
    this.emit({ event: 'job.finished', payload: { jobId, kind: 'index', status, result } });
    return result;
  }

  /** A job already running when the page loads (as after a reload). */
  addRunningJob(jobId: string, root: string, progress: { done: number; total: number; phase: string }): void {
    this.#jobRoots.set(jobId, root);
    this.jobs.push({
      jobId,
      kind: 'index',
      startedAt: this.#now(),
      subject: root,
      progress: { jobId, kind: 'index', ...progress },
    });
  }

  fail(jobId: string, message: string): void {
    this.jobs = this.jobs.filter((j) => j.jobId !== jobId);
    this.emit({
      event: 'job.finished',
      payload: { jobId, kind: 'index', status: 'failed', error: { code: 'UNREADABLE', message } },
    });
  }

  /** Store the four fake runs (actor, stratified, cancelled, k-fold) or the given ones. */
  seedExperiments(experiments: Experiment[] = fakeExperiments()): Experiment[] {
    this.experiments.push(...experiments);
    return experiments;
  }

  /** A training job ended: store its run and emit `job.finished` of kind 'train'. */
  finishTraining(experiment: Experiment, jobId = `job-${this.#nextJob++}`): void {
    this.experiments.push(experiment);
    this.emit({ event: 'job.finished', payload: { jobId, kind: 'train', status: 'finished', result: trainResultOf(experiment) } });
  }

  /** An experiment's test clips: its test actors' clips of its emotions; every 4th is "misclassified" as the next label. */
  /** Like the engine's testClipsOrWhy: the clips, or why there are none. */
  #testClipsOrWhy(experiment: Experiment): TestClip[] | { unavailable: string } {
    try {
      return this.testClipsOf(experiment);
    } catch (err) {
      return { unavailable: (err as Error).message };
    }
  }

  testClipsOf(experiment: Experiment): TestClip[] {
    const dataset = this.datasets.find((d) => d.info.id === experiment.datasetId);
    if (!dataset || !experiment.metrics) throw this.#error('NOT_FOUND', `Experiment ${experiment.id} has no test predictions`);
    const labels = experiment.metrics.labels;
    const actors = experiment.split?.testActors ?? [];
    return dataset.clips
      .filter((c) => actors.includes(c.actor) && labels.includes(c.emotion))
      .map((c, i) => {
        const predicted = i % 4 === 3 ? (labels[(labels.indexOf(c.emotion) + 1) % labels.length] as Emotion) : c.emotion;
        return { clipId: c.id, datasetId: dataset.info.id, path: c.path, groundTruth: c.emotion, predicted, correct: predicted === c.emotion };
      });
  }

  /** What the fake model says: a test clip's saved label, else the truth; 0.7 on the verdict. Files of 10 s or more get windows. */
  predictionFor(experiment: Experiment, source: PredictSource, hopSec: number): Prediction {
    const labels = experiment.metrics?.labels ?? [...LABELS];
    let name: string;
    let truth: Emotion | undefined;
    let duration: number;
    let sampleRate = 48000;
    let verdict: Emotion | undefined;
    let standing: Prediction['standing'];
    let speaker: Prediction['speakerNormalization'];
    const perActor = experiment.config.features.speaker_normalization === 'per_actor';
    if (source.kind === 'clip') {
      const clip = this.#clip(source);
      // Like the engine: a per_actor model standardises an indexed clip by its actor's own clips.
      if (perActor) speaker = { mode: 'per_actor', actor: clip.actor, clips: 60, text: `normalised by actor ${String(clip.actor).padStart(2, '0')}'s own statistics (60 clips), as in the evaluation` };
      // Like the engine (actor splits): a test actor's clip is held out, any other was seen.
      const held = experiment.split?.testActors.includes(clip.actor) ?? false;
      standing = held
        ? { role: 'test', heldOut: true, text: `held out: actor ${String(clip.actor).padStart(2, '0')} was one of this model's test actors` }
        : { role: 'train', heldOut: false, text: `seen in training — optimistic: actor ${String(clip.actor).padStart(2, '0')} was one of this model's training actors` };
      name = clip.path;
      truth = clip.emotion;
      duration = clip.durationSec;
      verdict = this.testClipsOf(experiment).find((t) => t.clipId === clip.id)?.predicted;
    } else {
      const opened = this.openedFiles.get(source.fileId);
      if (!opened) throw this.#error('NOT_FOUND', 'No opened file');
      name = opened.file.name;
      truth = opened.file.groundTruth;
      duration = opened.file.durationSec;
      sampleRate = opened.file.sampleRate;
      const reason = 'the file is not an indexed clip, so its speaker is unknown';
      if (perActor) speaker = { mode: 'fallback', reason, text: `normalised by the training set's global statistics: ${reason}` };
    }
    // Like the engine: below the model's 22050 Hz analysis rate the file is out of its domain.
    const outOfDomain = sampleRate < 22050;
    const emotion = verdict ?? (truth && labels.includes(truth) ? truth : (labels[0] as Emotion));
    const probs = (top: Emotion): Record<string, number> => Object.fromEntries(labels.map((l) => [l, l === top ? 0.7 : 0.3 / (labels.length - 1)]));
    const windows =
      duration >= 10
        ? Array.from({ length: Math.floor((duration - 3) / hopSec) + 1 }, (_, i) => {
            const top = labels[Math.floor(i / 3) % labels.length] as Emotion;
            return { start: i * hopSec, end: i * hopSec + 3, emotion: top, confidence: 0.7, probabilities: probs(top) };
          })
        : [{ start: 0.5, end: 3.5, emotion, confidence: 0.7, probabilities: probs(emotion) }];
    return {
      experimentId: experiment.id,
      modelName: experiment.modelName,
      file: name,
      emotion,
      confidence: 0.7,
      probabilities: probs(emotion),
      labels: [...labels],
      ...(truth ? { groundTruth: truth } : {}),
      ...(truth && labels.includes(truth) ? { correct: truth === emotion } : {}),
      windows,
      hopSec,
      durationSec: duration,
      sampleRate,
      channels: 1,
      silent: false,
      outOfDomain,
      ...(standing ? { standing } : {}),
      ...(speaker ? { speakerNormalization: speaker } : {}),
      warnings: [
        ...(outOfDomain ? [`Out of the model's domain: the file is ${sampleRate} Hz, below the 22050 Hz the model analyses.`] : []),
        ...(speaker?.mode === 'fallback' ? [`This model normalises each speaker by their own statistics, but ${speaker.reason}: the training set's global statistics were used instead, so expect lower accuracy than its evaluation (for files of unknown speakers, a model trained with features.speaker_normalization: none does better).`] : []),
      ],
      timings: { decodeMs: 1, featuresMs: 7, modelMs: 2, totalMs: 10 },
    };
  }

  #openFile(name: string, bytes: Uint8Array): OpenedFile {
    const fileId = `file-${String(this.openedFiles.size + 1).padStart(16, '0')}`;
    const parsed = parseRavdessName(name);
    // A canonical 44-byte header (what pcm16Wav writes): the rate is at byte 24; 16 kHz mono 16-bit otherwise.
    const canonical = bytes.byteLength >= 44 && String.fromCharCode(...bytes.subarray(12, 16)) === 'fmt ';
    const sampleRate = canonical ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(24, true) : 16000;
    const file: OpenedFile = {
      fileId,
      name,
      sizeBytes: bytes.byteLength,
      durationSec: Math.max(0, (bytes.byteLength - 44) / 2 / sampleRate),
      sampleRate,
      channels: 1,
      bitDepth: 16,
      ...(parsed.ok ? { groundTruth: parsed.value.emotion } : {}),
    };
    this.openedFiles.set(fileId, { file, bytes });
    return file;
  }

  /** The experiment a train job (started through `training.start`) writes. */
  trainedExperiment(jobId: string): Experiment {
    const id = this.#trainJobs.get(jobId);
    if (id === undefined) throw new Error(`unknown train job ${jobId}`);
    return this.#experiment(id);
  }

  /** A train job's backend choice, pushed as `training.backend` (before any epoch, as the engine does). */
  trainBackend(jobId: string, selection: BackendSelection): void {
    const e = this.trainedExperiment(jobId);
    e.backend = selection.backend;
    e.backendSelection = selection;
    this.emit({ event: 'training.backend', payload: { jobId, experimentId: e.id, selection } });
  }

  /** A train job's phase before epochs (indexing, extracting features). */
  trainPhase(jobId: string, phase: string, done: number, total: number): void {
    const payload = { jobId, kind: 'train' as const, done, total, phase };
    const job = this.jobs.find((j) => j.jobId === jobId);
    if (job) job.progress = payload;
    this.emit({ event: 'job.progress', payload });
  }

  /** One epoch of a train job: stored in the run's history and pushed as `job.progress` + `training.epoch`. */
  trainEpoch(jobId: string, epoch: number, epochs: number, values: Partial<EpochLog> = {}, etaMinSeconds?: number): EpochLog {
    const e = this.trainedExperiment(jobId);
    const log: EpochLog = { epoch, loss: 1.5 - epoch * 0.1, acc: 0.3 + epoch * 0.05, valLoss: 1.6 - epoch * 0.08, valAcc: 0.25 + epoch * 0.04, lr: 0.001, seconds: 0.4, ...values };
    (e.history[0] as EpochLog[]).push(log);
    this.trainPhase(jobId, 'training', epoch, epochs);
    this.emit({
      event: 'training.epoch',
      payload: { ...log, jobId, experimentId: e.id, epochs, secondsElapsed: epoch * 0.4, etaSeconds: (epochs - epoch) * 0.4, etaMinSeconds: etaMinSeconds ?? (epochs - epoch) * 0.4 },
    });
    return log;
  }

  /** End a train job: the run gets its status (and, finished, the actor-split metrics) and `job.finished` is pushed. */
  endTraining(jobId: string, status: 'finished' | 'cancelled' | 'failed', error = 'the fake run failed'): Experiment {
    const e = this.trainedExperiment(jobId);
    this.jobs = this.jobs.filter((j) => j.jobId !== jobId);
    e.status = status;
    e.finishedAt = this.#now();
    e.split = e.split ?? fakeExperiments()[0]?.split ?? null;
    if (status === 'finished') {
      e.metrics = { labels: [...LABELS], confusion: ACTOR_CONFUSION.map((r) => [...r]), report: reportFrom(LABELS, ACTOR_CONFUSION) };
      e.artifactsDir = `/runs/${e.id}`;
      this.emit({ event: 'job.finished', payload: { jobId, kind: 'train', status, result: trainResultOf(e) } });
    } else {
      e.error = status === 'cancelled' ? 'cancelled by the user' : error;
      this.emit({ event: 'job.finished', payload: { jobId, kind: 'train', status, ...(status === 'failed' ? { error: { code: 'INTERNAL', message: error } } : {}) } });
    }
    return e;
  }

  seedDataset(root: string, clips: Clip[] = generateClips(), rejected: RejectedFile[] = []): StoredDataset {
    const id = this.datasets.length + 1;
    const now = this.#now();
    const stored: StoredDataset = {
      info: {
        id,
        root,
        name: root.split('/').filter(Boolean).pop() ?? root,
        createdAt: now,
        lastIndexedAt: clips.length > 0 ? now : null,
        clips: clips.length,
        rejected: rejected.length,
        missing: 0,
      },
      clips,
      rejected,
      missing: [],
    };
    this.datasets.push(stored);
    if (!this.folders.has(root)) this.folders.set(root, { clips, rejected });
    return stored;
  }

  #experiment(id: number): Experiment {
    const found = this.experiments.find((e) => e.id === id);
    if (!found) throw this.#error('NOT_FOUND', `No experiment with id ${id}`);
    return found;
  }

  #dataset(payload: unknown): StoredDataset {
    const { datasetId } = payload as { datasetId: number };
    const d = this.datasets.find((x) => x.info.id === datasetId);
    if (!d) throw this.#error('NOT_FOUND', `No dataset ${datasetId}`);
    return d;
  }

  #clip(payload: unknown): Clip {
    const { clipId } = payload as { datasetId: number; clipId: number };
    const clip = this.#dataset(payload).clips.find((c) => c.id === clipId);
    if (!clip) throw this.#error('NOT_FOUND', `No clip ${clipId}`);
    const failure = this.clipFailures.get(clipId);
    if (failure) throw failure;
    return clip;
  }

  #error(code: RpcError['code'], message: string): RpcError {
    return { code, message };
  }

  #now(): string {
    this.#clock += 60_000;
    return new Date(this.#clock).toISOString();
  }
}

/**
 * Deterministic features for a clip: 3 s at 22050 Hz, hop 512. The frame count depends on the clip id
 * (100 + id % 50) so a test can tell whose features are shown.
 */
export function fakeFeatures(clipId: number, nMels = 64, nMfcc = 40): ClipFeatures {
  const frames = 100 + (clipId % 50);
  const logMel = Array.from({ length: nMels * frames }, (_, i) => -80 + 80 * (1 - Math.floor(i / frames) / nMels) * ((i % frames) / frames));
  const mfcc = Array.from({ length: nMfcc * frames }, (_, i) => (Math.floor(i / frames) === 0 ? -300 : 20 * Math.sin(i / 7)));
  return {
    clipId,
    sampleRate: 22050,
    hopLength: 512,
    offsetSec: 0.5,
    durationSec: 3,
    frames,
    logMel: { rows: nMels, cols: frames, data: logMel },
    mfcc: { rows: nMfcc, cols: frames, data: mfcc },
    rms: Array.from({ length: frames }, (_, i) => 0.1 * Math.abs(Math.sin(i / 10))),
    centroidHz: Array.from({ length: frames }, (_, i) => 1500 + 500 * Math.sin(i / 12)),
  };
}

function isRpcErrorObject(value: unknown): value is RpcError {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value;
}
