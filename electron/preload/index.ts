/**
 * The preload bridge, derived from the contract: `window.api` is a `Transport` — `invoke` for any
 * contract method, `subscribe` for pushed events. Nothing else of Electron or Node reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Transport } from '../../shared/client';
import { IPC_EVENT_CHANNEL, ipcChannel, isEventName, isMethodName, type EventMessage } from '../../shared/contract';
import type { RpcResult } from '../../shared/errors';

const api: Transport = {
  invoke(method, payload) {
    if (!isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method ${String(method)}` } });
    }
    return ipcRenderer.invoke(ipcChannel(method), payload) as Promise<RpcResult<unknown>>;
  },
  subscribe(listener) {
    const handler = (_event: IpcRendererEvent, message: EventMessage) => {
      if (isEventName(message?.event)) listener(message);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
