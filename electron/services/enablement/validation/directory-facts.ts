import { guidToString, type DirEntry } from '../../directory/dir-entry';
import type { DirectorySession } from '../../directory/directory-session';
import { escapeFilterValue } from '../../directory/ldap-escape';
import { isDnWithin } from '@shared/dn';
import { identityFilterTerms, indexKeys, lookupKeys, resolveIdentity, type ForestDomain, type IdentityKeys, type IdentityMatch } from './identity-resolution';
import type { Holders, UserFacts } from './row-rules';

/**
 * The directory lookups behind validation, batched and forest-wide: Exchange resolves -Identity
 * and looks for the holders of an extension or SIP address across the forest through the global
 * catalog [S11], and so does the console (DirectorySession.searchForest). One search answers up
 * to `chunk` identities or addresses, so 10,000 rows cost a few hundred round trips, not tens of
 * thousands.
 */

/** What is read about a recipient; everything a global catalog replicates of it, and more where the GC has it. */
const userAttributes = [
  'cn',
  'name',
  'displayName',
  'sAMAccountName',
  'userPrincipalName',
  'mail',
  'mailNickname',
  'legacyExchangeDN',
  'proxyAddresses',
  'telephoneNumber',
  'objectGUID',
  'msExchMailboxGuid',
  'msExchUMEnabledFlags',
  'msExchUMTemplateLink',
  'msRTCSIP-PrimaryUserAddress',
  'msRTCSIP-Line',
  'msRTCSIP-OptionFlags',
];

const withoutSip = (value: string | undefined) => value?.replace(/^sip:/i, '');

/** A user as read: its facts, and every key -Identity may match it by. */
export type DirectoryUser = UserFacts & IdentityKeys;

function toUserFacts(e: DirEntry): DirectoryUser {
  const proxies = e.getAll('proxyAddresses');
  const sip = proxies.find((p) => /^sip:/i.test(p));
  const guid = e.getBuffer('objectGUID');
  const mailboxGuid = e.getBuffer('msExchMailboxGuid');
  return {
    dn: e.dn,
    ...(guid?.length === 16 ? { objectGuid: guidToString(guid) } : {}),
    ...(mailboxGuid?.length === 16 ? { mailboxGuid: guidToString(mailboxGuid) } : {}),
    name: e.get('name') ?? e.get('cn'),
    alias: e.get('mailNickname'),
    sam: e.get('sAMAccountName'),
    upn: e.get('userPrincipalName'),
    mail: e.get('mail'),
    legacyExchangeDn: e.get('legacyExchangeDN'),
    displayName: e.get('displayName'),
    proxyAddresses: proxies,
    hasMailbox: mailboxGuid !== undefined,
    umEnabled: ((e.getInt('msExchUMEnabledFlags') ?? 0) & 1) === 1,
    policyDn: e.get('msExchUMTemplateLink'),
    eumAddresses: proxies.filter((p) => /^eum:/i.test(p)).map((p) => p.slice(4)),
    sipProxy: sip?.slice(4),
    lyncAddress: withoutSip(e.get('msRTCSIP-PrimaryUserAddress')),
    telephoneNumber: e.get('telephoneNumber'),
    lineUri: e.get('msRTCSIP-Line'),
    // Lync keeps Enterprise Voice as bit 128 of msRTCSIP-OptionFlags [S2].
    enterpriseVoiceEnabled: ((e.getInt('msRTCSIP-OptionFlags') ?? 0) & 128) === 128,
  };
}

/** The user without the keys only resolving its identity needs: what a validated file keeps (one literal, one shape). */
function factsOnly(user: DirectoryUser): UserFacts {
  return {
    dn: user.dn,
    name: user.name,
    alias: user.alias,
    upn: user.upn,
    displayName: user.displayName,
    hasMailbox: user.hasMailbox,
    umEnabled: user.umEnabled,
    policyDn: user.policyDn,
    eumAddresses: user.eumAddresses,
    sipProxy: user.sipProxy,
    lyncAddress: user.lyncAddress,
    telephoneNumber: user.telephoneNumber,
    lineUri: user.lineUri,
    enterpriseVoiceEnabled: user.enterpriseVoiceEnabled,
  };
}

