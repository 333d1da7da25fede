import type { PoolKind } from '@shared/models/topology';

/**
 * The facts domain.md marks OPEN — not settled by any source — decided here, once. Readers are
 * tolerant; anything written follows these choices, and the raw-attributes views let an admin
 * compare with a real object.
 */

/** OPEN (§2): the attribute a 2007/2010 UM server uses to list its dial plans. */
export const UM_SERVER_DIAL_PLAN_LINK = 'msExchUMServerDialPlanLink';

/**
 * OPEN (§5): how Lync 2013 encodes a pool's kind. A branch appliance says ExtendedType=RemoteRegistrar
 * in msRTCSIP-PoolData (documented); Enterprise/Standard are read from a PoolType= entry when present.
 */
export function poolKindFromData(poolData: readonly string[]): PoolKind {
  const values = poolData.map((d) => d.trim().toLowerCase());
  if (values.includes('extendedtype=remoteregistrar')) return 'branch';
  const type = values.find((v) => v.startsWith('pooltype='))?.slice('pooltype='.length);
  if (type?.startsWith('enterprise')) return 'enterprise';
  if (type?.startsWith('standard')) return 'standard';
  return 'unknown';
}

/** OPEN (§5): msRTCSIP-PoolVersion's encoding for Lync 2013 — shown as stored, not interpreted. */
export function poolVersionText(raw: string | undefined): string | undefined {
  return raw;
}

/** msRTCSIP-SourceObjectType 0x90000000 marks an auto attendant or subscriber access object (§5). */
export const UM_CONTACT_SOURCE_OBJECT_TYPE = 0x90000000;

/**
 * OPEN (§6): whether a contact is SA or AA. First from the class of the object msDS-SourceObjectDN
 * names (a dial plan ⇒ SA, an auto attendant ⇒ AA), then from otherIpPhone, which Lync derives
 * AutoAttendant / IsSubscriberAccess from.
 */
export function classifyUmContact(targetClass: 'dialPlan' | 'autoAttendant' | undefined, otherIpPhone: readonly string[]): { kind: 'SA' | 'AA' | 'Unknown'; source: 'target-class' | 'otherIpPhone' | 'none' } {
  if (targetClass === 'dialPlan') return { kind: 'SA', source: 'target-class' };
  if (targetClass === 'autoAttendant') return { kind: 'AA', source: 'target-class' };
  const text = otherIpPhone.join(' ').toLowerCase();
  if (/auto\s*attendant|\baa\b/.test(text)) return { kind: 'AA', source: 'otherIpPhone' };
  if (/subscriber\s*access|\bsa\b/.test(text)) return { kind: 'SA', source: 'otherIpPhone' };
  return { kind: 'Unknown', source: 'none' };
}

/** OPEN (§6): OcsUmUtil names contacts by their display name; New-CsExUmContact by {GUID}. Both are read. */
export function contactCnForm(dn: string): 'guid' | 'name' {
  return /^CN=\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?,/i.test(dn) ? 'guid' : 'name';
}
