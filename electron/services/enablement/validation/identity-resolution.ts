import { guidToBytes } from '../../directory/dir-entry';
import { escapeFilterValue } from '../../directory/ldap-escape';
import { canonicalName, dnEquals, dnToDnsName, normalizeDn, parseDn } from '@shared/dn';
import { isSmtpAddress } from './uri-rules';

/**
 * How Enable-UMMailbox's -Identity finds a mailbox, as pure functions over what a forest-wide
 * search returned, so the batched lookup, the lab module and the unit tests agree.
 *
 * The accepted forms are the documented list [S14]: Name, Alias, DN, canonical DN,
 * Domain\Username, e-mail address, GUID, LegacyExchangeDN, SamAccountName, UPN. Exchange
 * 2013's own code (RecipientIdParameter, [S11]) also ORs DisplayName into its search
 * (`searchWithDisplayName = true`), but the documentation dropped display names in 2019 and
 * a display name is neither unique nor stable: the console follows the documentation and never
 * resolves one. A value that matches only display names is reported as such, with the alias or
 * UPN to use instead.
 *
 * The phases are Exchange's [S11]: the object's own identity (DN, GUID, canonical name) first;
 * then one OR-search over e-mail (SMTP proxy), UPN, LegacyExchangeDN, X500 proxy and alias; if
 * that finds nothing, the name (cn); if that finds nothing, the account name (SamAccountName or
 * DOMAIN\SamAccountName). The first phase that finds anything decides; two matches there are
 * ambiguous.
 */

/** What a candidate recipient is known by: the attributes the phases compare. */
export interface IdentityKeys {
  dn: string;
  objectGuid?: string;
  name?: string;
  alias?: string;
  sam?: string;
  upn?: string;
  mail?: string;
  legacyExchangeDn?: string;
  displayName?: string;
  mailboxGuid?: string;
  /** proxyAddresses, prefix included (`SMTP:`, `smtp:`, `X500:` …). */
  proxyAddresses: string[];
}

/** A domain of the forest, for DOMAIN\user and canonical names. */
export interface ForestDomain {
  dn: string;
  dnsName: string;
  netbios?: string;
}

/** Which documented form matched: shown to the admin so a surprise match can be spotted. */
export type IdentityMatch = 'dn' | 'guid' | 'canonical' | 'email' | 'upn' | 'legacy-dn' | 'x500' | 'alias' | 'mailbox-guid' | 'name' | 'account';

const PHASES: IdentityMatch[][] = [['dn', 'guid', 'canonical'], ['email', 'upn', 'legacy-dn', 'x500', 'alias', 'mailbox-guid'], ['name'], ['account']];

const GUID = /^\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?$/i;

/** True when the value is written as a distinguished name (`CN=…,DC=…`). */
export function looksLikeDn(identity: string): boolean {
  if (!/^(CN|OU)=.+,DC=/i.test(identity)) return false;
  try {
    return parseDn(identity).length > 1;
  } catch {
    return false;
  }
}

/** The GUID in its canonical text form, or undefined when the value is not one. */
export function parseGuid(identity: string): string | undefined {
  const m = GUID.exec(identity.trim());
  return m ? m.slice(1, 6).join('-').toLowerCase() : undefined;
}

const looksCanonical = (identity: string) => /^[^/\\@\s]+\.[^/\\@\s]+\/.+/.test(identity);
const domainPart = (identity: string) => (/^([^\\]+)\\([^\\]+)$/.exec(identity) ?? undefined) as [string, string, string] | undefined;

/** The GUID as an LDAP filter value: every byte as `\hh` (RFC 4515), so no text of the row reaches the filter. */
function guidFilterValue(guid: string): string {
  return [...guidToBytes(guid)].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
}

/**
 * The filter terms that find every candidate an identity could match, in one OR-search
 * together with the other identities of the batch. Display names are asked for only so that a
 * display-name-only match can be explained; they never resolve.
 */
export function identityFilterTerms(identity: string): string[] {
  const id = identity.trim();
  if (!id) return [];
  const v = escapeFilterValue(id);
  if (looksLikeDn(id)) return [`(distinguishedName=${v})`];
  const terms = [`(userPrincipalName=${v})`, `(mailNickname=${v})`, `(name=${v})`, `(sAMAccountName=${v})`, `(displayName=${v})`];
  const guid = parseGuid(id);
  if (guid) terms.push(`(objectGUID=${guidFilterValue(guid)})`, `(msExchMailboxGuid=${guidFilterValue(guid)})`);
  if (isSmtpAddress(id)) terms.push(`(proxyAddresses=smtp:${v})`, `(mail=${v})`);
  if (id.startsWith('/')) terms.push(`(legacyExchangeDN=${v})`, `(proxyAddresses=x500:${v})`);
  if (looksCanonical(id)) terms.push(`(name=${escapeFilterValue(id.split('/').at(-1)!)})`);
  const account = domainPart(id);
  if (account) terms.push(`(sAMAccountName=${escapeFilterValue(account[2])})`);
  return terms;
}

