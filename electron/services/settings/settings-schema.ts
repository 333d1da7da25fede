import { z } from 'zod';
import { profileSchema } from '@shared/models/profile';
import { defaultUiPreferences, uiPreferencesSchema } from '@shared/models/settings';

/** Everything the console remembers between launches, except secrets (those live in the vault). */
export const storedSettingsSchema = z.object({
  ui: uiPreferencesSchema,
  profiles: z.array(profileSchema),
});
export type StoredSettings = z.infer<typeof storedSettingsSchema>;

export const settingsDefaults: StoredSettings = { ui: defaultUiPreferences, profiles: [] };

/**
 * The stored format's version. Bump it and add a step to settingsMigrations whenever the shape
 * changes; electron-store/conf run the steps in order on the next launch.
 */
export const settingsFormatVersion = '1.0.0';

type MigrationStore = { get(key: string): unknown; set(key: string, value: unknown): void; delete(key: string): void };

export const settingsMigrations: Record<string, (store: MigrationStore) => void> = {
  // 1.0.0: the first stored format. Files written before a format version existed may hold
  // profiles that no longer parse; keep the valid ones rather than refusing to start.
  '1.0.0': (store) => {
    const profiles = store.get('profiles');
    store.set('profiles', Array.isArray(profiles) ? profiles.filter((p) => profileSchema.safeParse(p).success) : []);
    if (!uiPreferencesSchema.safeParse(store.get('ui')).success) store.set('ui', defaultUiPreferences);
  },
};

/** A JSON schema fragment as conf's typings want it (ajv validates it at run time). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonSchemaValue = any;

/** The JSON schema electron-store/conf validate every write against, derived from the zod schema. */
export function settingsJsonSchema(): Record<string, JsonSchemaValue> {
  const properties: Record<string, JsonSchemaValue> = {};
  for (const [key, schema] of Object.entries(storedSettingsSchema.shape)) {
    const json = z.toJSONSchema(schema, { target: 'draft-07', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    delete json.$schema;
    properties[key] = withoutDefaults(json) as JsonSchemaValue;
  }
  return properties;
}

/** zod applies defaults when it parses; ajv's strict mode rejects defaults inside unions, so drop them. */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'default')
        .map(([k, v]) => [k, withoutDefaults(v)]),
    );
  }
  return value;
}

/** Options shared by the Electron (electron-store) and Node (conf) adapters so both read the same file format. */
export function settingsStoreOptions() {
  return {
    configName: 'settings',
    projectVersion: settingsFormatVersion,
    defaults: settingsDefaults,
    schema: settingsJsonSchema(),
    migrations: settingsMigrations,
    clearInvalidConfig: false,
  };
}

/** The services' view of the settings store; implemented by the two settings adapters. */
export interface SettingsStore {
  read(): StoredSettings;
  update(mutate: (current: StoredSettings) => StoredSettings): StoredSettings;
  /** Where the file lives, for the Settings screen and support. */
  readonly location: string;
}
