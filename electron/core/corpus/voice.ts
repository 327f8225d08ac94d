/**
 * Pure source–filter speech synthesis (no I/O): a jittered, band-limited glottal pulse train and
 * aspiration noise, shaped by a spectral-tilt shelf and a cascade of five formant resonators, plus a
 * parallel frication path for consonant noise.
 *
 * Performance matters (the full demo corpus is ~230 M samples): control values (F0, formants, gains) are
 * computed once per 64-sample block; the per-sample loop only touches local numbers — no allocation,
 * no closures, no Math.random.
 */
import { Rng } from './random';

/** F1..F3 in Hz for an adult male reference speaker; scaled per actor by `formantScale`. */
export type FormantTriple = readonly [number, number, number];

export interface Consonant {
  /** stop: silent closure then a short release burst; fricative: sustained noise; sonorant: voiced, damped, no noise. */
  kind: 'stop' | 'fricative' | 'sonorant';
  voiced: boolean;
  /** Centre of the frication / burst noise band in Hz. */
  noiseHz: number;
  durationSec: number;
}

export interface Syllable {
  onset?: Consonant;
  vowel: FormantTriple;
  /** Diphthong or r-colouring target, reached at the end of the vowel. */
  glideTo?: FormantTriple;
  coda?: Consonant;
  /** 0..1: stressed syllables are a little louder. */
  stress: number;
  lengthSec: number;
  /** Pitch-accent height in semitones centred on this syllable's vowel (0 = unaccented). */
  accentSt: number;
}

export interface UtteranceParams {
  sampleRate: number;
  /** Seeds the per-sample noise and the cycle-to-cycle perturbations. */
  seed: number;
  leadSilenceSec: number;
  trailSilenceSec: number;
  syllables: readonly Syllable[];
  /** F0 at the middle of the utterance before accents, in Hz. */
  f0Hz: number;
  /** Total F0 fall over the utterance in semitones (speech declines in pitch). */
  declinationSt: number;
  /** Rise over the last third of the utterance in semitones (question-like / surprised). */
  finalRiseSt: number;
  /** Relative s.d. of the glottal period, drawn per cycle. */
  jitter: number;
  /** Relative s.d. of the pulse amplitude, drawn per cycle. */
  shimmer: number;
  /** 0..1 period-doubling amplitude alternation (creaky voice). */
  creak: number;
  tremoloHz: number;
  /** 0..1 amplitude-modulation depth; also wobbles F0 a little (vocal tremor). */
  tremoloDepth: number;
  /** Aspiration noise relative to voicing, 0..1. */
  breathiness: number;
  /**
   * Spectral tilt: attenuation in dB of the source above ~1 kHz relative to below (a high shelf).
   * 0 = pressed/bright voice, ~20 = soft/dark voice.
   */
  tiltDb: number;
  formantScale: number;
  /** 0..1: widens F1 and lowers F2 (a nasal-ish, "pinched" quality). */
  nasality: number;
  /** RMS level of the speech part in dBFS. */
  levelDb: number;
  /** RMS level of the white noise floor over the whole clip in dBFS. */
  noiseFloorDb: number;
}

