/**
 * What Grant-CsOUPermission adds to an OU, per object type, as data (domain.md §7), row by row
 * from Microsoft's published tables [S6]. Names only: group SIDs, property-set rightsGuids and
 * attribute/class schemaIDGUIDs are resolved from the directory at run time, so nothing here
 * depends on one forest. The table gives rights and "Applies to", not the bytes: entries with the
 * same trustee and scope are merged here (LC|RP|RC in one entry), and a grant is recognised by
 * what entries allow, whatever their layout (ace-coverage.ts; OPEN, domain.md §10).
 */

import { AccessRight as AccessRightBits, type AccessRightCode } from '../directory/security-descriptor/model';

export const ouObjectTypes = ['User', 'Computer', 'Contact', 'AppContact', 'InetOrgPerson', 'Device'] as const;
export type OuObjectType = (typeof ouObjectTypes)[number];

/** The access-mask bits a recipe entry names (the table is AccessRight in the security-descriptor model). */
export type AccessRight = Extract<AccessRightCode, 'CC' | 'DC' | 'LC' | 'SW' | 'RP' | 'WP' | 'DT' | 'LO' | 'CR' | 'RC'>;

/** What an ACE's ObjectType names; resolved to a GUID at run time. */
export type RecipeTarget =
  | { kind: 'propertySet'; name: string } // controlAccessRight (rightsGuid), e.g. RTCPropertySet
  | { kind: 'extendedRight'; name: string } // controlAccessRight, e.g. DS-Replication-Get-Changes
  | { kind: 'validatedWrite'; name: string } // controlAccessRight, e.g. Validated-DNS-Host-Name
  | { kind: 'attribute'; name: string } // attributeSchema lDAPDisplayName
  | { kind: 'class'; name: string }; // classSchema lDAPDisplayName (for CC/DC)

/** One access entry the recipe adds. */
export interface RecipeEntry {
  trustee: string; // the group's sAMAccountName
  rights: AccessRight[];
  target?: RecipeTarget;
  /** 'ou': on the OU itself only; otherwise inherited by descendant objects of this class. */
  appliesTo: 'ou' | 'ou-and-sub-ous' | { descendantsOfClass: string };
}

const READ_ONLY_USERS = 'RTCUniversalUserReadOnlyGroup';
const READ_ONLY_SERVERS = 'RTCUniversalServerReadOnlyGroup';
const USER_ADMINS = 'RTCUniversalUserAdmins';
const HS_SERVICES = 'RTCHSUniversalServices';

const rtcSets = ['RTCUserSearchPropertySet', 'RTCUserProvisioningPropertySet', 'RTCPropertySet'];
const userReadSets = [...rtcSets, 'Public-Information', 'General-Information', 'User-Account-Restrictions'];

const reads = (cls: string, sets: string[], trustee = READ_ONLY_USERS): RecipeEntry[] =>
  sets.map((name) => ({ trustee, rights: ['RP'], target: { kind: 'propertySet', name }, appliesTo: { descendantsOfClass: cls } }));
const setWrites = (cls: string, sets: string[]): RecipeEntry[] =>
  sets.map((name) => ({ trustee: USER_ADMINS, rights: ['WP'], target: { kind: 'propertySet', name }, appliesTo: { descendantsOfClass: cls } }));
const attributeWrites = (cls: string, attributes: string[]): RecipeEntry[] =>
  attributes.map((name) => ({ trustee: USER_ADMINS, rights: ['WP'], target: { kind: 'attribute', name }, appliesTo: { descendantsOfClass: cls } }));

/**
 * Added for every object type, on the OU itself ("This object only") [S6 §every table]:
 * RTCHSUniversalServices "Replicating directory changes"; both read-only groups "List contents,
 * Read all properties, Read permissions".
 */
const onTheOu: RecipeEntry[] = [
  { trustee: HS_SERVICES, rights: ['CR'], target: { kind: 'extendedRight', name: 'DS-Replication-Get-Changes' }, appliesTo: 'ou' },
  { trustee: READ_ONLY_SERVERS, rights: ['LC', 'RP', 'RC'], appliesTo: 'ou' },
  { trustee: READ_ONLY_USERS, rights: ['LC', 'RP', 'RC'], appliesTo: 'ou' },
];

