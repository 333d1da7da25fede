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
  it.each(['lab', 'lab-umadmin', 'lab-useradmin', 'lab-serveradmin', 'lab-readonly', 'lab-exchadmin'])(
    '%s binds over LDAPS with the lab CA trusted',
    async (profile) => {
      const state = await services.connections.connect(profile);
      expect(state).toMatchObject({ status: 'connected', forest: 'contoso.test', defaultNamingContext: root });
    },
  );

  it('lab-fabrikam binds to the resource forest when the lab has two forests', async () => {
    expect(lab.forests.map((f) => f.dnsName)).toContain('fabrikam.test');
    const state = await services.connections.connect('lab-fabrikam');
    expect(state).toMatchObject({ status: 'connected', forest: 'fabrikam.test' });
  });

  it("a wrong password is refused with AD's reason and does not replace the working one", async () => {
    await expect(services.connections.connect('lab-readonly', 'not-the-password')).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringContaining('user name or password is wrong'),
    });
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
      const entry = await admin.read(`CN=${aa.name},CN=UM AutoAttendant Container,${org}`, [
        'msExchUMAutoAttendantDialPlanLink',
        'msExchUMAutoAttendantDialedNumbers',
      ]);
      expect(entry?.get('msExchUMAutoAttendantDialPlanLink')).toMatch(new RegExp(`^CN=${aa.dialPlan},`));
      expect(entry?.getAll('msExchUMAutoAttendantDialedNumbers')).toEqual(aa.pilots);
    }
  });

  it('has Exchange 2007 SP1, 2010 RTM, 2010 SP1 and 2013 servers as Exchange stores them', async () => {
    const servers = await admin.search(org, {
      filter: '(objectClass=msExchExchangeServer)',
      attributes: ['cn', 'serialNumber', 'msExchUMServerDialPlanLink', 'msExchUMStartupMode', 'msExchCurrentServerRoles'],
    });
    const byName = Object.fromEntries(servers.map((s) => [s.get('cn'), s]));
    // AD's serialNumber carries the build + 30000 [S11].
    expect(byName.EXUM07?.get('serialNumber')).toBe('Version 8.1 (Build 30240.6)');
    expect(byName.EXUM07?.has('msExchUMStartupMode')).toBe(false);
    expect(byName.EXUM01?.get('serialNumber')).toBe('Version 14.0 (Build 30639.21)');
    expect(byName.EXUM01?.get('msExchUMServerDialPlanLink')).toMatch(/^CN=Tokyo,/);
    expect(byName.EXUM02?.get('serialNumber')).toBe('Version 14.1 (Build 30218.15)');
    expect(byName.EX15?.get('serialNumber')).toBe('Version 15.0 (Build 31497.2)');
    expect(byName.EX15?.getInt('msExchUMStartupMode')).toBe(2);
    const router = await admin.read(`CN=SIP,CN=Protocols,${byName.EX15!.dn}`, ['msExchUMStartupMode', 'msExchUMServerDialPlanLink']);
    expect(router?.getInt('msExchUMStartupMode')).toBe(0);
    expect(router?.get('msExchUMServerDialPlanLink')).toMatch(/^CN=Redmond,/);
  });

  it('keeps the SIP resource identifier flag, the pilot list and AllowCommonPatterns where Exchange does', async () => {
    const plan = (name: string) => admin.read(`CN=${name},CN=UM DialPlan Container,${org}`, ['msExchUMDialPlanFlags2', 'msExchUMDialPlanDialedNumbers']);
    expect(((await plan('Hsinchu'))!.getInt('msExchUMDialPlanFlags2')! & 16) === 0).toBe(true);
    expect(((await plan('Taipei'))!.getInt('msExchUMDialPlanFlags2')! & 16) === 16).toBe(true);
    expect((await plan('Taipei'))!.getAll('msExchUMDialPlanDialedNumbers')).toEqual(['+886255550199']);
    const tokyo = await admin.read(`CN=Tokyo Default Policy,CN=UM Mailbox Policies,${org}`, ['msExchUMPinPolicyDisallowCommonPatterns']);
    expect(tokyo?.getInt('msExchUMPinPolicyDisallowCommonPatterns')).toBe(1);
  });

  it('has the Lync pools as stored, a gateway for pool01, sba01 and ocs01, and the hunt groups', async () => {
    const pools = await admin.search(`CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,${root}`, {
      scope: 'one',
      filter: '(objectClass=msRTCSIP-Pool)',
      attributes: ['dNSHostName', 'msRTCSIP-PoolData', 'msRTCSIP-PoolVersion', 'msRTCSIP-PoolType'],
    });
    expect(pools.map((p) => p.get('dNSHostName')).sort()).toEqual(labPools.map((p) => p.fqdn).sort());
    expect(pools.find((p) => p.get('dNSHostName') === 'sba01.contoso.test')?.getAll('msRTCSIP-PoolData')).toContain('ExtendedType=RemoteRegistrar');
    // Versions as Get-UCPool compares them (major << 16, S8): Lync 2013 0x60000, OCS 2007 R2 0x40000.
    const version = (fqdn: string) => pools.find((p) => p.get('dNSHostName') === fqdn)?.getInt('msRTCSIP-PoolVersion');
    expect([version('pool01.contoso.test'), version('dir01.contoso.test'), version('ocs01.contoso.test')]).toEqual([0x60000, 0x60000, 0x40000]);
    expect(pools.find((p) => p.get('dNSHostName') === 'pool02.contoso.test')?.getInt('msRTCSIP-PoolType')).toBe(5);
    const gateways = await admin.search(`CN=UM IPGateway Container,${org}`, {
      scope: 'one',
      filter: '(objectClass=msExchUMIPGateway)',
      attributes: ['msExchUMIPGatewayAddress', 'msExchUMOutcallsAllowed'],
    });
    expect(gateways.map((g) => g.get('msExchUMIPGatewayAddress')).sort()).toEqual(['ocs01.contoso.test', 'pool01.contoso.test', 'sba01.contoso.test']);
    const huntGroups = await admin.search(`CN=1:1,CN=UM IPGateway Container,${org}`, {
      scope: 'one',
      filter: '(objectClass=msExchUMHuntGroup)',
      attributes: ['cn'],
    });
    expect(huntGroups.map((h) => h.get('cn')).sort()).toEqual(['Redmond', 'Tokyo']);
  });

  it('has the OUs, the SA and AA contacts, the groups and the lab accounts', async () => {
    for (const ou of ['Users', 'UM Contacts', 'Delegated', 'Blocked']) expect(await admin.read(`OU=${ou},OU=Lab,${root}`, ['ou']), ou).toBeDefined();
    const contacts = await admin.search(`OU=UM Contacts,OU=Lab,${root}`, {
      scope: 'one',
      filter: '(objectClass=contact)',
      attributes: ['msRTCSIP-PrimaryUserAddress'],
    });
    const sips = contacts.map((c) => c.get('msRTCSIP-PrimaryUserAddress'));
    expect(sips).toEqual(expect.arrayContaining(['sip:RedmondSA@contoso.test', 'sip:RedmondAA@contoso.test']));
    for (const group of [...Object.keys(rtcGroups), ...exchangeGroups]) {
      expect(await admin.search(root, { filter: `(&(objectClass=group)(sAMAccountName=${group}))`, attributes: ['cn'] }), group).toHaveLength(1);
    }
    const umadmin = await admin.search(root, { filter: '(sAMAccountName=lab-umadmin)', attributes: ['memberOf'] });
    expect(
      umadmin[0]
        ?.getAll('memberOf')
        .map((m) => m.split(',')[0])
        .sort(),
    ).toEqual(['CN=RTCUniversalServerAdmins', 'CN=RTCUniversalUserAdmins']);
  });

  it("has the users with lab.md's distribution, including the seeded gaps", async () => {
    const users = await admin.search(`OU=Users,OU=Lab,${root}`, {
      scope: 'one',
      filter: '(&(objectClass=user)(sAMAccountName=u*))',
      attributes: [
        'sAMAccountName',
        'proxyAddresses',
        'msRTCSIP-PrimaryUserAddress',
        'msExchUMEnabledFlags',
        'telephoneNumber',
        'mail',
        'mailNickname',
        'legacyExchangeDN',
        'homeMDB',
      ],
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
    // Mailbox users as Exchange keeps them: an alias unlike the sAMAccountName, legacyExchangeDN, a home database [S14].
    const u1 = users.find((u) => u.get('sAMAccountName') === 'u00001')!;
    expect([u1.get('mailNickname'), u1.get('legacyExchangeDN'), u1.get('homeMDB')?.split(',')[0]]).toEqual([
      'user00001',
      '/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=user00001',
      'CN=Mailbox Database 01',
    ]);
    const phone = (sam: string) =>
      users
        .find((u) => u.get('sAMAccountName') === sam)
        ?.get('telephoneNumber')
        ?.slice(-5);
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
    // Written in another tool's shape: the dial plan only in otherIpPhone's phone context.
    const contact = await admin.search(`OU=UM Contacts,OU=Lab,${root}`, {
      filter: '(msRTCSIP-PrimaryUserAddress=sip:KaohsiungSA@contoso.test)',
      attributes: ['otherIpPhone', 'msDS-SourceObjectDN'],
    });
    expect(contact[0]?.getAll('otherIpPhone')).toEqual(['sip:KaohsiungSA@contoso.test;opaque=app:exum:Kaohsiung.fabrikam.test']);
    expect(contact[0]?.has('msDS-SourceObjectDN')).toBe(false);
  });
});

