import { randomUUID } from 'node:crypto';
import type { LabDirectory } from './lab-directory';
import { configDn, forests, labOuDn, orgDn, type ForestSpec } from './lab-config';

/**
 * The Exchange UM organisation and the Lync pools of docs/lab.md, stored as the products store
 * them (docs/domain.md §2 and §5, each value with its source), with the gaps seeded on purpose:
 * pool02 and dir01 have no UM IP gateway, Taipei is Unsecured, Legacy is TelExtn, EXUM01
 * (Exchange 2010 RTM) serves Tokyo, EX15 is missing from Tokyo and its Call Router is not in
 * Dual mode, and only Redmond has its SA and AA contacts.
 */

export interface DialPlanSpec {
  name: string;
  uriType: 1 | 2 | 3; // TelExtn, E164, SipName [S11]
  voipSecurity: 1 | 2 | 3; // SIPSecured, Unsecured, Secured [S11]
  digits: number;
  /** AccessTelephoneNumbers (msExchUMVoiceMailPilotNumbers) [S15]. */
  accessNumbers: string[];
  /** PilotIdentifierList (msExchUMDialPlanDialedNumbers), E.164 [S15]. */
  pilotIdentifiers?: string[];
  equivalentTo?: string[];
  /** SipResourceIdentifierRequired, bit 4 of msExchUMDialPlanFlags2; the stored default −1 means true [S11]. */
  sipResourceIdentifierRequired?: boolean;
  pinMinLength: number;
  /** AllowCommonPatterns (msExchUMPinPolicyDisallowCommonPatterns, 1 = allowed, default 0) [S11][S13]. */
  allowCommonPatterns?: boolean;
}

export const contosoDialPlans: DialPlanSpec[] = [
  { name: 'Redmond', uriType: 3, voipSecurity: 3, digits: 5, accessNumbers: ['+14255550100', '+14255550101'], equivalentTo: ['Taipei'], pinMinLength: 6 },
  { name: 'Tokyo', uriType: 3, voipSecurity: 1, digits: 4, accessNumbers: ['+81355550100'], pinMinLength: 4, allowCommonPatterns: true },
  {
    name: 'Taipei',
    uriType: 2,
    voipSecurity: 2,
    digits: 5,
    accessNumbers: ['+886255550100'],
    pilotIdentifiers: ['+886255550199'],
    equivalentTo: ['Redmond'],
    pinMinLength: 6,
  },
  // An E.164 plan created with SipResourceIdentifierRequired $false (only E.164 plans allow it, S11).
  { name: 'Hsinchu', uriType: 2, voipSecurity: 3, digits: 5, accessNumbers: ['+88635550100'], sipResourceIdentifierRequired: false, pinMinLength: 6 },
  { name: 'Legacy', uriType: 1, voipSecurity: 2, digits: 4, accessNumbers: ['+14255550199'], pinMinLength: 4 },
];

export const fabrikamDialPlans: DialPlanSpec[] = [
  { name: 'Kaohsiung', uriType: 3, voipSecurity: 1, digits: 5, accessNumbers: ['+88675550100'], pinMinLength: 6 },
];

export const contosoAutoAttendants = [
  { name: 'RedmondAA', dialPlan: 'Redmond', pilots: ['+14255550123'] },
  { name: 'TokyoAA', dialPlan: 'Tokyo', pilots: ['+81355550123'] },
];

/** msRTCSIP-PoolVersion as stored: major << 16 (Get-UCPool keeps ≥ 0x30000, ExchUCUtil's "CS14" is 0x50000) [S8]. */
export const POOL_VERSION = { ocs2007r2: 0x40000, lync2010: 0x50000, lync2013: 0x60000 } as const;

export interface LabPool {
  cn: string;
  fqdn: string;
  display: string;
  version: number;
  /** msRTCSIP-PoolType: 5 Standard Edition, 10 Enterprise Edition [S2]. */
  poolType: 5 | 10;
  /** msRTCSIP-PoolData; a branch appliance says ExtendedType=RemoteRegistrar [S8]. */
  data: string[];
  /** What Lync's Central Management Store says (Get-CsPool): site and services [S29]. */
  site: string;
  services: string[];
}

