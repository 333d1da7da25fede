import { randomUUID } from 'node:crypto';
import { contactAttributes } from '../../electron/services/contacts/contact-recipe';
import type { LabDirectory } from './lab-directory';
import { configDn, forests, labOuDn, orgDn, type ForestSpec } from './lab-config';

/**
 * The Exchange UM organisation and the Lync pools of lab.md, with the gaps seeded on purpose
 * (SA/AA contacts are written with the console's own contact recipe, the one source of that shape):
 * pool02 has no UM IP gateway, Taipei is Unsecured, Legacy is TelExtn, EXUM01 (Exchange 2010
 * RTM) serves Tokyo, and only Redmond has its SA and AA contacts.
 */

export interface DialPlanSpec {
  name: string;
  uriType: 1 | 2 | 3; // TelExtn, E164, SipName
  voipSecurity: 1 | 2 | 3; // SIPSecured, Unsecured, Secured
  digits: number;
  pilots: string[];
  equivalentTo?: string[];
  pinMinLength: number;
}

export const contosoDialPlans: DialPlanSpec[] = [
  { name: 'Redmond', uriType: 3, voipSecurity: 3, digits: 5, pilots: ['+14255550100', '+14255550101'], equivalentTo: ['Taipei'], pinMinLength: 6 },
  { name: 'Tokyo', uriType: 3, voipSecurity: 1, digits: 4, pilots: ['+81355550100'], pinMinLength: 4 },
  { name: 'Taipei', uriType: 2, voipSecurity: 2, digits: 5, pilots: ['+886255550100'], equivalentTo: ['Redmond'], pinMinLength: 6 },
  { name: 'Legacy', uriType: 1, voipSecurity: 2, digits: 4, pilots: ['+14255550199'], pinMinLength: 4 },
];

export const fabrikamDialPlans: DialPlanSpec[] = [{ name: 'Kaohsiung', uriType: 3, voipSecurity: 1, digits: 5, pilots: ['+88675550100'], pinMinLength: 6 }];

export const contosoAutoAttendants = [
  { name: 'RedmondAA', dialPlan: 'Redmond', pilots: ['+14255550123'] },
  { name: 'TokyoAA', dialPlan: 'Tokyo', pilots: ['+81355550123'] },
];

export const labPools = [
  { cn: '1:1', fqdn: 'pool01.contoso.test', display: 'pool01', data: ['PoolType=Enterprise'] },
  { cn: '1:2', fqdn: 'pool02.contoso.test', display: 'pool02', data: ['PoolType=Standard'] },
  { cn: '1:3', fqdn: 'sba01.contoso.test', display: 'sba01', data: ['ExtendedType=RemoteRegistrar'] },
];

/** Lync stores pool versions as an integer; the encoding for 2013 is an OPEN item (domain.md §5). */
const LYNC_2013_POOL_VERSION = '6';

export function phoneContext(dialPlan: string, forest: ForestSpec): string {
  return `${dialPlan}.${forest.dnsName}`;
}

export function dialPlanDn(name: string, forest: ForestSpec): string {
  return `CN=${name},CN=UM DialPlan Container,${orgDn(forest)}`;
}

export function policyDn(dialPlan: string, forest: ForestSpec): string {
  return `CN=${dialPlan} Default Policy,CN=UM Mailbox Policies,${orgDn(forest)}`;
}

export function autoAttendantDn(name: string, forest: ForestSpec): string {
  return `CN=${name},CN=UM AutoAttendant Container,${orgDn(forest)}`;
}

export function poolServiceDn(fqdn: string): string {
  const pool = labPools.find((p) => p.fqdn === fqdn)!;
  return `CN=Lc Services,CN=Microsoft,CN=${pool.cn},CN=Pools,CN=RTC Service,CN=Services,${configDn(forests.contoso)}`;
}

interface ServerSpec {
  name: string;
  serial: string;
  version: string;
  roles: string;
  dialPlans: string[];
}

