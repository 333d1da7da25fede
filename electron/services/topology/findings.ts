import { createHash } from 'node:crypto';
import type { FixAction } from '@shared/models/fix';
import type { DialPlan, Finding, FindingCode, FindingSeverity, ForestTopology, ObjectRef } from '@shared/models/topology';
import { normalizeDn } from '@shared/dn';
import { lyncForestFor } from './deployment';
import { contactFix, gatewaysFix, lyncDialPlanFix, sipDialPlanFix, umServicesFix, voipSecurityFix } from './fix-actions';
import { keptByGetUcPool } from './open-items';
import { securityFor, umServicesFor } from './um-servers';

const severities: Record<FindingCode, FindingSeverity> = {
  'sip-dial-plan-unsecured': 'error',
  'pool-without-gateway': 'error',
  'sip-dial-plan-without-hunt-group': 'error',
  'lync-dial-plan-name-mismatch': 'error',
  'dial-plan-multiple-outcall-gateways': 'warning',
  'dial-plan-without-sa-contact': 'warning',
  'auto-attendant-without-aa-contact': 'warning',
  'telextn-dial-plan': 'warning',
  'voip-security-incompatible': 'error',
  'um-services-not-ready': 'error',
};

const serviceNames = { 'um-service': 'UM service', 'call-router': 'UM Call Router', 'um-server': 'UM server' } as const;

/** Dial plans Lync can use: SIP URI and E.164 (TelExtn is flagged on its own). */
const lyncCapable = (dp: DialPlan) => dp.uriType === 'SipName' || dp.uriType === 'E164';

/**
 * The problems an admin integrating UM with Lync needs to know about, computed from the resolved
 * model of every connected forest. Checks that need a part of the picture that is not connected
 * (the Lync forest's pools and contacts, Lync's dial plans) are skipped rather than guessed.
 */
