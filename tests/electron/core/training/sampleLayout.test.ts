import { describe, expect, it } from 'vitest';
import { featureSpec } from '../../../../electron/core/extraction/featureConfig';
import { featureLayout } from '../../../../electron/core/features';
import { modelSample, modelSampleLayout, sampleLayoutFromNames } from '../../../../electron/core/training/data';
import { DEFAULT_CONFIG, SEQUENCE_GROUP_NAMES } from '../../../../shared/config';

const dsp = featureSpec(DEFAULT_CONFIG).dsp;
const layout = featureLayout(dsp);

describe('features.sequence: the channels a sequence model sees', () => {
  it('the default is the seed’s MFCC + log-mel (104 channels)', () => {
    const l = modelSampleLayout('sequence', dsp, DEFAULT_CONFIG.features.sequence);
    expect(l.featureNames).toHaveLength(104);
    expect(l.featureNames.slice(0, 2)).toEqual(['mfcc_0', 'mfcc_1']);
    expect(l.featureNames[40]).toBe('logmel_0');
  });

  it('every group: all 201 frame dimensions, in the sequence’s own order whatever the list’s order', () => {
    const l = modelSampleLayout('sequence', dsp, [...SEQUENCE_GROUP_NAMES].reverse());
    expect(l.featureNames).toEqual(layout.names);
    expect(l.channelIndex).toEqual(layout.names.map((_, i) => i));
  });

  it.each([
    [['deltas'], 80, 'mfcc_delta_0', 'mfcc_delta2_39'],
    [['spectral', 'temporal'], 5, 'spectral_centroid', 'rms'],
    [['chroma', 'mfcc'], 52, 'mfcc_0', 'chroma_11'],
  ] as const)('%j → %i channels from %s to %s', (groups, n, first, last) => {
    const l = modelSampleLayout('sequence', dsp, groups);
    expect(l.featureNames).toHaveLength(n);
    expect(l.featureNames[0]).toBe(first);
    expect(l.featureNames[n - 1]).toBe(last);
  });

  it('a model sample holds exactly the chosen channels of each frame', () => {
    const frames = 3;
    const sequence = Float32Array.from({ length: frames * layout.dims }, (_, i) => i);
    const l = modelSampleLayout('sequence', dsp, ['temporal']);
    const sample = modelSample(l, { frames, dims: layout.dims, sequence, stats: new Float32Array(2 * layout.dims) });
    const zcr = layout.names.indexOf('zcr');
    expect(Array.from(sample)).toEqual([0, 1, 2].flatMap((t) => [t * layout.dims + zcr, t * layout.dims + zcr + 1]));
  });

  it('deltas without include_delta are refused by name', () => {
    expect(() => modelSampleLayout('sequence', { ...dsp, includeDelta: false }, ['deltas'])).toThrow(/mfcc_delta, mfcc_delta2 not extracted/);
  });

  it('a saved model’s layout is read back from its featureNames (any groups; unknown or repeated names refused)', () => {
    const chosen = modelSampleLayout('sequence', dsp, ['mfcc', 'chroma']);
    expect(sampleLayoutFromNames('sequence', dsp, chosen.featureNames)).toEqual(chosen);
    expect(sampleLayoutFromNames('stats', dsp, layout.statNames)).toEqual(modelSampleLayout('stats', dsp, DEFAULT_CONFIG.features.sequence));
    expect(() => sampleLayoutFromNames('sequence', dsp, ['mfcc_0', 'pitch_0'])).toThrow(/"pitch_0" is not a channel/);
    expect(() => sampleLayoutFromNames('sequence', dsp, ['mfcc_0', 'mfcc_0'])).toThrow(/twice/);
    expect(() => sampleLayoutFromNames('stats', dsp, layout.statNames.slice(1))).toThrow(/stats layout/);
  });
});