export const labPools: LabPool[] = [
  {
    cn: '1:1',
    fqdn: 'pool01.contoso.test',
    display: 'pool01',
    version: POOL_VERSION.lync2013,
    poolType: 10,
    data: [],
    site: 'Redmond',
    services: ['Registrar', 'UserServer', 'WebServer', 'MediationServer'],
  },
  {
    cn: '1:2',
    fqdn: 'pool02.contoso.test',
    display: 'pool02',
    version: POOL_VERSION.lync2013,
    poolType: 5,
    data: [],
    site: 'Redmond',
    services: ['Registrar', 'UserServer', 'WebServer'],
  },
  {
    cn: '1:3',
    fqdn: 'sba01.contoso.test',
    display: 'sba01',
    version: POOL_VERSION.lync2013,
    poolType: 5,
    data: ['ExtendedType=RemoteRegistrar'],
    site: 'Taipei Branch',
    services: ['Registrar', 'MediationServer'],
  },
  // A Director: in AD a pool like any other; only the topology says Director [S29].
  {
    cn: '1:4',
    fqdn: 'dir01.contoso.test',
    display: 'dir01',
    version: POOL_VERSION.lync2013,
    poolType: 10,
    data: [],
    site: 'Redmond',
    services: ['Director', 'WebServer'],
  },
  // An OCS 2007 R2 pool during migration: OCS named its pool objects by the pool's name.
  {
    cn: 'ocs01',
    fqdn: 'ocs01.contoso.test',
    display: 'ocs01',
    version: POOL_VERSION.ocs2007r2,
    poolType: 10,
    data: [],
    site: 'BackCompatSite',
    services: ['Registrar', 'UserServer'],
  },
];

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

export const ADMIN_GROUP = 'Exchange Administrative Group (FYDIBOHF23SPDLT)';

export function adminGroupDn(forest: ForestSpec): string {
  return `CN=${ADMIN_GROUP},CN=Administrative Groups,${orgDn(forest)}`;
}

export function serverDn(name: string, forest: ForestSpec): string {
  return `CN=${name},CN=Servers,${adminGroupDn(forest)}`;
}

export function mailboxDatabaseDn(forest: ForestSpec): string {
  return `CN=Mailbox Database 01,CN=Databases,${adminGroupDn(forest)}`;
}

/** A server's legacyExchangeDN, the form msExchHomeServerName holds. */
export function serverLegacyDn(name: string, forest: ForestSpec): string {
  return `/o=${forest.orgName}/ou=${ADMIN_GROUP}/cn=Configuration/cn=Servers/cn=${name}`;
}

/** msExchCurrentServerRoles bits [S11]. */
const ROLE = { cafe: 1, mailbox: 2, clientAccess: 4, unifiedMessaging: 16, hubTransport: 32, frontendTransport: 16384 } as const;
const STARTUP = { TCP: 0, TLS: 1, Dual: 2 } as const;

/** msExchVersion: the object version, not the build (Exchange 2007 / 2010 / 2013 objects) [S11]. */
const OBJECT_VERSION = { e2007: '4535486012416', e2010: '44220983382016', e2013: '88218628259840' } as const;

export interface ServerSpec {
  name: string;
  /** AdminDisplayVersion [S24]; AD's serialNumber stores the build + 30000 [S11]. */
  version: { major: number; minor: number; build: number; revision: number };
  objectVersion: string;
  roles: number;
  /** The UM service's (2013: Mailbox) or UM server's (2007/2010) dial plans and startup mode. */
  dialPlans: string[];
  startupMode?: keyof typeof STARTUP;
  /** 2013 Client Access: the UM Call Router's dial plans and startup mode (CN=SIP,CN=Protocols). */
  callRouter?: { dialPlans: string[]; startupMode: keyof typeof STARTUP };
}

export const contosoServers: ServerSpec[] = [
  // Exchange 2007 SP1 UM: dial plans but no startup mode (Set-UMServer 2007 SP1 has none) [S18].
  {
    name: 'EXUM07',
    version: { major: 8, minor: 1, build: 240, revision: 6 },
    objectVersion: OBJECT_VERSION.e2007,
    roles: ROLE.unifiedMessaging,
    dialPlans: ['Legacy'],
  },
  // Exchange 2010 RTM UM, before SP1: Lync dial plan names must match its plans' phone contexts [S1].
  {
    name: 'EXUM01',
    version: { major: 14, minor: 0, build: 639, revision: 21 },
    objectVersion: OBJECT_VERSION.e2010,
    roles: ROLE.unifiedMessaging,
    dialPlans: ['Tokyo'],
    startupMode: 'TLS',
  },
  // Exchange 2010 SP1 UM serving the E.164 plans.
  {
    name: 'EXUM02',
    version: { major: 14, minor: 1, build: 218, revision: 15 },
    objectVersion: OBJECT_VERSION.e2010,
    roles: ROLE.unifiedMessaging,
    dialPlans: ['Taipei', 'Hsinchu'],
    startupMode: 'Dual',
  },
  // Exchange 2013 Mailbox + Client Access: in Redmond only (not Tokyo), UM service Dual, Call Router TCP — gaps [S9].
  {
    name: 'EX15',
    version: { major: 15, minor: 0, build: 1497, revision: 2 },
    objectVersion: OBJECT_VERSION.e2013,
    roles: ROLE.cafe | ROLE.mailbox | ROLE.clientAccess | ROLE.unifiedMessaging | ROLE.hubTransport | ROLE.frontendTransport,
    dialPlans: ['Redmond'],
    startupMode: 'Dual',
    callRouter: { dialPlans: ['Redmond'], startupMode: 'TCP' },
  },
];

