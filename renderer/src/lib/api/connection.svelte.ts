/** The renderer's view of its link to the engine, for the connection banner and re-syncing. */
import type { SocketStatus } from './wsTransport';

export type ConnectionStatus = SocketStatus | 'unavailable';

export class ConnectionState {
  status = $state<ConnectionStatus>('connecting');
  /** Why the API is unavailable (only for `unavailable`). */
  detail = $state<string | null>(null);
  /** True once the link has dropped after being open at least once: the next open is a reconnect. */
  #lostAfterOpen = false;
  #reconnectListeners: Array<() => void> = [];

  constructor(initial: ConnectionStatus = 'connecting') {
    this.status = initial;
  }

  readonly reachable = $derived(this.status === 'open');

  set(status: ConnectionStatus, detail: string | null = null): void {
    const wasOpen = this.status === 'open';
    this.status = status;
    this.detail = detail;
    if (wasOpen && status !== 'open') this.#lostAfterOpen = true;
    if (status === 'open' && this.#lostAfterOpen) {
      this.#lostAfterOpen = false;
      for (const listener of this.#reconnectListeners.slice()) listener();
    }
  }

  /** Called every time the link comes back after a drop, until `signal` aborts. */
  onReconnect(listener: () => void, signal?: AbortSignal): () => void {
    if (signal?.aborted) return () => {};
    const entry = (): void => listener();
    this.#reconnectListeners.push(entry);
    const off = (): void => {
      this.#reconnectListeners = this.#reconnectListeners.filter((l) => l !== entry);
    };
    signal?.addEventListener('abort', off, { once: true });
    return off;
  }
}
