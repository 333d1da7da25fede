import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ConnectionState } from '@shared/models/connection';
import type { AppInfo } from '@shared/models/app';
import type { ProfileSummary } from '@shared/models/profile';
import { useApi, useEvent } from '../api/api-context';

interface ConnectionsValue {
  info: AppInfo;
  profiles: ProfileSummary[];
  states: ConnectionState[];
  /** Profiles whose directory session is open, in connection order. */
  connected: ConnectionState[];
  reloadProfiles(): Promise<void>;
  /** Opens the connect dialog for a profile (set by the shell). */
  requestConnect(profile: string): void;
  setConnectRequestHandler(handler: (profile: string) => void): void;
}

const ConnectionsContext = createContext<ConnectionsValue | undefined>(undefined);

/** Profiles and live connection states, kept current from `connection.changed` events. */
export function ConnectionsProvider({ info, children }: { info: AppInfo; children: ReactNode }) {
  const api = useApi();
  const [profiles, setProfiles] = useState<ProfileSummary[]>([]);
  const [states, setStates] = useState<ConnectionState[]>([]);
  const [connectHandler, setConnectHandler] = useState<(profile: string) => void>(() => () => undefined);

  const reloadProfiles = useCallback(async () => {
    const [p, s] = await Promise.all([api.call('profiles.list', {}), api.call('connections.list', {})]);
    setProfiles(p);
    setStates(s);
  }, [api]);

  useEffect(() => {
    void reloadProfiles();
  }, [reloadProfiles]);

  useEvent('connection.changed', (state) => {
    setStates((current) => [...current.filter((s) => s.profile !== state.profile), state]);
    // The password source shown per profile may have changed (typed, remembered).
    void api.call('profiles.list', {}).then(setProfiles);
  });

  const value = useMemo<ConnectionsValue>(
    () => ({
      info,
      profiles,
      states,
      connected: states.filter((s) => s.status === 'connected'),
      reloadProfiles,
      requestConnect: (profile) => connectHandler(profile),
      setConnectRequestHandler: (handler) => setConnectHandler(() => handler),
    }),
    [info, profiles, states, reloadProfiles, connectHandler],
  );
  return <ConnectionsContext.Provider value={value}>{children}</ConnectionsContext.Provider>;
}

export function useConnections(): ConnectionsValue {
  const value = useContext(ConnectionsContext);
  if (!value) throw new Error('useConnections outside ConnectionsProvider');
  return value;
}
