import { type SettingsStore, type StoredSettings, settingsDefaults, storedSettingsSchema } from './settings-schema';
import type { Logger } from '../core/logger';

/** The part of electron-store / conf that the settings store needs. */
export interface ConfLike {
  readonly store: Record<string, unknown>;
  set(key: string, value: unknown): void;
  readonly path: string;
}

/**
 * Wraps an electron-store or conf instance. Reads are parsed with the zod schema; a profile that
 * no longer parses is skipped with a warning instead of stopping the console from starting.
 */
export function createSettingsStore(conf: ConfLike, logger: Logger): SettingsStore {
  const read = (): StoredSettings => {
    const raw = conf.store;
    const parsed = storedSettingsSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const ui = storedSettingsSchema.shape.ui.safeParse(raw.ui);
    const profiles = Array.isArray(raw.profiles) ? raw.profiles : [];
    const valid = profiles.flatMap((p) => {
      const result = storedSettingsSchema.shape.profiles.element.safeParse(p);
      if (!result.success) logger.warn('skipping a stored profile that does not parse', { issues: result.error.issues.length });
      return result.success ? [result.data] : [];
    });
    return { ui: ui.success ? ui.data : settingsDefaults.ui, profiles: valid };
  };
  return {
    location: conf.path,
    read,
    update(mutate) {
      const next = storedSettingsSchema.parse(mutate(read()));
      conf.set('ui', next.ui);
      conf.set('profiles', next.profiles);
      return next;
    },
  };
}
