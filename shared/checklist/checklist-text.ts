import type { ChecklistStep, Evidence } from '../models/checklist';
import type { Language } from '../models/settings';
import { fillTemplate } from '../i18n/fill-template';
import en from '../locales/en/checklist.json';
import zhTW from '../locales/zh-TW/checklist.json';

type Texts = typeof en;
const texts: Record<Language, Texts> = { en, 'zh-TW': zhTW };

const fill = (template: string | undefined, params: Record<string, string>) => fillTemplate(template ?? '', params);

/** A checklist step's words in the admin's language, for the CLI and the report (the UI uses the same file). */
export function checklistStepText(
  step: ChecklistStep,
  language: Language = 'en',
): { title: string; what: string; status: string; reason: string; evidence: string[] } {
  const t = texts[language] ?? texts.en;
  const stepTexts = t.steps[step.id];
  return {
    title: stepTexts.title,
    what: stepTexts.what,
    status: t.statuses[step.status],
    reason: fill((t.reasons as Record<string, string>)[step.reason.code], step.reason.params),
    evidence: step.evidence.map((e) => evidenceText(e, language)),
  };
}

export function evidenceText(evidence: Evidence, language: Language = 'en'): string {
  const t = texts[language] ?? texts.en;
  return fill((t.evidence as Record<string, string>)[evidence.code] ?? evidence.code, evidence.params);
}
