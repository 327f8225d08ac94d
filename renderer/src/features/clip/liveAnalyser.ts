/**
 * Live Meyda analysis of the player's audio element. Web Audio is built lazily:
 * - the `AudioContext` is created (or resumed) by `unlock()`, which the caller runs inside the user's
 *   Play gesture (autoplay policy);
 * - each media element gets exactly one `MediaElementAudioSourceNode` (a second
 *   `createMediaElementSource` on the same element throws); once routed through the graph the
 *   element is only heard via `source → destination`, so that connection is made at once;
 * - one Meyda analyser per context listens to a gain node `tap`; `start(media)` connects the element's
 *   source to the tap and `stop()` disconnects it, so nothing is analysed while paused.
 * Results are rate-limited to ~10 per second.
 */
import type Meyda from 'meyda';
import { errorMessage } from '../../lib/errors';
import {
  LIVE_BUFFER_SIZE,
  LIVE_FEATURES,
  LIVE_INTERVAL_MS,
  RateLimiter,
  toLiveValues,
  type LiveValues,
  type MeydaFrame,
} from './liveValues';

type Analyzer = ReturnType<typeof Meyda.createMeydaAnalyzer>;

export interface LiveAnalyserCallbacks {
  onValues: (values: LiveValues) => void;
  onError: (message: string) => void;
}

export class LiveAnalyser {
  readonly #callbacks: LiveAnalyserCallbacks;
  readonly #limiter = new RateLimiter(LIVE_INTERVAL_MS);
  readonly #sources = new WeakMap<HTMLMediaElement, MediaElementAudioSourceNode>();
  #context: AudioContext | null = null;
  #tap: GainNode | null = null;
  #analyzer: Analyzer | null = null;
  #connected: MediaElementAudioSourceNode | null = null;
  /** Bumped by `stop()`/`dispose()` so a `start()` still awaiting Meyda does not connect afterwards. */
  #generation = 0;
  #disposed = false;

  constructor(callbacks: LiveAnalyserCallbacks) {
    this.#callbacks = callbacks;
  }

  /** Create or resume the audio context. Call synchronously from the Play click or key press. */
  unlock(): void {
    if (this.#disposed || typeof AudioContext === 'undefined') return;
    try {
      this.#context ??= new AudioContext();
      if (this.#context.state === 'suspended') void this.#context.resume();
    } catch (err) {
      this.#callbacks.onError(`Live analysis is unavailable: ${errorMessage(err)}`);
    }
  }

  /** Analyse `media` until `stop()`. Does nothing before `unlock()` (no context yet). */
  async start(media: HTMLMediaElement): Promise<void> {
    const context = this.#context;
    if (this.#disposed || context === null) return;
    const generation = ++this.#generation;
    try {
      const { default: meyda } = await import('meyda');
      if (generation !== this.#generation || this.#disposed) return;
      const source = this.#sourceFor(context, media);
      if (this.#analyzer === null) {
        this.#tap = context.createGain();
        this.#analyzer = meyda.createMeydaAnalyzer({
          audioContext: context,
          source: this.#tap,
          bufferSize: LIVE_BUFFER_SIZE,
          featureExtractors: [...LIVE_FEATURES],
          callback: (frame: MeydaFrame) => this.#onFrame(frame, context.sampleRate),
        });
      }
      this.#disconnect();
      if (this.#tap) source.connect(this.#tap);
      this.#connected = source;
      this.#limiter.reset();
      this.#analyzer.start();
    } catch (err) {
      this.#callbacks.onError(`Live analysis is unavailable: ${errorMessage(err)}`);
    }
  }

  stop(): void {
    this.#generation++;
    this.#analyzer?.stop();
    this.#disconnect();
  }

  /** Forget an element that is being discarded (the clip changed or the player unmounted). */
  release(media: HTMLMediaElement): void {
    const source = this.#sources.get(media);
    if (!source) return;
    if (this.#connected === source) this.stop();
    source.disconnect();
    this.#sources.delete(media);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.stop();
    this.#disposed = true;
    this.#tap?.disconnect();
    this.#analyzer = null;
    this.#tap = null;
    const context = this.#context;
    this.#context = null;
    if (context && context.state !== 'closed') void context.close().catch(() => {});
  }

  #sourceFor(context: AudioContext, media: HTMLMediaElement): MediaElementAudioSourceNode {
    let source = this.#sources.get(media);
    if (!source) {
      source = context.createMediaElementSource(media);
      source.connect(context.destination);
      this.#sources.set(media, source);
    }
    return source;
  }

  #disconnect(): void {
    const source = this.#connected;
    this.#connected = null;
    if (source && this.#tap) {
      try {
        source.disconnect(this.#tap);
      } catch {
        // Already disconnected.
      }
    }
  }

  #onFrame(frame: MeydaFrame, sampleRate: number): void {
    if (this.#connected === null || !this.#limiter.take()) return;
    const values = toLiveValues(frame, sampleRate);
    if (values) this.#callbacks.onValues(values);
  }
}
