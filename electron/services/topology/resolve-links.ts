import type { ForestTopology, ObjectRef } from '@shared/models/topology';
import { normalizeDn } from '../directory/ldap-escape';
import { classifyUmContact } from './open-items';

/**
 * Joins forests read separately: gateways to the pools they serve (by FQDN), SA/AA contacts to
 * their dial plans and auto attendants (by DN, across forests) and to their pools (through the
 * pool's service object). Mutates the forests in place; returns them for chaining.
 */
export function resolveLinks(forests: ForestTopology[]): ForestTopology[] {
  const dialPlans = new Map<string, ObjectRef>();
  const autoAttendants = new Map<string, ObjectRef & { dialPlanDn?: string }>();
  const pools = new Map<string, { ref: ObjectRef; pool: NonNullable<ForestTopology['lync']>['pools'][number] }>();
  const poolsByService = new Map<string, ObjectRef>();

  for (const f of forests) {
    for (const dp of f.exchange?.dialPlans ?? []) dialPlans.set(normalizeDn(dp.dn), { dn: dp.dn, name: dp.name, forest: f.forest });
    for (const aa of f.exchange?.autoAttendants ?? []) autoAttendants.set(normalizeDn(aa.dn), { dn: aa.dn, name: aa.name, forest: f.forest, dialPlanDn: aa.dialPlanDn });
    for (const pool of f.lync?.pools ?? []) {
      const ref = { dn: pool.dn, name: pool.fqdn, forest: f.forest };
      pool.gateways = [];
      pools.set(pool.fqdn.toLowerCase(), { ref, pool });
      // Users and contacts point at CN=Lc Services,CN=Microsoft,<pool>.
      poolsByService.set(normalizeDn(`CN=Lc Services,CN=Microsoft,${pool.dn}`), ref);
    }
  }

  for (const f of forests) {
    for (const gateway of f.exchange?.gateways ?? []) {
      const match = pools.get(gateway.address.toLowerCase());
      gateway.pool = match?.ref;
      match?.pool.gateways.push({ dn: gateway.dn, name: gateway.name, forest: f.forest });
    }
    for (const dp of f.exchange?.dialPlans ?? []) dp.contactDns = [];
  }

  const dialPlanByDn = new Map(forests.flatMap((f) => (f.exchange?.dialPlans ?? []).map((dp) => [normalizeDn(dp.dn), dp] as const)));
  for (const f of forests) {
    for (const contact of f.contacts) {
      const targetKey = contact.targetDn ? safeNormalize(contact.targetDn) : undefined;
      const asDialPlan = targetKey ? dialPlans.get(targetKey) : undefined;
      const asAutoAttendant = targetKey ? autoAttendants.get(targetKey) : undefined;
      const { kind, source } = classifyUmContact(asDialPlan ? 'dialPlan' : asAutoAttendant ? 'autoAttendant' : undefined, contact.otherIpPhone);
      contact.kind = kind;
      contact.kindSource = source;
      contact.target = asDialPlan ?? (asAutoAttendant ? { dn: asAutoAttendant.dn, name: asAutoAttendant.name, forest: asAutoAttendant.forest } : undefined);
      const planDn = asDialPlan?.dn ?? asAutoAttendant?.dialPlanDn;
      contact.dialPlan = planDn ? dialPlans.get(safeNormalize(planDn)) : undefined;
      contact.pool = contact.poolServiceDn ? poolsByService.get(safeNormalize(contact.poolServiceDn)) : undefined;
      if (asDialPlan && kind === 'SA') dialPlanByDn.get(targetKey!)?.contactDns.push(contact.dn);
    }
  }
  return forests;
}

function safeNormalize(dn: string): string {
  try {
    return normalizeDn(dn);
  } catch {
    return dn.toLowerCase();
  }
}

/** The forest a DN belongs to, from its DC= components (for "in a forest that is not connected"). */
export function forestOfDn(dn: string): string {
  return (dn.match(/DC=([^,]+)/gi) ?? []).map((p) => p.slice(3)).join('.').toLowerCase();
}

