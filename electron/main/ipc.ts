/**
 * Electron transport: one `ipcMain.handle` per contract method (channel derived from the name), each
 * checking its sender before `dispatch` validates the payload. Events go to every live window.
 */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_EVENT_CHANNEL, ipcChannel, METHOD_NAMES, type EventMessage } from '../../shared/contract';
import type { RpcResult } from '../../shared/errors';
import type { Engine } from '../core/engine';
import { dispatch } from '../core/rpc';

export function registerIpc(engine: Engine, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): () => void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), async (event, payload: unknown): Promise<RpcResult<unknown>> => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: `${method} refused: the caller is not an Emotion Studio window` } };
      }
      return dispatch(engine.handlers, method, payload);
    });
  }
  const unsubscribe = engine.subscribe((message: EventMessage) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, message);
    }
  });
  return () => {
    unsubscribe();
    for (const method of METHOD_NAMES) ipcMain.removeHandler(ipcChannel(method));
  };
}
