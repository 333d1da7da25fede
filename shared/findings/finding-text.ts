import type { Finding } from '../models/topology';
import type { Language } from '../models/settings';
import { fillTemplate } from '../i18n/fill-template';
import en from '../locales/en/findings.json';
import zhTW from '../locales/zh-TW/findings.json';

const texts = { en, 'zh-TW': zhTW } as const;

export interface FindingText {
  severity: string;
  title: string;
  explanation: string;
  fix: string;
}

/** A finding's title, explanation and fix in the admin's language, for the UI, the CLI and reports. */
export function findingText(finding: Pick<Finding, 'code' | 'severity' | 'params'>, language: Language = 'en'): FindingText {
  const table = texts[language] ?? texts.en;
  const entry = table[finding.code];
  const fill = (text: string) => fillTemplate(text, finding.params, (key) => `{{${key}}}`);
  return { severity: table.severity[finding.severity], title: fill(entry.title), explanation: fill(entry.explanation), fix: fill(entry.fix) };
}
