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

/**
 * The one way a screen loads: runs `load` when the component mounts and when `key` changes;
 * `reload` runs it again. An older answer never replaces a newer one, and a failure is kept in
 * `error` (the last data stays) for the screen to show with ErrorAlert, never thrown or dropped.
 */
export function useLoad<T>(load: (api: ApiClient) => Promise<T>, key: unknown = '', enabled = true): CallState<T> {
  const api = useApi();
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: enabled });
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await loadRef.current(api);
      if (mine === generation.current) setState({ data, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ data: s.data, error: toApiError(error), loading: false }));
    }
  }, [api]);
  const keyText = JSON.stringify(key);
  useEffect(() => {
    if (enabled) void reload();
  }, [reload, keyText, enabled]);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** `useLoad` of one method: calls it when the component mounts (and when `key` changes); `reload` calls it again. */
export function useCall<M extends MethodName>(method: M, input: MethodInput<M>, key: unknown = '', enabled = true): CallState<MethodOutput<M>> {
  return useLoad((api) => api.call(method, input), key, enabled);
}

export interface ActionState {
  /** Runs a user's action (a button's call); resolves true when it succeeded. A failure lands in `error`. */
  run: (work: (api: ApiClient) => Promise<unknown>) => Promise<boolean>;
  busy: boolean;
  error: ApiError | undefined;
  clearError: () => void;
}

/**
 * Calls made by a click (pause, disconnect, forget a password…): never fire-and-forget, so a
 * refusal shows (ErrorAlert with `error`) instead of disappearing as an unhandled rejection.
 */
export function useAction(): ActionState {
  const api = useApi();
  const [busy, setBusy] = useState(0);
  const [error, setError] = useState<ApiError>();
  const run = useCallback(
    async (work: (api: ApiClient) => Promise<unknown>) => {
      setBusy((b) => b + 1);
      setError(undefined);
      try {
        await work(api);
        return true;
      } catch (e) {
        setError(toApiError(e));
        return false;
      } finally {
        setBusy((b) => b - 1);
      }
    },
    [api],
  );
  const clearError = useCallback(() => setError(undefined), []);
  return { run, busy: busy > 0, error, clearError };
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
