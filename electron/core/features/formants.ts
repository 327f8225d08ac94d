/**
 * Formants F1–F3 — frequency, bandwidth and relative amplitude — by linear prediction and root finding,
 * the way Praat's "To Formant (burg)" and openSMILE's formant component work in outline:
 *
 * 1. the signal is low-passed and decimated to twice the highest formant sought (`maxFormantHz`, 5500 Hz
 *    as Praat's default for adult voices: 22 050 Hz → 11 025 Hz, a half-band FIR), and pre-emphasised
 *    from 50 Hz (x[n] − e^(−2π·50/sr)·x[n−1]), which flattens the source's spectral tilt;
 * 2. per frame (a 50 ms Gaussian window, Praat's, centred on the other features' frame times), LPC
 *    coefficients of order 2 × 5 formants = 10 by Burg's method (`burg`);
 * 3. the roots of the prediction polynomial (Durand–Kerner iteration) in the upper half plane are
 *    resonances: frequency = arg(z)·sr/2π, bandwidth = −ln|z|·sr/π; those between 90 Hz and
 *    maxFormantHz − 50 with bandwidth under 400 Hz, ascending, are F1, F2, F3 … (wider poles model
 *    the source's leftover spectral tilt, not a resonance of the tract);
 * 4. a formant's relative amplitude is the LPC envelope's level at its frequency relative to the
 *    envelope's level at F0's first harmonic region (the envelope maximum below 500 Hz), in dB — the
 *    quantity eGeMAPS summarises as F1/F2/F3 "amplitudeLogRelF0".
 */

export interface FormantOptions {
  sampleRate: number;
  /** Frame centres every `hopLength` samples of the input, frame t at t·hop (as the other features). Default 512. */
  hopLength?: number;
  /** Frames (of the pitch track, say) to analyse; default every centre that fits the signal. */
  frames?: number;
  /** Highest formant looked for (Praat's "maximum formant"). Default 5500 Hz. */
  maxFormantHz?: number;
  /** Analysis window in seconds (Praat's physical window for its 25 ms effective length). Default 0.05. */
  windowSec?: number;
}

export interface FormantTrack {
  frames: number;
  /** [formant 0..2][frame]: Hz, NaN where fewer formants were found. */
  frequencyHz: [Float32Array, Float32Array, Float32Array];
  bandwidthHz: [Float32Array, Float32Array, Float32Array];
  /** The envelope's level at the formant relative to its maximum below 500 Hz, dB. */
  relativeAmplitudeDb: [Float32Array, Float32Array, Float32Array];
}

/** Poles wider than this are not taken for formants. */
const MAX_BANDWIDTH_HZ = 400;

/** Half-band low-pass (windowed sinc, 63 taps, cut-off at a quarter of the rate) and keep every other sample. */
function decimateByTwo(x: ArrayLike<number>): Float64Array {
  const taps = 63;
  const half = (taps - 1) / 2;
  const h = Float64Array.from({ length: taps }, (_, i) => {
    const k = i - half;
    const sinc = k === 0 ? 0.5 : Math.sin((Math.PI * k) / 2) / (Math.PI * k);
    const window = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (taps - 1));
    return sinc * window;
  });
  const sum = h.reduce((a, b) => a + b, 0);
  for (let i = 0; i < taps; i++) h[i] = (h[i] as number) / sum;
  const out = new Float64Array(Math.floor(x.length / 2));
  for (let n = 0; n < out.length; n++) {
    let acc = 0;
    const centre = 2 * n;
    for (let i = 0; i < taps; i++) {
      const j = centre + i - half;
      if (j >= 0 && j < x.length) acc += (h[i] as number) * (x[j] as number);
    }
    out[n] = acc;
  }
  return out;
}

/**
 * LPC coefficients a[0] = 1, a[1..p] by Burg's method (as Praat's "To Formant (burg)"): each reflection
 * coefficient minimises the forward and backward prediction errors together, which estimates low,
 * narrow resonances better than the autocorrelation method on short, high-pitched frames. Null if silent.
 */
export function burg(x: Float64Array, order: number): Float64Array | null {
  const n = x.length;
  const f = Float64Array.from(x);
  const b = Float64Array.from(x);
  let a = new Float64Array(order + 1);
  a[0] = 1;
  let energy = 0;
  for (let i = 0; i < n; i++) energy += (x[i] as number) ** 2;
  if (!(energy > 0)) return null;
  for (let m = 1; m <= order; m++) {
    let num = 0;
    let den = 0;
    for (let i = m; i < n; i++) {
      num += (f[i] as number) * (b[i - 1] as number);
      den += (f[i] as number) ** 2 + (b[i - 1] as number) ** 2;
    }
    if (!(den > 0)) return null;
    const k = (-2 * num) / den;
    const next = new Float64Array(order + 1);
    next[0] = 1;
    for (let j = 1; j < m; j++) next[j] = (a[j] as number) + k * (a[m - j] as number);
    next[m] = k;
    a = next;
    for (let i = n - 1; i >= m; i--) {
      const fi = f[i] as number;
      const bi = b[i - 1] as number;
      f[i] = fi + k * bi;
      b[i] = bi + k * fi;
    }
  }
  return a;
}

