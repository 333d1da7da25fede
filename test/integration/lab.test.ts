import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@shared/errors';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { contosoAutoAttendants, contosoDialPlans, labPools } from '../lab/seed-topology';
import { exchangeGroups, planUser, rtcGroups } from '../lab/seed-accounts';
import { createTestServices, openLabSession, requireLab } from './support/test-services';

/**
 * The lab is real: every account binds through the console's own connection code, Samba enforces
 * the Lync property-set grants, and every object lab.md promises is there with its properties.
 */
const { services } = createTestServices();
const lab = requireLab();
const root = 'DC=contoso,DC=test';
const org = `CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,${root}`;
let admin: DirectorySession;

beforeAll(async () => {
  admin = await openLabSession('lab');
});
afterAll(async () => {
  await admin.close();
  await services.shutdown();
});

describe('lab accounts', () => {
  it.each(['lab', 'lab-umadmin', 'lab-useradmin', 'lab-serveradmin', 'lab-readonly', 'lab-exchadmin'])('%s binds over LDAPS with the lab CA trusted', async (profile) => {
    const state = await services.connections.connect(profile);
    expect(state).toMatchObject({ status: 'connected', forest: 'contoso.test', defaultNamingContext: root });
  });

  it('lab-fabrikam binds to the resource forest when the lab has two forests', async () => {
    expect(lab.forests.map((f) => f.dnsName)).toContain('fabrikam.test');
    const state = await services.connections.connect('lab-fabrikam');
    expect(state).toMatchObject({ status: 'connected', forest: 'fabrikam.test' });
  });

  it('a wrong password is refused with AD\'s reason and does not replace the working one', async () => {
    await expect(services.connections.connect('lab-readonly', 'not-the-password')).rejects.toMatchObject({ code: 'AUTH_FAILED', message: expect.stringContaining('user name or password is wrong') });
    expect(services.connections.state('lab-readonly').status).toBe('failed');
    expect(await services.connections.connect('lab-readonly')).toMatchObject({ status: 'connected' });
  });
});

describe('Samba enforces the Lync OU grants', () => {
  const attribute = 'msRTCSIP-PrimaryUserAddress';
  const contact = (ou: string) => `CN=${ou} Contact,OU=${ou},OU=Lab,${root}`;

  it('lets lab-useradmin write an RTC attribute on a contact in OU=Delegated', async () => {
    const useradmin = await services.connections.ensure('lab-useradmin');
    await useradmin.modify(contact('Delegated'), [{ operation: 'replace', attribute, values: 'sip:delegated-check@contoso.test' }]);
    expect((await admin.read(contact('Delegated'), [attribute]))?.get(attribute)).toBe('sip:delegated-check@contoso.test');
    await admin.modify(contact('Delegated'), [{ operation: 'delete', attribute, values: [] }]);
  });

  it('refuses the same write in OU=Blocked, whose DACL is protected', async () => {
    const useradmin = await services.connections.ensure('lab-useradmin');
    const attempt = useradmin.modify(contact('Blocked'), [{ operation: 'replace', attribute, values: 'sip:blocked-check@contoso.test' }]);
    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect((await admin.read(contact('Blocked'), [attribute]))?.has(attribute)).toBe(false);
  });

  it('protects OU=Blocked (inheritance off) and leaves OU=Delegated inheriting', async () => {
    const sd = (dn: string) => admin.read(dn, ['nTSecurityDescriptor']).then((e) => e!.getBuffer('nTSecurityDescriptor')!);
    const SE_DACL_PROTECTED = 0x1000;
    expect((await sd(`OU=Blocked,OU=Lab,${root}`)).readUInt16LE(2) & SE_DACL_PROTECTED).toBe(SE_DACL_PROTECTED);
    expect((await sd(`OU=Delegated,OU=Lab,${root}`)).readUInt16LE(2) & SE_DACL_PROTECTED).toBe(0);
  });
});

