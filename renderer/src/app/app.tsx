import { CssBaseline, ThemeProvider, useMediaQuery } from '@mui/material';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '@shared/models/app';
import type { UiPreferences } from '@shared/models/settings';
import { AppShell } from './app-shell';
import { ConnectionsProvider } from './connections';
import { ConnectDialogHost } from '../features/settings/connect-dialog';
import { PreferencesProvider, usePreferences } from './preferences';
import { buildTheme } from './theme';

function Themed({ info }: { info: AppInfo }) {
  const { preferences } = usePreferences();
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)');
  const mode = preferences.theme === 'system' ? (prefersDark ? 'dark' : 'light') : preferences.theme;
  const { t } = useTranslation();
  const progressLabel = t('progress');
  const theme = useMemo(() => buildTheme(mode, preferences.language, progressLabel), [mode, preferences.language, progressLabel]);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <ConnectionsProvider info={info}>
        <ConnectDialogHost />
        <AppShell effectiveMode={mode} />
      </ConnectionsProvider>
    </ThemeProvider>
  );
}

export function App({ info, preferences }: { info: AppInfo; preferences: UiPreferences }) {
  return (
    <PreferencesProvider initial={preferences}>
      <Themed info={info} />
    </PreferencesProvider>
  );
}
