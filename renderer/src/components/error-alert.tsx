import { Alert, AlertTitle, Box } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '@shared/errors';

/**
 * Shows an API error: a translated headline chosen by its code, then main's specific message
 * (which names the object, the account or the missing group).
 */
export function ErrorAlert({ error, action, testId }: { error: ApiError | undefined; action?: React.ReactNode; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert severity="error" action={action} data-testid={testId ?? 'error-alert'} data-error-code={error.code} sx={{ my: 1 }}>
      <AlertTitle>{t(`errors.${error.code}`, { defaultValue: t('errors.title') })}</AlertTitle>
      <Box component="span" sx={{ whiteSpace: 'pre-wrap' }}>
        {error.message}
      </Box>
    </Alert>
  );
}
