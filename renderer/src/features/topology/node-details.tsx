import { Box, Chip, CircularProgress, Stack, Tab, Tabs, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Topology } from '@shared/models/topology';
import { useCall } from '../../api/api-context';
import { CodeBlock } from '../../components/code-block';
import { CopyButton } from '../../components/copy-button';
import { ErrorAlert } from '../../components/error-alert';
import { FindingCard } from './finding-card';
import { NodeIcon } from './node-icon';
import type { TreeNode } from './tree-model';
import { monospaceFont } from '../../app/theme';
import { domainOfDn, rdnValue } from '@shared/dn';

type Row = [label: string, value: ReactNode];

/** The selected object: friendly properties, every raw attribute, and its findings. */
export function NodeDetails({
  node,
  topology,
  navigate,
}: {
  node: TreeNode | undefined;
  topology: Topology;
  navigate: (path: string, params?: Record<string, string>) => void;
}) {
  const { t } = useTranslation('topology');
  const [tab, setTab] = useState(0);
  if (!node) {
    return <Typography color="text.secondary">{t('details.pick')}</Typography>;
  }
  const rows = propertiesOf(node, topology, (key, options) => String(t(key, options ?? {})));
  return (
    <Stack spacing={1.5} data-testid="topology-details" data-kind={node.kind}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <NodeIcon node={node} />
        <Typography variant="h6" sx={{ wordBreak: 'break-word' }}>
          {node.label}
        </Typography>
        <Chip size="small" label={t(`kinds.${node.kind}`)} />
      </Stack>
      {node.dn && (
        <Stack direction="row" sx={{ alignItems: 'center' }}>
          <Typography variant="caption" color="text.secondary" sx={{ fontFamily: monospaceFont, wordBreak: 'break-all' }} data-testid="topology-dn">
            {node.dn}
          </Typography>
          <CopyButton text={node.dn} label={t('details.copyDn')} />
        </Stack>
      )}
      <Tabs value={tab} onChange={(_e, v: number) => setTab(v)} variant="scrollable">
        <Tab label={t('details.properties')} data-testid="tab-properties" />
        <Tab label={t('details.raw')} disabled={!node.dn} data-testid="tab-raw" />
        <Tab label={`${t('details.findings')} (${node.findings.length})`} data-testid="tab-findings" />
      </Tabs>
      {tab === 0 && (
        <Box
          component="dl"
          sx={{
            m: 0,
            display: 'grid',
            gridTemplateColumns: 'minmax(140px, max-content) 1fr',
            columnGap: 2,
            rowGap: 0.75,
            '& dt': { color: 'text.secondary' },
            '& dd': { m: 0, wordBreak: 'break-word' },
          }}
          data-testid="topology-properties"
        >
          {rows.map(([label, value]) => (
            <Box key={label} sx={{ display: 'contents' }}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </Box>
          ))}
        </Box>
      )}
      {tab === 1 && node.dn && <RawAttributes profile={node.profile} dn={node.dn} />}
      {tab === 2 &&
        (node.findings.length === 0 ? (
          <Typography color="text.secondary">{t('details.noFindings')}</Typography>
        ) : (
          node.findings.map((f) => <FindingCard key={f.id} finding={f} navigate={navigate} />)
        ))}
    </Stack>
  );
}

function RawAttributes({ profile, dn }: { profile: string; dn: string }) {
  const { t } = useTranslation('topology');
  const raw = useCall('topology.object', { profile, dn }, `${profile}|${dn}`);
  if (raw.loading && !raw.data) return <CircularProgress size={20} aria-label={t('details.loadingRaw')} />;
  if (raw.error) return <ErrorAlert error={raw.error} />;
  const text = Object.entries(raw.data?.attributes ?? {})
    .flatMap(([name, values]) => values.map((v) => `${name}: ${v}`))
    .join('\n');
  return <CodeBlock text={text} maxHeight={480} testId="topology-raw" />;
}

