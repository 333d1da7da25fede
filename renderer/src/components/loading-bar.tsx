import { LinearProgress, type SxProps, type Theme } from '@mui/material';
import { useTranslation } from 'react-i18next';

/**
 * Says that something loads, and keeps its place while nothing does: coming and going, it moves
 * nothing below it. A button that moves between the press and the release of a click loses the
 * click, for an admin as for a test (seen in e2e runs: a click, then nothing).
 */
export function LoadingBar({ loading, sx }: { loading: boolean; sx?: SxProps<Theme> }) {
  const { t } = useTranslation();
  return (
    <LinearProgress
      aria-label={t('progress')}
      aria-hidden={!loading}
      // Hidden, it stands still (an indeterminate bar animates even when nobody sees it).
      variant={loading ? 'indeterminate' : 'determinate'}
      value={0}
      data-loading={loading}
      sx={[{ visibility: loading ? 'visible' : 'hidden' }, ...(Array.isArray(sx) ? sx : [sx])]}
    />
  );
}
