import type { EventMessage } from '../../shared/contract';

/** Fan-out of engine events to every transport that listens. A failing listener never stops the others. */
export class EventHub {
  private readonly listeners = new Set<(message: EventMessage) => void>();

  subscribe(listener: (message: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit = (message: EventMessage): void => {
    for (const listener of this.listeners) {
      try {
        listener(message);
      } catch (err) {
        console.error(`emotion-studio: event listener failed for ${message.event}:`, err);
      }
    }
  };
}
