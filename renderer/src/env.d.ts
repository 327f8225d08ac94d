import type { Transport } from '../../shared/client';

declare global {
  interface Window {
    /** In Electron the preload exposes exactly a `Transport` here; absent in browser mode. */
    api?: Transport;
  }
}

export {};
