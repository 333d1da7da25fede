import { Chip, Stack, Tooltip } from '@mui/material';
import CircleIcon from '@mui/icons-material/Circle';
import { useTranslation } from 'react-i18next';
import type { ConnectionStatus } from '@shared/models/connection';
import { useConnections } from './connections';

const colors: Record<ConnectionStatus, 'success' | 'warning' | 'error' | 'disabled'> = {
  connected: 'success',
  connecting: 'warning',
  failed: 'error',
  disconnected: 'disabled',
};

/** One chip per forest the admin has connected (or tried to): green, amber, red or grey. */
export function ConnectionIndicator({ onOpenSettings }: { onOpenSettings: () => void }) {
  const { t } = useTranslation();
  const { states, requestConnect } = useConnections();
  const shown = states.filter((s) => s.status !== 'disconnected');
  if (shown.length === 0) {
    return <Chip size="small" variant="outlined" label={t('connection.none')} onClick={onOpenSettings} data-testid="connection-none" sx={{ color: 'inherit', borderColor: 'currentColor' }} />;
  }
  return (
    <Stack direction="row" spacing={1} data-testid="connection-indicators">
      {shown.map((s) => {
        const status = t(`connection.status.${s.status}`);
        return (
          <Tooltip key={s.profile} title={s.error?.message ?? `${s.boundAs ?? ''} @ ${s.dcHost ?? ''}`}>
            <Chip
              size="small"
              icon={<CircleIcon sx={{ fontSize: 12 }} color={colors[s.status]} />}
              // Several profiles may reach the same forest (one per account), so both are shown;
              // the status is the dot's colour, spelled out when it is not "connected".
              label={s.status === 'connected' ? `${s.forest ?? ''} · ${s.profile}` : `${s.forest ?? s.profile} · ${s.profile === (s.forest ?? s.profile) ? '' : `${s.profile} · `}${status}`}
              aria-label={t('connection.indicatorLabel', { profile: s.profile, status })}
              data-testid={`connection-${s.profile}`}
              data-status={s.status}
              onClick={() => (s.status === 'failed' ? requestConnect(s.profile) : onOpenSettings())}
              sx={{ bgcolor: 'background.paper' }}
            />
          </Tooltip>
        );
      })}
    </Stack>
  );
}