describe("the lab's cmdlets answer as the products do", () => {
  const exchange = async (command: string, parameters: Record<string, unknown> = {}) =>
    services.powershell.run('lab-exchadmin', 'exchange', command, parameters);
  const lync = async (command: string, parameters: Record<string, unknown> = {}) => services.powershell.run('lab-umadmin', 'lync', command, parameters);

  it('Get-UMService and Get-UMCallRouterSettings show Exchange 2013 servers only, with their dial plans and startup modes [S16][S17]', async () => {
    await services.connections.connect('lab-exchadmin');
    expect((await exchange('Get-UMService')).output).toEqual([expect.objectContaining({ Name: 'EX15', UMStartupMode: 'Dual', DialPlans: ['Redmond'] })]);
    expect((await exchange('Get-UMCallRouterSettings', { Server: 'EX15' })).output).toEqual([
      expect.objectContaining({ Identity: 'EX15', UMStartupMode: 'TCP', DialPlans: ['Redmond'] }),
    ]);
    const notCas = await exchange('Get-UMCallRouterSettings', { Server: 'EXUM01' });
    expect(notCas.ok).toBe(false);
  });

  it("Get-ExchangeCertificate reads a server's store, and cannot read Exchange 2007 [S19]", async () => {
    const ex15 = await exchange('Get-ExchangeCertificate', { Server: 'EX15' });
    expect(ex15.output).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Subject: 'CN=ex15.contoso.test', IsSelfSigned: false, Services: expect.stringContaining('UMCallRouter') }),
      ]),
    );
    const exum07 = await exchange('Get-ExchangeCertificate', { Server: 'EXUM07' });
    expect(exum07.ok).toBe(false);
    expect(exum07.errors[0]?.message).toContain('Exchange 2007');
  });

  it('Get-CsPool shows the Director by its services, Get-CsMediaConfiguration the default RequireEncryption [S29][S4]', async () => {
    await services.connections.connect('lab-umadmin');
    const pools = (await lync('Get-CsPool')).output as Array<{ Fqdn: string; Services: string[] }>;
    expect(pools.find((p) => p.Fqdn === 'dir01.contoso.test')?.Services).toContain('Director:dir01.contoso.test');
    expect((await lync('Get-CsMediaConfiguration')).output).toEqual([expect.objectContaining({ Identity: 'Global', EncryptionLevel: 'RequireEncryption' })]);
  });

  it('New-CsExUmContact makes a hosted-shape contact, named by GUID, and refuses a Director or an OCS pool as registrar [S3][S25]', async () => {
    const ou = `OU=UM Contacts,OU=Lab,${root}`;
    const director = await lync('New-CsExUmContact', {
      SipAddress: 'sip:lab-hosted@contoso.test',
      RegistrarPool: 'dir01.contoso.test',
      DisplayNumber: '+14255550777',
      OU: ou,
    });
    expect(director.ok).toBe(false);
    const ocs = await lync('New-CsExUmContact', {
      SipAddress: 'sip:lab-hosted@contoso.test',
      RegistrarPool: 'ocs01.contoso.test',
      DisplayNumber: '+14255550777',
      OU: ou,
    });
    expect(ocs.errors[0]?.message).toContain('2007');
    const created = await lync('New-CsExUmContact', {
      SipAddress: 'sip:lab-hosted@contoso.test',
      RegistrarPool: 'pool02.contoso.test',
      DisplayNumber: '+14255550777',
      OU: ou,
      AutoAttendant: true,
    });
    expect(created.ok, JSON.stringify(created.errors)).toBe(true);
    expect(created.output).toEqual([
      expect.objectContaining({ AutoAttendant: true, IsSubscriberAccess: false, EnterpriseVoiceEnabled: true, LineURI: 'tel:+14255550777' }),
    ]);
    const [entry] = await admin.search(ou, {
      filter: '(msRTCSIP-PrimaryUserAddress=sip:lab-hosted@contoso.test)',
      attributes: ['otherIpPhone', 'msDS-SourceObjectDN'],
    });
    try {
      expect(entry!.dn).toMatch(/^CN=\{[0-9a-f-]{36}\},/i);
      expect(entry!.getAll('otherIpPhone')).toEqual(['sip:lab-hosted@contoso.test']);
      expect(entry!.has('msDS-SourceObjectDN')).toBe(false);
    } finally {
      await admin.delete(entry!.dn);
    }
  });
});