describe('every seeded object is present', () => {
  it('has the Exchange organisation with its UM dial plans, policies and auto attendants', async () => {
    for (const plan of contosoDialPlans) {
      const entry = await admin.read(`CN=${plan.name},CN=UM DialPlan Container,${org}`, ['*']);
      expect(entry, plan.name).toBeDefined();
      expect(entry!.getInt('msExchUMDialPlanURIType')).toBe(plan.uriType);
      expect(entry!.getInt('msExchUMDialPlanVoipSecurity')).toBe(plan.voipSecurity);
      expect(entry!.getInt('msExchUMNumberingPlanDigits')).toBe(plan.digits);
      expect(entry!.get('msExchUMPhoneContext')).toBe(`${plan.name}.contoso.test`);
      expect(entry!.getAll('msExchUMVoiceMailPilotNumbers')).toEqual(plan.accessNumbers);
      const policy = await admin.read(`CN=${plan.name} Default Policy,CN=UM Mailbox Policies,${org}`, ['msExchUMMailboxPolicyDialPlanLink']);
      expect(policy?.get('msExchUMMailboxPolicyDialPlanLink')?.toLowerCase()).toBe(entry!.dn.toLowerCase());
    }
    for (const aa of contosoAutoAttendants) {
      const entry = await admin.read(`CN=${aa.name},CN=UM AutoAttendant Container,${org}`, ['msExchUMAutoAttendantDialPlanLink', 'msExchUMAutoAttendantDialedNumbers']);
      expect(entry?.get('msExchUMAutoAttendantDialPlanLink')).toMatch(new RegExp(`^CN=${aa.dialPlan},`));
      expect(entry?.getAll('msExchUMAutoAttendantDialedNumbers')).toEqual(aa.pilots);
    }
  });

  it('has EXUM01 (Exchange 2010 RTM, serving Tokyo) and EX15 (Exchange 2013)', async () => {
    const servers = await admin.search(org, { filter: '(objectClass=msExchExchangeServer)', attributes: ['cn', 'serialNumber', 'msExchUMServerDialPlanLink'] });
    const byName = Object.fromEntries(servers.map((s) => [s.get('cn'), s]));
    expect(byName.EXUM01?.get('serialNumber')).toMatch(/^Version 14\.0 /);
    expect(byName.EXUM01?.get('msExchUMServerDialPlanLink')).toMatch(/^CN=Tokyo,/);
    expect(byName.EX15?.get('serialNumber')).toMatch(/^Version 15\.0 /);
  });

  it('has the Lync pools, one gateway per pool except pool02, and the hunt groups', async () => {
    const pools = await admin.search(`CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,${root}`, { scope: 'one', filter: '(objectClass=msRTCSIP-Pool)', attributes: ['dNSHostName', 'msRTCSIP-PoolData'] });
    expect(pools.map((p) => p.get('dNSHostName')).sort()).toEqual(labPools.map((p) => p.fqdn).sort());
    expect(pools.find((p) => p.get('dNSHostName') === 'sba01.contoso.test')?.getAll('msRTCSIP-PoolData')).toContain('ExtendedType=RemoteRegistrar');
    const gateways = await admin.search(`CN=UM IPGateway Container,${org}`, { scope: 'one', filter: '(objectClass=msExchUMIPGateway)', attributes: ['msExchUMIPGatewayAddress', 'msExchUMOutcallsAllowed'] });
    expect(gateways.map((g) => g.get('msExchUMIPGatewayAddress')).sort()).toEqual(['pool01.contoso.test', 'sba01.contoso.test']);
    const huntGroups = await admin.search(`CN=pool01,CN=UM IPGateway Container,${org}`, { scope: 'one', filter: '(objectClass=msExchUMHuntGroup)', attributes: ['cn'] });
    expect(huntGroups.map((h) => h.get('cn')).sort()).toEqual(['Redmond', 'Tokyo']);
  });

  it('has the OUs, the SA and AA contacts, the groups and the lab accounts', async () => {
    for (const ou of ['Users', 'UM Contacts', 'Delegated', 'Blocked']) expect(await admin.read(`OU=${ou},OU=Lab,${root}`, ['ou']), ou).toBeDefined();
    const contacts = await admin.search(`OU=UM Contacts,OU=Lab,${root}`, { scope: 'one', filter: '(objectClass=contact)', attributes: ['msRTCSIP-PrimaryUserAddress'] });
    const sips = contacts.map((c) => c.get('msRTCSIP-PrimaryUserAddress'));
    expect(sips).toEqual(expect.arrayContaining(['sip:RedmondSA@contoso.test', 'sip:RedmondAA@contoso.test']));
    for (const group of [...Object.keys(rtcGroups), ...exchangeGroups]) {
      expect(await admin.search(root, { filter: `(&(objectClass=group)(sAMAccountName=${group}))`, attributes: ['cn'] }), group).toHaveLength(1);
    }
    const umadmin = await admin.search(root, { filter: '(sAMAccountName=lab-umadmin)', attributes: ['memberOf'] });
    expect(umadmin[0]?.getAll('memberOf').map((m) => m.split(',')[0]).sort()).toEqual(['CN=RTCUniversalServerAdmins', 'CN=RTCUniversalUserAdmins']);
  });

  it('has the users with lab.md\'s distribution, including the seeded gaps', async () => {
    const users = await admin.search(`OU=Users,OU=Lab,${root}`, {
      scope: 'one',
      filter: '(&(objectClass=user)(sAMAccountName=u*))',
      attributes: ['sAMAccountName', 'proxyAddresses', 'msRTCSIP-PrimaryUserAddress', 'msExchUMEnabledFlags', 'telephoneNumber', 'mail'],
    });
    const count = users.length;
    expect(count).toBeGreaterThanOrEqual(500);
    const lync = users.filter((u) => u.has('msRTCSIP-PrimaryUserAddress'));
    const umEnabled = users.filter((u) => ((u.getInt('msExchUMEnabledFlags') ?? 0) & 1) === 1);
    const noSipProxy = lync.filter((u) => !u.getAll('proxyAddresses').some((p) => p.toLowerCase().startsWith('sip:')));
    expect(lync.length / count).toBeCloseTo(0.8, 1);
    expect(umEnabled.length / lync.length).toBeCloseTo(0.1, 1);
    expect(noSipProxy.length).toBeGreaterThan(0);
    expect(users.every((u) => u.get('mail'))).toBe(true);
    const phone = (sam: string) => users.find((u) => u.get('sAMAccountName') === sam)?.get('telephoneNumber')?.slice(-5);
    expect(phone('u00011')).toBe(phone('u00012'));
    expect(phone('u00021')).toBe(phone('u00022'));
    expect(planUser(12).telephoneNumber).not.toBe(planUser(11).telephoneNumber);
  });
});

describe('the Exchange resource forest', () => {
  it('has its own UM organisation serving the Lync pools and linked mailboxes', async () => {
    const fabrikam = await services.connections.ensure('lab-fabrikam');
    const forg = 'CN=Fabrikam,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=fabrikam,DC=test';
    expect(await fabrikam.read(`CN=Kaohsiung,CN=UM DialPlan Container,${forg}`, ['cn'])).toBeDefined();
    const linked = await fabrikam.search('OU=Linked Mailboxes,OU=Lab,DC=fabrikam,DC=test', { filter: '(msExchMasterAccountSid=*)', attributes: ['cn'] });
    expect(linked.length).toBe(20);
    const contact = await admin.search(`OU=UM Contacts,OU=Lab,${root}`, { filter: '(msRTCSIP-PrimaryUserAddress=sip:KaohsiungSA@contoso.test)', attributes: ['msDS-SourceObjectDN'] });
    expect(contact[0]?.get('msDS-SourceObjectDN')).toMatch(/DC=fabrikam,DC=test$/);
  });
});
