import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '@shared/contract';
import { ApiError, type Envelope } from '@shared/errors';
import type { PreloadBridge } from '@shared/ipc-channels';

/** Typed calls and events over whichever bridge this renderer runs on. */
export class ApiClient {
  constructor(private readonly bridge: PreloadBridge) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    let envelope: Envelope<MethodOutput<M>>;
    try {
      envelope = (await this.bridge.invoke(method, input)) as Envelope<MethodOutput<M>>;
    } catch (error) {
      throw hostFailure(error);
    }
    if (!envelope || typeof envelope !== 'object' || typeof envelope.ok !== 'boolean')
      throw hostFailure(new Error('The console host sent an answer the console cannot read.'));
    if (!envelope.ok) throw ApiError.fromEnvelope(envelope.error);
    return envelope.result;
  }

  on<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void {
    return this.bridge.onEvent((eventName, payload) => {
      if (eventName === name) handler(payload as EventPayload<E>);
    });
  }
}

/**
 * A call that never reached a handler (the host process gone, the socket lost or refused, a 5xx
 * from the web host) is the console's own transport failing, not the directory: say so, so the
 * admin restarts the console instead of chasing a domain controller. Errors from handlers arrive
 * as envelopes and keep their own code.
 */
export function hostFailure(error: unknown): ApiError {
  const message = error instanceof Error && error.message ? error.message : 'The console host is not reachable.';
  return new ApiError('HOST_UNREACHABLE', message);
}
