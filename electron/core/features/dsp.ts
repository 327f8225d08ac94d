/**
 * Shared maths for the feature extractors: matrix shapes, the periodic Hann window, the STFT's per-frame
 * FFT kernel (fft.js), bin frequencies, the Slaney mel scale and small numeric helpers.
 *
 * Everything here mirrors librosa 0.11 (the reference users compare against), so each helper names the
 * librosa/scipy function it reproduces. Precomputed tables are cached by their parameters: building a
 * mel or chroma filterbank costs more than applying it to a whole clip.
 */
import FFT from 'fft.js';

/** A frame-major matrix: `data[frame * dims + d]` — one row per analysis frame. */
export interface FrameMatrix {
  frames: number;
  dims: number;
  data: Float32Array;
}

/** A row-major matrix with rows = coefficients and cols = frames (librosa's `[coefficient][frame]`). */
export interface FloatMatrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/**
 * The smallest positive normal float32 (`np.finfo(np.float32).tiny`). librosa's `util.normalize` uses
 * it as the default threshold below which a frame is left un-normalised (silent frames stay zero).
 */
export const FLOAT32_TINY = 1.1754943508222875e-38;

/** Number of centred frames librosa produces: the signal is padded by frameLength/2 on each side. */
export function centredFrameCount(nSamples: number, frameLength: number, hopLength: number): number {
  const half = Math.floor(frameLength / 2);
  return 1 + Math.floor((nSamples + 2 * half - frameLength) / hopLength);
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** Memoises a pure builder by a string key. Tables are immutable once built; callers must not mutate. */
export function memoize<T>(cache: Map<string, T>, key: string, build: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = build();
    cache.set(key, value);
  }
  return value;
}

const hannCache = new Map<string, Float64Array>();

/**
 * Periodic ("DFT-even") Hann window, `scipy.signal.get_window('hann', n, fftbins=True)`:
 * w[i] = 0.5 − 0.5·cos(2πi/n). librosa uses the periodic form; the symmetric one (n−1 in the
 * denominator, as Meyda uses) shifts every spectral value slightly.
 */
export function periodicHann(n: number): Float64Array {
  return memoize(hannCache, String(n), () => {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    return w;
  });
}

/** |STFT|² of one frame size under the periodic Hann window, with scratch buffers shared per size. */
export interface HannPowerFft {
  size: number;
  /**
   * Writes |DFT(hann · frame)|², bins k = 0 … size/2, into out[offset …]. `frame` holds the RAW samples
   * (length `size`, typically a subarray view of the padded clip: no copy).
   */
  power(frame: Float32Array, out: Float32Array, offset: number): void;
}

const fftCache = new Map<string, HannPowerFft>();

/**
 * The STFT's per-frame kernel: a real FFT via fft.js, windowed by the periodic Hann, squared. Buffers
 * are allocated once per size, so the frame loop allocates nothing but a subarray view. JavaScript is
 * single-threaded per isolate, so sharing the scratch is safe: `power()` finishes with it before returning.
 *
 * Two exact identities keep the per-frame work small:
 * - Real FFT from a half-size complex one: fft.js `transform(size/2)` on the frame read as pairs
 *   z[n] = x[2n] + i·x[2n+1], then X[k] = E[k] + e^(−2πik/N)·O[k] with E = (Z[k] + conj Z[M−k])/2 and
 *   O = (Z[k] − conj Z[M−k])/2i (fft.js at 2048: realTransform 21 µs, complex 1024 12 µs).
 * - The periodic Hann is 0.5 − 0.25·e^(2πin/N) − 0.25·e^(−2πin/N), so windowing is the 3-tap kernel
 *   Xw[k] = 0.5·X[k] − 0.25·(X[k−1] + X[k+1]) on the spectrum, with X[−1] = conj X[1] and
 *   X[M+1] = conj X[M−1]. That saves multiplying (and copying) every sample of every frame.
 *
 * The frequency-domain window is exact up to rounding relative to the UNWINDOWED frame's scale. The
 * only frames where that differs from time-domain windowing are ones whose energy sits where the
 * window is (almost) zero — e.g. a frame whose only non-zero sample is its first, which librosa turns
 * into exact zeros. When the windowed energy is below 1e-20 of the raw energy — rounding level; a lone
 * sample one position in from the edge already scores w[1]² ≈ 5.5e-12 — the frame is recomputed with
 * the window applied in the time domain.
 */
