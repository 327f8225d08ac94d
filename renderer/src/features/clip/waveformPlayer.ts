/**
 * The wavesurfer.js adapter behind `Waveform.svelte`: one waveform of a blob with the Spectrogram
 * plugin under it and the Regions plugin for a shaded span, driven through a small interface. It plays
 * through its own `<audio>` element (handed out with the play events, for live analysis).
 *
 * wavesurfer and its plugins are imported on first use, so they load with the Clip view only. Tests
 * replace this module (jsdom has neither canvas nor media decoding).
 */
import type WaveSurfer from 'wavesurfer.js';
import type RegionsPlugin from 'wavesurfer.js/dist/plugins/regions.esm.js';
import { errorMessage, isAbortError } from '../../lib/errors';
import type { TimeSpan } from './clipStore.svelte';

export interface WaveformEvents {
  onReady: (durationSec: number) => void;
  onTime: (seconds: number) => void;
  onPlayingChange: (playing: boolean, media: HTMLMediaElement) => void;
  onError: (message: string) => void;
}

export interface WaveformOptions {
  container: HTMLElement;
  blob: Blob;
  height: number;
  spectrogramHeight: number;
  events: WaveformEvents;
}

/** A shaded span of the waveform with its caption and colour (CSS). */
export interface ShadedSpan extends TimeSpan {
  label: string;
  color: string;
}

export interface WaveformPlayer {
  readonly media: HTMLMediaElement;
  playPause(): Promise<void>;
  pause(): void;
  /** 1 = the whole clip fits the visible width. Only once ready. */
  zoom(factor: number): void;
  /** Shade spans (replacing any before): the analysed window, a prediction's windows. Only once ready. */
  setRegions(spans: readonly ShadedSpan[]): void;
  destroy(): void;
}

/** Decoding rate for the peaks and the spectrogram: shows 0–11 kHz, the features' analysis band. */
const DECODE_RATE = 22050;

type RegionsApi = ReturnType<typeof RegionsPlugin.create>;

/** Create the player and start loading `blob`; readiness and failures arrive through `events`. */
export async function createWaveformPlayer(options: WaveformOptions): Promise<WaveformPlayer> {
  const [{ default: WaveSurferClass }, { default: Spectrogram }, { default: Regions }] = await Promise.all([
    import('wavesurfer.js'),
    import('wavesurfer.js/dist/plugins/spectrogram.esm.js'),
    import('wavesurfer.js/dist/plugins/regions.esm.js'),
  ]);
  const { events } = options;
  const media = document.createElement('audio');
  media.preload = 'auto';
  const regions: RegionsApi = Regions.create();
  const ws: WaveSurfer = WaveSurferClass.create({
    container: options.container,
    media,
    height: options.height,
    sampleRate: DECODE_RATE,
    waveColor: '#a9acef',
    progressColor: '#4f46e5',
    cursorColor: '#1d2127',
    cursorWidth: 2,
    normalize: true,
    dragToSeek: true,
    plugins: [
      regions,
      Spectrogram.create({
        height: options.spectrogramHeight,
        labels: true,
        labelsBackground: 'rgba(0, 0, 0, 0.35)',
        scale: 'mel',
        fftSamples: 512,
        frequencyMax: DECODE_RATE / 2,
      }),
    ],
  });
  let destroyed = false;
  let ready = false;

  ws.on('ready', (duration) => {
    ready = true;
    events.onReady(duration);
  });
  ws.on('timeupdate', (time) => events.onTime(time));
  ws.on('play', () => events.onPlayingChange(true, media));
  ws.on('pause', () => events.onPlayingChange(false, media));
  ws.on('finish', () => events.onPlayingChange(false, media));
  ws.on('error', (err) => {
    if (!destroyed) events.onError(`The audio could not be played: ${err.message}`);
  });
  ws.loadBlob(options.blob).catch((err: unknown) => {
    if (!destroyed && !isAbortError(err)) events.onError(`The audio could not be loaded: ${errorMessage(err)}`);
  });

  return {
    media,
    playPause: () => ws.playPause(),
    pause: () => ws.pause(),
    zoom(factor) {
      if (!ready) return;
      const duration = ws.getDuration();
      const width = ws.getWidth();
      if (duration > 0 && width > 0) ws.zoom((factor * width) / duration);
    },
    setRegions(spans) {
      if (!ready) return;
      regions.clearRegions();
      for (const span of spans) {
        if (span.end <= span.start) continue;
        const region = regions.addRegion({ start: span.start, end: span.end, color: span.color, drag: false, resize: false, content: span.label });
        // Let clicks through to the waveform, so seeking works inside a span too.
        if (region.element) region.element.style.pointerEvents = 'none';
      }
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      // A media element we passed in is ours to stop: wavesurfer leaves it alone.
      media.pause();
      ws.destroy();
    },
  };
}
