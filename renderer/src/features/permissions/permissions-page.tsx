import { Box, Button, Paper, Stack, Typography } from '@mui/material';
import RadarIcon from '@mui/icons-material/Radar';
import RefreshIcon from '@mui/icons-material/Refresh';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ouObjectTypeSchema, type OuObjectTypeName, type PermissionScan } from '@shared/models/permissions';
import { readGrantPrefill } from '@shared/routes/fix-routes';
import type { ApiError } from '@shared/errors';
import { toApiError, useApi, useCall } from '../../api/api-context';
import type { ScreenProps } from '../../app/navigation';
import { ActingAccount, useActingAccount } from '../../components/acting-account';
import { ErrorAlert } from '../../components/error-alert';
import { RequireConnection } from '../../components/not-connected';
import { Page } from '../../components/page';
import { OuPermissionsPanel } from './ou-permissions-panel';
import { OuTree } from './ou-tree';
import { LoadingBar } from '../../components/loading-bar';

/**
 * Grant-, Test- and Revoke-CsOUPermission through a GUI: pick the account to act as (its forest's
 * OUs are shown), an OU, see exactly what changes, apply, undo. A "Fix…" opens it on an OU with
 * the object types ticked and the grant previewed (#/permissions?forest=…&ou=…&types=…&action=grant).
 */
export function PermissionsPage({ navigate, params }: ScreenProps) {
  const { t } = useTranslation('permissions');
  const prefill = readGrantPrefill(params);
  const acting = useActingAccount('permissions.write', {
    ...(prefill?.forest ? { preferForest: prefill.forest } : {}),
    ...(params.get('profile') ? { preferred: params.get('profile')! } : {}),
  });
  return (
    <RequireConnection title={t('title')} testId="page-permissions" navigate={navigate}>
      {() => (
        <Page title={t('title')} testId="page-permissions">
          <ActingAccount acting={acting} sx={{ mb: 2 }} />
          {acting.profile && (
            <PermissionsView
              key={acting.profile}
              profile={acting.profile}
              initialOu={prefill?.ou}
              initialTypes={prefill?.types}
              autoPreview={prefill?.action === 'grant'}
            />
          )}
        </Page>
      )}
    </RequireConnection>
  );
}

function PermissionsView({
  profile,
  initialOu,
  initialTypes,
  autoPreview,
}: {
  profile: string;
  initialOu?: string;
  initialTypes?: OuObjectTypeName[];
  autoPreview?: boolean;
}) {
  const { t } = useTranslation('permissions');
  const api = useApi();
  const ous = useCall('permissions.ous', { profile }, profile);
  const [selected, setSelected] = useState<string | undefined>(initialOu);
  const [expanded, setExpanded] = useState<string[]>([]);
  const [scan, setScan] = useState<{ result?: PermissionScan; error?: ApiError; running: boolean }>({ running: false });

  useEffect(() => {
    // Open the path to the selected OU (or the top level) on first load.
    if (!ous.data || expanded.length > 0) return;
    const open = ous.data.filter((o) => !ous.data!.some((p) => p.dn.toLowerCase() === o.parentDn.toLowerCase())).map((o) => o.dn);
    const toSelected = selected
      ? ous.data.filter((o) => selected.toLowerCase().endsWith(o.dn.toLowerCase()) && o.dn.toLowerCase() !== selected.toLowerCase()).map((o) => o.dn)
      : [];
    setExpanded([...open, ...toSelected]);
  }, [ous.data, expanded.length, selected]);

  const domainRoot = ous.data?.[0]?.dn.replace(/^.*?(?=DC=)/i, '');
  const runScan = async () => {
    if (!domainRoot) return;
    setScan({ running: true });
    try {
      setScan({ running: false, result: await api.call('permissions.scan', { profile, base: domainRoot, types: [...ouObjectTypeSchema.options] }) });
    } catch (e) {
      setScan({ running: false, error: toApiError(e) });
    }
  };
  const ou = ous.data?.find((o) => o.dn.toLowerCase() === selected?.toLowerCase());

  return (
    <Stack spacing={2} sx={{ height: '100%' }}>
      <Typography variant="body2" color="text.secondary">
        {t('intro')}
      </Typography>
      <LoadingBar loading={ous.loading} />
      <ErrorAlert error={ous.error} />
      <ErrorAlert error={scan.error} />
      <Stack direction="row" spacing={2} sx={{ flexGrow: 1, minHeight: 480 }}>
        <Paper variant="outlined" sx={{ flex: 4, p: 1.5, minWidth: 260, display: 'flex', flexDirection: 'column' }}>
          <Typography variant="subtitle1">{t('tree.title')}</Typography>
          <Stack direction="row" spacing={1} sx={{ mb: 1, alignItems: 'center' }}>
            <Button size="small" startIcon={<RadarIcon />} onClick={() => void runScan()} disabled={scan.running || !domainRoot} data-testid="permissions-scan">
              {t('tree.scan')}
            </Button>
            <Button size="small" startIcon={<RefreshIcon />} onClick={() => void ous.reload()} disabled={ous.loading}>
              {t('common:actions.refresh')}
            </Button>
          </Stack>
          <LoadingBar loading={scan.running} />
          {scan.result && (
            <Typography variant="caption" color="text.secondary" sx={{ mb: 1 }} data-testid="scan-summary">
              {t('tree.scanSummary', {
                ous: scan.result.ous.length,
                granted: scan.result.ous.filter((o) => o.types.some((s) => s.status === 'granted')).length,
                warnings: scan.result.warnings.length,
              })}
            </Typography>
          )}
          <Box sx={{ overflow: 'auto', flexGrow: 1 }}>
            {ous.data && <OuTree ous={ous.data} selected={selected} onSelect={setSelected} expanded={expanded} onExpand={setExpanded} scan={scan.result} />}
          </Box>
        </Paper>
        <Paper variant="outlined" sx={{ flex: 8, p: 2, minWidth: 0, overflow: 'auto' }}>
          {ou ? (
            <OuPermissionsPanel
              key={ou.dn}
              profile={profile}
              ou={ou}
              onChanged={() => scan.result && void runScan()}
              {...(ou.dn.toLowerCase() === initialOu?.toLowerCase() && initialTypes?.length ? { initialTypes, autoPreview: !!autoPreview } : {})}
            />
          ) : (
            <Typography color="text.secondary" data-testid="permissions-pick-ou">
              {t('pickOu')}
            </Typography>
          )}
        </Paper>
      </Stack>
    </Stack>
  );
}
