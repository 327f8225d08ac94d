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
