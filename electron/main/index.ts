/**
 * Electron lifecycle: one instance, one hardened window, the engine behind IPC. Everything that is not
 * about Electron lives in electron/core and runs identically under plain Node.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { createEngine, type Engine } from '../core/engine';
import { resolveDbPath, resolveHome } from '../core/paths';
import { registerIpc } from './ipc';
import { installAppMenu } from './menu';
import { senderCheck } from './trust';

const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_INDEX = path.join(here, '../renderer/index.html');
const PRELOAD = path.join(here, '../preload/index.cjs');
const DEV_SERVER_URL = process.env.ELECTRON_RENDERER_URL;

let mainWindow: BrowserWindow | null = null;
let engine: Engine | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 900,
    minHeight: 600,
    title: 'Emotion Studio',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // The app never navigates away from its own page, and never opens windows or external links (it has
  // none): no shell.openExternal, so a compromised page cannot launch other programs through URLs.
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  if (DEV_SERVER_URL) void win.loadURL(DEV_SERVER_URL);
  else void win.loadFile(RENDERER_INDEX);
  return win;
}

/** Only the main frame of the app's own window, showing the app's own page, may call the engine. */
const isTrustedSender = senderCheck({
  trustedContents: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null),
  rendererIndexFile: RENDERER_INDEX,
  devServerUrl: DEV_SERVER_URL,
});

async function chooseFolder(): Promise<string | null> {
  const options = { title: 'Open RAVDESS folder', properties: ['openDirectory' as const] };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

async function chooseAudioFile(): Promise<string | null> {
  const options = { title: 'Open a WAV file', properties: ['openFile' as const], filters: [{ name: 'WAV audio', extensions: ['wav', 'wave'] }] };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

// Electron's single-instance lock lives in userData: pointing userData at the data folder makes it one
// app instance per data folder (EMOTION_STUDIO_HOME), the same folder the CLI and browser mode use.
app.setPath('userData', resolveHome());

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  app.whenReady().then(() => {
    // Deny every permission request (camera, notifications, …): nothing in the app needs one yet.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);

    engine = createEngine({
      dbPath: resolveDbPath(undefined),
      host: { mode: 'electron', chooseFolder, chooseAudioFile, openPath: (folder) => shell.openPath(folder) },
      extractWorker: pathToFileURL(path.join(here, 'extractWorker.js')),
      trainWorker: pathToFileURL(path.join(here, 'trainWorker.js')),
      predictWorker: pathToFileURL(path.join(here, 'predictWorker.js')),
      indexWorker: pathToFileURL(path.join(here, 'indexWorker.js')),
    });
    registerIpc(engine, { ipcMain, isTrustedSender, windows: () => BrowserWindow.getAllWindows() });
    installAppMenu(path.dirname(resolveDbPath(undefined)));
    mainWindow = createWindow();
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
  }, (err: unknown) => {
    dialog.showErrorBox('Emotion Studio could not start', err instanceof Error ? err.message : String(err));
    app.quit();
  });

  app.on('window-all-closed', () => {
    void engine?.close().finally(() => app.quit());
  });
}