/** What a batch of identities resolved to. */
export interface UserLookup {
  /** identity (lower case) → the users of the first phase that matched, how, and display-name-only matches. */
  resolved: Map<string, { users: UserFacts[]; matchedBy?: IdentityMatch; displayNameOnly: UserFacts[] }>;
  /** False when the global catalog did not answer and only this session's domain was searched. */
  forestWide: boolean;
}

/**
 * Resolves many identities as -Identity does [S14], forest-wide: one global-catalog search per
 * chunk finds every candidate, the phases decide in memory. A GC holds only the attributes it
 * replicates; a candidate the GC shows without a mailbox GUID (or UM-enabled without its policy)
 * is read again from its domain before the console calls it anything, when it is in this
 * session's domain.
 */
export async function findUsers(session: DirectorySession, identities: string[], domains: ForestDomain[], chunk = 100): Promise<UserLookup> {
  const unique = [...new Set(identities.map((i) => i.trim()).filter(Boolean))];
  const byDn = new Map<string, DirectoryUser>();
  const index = new Map<string, string[]>();
  let forestWide = true;
  for (let i = 0; i < unique.length; i += chunk) {
    const terms = [...new Set(unique.slice(i, i + chunk).flatMap(identityFilterTerms))];
    if (terms.length === 0) continue;
    const found = await session.searchForest({ filter: `(&(objectClass=user)(objectCategory=person)(|${terms.join('')}))`, attributes: userAttributes });
    forestWide &&= found.forestWide;
    for (const e of found.entries) byDn.set(e.dn.toLowerCase(), toUserFacts(e));
  }
  await completeFromDomain(session, byDn);
  for (const [dn, facts] of byDn) {
    for (const key of indexKeys(facts)) {
      const dns = index.get(key);
      if (!dns) index.set(key, [dn]);
      else if (!dns.includes(dn)) dns.push(dn);
    }
  }
  const resolved: UserLookup['resolved'] = new Map();
  // One kept copy per user, however many identities of the batch name it.
  const kept = new Map<DirectoryUser, UserFacts>();
  const keep = (users: DirectoryUser[]) =>
    users.map((u) => {
      let facts = kept.get(u);
      if (!facts) kept.set(u, (facts = factsOnly(u)));
      return facts;
    });
  for (const id of unique) {
    const candidates = new Set(lookupKeys(id).flatMap((k) => [...(index.get(k) ?? [])]));
    if (candidates.size === 0) {
      resolved.set(id.toLowerCase(), nobodyFound);
      continue;
    }
    const result = resolveIdentity(
      id,
      [...candidates].map((dn) => byDn.get(dn)!),
      domains,
    );
    // Enable-UMMailbox's -Identity is a mailbox identity: other recipients found alongside a mailbox do not make it ambiguous [S11].
    const mailboxes = result.matches.filter((u) => u.hasMailbox);
    resolved.set(id.toLowerCase(), {
      users: keep(mailboxes.length ? mailboxes : result.matches),
      ...(result.matchedBy ? { matchedBy: result.matchedBy } : {}),
      displayNameOnly: keep(result.displayNameOnly),
    });
  }
  return { resolved, forestWide };
}

/** An identity no recipient matches: one shared, frozen answer (a large file names many). */
const nobodyFound: UserLookup['resolved'] extends Map<string, infer R> ? R : never = Object.freeze({
  users: Object.freeze([]) as unknown as UserFacts[],
  displayNameOnly: Object.freeze([]) as unknown as UserFacts[],
});

/** Reads again, from this session's domain, what a global catalog may not replicate. */
async function completeFromDomain(session: DirectorySession, byDn: Map<string, DirectoryUser>, chunk = 100): Promise<void> {
  const base = session.rootDse.defaultNamingContext;
  const incomplete = [...byDn.values()].filter((u) => (!u.hasMailbox || (u.umEnabled && !u.policyDn)) && isDnWithin(u.dn, base)).map((u) => u.dn);
  for (const [dn, facts] of await readUsers(session, incomplete, chunk)) byDn.set(dn, facts);
}

