import Conf from 'conf';
import { settingsStoreOptions, type SettingsStore } from '../services/settings/settings-schema';
import { createSettingsStore } from '../services/settings/settings-store';
import type { Logger } from '../services/core/logger';

/**
 * Settings for the web host and the CLI: the same format, schema and migrations as the Electron
 * app's electron-store file, kept with conf in a directory of their own.
 */
export function createFileSettings(directory: string, logger: Logger): SettingsStore {
  const conf = new Conf<Record<string, unknown>>({ ...settingsStoreOptions(), cwd: directory, projectName: 'um-integration-console' });
  return createSettingsStore(conf, logger);
}
