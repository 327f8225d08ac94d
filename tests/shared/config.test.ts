import { describe, expect, it } from 'vitest';
import { configEmotions, DEFAULT_CONFIG, parseConfig } from '../../shared/config';

describe('config schema', () => {
  it('fills every extension with its default and keeps the seed keys', () => {
    const r = parseConfig({ data: { duration: 2.5 }, training: { epochs: 5 } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.data).toMatchObject({ sampling_rate: 22050, duration: 2.5, offset: 0.5, pre_emphasis: 0.97, normalize: 'peak' });
    expect(r.config.training).toMatchObject({ epochs: 5, batch_size: 32, split: 'actor', early_stopping: { patience: 15, smoothing: 0.7 } });
    expect(configEmotions(DEFAULT_CONFIG)).toEqual(['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful']);
  });

  it.each([
    [{ data: { foo: 1 } }, 'Unknown key data.foo'],
    [{ extra: true }, 'Unknown key extra'],
    [{ training: { early_stopping: { patience: 3, delta: 0.1 } } }, 'Unknown key training.early_stopping.delta'],
    [{ training: { epochs: -3 } }, 'training.epochs: got -3, expected a number ≥ 1'],
    [{ training: { epochs: 2.5 } }, 'training.epochs: got 2.5, expected an integer'],
    [{ training: { learning_rate: 'fast' } }, 'training.learning_rate: got "fast", expected a number'],
    [{ model: { name: 'transformer' } }, 'model.name: got "transformer", expected one of "advanced_dnn", "cnn", "lstm"'],
    [{ features: { include_delta: 'yes' } }, 'features.include_delta: got "yes", expected a boolean'],
    [{ features: { n_fft: 1000 } }, 'features.n_fft: got 1000, expected a power of two from 256 to 8192'],
    [{ data: { pre_emphasis: 1.2 } }, 'data.pre_emphasis: got 1.2, expected a number < 1'],
    [{ model: { hidden_layers: [64, 32], dropout_rates: [0.2] } }, 'model.dropout_rates: got [0.2], expected one dropout rate per hidden layer (or none)'],
    [{ data: { emotions: { '01': 'calm', '02': 'neutral' } } }, 'data.emotions: got {"01":"calm","02":"neutral"}, expected each code mapped to its RAVDESS name'],
    [{ data: { emotions: { '09': 'neutral', '01': 'neutral' } } }, 'data.emotions.09: key "09" is invalid, expected a RAVDESS emotion code "01".."08"'],
    [{ training: { test_actors: [1, 2], validation_actors: [2, 3] } }, 'training.validation_actors: got [2,3], expected no actor that is also in test_actors'],
    [{ training: { test_actors: [3, 3] } }, 'training.test_actors: got [3,3], expected each actor at most once'],
    [{ training: { test_fraction: 0.6, validation_fraction: 0.4 } }, 'training.validation_fraction: got 0.4, expected a value that leaves clips for training (test_fraction + validation_fraction < 1)'],
    [{ features: { n_mfcc: 60, mfcc_n_mels: 40 } }, 'features.n_mfcc: got 60, expected at most mfcc_n_mels'],
    [{ training: { test_actors: [25] } }, 'training.test_actors.0: got 25, expected a number ≤ 24'],
    [{ features: { sequence: ['mfcc', 'pitch'] } }, 'features.sequence.1: got "pitch", expected one of "mfcc", "deltas", "logmel"'],
    [{ features: { sequence: [] } }, 'features.sequence: got [], expected'],
    [{ features: { sequence: ['mfcc', 'mfcc'] } }, 'features.sequence: got ["mfcc","mfcc"], expected each group at most once'],
    [{ features: { include_delta: false, sequence: ['deltas'] } }, `features.sequence: got ["deltas"], expected 'deltas' needs include_delta: true`],
  ])('%j → %s', (input, message) => {
    const r = parseConfig(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toContain(message);
  });
});
