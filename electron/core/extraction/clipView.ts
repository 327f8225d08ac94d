/** The Clip view's plots, cut by name out of the features the engine extracted (and cached) for training. */
import type { ClipFeatures, Matrix } from '../../../shared/features';
import { EngineError } from '../../../shared/errors';
import type { StoredFeatures } from './cache';
import type { AudioOptions, DspOptions } from './featureConfig';

/** Rows `indices` of a frames × dims sequence, as a (indices.length) × frames matrix. */
function gather(f: StoredFeatures, indices: number[]): Matrix {
  const data = new Array<number>(indices.length * f.frames);
  indices.forEach((dim, row) => {
    for (let t = 0; t < f.frames; t++) data[row * f.frames + t] = f.sequence[t * f.dims + dim] as number;
  });
  return { rows: indices.length, cols: f.frames, data };
}

function indicesOf(names: readonly string[], pattern: RegExp, what: string): number[] {
  const found = names.flatMap((name, i) => (pattern.test(name) ? [i] : []));
  if (found.length === 0) throw new EngineError('INTERNAL', `feature layout has no ${what}`);
  return found;
}

export function clipFeaturesView(clipId: number | null, f: StoredFeatures, names: readonly string[], audio: AudioOptions, dsp: DspOptions): ClipFeatures {
  if (names.length !== f.dims) throw new EngineError('INTERNAL', `feature layout names ${names.length} dims, the cache holds ${f.dims}`);
  const row = (pattern: RegExp, what: string) => gather(f, indicesOf(names, pattern, what)).data;
  return {
    clipId,
    sampleRate: dsp.sampleRate,
    hopLength: dsp.hopLength,
    offsetSec: audio.offsetSec,
    durationSec: audio.durationSec,
    frames: f.frames,
    logMel: gather(f, indicesOf(names, /^logmel_\d+$/, 'log-mel bands')),
    mfcc: gather(f, indicesOf(names, /^mfcc_\d+$/, 'MFCC')),
    rms: row(/^rms$/, 'RMS'),
    centroidHz: row(/^spectral_centroid$/, 'spectral centroid'),
  };
}
