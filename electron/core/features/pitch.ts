/**
 * F0 with a voicing decision and probability: probabilistic YIN (pYIN; Mauch & Dixon 2014, ICASSP), as
 * librosa 0.11's `pyin` computes it — the same framing (frame_length 2048, hop 512, frames centred on
 * t·hop with zero padding, the whole frame as YIN's integration window), 65–1000 Hz by default.
 *
 * Per frame, YIN's cumulative-mean-normalised difference d′(τ) = d(τ)·τ / Σ_{k≤τ} d(k), with d from the
 * frame's FFT autocorrelation (`cmndf`), over periods sr/fmax … sr/fmin. Its troughs
 * become F0 candidates: for each of 100 thresholds (weighted by a Beta(2, 18) prior), the troughs below
 * it share the threshold's weight by a Boltzmann prior favouring shorter periods, or, with none below,
 * the deepest trough gets 1 % of it. Candidates land in 10-cent pitch bins; an HMM over (voiced,
 * unvoiced) × bin, with pitch moving at most 35.92 semitones/s (triangular transition) and a 1 % chance
 * to switch voicing per frame, is decoded by Viterbi. The voicing probability is the frame's total
 * candidate weight. F0 is the decoded bin's centre frequency (10-cent resolution, as librosa's).
 */
import { centredFrameCount, fftAutocorrelation } from './dsp';

export interface PitchOptions {
  sampleRate: number;
  /** Frame length in samples (a power of two). Default 2048. */
  frameLength?: number;
  hopLength?: number;
  /** Search range in Hz. Defaults 65 and 1000. */
  fmin?: number;
  fmax?: number;
}

export interface PitchTrack {
  frames: number;
  /** F0 in Hz per frame; NaN where unvoiced. */
  f0Hz: Float32Array;
  voiced: Uint8Array;
  /** The frame's probability of being voiced (the sum of its candidates' weights). */
  voicedProb: Float32Array;
}

/** Semitones above 27.5 Hz (A0), eGeMAPS's F0 scale: 12·log2(f / 27.5); NaN stays NaN. */
export function hzToSemitones27_5(f0Hz: number): number {
  return 12 * Math.log2(f0Hz / 27.5);
}

// librosa.pyin's defaults.
const N_THRESHOLDS = 100;
const BETA = [2, 18] as const;
const BOLTZMANN = 2;
const BINS_PER_SEMITONE = 10;
const MAX_TRANSITION_RATE = 35.92; // semitones per second
const SWITCH_PROB = 0.01;
const NO_TROUGH_PROB = 0.01;

/** The regularised incomplete beta function I_x(a, b) for integer a, b ≥ 1 (a binomial tail). */
function betaCdf(x: number, a: number, b: number): number {
  const n = a + b - 1;
  let sum = 0;
  let c = 1; // C(n, j)
  for (let j = 0; j <= n; j++) {
    if (j >= a) sum += c * x ** j * (1 - x) ** (n - j);
    c = (c * (n - j)) / (j + 1);
  }
  return sum;
}

/**
 * d′ over periods minPeriod … maxPeriod for one frame (`out[τ − minPeriod]`), as librosa 0.11 computes
 * it over the whole frame: d(τ) = 2·(r(0) − r(τ)) − Σ_{j<τ} x_j², with r the frame's autocorrelation
 * (`fftAutocorrelation`), then d′(τ) = d(τ)·τ / Σ_{k=1..τ} d(k).
 */
function cmndf(frame: Float32Array, minPeriod: number, maxPeriod: number, autocorrelation: (x: ArrayLike<number>) => Float64Array, out: Float64Array): void {
  const r = autocorrelation(frame);
  const r0 = r[0] as number;
  let head = 0; // Σ_{j<τ} x_j²
  let running = 0;
  for (let tau = 1; tau <= maxPeriod; tau++) {
    head += (frame[tau - 1] as number) ** 2;
    const d = 2 * (r0 - (r[tau] as number)) - head;
    running += d;
    if (tau >= minPeriod) out[tau - minPeriod] = (d * tau) / (running + TINY);
  }
}

/** numpy's tiny for float64: librosa adds it to the denominator. */
const TINY = 2.2250738585072014e-308;