export const fabrikamServers: ServerSpec[] = [
  {
    name: 'EX15FAB',
    version: { major: 15, minor: 0, build: 1497, revision: 2 },
    objectVersion: OBJECT_VERSION.e2013,
    roles: ROLE.cafe | ROLE.mailbox | ROLE.clientAccess | ROLE.unifiedMessaging | ROLE.hubTransport | ROLE.frontendTransport,
    dialPlans: ['Kaohsiung'],
    startupMode: 'Dual',
    callRouter: { dialPlans: ['Kaohsiung'], startupMode: 'Dual' },
  },
];

/** "Version 15.0 (Build 31497.2)": AD keeps the build + 30000 for major ≥ 8 [S11]. */
export function serialNumber(v: ServerSpec['version']): string {
  return `Version ${v.major}.${v.minor} (Build ${v.build + 30000}.${v.revision})`;
}

/** The Exchange organisation container tree. */
async function seedExchangeOrg(dir: LabDirectory, forest: ForestSpec): Promise<void> {
  const org = orgDn(forest);
  await dir.ensure(`CN=Microsoft Exchange,CN=Services,${configDn(forest)}`, { objectClass: 'msExchConfigurationContainer' });
  await dir.ensure(org, { objectClass: 'msExchOrganizationContainer' });
  for (const c of ['UM DialPlan Container', 'UM IPGateway Container', 'UM AutoAttendant Container', 'UM Mailbox Policies', 'Administrative Groups']) {
    await dir.ensure(`CN=${c},${org}`, { objectClass: 'msExchContainer' });
  }
  await dir.ensure(adminGroupDn(forest), { objectClass: 'msExchAdminGroup' });
  await dir.ensure(`CN=Servers,${adminGroupDn(forest)}`, { objectClass: 'msExchServersContainer' });
  await dir.ensure(`CN=Databases,${adminGroupDn(forest)}`, { objectClass: 'msExchContainer' });
  await dir.ensure(mailboxDatabaseDn(forest), { objectClass: 'msExchPrivateMDB' });
}

/** Exchange servers: version, roles, dial plans and startup modes where Exchange stores them [S11]. */
async function seedServers(dir: LabDirectory, forest: ForestSpec, servers: ServerSpec[]): Promise<void> {
  for (const s of servers) {
    const dn = serverDn(s.name, forest);
    await dir.ensure(dn, {
      objectClass: 'msExchExchangeServer',
      serialNumber: serialNumber(s.version),
      msExchVersion: s.objectVersion,
      msExchCurrentServerRoles: String(s.roles),
      dNSHostName: `${s.name.toLowerCase()}.${forest.dnsName}`,
      legacyExchangeDN: serverLegacyDn(s.name, forest),
      ...(s.dialPlans.length ? { msExchUMServerDialPlanLink: s.dialPlans.map((d) => dialPlanDn(d, forest)) } : {}),
      ...(s.startupMode ? { msExchUMStartupMode: String(STARTUP[s.startupMode]) } : {}),
    });
    if (s.callRouter) {
      await dir.ensure(`CN=Protocols,${dn}`, { objectClass: 'msExchContainer' });
      await dir.ensure(`CN=SIP,CN=Protocols,${dn}`, {
        objectClass: 'msExchProtocolCfgSIPFEServer',
        msExchUMStartupMode: String(STARTUP[s.callRouter.startupMode]),
        ...(s.callRouter.dialPlans.length ? { msExchUMServerDialPlanLink: s.callRouter.dialPlans.map((d) => dialPlanDn(d, forest)) } : {}),
      });
    }
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
      msExchUMVoiceMailPilotNumbers: p.accessNumbers,
      // −1 is what Exchange stores by default; clearing bit 4 turns SipResourceIdentifierRequired off [S11].
      msExchUMDialPlanFlags2: String(p.sipResourceIdentifierRequired === false ? -1 & ~16 : -1),
      ...(p.pilotIdentifiers ? { msExchUMDialPlanDialedNumbers: p.pilotIdentifiers } : {}),
      ...(p.equivalentTo ? { msExchUMEquivalentDialPlanPhoneContexts: p.equivalentTo.map((e) => phoneContext(e, forest)) } : {}),
    });
    await dir.ensure(policyDn(p.name, forest), {
      objectClass: 'msExchUMRecipientTemplate',
      msExchUMMailboxPolicyDialPlanLink: dialPlanDn(p.name, forest),
      msExchUMPinPolicyMinPasswordLength: String(p.pinMinLength),
      msExchUMPinPolicyExpiryDays: '60',
      msExchUMPinPolicyDisallowCommonPatterns: p.allowCommonPatterns ? '1' : '0',
    });
  }
}