/** Complex roots of z^p + a1 z^(p−1) + … + ap (monic, real coefficients) by Durand–Kerner iteration. */
export function polynomialRoots(a: Float64Array): Array<{ re: number; im: number }> {
  const p = a.length - 1;
  const re = new Float64Array(p);
  const im = new Float64Array(p);
  // Start on a circle of radius 0.9 at angles that are not symmetric, as the method needs.
  for (let k = 0; k < p; k++) {
    re[k] = 0.9 * Math.cos((2 * Math.PI * k) / p + 0.4);
    im[k] = 0.9 * Math.sin((2 * Math.PI * k) / p + 0.4);
  }
  for (let iteration = 0; iteration < 500; iteration++) {
    let moved = 0;
    for (let k = 0; k < p; k++) {
      // f(z) by Horner.
      let fr = 1;
      let fi = 0;
      const zr = re[k] as number;
      const zi = im[k] as number;
      for (let j = 1; j <= p; j++) {
        const nr = fr * zr - fi * zi + (a[j] as number);
        fi = fr * zi + fi * zr;
        fr = nr;
      }
      // Π (z − z_j), j ≠ k.
      let dr = 1;
      let di = 0;
      for (let j = 0; j < p; j++) {
        if (j === k) continue;
        const xr = zr - (re[j] as number);
        const xi = zi - (im[j] as number);
        const nr = dr * xr - di * xi;
        di = dr * xi + di * xr;
        dr = nr;
      }
      const denominator = dr * dr + di * di;
      if (denominator === 0) continue;
      const stepR = (fr * dr + fi * di) / denominator;
      const stepI = (fi * dr - fr * di) / denominator;
      re[k] = zr - stepR;
      im[k] = zi - stepI;
      moved = Math.max(moved, Math.abs(stepR) + Math.abs(stepI));
    }
    if (moved < 1e-12) break;
  }
  return Array.from({ length: p }, (_, k) => ({ re: re[k] as number, im: im[k] as number }));
}

/** The LPC envelope's level in dB at `hz`: −20·log10 |A(e^{jω})|. */
function envelopeDb(a: Float64Array, hz: number, sr: number): number {
  const w = (2 * Math.PI * hz) / sr;
  let re = 0;
  let im = 0;
  for (let k = 0; k < a.length; k++) {
    re += (a[k] as number) * Math.cos(w * k);
    im -= (a[k] as number) * Math.sin(w * k);
  }
  return -10 * Math.log10(re * re + im * im);
}

export function formants(samples: Float32Array, options: FormantOptions): FormantTrack {
  const { sampleRate, hopLength = 512, maxFormantHz = 5500, windowSec = 0.05 } = options;
  const frames = options.frames ?? 1 + Math.floor(samples.length / hopLength);
  // Down to (about) twice the highest formant: by two while the rate allows.
  let x: Float64Array = Float64Array.from(samples);
  let sr = sampleRate;
  let factor = 1;
  while (sr / 2 >= 2 * maxFormantHz) {
    x = decimateByTwo(x);
    sr /= 2;
    factor *= 2;
  }
  const alpha = Math.exp((-2 * Math.PI * 50) / sr);
  for (let n = x.length - 1; n > 0; n--) x[n] = (x[n] as number) - alpha * (x[n - 1] as number);
  const order = 10;
  const length = Math.round(windowSec * sr);
  // Praat's Gaussian window: exp(−12·(t/T − ½)²), lifted to zero at the edges.
  const window = Float64Array.from({ length }, (_, i) => (Math.exp(-12 * ((i + 0.5) / length - 0.5) ** 2) - Math.exp(-3)) / (1 - Math.exp(-3)));
  const track = (): [Float32Array, Float32Array, Float32Array] => [0, 1, 2].map(() => new Float32Array(frames).fill(Number.NaN)) as [Float32Array, Float32Array, Float32Array];
  const out: FormantTrack = { frames, frequencyHz: track(), bandwidthHz: track(), relativeAmplitudeDb: track() };
  const frame = new Float64Array(length);
  for (let t = 0; t < frames; t++) {
    const centre = Math.round((t * hopLength) / factor);
    const start = centre - Math.floor(length / 2);
    for (let i = 0; i < length; i++) frame[i] = (x[start + i] ?? 0) * (window[i] as number);
    const a = burg(frame, order);
    if (!a) continue;
    const resonances = polynomialRoots(a)
      .filter((z) => z.im > 0)
      .map((z) => ({ hz: (Math.atan2(z.im, z.re) * sr) / (2 * Math.PI), bandwidth: (-Math.log(Math.hypot(z.re, z.im)) * sr) / Math.PI }))
      .filter((f) => f.hz > 90 && f.hz < maxFormantHz - 50 && f.bandwidth > 0 && f.bandwidth < MAX_BANDWIDTH_HZ)
      .sort((p, q) => p.hz - q.hz);
    let reference = Number.NEGATIVE_INFINITY;
    for (let hz = 50; hz <= 500; hz += 10) reference = Math.max(reference, envelopeDb(a, hz, sr));
    resonances.slice(0, 3).forEach((f, i) => {
      (out.frequencyHz[i] as Float32Array)[t] = f.hz;
      (out.bandwidthHz[i] as Float32Array)[t] = f.bandwidth;
      (out.relativeAmplitudeDb[i] as Float32Array)[t] = envelopeDb(a, f.hz, sr) - reference;
    });
  }
  return out;
}
