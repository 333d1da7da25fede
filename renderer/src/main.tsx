import { createApiClient } from './api/create-api-client';
import { preloadScreen, sectionOf } from './app/screens';
import { readHashRoute } from './app/hash-route';

/**
 * The boot is small on purpose: it asks the host for the app info and the remembered preferences
 * (so the first paint is already in the admin's language) while the browser fetches the console's
 * code and the first screen's, instead of after parsing all of it.
 */
async function boot(): Promise<void> {
  preloadScreen(sectionOf(readHashRoute('').path));
  const client = createApiClient();
  const [info, preferences, { startConsole }] = await Promise.all([
    client.call('app.info', {}),
    client.call('settings.getUi', {}),
    import('./app/start-console'),
  ]);
  await startConsole(client, info, preferences);
}

boot().catch((error: unknown) => {
  const root = document.getElementById('root')!;
  root.textContent = `The console could not start: ${error instanceof Error ? error.message : String(error)}`;
  root.setAttribute('data-testid', 'boot-failed');
});