/**
 * Reads users by DN, `chunk` to a search in this session's domain (one read each elsewhere):
 * keyed by the DN in lower case; a DN that is gone is absent.
 */
export async function readUsers(session: DirectorySession, dns: string[], chunk = 100): Promise<Map<string, DirectoryUser>> {
  const base = session.rootDse.defaultNamingContext;
  const found = new Map<string, DirectoryUser>();
  const within = dns.filter((dn) => isDnWithin(dn, base));
  for (let i = 0; i < within.length; i += chunk) {
    const terms = within.slice(i, i + chunk).map((dn) => `(distinguishedName=${escapeFilterValue(dn)})`);
    const entries = await session.search(base, { filter: terms.length === 1 ? terms[0]! : `(|${terms.join('')})`, attributes: userAttributes });
    for (const e of entries) found.set(e.dn.toLowerCase(), toUserFacts(e));
  }
  for (const dn of dns.filter((d) => !isDnWithin(d, base))) {
    const user = await readUser(session, dn);
    if (user) found.set(dn.toLowerCase(), user);
  }
  return found;
}

/** Reads one user again by DN (to re-check a row whose outcome is unknown). */
export async function readUser(session: DirectorySession, dn: string): Promise<DirectoryUser | undefined> {
  const entry = await session.read(dn, userAttributes);
  return entry ? toUserFacts(entry) : undefined;
}

/** The addresses whose holders validation needs. */
export interface HolderQuery {
  /** `address;phone-context=…` keys (lower case): who holds that EUM proxy. */
  eum: string[];
  /** SIP URI identifiers: who holds `eum:<it>;phone-context=<any>` or `sip:<it>` [S11]. */
  sip: string[];
}

/**
 * Who holds each address anywhere in the forest: users, contacts and other recipients alike,
 * since Exchange refuses an address any of them has. SIP URI identifiers are looked up in every
 * phone context (`eum:<sri>;phone-context=*`) and as sip: proxies, as Exchange's
 * LookupByEumSipResourceIdentifierPrefix and LookupBySipExtension do [S11].
 */
export async function findHolders(session: DirectorySession, query: HolderQuery, chunk = 100): Promise<Holders & { forestWide: boolean }> {
  const terms = [
    ...[...new Set(query.eum.map((k) => k.toLowerCase()))].map((k) => `(proxyAddresses=${escapeFilterValue(`eum:${k}`)})`),
    ...[...new Set(query.sip.map((s) => s.toLowerCase()))].flatMap((s) => [
      `(proxyAddresses=${escapeFilterValue(`eum:${s};phone-context=`)}*)`,
      `(proxyAddresses=${escapeFilterValue(`sip:${s}`)})`,
    ]),
  ];
  const holders: Holders & { forestWide: boolean } = { eum: new Map(), eumAnyContext: new Map(), sip: new Map(), forestWide: true };
  const add = (map: Map<string, string[]>, key: string, dn: string) => {
    const list = map.get(key) ?? [];
    if (!list.some((d) => d.toLowerCase() === dn.toLowerCase())) map.set(key, [...list, dn]);
  };
  for (let i = 0; i < terms.length; i += chunk) {
    const part = terms.slice(i, i + chunk);
    const found = await session.searchForest({ filter: part.length === 1 ? part[0]! : `(|${part.join('')})`, attributes: ['proxyAddresses'] });
    holders.forestWide &&= found.forestWide;
    for (const e of found.entries) {
      for (const proxy of e.getAll('proxyAddresses')) {
        if (/^eum:/i.test(proxy)) {
          const key = proxy.slice(4).toLowerCase();
          add(holders.eum, key, e.dn);
          add(holders.eumAnyContext, key.split(';')[0]!, e.dn);
        } else if (/^sip:/i.test(proxy)) add(holders.sip, proxy.slice(4).toLowerCase(), e.dn);
      }
    }
  }
  return holders;
}
