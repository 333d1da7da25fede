import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ProfileCapabilities } from '@shared/models/capabilities';
import type { ConnectionState } from '@shared/models/connection';
import type { AppInfo } from '@shared/models/app';
import type { ProfileSummary } from '@shared/models/profile';
import type { ApiError } from '@shared/errors';
import { toApiError, useApi, useEvent, useLoad } from '../api/api-context';

interface ConnectionsValue {
  info: AppInfo;
  profiles: ProfileSummary[];
  states: ConnectionState[];
  /** Profiles whose directory session is open, in connection order. */
  connected: ConnectionState[];
  /**
   * What each connected profile's account may do (connections.capabilities), in connection order;
   * undefined until read for the profiles connected now. The acting-account picker uses it.
   */
  capabilities: ProfileCapabilities[] | undefined;
  /** Why the profiles, connection states or capabilities could not be read (the shell shows it). */
  error: ApiError | undefined;
  /** Reads the profiles again after one was saved or deleted (the states come with events); a failure lands in `error`. */
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
  const [capabilities, setCapabilities] = useState<{ key: string; list: ProfileCapabilities[] }>();
  const [capabilitiesError, setCapabilitiesError] = useState<ApiError>();

  const loaded = useLoad((client) => Promise.all([client.call('profiles.list', {}), client.call('connections.list', {})]));
  useEffect(() => {
    if (!loaded.data) return;
    setProfiles(loaded.data[0]);
    setStates(loaded.data[1]);
  }, [loaded.data]);
  // Only the profiles (their password source) after a connection change; the states come with the event.
  const profilesAgain = useLoad((client) => client.call('profiles.list', {}), '', false);
  useEffect(() => {
    const again = profilesAgain.data;
    if (!again) return;
    setProfiles(again);
    // A deleted profile's state goes with it.
    setStates((current) => current.filter((s) => again.some((p) => p.name === s.profile)));
  }, [profilesAgain.data]);
  // After a profile is saved or deleted: the profiles again, not the states, which the events keep
  // current (a state read with them could land after a newer event and put an older state back).
  // A first read that failed is tried whole again.
  const reloadProfiles = loaded.data ? profilesAgain.reload : loaded.reload;

  useEvent('connection.changed', (state) => {
    setStates((current) => [...current.filter((s) => s.profile !== state.profile), state]);
    // The password source shown per profile may have changed (typed, remembered).
    void profilesAgain.reload();
  });

  const connected = useMemo(() => states.filter((s) => s.status === 'connected'), [states]);
  const connectedKey = connected.map((c) => c.profile).join('|');
  useEffect(() => {
    // Read again whenever the set of connected profiles changes; an older answer never replaces a newer one.
    let current = true;
    void api.call('connections.capabilities', {}).then(
      (list) => {
        if (!current) return;
        setCapabilities({ key: connectedKey, list: list.filter((c) => connectedKey.split('|').includes(c.profile)) });
        setCapabilitiesError(undefined);
      },
      // Nothing known is nothing offered (the pickers say so); the reason shows too.
      (e: unknown) => {
        if (!current) return;
        setCapabilities({ key: connectedKey, list: [] });
        setCapabilitiesError(toApiError(e));
      },
    );
    return () => {
      current = false;
    };
  }, [api, connectedKey]);

  const value = useMemo<ConnectionsValue>(
    () => ({
      info,
      profiles,
      states,
      connected,
      capabilities:
        capabilities?.key === connectedKey
          ? [...capabilities.list].sort((a, b) => connectedKey.split('|').indexOf(a.profile) - connectedKey.split('|').indexOf(b.profile))
          : undefined,
      error: loaded.error ?? profilesAgain.error ?? capabilitiesError,
      reloadProfiles,
      requestConnect: (profile) => connectHandler(profile),
      setConnectRequestHandler: (handler) => setConnectHandler(() => handler),
    }),
    [info, profiles, states, connected, connectedKey, capabilities, loaded.error, profilesAgain.error, capabilitiesError, reloadProfiles, connectHandler],
  );
  return <ConnectionsContext.Provider value={value}>{children}</ConnectionsContext.Provider>;
}

export function useConnections(): ConnectionsValue {
  const value = useContext(ConnectionsContext);
  if (!value) throw new Error('useConnections outside ConnectionsProvider');
  return value;
}
