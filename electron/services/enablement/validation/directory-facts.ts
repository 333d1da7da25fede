import type { DirEntry } from '../../directory/dir-entry';
import type { DirectorySession } from '../../directory/directory-session';
import { escapeFilterValue } from '../../directory/ldap-escape';
import type { UserFacts } from './row-rules';

/**
 * The directory lookups behind validation, batched: one search answers up to `chunk` identities
 * or addresses, so 10,000 rows cost a few hundred round trips instead of tens of thousands.
 */

const userAttributes = [
  'cn',
  'displayName',
  'sAMAccountName',
  'userPrincipalName',
  'mail',
  'proxyAddresses',
  'telephoneNumber',
  'msExchMailboxGuid',
  'msExchUMEnabledFlags',
  'msExchUMTemplateLink',
  'msRTCSIP-Line',
];

/** The lookup keys an identity can match, as Exchange resolves -Identity (UPN, e-mail, DOMAIN\user, alias, name, DN). */
export function identityKeys(identity: string): Array<{ attribute: string; value: string }> {
  const id = identity.trim();
  if (/^(CN|OU)=.+,DC=/i.test(id)) return [{ attribute: 'distinguishedName', value: id }];
  if (id.includes('\\')) return [{ attribute: 'sAMAccountName', value: id.split('\\', 2)[1]! }];
  if (id.includes('@')) return [
    { attribute: 'userPrincipalName', value: id },
    { attribute: 'mail', value: id },
    { attribute: 'proxyAddresses', value: `smtp:${id}` },
  ];
  return [
    { attribute: 'sAMAccountName', value: id },
    { attribute: 'cn', value: id },
    { attribute: 'displayName', value: id },
  ];
}

const keyOf = (attribute: string, value: string) => `${attribute.toLowerCase()}:${value.toLowerCase()}`;

function entryKeys(e: DirEntry): string[] {
  const keys = [keyOf('distinguishedName', e.dn)];
  for (const attribute of ['sAMAccountName', 'userPrincipalName', 'mail', 'cn', 'displayName']) {
    const value = e.get(attribute);
    if (value) keys.push(keyOf(attribute, value));
  }
  for (const proxy of e.getAll('proxyAddresses')) if (/^smtp:/i.test(proxy)) keys.push(keyOf('proxyAddresses', `smtp:${proxy.slice(5)}`));
  return keys;
}

function toUserFacts(e: DirEntry): UserFacts {
  const proxies = e.getAll('proxyAddresses');
  const sip = proxies.find((p) => /^sip:/i.test(p));
  return {
    dn: e.dn,
    displayName: e.get('displayName') ?? e.get('cn'),
    sam: e.get('sAMAccountName'),
    hasMailbox: e.getBuffer('msExchMailboxGuid') !== undefined,
    umEnabled: ((e.getInt('msExchUMEnabledFlags') ?? 0) & 1) === 1,
    policyDn: e.get('msExchUMTemplateLink'),
    eumAddresses: proxies.filter((p) => /^eum:/i.test(p)).map((p) => p.slice(4)),
    sipProxy: sip?.slice(4),
    telephoneNumber: e.get('telephoneNumber'),
    lineUri: e.get('msRTCSIP-Line'),
  };
}

/** Finds the users behind many identities; the map holds every match per identity (lower case). */
export async function findUsers(session: DirectorySession, base: string, identities: string[], chunk = 100): Promise<Map<string, UserFacts[]>> {
  const unique = [...new Set(identities.map((i) => i.trim()).filter(Boolean))];
  const byKey = new Map<string, Map<string, UserFacts>>();
  for (let i = 0; i < unique.length; i += chunk) {
    const terms = unique.slice(i, i + chunk).flatMap((id) => identityKeys(id).map((k) => `(${k.attribute}=${escapeFilterValue(k.value)})`));
    const entries = await session.search(base, { filter: `(&(objectClass=user)(objectCategory=person)(|${[...new Set(terms)].join('')}))`, attributes: userAttributes });
    for (const e of entries) {
      const facts = toUserFacts(e);
      for (const key of entryKeys(e)) {
        const found = byKey.get(key) ?? new Map<string, UserFacts>();
        found.set(e.dn.toLowerCase(), facts);
        byKey.set(key, found);
      }
    }
  }
  const result = new Map<string, UserFacts[]>();
  for (const id of unique) {
    const matches = new Map<string, UserFacts>();
    for (const k of identityKeys(id)) for (const [dn, facts] of byKey.get(keyOf(k.attribute, k.value)) ?? []) matches.set(dn, facts);
    result.set(id.toLowerCase(), [...matches.values()]);
  }
  return result;
}

/** Reads the users again by DN (after an edit changed nothing about who they are, or to re-check a row). */
export async function readUser(session: DirectorySession, dn: string): Promise<UserFacts | undefined> {
  const entry = await session.read(dn, userAttributes);
  return entry ? toUserFacts(entry) : undefined;
}

/**
 * Who holds each EUM address (`12345;phone-context=…`, lower case) anywhere in the domain: users,
 * contacts and auto attendants alike, since Exchange refuses a number any of them has.
 */
export async function findHolders(session: DirectorySession, base: string, keys: string[], chunk = 100): Promise<Map<string, string[]>> {
  const unique = [...new Set(keys.map((k) => k.toLowerCase()))];
  const holders = new Map<string, string[]>();
  for (let i = 0; i < unique.length; i += chunk) {
    const terms = unique.slice(i, i + chunk).map((k) => `(proxyAddresses=${escapeFilterValue(`eum:${k}`)})`);
    const entries = await session.search(base, { filter: terms.length === 1 ? terms[0]! : `(|${terms.join('')})`, attributes: ['proxyAddresses'] });
    for (const e of entries) {
      for (const proxy of e.getAll('proxyAddresses')) {
        if (!/^eum:/i.test(proxy)) continue;
        const key = proxy.slice(4).toLowerCase();
        holders.set(key, [...(holders.get(key) ?? []), e.dn]);
      }
    }
  }
  return holders;
}
