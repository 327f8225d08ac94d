/** Axis and colour ranges for the feature plots, from the engine's `ClipFeatures`. Pure. */
import type { ClipFeatures } from '../../../../shared/features';
import { dbRange, finiteExtent, symmetricRange, type ValueRange } from '../../lib/charts/matrixImage';
import { niceCeil } from '../../lib/charts/ticks';

/** Seconds of the recording the frames cover (the analysed window). */
export function featureTime(f: Pick<ClipFeatures, 'offsetSec' | 'durationSec'>): ValueRange {
  return { min: f.offsetSec, max: f.offsetSec + f.durationSec };
}

/** The log-mel colour range: 80 dB below the loudest cell. */
export function logMelRange(f: Pick<ClipFeatures, 'logMel'>): ValueRange {
  return dbRange(f.logMel.data, 80);
}

/** MFCC colour range: symmetric, from the coefficients after c0 (c0 saturates). */
export function mfccRange(f: Pick<ClipFeatures, 'mfcc'>): ValueRange {
  return symmetricRange(f.mfcc, 0.98, 1);
}

/** 0 to a nice number above the largest value. */
export function zeroBasedDomain(values: readonly number[], cap = Number.POSITIVE_INFINITY): ValueRange {
  const { max } = finiteExtent(values);
  return { min: 0, max: Math.min(niceCeil(max * 1.05), cap) };
}

export function formatKHz(value: number, step: number): string {
  if (value === 0) return '0';
  return step >= 1000 ? `${value / 1000}k` : `${(value / 1000).toFixed(1)}k`;
}
