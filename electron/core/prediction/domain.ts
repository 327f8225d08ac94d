/**
 * Is a file within what the model was trained on? A model trained on RAVDESS (48 kHz studio speech,
 * 3–4 s takes, normal levels) still answers for 8 kHz telephone audio, a whisper or a one-second clip,
 * and often confidently: these checks say when such an answer should not be read as evidence.
 */
import type { AudioOptions } from '../extraction/featureConfig';

/** Peak level (dBFS, before normalisation) below which audio counts as very quiet (but not silent). */
export const QUIET_DBFS = -45;
/** Less real audio than this share of the model's window (the rest padded with silence) is out of domain. */
export const MIN_WINDOW_FILL = 0.5;

export interface DomainInput {
  /** The file's own sample rate. */
  sampleRate: number;
  durationSec: number;
  /** Real audio inside the (first) analysed window, in seconds. */
  audioInWindowSec: number;
  /** Highest peak over the windows that were heard (linear, before normalisation); null when all were silent. */
  peak: number | null;
}

const kHz = (hz: number): string => `${Number((hz / 1000).toFixed(2))} kHz`;

/** One sentence per way the input falls outside the model's domain; empty when it is within. */
export function domainWarnings(input: DomainInput, audio: AudioOptions): string[] {
  const out: string[] = [];
  if (input.sampleRate < audio.sampleRate) {
    out.push(
      `Out of the model's domain: the file is ${input.sampleRate} Hz, below the ${audio.sampleRate} Hz the model analyses, so it has nothing above ${kHz(input.sampleRate / 2)} where the training audio had sound up to ${kHz(audio.sampleRate / 2)}. Read the verdict as unreliable.`,
    );
  }
  if (input.audioInWindowSec < MIN_WINDOW_FILL * audio.durationSec) {
    const share = Math.round((1 - input.audioInWindowSec / audio.durationSec) * 100);
    out.push(
      `Out of the model's domain: only ${input.audioInWindowSec.toFixed(2)} s of audio fall in the model's ${audio.durationSec} s window (${share} % of it is silence padding); the training clips filled it.`,
    );
  }
  if (input.peak !== null && input.peak > 0) {
    const dbfs = 20 * Math.log10(input.peak);
    if (dbfs < QUIET_DBFS) {
      out.push(
        `Out of the model's domain: the audio is very quiet (peak ${dbfs.toFixed(0)} dBFS, below ${QUIET_DBFS} dBFS); level normalisation lifts its noise far above anything in the training clips.`,
      );
    }
  }
  return out;
}