export function hannPowerFft(size: number): HannPowerFft {
  return memoize(fftCache, String(size), () => {
    const m = size / 2;
    const fft = new FFT(m);
    const window = periodicHann(size);
    const z = new Float64Array(size);
    const spec = new Float64Array(size + 2); // X[k] for k = 0 … m, interleaved (re, im)
    const windowed = new Float64Array(size); // only for the time-domain fallback
    const cos = new Float64Array(m);
    const sin = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / size);
      sin[k] = Math.sin((2 * Math.PI * k) / size);
    }

    /** FFT of `frame` into `spec`; returns Σ|X[k]|² over k = 0 … m. */
    const transform = (frame: Float32Array | Float64Array): number => {
      fft.transform(z, frame);
      // k = 0 and k = m: Z[m] wraps to Z[0], the twiddle is ±1, and both bins are real.
      const z0r = z[0] as number;
      const z0i = z[1] as number;
      spec[0] = z0r + z0i;
      spec[1] = 0;
      spec[2 * m] = z0r - z0i;
      spec[2 * m + 1] = 0;
      let energy = (z0r + z0i) * (z0r + z0i) + (z0r - z0i) * (z0r - z0i);
      for (let k = 1; k < m; k++) {
        const ar = z[2 * k] as number;
        const ai = z[2 * k + 1] as number;
        const br = z[2 * (m - k)] as number;
        const bi = -(z[2 * (m - k) + 1] as number); // conj Z[m − k]
        const er = 0.5 * (ar + br);
        const ei = 0.5 * (ai + bi);
        // (A − B) / 2i = (Im(A − B) − i·Re(A − B)) / 2
        const or = 0.5 * (ai - bi);
        const oi = -0.5 * (ar - br);
        // × e^(−iθ) = cos θ − i sin θ
        const c = cos[k] as number;
        const s = sin[k] as number;
        const re = er + or * c + oi * s;
        const im = ei + oi * c - or * s;
        spec[2 * k] = re;
        spec[2 * k + 1] = im;
        energy += re * re + im * im;
      }
      return energy;
    };

    const power = (frame: Float32Array, out: Float32Array, offset: number): void => {
      const rawEnergy = transform(frame);
      // Edge bins: the neighbours are X[1] and its conjugate (k = 0), X[m−1] and its conjugate (k = m).
      const p0 = 0.5 * (spec[0] as number) - 0.5 * (spec[2] as number);
      const pm = 0.5 * (spec[2 * m] as number) - 0.5 * (spec[2 * m - 2] as number);
      out[offset] = p0 * p0;
      out[offset + m] = pm * pm;
      let energy = p0 * p0 + pm * pm;
      let prevRe = spec[0] as number;
      let prevIm = spec[1] as number;
      let re = spec[2] as number;
      let im = spec[3] as number;
      for (let k = 1; k < m; k++) {
        const nextRe = spec[2 * k + 2] as number;
        const nextIm = spec[2 * k + 3] as number;
        const wr = 0.5 * re - 0.25 * (prevRe + nextRe);
        const wi = 0.5 * im - 0.25 * (prevIm + nextIm);
        const p = wr * wr + wi * wi;
        out[offset + k] = p;
        energy += p;
        prevRe = re;
        prevIm = im;
        re = nextRe;
        im = nextIm;
      }
      if (energy < 1e-20 * rawEnergy) {
        for (let i = 0; i < size; i++) windowed[i] = (window[i] as number) * (frame[i] as number);
        transform(windowed);
        for (let k = 0; k <= m; k++) {
          const r = spec[2 * k] as number;
          const j = spec[2 * k + 1] as number;
          out[offset + k] = r * r + j * j;
        }
      }
    };
    return { size, power };
  });
}

const freqCache = new Map<string, Float64Array>();

