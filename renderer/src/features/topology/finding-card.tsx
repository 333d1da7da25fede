import { Alert, AlertTitle, Box, Button, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { findingText } from '@shared/findings/finding-text';
import type { Finding } from '@shared/models/topology';
import type { Language } from '@shared/models/settings';

/** One finding: what is wrong, why it matters, and how to fix it, in the admin's language. */
export function FindingCard({ finding, onShow }: { finding: Finding; onShow?: () => void }) {
  const { t, i18n } = useTranslation('topology');
  const text = findingText(finding, i18n.language as Language);
  return (
    <Alert
      severity={finding.severity}
      variant="outlined"
      data-testid={`finding-${finding.code}`}
      action={
        onShow && (
          <Button size="small" onClick={onShow}>
            {t('findings.showInTree')}
          </Button>
        )
      }
    >
      <AlertTitle>{text.title}</AlertTitle>
      <Typography variant="body2">{text.explanation}</Typography>
      <Box sx={{ mt: 0.5 }}>
        <Typography variant="body2" component="span" sx={{ fontWeight: 600 }}>
          {t('findings.fix')}:{' '}
        </Typography>
        <Typography variant="body2" component="span">
          {text.fix}
        </Typography>
      </Box>
    </Alert>
  );
}