export function computeFindings(forests: ForestTopology[]): Finding[] {
  const findings: Finding[] = [];
  const add = (code: FindingCode, forest: string, subject: ObjectRef, params: Record<string, string>, fix: FixAction, related: ObjectRef[] = []) => {
    const id = createHash('sha1')
      .update(`${code}|${normalizeDn(subject.dn)}|${related.map((r) => r.dn).join('|')}`)
      .digest('hex')
      .slice(0, 16);
    findings.push({ id, code, severity: severities[code], forest, subject, params, related, fix });
  };
  const lyncKnown = forests.some((f) => (f.lync?.pools.length ?? 0) > 0);
  const contacts = forests.flatMap((f) => f.contacts);
  const lyncDialPlans = forests.flatMap((f) => f.lync?.dialPlans ?? []);
  const lyncDialPlansKnown = forests.some((f) => f.lync?.dialPlans !== undefined);
  // Lync's media encryption, when a Lync shell could read it (Get-CsMediaConfiguration, S4).
  const media = forests.flatMap((f) => f.lync?.mediaConfigurations ?? []);

  for (const f of forests) {
    const org = f.exchange;
    if (!org) continue;
    const ref = (dn: string, name: string): ObjectRef => ({ dn, name, forest: f.forest });
    // The Lync forest this organisation serves: its own, or the one an Exchange resource forest serves (deployment.ts).
    const lync = lyncForestFor(forests, f);
    const setup = gatewaysFix(f.forest, lync?.forest);

    for (const dp of org.dialPlans) {
      const subject = ref(dp.dn, dp.name);
      if (dp.uriType === 'TelExtn') add('telextn-dial-plan', f.forest, subject, { dialPlan: dp.name }, sipDialPlanFix(dp.digits));
      // VoIP security must agree with Lync's media encryption [S9][S10]; without it, Unsecured is wrong whatever Lync requires.
      if (lyncCapable(dp) && media.length > 0) {
        for (const config of media) {
          const allowed = securityFor(config.encryptionLevel);
          if (allowed && !allowed.includes(dp.voipSecurity)) {
            add(
              'voip-security-incompatible',
              f.forest,
              subject,
              { dialPlan: dp.name, security: dp.voipSecurity, scope: config.identity, encryptionLevel: config.encryptionLevel, required: allowed.join(' or ') },
              voipSecurityFix(dp.name, allowed),
            );
          }
        }
      } else if (lyncCapable(dp) && dp.voipSecurity === 'Unsecured')
        add('sip-dial-plan-unsecured', f.forest, subject, { dialPlan: dp.name, uriType: dp.uriType }, voipSecurityFix(dp.name, ['Secured']));

      // Exchange 2013: every Mailbox and Client Access server in every SIP dial plan, in Dual mode [S9].
      if (dp.uriType === 'SipName') {
        const lacking = umServicesFor(org, dp).filter((s) => s.gaps.length > 0);
        if (lacking.length > 0) {
          const describe = (gap: 'not-in-dial-plan' | 'not-dual') =>
            lacking
              .filter((s) => s.gaps.includes(gap))
              .map((s) => `${s.server.name} (${serviceNames[s.service]}${gap === 'not-dual' ? `: ${s.startupMode ?? 'TCP'}` : ''})`)
              .join(', ');
          const fix = umServicesFix(org, dp, lacking)!;
          add(
            'um-services-not-ready',
            f.forest,
            subject,
            { dialPlan: dp.name, notInPlan: describe('not-in-dial-plan') || '—', notDual: describe('not-dual') || '—' },
            fix,
            [...new Map(lacking.map((s) => [s.server.dn, ref(s.server.dn, s.server.name)])).values()],
          );
        }
      }

      // Gateways through which this dial plan is reachable (a hunt group links it) that allow outcalls.
      const reachable = dp.huntGroupDns
        .map((hg) => org.gateways.find((g) => g.huntGroups.some((h) => normalizeDn(h.dn) === normalizeDn(hg))))
        .filter((g, i, all): g is NonNullable<typeof g> => !!g && all.indexOf(g) === i);
      const outcalls = reachable.filter((g) => g.outcallsAllowed);
      if (outcalls.length > 1) {
        add(
          'dial-plan-multiple-outcall-gateways',
          f.forest,
          subject,
          { dialPlan: dp.name, count: String(outcalls.length), gateways: outcalls.map((g) => g.name).join(', ') },
          setup,
          outcalls.map((g) => ref(g.dn, g.name)),
        );
      }

      if (dp.uriType === 'SipName' && lyncKnown) {
        for (const gateway of org.gateways.filter((g) => g.pool)) {
          if (!gateway.huntGroups.some((h) => h.dialPlanDn && normalizeDn(h.dialPlanDn) === normalizeDn(dp.dn))) {
            add(
              'sip-dial-plan-without-hunt-group',
              f.forest,
              subject,
              { dialPlan: dp.name, gateway: gateway.name, pool: gateway.pool!.name, pilot: dp.phoneContext?.split('.')[0] ?? dp.name },
              setup,
              [ref(gateway.dn, gateway.name)],
            );
          }
        }
        if (!contacts.some((c) => c.kind === 'SA' && c.target && normalizeDn(c.target.dn) === normalizeDn(dp.dn))) {
          add(
            'dial-plan-without-sa-contact',
            f.forest,
            subject,
            { dialPlan: dp.name, accessNumber: dp.accessNumbers[0] ?? '' },
            contactFix('SA', subject, dp.accessNumbers[0]),
          );
        }
      }

      if (lyncCapable(dp) && lyncDialPlansKnown && dp.phoneContext) {
        const preSp1 = org.servers.filter((s) => s.beforeExchange2010Sp1 && s.dialPlanDns.some((d) => normalizeDn(d) === normalizeDn(dp.dn)));
        const matches = lyncDialPlans.some(
          (l) => l.identity.toLowerCase() === dp.phoneContext!.toLowerCase() || l.simpleName?.toLowerCase() === dp.phoneContext!.toLowerCase(),
        );
        if (preSp1.length > 0 && !matches) {
          add(
            'lync-dial-plan-name-mismatch',
            f.forest,
            subject,
            {
              dialPlan: dp.name,
              phoneContext: dp.phoneContext,
              server: preSp1.map((s) => s.name).join(', '),
              version: preSp1[0]!.versionLabel,
              lyncDialPlans: lyncDialPlans.map((l) => l.identity).join(', ') || '—',
            },
            lyncDialPlanFix(dp.phoneContext),
            preSp1.map((s) => ref(s.dn, s.name)),
          );
        }
      }
    }

    for (const aa of org.autoAttendants) {
      const dp = org.dialPlans.find((d) => aa.dialPlanDn && normalizeDn(d.dn) === normalizeDn(aa.dialPlanDn));
      if (!lyncKnown || !dp || dp.uriType !== 'SipName') continue;
      if (!contacts.some((c) => c.kind === 'AA' && c.target && normalizeDn(c.target.dn) === normalizeDn(aa.dn))) {
        add(
          'auto-attendant-without-aa-contact',
          f.forest,
          ref(aa.dn, aa.name),
          { autoAttendant: aa.name, dialPlan: dp.name, pilotNumber: aa.pilotNumbers[0] ?? '' },
          contactFix('AA', ref(aa.dn, aa.name), aa.pilotNumbers[0]),
        );
      }
    }

    // Every pool of the Lync forest it serves that Get-UCPool keeps (a dNSHostName and a version of
    // OCS 2007 or later) gets a gateway from exchucutil, run with -Forest from a resource forest [S8].
    for (const pool of (lync?.lync?.pools ?? []).filter((p) => keptByGetUcPool(p))) {
      if (!org.gateways.some((g) => g.address.toLowerCase() === pool.fqdn)) {
        add(
          'pool-without-gateway',
          f.forest,
          { dn: pool.dn, name: pool.fqdn, forest: lync!.forest },
          { pool: pool.fqdn, poolName: pool.fqdn.split('.')[0]!, org: org.name },
          setup,
          [ref(org.dn, org.name)],
        );
      }
    }
  }
  const order: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };
  return findings.sort((a, b) => order[a.severity] - order[b.severity] || a.code.localeCompare(b.code) || a.subject.name.localeCompare(b.subject.name));
}
