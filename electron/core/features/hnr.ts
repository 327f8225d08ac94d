/**
 * Harmonics-to-noise ratio by autocorrelation (Boersma 1993, "Accurate short-term analysis of the
 * fundamental frequency and the harmonics-to-noise ratio of a sampled sound", IFA Proceedings 17): per
 * voiced frame, the Hann-windowed frame's normalised autocorrelation divided by the window's own
 * (which undoes the taper's bias), r′(τ) = (r_x(τ) / r_x(0)) / (r_w(τ) / r_w(0)), maximised near the
 * period the pitch track gives (±10 %, refined by a parabola), and HNR = 10·log10(r′ / (1 − r′)) dB.
 * For a periodic signal plus white noise r′(T0) = P_harmonic / (P_harmonic + P_noise), so this is the
 * ratio of the two powers. Unvoiced frames are NaN.
 */
import { fftAutocorrelation } from './dsp';
import type { PitchTrack } from './pitch';

export interface HnrOptions {
  sampleRate: number;
  /** Frame length and hop: those of the pitch track (centred frames, zero padding). Defaults 2048 / 512. */
  frameLength?: number;
  hopLength?: number;
}

/** r′ is kept within [1e-6, 1 − 1e-6], so HNR stays within ±60 dB (a perfectly periodic frame is not Infinity). */
const MAX_R = 1 - 1e-6;

/** HNR in dB per frame of `pitch` (NaN where unvoiced or silent). */
export function harmonicsToNoiseRatio(samples: Float32Array, pitch: PitchTrack, options: HnrOptions): Float32Array {
  const { sampleRate: sr, frameLength = 2048, hopLength = 512 } = options;
  const padded = new Float32Array((pitch.frames - 1) * hopLength + frameLength);
  padded.set(samples.subarray(0, Math.min(samples.length, padded.length - frameLength / 2)), frameLength / 2);
  const autocorrelation = fftAutocorrelation(frameLength);
  const window = Float64Array.from({ length: frameLength }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / frameLength));
  const maxLag = frameLength / 2;
  // A copy: the autocorrelation's buffer is reused by the frames' calls.
  const rw = Float64Array.from(autocorrelation(window));
  const out = new Float32Array(pitch.frames).fill(Number.NaN);
  const frame = new Float64Array(frameLength);
  for (let t = 0; t < pitch.frames; t++) {
    const f0 = pitch.f0Hz[t] as number;
    if (!pitch.voiced[t] || !(f0 > 0)) continue;
    const start = t * hopLength;
    let mean = 0;
    for (let i = 0; i < frameLength; i++) mean += padded[start + i] as number;
    mean /= frameLength;
    for (let i = 0; i < frameLength; i++) frame[i] = ((padded[start + i] as number) - mean) * (window[i] as number);
    const rx = autocorrelation(frame);
    const r0 = rx[0] as number;
    if (!(r0 > 0)) continue;
    const normalised = (lag: number): number => (rx[lag] as number) / r0 / ((rw[lag] as number) / (rw[0] as number));
    const period = sr / f0;
    const lo = Math.max(2, Math.floor(period * 0.9));
    const hi = Math.min(maxLag - 1, Math.ceil(period * 1.1));
    if (lo >= hi) continue;
    let best = lo;
    for (let lag = lo + 1; lag <= hi; lag++) if (normalised(lag) > normalised(best)) best = lag;
    let r = normalised(best);
    const l = normalised(best - 1);
    const rr = normalised(best + 1);
    const curvature = l - 2 * r + rr;
    if (curvature < 0) r = r - ((rr - l) ** 2) / (8 * curvature);
    r = Math.min(MAX_R, Math.max(1 - MAX_R, r));
    out[t] = 10 * Math.log10(r / (1 - r));
  }
  return out;
}