function list(values: string[], t: (k: string) => string): ReactNode {
  return values.length === 0 ? <span>{t('fields.none')}</span> : values.join(', ');
}

function propertiesOf(node: TreeNode, topology: Topology, t: (key: string, options?: Record<string, unknown>) => string): Row[] {
  const yesNo = (b: boolean) => (b ? t('fields.yes') : t('fields.no'));
  const nameOf = (dn: string | undefined) => {
    if (!dn) return t('fields.none');
    for (const f of topology.forests) {
      const org = f.exchange;
      const all = [
        ...(org?.dialPlans ?? []),
        ...(org?.autoAttendants ?? []),
        ...(org?.mailboxPolicies ?? []),
        ...(org?.servers ?? []),
        ...(org?.gateways ?? []),
      ];
      const hit = all.find((o) => o.dn.toLowerCase() === dn.toLowerCase());
      if (hit) return hit.name;
    }
    return `${rdnValue(dn)} — ${t('fields.notConnected', { forest: domainOfDn(dn) })}`;
  };
  const o = node.object;
  switch (o.kind) {
    case 'forest': {
      const f = o.forest;
      return [
        [t('fields.profile'), f.profile],
        [t('fields.dc'), f.dcHost],
        [t('fields.domains'), f.domains.map((d) => `${d.dnsName}${d.netbios ? ` (${d.netbios})` : ''}`).join(', ')],
        [t('kinds.exchange'), f.exchange?.name ?? t('fields.none')],
        [t('kinds.pools'), String(f.lync?.pools.length ?? 0)],
      ];
    }
    case 'dialPlan': {
      const dp = o.value;
      const org = topology.forests.find((f) => f.exchange?.dialPlans.some((d) => d.dn === dp.dn))?.exchange;
      const aas = org?.autoAttendants.filter((a) => dp.autoAttendantDns.includes(a.dn)) ?? [];
      const hgs = org?.gateways.flatMap((g) => g.huntGroups).filter((h) => dp.huntGroupDns.includes(h.dn)) ?? [];
      const contacts = topology.forests.flatMap((f) => f.contacts).filter((c) => dp.contactDns.includes(c.dn));
      return [
        [t('fields.uriType'), dp.uriType],
        [t('fields.digits'), String(dp.digits ?? '?')],
        [t('fields.voipSecurity'), dp.voipSecurity],
        [t('fields.phoneContext'), dp.phoneContext ?? t('fields.none')],
        [t('fields.accessNumbers'), list(dp.accessNumbers, t)],
        [t('fields.pilotIdentifiers'), list(dp.pilotIdentifiers, t)],
        ...(dp.uriType === 'E164' ? ([[t('fields.sriRequired'), yesNo(dp.sipResourceIdentifierRequired)]] as Array<[string, string]>) : []),
        [t('fields.equivalent'), list(dp.equivalentPhoneContexts, t)],
        [t('fields.umUsers'), String(dp.umEnabledUsers)],
        [t('fields.servers'), list(dp.serverDns.map(nameOf), t)],
        [t('fields.policies'), list(dp.mailboxPolicyDns.map(nameOf), t)],
        [
          t('fields.autoAttendants'),
          list(
            aas.map((a) => `${a.name} (${a.pilotNumbers.join(', ')})`),
            t,
          ),
        ],
        [
          t('fields.huntGroups'),
          list(
            hgs.map((h) => `${h.identity}${h.pilotIdentifier ? ` · ${h.pilotIdentifier}` : ''}`),
            t,
          ),
        ],
        [
          t('fields.contacts'),
          list(
            contacts.map((c) => `${c.displayName ?? c.sipAddress} (${c.sipAddress ?? ''} · ${c.phoneNumber ?? ''})`),
            t,
          ),
        ],
      ];
    }
    case 'gateway': {
      const g = o.value;
      return [
        [t('fields.address'), g.address],
        [t('fields.port'), String(g.port ?? 0)],
        [t('fields.outcalls'), yesNo(g.outcallsAllowed)],
        [t('fields.messageWaiting'), yesNo(g.messageWaitingAllowed)],
        [t('fields.status'), g.status],
        [t('fields.pool'), g.pool ? g.pool.name : t('fields.none')],
        [
          t('fields.huntGroups'),
          list(
            g.huntGroups.map((h) => `${h.name} → ${nameOf(h.dialPlanDn)}`),
            t,
          ),
        ],
      ];
    }
    case 'huntGroup':
      return [
        [t('fields.gateway'), nameOf(o.value.gatewayDn)],
        [t('fields.dialPlan'), nameOf(o.value.dialPlanDn)],
        [t('fields.pilot'), o.value.pilotIdentifier ?? t('fields.none')],
      ];
    case 'autoAttendant':
      return [
        [t('fields.dialPlan'), nameOf(o.value.dialPlanDn)],
        [t('fields.pilotNumbers'), list(o.value.pilotNumbers, t)],
      ];
    case 'policy':
      return [
        [t('fields.dialPlan'), nameOf(o.value.dialPlanDn)],
        [t('fields.minPin'), String(o.value.minPinLength ?? '?')],
        [t('fields.commonPatterns'), yesNo(o.value.allowCommonPatterns)],
      ];
    case 'server':
      return [
        [t('fields.version'), `${o.value.versionLabel}${o.value.build ? ` (${o.value.build})` : ''}`],
        [
          t('fields.roles'),
          list(
            o.value.roles.map((r) => t(`roles.${r}`)),
            t,
          ),
        ],
        [(o.value.major ?? 0) >= 15 ? t('fields.umServiceDialPlans') : t('fields.umServerDialPlans'), list(o.value.dialPlanDns.map(nameOf), t)],
        [t('fields.startupMode'), o.value.umStartupMode ?? t('fields.none')],
        ...(o.value.callRouter
          ? ([
              [t('fields.callRouterDialPlans'), list(o.value.callRouter.dialPlanDns.map(nameOf), t)],
              [t('fields.callRouterStartupMode'), o.value.callRouter.startupMode ?? t('fields.none')],
            ] as Array<[string, string]>)
          : []),
      ];
    case 'pool':
      return [
        [t('fields.fqdn'), o.value.fqdn],
        [t('fields.kind'), t(`poolKinds.${o.value.kind}`)],
        [t('fields.version'), `${o.value.product}${o.value.version ? ` (msRTCSIP-PoolVersion ${o.value.version})` : ''}`],
        [t('fields.site'), o.value.site ?? t('fields.unknownWithoutLyncShell')],
        [t('fields.services'), o.value.services ? list(o.value.services, t) : t('fields.unknownWithoutLyncShell')],
        [t('fields.poolData'), list(o.value.poolData, t)],
        [
          t('fields.gateways'),
          list(
            o.value.gateways.map((g) => `${g.name} (${g.forest})`),
            t,
          ),
        ],
      ];
    case 'contact': {
      const c = o.value;
      return [
        [t('fields.type'), t(`contactKinds.${c.kind}`)],
        [t('fields.sip'), c.sipAddress ?? t('fields.none')],
        [t('fields.phone'), c.phoneNumber ?? t('fields.none')],
        [t('fields.target'), c.target ? `${c.target.name} (${c.target.forest})` : c.targetDn ? nameOf(c.targetDn) : t('fields.none')],
        [t('fields.pool'), c.pool?.name ?? c.poolServiceDn ?? t('fields.none')],
        [t('fields.ou'), c.ou],
      ];
    }
    case 'lyncDialPlan':
      return [[t('kinds.lyncDialPlan'), o.value.identity]];
    case 'folder':
      return [[t('fields.kind'), t(`kinds.${node.kind}`)]];
  }
}
