/**
 * Electron transport: one `ipcMain.handle` per contract method (channel derived from the name), each
 * checking its sender before `dispatch` validates the payload. Events go to every live window.
 * Electron itself is injected (`ipcMain`, the windows), so the transport is tested under plain Node.
 */
import { IPC_EVENT_CHANNEL, ipcChannel, METHOD_NAMES, type EventMessage } from '../../shared/contract';
import type { RpcResult } from '../../shared/errors';
import type { Engine } from '../core/engine';
import { dispatch } from '../core/rpc';

/** The part of Electron's `ipcMain` used here. */
export interface IpcMainLike<E> {
  handle(channel: string, listener: (event: E, payload: unknown) => Promise<RpcResult<unknown>>): void;
  removeHandler(channel: string): void;
}

/** The part of a `BrowserWindow` used to push events. */
export interface EventWindow {
  isDestroyed(): boolean;
  webContents: { isDestroyed(): boolean; send(channel: string, message: EventMessage): void };
}

export interface IpcDeps<E> {
  ipcMain: IpcMainLike<E>;
  /** Runs first on every call; a false answer refuses the call before its payload is even parsed. */
  isTrustedSender: (event: E) => boolean;
  /** The windows events are pushed to (`BrowserWindow.getAllWindows`). */
  windows: () => readonly EventWindow[];
}

export function registerIpc<E>(engine: Pick<Engine, 'handlers' | 'subscribe'>, deps: IpcDeps<E>): () => void {
  const { ipcMain, isTrustedSender, windows } = deps;
  for (const method of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), async (event, payload): Promise<RpcResult<unknown>> => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: `${method} refused: the caller is not an Emotion Studio window` } };
      }
      return dispatch(engine.handlers, method, payload);
    });
  }
  const unsubscribe = engine.subscribe((message: EventMessage) => {
    for (const win of windows()) {
      if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, message);
    }
  });
  return () => {
    unsubscribe();
    for (const method of METHOD_NAMES) ipcMain.removeHandler(ipcChannel(method));
  };
}
