import Store from 'electron-store';
import { settingsStoreOptions, type SettingsStore } from '../services/settings/settings-schema';
import { createSettingsStore } from '../services/settings/settings-store';
import type { Logger } from '../services/core/logger';

/** Settings for the Electron app, in electron-store's file under the app's userData folder. */
export function createElectronSettings(logger: Logger): SettingsStore {
  const { configName, ...options } = settingsStoreOptions();
  const store = new Store<Record<string, unknown>>({ ...options, name: configName });
  return createSettingsStore(store, logger);
}
