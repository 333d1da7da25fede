import {
  Alert,
  Box,
  Button,
  Checkbox,
  Chip,
  FormControl,
  FormControlLabel,
  FormHelperText,
  InputLabel,
  MenuItem,
  Select,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from '@mui/material';
import BuildIcon from '@mui/icons-material/Build';
import RefreshIcon from '@mui/icons-material/Refresh';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GatewayApplyResult, GatewayPlan, GatewayPlanItem, GatewaySetupRequest } from '@shared/models/gateways';
import type { ApiError } from '@shared/errors';
import type { GatewayPrefill } from '@shared/routes/fix-routes';
import { toApiError, useApi, useCall } from '../../api/api-context';
import { useConnections } from '../../app/connections';
import { ActingAccount, formatActor, sentenceGap, useActingAccount } from '../../components/acting-account';
import { CodeBlock } from '../../components/code-block';
import { ExportPlanButton } from '../../components/export-plan-button';
import { ErrorAlert } from '../../components/error-alert';
import { LoadingBar } from '../../components/loading-bar';

const planColor = { missing: 'primary', present: 'success', blocked: 'error' } as const;
/** What needs doing first, then what is blocked, then what is in place. */
const statusOrder = { missing: 0, blocked: 1, present: 2 } as const;
const outcomeColor = { created: 'success', 'already-present': 'default', failed: 'error', skipped: 'warning' } as const;

/**
 * Gateway setup: exchucutil.ps1's changes as a preview first, then only what is missing, then the
 * verification table. It acts as the chosen profile, whose forest's Exchange organisation is set
 * up; the Lync forest (pools and groups) is found as the topology and the checklist find it, or
 * chosen. A fix opens it for one Exchange forest (#/checklist?view=gateways&exchangeForest=…).
 */
