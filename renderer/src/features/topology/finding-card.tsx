import { Alert, AlertTitle, Box, Button, Stack, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import { findingText } from '@shared/findings/finding-text';
import type { Finding } from '@shared/models/topology';
import type { Language } from '@shared/models/settings';
import { FixButton } from '../../components/fix-button';

/** One finding: what is wrong, why it matters, how to fix it, and a way there (a screen filled in, or the commands). */
export function FindingCard({
  finding,
  onShow,
  navigate,
}: {
  finding: Finding;
  onShow?: () => void;
  navigate: (path: string, params?: Record<string, string>) => void;
}) {
  const { t, i18n } = useTranslation('topology');
  const text = findingText(finding, i18n.language as Language);
  return (
    <Alert
      severity={finding.severity}
      variant="outlined"
      data-testid={`finding-${finding.code}`}
      action={
        onShow && (
          <Button size="small" onClick={onShow} data-testid="finding-show">
            {t('findings.showInTree')}
          </Button>
        )
      }
    >
      <AlertTitle>{text.title}</AlertTitle>
      <Typography variant="body2">{text.explanation}</Typography>
      <Box sx={{ mt: 0.5 }}>
        <Typography variant="body2" component="span" sx={{ fontWeight: 600 }}>
          {t('findings.fix')}
        </Typography>
        <Typography variant="body2" component="span">
          {text.fix}
        </Typography>
      </Box>
      <Stack direction="row" sx={{ mt: 1 }}>
        <FixButton fix={finding.fix} navigate={navigate} testId="finding-fix" />
      </Stack>
    </Alert>
  );
}