/** Control rate: F0, formants and gains are updated every BLOCK samples (1.3 ms at 48 kHz). */
const BLOCK = 64;
const SEMITONE_LN = Math.LN2 / 12;
/** Safety bounds on the instantaneous F0 (also keeps the polyBLEP step well below one period). */
const F0_MIN_HZ = 40;
const F0_MAX_HZ = 1000;
/** RMS of a uniform variable on [-0.5, 0.5). */
const UNIFORM_RMS = Math.sqrt(1 / 12);
/** Scales an int32 to [-0.5, 0.5). */
const INT32_TO_HALF = 1 / 4294967296;
const PEAK_LIMIT = 0.98;
/** Fixed upper formants (Hz, male reference) and the bandwidths of F1..F5. */
const F4_HZ = 3400;
const F5_HZ = 4500;
const BANDWIDTHS_HZ = [70, 95, 140, 220, 300] as const;
const FRICATION_BANDWIDTH_HZ = 1800;
/** Frication level relative to the (unit-scale) voiced source: consonant noise well below the vowels. */
const FRICATION_GAIN = 0.6;
/** Level of the high-frequency (above-F5) voice component; see renderSpeech. */
const HF_GAIN = 1;
/** Corner of the spectral-tilt shelves. */
const TILT_CORNER_HZ = 500;
/** First-difference mix that lifts the upper formants (radiation-like +6 dB/oct above ~1.3 kHz). */
const RADIATION_GAIN = 6;
const ATTACK_SEC = 0.025;
const RELEASE_SEC = 0.035;
const BURST_SEC = 0.018;
/** Formant targets are smoothed with this time constant so transitions glide (coarticulation). */
const FORMANT_SMOOTH_SEC = 0.014;

/** Sample positions of one syllable's parts, computed once before rendering. */
interface SyllableTiming {
  start: number;
  vowelStart: number;
  vowelEnd: number;
  end: number;
  /** Accent centre (seconds from speech start) and width. */
  accentCentreSec: number;
  accentSigmaSec: number;
}

/** Lays the syllables end to end; consonants take at most 35 % of their syllable each. */
function planTimings(syllables: readonly Syllable[], speechStart: number, fs: number): SyllableTiming[] {
  const timings: SyllableTiming[] = [];
  let t = 0; // seconds from speech start
  for (const syl of syllables) {
    const len = Math.max(0.05, syl.lengthSec);
    const onset = Math.min(syl.onset?.durationSec ?? 0, 0.35 * len);
    const coda = Math.min(syl.coda?.durationSec ?? 0, 0.35 * len);
    timings.push({
      start: speechStart + Math.round(t * fs),
      vowelStart: speechStart + Math.round((t + onset) * fs),
      vowelEnd: speechStart + Math.round((t + len - coda) * fs),
      end: speechStart + Math.round((t + len) * fs),
      accentCentreSec: t + onset + 0.5 * (len - onset - coda),
      accentSigmaSec: 0.4 * len,
    });
    t += len;
  }
  return timings;
}

export function utteranceSamples(p: UtteranceParams): number {
  const speech = p.syllables.reduce((sum, s) => sum + Math.max(0.05, s.lengthSec), 0);
  return Math.round((p.leadSilenceSec + speech + p.trailSilenceSec) * p.sampleRate);
}

