import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { UiPreferences } from '@shared/models/settings';
import type { ApiError } from '@shared/errors';
import { toApiError, useApi } from '../api/api-context';
import { changeLanguage } from './i18n';

interface PreferencesValue {
  preferences: UiPreferences;
  /** Applies at once; a failure to remember the choice lands in `error` (the shell shows it). */
  update(patch: Partial<UiPreferences>): Promise<void>;
  error: ApiError | undefined;
}

const PreferencesContext = createContext<PreferencesValue | undefined>(undefined);

/** Language and theme: applied at once, remembered through the settings store. */
export function PreferencesProvider({ initial, children }: { initial: UiPreferences; children: ReactNode }) {
  const api = useApi();
  const [preferences, setPreferences] = useState(initial);
  const [error, setError] = useState<ApiError>();
  /** The latest change asked: two quick choices can be answered out of order, and the older answer is not shown over the newer choice. */
  const latest = useRef(0);
  const update = useCallback(
    async (patch: Partial<UiPreferences>) => {
      const mine = ++latest.current;
      setPreferences((p) => ({ ...p, ...patch }));
      if (patch.language) await changeLanguage(patch.language);
      try {
        const saved = await api.call('settings.setUi', patch);
        if (mine !== latest.current) return;
        setPreferences(saved);
        setError(undefined);
      } catch (e) {
        setError(toApiError(e));
      }
    },
    [api],
  );
  const value = useMemo(() => ({ preferences, update, error }), [preferences, update, error]);
  return <PreferencesContext.Provider value={value}>{children}</PreferencesContext.Provider>;
}

export function usePreferences(): PreferencesValue {
  const value = useContext(PreferencesContext);
  if (!value) throw new Error('usePreferences outside PreferencesProvider');
  return value;
}
