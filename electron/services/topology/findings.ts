import { createHash } from 'node:crypto';
import type { DialPlan, Finding, FindingCode, FindingSeverity, ForestTopology, ObjectRef } from '@shared/models/topology';
import { normalizeDn } from '../directory/ldap-escape';

const severities: Record<FindingCode, FindingSeverity> = {
  'sip-dial-plan-unsecured': 'error',
  'pool-without-gateway': 'error',
  'sip-dial-plan-without-hunt-group': 'error',
  'lync-dial-plan-name-mismatch': 'error',
  'dial-plan-multiple-outcall-gateways': 'warning',
  'dial-plan-without-sa-contact': 'warning',
  'auto-attendant-without-aa-contact': 'warning',
  'telextn-dial-plan': 'warning',
};

/** Dial plans Lync can use: SIP URI and E.164 (TelExtn is flagged on its own). */
const lyncCapable = (dp: DialPlan) => dp.uriType === 'SipName' || dp.uriType === 'E164';

/**
 * The problems an admin integrating UM with Lync needs to know about, computed from the resolved
 * model of every connected forest. Checks that need a part of the picture that is not connected
 * (the Lync forest's pools and contacts, Lync's dial plans) are skipped rather than guessed.
 */
export function computeFindings(forests: ForestTopology[]): Finding[] {
  const findings: Finding[] = [];
  const add = (code: FindingCode, forest: string, subject: ObjectRef, params: Record<string, string>, related: ObjectRef[] = []) => {
    const id = createHash('sha1').update(`${code}|${normalizeDn(subject.dn)}|${related.map((r) => r.dn).join('|')}`).digest('hex').slice(0, 16);
    findings.push({ id, code, severity: severities[code], forest, subject, params, related });
  };
  const pools = forests.flatMap((f) => (f.lync?.pools ?? []).map((p) => ({ pool: p, forest: f.forest })));
  const lyncKnown = pools.length > 0;
  const contacts = forests.flatMap((f) => f.contacts);
  const lyncDialPlans = forests.flatMap((f) => f.lync?.dialPlans ?? []);
  const lyncDialPlansKnown = forests.some((f) => f.lync?.dialPlans !== undefined);

  for (const f of forests) {
    const org = f.exchange;
    if (!org) continue;
    const ref = (dn: string, name: string): ObjectRef => ({ dn, name, forest: f.forest });

    for (const dp of org.dialPlans) {
      const subject = ref(dp.dn, dp.name);
      if (dp.uriType === 'TelExtn') add('telextn-dial-plan', f.forest, subject, { dialPlan: dp.name });
      if (lyncCapable(dp) && dp.voipSecurity === 'Unsecured') add('sip-dial-plan-unsecured', f.forest, subject, { dialPlan: dp.name, uriType: dp.uriType });

      // Gateways through which this dial plan is reachable (a hunt group links it) that allow outcalls.
      const reachable = dp.huntGroupDns
        .map((hg) => org.gateways.find((g) => g.huntGroups.some((h) => normalizeDn(h.dn) === normalizeDn(hg))))
        .filter((g, i, all): g is NonNullable<typeof g> => !!g && all.indexOf(g) === i);
      const outcalls = reachable.filter((g) => g.outcallsAllowed);
      if (outcalls.length > 1) {
        add('dial-plan-multiple-outcall-gateways', f.forest, subject, { dialPlan: dp.name, count: String(outcalls.length), gateways: outcalls.map((g) => g.name).join(', ') }, outcalls.map((g) => ref(g.dn, g.name)));
      }

      if (dp.uriType === 'SipName' && lyncKnown) {
        for (const gateway of org.gateways.filter((g) => g.pool)) {
          if (!gateway.huntGroups.some((h) => h.dialPlanDn && normalizeDn(h.dialPlanDn) === normalizeDn(dp.dn))) {
            add('sip-dial-plan-without-hunt-group', f.forest, subject, { dialPlan: dp.name, gateway: gateway.name, pool: gateway.pool!.name, pilot: dp.phoneContext?.split('.')[0] ?? dp.name }, [ref(gateway.dn, gateway.name)]);
          }
        }
        if (!contacts.some((c) => c.kind === 'SA' && c.target && normalizeDn(c.target.dn) === normalizeDn(dp.dn))) {
          add('dial-plan-without-sa-contact', f.forest, subject, { dialPlan: dp.name, accessNumber: dp.accessNumbers[0] ?? '' });
        }
      }

      if (lyncCapable(dp) && lyncDialPlansKnown && dp.phoneContext) {
        const preSp1 = org.servers.filter((s) => s.beforeExchange2010Sp1 && s.dialPlanDns.some((d) => normalizeDn(d) === normalizeDn(dp.dn)));
        const matches = lyncDialPlans.some((l) => l.identity.toLowerCase() === dp.phoneContext!.toLowerCase() || l.simpleName?.toLowerCase() === dp.phoneContext!.toLowerCase());
        if (preSp1.length > 0 && !matches) {
          add(
            'lync-dial-plan-name-mismatch',
            f.forest,
            subject,
            { dialPlan: dp.name, phoneContext: dp.phoneContext, server: preSp1.map((s) => s.name).join(', '), version: preSp1[0]!.versionLabel, lyncDialPlans: lyncDialPlans.map((l) => l.identity).join(', ') || '—' },
            preSp1.map((s) => ref(s.dn, s.name)),
          );
        }
      }
    }

    for (const aa of org.autoAttendants) {
      const dp = org.dialPlans.find((d) => aa.dialPlanDn && normalizeDn(d.dn) === normalizeDn(aa.dialPlanDn));
      if (!lyncKnown || !dp || dp.uriType !== 'SipName') continue;
      if (!contacts.some((c) => c.kind === 'AA' && c.target && normalizeDn(c.target.dn) === normalizeDn(aa.dn))) {
        add('auto-attendant-without-aa-contact', f.forest, ref(aa.dn, aa.name), { autoAttendant: aa.name, dialPlan: dp.name, pilotNumber: aa.pilotNumbers[0] ?? '' });
      }
    }

    for (const { pool } of pools) {
      if (!org.gateways.some((g) => g.address.toLowerCase() === pool.fqdn)) {
        add('pool-without-gateway', f.forest, { dn: pool.dn, name: pool.fqdn, forest: pools.find((p) => p.pool === pool)!.forest }, { pool: pool.fqdn, poolName: pool.fqdn.split('.')[0]!, org: org.name }, [ref(org.dn, org.name)]);
      }
    }
  }
  const order: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };
  return findings.sort((a, b) => order[a.severity] - order[b.severity] || a.code.localeCompare(b.code) || a.subject.name.localeCompare(b.subject.name));
}