/**
 * A UM IP gateway for a pool, with one hunt group per SIP dial plan, as exchucutil makes them:
 * named after the pool object's CN ("1:1" for Lync 2010/2013 pools), addressed to its FQDN [S8].
 */
async function seedGateway(
  dir: LabDirectory,
  forest: ForestSpec,
  pool: LabPool,
  outcalls: boolean,
  messageWaiting: boolean,
  huntGroupPlans: string[],
): Promise<void> {
  const gateway = `CN=${pool.cn},CN=UM IPGateway Container,${orgDn(forest)}`;
  await dir.ensure(gateway, {
    objectClass: 'msExchUMIPGateway',
    msExchUMIPGatewayAddress: pool.fqdn,
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

const pool = (fqdn: string) => labPools.find((p) => p.fqdn === fqdn)!;

async function seedLyncPools(dir: LabDirectory): Promise<void> {
  const forest = forests.contoso;
  const rtc = `CN=RTC Service,CN=Services,${configDn(forest)}`;
  await dir.ensure(rtc, { objectClass: 'msRTCSIP-Service' });
  await dir.ensure(`CN=Pools,${rtc}`, { objectClass: 'msRTCSIP-Pools' });
  for (const p of labPools) {
    const dn = `CN=${p.cn},CN=Pools,${rtc}`;
    await dir.ensure(dn, {
      objectClass: 'msRTCSIP-Pool',
      dNSHostName: p.fqdn,
      'msRTCSIP-PoolVersion': String(p.version),
      'msRTCSIP-PoolType': String(p.poolType),
      ...(p.data.length ? { 'msRTCSIP-PoolData': p.data } : {}),
      'msRTCSIP-PoolDisplayName': p.display,
    });
    await dir.ensure(`CN=Microsoft,${dn}`, { objectClass: 'container' });
    await dir.ensure(poolServiceDn(p.fqdn), { objectClass: 'msRTCSIP-PoolService' });
  }
}

export async function seedContosoTopology(dir: LabDirectory, withFabrikam: boolean): Promise<void> {
  const forest = forests.contoso;
  await seedExchangeOrg(dir, forest);
  await seedDialPlans(dir, forest, contosoDialPlans);
  await seedServers(dir, forest, contosoServers);
  for (const aa of contosoAutoAttendants) {
    await dir.ensure(autoAttendantDn(aa.name, forest), {
      objectClass: 'msExchUMAutoAttendant',
      msExchUMAutoAttendantDialPlanLink: dialPlanDn(aa.dialPlan, forest),
      msExchUMAutoAttendantDialedNumbers: aa.pilots,
    });
  }
  await seedLyncPools(dir);
  // As exchucutil left them [S8]: pool01 with outcalls and message waiting; sba01 with neither
  // (branch appliance); ocs01 with outcalls but no message waiting (version < 0x50000).
  await seedGateway(dir, forest, pool('pool01.contoso.test'), true, true, ['Redmond', 'Tokyo']);
  await seedGateway(dir, forest, pool('sba01.contoso.test'), false, false, ['Redmond', 'Tokyo']);
  await seedGateway(dir, forest, pool('ocs01.contoso.test'), true, false, ['Redmond', 'Tokyo']);

  const contacts = `OU=UM Contacts,${labOuDn(forest)}`;
  await dir.ensure(
    `CN=Redmond Subscriber Access,${contacts}`,
    umContact('SA', 'Redmond Subscriber Access', 'sip:RedmondSA@contoso.test', '+14255550100', dialPlanDn('Redmond', forest), phoneContext('Redmond', forest)),
  );
  // The AA contact in the {GUID} name form (New-CsExUmContact's, S3), completed for on-premises UM.
  const [existingAa] = await dir.search(contacts, '(msRTCSIP-PrimaryUserAddress=sip:RedmondAA@contoso.test)', ['1.1']);
  if (!existingAa) {
    await dir.add(
      `CN={${randomUUID()}},${contacts}`,
      umContact('AA', 'RedmondAA', 'sip:RedmondAA@contoso.test', '+14255550123', autoAttendantDn('RedmondAA', forest), phoneContext('Redmond', forest)),
    );
  }
  if (withFabrikam) {
    // A contact another tool made, in its own shape: no msDS-SourceObjectDN, the dial plan only in
    // otherIpPhone's phone context, other option flags and wording — what "create like this one" learns from.
    await dir.ensure(`CN=Kaohsiung Subscriber Access,${contacts}`, {
      objectClass: 'contact',
      displayName: 'Kaohsiung Subscriber Access',
      description: 'Exchange UM Subscriber Access (Kaohsiung)',
      'msRTCSIP-PrimaryUserAddress': 'sip:KaohsiungSA@contoso.test',
      proxyAddresses: ['sip:KaohsiungSA@contoso.test'],
      'msRTCSIP-UserEnabled': 'TRUE',
      'msRTCSIP-PrimaryHomeServer': poolServiceDn('pool01.contoso.test'),
      'msRTCSIP-OptionFlags': '385',
      'msRTCSIP-SourceObjectType': String(0x90000000 | 0),
      'msRTCSIP-Line': 'tel:+88675550100',
      telephoneNumber: '+88675550100',
      otherTelephone: ['+88675550100'],
      otherIpPhone: [`sip:KaohsiungSA@contoso.test;opaque=app:exum:${phoneContext('Kaohsiung', forests.fabrikam)}`],
    });
  }
}

/** The Exchange resource forest: its own UM organisation serving the Lync forest's pools. */
export async function seedFabrikamTopology(dir: LabDirectory): Promise<void> {
  const forest = forests.fabrikam;
  await seedExchangeOrg(dir, forest);
  await seedDialPlans(dir, forest, fabrikamDialPlans);
  await seedServers(dir, forest, fabrikamServers);
  await seedGateway(dir, forest, pool('pool01.contoso.test'), true, true, ['Kaohsiung']);
  await seedGateway(dir, forest, pool('sba01.contoso.test'), false, false, ['Kaohsiung']);
}

export function labOus(forest: ForestSpec): string[] {
  const lab = labOuDn(forest);
  return forest.key === 'contoso'
    ? [lab, `OU=Users,${lab}`, `OU=UM Contacts,${lab}`, `OU=Branch,OU=UM Contacts,${lab}`, `OU=Delegated,${lab}`, `OU=Blocked,${lab}`]
    : [lab, `OU=Linked Mailboxes,${lab}`];
}

/**
 * An SA or AA contact as OcsUmUtil leaves one for on-premises UM — the lab's own transcription of
 * the published attribute descriptions, written here rather than taken from the console, so that a
 * wrong reading in the console's recipe does not pass its own tests. Sources: [S1] OcsUmUtil,
 * [S2] the Lync schema attribute descriptions, [S3] New-CsExUmContact.
 */
function umContact(
  kind: 'SA' | 'AA',
  name: string,
  sipAddress: string,
  phoneNumber: string,
  targetDn: string,
  context: string,
): Record<string, string | string[]> {
  return {
    objectClass: 'contact',
    displayName: name, // OcsUmUtil's "Name" [S1]
    description: kind === 'SA' ? 'Exchange UM Subscriber Access' : 'Exchange UM Auto Attendant', // the lab's reading: OcsUmUtil's wording is not published
    'msRTCSIP-PrimaryUserAddress': sipAddress, // [S3]
    proxyAddresses: [sipAddress],
    'msRTCSIP-UserEnabled': 'TRUE',
    'msRTCSIP-PrimaryHomeServer': poolServiceDn('pool01.contoso.test'), // the Front End pool's service object [S2]
    'msRTCSIP-OptionFlags': '384', // 128 Enterprise Voice (required for SA/AA, S3) + 256 enhanced presence [S2]
    'msRTCSIP-SourceObjectType': String(0x90000000 | 0), // "an Auto-Attendant or subscriber access object" [S2], as a signed 32-bit Integer
    'msRTCSIP-Line': `tel:${phoneNumber}`, // DisplayNumber is the LineURI [S3]
    'msDS-SourceObjectDN': targetDn, // the UM dial plan or auto attendant it stands for [S2]
    otherTelephone: [phoneNumber], // "for routing calls to the unified messaging auto-attendant and subscriber access numbers" [S2]; the exact value is OPEN
    otherIpPhone: [`${sipAddress};opaque=app:exum:${context}`], // SIP URI with Exchange UM's app:exum: phone context [S11]; OPEN for AA
    telephoneNumber: phoneNumber, // OcsUmUtil's "Phone Number" [S1]
  };
}
