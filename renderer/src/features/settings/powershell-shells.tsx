import { Box, CircularProgress, Paper, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { ProfileSummary } from '@shared/models/profile';
import type { PsShellPlan } from '@shared/models/powershell';
import { useCall } from '../../api/api-context';
import { ErrorAlert } from '../../components/error-alert';
import { monospaceFont } from '../../app/theme';

/**
 * Which PowerShell each profile's Exchange and Lync endpoint will use: Windows PowerShell 5.1 for
 * the local Lync module (it loads nowhere else), pwsh 7 for the rest when it is installed.
 */
export function PowerShellShells({ profiles }: { profiles: ProfileSummary[] }) {
  const { t } = useTranslation('settings');
  const key = profiles.map((p) => `${p.name}:${p.exchange?.kind ?? ''}:${p.lync?.kind ?? ''}`).join('|');
  const shells = useCall('powershell.shells', {}, key);
  // Read again when the profiles change: until then, what was read for the old ones is not shown.
  const plans = shells.loading ? undefined : shells.data;
  const error = shells.error;

  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid="powershell-shells">
      <Typography variant="h6" sx={{ mb: 1 }}>
        {t('shells.title')}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {t('shells.intro')}
      </Typography>
      <ErrorAlert error={error} />
      {!plans && !error && <CircularProgress size={20} />}
      {plans && plans.length === 0 && <Typography color="text.secondary">{t('shells.none')}</Typography>}
      {plans && plans.length > 0 && (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>{t('shells.columns.profile')}</TableCell>
              <TableCell>{t('shells.target.exchange')}</TableCell>
              <TableCell>{t('shells.target.lync')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {[...new Set(plans.map((p) => p.profile))].map((profile) => (
              <TableRow key={profile}>
                <TableCell sx={{ fontWeight: 600, verticalAlign: 'top' }}>{profile}</TableCell>
                {(['exchange', 'lync'] as const).map((target) => {
                  const plan = plans.find((p) => p.profile === profile && p.target === target);
                  return (
                    <TableCell key={target} sx={{ verticalAlign: 'top', width: '42%' }} data-testid={plan ? `shell-${target}-${profile}` : undefined}>
                      {plan ? (
                        <ShellCell plan={plan} />
                      ) : (
                        <Typography variant="body2" color="text.secondary">
                          {t('editor.endpointNone')}
                        </Typography>
                      )}
                    </TableCell>
                  );
                })}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Paper>
  );
}

function ShellCell({ plan }: { plan: PsShellPlan }) {
  const { t } = useTranslation('settings');
  return (
    <>
      <Box component="code" sx={{ fontFamily: monospaceFont, fontSize: 13 }}>
        {plan.endpoint}
      </Box>
      {plan.shell ? (
        <>
          <Typography variant="body2" data-testid="shell-name">
            {t(`shells.kind.${plan.shell.kind}`)} {plan.shell.version ?? t('shells.versionUnknown')}
            <Typography component="span" variant="body2" color="text.secondary">
              {' — '}
              {t(`shells.reason.${plan.shell.reason}`)}
            </Typography>
          </Typography>
          <Box component="code" sx={{ fontFamily: monospaceFont, fontSize: 12, color: 'text.secondary', wordBreak: 'break-all' }}>
            {plan.shell.path}
          </Box>
        </>
      ) : (
        <Typography variant="body2" color="error">
          {plan.problem}
        </Typography>
      )}
    </>
  );
}
