import { Box, Button, Paper, Typography } from '@mui/material';
import LanIcon from '@mui/icons-material/Lan';
import { useTranslation } from 'react-i18next';

/** What a directory screen shows before any forest is connected. */
export function NotConnected({ onOpenSettings }: { onOpenSettings: () => void }) {
  const { t } = useTranslation();
  return (
    <Paper variant="outlined" sx={{ p: 4, maxWidth: 560, mx: 'auto', mt: 6, textAlign: 'center' }} data-testid="not-connected">
      <LanIcon color="action" sx={{ fontSize: 48 }} />
      <Typography variant="h6" sx={{ mt: 1 }}>
        {t('notConnected.title')}
      </Typography>
      <Typography color="text.secondary" sx={{ my: 2 }}>
        {t('notConnected.body')}
      </Typography>
      <Box>
        <Button variant="contained" onClick={onOpenSettings}>
          {t('notConnected.goToSettings')}
        </Button>
      </Box>
    </Paper>
  );
}
