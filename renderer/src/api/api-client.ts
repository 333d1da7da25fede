import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '@shared/contract';
import { ApiError, type Envelope } from '@shared/errors';
import type { PreloadBridge } from '@shared/ipc-channels';
import { createWebBridge } from './web-bridge';

/** Typed calls and events over whichever bridge this renderer runs on. */
export class ApiClient {
  constructor(private readonly bridge: PreloadBridge) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    let envelope: Envelope<MethodOutput<M>>;
    try {
      envelope = (await this.bridge.invoke(method, input)) as Envelope<MethodOutput<M>>;
    } catch (error) {
      throw new ApiError('DC_UNREACHABLE', error instanceof Error ? error.message : 'The console host is not reachable.');
    }
    if (!envelope.ok) throw ApiError.fromEnvelope(envelope.error);
    return envelope.result;
  }

  on<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void {
    return this.bridge.onEvent((eventName, payload) => {
      if (eventName === name) handler(payload as EventPayload<E>);
    });
  }
}

declare global {
  interface Window {
    umConsole?: PreloadBridge;
  }
}

/** Electron's preload bridge when present, otherwise the web host's WebSocket bridge. */
export function createApiClient(): ApiClient {
  return new ApiClient(window.umConsole ?? createWebBridge());
}
