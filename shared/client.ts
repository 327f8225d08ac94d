/**
 * A typed client over any transport. The renderer uses it over `window.api` (Electron) or a WebSocket
 * (browser mode); tests use it over a WebSocket from Node. Typed errors are rethrown as `ApiError`.
 */
import type { EventMessage, EventName, EventPayloads, MethodInput, MethodName, MethodOutput } from './contract';
import { EngineError, type RpcResult } from './errors';

export interface Transport {
  invoke(method: MethodName, payload: unknown): Promise<RpcResult<unknown>>;
  /** Subscribe to every pushed event; returns the unsubscribe function. */
  subscribe(listener: (message: EventMessage) => void): () => void;
}

/** A typed error `{ code, message }` that came back over a transport. */
export class ApiError extends EngineError {
  override readonly name = 'ApiError';
}

export interface Client {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Listen to one event until `signal` aborts (or the returned function is called). */
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void, signal?: AbortSignal): () => void;
}

export function createClient(transport: Transport): Client {
  return {
    async call(method, input) {
      const result = await transport.invoke(method, input);
      if (!result.ok) throw new ApiError(result.error.code, result.error.message);
      return result.value as MethodOutput<typeof method>;
    },
    on(event, listener, signal) {
      if (signal?.aborted) return () => {};
      const unsubscribe = transport.subscribe((message) => {
        if (message.event === event) listener(message.payload as EventPayloads[typeof event]);
      });
      signal?.addEventListener('abort', unsubscribe, { once: true });
      return unsubscribe;
    },
  };
}
