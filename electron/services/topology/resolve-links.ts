import type { ForestTopology, ObjectRef, UmContact } from '@shared/models/topology';
import { normalizeDn } from '../directory/ldap-escape';
import { classifyUmContact } from './open-items';

type AutoAttendantRef = ObjectRef & { dialPlanDn?: string };

/** Everything a contact may point at, across every connected forest, looked up by DN or number. */
export interface LinkIndex {
  resolveContact(contact: UmContact): void;
}

/** Indexes the dial plans, auto attendants and pools of the forests (read-only). */
export function buildLinkIndex(forests: ForestTopology[]): LinkIndex {
  const dialPlans = new Map<string, ObjectRef>();
  const autoAttendants = new Map<string, AutoAttendantRef>();
  const poolsByService = new Map<string, ObjectRef>();
  // Contacts made with New-CsExUmContact name no UM object; their number tells which one they serve.
  const byNumber = new Map<string, ObjectRef>();
  for (const f of forests) {
    for (const dp of f.exchange?.dialPlans ?? []) {
      const ref = { dn: dp.dn, name: dp.name, forest: f.forest };
      dialPlans.set(normalizeDn(dp.dn), ref);
      for (const n of dp.accessNumbers) byNumber.set(digitsOf(n), ref);
    }
    for (const aa of f.exchange?.autoAttendants ?? []) {
      const ref = { dn: aa.dn, name: aa.name, forest: f.forest, dialPlanDn: aa.dialPlanDn };
      autoAttendants.set(normalizeDn(aa.dn), ref);
      for (const n of aa.pilotNumbers) byNumber.set(digitsOf(n), ref);
    }
    // Users and contacts point at CN=Lc Services,CN=Microsoft,<pool>.
    for (const pool of f.lync?.pools ?? []) poolsByService.set(normalizeDn(`CN=Lc Services,CN=Microsoft,${pool.dn}`), { dn: pool.dn, name: pool.fqdn, forest: f.forest });
  }
  return {
    resolveContact(contact) {
      const byPhone = !contact.targetDn && contact.phoneNumber ? byNumber.get(digitsOf(contact.phoneNumber)) : undefined;
      const targetKey = contact.targetDn ? safeNormalize(contact.targetDn) : byPhone ? normalizeDn(byPhone.dn) : undefined;
      const asDialPlan = targetKey ? dialPlans.get(targetKey) : undefined;
      const asAutoAttendant = targetKey ? autoAttendants.get(targetKey) : undefined;
      // A number match does not decide the type; only the object named by msDS-SourceObjectDN does.
      const targetClass = contact.targetDn ? (asDialPlan ? 'dialPlan' : asAutoAttendant ? 'autoAttendant' : undefined) : undefined;
      const { kind, source } = classifyUmContact(targetClass, contact.otherIpPhone);
      contact.kind = kind;
      contact.kindSource = source;
      contact.target = asDialPlan ?? (asAutoAttendant ? { dn: asAutoAttendant.dn, name: asAutoAttendant.name, forest: asAutoAttendant.forest } : undefined);
      const planDn = asDialPlan?.dn ?? asAutoAttendant?.dialPlanDn;
      contact.dialPlan = planDn ? dialPlans.get(safeNormalize(planDn)) : undefined;
      contact.pool = contact.poolServiceDn ? poolsByService.get(safeNormalize(contact.poolServiceDn)) : undefined;
    },
  };
}

/**
 * Joins forests read separately: gateways to the pools they serve (by FQDN), SA/AA contacts to
 * their dial plans and auto attendants (by DN, across forests, or by number) and to their pools.
 * Mutates the forests in place (idempotently); returns them for chaining.
 */
export function resolveLinks(forests: ForestTopology[]): ForestTopology[] {
  const pools = new Map(forests.flatMap((f) => (f.lync?.pools ?? []).map((p) => [p.fqdn.toLowerCase(), { pool: p, ref: { dn: p.dn, name: p.fqdn, forest: f.forest } }] as const)));
  for (const { pool } of pools.values()) pool.gateways = [];
  for (const f of forests) {
    for (const gateway of f.exchange?.gateways ?? []) {
      const match = pools.get(gateway.address.toLowerCase());
      gateway.pool = match?.ref;
      match?.pool.gateways.push({ dn: gateway.dn, name: gateway.name, forest: f.forest });
    }
  }
  const index = buildLinkIndex(forests);
  const dialPlanByDn = new Map(forests.flatMap((f) => (f.exchange?.dialPlans ?? []).map((dp) => [normalizeDn(dp.dn), dp] as const)));
  for (const dp of dialPlanByDn.values()) dp.contactDns = [];
  for (const f of forests) {
    for (const contact of f.contacts) {
      index.resolveContact(contact);
      if (contact.kind === 'SA' && contact.target) dialPlanByDn.get(normalizeDn(contact.target.dn))?.contactDns.push(contact.dn);
    }
  }
  return forests;
}

function digitsOf(number: string): string {
  return number.replace(/\D/g, '');
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
