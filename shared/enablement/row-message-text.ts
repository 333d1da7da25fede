import type { RowMessage } from '../models/enablement';
import type { Language } from '../models/settings';
import { fillTemplate } from '../i18n/fill-template';
import en from '../locales/en/enablement-messages.json';
import zhTW from '../locales/zh-TW/enablement-messages.json';

const texts: Record<Language, Record<string, string>> = { en, 'zh-TW': zhTW };

/** A validation message in the admin's language, for the grid, the CLI and the exported results. */
export function rowMessageText(message: Pick<RowMessage, 'code' | 'params'>, language: Language = 'en'): string {
  const template = texts[language]?.[message.code] ?? texts.en[message.code] ?? message.code;
  return fillTemplate(template, message.params);
}