function clampNumber(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function smoothstep(x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return x * x * (3 - 2 * x);
}

/** Raised-cosine bump over [0, 1]: 0 at the ends, 1 in the middle. */
function bump(x: number): number {
  if (x <= 0 || x >= 1) return 0;
  return 0.5 - 0.5 * Math.cos(2 * Math.PI * x);
}

/**
 * Per-block control values, written into a reusable record to avoid allocating per block.
 * `f1..f3` are formant *targets* before speaker scaling.
 */
interface Control {
  voice: number;
  frication: number;
  fricationHz: number;
  f1: number;
  f2: number;
  f3: number;
}

/** Voicing/frication gains and formant targets at `pos` (samples) inside syllable `syl`. */
function syllableControl(syl: Syllable, tm: SyllableTiming, pos: number, fs: number, out: Control): void {
  const stressGain = 0.72 + 0.28 * syl.stress;
  const [v1, v2, v3] = syl.vowel;
  const [g1, g2, g3] = syl.glideTo ?? syl.vowel;
  if (pos < tm.vowelStart && syl.onset) {
    consonantControl(syl.onset, (pos - tm.start) / fs, (tm.vowelStart - tm.start) / fs, true, out);
    // Consonant closures lower F1; the other formants already point to the vowel (coarticulation).
    out.f1 = v1 * 0.6;
    out.f2 = v2;
    out.f3 = v3;
  } else if (pos >= tm.vowelEnd && syl.coda) {
    consonantControl(syl.coda, (pos - tm.vowelEnd) / fs, (tm.end - tm.vowelEnd) / fs, false, out);
    out.f1 = g1 * 0.65;
    out.f2 = g2;
    out.f3 = g3;
  } else {
    const inVowel = (pos - tm.vowelStart) / fs;
    const vowelLen = Math.max(1, tm.vowelEnd - tm.vowelStart) / fs;
    const attack = smoothstep(inVowel / ATTACK_SEC);
    const release = smoothstep((vowelLen - inVowel) / RELEASE_SEC);
    // A slight decay through the nucleus: speech energy peaks early in the vowel.
    out.voice = stressGain * attack * release * (1 - 0.25 * (inVowel / vowelLen));
    out.frication = 0;
    const glide = smoothstep(inVowel / vowelLen);
    out.f1 = v1 + (g1 - v1) * glide;
    out.f2 = v2 + (g2 - v2) * glide;
    out.f3 = v3 + (g3 - v3) * glide;
  }
}

/** Gains during a consonant `t` seconds into a segment of length `len`. */
function consonantControl(c: Consonant, t: number, len: number, isOnset: boolean, out: Control): void {
  out.fricationHz = c.noiseHz;
  if (c.kind === 'sonorant') {
    out.voice = 0.45;
    out.frication = 0;
    return;
  }
  // Voiced obstruents keep a weak voice bar; voiceless ones are silent apart from noise.
  out.voice = c.voiced ? 0.12 : 0;
  if (c.kind === 'fricative') {
    out.frication = (c.voiced ? 0.5 : 1) * bump(t / len);
  } else {
    // Stop: closure, then the burst at the release (end of an onset; end of a coda, weaker).
    const sinceBurst = t - (len - BURST_SEC);
    out.frication = sinceBurst >= 0 ? (isOnset ? 1.1 : 0.5) * Math.exp(-sinceBurst / 0.006) : 0;
  }
}

/** F0 contour in semitones relative to `f0Hz` at `t` seconds from speech start. */
function f0Semitones(p: UtteranceParams, timings: readonly SyllableTiming[], t: number, speechSec: number): number {
  const x = t / speechSec;
  let st = p.declinationSt * (0.5 - x) + p.finalRiseSt * smoothstep((x - 0.62) / 0.38);
  for (let i = 0; i < timings.length; i++) {
    const tm = timings[i] as SyllableTiming;
    const accent = (p.syllables[i] as Syllable).accentSt;
    if (accent === 0) continue;
    const z = (t - tm.accentCentreSec) / tm.accentSigmaSec;
    if (z > -4 && z < 4) st += accent * Math.exp(-0.5 * z * z);
  }
  // Vocal tremor: the same oscillation that drives the amplitude tremolo nudges F0.
  st += 1.2 * p.tremoloDepth * Math.sin(2 * Math.PI * p.tremoloHz * t);
  return st;
}

/** One xorshift32 step (used outside the hot loop; the hot loop inlines it). */
function xorshift(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x | 0;
}

/**
 * Standard-normal draws for the per-cycle perturbations (jitter, shimmer), precomputed so the sample loop
 * only indexes an array. Two per glottal cycle; the table is sized for the highest plausible F0.
 */
function cycleNormals(seed: number, speechSec: number): Float64Array {
  const rng = new Rng(seed);
  const table = new Float64Array(2 * Math.ceil(speechSec * 1200) + 2);
  for (let i = 0; i < table.length; i++) table[i] = rng.normal();
  return table;
}

/**
 * Synthesise one utterance: leading silence, the syllables, trailing silence, plus the noise floor.
 * Returns mono float samples in [-1, 1].
 */
export function synthesizeUtterance(p: UtteranceParams): Float32Array {
  const fs = p.sampleRate;
  const total = utteranceSamples(p);
  const out = new Float32Array(total);
  const speechStart = Math.round(p.leadSilenceSec * fs);
  const timings = planTimings(p.syllables, speechStart, fs);
  const speechEnd = Math.min(total, timings.length > 0 ? (timings[timings.length - 1] as SyllableTiming).end : speechStart);

  renderSpeech(p, timings, speechStart, speechEnd, out);
  normaliseRms(out, speechStart, speechEnd, Math.pow(10, p.levelDb / 20));
  addNoiseFloor(out, Math.pow(10, p.noiseFloorDb / 20), (p.seed ^ 0x5bd1e995) | 1);
  limitPeak(out, PEAK_LIMIT);
  return out;
}

/**
 * Two-pole resonator y = a·x + b·y1 + c·y2 with pole radius r = exp(-π·bw/fs):
 * b = 2·r·cos(2π·hz/fs), c = -r², and a = 1 - b - c for unity gain at DC (Klatt's cascade form).
 */
function poleRadius(bw: number, fs: number): number {
  return Math.exp((-Math.PI * bw) / fs);
}

function renderSpeech(
  p: UtteranceParams,
  timings: readonly SyllableTiming[],
  speechStart: number,
  speechEnd: number,
  out: Float32Array,
): void {
  const fs = p.sampleRate;
  const speechSec = Math.max(1e-3, (speechEnd - speechStart) / fs);
  const nyquistGuard = 0.45 * fs;
  const scale = p.formantScale;
  const ctl: Control = { voice: 0, frication: 0, fricationHz: 4000, f1: 500, f2: 1500, f3: 2500 };

  // Spectral tilt: two first-order high shelves on the source — unchanged below the corner, attenuated
  // by tiltDb well above it, with up to −12 dB/oct in between — so soft vs pressed voices differ across
  // the whole 1–4 kHz band, not only at its top.
  const shelfA = 1 - Math.exp((-2 * Math.PI * TILT_CORNER_HZ) / fs);
  const shelfHigh = Math.pow(10, -Math.max(0, p.tiltDb) / 40); // per stage: half the depth in dB

  // Bandwidths: breathy voices have wider lower formants; nasality widens F1 further.
  const bw1 = BANDWIDTHS_HZ[0] * (1 + 1.2 * p.breathiness + 1.5 * p.nasality);
  const bw2 = BANDWIDTHS_HZ[1] * (1 + 0.6 * p.breathiness + 0.5 * p.nasality);
  const bw3 = BANDWIDTHS_HZ[2];
  const bw4 = BANDWIDTHS_HZ[3];
  const bw5 = BANDWIDTHS_HZ[4];
  const r1 = poleRadius(bw1, fs);
  const r2 = poleRadius(bw2, fs);
  const r3 = poleRadius(bw3, fs);
  const r4 = poleRadius(bw4, fs);
  const r5 = poleRadius(bw5, fs);
  const c1 = -r1 * r1;
  const c2 = -r2 * r2;
  const c3 = -r3 * r3;
  const c4 = -r4 * r4;
  const c5 = -r5 * r5;
  const radPerHz = (2 * Math.PI) / fs;
  // F4/F5 do not move with the vowel: fixed coefficients.
  const b4 = 2 * r4 * Math.cos(radPerHz * Math.min(nyquistGuard, F4_HZ * scale));
  const b5 = 2 * r5 * Math.cos(radPerHz * Math.min(nyquistGuard, F5_HZ * scale));
  const a4 = 1 - b4 - c4;
  const a5 = 1 - b5 - c5;
  const fricR = Math.exp((-Math.PI * FRICATION_BANDWIDTH_HZ) / fs);
  const fricC = -fricR * fricR;
  const nasalF2 = 1 - 0.07 * p.nasality;
  const smoothK = 1 - Math.exp(-BLOCK / (FORMANT_SMOOTH_SEC * fs));
  const { jitter, shimmer } = p;
  const creakGain = 1 - 0.55 * p.creak;

  // Smoothed formant frequencies (Hz, after speaker scaling); start at the first vowel.
  const first = p.syllables[0];
  let sf1 = (first?.vowel[0] ?? 500) * scale;
  let sf2 = (first?.vowel[1] ?? 1500) * scale * nasalF2;
  let sf3 = (first?.vowel[2] ?? 2500) * scale;

  // Per-sample state, all plain locals.
  const normals = cycleNormals(p.seed, speechSec);
  const lastNormal = normals.length - 1;
  let k = 0; // next index into `normals`
  let x = xorshift(p.seed ^ 0x2545f491) || 1;
  let phase = 0;
  let cycleFactor = 1; // jittered period multiplier of the current glottal cycle
  let cycleAmp = 1; // shimmered amplitude of the current cycle
  let cycleOdd = false;
  let shelfLow1 = 0; // the source below the shelf corner, stage 1
  let shelfLow2 = 0;
  let srcPrev = 0;
  let y5Prev = 0;
  let y11 = 0, y12 = 0, y21 = 0, y22 = 0, y31 = 0, y32 = 0, y41 = 0, y42 = 0, y51 = 0, y52 = 0;
  let fr1 = 0, fr2 = 0;
  let voiceGain = 0, aspGain = 0, fricGain = 0;
  let syl = 0;

  for (let b0 = speechStart; b0 < speechEnd; b0 += BLOCK) {
    const b1 = Math.min(speechEnd, b0 + BLOCK);
    const mid = (b0 + b1) / 2;
    const t = (mid - speechStart) / fs;

    while (syl < timings.length - 1 && mid >= (timings[syl] as SyllableTiming).end) syl++;
    syllableControl(p.syllables[syl] as Syllable, timings[syl] as SyllableTiming, mid, fs, ctl);

    const tremolo = 1 + p.tremoloDepth * Math.sin(2 * Math.PI * p.tremoloHz * t);
    const voiceTarget = ctl.voice * tremolo;
    const aspTarget = voiceTarget * p.breathiness;
    const fricTarget = ctl.frication * FRICATION_GAIN;
    const f0 = clampNumber(p.f0Hz * Math.exp(SEMITONE_LN * f0Semitones(p, timings, t, speechSec)), F0_MIN_HZ, F0_MAX_HZ);
    const baseDt = f0 / fs;

    sf1 += smoothK * (ctl.f1 * scale - sf1);
    sf2 += smoothK * (ctl.f2 * scale * nasalF2 - sf2);
    sf3 += smoothK * (ctl.f3 * scale - sf3);
    const b1c = 2 * r1 * Math.cos(radPerHz * sf1);
    const b2c = 2 * r2 * Math.cos(radPerHz * sf2);
    const b3c = 2 * r3 * Math.cos(radPerHz * Math.min(nyquistGuard, sf3));
    const a1 = 1 - b1c - c1;
    const a2 = 1 - b2c - c2;
    const a3 = 1 - b3c - c3;
    const fricHz = Math.min(nyquistGuard, ctl.fricationHz * (0.5 + 0.5 * scale));
    const fricB = 2 * fricR * Math.cos(radPerHz * fricHz);
    // Normalise the frication resonator to roughly unit gain at its peak.
    const fricA = (1 - fricR) * 2 * Math.sin(radPerHz * fricHz);

    // Gains ramp linearly across the block to avoid zipper noise.
    const inv = 1 / (b1 - b0);
    const dVoice = (voiceTarget - voiceGain) * inv;
    const dAsp = (aspTarget - aspGain) * inv;
    const dFric = (fricTarget - fricGain) * inv;
    let dt = baseDt * cycleFactor;

    for (let i = b0; i < b1; i++) {
      voiceGain += dVoice;
      aspGain += dAsp;
      fricGain += dFric;

      // Glottal source: a polyBLEP (band-limited) sawtooth; its sharp drop stands in for glottal closure.
      phase += dt;
      if (phase >= 1) {
        phase -= 1;
        // New cycle: jitter the period, shimmer the amplitude, alternate for creak.
        if (k >= lastNormal) k = 0;
        cycleFactor = 1 + jitter * (normals[k++] as number);
        if (cycleFactor < 0.5) cycleFactor = 0.5;
        cycleOdd = !cycleOdd;
        cycleAmp = (1 + shimmer * (normals[k++] as number)) * (cycleOdd ? creakGain : 1);
        dt = baseDt * cycleFactor;
      }
      let saw = 2 * phase - 1;
      if (phase < dt) {
        const u = phase / dt;
        saw -= u + u - u * u - 1;
      } else if (phase > 1 - dt) {
        const u = (phase - 1) / dt;
        saw -= u * u + u + u + 1;
      }
      // Aspiration: white noise, louder in the open (early) part of the cycle. It shares the source's
      // tilt, so breathy-but-soft voices stay soft (the noise would otherwise dominate above 2 kHz).
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const excitation = saw * cycleAmp * voiceGain + x * INT32_TO_HALF * aspGain * (1.3 - phase);
      shelfLow1 += shelfA * (excitation - shelfLow1);
      const shelved = shelfLow1 + shelfHigh * (excitation - shelfLow1);
      shelfLow2 += shelfA * (shelved - shelfLow2);
      const src = shelfLow2 + shelfHigh * (shelved - shelfLow2);

      // Vocal tract: cascade of five resonators (unity DC gain each).
      const y1 = a1 * src + b1c * y11 + c1 * y12;
      y12 = y11;
      y11 = y1;
      const y2 = a2 * y1 + b2c * y21 + c2 * y22;
      y22 = y21;
      y21 = y2;
      const y3 = a3 * y2 + b3c * y31 + c3 * y32;
      y32 = y31;
      y31 = y3;
      const y4 = a4 * y3 + b4 * y41 + c4 * y42;
      y42 = y41;
      y41 = y4;
      const y5 = a5 * y4 + b5 * y51 + c5 * y52;
      y52 = y51;
      y51 = y5;

      // Frication: separate noise through one band-pass resonator, in parallel with the tract.
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const fr = fricA * x * INT32_TO_HALF * fricGain + fricB * fr1 + fricC * fr2;
      fr2 = fr1;
      fr1 = fr;

      // Lip radiation / missing higher poles: a first-difference high shelf (+6 dB/oct above ~2 kHz)
      // lifts F3–F5 to realistic levels relative to F1.
      const voiced = y5 + RADIATION_GAIN * (y5 - y5Prev);
      y5Prev = y5;

      // An all-pole cascade of five formants has almost nothing above F5; real voices do. A little of
      // the differentiated source fills 4–10 kHz, following the voice's tilt. Subtracted: above F5 the
      // cascade has turned the phase by ~5 × 180° (+90° from the radiation term), so this adds to it
      // instead of cancelling it near the crossover.
      const hf = -HF_GAIN * (src - srcPrev);
      srcPrev = src;

      out[i] = voiced + fr + hf;
    }
  }
}

/** Scale so the RMS over [from, to) equals `target` (the level parameter is exact, whatever the filters did). */
function normaliseRms(out: Float32Array, from: number, to: number, target: number): void {
  let sum = 0;
  for (let i = from; i < to; i++) {
    const v = out[i] as number;
    sum += v * v;
  }
  const rms = Math.sqrt(sum / Math.max(1, to - from));
  if (rms <= 0) return;
  const g = target / rms;
  for (let i = from; i < to; i++) out[i] = (out[i] as number) * g;
}

function addNoiseFloor(out: Float32Array, rms: number, seed: number): void {
  const amp = rms / UNIFORM_RMS;
  let x = seed | 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (out[i] as number) + x * INT32_TO_HALF * amp;
  }
}

/** Rare loud takes would clip: scale the whole clip down instead (keeps the waveform clean). */
function limitPeak(out: Float32Array, limit: number): void {
  let peak = 0;
  for (let i = 0; i < out.length; i++) {
    const a = Math.abs(out[i] as number);
    if (a > peak) peak = a;
  }
  if (peak <= limit) return;
  const g = limit / peak;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * g;
}
