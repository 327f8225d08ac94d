/**
 * Cycle-to-cycle perturbation of the voice: glottal pulses found period by period along the pitch track,
 * then jitter (local) and shimmer (local, dB) as Praat and openSMILE's eGeMAPS define them:
 *
 * - jitter local = mean |T_i − T_{i−1}| / mean T_i over consecutive periods of a voiced stretch;
 * - shimmer local (dB) = mean |20·log10(A_i / A_{i−1})| over consecutive periods' peak amplitudes.
 *
 * Pulses: in each voiced stretch (consecutive voiced frames of the pitch track) the first pulse is the
 * largest positive peak of the first expected period; each next one is the largest peak between 0.8 and
 * 1.25 of the local period (the track's F0 at that time, interpolated between frames) after it, its time
 * and height refined by a parabola through the three samples around it ("periodic, peaks" in Praat's
 * terms); a peak under 0.3 of the previous one ends the stretch (the voice has stopped though the
 * track's frames still cover it). Periods outside the track's 65–1000 Hz range are dropped, as Praat drops periods beyond its
 * period floor and ceiling.
 */
import type { PitchTrack } from './pitch';

export interface Pulse {
  /** Seconds from the start of the samples. */
  time: number;
  /** The peak's height (the signal's units). */
  amplitude: number;
  /** Pulses of one voiced stretch share a segment number; periods never span two. */
  segment: number;
}

export interface PerturbationOptions {
  sampleRate: number;
  /** The pitch track's hop and frame length (frame t centred on t·hop). Defaults 512 / 2048. */
  hopLength?: number;
  frameLength?: number;
  /** Shortest and longest period kept, as F0 bounds in Hz. Defaults 65 and 1000. */
  fmin?: number;
  fmax?: number;
}

export interface Perturbation {
  pulses: Pulse[];
  /** Over every pair of consecutive periods in the clip (NaN with fewer than 2 periods). */
  jitterLocal: number;
  shimmerLocalDb: number;
  /** Per frame of the pitch track, over the periods that start within its frame (NaN with fewer than 2). */
  jitterByFrame: Float32Array;
  shimmerDbByFrame: Float32Array;
}

/** The sample index (fractional) and height of the parabola through samples i − 1, i, i + 1. */
function refinePeak(y: Float32Array, i: number): { at: number; height: number } {
  const l = y[i - 1] ?? (y[i] as number);
  const c = y[i] as number;
  const r = y[i + 1] ?? (y[i] as number);
  const curvature = l - 2 * c + r;
  if (curvature >= 0) return { at: i, height: c };
  const shift = (0.5 * (l - r)) / curvature;
  return { at: i + shift, height: c - 0.25 * (l - r) * shift };
}

/** A pulse below this fraction of the previous pulse's height ends its voiced stretch. */
const MIN_RELATIVE_PEAK = 0.3;

function argmaxBetween(y: Float32Array, from: number, to: number): number {
  let best = Math.max(1, from);
  for (let i = best + 1; i <= Math.min(y.length - 2, to); i++) if ((y[i] as number) > (y[best] as number)) best = i;
  return best;
}

