import { ApiError } from '@shared/errors';
import { sidToString } from './dir-entry';
import type { DirectorySession } from './directory-session';
import { escapeFilterValue, filter } from './ldap-escape';
import { lookupOnce, notPreparedForLync } from './session-lookups';

/** The account a session is bound as, with every group it is in (nested ones included). */
export interface BoundAccount {
  dn: string;
  sid: string;
  name: string;
  groups: Array<{ sid: string; name: string; dn?: string }>;
}

const accounts = new WeakMap<DirectorySession, Promise<BoundAccount>>();

/**
 * Who the session is: found by the identity it bound with, its transitive groups from tokenGroups
 * (AD computes nesting), named in one search. Cached per session.
 */
export function whoAmI(session: DirectorySession): Promise<BoundAccount> {
  let cached = accounts.get(session);
  if (!cached) {
    cached = resolveAccount(session);
    accounts.set(session, cached);
    cached.catch(() => accounts.delete(session));
  }
  return cached;
}

async function resolveAccount(session: DirectorySession): Promise<BoundAccount> {
  const identity = session.identity;
  const root = session.rootDse.defaultNamingContext;
  let entryDn: string | undefined;
  if (/^(CN|OU|UID)=/i.test(identity)) entryDn = identity;
  else {
    // A user@domain bind works for accounts without a userPrincipalName (AD's built-in
    // Administrator has none), so the part before @ is tried as the sAMAccountName too.
    const match = identity.includes('\\')
      ? filter`(sAMAccountName=${identity.split('\\')[1] ?? ''})`
      : identity.includes('@')
        ? filter`(|(userPrincipalName=${identity})(sAMAccountName=${identity.split('@')[0] ?? ''}))`
        : filter`(sAMAccountName=${identity})`;
    const found = await session.search(root, { filter: `(&(objectCategory=person)${match})`, attributes: ['userPrincipalName'], sizeLimit: 3 });
    entryDn = (found.find((e) => e.get('userPrincipalName')?.toLowerCase() === identity.toLowerCase()) ?? (found.length === 1 ? found[0] : undefined))?.dn;
  }
  if (!entryDn) throw new ApiError('NOT_FOUND', `The account ${identity} was not found in ${session.rootDse.forestDnsName}.`);
  const self = await session.read(entryDn, ['tokenGroups', 'objectSid', 'sAMAccountName']);
  if (!self) throw new ApiError('NOT_FOUND', `The account ${identity} could not be read.`);
  const sids = self.getBuffers('tokenGroups');
  const groups: BoundAccount['groups'] = sids.map((b) => ({ sid: sidToString(b), name: sidToString(b) }));
  if (sids.length > 0) {
    // SIDs in their string form: AD and Samba accept (objectSid=S-1-5-…), and ldapts would mangle
    // escaped bytes above 0x7f in a filter string.
    const named = await session.search(root, {
      filter: `(|${groups.map((g) => `(objectSid=${escapeFilterValue(g.sid)})`).join('')})`,
      attributes: ['sAMAccountName', 'objectSid'],
    });
    for (const entry of named) {
      const sid = entry.getBuffer('objectSid');
      const group = sid && groups.find((g) => g.sid === sidToString(sid));
      if (group) {
        group.name = entry.get('sAMAccountName') ?? group.name;
        group.dn = entry.dn;
      }
    }
  }
  const sid = self.getBuffer('objectSid');
  return { dn: self.dn, sid: sid ? sidToString(sid) : '', name: self.get('sAMAccountName') ?? identity, groups };
}

export function isMember(account: BoundAccount, group: string): boolean {
  return account.groups.some((g) => g.name.toLowerCase() === group.toLowerCase());
}

/** Whether the bound account may create objects of this class under a parent (AD computes it). */
export async function canCreateChild(session: DirectorySession, parentDn: string, objectClass: string): Promise<boolean> {
  const entry = await session.read(parentDn, ['allowedChildClassesEffective']);
  return !!entry?.getAll('allowedChildClassesEffective').some((c) => c.toLowerCase() === objectClass.toLowerCase());
}

/** The attributes the bound account may write on an object (AD computes it from the DACL). */
export async function writableAttributes(session: DirectorySession, dn: string): Promise<Set<string>> {
  const entry = await session.read(dn, ['allowedAttributesEffective']);
  return new Set((entry?.getAll('allowedAttributesEffective') ?? []).map((a) => a.toLowerCase()));
}

/** DACL_SECURITY_INFORMATION in sDRightsEffective: the requester holds WRITE_DAC on the object [S41]. */
const DACL_SECURITY_INFORMATION = 0x4;

/**
 * Whether the bound account may change an object's permissions ("Modify permissions", WRITE_DAC):
 * AD computes it per object in the constructed attribute sDRightsEffective [S41], so a delegation
 * on one OU counts as much as Domain Admins.
 */
export async function canChangePermissions(session: DirectorySession, dn: string): Promise<boolean> {
  const entry = await session.read(dn, ['sDRightsEffective']);
  return ((entry?.getInt('sDRightsEffective') ?? 0) & DACL_SECURITY_INFORMATION) !== 0;
}

/**
 * A group's SID by sAMAccountName (the way Lync's and Exchange's tools find the RTC groups [S8]),
 * read once per session. Throws NOT_FOUND, saying the forest is not prepared for Lync, when the
 * group does not exist.
 */
export function resolveGroupSid(session: DirectorySession, name: string): Promise<string> {
  return lookupOnce(session, `group:${name}`, async () => {
    // Universal groups, usually in the forest root: found through the global catalog, as Lync's
    // and Exchange's tools find them [S8]; the session falls back to its domain when no GC answers.
    const { entries } = await session.searchForest({ filter: `(&(objectClass=group)(sAMAccountName=${escapeFilterValue(name)}))`, attributes: ['objectSid'] });
    const [entry] = entries;
    const sid = entry?.getBuffer('objectSid');
    if (!sid) throw notPreparedForLync(`the group ${name}`);
    return sidToString(sid);
  });
}
