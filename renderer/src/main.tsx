import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context';
import { createApiClient } from './api/create-api-client';
import { App } from './app/app';
import { initI18n } from './app/i18n';

/** Loads the remembered preferences first so the first paint is already in the admin's language. */
async function boot(): Promise<void> {
  const client = createApiClient();
  const [info, preferences] = await Promise.all([client.call('app.info', {}), client.call('settings.getUi', {})]);
  await initI18n(preferences.language);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <ApiProvider client={client}>
        <App info={info} preferences={preferences} />
      </ApiProvider>
    </StrictMode>,
  );
}

boot().catch((error: unknown) => {
  const root = document.getElementById('root')!;
  root.textContent = `The console could not start: ${error instanceof Error ? error.message : String(error)}`;
  root.setAttribute('data-testid', 'boot-failed');
});
