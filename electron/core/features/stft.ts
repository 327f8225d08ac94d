/**
 * The power spectrogram |STFT|² — computed once per clip; every spectral feature derives from it.
 *
 * Matches `np.abs(librosa.stft(y, n_fft, hop_length, window='hann', center=True, pad_mode='constant'))**2`:
 * periodic Hann, frame t centred on sample t·hop (the signal is zero-padded by n_fft/2 on both sides),
 * so a clip of n samples gives 1 + ⌊n / hop⌋ frames.
 */
import { centredFrameCount, hannPowerFft, isPowerOfTwo } from './dsp';

/** Frame-major power spectrum: `data[frame * bins + k]`, bins = nFft/2 + 1 (DC … Nyquist). */
export interface PowerSpectrogram {
  frames: number;
  bins: number;
  nFft: number;
  hopLength: number;
  data: Float32Array;
}

export interface StftOptions {
  /** FFT size and window length (a power of two). Default 2048. */
  nFft?: number;
  /** Samples between frame centres. Default 512. */
  hopLength?: number;
}

export function powerSpectrogram(samples: Float32Array, { nFft = 2048, hopLength = 512 }: StftOptions = {}): PowerSpectrogram {
  if (!isPowerOfTwo(nFft) || nFft < 4) throw new Error(`nFft must be a power of two ≥ 4, got ${nFft}`);
  if (!Number.isInteger(hopLength) || hopLength < 1) throw new Error(`hopLength must be a positive integer, got ${hopLength}`);
  const bins = nFft / 2 + 1;
  const frames = centredFrameCount(samples.length, nFft, hopLength);
  const fft = hannPowerFft(nFft);
  // librosa's center=True, pad_mode='constant': n_fft/2 zeros before the clip and enough after it for
  // the last frame. One copy per clip; each frame is then a view into it.
  const padded = new Float32Array((frames - 1) * hopLength + nFft);
  padded.set(samples, nFft / 2);
  const data = new Float32Array(frames * bins);
  for (let t = 0; t < frames; t++) {
    const start = t * hopLength;
    fft.power(padded.subarray(start, start + nFft), data, t * bins);
  }
  return { frames, bins, nFft, hopLength, data };
}
