import { createHash } from 'node:crypto';
import type { LabDirectory } from './lab-directory';
import { domainDn, forests, LAB_PASSWORD, labAccounts, labOuDn, type ForestSpec } from './lab-config';
import { ADMIN_GROUP, dialPlanDn, mailboxDatabaseDn, phoneContext, policyDn, poolServiceDn, serverLegacyDn } from './seed-topology';

/** Lync's universal groups and the nesting Lync's Enable-CsAdForest sets up. */
export const rtcGroups: Record<string, string[]> = {
  RTCUniversalServerAdmins: [
    'RTCUniversalServerReadOnlyGroup',
    'RTCUniversalUserReadOnlyGroup',
    'RTCUniversalGlobalReadOnlyGroup',
    'RTCUniversalGlobalWriteGroup',
  ],
  RTCUniversalUserAdmins: ['RTCUniversalUserReadOnlyGroup', 'RTCUniversalServerReadOnlyGroup', 'RTCUniversalGlobalReadOnlyGroup'],
  RTCUniversalReadOnlyAdmins: ['RTCUniversalServerReadOnlyGroup', 'RTCUniversalUserReadOnlyGroup', 'RTCUniversalGlobalReadOnlyGroup'],
  RTCUniversalUserReadOnlyGroup: [],
  RTCUniversalServerReadOnlyGroup: [],
  RTCHSUniversalServices: ['RTCUniversalGlobalReadOnlyGroup', 'RTCUniversalGlobalWriteGroup'],
  RTCComponentUniversalServices: ['RTCUniversalGlobalReadOnlyGroup'],
  RTCUniversalGlobalReadOnlyGroup: [],
  RTCUniversalGlobalWriteGroup: [],
};

export const exchangeGroups = ['Organization Management', 'Recipient Management', 'UM Management'];

const UNIVERSAL_SECURITY_GROUP = String(-2147483640);
const NORMAL_ACCOUNT = '512';
const DISABLED_ACCOUNT = '514';

const quotedPassword = (password: string) => Buffer.from(`"${password}"`, 'utf16le');

/** How a numbered lab user is set up; one deterministic rule per property, so tests can rely on it. */
export interface LabUserPlan {
  index: number;
  sam: string;
  lyncEnabled: boolean;
  hasSipProxy: boolean;
  umEnabled: boolean;
  telephoneNumber: string;
  homePool: string;
}

export const userSam = (i: number) => `u${String(i).padStart(5, '0')}`;

/** The mailbox's alias (mailNickname), unlike its sAMAccountName, so a file naming users by alias is tested as such [S14]. */
export const userAlias = (i: number) => `user${String(i).padStart(5, '0')}`;

/** A recipient's legacyExchangeDN in the form Exchange 2007 and later stamp it (the lab's reading: [S14] lists it as an identity, no page gives the format). */
export const recipientLegacyDn = (orgName: string, alias: string) => `/o=${orgName}/ou=${ADMIN_GROUP}/cn=Recipients/cn=${alias}`;

export function planUser(i: number): LabUserPlan {
  const lyncEnabled = i % 10 < 8; // 80 %
  const hasSipProxy = lyncEnabled && i % 50 !== 27; // a few EV users lack the sip: proxy (the seeded gap)
  const umEnabled = lyncEnabled && hasSipProxy && i % 100 < 8; // 10 % of the Lync users, on Redmond
  // Two pairs share a telephone suffix with their neighbour (u00011/u00012, u00021/u00022).
  const suffix = i === 12 ? 11 : i === 22 ? 21 : i;
  const area = i === 12 || i === 22 ? '206' : '425';
  return {
    index: i,
    sam: userSam(i),
    lyncEnabled,
    hasSipProxy,
    umEnabled,
    telephoneNumber: `+1${area}550${String(suffix).padStart(5, '0')}`,
    homePool: i % 3 === 2 ? 'pool02.contoso.test' : 'pool01.contoso.test',
  };
}

/** Seeded users left without UM and with a SIP address (planUser), `count` of them from index `from`: what bulk enablement tests and benchmarks enable. */
export function freshUsers(from: number, count: number): number[] {
  const out: number[] = [];
  for (let i = from; out.length < count; i++) {
    const plan = planUser(i);
    if (plan.lyncEnabled && plan.hasSipProxy && !plan.umEnabled) out.push(i);
  }
  return out;
}

