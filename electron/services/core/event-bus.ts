import type { EventName, EventPayload } from '@shared/contract';

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

/**
 * Fans main-process events out to whatever transports are attached (IPC windows, WebSocket
 * clients, the CLI's progress printer). Services only ever call emit().
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch {
        // A broken transport must not break the service that emitted.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
