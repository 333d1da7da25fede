import { Alert, AlertTitle, Box } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '@shared/errors';
import { monospaceFont } from '../../app/theme';

/** What changed since the admin loaded the contact, field by field; nothing was written. */
export function ConflictDetails({ error }: { error: ApiError }) {
  const { t } = useTranslation('contacts');
  const changed = ((error.details as { changed?: Array<{ field: string; loaded: string; current: string }> })?.changed ?? []);
  return (
    <Alert severity="warning" data-testid="contact-conflict">
      <AlertTitle>{t('conflict.title')}</AlertTitle>
      <Box>{error.message}</Box>
      {changed.map((c) => (
        <Box key={c.field} component="div" sx={{ fontFamily: monospaceFont, fontSize: 13 }}>
          {t('conflict.field', c)}
        </Box>
      ))}
    </Alert>
  );
}