export function glottalPulses(samples: Float32Array, pitch: PitchTrack, options: PerturbationOptions): Pulse[] {
  const { sampleRate: sr, hopLength = 512 } = options;
  const f0At = (sample: number): number => {
    // Linear interpolation of F0 between frame centres, within voiced frames only.
    const position = sample / hopLength;
    const t = Math.floor(position);
    const a = pitch.f0Hz[t] ?? Number.NaN;
    const b = pitch.f0Hz[t + 1] ?? Number.NaN;
    if (Number.isNaN(a)) return b;
    if (Number.isNaN(b)) return a;
    return a + (b - a) * (position - t);
  };
  const pulses: Pulse[] = [];
  let segment = 0;
  let t = 0;
  while (t < pitch.frames) {
    if (!pitch.voiced[t]) {
      t++;
      continue;
    }
    let end = t;
    while (end + 1 < pitch.frames && pitch.voiced[end + 1]) end++;
    // The stretch covers the samples from half a hop before its first frame to half a hop after its last.
    const first = Math.max(1, Math.round((t - 0.5) * hopLength));
    const last = Math.min(samples.length - 2, Math.round((end + 0.5) * hopLength));
    let period = sr / (pitch.f0Hz[t] as number);
    let at = argmaxBetween(samples, first, Math.min(last, Math.round(first + period)));
    let previous = 0;
    while (at <= last) {
      const peak = refinePeak(samples, at);
      // A peak far below the last one is the voice's decay (or silence the track's frames still cover):
      // the stretch ends there.
      if (!(peak.height > 0) || peak.height < MIN_RELATIVE_PEAK * previous) break;
      previous = peak.height;
      pulses.push({ time: peak.at / sr, amplitude: peak.height, segment });
      period = sr / f0At(peak.at);
      if (!(period > 0)) break;
      const from = Math.round(peak.at + 0.8 * period);
      const to = Math.round(peak.at + 1.25 * period);
      if (from > last) break;
      at = argmaxBetween(samples, from, Math.min(to, last));
      if (at <= peak.at) break;
    }
    segment++;
    t = end + 1;
  }
  return pulses;
}

interface Period {
  start: number;
  length: number;
  amplitude: number;
}

function jitterShimmer(periods: Period[]): { jitter: number; shimmerDb: number } {
  let dT = 0;
  let dA = 0;
  let pairs = 0;
  let sum = 0;
  for (let i = 1; i < periods.length; i++) {
    const a = periods[i - 1] as Period;
    const b = periods[i] as Period;
    if (Math.abs(b.start - (a.start + a.length)) > 1e-9) continue; // not consecutive
    dT += Math.abs(b.length - a.length);
    if (a.amplitude > 0 && b.amplitude > 0) dA += Math.abs(20 * Math.log10(b.amplitude / a.amplitude));
    pairs++;
  }
  for (const p of periods) sum += p.length;
  if (pairs === 0) return { jitter: Number.NaN, shimmerDb: Number.NaN };
  return { jitter: dT / pairs / (sum / periods.length), shimmerDb: dA / pairs };
}

export function perturbation(samples: Float32Array, pitch: PitchTrack, options: PerturbationOptions): Perturbation {
  const { sampleRate: sr, hopLength = 512, frameLength = 2048, fmin = 65, fmax = 1000 } = options;
  const pulses = glottalPulses(samples, pitch, options);
  const periods: Period[] = [];
  for (let i = 1; i < pulses.length; i++) {
    const a = pulses[i - 1] as Pulse;
    const b = pulses[i] as Pulse;
    const length = b.time - a.time;
    if (a.segment !== b.segment || length < 1 / fmax || length > 1 / fmin) continue;
    // A period's amplitude is the peak that opens it (its pulse), as in Praat's shimmer.
    periods.push({ start: a.time, length, amplitude: a.amplitude });
  }
  const clip = jitterShimmer(periods);
  const jitterByFrame = new Float32Array(pitch.frames).fill(Number.NaN);
  const shimmerDbByFrame = new Float32Array(pitch.frames).fill(Number.NaN);
  for (let t = 0; t < pitch.frames; t++) {
    if (!pitch.voiced[t]) continue;
    const centre = (t * hopLength) / sr;
    const half = frameLength / 2 / sr;
    const inFrame = periods.filter((p) => p.start >= centre - half && p.start < centre + half);
    const r = jitterShimmer(inFrame);
    jitterByFrame[t] = r.jitter;
    shimmerDbByFrame[t] = r.shimmerDb;
  }
  return { pulses, jitterLocal: clip.jitter, shimmerLocalDb: clip.shimmerDb, jitterByFrame, shimmerDbByFrame };
}
