import type { PoolKind } from '@shared/models/topology';

/**
 * The facts docs/domain.md marks OPEN (§10) — not settled by any source — decided here, once.
 * Readers are tolerant; anything written follows these choices, and the raw-attributes views let
 * an admin compare with a real object.
 */

/** OPEN (§2): the attribute a 2007/2010 UM server uses to list its dial plans. */
export const UM_SERVER_DIAL_PLAN_LINK = 'msExchUMServerDialPlanLink';

/**
 * A pool's kind: a branch appliance says ExtendedType=RemoteRegistrar in msRTCSIP-PoolData (as
 * ExchUCUtil tests it, S8); a Director is known only from Lync's topology, where its services
 * include Director:<fqdn> [S29] (OPEN: nothing in AD marks it); Enterprise / Standard from
 * msRTCSIP-PoolType 10 / 5 [S2].
 */
export function poolKind(pool: { poolData: readonly string[]; poolType?: number; services?: readonly string[] }): PoolKind {
  if (pool.poolData.some((d) => d.trim().toLowerCase() === 'extendedtype=remoteregistrar')) return 'branch';
  if (pool.services?.some((s) => /^director:/i.test(s))) return 'director';
  if (pool.poolType === 10) return 'enterprise';
  if (pool.poolType === 5) return 'standard';
  return 'unknown';
}

const poolProducts: Record<number, string> = {
  3: 'Office Communications Server 2007',
  4: 'Office Communications Server 2007 R2',
  5: 'Lync Server 2010',
  6: 'Lync Server 2013',
};

/**
 * msRTCSIP-PoolVersion as Microsoft's Get-UCPool compares it: major << 16 (≥ 0x30000 kept,
 * ≥ 0x50000 "CS14", S8). The schema page lists small numbers (0–5, S2); a value under 0x10000 is
 * read as a major so either form is understood. OPEN: Lync 2013's stored value (0x60000 by the rule).
 */
export function decodePoolVersion(raw: string | undefined): { major?: number; product: string } {
  const value = raw === undefined ? NaN : Number(raw);
  if (!Number.isInteger(value) || value < 0) return { product: 'Unknown version' };
  const major = value >= 0x10000 ? value >>> 16 : value;
  return { major, product: poolProducts[major] ?? `Version ${major}` };
}

/** msRTCSIP-SourceObjectType 0x90000000 marks an auto attendant or subscriber access object (§5). */
export const UM_CONTACT_SOURCE_OBJECT_TYPE = 0x90000000;

/**
 * OPEN (§6): whether a contact is SA or AA. First from the class of the object msDS-SourceObjectDN
 * names (a dial plan ⇒ SA, an auto attendant ⇒ AA), then from otherIpPhone, which Lync derives
 * AutoAttendant / IsSubscriberAccess from.
 */
export function classifyUmContact(
  targetClass: 'dialPlan' | 'autoAttendant' | undefined,
  otherIpPhone: readonly string[],
): { kind: 'SA' | 'AA' | 'Unknown'; source: 'target-class' | 'otherIpPhone' | 'none' } {
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

/**
 * The pools Microsoft's Get-UCPool hands to ExchUCUtil: a dNSHostName and a version of OCS 2007
 * or later (≥ 0x30000) [S8]. A version the console cannot read is kept rather than guessed away.
 */
export function keptByGetUcPool(pool: { fqdn?: string; versionMajor?: number }): boolean {
  return !!pool.fqdn && (pool.versionMajor === undefined || pool.versionMajor >= 3);
}

/** Message waiting through a pool's gateway: Lync 2010 or later (≥ 0x50000, "CS14") and not a branch appliance [S8]. */
export function messageWaitingFor(pool: { kind: PoolKind; versionMajor?: number }): boolean {
  return pool.kind !== 'branch' && (pool.versionMajor === undefined || pool.versionMajor >= 5);
}
