import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { UiPreferences } from '@shared/models/settings';
import { useApi } from '../api/api-context';
import { changeLanguage } from './i18n';

interface PreferencesValue {
  preferences: UiPreferences;
  update(patch: Partial<UiPreferences>): Promise<void>;
}

const PreferencesContext = createContext<PreferencesValue | undefined>(undefined);

/** Language and theme: applied at once, remembered through the settings store. */
export function PreferencesProvider({ initial, children }: { initial: UiPreferences; children: ReactNode }) {
  const api = useApi();
  const [preferences, setPreferences] = useState(initial);
  const update = useCallback(
    async (patch: Partial<UiPreferences>) => {
      setPreferences((p) => ({ ...p, ...patch }));
      if (patch.language) await changeLanguage(patch.language);
      const saved = await api.call('settings.setUi', patch);
      setPreferences(saved);
    },
    [api],
  );
  const value = useMemo(() => ({ preferences, update }), [preferences, update]);
  return <PreferencesContext.Provider value={value}>{children}</PreferencesContext.Provider>;
}

export function usePreferences(): PreferencesValue {
  const value = useContext(PreferencesContext);
  if (!value) throw new Error('usePreferences outside PreferencesProvider');
  return value;
}