/** The Exchange organisation container tree. */
async function seedExchangeOrg(dir: LabDirectory, forest: ForestSpec): Promise<void> {
  const org = orgDn(forest);
  await dir.ensure(`CN=Microsoft Exchange,CN=Services,${configDn(forest)}`, { objectClass: 'msExchConfigurationContainer' });
  await dir.ensure(org, { objectClass: 'msExchOrganizationContainer' });
  for (const c of ['UM DialPlan Container', 'UM IPGateway Container', 'UM AutoAttendant Container', 'UM Mailbox Policies', 'Administrative Groups']) {
    await dir.ensure(`CN=${c},${org}`, { objectClass: 'msExchContainer' });
  }
  const adminGroup = `CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,${org}`;
  await dir.ensure(adminGroup, { objectClass: 'msExchAdminGroup' });
  await dir.ensure(`CN=Servers,${adminGroup}`, { objectClass: 'msExchServersContainer' });
}

/** Exchange servers; a UM server before 2013 links the dial plans it serves. */
async function seedServers(dir: LabDirectory, forest: ForestSpec, servers: ServerSpec[]): Promise<void> {
  const adminGroup = `CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,${orgDn(forest)}`;
  for (const s of servers) {
    await dir.ensure(`CN=${s.name},CN=Servers,${adminGroup}`, {
      objectClass: 'msExchExchangeServer',
      serialNumber: s.serial,
      msExchVersion: s.version,
      msExchCurrentServerRoles: s.roles,
      dNSHostName: `${s.name.toLowerCase()}.${forest.dnsName}`,
      ...(s.dialPlans.length ? { msExchUMServerDialPlanLink: s.dialPlans.map((d) => dialPlanDn(d, forest)) } : {}),
    });
  }
}

async function seedDialPlans(dir: LabDirectory, forest: ForestSpec, plans: DialPlanSpec[]): Promise<void> {
  for (const p of plans) {
    await dir.ensure(dialPlanDn(p.name, forest), {
      objectClass: 'msExchUMDialPlan',
      msExchUMDialPlanURIType: String(p.uriType),
      msExchUMDialPlanVoipSecurity: String(p.voipSecurity),
      msExchUMNumberingPlanDigits: String(p.digits),
      msExchUMPhoneContext: phoneContext(p.name, forest),
      msExchUMVoiceMailPilotNumbers: p.pilots,
      ...(p.equivalentTo ? { msExchUMEquivalentDialPlanPhoneContexts: p.equivalentTo.map((e) => phoneContext(e, forest)) } : {}),
    });
    await dir.ensure(policyDn(p.name, forest), {
      objectClass: 'msExchUMRecipientTemplate',
      msExchUMMailboxPolicyDialPlanLink: dialPlanDn(p.name, forest),
      msExchUMPinPolicyMinPasswordLength: String(p.pinMinLength),
      msExchUMPinPolicyExpiryDays: '60',
    });
  }
}

/** A UM IP gateway for a pool, with one hunt group per SIP dial plan (as exchucutil makes them). */
async function seedGateway(dir: LabDirectory, forest: ForestSpec, poolFqdn: string, outcalls: boolean, messageWaiting: boolean, huntGroupPlans: string[]): Promise<void> {
  const name = poolFqdn.split('.')[0]!;
  const gateway = `CN=${name},CN=UM IPGateway Container,${orgDn(forest)}`;
  await dir.ensure(gateway, {
    objectClass: 'msExchUMIPGateway',
    msExchUMIPGatewayAddress: poolFqdn,
    msExchUMIPGatewayPort: '5061',
    msExchUMOutcallsAllowed: outcalls ? 'TRUE' : 'FALSE',
    msExchUMIPGatewayStatus: '0',
    msExchUMIPGatewayFlags2: messageWaiting ? '1' : '0',
  });
  for (const plan of huntGroupPlans) {
    await dir.ensure(`CN=${plan},${gateway}`, {
      objectClass: 'msExchUMHuntGroup',
      msExchUMPilotIdentifier: phoneContext(plan, forest).split('.')[0]!,
      msExchUMHuntGroupDialPlanLink: dialPlanDn(plan, forest),
    });
  }
}

async function seedLyncPools(dir: LabDirectory): Promise<void> {
  const forest = forests.contoso;
  const rtc = `CN=RTC Service,CN=Services,${configDn(forest)}`;
  await dir.ensure(rtc, { objectClass: 'msRTCSIP-Service' });
  await dir.ensure(`CN=Pools,${rtc}`, { objectClass: 'msRTCSIP-Pools' });
  for (const p of labPools) {
    const pool = `CN=${p.cn},CN=Pools,${rtc}`;
    await dir.ensure(pool, { objectClass: 'msRTCSIP-Pool', dNSHostName: p.fqdn, 'msRTCSIP-PoolVersion': LYNC_2013_POOL_VERSION, 'msRTCSIP-PoolData': p.data, 'msRTCSIP-PoolDisplayName': p.display });
    await dir.ensure(`CN=Microsoft,${pool}`, { objectClass: 'container' });
    await dir.ensure(poolServiceDn(p.fqdn), { objectClass: 'msRTCSIP-PoolService' });
  }
}