/** Which documented forms of `identity` this candidate matches. */
export function matchesOf(identity: string, candidate: IdentityKeys, domains: ForestDomain[]): IdentityMatch[] {
  const id = identity.trim();
  const eq = (a: string | undefined) => a !== undefined && a.toLowerCase() === id.toLowerCase();
  const out: IdentityMatch[] = [];
  if (looksLikeDn(id)) return dnEquals(candidate.dn, id) ? ['dn'] : [];
  const guid = parseGuid(id);
  if (guid && candidate.objectGuid?.toLowerCase() === guid) out.push('guid');
  if (looksCanonical(id) && eq(safeCanonical(candidate.dn))) out.push('canonical');
  if (isSmtpAddress(id) && (eq(candidate.mail) || candidate.proxyAddresses.some((p) => /^smtp:/i.test(p) && eq(p.slice(5))))) out.push('email');
  if (eq(candidate.upn)) out.push('upn');
  if (id.startsWith('/') && eq(candidate.legacyExchangeDn)) out.push('legacy-dn');
  if (id.startsWith('/') && candidate.proxyAddresses.some((p) => /^x500:/i.test(p) && eq(p.slice(5)))) out.push('x500');
  if (eq(candidate.alias)) out.push('alias');
  if (guid && candidate.mailboxGuid?.toLowerCase() === guid) out.push('mailbox-guid');
  if (eq(candidate.name)) out.push('name');
  if (eq(candidate.sam)) out.push('account');
  const account = domainPart(id);
  if (account && candidate.sam?.toLowerCase() === account[2].toLowerCase()) {
    const domain = domains.find((d) => d.netbios?.toLowerCase() === account[1].toLowerCase() || d.dnsName.toLowerCase() === account[1].toLowerCase());
    if (domain && isInDomain(candidate.dn, domain.dn)) out.push('account');
  }
  return out;
}

/** What an identity resolves to: the matches of the first phase that found any, and how they matched. */
export interface IdentityResolution<T extends IdentityKeys> {
  matches: T[];
  matchedBy?: IdentityMatch;
  /** Nothing matched a documented form, but these have it as their display name. */
  displayNameOnly: T[];
}

/** Resolves one identity among the candidates a batched search returned, phase by phase as Exchange does [S11][S14]. */
export function resolveIdentity<T extends IdentityKeys>(identity: string, candidates: Iterable<T>, domains: ForestDomain[]): IdentityResolution<T> {
  const matched = [...candidates].map((c) => ({ c, by: matchesOf(identity, c, domains) }));
  for (const phase of PHASES) {
    const hits = matched.filter((m) => m.by.some((b) => phase.includes(b)));
    if (hits.length) return { matches: hits.map((h) => h.c), matchedBy: hits[0]!.by.find((b) => phase.includes(b)), displayNameOnly: [] };
  }
  const id = identity.trim().toLowerCase();
  return { matches: [], displayNameOnly: [...candidates].filter((c) => c.displayName?.toLowerCase() === id) };
}

function safeCanonical(dn: string): string | undefined {
  try {
    return canonicalName(dn);
  } catch {
    return undefined;
  }
}

function safeNormalizeDn(dn: string): string {
  try {
    return normalizeDn(dn);
  } catch {
    return dn.toLowerCase();
  }
}

function isInDomain(dn: string, domainDn: string): boolean {
  try {
    return dnToDnsName(dn).toLowerCase() === dnToDnsName(domainDn).toLowerCase();
  } catch {
    return false;
  }
}

/**
 * The index keys a candidate is found under, so that many identities are matched against a large
 * batch without comparing each with every candidate. Only a lookup: resolveIdentity decides.
 */
export function indexKeys(candidate: IdentityKeys): string[] {
  const keys = [`dn:${safeNormalizeDn(candidate.dn)}`];
  const add = (kind: string, value: string | undefined) => value && keys.push(`${kind}:${value}`);
  add('guid', candidate.objectGuid);
  add('guid', candidate.mailboxGuid);
  add('canonical', safeCanonical(candidate.dn));
  add('value', candidate.upn);
  add('value', candidate.mail);
  add('value', candidate.legacyExchangeDn);
  add('value', candidate.alias);
  add('value', candidate.name);
  add('value', candidate.sam);
  add('value', candidate.displayName);
  for (const proxy of candidate.proxyAddresses) if (/^(smtp|x500):/i.test(proxy)) add('value', proxy.slice(proxy.indexOf(':') + 1));
  return keys.map((k) => k.toLowerCase());
}

/** The index keys under which the candidates of an identity are found (see indexKeys). */
export function lookupKeys(identity: string): string[] {
  const id = identity.trim();
  if (looksLikeDn(id)) return [`dn:${safeNormalizeDn(id)}`.toLowerCase()];
  const keys = [`value:${id}`];
  const guid = parseGuid(id);
  if (guid) keys.push(`guid:${guid}`);
  if (looksCanonical(id)) keys.push(`canonical:${id}`);
  const account = domainPart(id);
  if (account) keys.push(`value:${account[2]}`);
  return keys.map((k) => k.toLowerCase());
}
