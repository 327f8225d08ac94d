/**
 * Who may call the engine. Kept free of Electron imports (it reads events structurally) so it is
 * unit-tested under Node. The app loads either the built renderer from disk
 * (file://…/out/renderer/index.html) or, in development, electron-vite's dev server (ELECTRON_RENDERER_URL).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export function trustedRendererUrl(url: string, rendererIndexFile: string, devServerUrl: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    if (parsed.origin === dev.origin) return true;
  }
  if (parsed.protocol !== 'file:') return false;
  const expected = pathToFileURL(path.resolve(rendererIndexFile));
  return parsed.pathname === expected.pathname;
}

/** What the sender check reads of an `ipcMain.handle` event (Electron's `IpcMainInvokeEvent`). */
export interface InvokeEventLike {
  sender: unknown;
  /** Null once the frame has navigated away or is gone. */
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface SenderCheckOptions {
  /** The webContents of the app's window, or null while there is none. */
  trustedContents: () => unknown;
  rendererIndexFile: string;
  devServerUrl: string | undefined;
}

/**
 * The check every IPC handler runs before anything else: the call comes from the main frame of the app's
 * own window, showing the app's own page. Another window (even one showing our page), a subframe, a
 * frame that navigated elsewhere or is gone: refused.
 */
export function senderCheck(options: SenderCheckOptions): (event: InvokeEventLike) => boolean {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    const trusted = options.trustedContents();
    return (
      trusted !== null &&
      trusted !== undefined &&
      event.sender === trusted &&
      trustedRendererUrl(frame.url, options.rendererIndexFile, options.devServerUrl)
    );
  };
}