function mailboxGuid(seed: string): Buffer {
  return createHash('md5').update(seed).digest();
}

export async function seedGroupsAndAccounts(dir: LabDirectory, forest: ForestSpec): Promise<void> {
  const root = domainDn(forest);
  const usersContainer = `CN=Users,${root}`;
  const exchangeOu = `OU=Microsoft Exchange Security Groups,${root}`;
  await dir.ensure(exchangeOu, { objectClass: 'organizationalUnit' });
  for (const g of exchangeGroups) await dir.ensure(`CN=${g},${exchangeOu}`, { objectClass: 'group', sAMAccountName: g, groupType: UNIVERSAL_SECURITY_GROUP });
  // "By default, the account that's used to install Exchange 2013 in the organization is added as a
  // member of the Organization Management role group" [S39]: the lab's Administrator installed it.
  await addMember(dir, `CN=Organization Management,${exchangeOu}`, `CN=Administrator,${usersContainer}`);
  if (forest.key !== 'contoso') return;

  for (const g of Object.keys(rtcGroups))
    await dir.ensure(`CN=${g},${usersContainer}`, { objectClass: 'group', sAMAccountName: g, groupType: UNIVERSAL_SECURITY_GROUP });
  for (const [g, parents] of Object.entries(rtcGroups)) {
    for (const parent of parents) await addMember(dir, `CN=${parent},${usersContainer}`, `CN=${g},${usersContainer}`);
  }
  for (const account of labAccounts) {
    const dn = `CN=${account.name},${usersContainer}`;
    await dir.ensure(dn, {
      objectClass: 'user',
      sAMAccountName: account.name,
      userPrincipalName: `${account.name}@${forest.dnsName}`,
      displayName: account.name,
      unicodePwd: quotedPassword(LAB_PASSWORD),
      userAccountControl: NORMAL_ACCOUNT,
    });
    for (const group of account.groups) {
      const groupDn = exchangeGroups.includes(group) ? `CN=${group},${exchangeOu}` : `CN=${group},${usersContainer}`;
      await addMember(dir, groupDn, dn);
    }
  }
}

async function addMember(dir: LabDirectory, group: string, member: string): Promise<void> {
  const [entry] = await dir.search(group, '(objectClass=*)', ['member'], 'base');
  const members = ([] as string[]).concat((entry?.member as string[] | string | undefined) ?? []).map((m) => m.toLowerCase());
  if (!members.includes(member.toLowerCase())) await dir.modify(group, 'add', 'member', [member]);
}