export function GatewaySetupView({ prefill }: { prefill?: GatewayPrefill }) {
  const { t, i18n } = useTranslation('gateways');
  const api = useApi();
  const { capabilities } = useConnections();
  const acting = useActingAccount('gateways.setup', prefill ? { preferForest: prefill.exchangeForest } : {});
  const profile = acting.profile;
  // The Lync forest by its name; empty = found automatically (deployment.ts). It is read through any connected profile of it.
  const [lyncForest, setLyncForest] = useState(prefill?.lyncForest ?? '');
  const [outcallsPool, setOutcallsPool] = useState('');
  const [administrativeGroups, setAdministrativeGroups] = useState(false);
  const actingForest = acting.chosen?.forest;
  const forests = [...new Set((capabilities ?? []).map((c) => c.forest))];
  const lyncProfile = lyncForest && lyncForest !== actingForest ? capabilities?.find((c) => c.forest === lyncForest)?.profile : undefined;
  const request: GatewaySetupRequest = {
    profile: profile ?? '',
    ...(lyncProfile ? { lyncProfile } : {}),
    ...(outcallsPool ? { outcallsPool } : {}),
    administrativeGroups,
  };
  const plan = useCall('gateways.plan', request, JSON.stringify(request), !!profile);
  const [result, setResult] = useState<GatewayApplyResult>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const apply = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.call('gateways.apply', request));
      await plan.reload();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const data = plan.data;
  const describe = (item: GatewayPlanItem) => {
    const onOff = (v: boolean) => t(v ? 'on' : 'off');
    switch (item.kind) {
      case 'gateway':
        if (item.change) return t('item.gatewayChange', { name: item.name, pool: item.pool.fqdn, outcalls: onOff(item.change.outcallsAllowed) });
        return t(item.pool.branch ? 'item.gatewayBranch' : item.pool.kind === 'director' ? 'item.gatewayDirector' : 'item.gateway', {
          name: item.name,
          pool: item.pool.fqdn,
          address: item.address,
          outcalls: onOff(item.outcallsAllowed),
          mwi: onOff(item.messageWaitingAllowed),
        });
      case 'hunt-group':
        return t('item.huntGroup', { name: item.name, gateway: item.gatewayName, dialPlan: item.dialPlan.name, pilot: item.pilotIdentifier ?? '—' });
      case 'permission':
        return t('item.permission', { trustee: item.trustee, rights: item.rights.join(' + '), target: item.targetName, scope: t(`scope.${item.appliesTo}`) });
    }
  };

  return (
    <Stack spacing={2} data-testid="gateway-setup">
      <Typography variant="body2" color="text.secondary">
        {t('intro')}
      </Typography>
      <ActingAccount
        acting={{
          ...acting,
          setProfile: (p) => {
            acting.setProfile(p);
            setOutcallsPool('');
          },
        }}
      />
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        {forests.length > 1 && (
          <FormControl size="small" sx={{ minWidth: 260 }}>
            <InputLabel id="gateways-lync-forest" shrink>
              {t('lyncForest')}
            </InputLabel>
            <Select
              labelId="gateways-lync-forest"
              label={t('lyncForest')}
              value={lyncForest}
              displayEmpty
              notched
              onChange={(e) => {
                setLyncForest(e.target.value);
                setOutcallsPool('');
              }}
              data-testid="gateways-lync-profile"
            >
              <MenuItem value="">{data ? t('lyncForestAuto', { forest: data.lyncForest }) : t('lyncForestAutoPending')}</MenuItem>
              {forests.map((f) => (
                <MenuItem key={f} value={f} data-testid={`gateways-lync-forest-${f}`}>
                  {f}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        )}
        <Button startIcon={<RefreshIcon />} onClick={() => void plan.reload()} disabled={plan.loading || busy} data-testid="gateways-refresh">
          {t('preview')}
        </Button>
        <Button
          variant="contained"
          startIcon={<BuildIcon />}
          // Not while the plan is read again (another outcall choice): what is applied is the plan shown.
          disabled={!data || data.counts.missing === 0 || busy || plan.loading}
          onClick={() => void apply()}
          data-testid="gateways-apply"
        >
          {t('apply', { count: data?.counts.missing ?? 0 })}
        </Button>
        <ExportPlanButton disabled={!data || data.counts.missing === 0 || busy || plan.loading} request={{ kind: 'gateways', request }} />
        {data && (
          <Typography variant="body2" data-testid="gateways-counts">
            {t('counts', { ...data.counts, org: data.organization.name })}
          </Typography>
        )}
      </Stack>
      {data && <OutcallChoice plan={data} value={outcallsPool} onChange={setOutcallsPool} />}
      <FormControlLabel
        control={
          <Checkbox
            size="small"
            checked={administrativeGroups}
            onChange={(e) => setAdministrativeGroups(e.target.checked)}
            data-testid="gateways-administrative-groups"
          />
        }
        label={<Typography variant="body2">{t('administrativeGroups')}</Typography>}
      />
      <LoadingBar loading={plan.loading || busy} />
      <ErrorAlert error={plan.error ?? error} />
      {data?.warnings.map((w, i) => (
        <Alert key={i} severity="info" data-testid={`gateways-warning-${w.code}`}>
          {t(`warnings.${w.code}`, w.params)}
        </Alert>
      ))}
      {result && (
        <>
          <Alert severity={result.counts.failed > 0 ? 'warning' : 'success'} data-testid="gateways-result">
            {t('result', result.counts)}
            {sentenceGap(i18n.language)}
            {t('resultAs', { actor: formatActor(result.actor, t) })}
          </Alert>
          {result.frontEndRestart.required && (
            <Alert severity="warning" data-testid="gateways-restart">
              {t('restart', { pools: result.frontEndRestart.pools.join(', ') })}
            </Alert>
          )}
        </>
      )}
      {data && (
        <Table size="small" data-testid="gateways-plan">
          <TableHead>
            <TableRow>
              <TableCell>{t('columns.item')}</TableCell>
              <TableCell>{t('columns.status')}</TableCell>
              <TableCell>{t('columns.command')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {[...data.items]
              .sort((a, b) => statusOrder[a.status] - statusOrder[b.status])
              .map((item) => {
                const applied = result?.items.find((r) => r.id === item.id);
                return (
                  <TableRow key={item.id} data-testid="gateways-item" data-status={item.status} data-kind={item.kind}>
                    <TableCell sx={{ maxWidth: 520 }}>{describe(item)}</TableCell>
                    <TableCell>
                      {applied ? (
                        <Tooltip title={applied.message ?? ''}>
                          <Chip size="small" color={outcomeColor[applied.outcome]} label={t(`outcomes.${applied.outcome}`)} />
                        </Tooltip>
                      ) : (
                        <Tooltip title={item.problem?.message ?? ''}>
                          <Chip
                            size="small"
                            variant={item.status === 'missing' ? 'outlined' : 'filled'}
                            color={planColor[item.status]}
                            label={t(item.kind === 'gateway' && item.change ? 'statuses.change' : `statuses.${item.status}`)}
                          />
                        </Tooltip>
                      )}
                    </TableCell>
                    <TableCell sx={{ maxWidth: 420 }}>
                      {item.commands.length > 0 && item.status === 'missing' && <CodeBlock text={item.commands.join('\n')} maxHeight={90} />}
                    </TableCell>
                  </TableRow>
                );
              })}
          </TableBody>
        </Table>
      )}
      {result && (
        <Box>
          <Typography variant="subtitle1" gutterBottom>
            {t('verification')}
          </Typography>
          <Table size="small" data-testid="gateways-verification">
            <TableHead>
              <TableRow>
                <TableCell>{t('columns.pool')}</TableCell>
                <TableCell>{t('columns.gateway')}</TableCell>
                <TableCell>{t('columns.outcalls')}</TableCell>
                <TableCell>{t('columns.mwi')}</TableCell>
                <TableCell>{t('columns.huntGroups')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {result.verification.pools.map((row) => (
                <TableRow key={row.pool.dn}>
                  <TableCell>{row.pool.fqdn}</TableCell>
                  <TableCell>{row.gatewayName ?? t('none')}</TableCell>
                  <TableCell>{row.outcallsAllowed === undefined ? '—' : t(row.outcallsAllowed ? 'on' : 'off')}</TableCell>
                  <TableCell>{row.messageWaitingAllowed === undefined ? '—' : t(row.messageWaitingAllowed ? 'on' : 'off')}</TableCell>
                  <TableCell>
                    {row.huntGroups.map((h) => `${h.name}${h.pilotIdentifier ? ` (${h.pilotIdentifier})` : ''}`).join(', ') || '—'}
                    {row.missingDialPlans.length > 0 && (
                      <Typography variant="caption" color="error" sx={{ display: 'block' }}>
                        {t('missingFor', { dialPlans: row.missingDialPlans.join(', ') })}
                      </Typography>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </Stack>
  );
}

/** The admin picks the one gateway that places outcalls; Directors and branch appliances are shown but cannot be picked [S10]. */
function OutcallChoice({ plan, value, onChange }: { plan: GatewayPlan; value: string; onChange: (fqdn: string) => void }) {
  const { t } = useTranslation('gateways');
  const label = (c: GatewayPlan['outcalls']['candidates'][number]) =>
    c.reason === 'director'
      ? t('outcallsDirector', { fqdn: c.fqdn })
      : c.reason === 'branch'
        ? t('outcallsBranch', { fqdn: c.fqdn })
        : t('outcallsCandidate', { fqdn: c.fqdn, site: c.site ? ` (${c.site})` : '', now: c.allowsNow ? t('outcallsNow') : '' });
  return (
    <FormControl size="small" sx={{ maxWidth: 640 }}>
      <InputLabel id="gateways-outcalls" shrink>
        {t('outcalls')}
      </InputLabel>
      <Select
        labelId="gateways-outcalls"
        label={t('outcalls')}
        value={value}
        displayEmpty
        notched
        onChange={(e) => onChange(e.target.value)}
        data-testid="gateways-outcalls"
      >
        <MenuItem value="">{t('outcallsNone')}</MenuItem>
        {plan.outcalls.candidates.map((c) => (
          <MenuItem key={c.fqdn} value={c.fqdn} disabled={!c.eligible} data-testid={`gateways-outcalls-${c.fqdn}`}>
            {label(c)}
          </MenuItem>
        ))}
      </Select>
      <FormHelperText>{t('outcallsHelp')}</FormHelperText>
    </FormControl>
  );
}
