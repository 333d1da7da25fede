import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '@shared/contract';
import { ApiError } from '@shared/errors';
import type { ApiClient } from './api-client';

const ApiContext = createContext<ApiClient | undefined>(undefined);

export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi outside ApiProvider');
  return client;
}

export interface CallState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Calls a method when the component mounts (and when `key` changes); `reload` calls it again. */
export function useCall<M extends MethodName>(method: M, input: MethodInput<M>, key: unknown = '', enabled = true): CallState<MethodOutput<M>> {
  const api = useApi();
  const [state, setState] = useState<{ data?: MethodOutput<M>; error?: ApiError; loading: boolean }>({ loading: enabled });
  const inputRef = useRef(input);
  inputRef.current = input;
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await api.call(method, inputRef.current);
      if (mine === generation.current) setState({ data, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ data: s.data, error: toApiError(error), loading: false }));
    }
  }, [api, method]);
  const keyText = JSON.stringify(key);
  useEffect(() => {
    if (enabled) void reload();
  }, [reload, keyText, enabled]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Subscribes to an event for the component's lifetime. */
export function useEvent<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): void {
  const api = useApi();
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => api.on(name, (payload) => handlerRef.current(payload)), [api, name]);
}

export function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('INTERNAL', error instanceof Error ? error.message : String(error));
}