/** The OUs, the numbered users (lab.md's distribution) and a few special objects. */
export async function seedContosoUsers(dir: LabDirectory, count: number, onProgress?: (done: number) => void): Promise<void> {
  const forest = forests.contoso;
  const lab = labOuDn(forest);
  const usersOu = `OU=Users,${lab}`;
  const redmond = dialPlanDn('Redmond', forest);
  const redmondPolicy = policyDn('Redmond', forest);
  const context = phoneContext('Redmond', forest);

  // Objects for the OU-permission checks: one user and one contact in each of Delegated and Blocked.
  for (const ou of ['Delegated', 'Blocked']) {
    await dir.ensure(`CN=${ou} Contact,OU=${ou},${lab}`, { objectClass: 'contact', displayName: `${ou} Contact` });
    await dir.ensure(`CN=${ou} User,OU=${ou},${lab}`, {
      objectClass: 'user',
      sAMAccountName: `${ou.toLowerCase()}-user`,
      userAccountControl: DISABLED_ACCOUNT,
    });
  }
  // Users the enablement rules must refuse: no mailbox.
  for (const name of ['nomailbox1', 'nomailbox2']) {
    await dir.ensure(`CN=${name},${usersOu}`, {
      objectClass: 'user',
      sAMAccountName: name,
      userPrincipalName: `${name}@${forest.dnsName}`,
      userAccountControl: DISABLED_ACCOUNT,
    });
  }

  const existing = new Set((await dir.search(usersOu, '(sAMAccountName=u*)', ['sAMAccountName'], 'one')).map((e) => String(e.sAMAccountName)));
  // Samba serves one request at a time in the lab's single-process model; a few in flight still
  // hide the round-trip latency.
  const pending = new Set<Promise<void>>();
  let done = existing.size;
  for (let i = 1; i <= count; i++) {
    const plan = planUser(i);
    if (existing.has(plan.sam)) continue;
    const upn = `${plan.sam}@${forest.dnsName}`;
    const sip = `sip:${upn}`;
    const digits = plan.telephoneNumber.slice(-5);
    const proxies = [`SMTP:${upn}`];
    if (plan.hasSipProxy) proxies.push(sip);
    if (plan.umEnabled) proxies.push(`EUM:${upn};phone-context=${context}`, `eum:${digits};phone-context=${context}`);
    const attributes: Record<string, string | string[] | Buffer> = {
      objectClass: 'user',
      sAMAccountName: plan.sam,
      userPrincipalName: upn,
      // A mailbox user as Exchange keeps one: alias, legacyExchangeDN, home database and server.
      mailNickname: userAlias(i),
      legacyExchangeDN: recipientLegacyDn(forest.orgName, userAlias(i)),
      homeMDB: mailboxDatabaseDn(forest),
      msExchHomeServerName: serverLegacyDn('EX15', forest),
      givenName: i % 10 === 9 ? '測試' : 'User',
      sn: String(i).padStart(5, '0'),
      displayName: i % 10 === 9 ? `測試使用者 ${String(i).padStart(5, '0')}` : `User ${String(i).padStart(5, '0')}`,
      mail: upn,
      proxyAddresses: proxies,
      telephoneNumber: plan.telephoneNumber,
      userAccountControl: DISABLED_ACCOUNT,
      msExchMailboxGuid: mailboxGuid(upn),
      msExchRecipientTypeDetails: '1',
      // 830 is Exchange's default (UMEnabled bit clear); Enable-UMMailbox ORs in 1 [S11].
      msExchUMEnabledFlags: plan.umEnabled ? '831' : '830',
    };
    if (plan.lyncEnabled) {
      Object.assign(attributes, {
        'msRTCSIP-PrimaryUserAddress': sip,
        'msRTCSIP-UserEnabled': 'TRUE',
        'msRTCSIP-OptionFlags': '384',
        'msRTCSIP-PrimaryHomeServer': poolServiceDn(plan.homePool),
        'msRTCSIP-Line': `tel:${plan.telephoneNumber}`,
      });
    }
    if (plan.umEnabled) Object.assign(attributes, { msExchUMTemplateLink: redmondPolicy, msExchUMRecipientDialPlanLink: redmond });
    const add = dir.add(`CN=${plan.sam},${usersOu}`, attributes).then(() => {
      pending.delete(add);
      done++;
      if (done % 1000 === 0) onProgress?.(done);
    });
    pending.add(add);
    if (pending.size >= 4) await Promise.race(pending);
  }
  await Promise.all(pending);
}

/** Linked mailboxes in the resource forest: disabled users whose master account is a contoso user. */
export async function seedFabrikamMailboxes(dir: LabDirectory, contoso: LabDirectory, count = 20): Promise<void> {
  const forest = forests.fabrikam;
  const ou = `OU=Linked Mailboxes,${labOuDn(forest)}`;
  for (let i = 1; i <= count; i++) {
    const sam = `fu${String(i).padStart(5, '0')}`;
    const [master] = await contoso.search(`OU=Users,${labOuDn(forests.contoso)}`, `(sAMAccountName=${userSam(i)})`, ['objectSid'], 'one');
    if (!master) continue;
    await dir.ensure(`CN=${sam},${ou}`, {
      objectClass: 'user',
      sAMAccountName: sam,
      userPrincipalName: `${sam}@${forest.dnsName}`,
      displayName: `Linked mailbox of ${userSam(i)}`,
      mail: `${sam}@${forest.dnsName}`,
      mailNickname: sam,
      legacyExchangeDN: recipientLegacyDn(forest.orgName, sam),
      homeMDB: mailboxDatabaseDn(forest),
      msExchHomeServerName: serverLegacyDn('EX15FAB', forest),
      proxyAddresses: [`SMTP:${sam}@${forest.dnsName}`, `sip:${userSam(i)}@contoso.test`],
      userAccountControl: DISABLED_ACCOUNT,
      msExchMailboxGuid: mailboxGuid(sam),
      msExchRecipientTypeDetails: '2',
      msExchMasterAccountSid: master.objectSid as Buffer,
      msExchUMEnabledFlags: '830',
    });
  }
}
