/**
 * Where Emotion Studio keeps its data. The app, the CLI and browser mode agree on one location so a
 * model trained from the CLI shows up in the app.
 */
import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'emotion-studio';
export const DB_FILE_NAME = 'emotion-studio.sqlite';

/** The OS's per-user app-data folder for this app (the same place Electron's `userData` points to). */
export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), APP_DIR_NAME);
}

/** `EMOTION_STUDIO_HOME` overrides the app-data folder. */
export function resolveHome(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.EMOTION_STUDIO_HOME;
  return override ? path.resolve(override) : appDataDir(env);
}

/** `--db FILE` wins over `EMOTION_STUDIO_HOME`, which wins over the app-data folder. */
export function resolveDbPath(dbOption: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return dbOption ? path.resolve(dbOption) : path.join(resolveHome(env), DB_FILE_NAME);
}
