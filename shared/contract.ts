/**
 * The one typed contract between the engine and every front end (Electron IPC, browser mode over
 * WebSocket, tests). Transports are generic over `METHODS` and `EVENTS`: adding a method here is the
 * only change a transport ever needs — none.
 *
 * Each method has a zod schema for its input (validated on the engine side before any handler runs)
 * and a phantom output type. Events are pushed engine → front end.
 */
import { z } from 'zod';
import type { Clip, DatasetInfo, DatasetSummary, IndexResult } from './dataset';
import type { ClipAudio, ClipFeatures, ExtractResult } from './features';
import { configSchema } from './config';
import type { BackendSelection, EpochEvent, Experiment, ExperimentArchive, ExperimentComparison, TrainResult } from './experiments';
import type { RpcError } from './errors';
import { MAX_UPLOAD_BYTES, UPLOAD_CHUNK_BYTES, type OpenedFile, type Prediction, type TestClip } from './prediction';

interface MethodSpec<I extends z.ZodType, O> {
  input: I;
  /** Phantom: carries the output type only. */
  readonly _output?: O;
}

/** `method<Output>()(inputSchema)` — the output is a type, the input a runtime schema. */
function method<O>() {
  return <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input });
}

const empty = z.object({}).strict();
const datasetId = z.number().int().positive();
const clipRef = z.object({ datasetId, clipId: z.number().int().positive() }).strict();
const experimentId = z.number().int().positive();
const jobId = z.string().regex(/^job-[0-9a-z-]{1,64}$/, 'a job id like "job-1"');
const fileId = z.string().regex(/^file-[0-9a-f]{16}$/, 'a file id like "file-0123456789abcdef"');
const uploadId = z.string().regex(/^upload-[0-9a-f]{16}$/, 'an upload id like "upload-0123456789abcdef"');
/** A filesystem path as typed or chosen by the user. Existence is checked by the engine. */
const userPath = z
  .string()
  .min(1, 'a path is required')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

export type HostMode = 'electron' | 'browser' | 'cli';

export interface AppInfo {
  version: string;
  mode: HostMode;
  /** True when the host can show a native folder picker (`dataset.chooseFolder`). */
  nativeDialogs: boolean;
  /** True when the host can open a folder in the system file manager (`experiments.openFolder`). */
  nativeOpen: boolean;
  dbPath: string;
}

export type JobKind = 'index' | 'extract' | 'train';
export interface JobResults {
  index: IndexResult;
  extract: ExtractResult;
  train: TrainResult;
}

export interface JobProgress {
  jobId: string;
  kind: JobKind;
  done: number;
  total: number;
  phase: string;
}

export type JobEndStatus = 'finished' | 'cancelled' | 'failed';

export type JobFinished = {
  [K in JobKind]: {
    jobId: string;
    kind: K;
    status: JobEndStatus;
    /** Present when the job produced a result (finished, or cancelled with partial work kept). */
    result?: JobResults[K];
    /** Present when status is `failed`. */
    error?: RpcError;
  };
}[JobKind];

export interface JobState {
  jobId: string;
  kind: JobKind;
  startedAt: string;
  progress: JobProgress | null;
  /** Free-form, human-readable subject of the job (e.g. the folder being indexed). */
  subject: string;
  /** Train jobs, once the run's experiment row exists: its id (curves so far come from `experiments.get`). */
  experimentId?: number;
}

