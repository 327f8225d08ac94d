/** Live (Meyda) values while the clip plays: pure conversions and the update rate limit. */

/** Meyda's analysis frame: 2048 samples (~43 ms at 48 kHz). */
export const LIVE_BUFFER_SIZE = 2048;
/** Publish at most ~10 updates a second: values that change faster cannot be read anyway. */
export const LIVE_INTERVAL_MS = 100;
export const LIVE_FEATURES = ['rms', 'spectralCentroid', 'zcr', 'loudness'] as const;

export interface LiveValues {
  /** Linear RMS of the frame, 0…1. */
  rms: number;
  /** Spectral centroid in Hz. */
  centroidHz: number;
  /** Zero crossings in the frame. */
  zcr: number;
  /** Meyda's total loudness (sones, summed over Bark bands). */
  loudness: number;
}

/** What Meyda's callback hands over, as far as we read it. */
export interface MeydaFrame {
  rms?: number;
  spectralCentroid?: number;
  zcr?: number;
  loudness?: { total: number };
}

/**
 * Meyda reports the spectral centroid as an index into the FFT's bins; bin k of a `bufferSize`-point
 * FFT is at k × sampleRate / bufferSize Hz.
 */
export function binToHz(bin: number, sampleRate: number, bufferSize: number): number {
  return (bin * sampleRate) / bufferSize;
}

/** Meyda's frame as display values, or null when a value is missing. Silence has no centroid: 0 Hz. */
export function toLiveValues(frame: MeydaFrame, sampleRate: number, bufferSize = LIVE_BUFFER_SIZE): LiveValues | null {
  const { rms, spectralCentroid, zcr, loudness } = frame;
  if (rms === undefined || spectralCentroid === undefined || zcr === undefined || loudness === undefined) return null;
  const centroid = Number.isFinite(spectralCentroid) ? binToHz(spectralCentroid, sampleRate, bufferSize) : 0;
  return { rms, centroidHz: centroid, zcr, loudness: Number.isFinite(loudness.total) ? loudness.total : 0 };
}

/** Lets a call through at most once per `intervalMs`. */
export class RateLimiter {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #last = Number.NEGATIVE_INFINITY;

  constructor(intervalMs: number, now: () => number = () => performance.now()) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** True (and the window restarts) when at least `intervalMs` passed since the last true. */
  take(): boolean {
    const now = this.#now();
    if (now - this.#last < this.#intervalMs) return false;
    this.#last = now;
    return true;
  }

  reset(): void {
    this.#last = Number.NEGATIVE_INFINITY;
  }
}
