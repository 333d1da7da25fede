import type { ForestTopology, ObjectRef, UmContact } from '@shared/models/topology';
import { normalizeDn } from '@shared/dn';
import { classifyUmContact } from './open-items';

type AutoAttendantRef = ObjectRef & { dialPlanDn?: string };

/** Everything a contact may point at, across every connected forest, looked up by DN or number. */
export interface LinkIndex {
  resolveContact(contact: UmContact): void;
}

/**
 * Indexes the dial plans, auto attendants and pools of the forests (read-only), so a contact's
 * kind and target can be resolved the tolerant way docs/domain.md §6 describes.
 */
export function buildLinkIndex(forests: ForestTopology[]): LinkIndex {
  const dialPlans = new Map<string, ObjectRef>();
  const dialPlansByContext = new Map<string, ObjectRef>();
  const autoAttendants = new Map<string, AutoAttendantRef>();
  const poolsByService = new Map<string, ObjectRef>();
  /** access number → dial plan; pilot number → auto attendant (per dial plan, and anywhere). */
  const accessNumbers = new Map<string, ObjectRef>();
  const pilots = new Map<string, AutoAttendantRef>();
  for (const f of forests) {
    for (const dp of f.exchange?.dialPlans ?? []) {
      const ref = { dn: dp.dn, name: dp.name, forest: f.forest };
      dialPlans.set(normalizeDn(dp.dn), ref);
      if (dp.phoneContext) dialPlansByContext.set(dp.phoneContext.toLowerCase(), ref);
      for (const n of dp.accessNumbers) accessNumbers.set(digitsOf(n), ref);
    }
    for (const aa of f.exchange?.autoAttendants ?? []) {
      const ref = { dn: aa.dn, name: aa.name, forest: f.forest, dialPlanDn: aa.dialPlanDn };
      autoAttendants.set(normalizeDn(aa.dn), ref);
      for (const n of aa.pilotNumbers) pilots.set(digitsOf(n), ref);
    }
    // Users and contacts point at CN=Lc Services,CN=Microsoft,<pool>.
    for (const pool of f.lync?.pools ?? [])
      poolsByService.set(normalizeDn(`CN=Lc Services,CN=Microsoft,${pool.dn}`), { dn: pool.dn, name: pool.fqdn, forest: f.forest });
  }
  const asRef = (aa: AutoAttendantRef): ObjectRef => ({ dn: aa.dn, name: aa.name, forest: aa.forest });
  return {
    resolveContact(contact) {
      const number = contact.phoneNumber ? digitsOf(contact.phoneNumber) : undefined;
      let kind: UmContact['kind'] = 'Unknown';
      let source: UmContact['kindSource'] = 'none';
      let target: ObjectRef | undefined;
      let planDn: string | undefined;
      if (contact.targetDn) {
        // 1. msDS-SourceObjectDN names the UM object [S2]: its class decides.
        const key = safeNormalize(contact.targetDn);
        const dp = dialPlans.get(key);
        const aa = autoAttendants.get(key);
        if (dp || aa) {
          kind = dp ? 'SA' : 'AA';
          source = 'target-class';
          target = dp ?? asRef(aa!);
          planDn = dp?.dn ?? aa!.dialPlanDn;
        }
      } else if (contact.phoneContext) {
        // 2. otherIpPhone names the dial plan; the number says which of its objects (docs/domain.md §6).
        const dp = dialPlansByContext.get(contact.phoneContext.toLowerCase());
        const aa = number ? pilots.get(number) : undefined;
        if (dp) {
          planDn = dp.dn;
          if (number && accessNumbers.get(number)?.dn === dp.dn) [kind, source, target] = ['SA', 'otherIpPhone', dp];
          else if (aa && aa.dialPlanDn && safeNormalize(aa.dialPlanDn) === normalizeDn(dp.dn)) [kind, source, target] = ['AA', 'otherIpPhone', asRef(aa)];
        }
      } else if (number) {
        // 3. A contact New-CsExUmContact made names no UM object (hosted, S3): its number may tell.
        const dp = accessNumbers.get(number);
        const aa = pilots.get(number);
        if (dp) [kind, source, target, planDn] = ['SA', 'number', dp, dp.dn];
        else if (aa) [kind, source, target, planDn] = ['AA', 'number', asRef(aa), aa.dialPlanDn];
      }
      if (kind === 'Unknown') {
        // 4. Words some tools leave in otherIpPhone.
        const legacy = classifyUmContact(undefined, contact.otherIpPhone);
        [kind, source] = [legacy.kind, legacy.source];
      }
      contact.kind = kind;
      contact.kindSource = source;
      contact.target = target;
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
  const pools = new Map(
    forests.flatMap((f) => (f.lync?.pools ?? []).map((p) => [p.fqdn.toLowerCase(), { pool: p, ref: { dn: p.dn, name: p.fqdn, forest: f.forest } }] as const)),
  );
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
