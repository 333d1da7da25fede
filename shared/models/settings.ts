import { z } from 'zod';

export const languages = ['en', 'zh-TW'] as const;
export const languageSchema = z.enum(languages);
export type Language = z.infer<typeof languageSchema>;

export const themeModeSchema = z.enum(['light', 'dark', 'system']);
export type ThemeMode = z.infer<typeof themeModeSchema>;

/** What the user chose for the UI; remembered across launches in the settings store. */
export const uiPreferencesSchema = z.object({
  language: languageSchema,
  theme: themeModeSchema,
});
export type UiPreferences = z.infer<typeof uiPreferencesSchema>;

export const defaultUiPreferences: UiPreferences = { language: 'en', theme: 'system' };