const contactReads = (cls: string) => reads(cls, [...userReadSets, 'Personal-Information']);
const contactWrites = (cls: string) => [
  ...setWrites(cls, rtcSets),
  ...attributeWrites(cls, ['msExchUCVoiceMailSettings', 'proxyAddresses', 'otherIpPhone', 'displayName', 'description', 'telephoneNumber']),
];
/** "Read Public-Information, Read Validated-DNS-Host-Name" on descendant computers (Validated-DNS-Host-Name's rightsGuid is also the DNS-Host-Name-Attributes property set). */
const computerReads = (trustee: string): RecipeEntry[] => [
  { trustee, rights: ['RP'], target: { kind: 'propertySet', name: 'Public-Information' }, appliesTo: { descendantsOfClass: 'computer' } },
  { trustee, rights: ['RP'], target: { kind: 'validatedWrite', name: 'Validated-DNS-Host-Name' }, appliesTo: { descendantsOfClass: 'computer' } },
];

const byType: Record<OuObjectType, RecipeEntry[]> = {
  // [S6 §User] reads: the three RTC sets, Public-, General-Information, User-Account-Restrictions;
  // writes: the three RTC sets, msExchUCVoiceMailSettings, proxyAddresses; on descendant users.
  User: [...reads('user', userReadSets), ...setWrites('user', rtcSets), ...attributeWrites('user', ['msExchUCVoiceMailSettings', 'proxyAddresses'])],
  // [S6 §Contact or AppContact] as User plus Personal-Information; writes plus otherIpPhone,
  // displayName, description, telephoneNumber; on descendant contacts.
  Contact: [...contactReads('contact'), ...contactWrites('contact')],
  // [S6 §Contact or AppContact] one table for both: application contacts are contact objects.
  AppContact: [...contactReads('contact'), ...contactWrites('contact')],
  // [S6 §InetOrgPerson] the Contact reads; writes: the three RTC sets and proxyAddresses; on descendant inetOrgPersons.
  InetOrgPerson: [...contactReads('inetOrgPerson'), ...setWrites('inetOrgPerson', rtcSets), ...attributeWrites('inetOrgPerson', ['proxyAddresses'])],
  // [S6 §Computer] RTCUniversalUserReadOnlyGroup AND RTCUniversalUserAdmins get the same two reads;
  // RTCUniversalServerReadOnlyGroup gets nothing below the OU itself.
  Computer: [...computerReads(READ_ONLY_USERS), ...computerReads(USER_ADMINS)],
  // [S6 §Device] the Contact reads (on contacts); RTCUniversalUserAdmins "Create child, Delete child,
  // Delete tree" applying to "Contact", the Contact writes on contacts, and displayName,
  // description, telephoneNumber on descendant users.
  Device: [
    ...contactReads('contact'),
    // OPEN: "Applies to: Contact" read as create/delete contacts in this OU and the OUs below, and
    // delete tree on contacts (the lab's table reads it the same way).
    { trustee: USER_ADMINS, rights: ['CC', 'DC'], target: { kind: 'class', name: 'contact' }, appliesTo: 'ou-and-sub-ous' },
    { trustee: USER_ADMINS, rights: ['DT'], appliesTo: { descendantsOfClass: 'contact' } },
    ...attributeWrites('user', ['displayName', 'description', 'telephoneNumber']),
    ...contactWrites('contact'),
  ],
};

/**
 * The entries Grant-CsOUPermission adds for these object types, without duplicates (several types
 * share the entries on the OU itself). At most three types per call, as the cmdlet allows.
 */
export function recipeFor(types: readonly OuObjectType[]): RecipeEntry[] {
  const entries = [...onTheOu, ...types.flatMap((t) => byType[t])];
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = recipeEntryKey(entry);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function recipeEntryKey(entry: RecipeEntry): string {
  const applies = typeof entry.appliesTo === 'string' ? entry.appliesTo : `desc:${entry.appliesTo.descendantsOfClass}`;
  const target = entry.target ? `${entry.target.kind}:${entry.target.name}` : '';
  return `${entry.trustee}|${[...entry.rights].sort().join(',')}|${target}|${applies}`;
}

export function rightsMask(rights: readonly AccessRight[]): number {
  return rights.reduce((mask, r) => mask | AccessRightBits[r], 0);
}
