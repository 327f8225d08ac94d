/**
 * State of the Clip view: which clip is open, what the engine sent for it (the indexed row, the WAV
 * bytes, the features), the player's state as the waveform reports it, live analysis values, and
 * user-visible errors. The three loads run in parallel and each part shows as soon as it arrives;
 * a response for a clip that is no longer the open one is dropped.
 */
import type { Client } from '../../../../shared/client';
import type { Clip } from '../../../../shared/dataset';
import type { ClipAudio, ClipFeatures } from '../../../../shared/features';
import { toViewError, type ViewError } from '../../lib/api/errors';
import { clipAudioBlob } from '../../lib/audio/base64';
import { Latest } from '../../lib/latest';
import { uploadFile } from '../../../../shared/upload';
import type { OpenedFile, PredictSource } from '../../../../shared/prediction';
import { fileName } from '../../lib/format';
import type { LiveValues } from './liveValues';

export interface ClipRef {
  datasetId: number;
  clipId: number;
}

export interface TimeSpan {
  start: number;
  end: number;
}

type Part = 'clip' | 'audio' | 'features';

/** Zoom is a factor of "the whole clip fits the width". */
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 20;
export const ZOOM_STEP = 1.5;

export function clampZoom(zoom: number): number {
  if (!Number.isFinite(zoom)) return MIN_ZOOM;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** The analysed window within a recording of `durationSec` (the engine pads past the end with silence). */
export function analysedSpan(features: Pick<ClipFeatures, 'offsetSec' | 'durationSec'>, durationSec: number | null): TimeSpan {
  const start = Math.max(0, features.offsetSec);
  const end = start + Math.max(0, features.durationSec);
  return durationSec !== null && durationSec > 0 ? { start: Math.min(start, durationSec), end: Math.min(end, durationSec) } : { start, end };
}

export class ClipStore {
  readonly #client: Client;

  ref = $state.raw<ClipRef | null>(null);
  clip = $state.raw<Clip | null>(null);
  /** An audio file opened from disk or uploaded instead of an indexed clip (then `ref` is null). */
  file = $state.raw<OpenedFile | null>(null);
  /** Why the last open/upload failed. */
  openError = $state.raw<ViewError | null>(null);
  opening = $state(false);
  /** The clip's WAV file, for the player. */
  audio = $state.raw<Blob | null>(null);
  features = $state.raw<ClipFeatures | null>(null);

  loadingClip = $state(false);
  loadingAudio = $state(false);
  loadingFeatures = $state(false);
  clipError = $state.raw<ViewError | null>(null);
  audioError = $state.raw<ViewError | null>(null);
  featuresError = $state.raw<ViewError | null>(null);

  /** Player state, as the waveform reports it. */
  ready = $state(false);
  playing = $state(false);
  currentTime = $state(0);
  duration = $state(0);
  zoom = $state(MIN_ZOOM);
  playerError = $state<string | null>(null);

  live = $state.raw<LiveValues | null>(null);
  liveError = $state<string | null>(null);

  readonly title = $derived(this.clip ? fileName(this.clip.path) : (this.file?.name ?? null));
  /** What is open, as the prediction calls name it. */
  readonly source = $derived.by((): PredictSource | null => {
    if (this.ref) return { kind: 'clip', datasetId: this.ref.datasetId, clipId: this.ref.clipId };
    return this.file ? { kind: 'file', fileId: this.file.fileId } : null;
  });
  /** Seconds of the recording the features were computed from. */
  readonly analysedWindow = $derived(
    this.features ? analysedSpan(this.features, this.duration > 0 ? this.duration : (this.clip?.durationSec ?? null)) : null,
  );

  readonly #loads: Record<Part, Latest> = { clip: new Latest(), audio: new Latest(), features: new Latest() };

  constructor(client: Client) {
    this.#client = client;
  }

  /** Open a clip (reopening the open one keeps it as it is, unless something failed to load). */
  async open(datasetId: number, clipId: number): Promise<void> {
    const same = this.ref?.datasetId === datasetId && this.ref.clipId === clipId;
    if (same && !this.clipError && !this.audioError && !this.featuresError) return;
    const ref = { datasetId, clipId };
    this.ref = ref;
    this.file = null;
    this.openError = null;
    this.clip = null;
    this.audio = null;
    this.features = null;
    this.clipError = null;
    this.audioError = null;
    this.featuresError = null;
    this.#resetPlayer();
    await Promise.all([this.#loadClip(ref), this.#loadAudio(ref), this.#loadFeatures(ref)]);
  }

  /** Open a file the engine has registered (chosen or uploaded): its audio plays and its features are drawn. */
  async openFile(file: OpenedFile): Promise<void> {
    this.close();
    this.file = file;
    await Promise.all([this.#loadFileAudio(file), this.#loadFileFeatures(file)]);
  }

  /** Send a WAV picked in the browser (file input, drag-and-drop) to the engine and open it. */
  async openUpload(upload: File): Promise<void> {
    await this.#opening(() => uploadFile(this.#client, upload));
  }

  /** The host's file picker (desktop app). */
  async chooseFile(): Promise<void> {
    await this.#opening(async () => (await this.#client.call('files.choose', {})).file);
  }

  dismissOpenError(): void {
    this.openError = null;
  }

  /** Load again whatever failed for the open clip. */
  async retry(): Promise<void> {
    const ref = this.ref;
    if (!ref) {
      const file = this.file;
      if (!file) return;
      const tasks: Array<Promise<void>> = [];
      if (this.audioError || this.playerError) {
        this.#resetPlayer();
        tasks.push(this.#loadFileAudio(file));
      }
      if (this.featuresError) tasks.push(this.#loadFileFeatures(file));
      await Promise.all(tasks);
      return;
    }
    const tasks: Array<Promise<void>> = [];
    if (this.clipError) tasks.push(this.#loadClip(ref));
    if (this.audioError || this.playerError) {
      this.#resetPlayer();
      tasks.push(this.#loadAudio(ref));
    }
    if (this.featuresError) tasks.push(this.#loadFeatures(ref));
    await Promise.all(tasks);
  }

  close(): void {
    for (const load of Object.values(this.#loads)) load.invalidate();
    this.ref = null;
    this.file = null;
    this.clip = null;
    this.audio = null;
    this.features = null;
    this.clipError = null;
    this.audioError = null;
    this.featuresError = null;
    this.loadingClip = false;
    this.loadingAudio = false;
    this.loadingFeatures = false;
    this.#resetPlayer();
  }

  // --- Player reports (from the Waveform component) ---

  playerReady(duration: number): void {
    this.ready = true;
    this.duration = duration;
    this.playerError = null;
  }

  playerTime(seconds: number): void {
    this.currentTime = seconds;
  }

  playerPlaying(playing: boolean): void {
    this.playing = playing;
  }

  playerFailed(message: string): void {
    this.playerError = message;
    this.playing = false;
  }

  /** The player went away (view closed or clip changed): nothing plays, and a new one starts at 0. */
  playerGone(): void {
    this.ready = false;
    this.playing = false;
    this.currentTime = 0;
  }

  setZoom(zoom: number): void {
    this.zoom = clampZoom(zoom);
  }

  zoomIn(): void {
    this.setZoom(this.zoom * ZOOM_STEP);
  }

  zoomOut(): void {
    this.setZoom(this.zoom / ZOOM_STEP);
  }

  setLive(values: LiveValues): void {
    this.live = values;
  }

  setLiveError(message: string): void {
    this.liveError = message;
  }

  #resetPlayer(): void {
    this.ready = false;
    this.playing = false;
    this.currentTime = 0;
    this.duration = 0;
    this.playerError = null;
    this.live = null;
    this.liveError = null;
  }

  async #loadClip(ref: ClipRef): Promise<void> {
    this.loadingClip = true;
    this.clipError = null;
    await this.#loads.clip.run(() => this.#client.call('clip.get', ref), {
      value: (clip) => (this.clip = clip),
      error: (err) => (this.clipError = toViewError(err)),
      settled: () => (this.loadingClip = false),
    });
  }

  #loadAudio(ref: ClipRef): Promise<void> {
    return this.#loadAudioFrom(() => this.#client.call('clip.audio', ref));
  }

  #loadFileAudio(file: OpenedFile): Promise<void> {
    return this.#loadAudioFrom(() => this.#client.call('files.audio', { fileId: file.fileId }));
  }

  async #loadAudioFrom(fetch: () => Promise<ClipAudio>): Promise<void> {
    this.loadingAudio = true;
    this.audioError = null;
    this.audio = null;
    await this.#loads.audio.run(fetch, {
      value: (audio) => (this.audio = clipAudioBlob(audio)),
      error: (err) => (this.audioError = toViewError(err)),
      settled: () => (this.loadingAudio = false),
    });
  }

  async #opening(open: () => Promise<OpenedFile | null>): Promise<void> {
    this.opening = true;
    this.openError = null;
    try {
      const file = await open();
      if (file) await this.openFile(file);
    } catch (err) {
      this.openError = toViewError(err);
    } finally {
      this.opening = false;
    }
  }

  #loadFeatures(ref: ClipRef): Promise<void> {
    return this.#loadFeaturesFrom(() => this.#client.call('clip.features', ref));
  }

  /** An opened file's features: computed by the engine with the same config as an indexed clip's (not cached). */
  #loadFileFeatures(file: OpenedFile): Promise<void> {
    return this.#loadFeaturesFrom(() => this.#client.call('files.features', { fileId: file.fileId }));
  }

  async #loadFeaturesFrom(fetch: () => Promise<ClipFeatures>): Promise<void> {
    this.loadingFeatures = true;
    this.featuresError = null;
    await this.#loads.features.run(fetch, {
      value: (features) => (this.features = features),
      error: (err) => (this.featuresError = toViewError(err)),
      settled: () => (this.loadingFeatures = false),
    });
  }
}