export const METHODS = {
  'app.ping': method<{ pong: true; time: number }>()(empty),
  'app.info': method<AppInfo>()(empty),

  /** Native folder picker; `UNSUPPORTED` where the host has none (browser mode). */
  'dataset.chooseFolder': method<{ root: string | null }>()(empty),
  /** Index (or re-index) a RAVDESS folder as a job; progress and result arrive as job events. */
  'dataset.startIndex': method<{ jobId: string }>()(z.object({ root: userPath }).strict()),
  'dataset.list': method<DatasetInfo[]>()(empty),
  'dataset.summary': method<DatasetSummary>()(z.object({ datasetId }).strict()),
  'dataset.clips': method<Clip[]>()(z.object({ datasetId }).strict()),

  /** One indexed clip. Clips are addressed by id only: the renderer never names a file path. */
  'clip.get': method<Clip>()(clipRef),
  /** The clip's WAV bytes, for the player. */
  'clip.audio': method<ClipAudio>()(clipRef),
  /** The clip's features (from the cache, extracted on demand) for the Clip view's plots. */
  'clip.features': method<ClipFeatures>()(clipRef),

  /** Extract (or refresh from cache) every usable clip's features as a job. */
  'features.startExtract': method<{ jobId: string }>()(z.object({ datasetId }).strict()),

  /**
   * Train one experiment as a job; epochs arrive as `training.epoch`. With `reindex`, the dataset's folder
   * is re-indexed first (phase `indexing`, incremental); features are extracted first where not cached.
   */
  'training.start': method<{ jobId: string }>()(
    z
      .object({ datasetId, config: configSchema, name: z.string().trim().min(1).max(120).optional(), reindex: z.boolean().optional() })
      .strict(),
  ),
  'experiments.list': method<Experiment[]>()(empty),
  'experiments.get': method<Experiment>()(z.object({ id: z.number().int().positive() }).strict()),
  /** 2–4 experiments side by side: config diff, metrics, per-class table with best values, warnings. */
  'experiments.compare': method<ExperimentComparison>()(
    z.object({ ids: z.array(z.number().int().positive()).min(2, 'at least 2 experiments').max(4, 'at most 4 experiments') }).strict(),
  ),
  /** Rename a run and/or replace its notes; answers the updated run. */
  'experiments.update': method<Experiment>()(
    z
      .object({
        id: experimentId,
        name: z.string().trim().min(1, 'a name is required').max(120, 'a name is at most 120 characters').optional(),
        notes: z.string().max(10_000, 'notes are at most 10000 characters').optional(),
      })
      .strict()
      .refine((p) => p.name !== undefined || p.notes !== undefined, 'give a name or notes to change'),
  ),
  /**
   * Delete a run that is not running (`BUSY` otherwise) with its artifact folder, when that lies inside
   * the engine's artifacts root. The row goes first (with the folder moved aside in the same
   * transaction); if the folder then cannot be removed, the error names what is left.
   */
  'experiments.delete': method<{ deleted: true }>()(z.object({ id: experimentId }).strict()),
  /** Show the run's artifact folder in the system file manager; `UNSUPPORTED` where the host has none (browser mode). */
  'experiments.openFolder': method<{ opened: true }>()(z.object({ id: experimentId }).strict()),
  /** The run's artifact folder as a .zip (base64), for download. */
  'experiments.archive': method<ExperimentArchive>()(z.object({ id: experimentId }).strict()),

  /** Native file picker for a WAV to open (Electron); `UNSUPPORTED` in browser mode, which uploads instead. */
  'files.choose': method<{ file: OpenedFile | null }>()(empty),
  /**
   * A WAV sent by the renderer (browser mode's file input; drag-and-drop), in three steps so that no
   * message is large: `uploadStart` names it and its size, `uploadChunk` appends up to
   * `UPLOAD_CHUNK_BYTES` at a time, in order, straight to disk, `uploadFinish` checks and opens it.
   */
  'files.uploadStart': method<{ uploadId: string }>()(
    z
      .object({
        name: z
          .string()
          .min(1, 'a file name is required')
          .max(255, 'file name is longer than 255 characters')
          .refine((n) => !/[/\\\0]/.test(n) && n !== '.' && n !== '..', 'a file name, not a path'),
        sizeBytes: z
          .number()
          .int()
          .min(1, 'the file is empty')
          .max(MAX_UPLOAD_BYTES, `file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`),
      })
      .strict(),
  ),
  'files.uploadChunk': method<{ received: number }>()(
    z
      .object({
        uploadId,
        /** Where this chunk starts: exactly the bytes received so far. */
        offset: z.number().int().min(0),
        base64: z
          .string()
          .min(1, 'an empty chunk')
          .max(Math.ceil(UPLOAD_CHUNK_BYTES / 3) * 4, `a chunk is at most ${UPLOAD_CHUNK_BYTES / 1024} KiB`)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 data'),
      })
      .strict(),
  ),
  'files.uploadFinish': method<OpenedFile>()(z.object({ uploadId }).strict()),
  /** An opened file's bytes, for the player. */
  'files.audio': method<ClipAudio>()(z.object({ fileId }).strict()),
  /** An opened file's features for the Clip view's plots: the same pipeline and config as `clip.features` (not cached). */
  'files.features': method<ClipFeatures>()(z.object({ fileId }).strict()),
  /**
   * What a trained model says about an indexed clip or an opened file: the experiment's own preprocessing,
   * features, scaler and labels; long clips in sliding windows every `hopSec`. Without `experimentId`, the
   * latest finished experiment answers.
   */
  'predict.clip': method<Prediction>()(
    z
      .object({
        experimentId: z.number().int().positive().optional(),
        source: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('clip'), datasetId, clipId: z.number().int().positive() }).strict(),
          z.object({ kind: z.literal('file'), fileId }).strict(),
        ]),
        hopSec: z.number().min(0.1).max(30).optional(),
      })
      .strict(),
  ),
  /** An experiment's test clips with the label its evaluation gave each (from test_predictions.json). */
  'experiments.testClips': method<TestClip[]>()(z.object({ id: z.number().int().positive() }).strict()),

  'jobs.list': method<JobState[]>()(empty),
  'jobs.cancel': method<{ cancelled: boolean }>()(z.object({ jobId }).strict()),
} as const;

/** Phantom: an event's payload is a type only (events are pushed by the engine, never validated inbound). */
interface EventSpec<P> {
  readonly _payload?: P;
}
const event = <P>(): EventSpec<P> => ({});

/**
 * Every event the engine pushes, declared once: the names (for the preload's filter and the transports)
 * and the payload types both come from this object, so they cannot disagree.
 */
export const EVENT_SPECS = {
  'job.progress': event<JobProgress>(),
  'job.finished': event<JobFinished>(),
  'training.epoch': event<EpochEvent>(),
  /** Once per run, before any work: the backend it trains on and why faster ones were skipped. */
  'training.backend': event<TrainingBackendEvent>(),
} as const;

export interface TrainingBackendEvent {
  jobId: string;
  experimentId: number;
  selection: BackendSelection;
}

export type EventPayloads = { [E in keyof typeof EVENT_SPECS]: NonNullable<(typeof EVENT_SPECS)[E]['_payload']> };

export const EVENTS = Object.keys(EVENT_SPECS) as Array<keyof typeof EVENT_SPECS>;

export type Methods = typeof METHODS;
export type MethodName = keyof Methods;
export type EventName = keyof EventPayloads;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = NonNullable<Methods[M]['_output']>;

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(METHODS, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(EVENT_SPECS, name);
}

/** An event as it travels over any transport. */
export type EventMessage = { [E in EventName]: { event: E; payload: EventPayloads[E] } }[EventName];

/** The Electron IPC channel of a method: derived, never written by hand. */
export const ipcChannel = (name: MethodName): string => `es:${name}`;
export const IPC_EVENT_CHANNEL = 'es:event';
