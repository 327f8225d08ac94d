import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDataDir, resolveDbPath, resolveHome } from '../../../electron/core/paths';

describe('data location', () => {
  it('uses the OS app-data folder, as Electron userData does', () => {
    expect(appDataDir({}, 'linux')).toBe(path.join(os.homedir(), '.config', 'emotion-studio'));
    expect(appDataDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux')).toBe(path.join('/xdg', 'emotion-studio'));
    expect(appDataDir({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'emotion-studio'));
    expect(appDataDir({ APPDATA: 'C:\\Users\\r\\AppData\\Roaming' }, 'win32')).toBe(path.join('C:\\Users\\r\\AppData\\Roaming', 'emotion-studio'));
  });

  it('EMOTION_STUDIO_HOME overrides the app-data folder, and --db overrides both', () => {
    expect(resolveHome({ EMOTION_STUDIO_HOME: '/data/es' })).toBe('/data/es');
    expect(resolveDbPath(undefined, { EMOTION_STUDIO_HOME: '/data/es' })).toBe('/data/es/emotion-studio.sqlite');
    expect(resolveDbPath('rel/my.sqlite', { EMOTION_STUDIO_HOME: '/data/es' })).toBe(path.resolve('rel/my.sqlite'));
    expect(resolveDbPath(undefined, { XDG_CONFIG_HOME: '/xdg' })).toMatch(/emotion-studio\.sqlite$/);
  });
});
