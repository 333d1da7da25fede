import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { AppInfo } from '@shared/models/app';
import type { UiPreferences } from '@shared/models/settings';
import { ApiProvider } from '../api/api-context';
import type { ApiClient } from '../api/api-client';
import { App } from './app';
import { initI18n } from './i18n';

/** Renders the console into the page, in the admin's language, once the boot has what it needs. */
export async function startConsole(client: ApiClient, info: AppInfo, preferences: UiPreferences): Promise<void> {
  await initI18n(preferences.language);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ApiProvider client={client}>
        <App info={info} preferences={preferences} />
      </ApiProvider>
    </StrictMode>,
  );
}
