import { useTranslation } from 'react-i18next';
import type { ContactRefusal, ContactWarning } from '@shared/models/contacts';

/** A warning in the admin's language, by its code (the same text in the form and after the write). */
export function useWarningText(): (warning: ContactWarning) => string {
  const { t } = useTranslation('contacts');
  return (w) => t(`warnings.${w.code}`, w.params);
}

/** A refusal in the admin's language, by its code; a pool refusal also by its reason (branch, director, legacy). */
export function useRefusalText(): (refusal: ContactRefusal) => string {
  const { t } = useTranslation('contacts');
  return (r) => t(`refusals.texts.${r.code}`, { ...r.params, context: r.params.reason });
}
