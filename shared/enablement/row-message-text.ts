import type { RowMessage } from '../models/enablement';
import type { Language } from '../models/settings';
import { fillTemplate } from '../i18n/fill-template';
import en from '../locales/en/enablement-messages.json';
import zhTW from '../locales/zh-TW/enablement-messages.json';

const texts: Record<Language, Record<string, string>> = { en, 'zh-TW': zhTW };

const template = (code: string, language: Language) => texts[language]?.[code] ?? texts.en[code] ?? code;

/**
 * A validation message in the admin's language, for the grid, the CLI and the exported results.
 * A check the admin overrode says so, and for what: the row or the whole job.
 */
export function rowMessageText(message: Pick<RowMessage, 'code' | 'params' | 'overridden'>, language: Language = 'en'): string {
  const text = fillTemplate(template(message.code, language), message.params);
  return message.overridden ? fillTemplate(template(`overridden-${message.overridden}`, language), { text }) : text;
}
