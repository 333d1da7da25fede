import { Box, Chip, ListItemIcon, ListItemText, Menu, MenuItem, Stack, Tooltip } from '@mui/material';
import CircleIcon from '@mui/icons-material/Circle';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionState, ConnectionStatus } from '@shared/models/connection';
import { useConnections } from './connections';

const colors: Record<ConnectionStatus, 'success' | 'warning' | 'error' | 'disabled'> = {
  connected: 'success',
  connecting: 'warning',
  failed: 'error',
  disconnected: 'disabled',
};

/**
 * The header's connections: one chip per forest the admin has connected (or tried to), green,
 * amber, red or grey, while they fit beside the title; when they do not (many profiles, long
 * names, a narrow window), one chip that counts them and opens the list. The header therefore
 * never clips its title or the language and theme controls, however many profiles are open.
 */
export function ConnectionIndicator({ onOpenSettings }: { onOpenSettings: () => void }) {
  const { t } = useTranslation();
  const { states, requestConnect } = useConnections();
  const shown = states.filter((s) => s.status !== 'disconnected');
  const area = useRef<HTMLDivElement>(null);
  const measure = useRef<HTMLDivElement>(null);
  const [fits, setFits] = useState(true);
  const [menuAnchor, setMenuAnchor] = useState<HTMLElement | null>(null);

  // The chips' natural width (laid out off-screen) against the room the header leaves them.
  useLayoutEffect(() => {
    if (!area.current || !measure.current) return;
    const check = () => area.current && measure.current && setFits(measure.current.offsetWidth <= area.current.clientWidth);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(area.current);
    observer.observe(measure.current);
    return () => observer.disconnect();
  }, [shown.length]);

  if (shown.length === 0) {
    return (
      <Box sx={{ flex: '1 1 auto', minWidth: 0, display: 'flex', justifyContent: 'flex-end' }}>
        <Chip
          size="small"
          variant="outlined"
          label={t('connection.none')}
          onClick={onOpenSettings}
          data-testid="connection-none"
          sx={{ color: 'inherit', borderColor: 'currentColor' }}
        />
      </Box>
    );
  }

  const label = (s: ConnectionState) =>
    s.status === 'connected'
      ? `${s.forest ?? ''} · ${s.profile}`
      : `${s.forest ?? s.profile} · ${s.profile === (s.forest ?? s.profile) ? '' : `${s.profile} · `}${t(`connection.status.${s.status}`)}`;
  const open = (s: ConnectionState) => (s.status === 'failed' ? requestConnect(s.profile) : onOpenSettings());
  const dot = (status: ConnectionStatus) => <CircleIcon sx={{ fontSize: 12 }} color={colors[status]} />;
  const chips = (interactive: boolean) =>
    shown.map((s) => {
      // Several profiles may reach the same forest (one per account), so both are shown; the
      // status is the dot's colour, spelled out when it is not "connected" and, for screen
      // readers, always: the name is the visible text and then the status, so that speech input
      // ("click contoso.test lab") finds it.
      const chip = (
        <Chip
          key={s.profile}
          size="small"
          icon={dot(s.status)}
          label={label(s)}
          aria-label={s.status === 'connected' ? `${label(s)}${t('connection.statusSuffix', { status: t('connection.status.connected') })}` : label(s)}
          {...(interactive ? { 'data-testid': `connection-${s.profile}`, 'data-status': s.status, onClick: () => open(s) } : { tabIndex: -1 })}
          sx={{ bgcolor: 'background.paper', flexShrink: 0 }}
        />
      );
      return interactive ? (
        <Tooltip key={s.profile} describeChild title={s.error?.message ?? `${s.boundAs ?? ''} @ ${s.dcHost ?? ''}`}>
          {chip}
        </Tooltip>
      ) : (
        chip
      );
    });

  const failed = shown.filter((s) => s.status === 'failed').length;
  const connecting = shown.filter((s) => s.status === 'connecting').length;
  const worst: ConnectionStatus = failed ? 'failed' : connecting ? 'connecting' : 'connected';
  const forests = new Set(shown.map((s) => s.forest).filter(Boolean)).size;
  const summary = [
    t('connection.summary', { count: shown.length }),
    forests > 0 && t('connection.forestCount', { count: forests }),
    failed && t('connection.failedCount', { count: failed }),
    connecting && t('connection.connectingCount', { count: connecting }),
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <Box ref={area} sx={{ flex: '1 1 auto', minWidth: 0, display: 'flex', justifyContent: 'flex-end', position: 'relative' }}>
      {/* Zero-sized and hidden: only here to learn how wide the chips would be. */}
      <Box aria-hidden inert sx={{ position: 'absolute', width: 0, height: 0, overflow: 'hidden', visibility: 'hidden' }}>
        <Stack ref={measure} direction="row" spacing={1} sx={{ width: 'max-content' }}>
          {chips(false)}
        </Stack>
      </Box>
      {fits ? (
        <Stack direction="row" spacing={1} data-testid="connection-indicators">
          {chips(true)}
        </Stack>
      ) : (
        <>
          <Chip
            size="small"
            icon={dot(worst)}
            label={
              <Stack direction="row" sx={{ alignItems: 'center' }}>
                {summary}
                <ExpandMoreIcon sx={{ fontSize: 16, ml: 0.25, mr: -0.5 }} />
              </Stack>
            }
            onClick={(e) => setMenuAnchor(e.currentTarget)}
            aria-haspopup="menu"
            aria-expanded={menuAnchor ? 'true' : 'false'}
            aria-controls={menuAnchor ? 'connection-menu' : undefined}
            data-testid="connection-summary"
            sx={{ bgcolor: 'background.paper', flexShrink: 0 }}
          />
          <Menu id="connection-menu" anchorEl={menuAnchor} open={!!menuAnchor} onClose={() => setMenuAnchor(null)} data-testid="connection-menu">
            {shown.map((s) => (
              <MenuItem
                key={s.profile}
                onClick={() => {
                  setMenuAnchor(null);
                  open(s);
                }}
                data-testid={`connection-${s.profile}`}
                data-status={s.status}
              >
                <ListItemIcon>{dot(s.status)}</ListItemIcon>
                <ListItemText
                  primary={`${s.forest ?? s.profile} · ${s.profile}`}
                  secondary={s.error?.message ?? `${t(`connection.status.${s.status}`)} · ${s.boundAs ?? ''} @ ${s.dcHost ?? ''}`}
                />
              </MenuItem>
            ))}
          </Menu>
        </>
      )}
    </Box>
  );
}