/**
 * `librosa.fft_frequencies` (= `np.fft.rfftfreq(n_fft, 1/sr)`): the frequency of each of the n_fft/2+1
 * rfft bins in Hz, with numpy's exact arithmetic k · (1 / (n · (1/sr))) so bin frequencies round alike.
 */
export function fftFrequencies(sampleRate: number, nFft: number): Float64Array {
  return memoize(freqCache, `${sampleRate}|${nFft}`, () => {
    const bins = nFft / 2 + 1;
    const binHz = 1 / (nFft * (1 / sampleRate));
    const f = new Float64Array(bins);
    for (let k = 0; k < bins; k++) f[k] = k * binHz;
    return f;
  });
}

// Slaney's Auditory Toolbox mel scale (librosa htk=False): linear below 1 kHz, logarithmic above.
const MEL_F_SP = 200 / 3;
const MEL_MIN_LOG_HZ = 1000;
const MEL_MIN_LOG_MEL = MEL_MIN_LOG_HZ / MEL_F_SP;
const MEL_LOGSTEP = Math.log(6.4) / 27;

/** `librosa.hz_to_mel(f, htk=False)`. */
export function hzToMel(hz: number): number {
  return hz >= MEL_MIN_LOG_HZ ? MEL_MIN_LOG_MEL + Math.log(hz / MEL_MIN_LOG_HZ) / MEL_LOGSTEP : hz / MEL_F_SP;
}

/** `librosa.mel_to_hz(m, htk=False)`. */
export function melToHz(mel: number): number {
  return mel >= MEL_MIN_LOG_MEL ? MEL_MIN_LOG_HZ * Math.exp(MEL_LOGSTEP * (mel - MEL_MIN_LOG_MEL)) : MEL_F_SP * mel;
}

/** `librosa.mel_frequencies(n, fmin, fmax, htk=False)`: n points evenly spaced on the mel scale, in Hz. */
export function melFrequencies(n: number, fmin: number, fmax: number): Float64Array {
  const lo = hzToMel(fmin);
  const hi = hzToMel(fmax);
  const out = new Float64Array(n);
  // np.linspace: start + i·step, with the last point exactly `stop`.
  const step = n > 1 ? (hi - lo) / (n - 1) : 0;
  for (let i = 0; i < n; i++) out[i] = melToHz(i === n - 1 && n > 1 ? hi : lo + i * step);
  return out;
}

/** Frame-major → librosa's `[coefficient][frame]` layout (for plots and reference comparisons). */
export function toCoefficientMajor(m: FrameMatrix): FloatMatrix {
  const out = new Float32Array(m.frames * m.dims);
  for (let t = 0; t < m.frames; t++) {
    const row = t * m.dims;
    for (let d = 0; d < m.dims; d++) out[d * m.frames + t] = m.data[row + d] as number;
  }
  return { rows: m.dims, cols: m.frames, data: out };
}

/**
 * Autocorrelation r(τ) = Σ_j x_j·x_{j+τ} of frames up to `frameLength` samples, by FFT zero-padded to
 * twice that (so no wrap-around). The returned function reuses its buffers: the array it returns
 * (lags 0 … frameLength − 1) is overwritten by the next call.
 */
export function fftAutocorrelation(frameLength: number): (x: ArrayLike<number>) => Float64Array {
  const n = 2 * frameLength;
  const fft = new FFT(n);
  const input = new Float64Array(n);
  const spectrum = fft.createComplexArray() as number[];
  const power = fft.createComplexArray() as number[];
  const back = fft.createComplexArray() as number[];
  const r = new Float64Array(frameLength);
  return (x) => {
    input.fill(0);
    for (let j = 0; j < Math.min(x.length, frameLength); j++) input[j] = x[j] as number;
    fft.realTransform(spectrum, input);
    fft.completeSpectrum(spectrum);
    for (let k = 0; k < n; k++) {
      power[2 * k] = (spectrum[2 * k] as number) ** 2 + (spectrum[2 * k + 1] as number) ** 2;
      power[2 * k + 1] = 0;
    }
    fft.inverseTransform(back, power);
    for (let lag = 0; lag < frameLength; lag++) r[lag] = back[2 * lag] as number;
    return r;
  };
}

