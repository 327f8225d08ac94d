import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../electron/core/config';
import { DEFAULT_CONFIG } from '../../../shared/config';
import { REPO_ROOT } from '../../helpers/cli';
import { tempDir } from '../../helpers/fixtureCorpus';

describe('config files', () => {
  it('configs/default.yaml holds exactly the defaults', () => {
    expect(loadConfigFile(path.join(REPO_ROOT, 'configs/default.yaml'))).toEqual(DEFAULT_CONFIG);
  });

  it('configs/all-emotions.yaml lists all eight emotions and otherwise equals the default', () => {
    const c = loadConfigFile(path.join(REPO_ROOT, 'configs/all-emotions.yaml'));
    expect(Object.values(c.data.emotions)).toEqual(['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised']);
    expect({ ...c, data: { ...c.data, emotions: DEFAULT_CONFIG.data.emotions } }).toEqual(DEFAULT_CONFIG);
  });

  it('configs/seed.yaml parses and keeps the seed project\'s recipe with every newer knob off', () => {
    const c = loadConfigFile(path.join(REPO_ROOT, 'configs/seed.yaml'));
    expect(c.model).toMatchObject({ name: 'advanced_dnn', hidden_layers: [256, 128, 64], dropout_rates: [0.4, 0.4, 0.3], input_noise: 0, ensemble: 1 });
    expect(c.training).toMatchObject({ learning_rate: 0.0005, batch_size: 32, epochs: 100, label_smoothing: 0, validation_fraction: 0.1, early_stopping: { patience: 10, smoothing: 0 } });
    expect(Object.values(c.data.emotions)).toEqual(['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful']);
    // Data and features are the default ones, but without speaker normalisation (the seed had none):
    // the seed's recipe differs only in how it trains and in seeing raw features.
    expect(c.data).toEqual(DEFAULT_CONFIG.data);
    expect(c.features).toEqual({ ...DEFAULT_CONFIG.features, speaker_normalization: 'none' });
  });

  it('configs/kfold-6.yaml is the default with 6 actor folds and the fold ensemble deployed', () => {
    const c = loadConfigFile(path.join(REPO_ROOT, 'configs/kfold-6.yaml'));
    expect(c.training).toMatchObject({ split: 'actor_kfold', k: 6, kfold_model: 'ensemble' });
    expect({ ...c, training: { ...c.training, split: 'actor', k: DEFAULT_CONFIG.training.k } }).toEqual(DEFAULT_CONFIG);
  });

  it('names the file and the problem', () => {
    const dir = tempDir('cfg');
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'training:\n  epochs: 0\n  optimizer: sgd\n');
    expect(() => loadConfigFile(bad)).toThrow(`${bad}: training.epochs: got 0, expected a number ≥ 1; Unknown key training.optimizer`);
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, 'data: [unclosed\n');
    expect(() => loadConfigFile(broken)).toThrow(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid YAML`));
    expect(() => loadConfigFile(path.join(dir, 'missing.yaml'))).toThrow(`${path.join(dir, 'missing.yaml')}: config file does not exist`);
  });
});