export async function seedContosoTopology(dir: LabDirectory, withFabrikam: boolean): Promise<void> {
  const forest = forests.contoso;
  await seedExchangeOrg(dir, forest);
  await seedDialPlans(dir, forest, contosoDialPlans);
  await seedServers(dir, forest, [
    { name: 'EXUM01', serial: 'Version 14.0 (Build 639.21)', version: '4535486012416', roles: '16', dialPlans: ['Tokyo'] },
    { name: 'EX15', serial: 'Version 15.0 (Build 1497.2)', version: '88218628259840', roles: '54', dialPlans: [] },
  ]);
  for (const aa of contosoAutoAttendants) {
    await dir.ensure(autoAttendantDn(aa.name, forest), {
      objectClass: 'msExchUMAutoAttendant',
      msExchUMAutoAttendantDialPlanLink: dialPlanDn(aa.dialPlan, forest),
      msExchUMAutoAttendantDialedNumbers: aa.pilots,
    });
  }
  await seedLyncPools(dir);
  await seedGateway(dir, forest, 'pool01.contoso.test', true, true, ['Redmond', 'Tokyo']);
  await seedGateway(dir, forest, 'sba01.contoso.test', false, false, ['Redmond', 'Tokyo']);

  const contacts = `OU=UM Contacts,${labOuDn(forest)}`;
  await dir.ensure(
    `CN=Redmond Subscriber Access,${contacts}`,
    contactAttributes({ kind: 'SA', name: 'Redmond Subscriber Access', sipAddress: 'sip:RedmondSA@contoso.test', phoneNumber: '+14255550100', targetDn: dialPlanDn('Redmond', forest), poolServiceDn: poolServiceDn('pool01.contoso.test') }),
  );
  // The cmdlet route names contacts by GUID; the seeded AA contact uses that form.
  const [existingAa] = await dir.search(contacts, '(msRTCSIP-PrimaryUserAddress=sip:RedmondAA@contoso.test)', ['1.1']);
  if (!existingAa) {
    await dir.add(
      `CN={${randomUUID()}},${contacts}`,
      contactAttributes({ kind: 'AA', name: 'RedmondAA', sipAddress: 'sip:RedmondAA@contoso.test', phoneNumber: '+14255550123', targetDn: autoAttendantDn('RedmondAA', forest), poolServiceDn: poolServiceDn('pool01.contoso.test') }),
    );
  }
  if (withFabrikam) {
    await dir.ensure(
      `CN=Kaohsiung Subscriber Access,${contacts}`,
      contactAttributes({ kind: 'SA', name: 'Kaohsiung Subscriber Access', sipAddress: 'sip:KaohsiungSA@contoso.test', phoneNumber: '+88675550100', targetDn: dialPlanDn('Kaohsiung', forests.fabrikam), poolServiceDn: poolServiceDn('pool01.contoso.test') }),
    );
  }
}

/** The Exchange resource forest: its own UM organisation serving the Lync forest's pools. */
export async function seedFabrikamTopology(dir: LabDirectory): Promise<void> {
  const forest = forests.fabrikam;
  await seedExchangeOrg(dir, forest);
  await seedDialPlans(dir, forest, fabrikamDialPlans);
  await seedServers(dir, forest, [{ name: 'EX15FAB', serial: 'Version 15.0 (Build 1497.2)', version: '88218628259840', roles: '54', dialPlans: [] }]);
  await seedGateway(dir, forest, 'pool01.contoso.test', true, true, ['Kaohsiung']);
  await seedGateway(dir, forest, 'sba01.contoso.test', false, false, ['Kaohsiung']);
}

export function labOus(forest: ForestSpec): string[] {
  const lab = labOuDn(forest);
  return forest.key === 'contoso'
    ? [lab, `OU=Users,${lab}`, `OU=UM Contacts,${lab}`, `OU=Branch,OU=UM Contacts,${lab}`, `OU=Delegated,${lab}`, `OU=Blocked,${lab}`]
    : [lab, `OU=Linked Mailboxes,${lab}`];
}

