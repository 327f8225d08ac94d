/**
 * Stands in for `waveformPlayer.ts` (wavesurfer.js) in jsdom, which has neither canvas nor media
 * decoding. It reports "ready" with a 4 s duration, toggles playback on `playPause`, and writes what it
 * was given onto its container (`data-testid="fake-wavesurfer"`) for assertions.
 */
import type { WaveformOptions, WaveformPlayer } from '../../renderer/src/features/clip/waveformPlayer';

export const FAKE_DURATION = 4;

/** Every player created, newest last. */
export const created: Array<{ options: WaveformOptions; destroyed: boolean }> = [];

export async function createWaveformPlayer(options: WaveformOptions): Promise<WaveformPlayer> {
  const record = { options, destroyed: false };
  created.push(record);
  const { container, blob, events } = options;
  container.dataset.testid = 'fake-wavesurfer';
  container.dataset.blobSize = String(blob.size);
  container.dataset.blobType = blob.type;
  const media = document.createElement('audio');
  let playing = false;
  queueMicrotask(() => {
    if (!record.destroyed) events.onReady(FAKE_DURATION);
  });
  return {
    media,
    async playPause() {
      playing = !playing;
      events.onPlayingChange(playing, media);
      if (playing) events.onTime(1.25);
    },
    pause() {
      if (!playing) return;
      playing = false;
      events.onPlayingChange(false, media);
    },
    zoom(factor) {
      container.dataset.zoom = String(factor);
    },
    setRegions(spans) {
      container.dataset.regions = spans.map((span) => `${span.label}:${span.start}-${span.end}`).join(' ');
    },
    destroy() {
      record.destroyed = true;
    },
  };
}
