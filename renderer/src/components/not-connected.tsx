import { Box, Button, Paper, Typography } from '@mui/material';
import LanIcon from '@mui/icons-material/Lan';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionState } from '@shared/models/connection';
import { useConnections } from '../app/connections';
import type { ScreenProps } from '../app/navigation';
import { Page } from './page';

/** What the guarded screen gets: the connected profiles, and a key that changes when that set does. */
export interface Connected {
  connected: ConnectionState[];
  /** The connected profiles, sorted and joined: a screen reloads (or remounts) when it changes. */
  connectedKey: string;
}

/**
 * The one guard for screens that read the directory: until a forest is connected, the screen's
 * page shows what to do (go to Settings); then it renders the screen with the connections.
 */
export function RequireConnection({
  title,
  testId,
  navigate,
  children,
}: {
  title: string;
  testId: string;
  navigate: ScreenProps['navigate'];
  children: (connection: Connected) => ReactNode;
}) {
  const { connected } = useConnections();
  if (connected.length === 0) {
    return (
      <Page title={title} testId={testId}>
        <NotConnected onOpenSettings={() => navigate('settings')} />
      </Page>
    );
  }
  return (
    <>
      {children({
        connected,
        connectedKey: connected
          .map((c) => c.profile)
          .sort()
          .join('|'),
      })}
    </>
  );
}

/** What a directory screen shows before any forest is connected. */
function NotConnected({ onOpenSettings }: { onOpenSettings: () => void }) {
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
