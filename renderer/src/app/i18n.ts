import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '@shared/models/settings';

/**
 * Every visible string goes through i18next. Each feature has a namespace file per language in
 * locales/<lang>/<namespace>.json; a unit test checks that both languages have the same keys.
 */
const modules = {
  ...import.meta.glob<{ default: Record<string, unknown> }>('../locales/*/*.json', { eager: true }),
  // Texts main also uses (finding explanations for the CLI and reports) live in shared/.
  ...import.meta.glob<{ default: Record<string, unknown> }>('../../../shared/locales/*/*.json', { eager: true }),
};

const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, module] of Object.entries(modules)) {
  const match = /locales\/([^/]+)\/([^/]+)\.json$/.exec(path);
  if (!match) continue;
  const [, language, namespace] = match as unknown as [string, string, string];
  (resources[language] ??= {})[namespace] = module.default;
}

export async function initI18n(language: Language): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    defaultNS: 'common',
    ns: Object.keys(resources.en ?? {}),
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = language;
  return i18next;
}

export async function changeLanguage(language: Language): Promise<void> {
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
