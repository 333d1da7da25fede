import { Alert, AlertTitle, Box } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { ContactRefusal } from '@shared/models/contacts';
import type { ApiError } from '@shared/errors';
import { monospaceFont } from '../../app/theme';
import { ErrorAlert } from '../../components/error-alert';
import { useRefusalText } from './contact-texts';

/**
 * A failed contact write, headlined by what happened: a change made by someone else since
 * loading (field by field), a value Lync or AD refuses (by its refusal, so a number in use is not
 * called "an object with that name"), else the console's error.
 */
export function ContactError({ error, testId = 'contact-error' }: { error: ApiError | undefined; testId?: string }) {
  const { t } = useTranslation('contacts');
  if (!error) return null;
  const details = (error.details ?? {}) as { changed?: Array<{ field: string; loaded: string; current: string }>; refusal?: ContactRefusal };
  if (error.code === 'CONFLICT') {
    return (
      <Alert severity="warning" data-testid="contact-conflict">
        <AlertTitle>{t('conflict.title')}</AlertTitle>
        <Box>{error.message}</Box>
        {(details.changed ?? []).map((c) => (
          <Box key={c.field} component="div" sx={{ fontFamily: monospaceFont, fontSize: 13 }}>
            {t('conflict.field', c)}
          </Box>
        ))}
      </Alert>
    );
  }
  if (details.refusal) return <RefusalAlert refusal={details.refusal} testId={testId} />;
  return <ErrorAlert error={error} testId={testId} />;
}

/** A value Lync or AD refuses, headlined by what it is (the form shows it before writing, a write that hit it after). */
export function RefusalAlert({ refusal, testId = `contact-refusal-${refusal.code}` }: { refusal: ContactRefusal; testId?: string }) {
  const { t } = useTranslation('contacts');
  const refusalText = useRefusalText();
  return (
    <Alert severity="error" data-testid={testId} data-refusal={refusal.code}>
      <AlertTitle>{t(`refusals.titles.${refusal.code}`)}</AlertTitle>
      {refusalText(refusal)}
    </Alert>
  );
}