export function pyin(samples: Float32Array, options: PitchOptions): PitchTrack {
  const { sampleRate: sr, frameLength = 2048, hopLength = 512, fmin = 65, fmax = 1000 } = options;
  if (!(sr > 0)) throw new Error(`sampleRate must be positive, got ${sr}`);
  if (!(fmin > 0 && fmax > fmin)) throw new Error(`need 0 < fmin < fmax, got ${fmin} and ${fmax}`);
  if (!Number.isInteger(hopLength) || hopLength < 1) throw new Error(`hopLength must be a positive integer, got ${hopLength}`);
  if (frameLength < 8 || (frameLength & (frameLength - 1)) !== 0) throw new Error(`frameLength must be a power of two ≥ 8, got ${frameLength}`);
  const minPeriod = Math.max(1, Math.floor(sr / fmax));
  const maxPeriod = Math.min(Math.ceil(sr / fmin), frameLength - 1);
  if (minPeriod + 2 > maxPeriod) throw new Error(`the period range ${minPeriod}–${maxPeriod} samples is too narrow for frameLength ${frameLength}`);
  const periods = maxPeriod - minPeriod + 1;

  const frames = centredFrameCount(samples.length, frameLength, hopLength);
  const padded = new Float32Array((frames - 1) * hopLength + frameLength);
  padded.set(samples, frameLength / 2);
  const autocorrelation = fftAutocorrelation(frameLength);

  // Threshold weights: Beta(2, 18) mass between consecutive thresholds 0, 0.01, …, 1.
  const thresholds = Array.from({ length: N_THRESHOLDS + 1 }, (_, i) => i / N_THRESHOLDS);
  const betaProbs = thresholds.slice(1).map((t, i) => betaCdf(t, BETA[0], BETA[1]) - betaCdf(thresholds[i] as number, BETA[0], BETA[1]));
  const nBins = Math.floor(12 * BINS_PER_SEMITONE * Math.log2(fmax / fmin)) + 1;
  const boltzmann = (k: number, count: number): number => ((1 - Math.exp(-BOLTZMANN)) * Math.exp(-BOLTZMANN * k)) / (1 - Math.exp(-BOLTZMANN * count));

  // Observation probabilities of the voiced bins per frame (sparse: a few candidates each).
  const observations: Array<Map<number, number>> = [];
  const voicedProb = new Float32Array(frames);
  const d = new Float64Array(periods);
  for (let t = 0; t < frames; t++) {
    cmndf(padded.subarray(t * hopLength, t * hopLength + frameLength), minPeriod, maxPeriod, autocorrelation, d);
    const troughs: number[] = [];
    if ((d[0] as number) < (d[1] as number)) troughs.push(0);
    for (let i = 1; i < periods - 1; i++) if ((d[i] as number) < (d[i - 1] as number) && (d[i] as number) <= (d[i + 1] as number)) troughs.push(i);
    const obs = new Map<number, number>();
    observations.push(obs);
    if (troughs.length === 0) continue;
    const probs = new Float64Array(troughs.length);
    let deepest = 0;
    troughs.forEach((i, k) => {
      if ((d[i] as number) < (d[troughs[deepest] as number] as number)) deepest = k;
    });
    for (let h = 0; h < N_THRESHOLDS; h++) {
      const threshold = thresholds[h + 1] as number;
      const below = troughs.filter((i) => (d[i] as number) < threshold).length;
      if (below === 0) {
        probs[deepest] = (probs[deepest] as number) + NO_TROUGH_PROB * (betaProbs[h] as number);
        continue;
      }
      let position = 0;
      troughs.forEach((i, k) => {
        if ((d[i] as number) < threshold) probs[k] = (probs[k] as number) + boltzmann(position++, below) * (betaProbs[h] as number);
      });
    }
    troughs.forEach((i, k) => {
      const p = probs[k] as number;
      if (p <= 0) return;
      // Sub-sample period by a parabola through d′ (not at the range's ends).
      let shift = 0;
      if (i > 0 && i < periods - 1) {
        const l = d[i - 1] as number;
        const c = d[i] as number;
        const r = d[i + 1] as number;
        const curvature = l + r - 2 * c;
        const slope = (r - l) / 2;
        if (Math.abs(slope) < Math.abs(curvature)) shift = -slope / curvature;
      }
      const f0 = sr / (minPeriod + i + shift);
      const bin = Math.min(nBins, Math.max(0, Math.round(12 * BINS_PER_SEMITONE * Math.log2(f0 / fmin))));
      if (bin >= nBins) return; // librosa's clip to n_pitch_bins lands such a candidate in the first unvoiced state
      obs.set(bin, p); // as librosa: a later candidate in the same bin overwrites
    });
    voicedProb[t] = Math.min(1, Math.max(0, [...obs.values()].reduce((s, p) => s + p, 0)));
  }

  // Viterbi over 2·nBins states: voiced bins 0 … nBins − 1, unvoiced nBins … 2·nBins − 1.
  const maxSemitonesPerFrame = Math.round((MAX_TRANSITION_RATE * 12 * hopLength) / sr);
  const width = maxSemitonesPerFrame * BINS_PER_SEMITONE + 1;
  const half = Math.floor(width / 2);
  // scipy's symmetric triangle window of odd length: 1 − |k| / ((width + 1) / 2), k = −half … half.
  const tri = Array.from({ length: width }, (_, k) => 1 - Math.abs(k - half) / ((width + 1) / 2));
  const rowSum = (i: number): number => {
    let s = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(nBins - 1, i + half); j++) s += tri[j - i + half] as number;
    return s;
  };
  // Row j of the local transition, log-normalised, stored at offset (bin − j + half).
  const logLocal = new Float64Array(nBins * width).fill(Number.NEGATIVE_INFINITY);
  for (let j = 0; j < nBins; j++) {
    const sum = rowSum(j);
    for (let k = 0; k < width; k++) {
      const to = j + k - half;
      if (to >= 0 && to < nBins) logLocal[j * width + k] = Math.log((tri[k] as number) / sum);
    }
  }
  const stay = Math.log(1 - SWITCH_PROB);
  const change = Math.log(SWITCH_PROB);
  const logEps = Math.log(TINY);
  const states = 2 * nBins;
  // log observation probabilities (librosa adds tiny before the log): voiced bins, then unvoiced.
  const logObs = (t: number, out: Float64Array): void => {
    out.fill(Math.log(TINY), 0, nBins);
    for (const [bin, p] of observations[t] ?? []) out[bin] = Math.log(p + TINY);
    out.fill(Math.log((1 - (voicedProb[t] as number)) / nBins + TINY), nBins, states);
  };
  const obs = new Float64Array(states);
  logObs(0, obs);
  let value = new Float64Array(states);
  for (let s = 0; s < states; s++) value[s] = (obs[s] as number) + Math.log((s >= nBins ? 1 / nBins : 0) + TINY);
  const back = new Int32Array(frames * states);
  let next = new Float64Array(states);
  // The transition factorises (voicing switch ⊗ local pitch band), so the best predecessor of (voicing v,
  // bin b) is the best over bins j of logLocal[j → b] + max over the voicing v′ of bin j.
  const bestInto = [new Float64Array(nBins), new Float64Array(nBins)];
  const fromState = [new Int32Array(nBins), new Int32Array(nBins)];
  for (let t = 1; t < frames; t++) {
    for (let v = 0; v < 2; v++) {
      const into = bestInto[v] as Float64Array;
      const from = fromState[v] as Int32Array;
      for (let j = 0; j < nBins; j++) {
        const viaVoiced = (value[j] as number) + (v === 0 ? stay : change);
        const viaUnvoiced = (value[j + nBins] as number) + (v === 1 ? stay : change);
        if (viaVoiced >= viaUnvoiced) {
          into[j] = viaVoiced;
          from[j] = j;
        } else {
          into[j] = viaUnvoiced;
          from[j] = j + nBins;
        }
      }
    }
    logObs(t, obs);
    for (let s = 0; s < states; s++) {
      const v = s < nBins ? 0 : 1;
      const bin = s - v * nBins;
      const into = bestInto[v] as Float64Array;
      const fromV = fromState[v] as Int32Array;
      const lo = bin - half > 0 ? bin - half : 0;
      const hi = bin + half < nBins - 1 ? bin + half : nBins - 1;
      let best = Number.NEGATIVE_INFINITY;
      let argJ = lo;
      // logLocal[j·width + (bin − j + half)]: the index falls by width − 1 per step of j.
      let k = lo * width + bin - lo + half;
      for (let j = lo; j <= hi; j++, k += width - 1) {
        const x = (into[j] as number) + (logLocal[k] as number);
        if (x > best) {
          best = x;
          argJ = j;
        }
      }
      if (best === Number.NEGATIVE_INFINITY) best = logEps;
      next[s] = best + (obs[s] as number);
      back[t * states + s] = fromV[argJ] as number;
    }
    [value, next] = [next, value];
  }
  let last = 0;
  for (let s = 1; s < states; s++) if ((value[s] as number) > (value[last] as number)) last = s;
  const f0Hz = new Float32Array(frames).fill(Number.NaN);
  const voiced = new Uint8Array(frames);
  for (let t = frames - 1; t >= 0; t--) {
    if (last < nBins) {
      voiced[t] = 1;
      f0Hz[t] = fmin * 2 ** (last / (12 * BINS_PER_SEMITONE));
    }
    if (t > 0) last = back[t * states + last] as number;
  }
  return { frames, f0Hz, voiced, voicedProb };
}
