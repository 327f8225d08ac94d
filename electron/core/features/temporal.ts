/**
 * Time-domain features on centred frames of the raw samples (no window), as librosa 0.11 frames them:
 * frame t covers samples [t·hop − frameLength/2, t·hop + frameLength/2). The two differ in padding —
 * librosa's zero_crossing_rate pads with the EDGE sample, rms with zeros (pad_mode='constant').
 */
import { centredFrameCount } from './dsp';

export interface FramingOptions {
  /** Samples per frame. Default 2048. */
  frameLength?: number;
  /** Samples between frame centres. Default 512. */
  hopLength?: number;
}

export interface ZcrOptions extends FramingOptions {
  /** |x| ≤ threshold counts as zero (and zero counts as positive). librosa's default 1e-10. */
  threshold?: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Frames overlap (by 3/4 with the defaults), so both features are summed per block of g = gcd(hop,
 * frameLength) samples — every frame edge falls on a block edge — and each frame adds up its
 * frameLength/g blocks: one pass over the samples instead of one per overlapping frame. Block b covers
 * samples [b·g − half, (b+1)·g − half), so frame t is blocks t·hop/g … (t·hop + frameLength)/g − 1.
 */
interface BlockGrid {
  frames: number;
  half: number;
  size: number;
  count: number;
  perFrame: number;
  perHop: number;
}

function blockGrid(n: number, frameLength: number, hopLength: number): BlockGrid {
  const frames = centredFrameCount(n, frameLength, hopLength);
  const size = gcd(hopLength, frameLength);
  const perFrame = frameLength / size;
  const perHop = hopLength / size;
  return { frames, half: Math.floor(frameLength / 2), size, count: (frames - 1) * perHop + perFrame, perFrame, perHop };
}

function checkFraming(frameLength: number, hopLength: number): void {
  if (!Number.isInteger(frameLength) || frameLength < 1) throw new Error(`frameLength must be a positive integer, got ${frameLength}`);
  if (!Number.isInteger(hopLength) || hopLength < 1) throw new Error(`hopLength must be a positive integer, got ${hopLength}`);
}

/**
 * `librosa.feature.zero_crossing_rate(y, frame_length, hop_length, center=True)`: per frame, the number
 * of adjacent sample pairs whose sign bits differ, divided by frameLength (librosa takes the mean of
 * frameLength flags, the first of which is a pad=False slot, so the divisor is frameLength, not −1).
 *
 * librosa's zero_crossings first sets |x| ≤ threshold to +0, then compares `signbit`: so a sample is
 * "negative" exactly when x < −threshold. Edge padding repeats the first/last sample, which never
 * creates a crossing, so only pairs inside the clip count.
 */
export function zeroCrossingRate(
  samples: Float32Array,
  { frameLength = 2048, hopLength = 512, threshold = 1e-10 }: ZcrOptions = {},
): Float32Array {
  checkFraming(frameLength, hopLength);
  const n = samples.length;
  const grid = blockGrid(n, frameLength, hopLength);
  // librosa compares float32 samples with the threshold in float32.
  const negBelow = -Math.fround(threshold);
  // A pair (a−1, a) belongs to the block holding a; a frame starting at sample s must not count the
  // pair (s−1, s), whose first sample lies outside it.
  const isCrossing = (a: number): boolean =>
    a >= 1 && a < n && (samples[a - 1] as number) < negBelow !== (samples[a] as number) < negBelow;
  const blocks = new Int32Array(grid.count);
  for (let b = 0; b < grid.count; b++) {
    const from = Math.max(1, b * grid.size - grid.half);
    const to = Math.min(n, (b + 1) * grid.size - grid.half);
    let count = 0;
    if (from < to) {
      // Sign flags as 0/1 and XOR: speech flips sign every few samples, so a branch would mispredict.
      let prevNeg = (samples[from - 1] as number) < negBelow ? 1 : 0;
      for (let a = from; a < to; a++) {
        const neg = (samples[a] as number) < negBelow ? 1 : 0;
        count += neg ^ prevNeg;
        prevNeg = neg;
      }
    }
    blocks[b] = count;
  }
  const out = new Float32Array(grid.frames);
  for (let t = 0; t < grid.frames; t++) {
    const first = t * grid.perHop;
    let count = isCrossing(t * hopLength - grid.half) ? -1 : 0;
    for (let b = first; b < first + grid.perFrame; b++) count += blocks[b] as number;
    out[t] = count / frameLength;
  }
  return out;
}

/**
 * `librosa.feature.rms(y, frame_length, hop_length, center=True, pad_mode='constant')`: √(mean x²) over
 * each zero-padded frame. Block sums (not a running prefix sum) keep an all-zero frame exactly 0 rather
 * than the rounding residue of a difference of large sums.
 */
export function rms(samples: Float32Array, { frameLength = 2048, hopLength = 512 }: FramingOptions = {}): Float32Array {
  checkFraming(frameLength, hopLength);
  const n = samples.length;
  const grid = blockGrid(n, frameLength, hopLength);
  const blocks = new Float64Array(grid.count);
  for (let b = 0; b < grid.count; b++) {
    const from = Math.max(0, b * grid.size - grid.half);
    const to = Math.min(n, (b + 1) * grid.size - grid.half);
    let acc = 0;
    for (let i = from; i < to; i++) {
      const x = samples[i] as number;
      acc += x * x;
    }
    blocks[b] = acc;
  }
  const out = new Float32Array(grid.frames);
  for (let t = 0; t < grid.frames; t++) {
    const first = t * grid.perHop;
    let acc = 0;
    for (let b = first; b < first + grid.perFrame; b++) acc += blocks[b] as number;
    out[t] = Math.sqrt(acc / frameLength);
  }
  return out;
}
