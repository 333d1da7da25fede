import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding, Topology } from '@shared/models/topology';
import { contosoAutoAttendants, contosoDialPlans, labPools } from '../lab/seed-topology';
import { listContacts } from '../../electron/services/contacts/contacts-service';
import { createTestServices, requireLab } from './support/test-services';
import { runCli } from './support/cli';

/**
 * The topology read from the lab: every seeded object with its properties, every seeded gap found
 * and nothing else flagged — with one forest and with the Exchange resource forest too.
 */
const lab = requireLab();
const { services } = createTestServices();
afterAll(() => services.shutdown());

const contactOf = (topology: Topology, sip: string) => topology.forests.flatMap((f) => f.contacts).find((c) => c.sipAddress === sip)!;
const summary = (findings: Finding[]) => findings.map((f) => `${f.code}:${f.subject.name}${f.params.org ? `@${f.params.org}` : ''}`).sort();

/** The gaps the lab seeds on purpose (test/lab/README.md), as the console must find them. */
const expectedContoso = [
  'auto-attendant-without-aa-contact:TokyoAA',
  // ocs01's gateway allows outcalls as exchucutil left it, beside pool01's [S8][S10].
  'dial-plan-multiple-outcall-gateways:Redmond',
  'dial-plan-multiple-outcall-gateways:Tokyo',
  'dial-plan-without-sa-contact:Tokyo',
  'lync-dial-plan-name-mismatch:Tokyo',
  // Get-UCPool keeps the Director too; exchucutil would give it a gateway [S8].
  'pool-without-gateway:dir01.contoso.test@Contoso',
  'pool-without-gateway:pool02.contoso.test@Contoso',
  'telextn-dial-plan:Legacy',
  // EX15's Call Router is in TCP mode, and EX15 is in Redmond only [S9].
  'um-services-not-ready:Redmond',
  'um-services-not-ready:Tokyo',
  // Lync requires encryption (the default, S4): Taipei (Unsecured) and Tokyo (SIPSecured) must be Secured [S9].
  'voip-security-incompatible:Taipei',
  'voip-security-incompatible:Tokyo',
];

describe('one forest (contoso.test)', () => {
  let topology: Topology;
  let umEnabledOnRedmond = 0;
  it('reads as the read-only account', async () => {
    const admin = await services.connections.ensure('lab');
    umEnabledOnRedmond = (
      await admin.search('DC=contoso,DC=test', {
        filter: `(msExchUMRecipientDialPlanLink=CN=Redmond,CN=UM DialPlan Container,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=test)`,
        attributes: ['1.1'],
      })
    ).length;
    expect(umEnabledOnRedmond).toBeGreaterThan(0);
    await services.connections.connect('lab-readonly');
    topology = await services.topology.get({ profiles: ['lab-readonly'], refresh: true });
    expect(topology.failures).toEqual([]);
    expect(topology.forests.map((f) => f.forest)).toEqual(['contoso.test']);
  });

  it('has every seeded dial plan with the right properties and relations', () => {
    const org = topology.forests[0]!.exchange!;
    expect(org.name).toBe('Contoso');
    for (const seed of contosoDialPlans) {
      const dp = org.dialPlans.find((d) => d.name === seed.name)!;
      expect(dp, seed.name).toBeDefined();
      expect(dp.uriType).toBe(({ 1: 'TelExtn', 2: 'E164', 3: 'SipName' } as const)[seed.uriType]);
      expect(dp.voipSecurity).toBe(({ 1: 'SIPSecured', 2: 'Unsecured', 3: 'Secured' } as const)[seed.voipSecurity]);
      expect(dp.digits).toBe(seed.digits);
      expect(dp.phoneContext).toBe(`${seed.name}.contoso.test`);
      expect(dp.accessNumbers).toEqual(seed.accessNumbers);
      expect(dp.mailboxPolicyDns).toHaveLength(1);
    }
    const redmond = org.dialPlans.find((d) => d.name === 'Redmond')!;
    expect(redmond.umEnabledUsers).toBe(umEnabledOnRedmond);
    expect(redmond.huntGroupDns).toHaveLength(3);
    expect(redmond.autoAttendantDns).toHaveLength(1);
    expect(redmond.contactDns).toHaveLength(1);
    expect(redmond.equivalentPhoneContexts).toEqual(['Taipei.contoso.test']);
    const tokyo = org.dialPlans.find((d) => d.name === 'Tokyo')!;
    expect(tokyo.serverDns.map((s) => s.split(',')[0])).toEqual(['CN=EXUM01']);
    expect(org.autoAttendants.map((a) => a.name).sort()).toEqual(contosoAutoAttendants.map((a) => a.name).sort());
    expect(
      org.servers
        .map(
          (s) =>
            `${s.name}:${s.versionLabel}:${s.build}:${s.beforeExchange2010Sp1}:${s.roles.join('+')}:${s.umStartupMode ?? '-'}:${s.callRouter?.startupMode ?? '-'}`,
        )
        .sort(),
    ).toEqual([
      'EX15:Exchange 2013:1497.2:false:Mailbox+ClientAccess+UnifiedMessaging+HubTransport:Dual:TCP',
      'EXUM01:Exchange 2010 RTM:639.21:true:UnifiedMessaging:TLS:-',
      'EXUM02:Exchange 2010 SP1:218.15:false:UnifiedMessaging:Dual:-',
      'EXUM07:Exchange 2007 SP1:240.6:true:UnifiedMessaging:-:-',
    ]);
    const hsinchu = org.dialPlans.find((d) => d.name === 'Hsinchu')!;
    const taipei = org.dialPlans.find((d) => d.name === 'Taipei')!;
    expect([hsinchu.sipResourceIdentifierRequired, taipei.sipResourceIdentifierRequired, taipei.pilotIdentifiers]).toEqual([false, true, ['+886255550199']]);
    expect(org.mailboxPolicies.filter((p) => p.allowCommonPatterns).map((p) => p.name)).toEqual(['Tokyo Default Policy']);
  });

  it('has the gateways with their hunt groups, tied to their pools', () => {
    const f = topology.forests[0]!;
    const gateways = f.exchange!.gateways;
    // Named after the pool objects' CNs, as exchucutil names them [S8].
    expect(
      gateways.map(
        (g) => `${g.name}:${g.address}:${g.outcallsAllowed}:${g.messageWaitingAllowed}:${g.huntGroups.map((h) => h.name).join('+')}:${g.pool?.name}`,
      ),
    ).toEqual([
      '1:1:pool01.contoso.test:true:true:Redmond+Tokyo:pool01.contoso.test',
      '1:3:sba01.contoso.test:false:false:Redmond+Tokyo:sba01.contoso.test',
      'ocs01:ocs01.contoso.test:true:false:Redmond+Tokyo:ocs01.contoso.test',
    ]);
    // Kinds from msRTCSIP-PoolType and PoolData, the Director from Lync's topology; versions decoded as major << 16.
    expect(f.lync!.pools.map((p) => `${p.fqdn}:${p.kind}:${p.product}:${p.gateways.length}`)).toEqual([
      'dir01.contoso.test:director:Lync Server 2013:0',
      'ocs01.contoso.test:enterprise:Office Communications Server 2007 R2:1',
      'pool01.contoso.test:enterprise:Lync Server 2013:1',
      'pool02.contoso.test:standard:Lync Server 2013:0',
      'sba01.contoso.test:branch:Lync Server 2013:1',
    ]);
    expect(labPools.map((p) => p.fqdn).sort()).toEqual(f.lync!.pools.map((p) => p.fqdn));
    expect(f.lync!.dialPlans?.map((d) => d.identity)).toEqual(['Global', 'Redmond.contoso.test', 'Tokyo']);
    expect(f.lync!.mediaConfigurations).toEqual([{ identity: 'Global', encryptionLevel: 'RequireEncryption' }]);
  });

  it('reads the SA and AA contacts in both CN forms and classifies them by their target', () => {
    const contacts = topology.forests[0]!.contacts;
    const sa = contacts.find((c) => c.sipAddress === 'sip:RedmondSA@contoso.test')!;
    const aa = contacts.find((c) => c.sipAddress === 'sip:RedmondAA@contoso.test')!;
    expect(sa).toMatchObject({
      kind: 'SA',
      kindSource: 'target-class',
      cnForm: 'name',
      phoneNumber: '+14255550100',
      dialPlan: { name: 'Redmond' },
      pool: { name: 'pool01.contoso.test' },
      ou: 'contoso.test/Lab/UM Contacts',
    });
    expect(aa).toMatchObject({ kind: 'AA', kindSource: 'target-class', cnForm: 'guid', target: { name: 'RedmondAA' }, dialPlan: { name: 'Redmond' } });
    // The recipe's routing: Enterprise Voice on [S3], otherIpPhone with the dial plan's phone context.
    for (const c of [sa, aa]) expect(c).toMatchObject({ enterpriseVoice: true, phoneContext: 'Redmond.contoso.test', otherTelephone: [c.phoneNumber] });
  });

  it('finds every seeded gap and flags nothing else', () => {
    expect(summary(topology.findings)).toEqual(expectedContoso);
    const mismatch = topology.findings.find((f) => f.code === 'lync-dial-plan-name-mismatch')!;
    expect(mismatch.params).toMatchObject({ server: 'EXUM01', version: 'Exchange 2010 RTM', phoneContext: 'Tokyo.contoso.test' });
  });

  it('does not grow its LDAP round trips with the data', () => {
    // A fixed number: the domain's searches, plus binding and searching the global catalog for contacts.
    expect(topology.stats.ldapRoundTrips).toBeLessThanOrEqual(12);
  });
});

describe('two forests (with the fabrikam.test resource forest)', () => {
  it('joins the forests: gateways to pools, the Kaohsiung contact to its dial plan, and finds pool02 missing in both organisations', async () => {
    expect(lab.forests).toHaveLength(2);
    await services.connections.connect('lab');
    await services.connections.connect('lab-fabrikam');
    const topology = await services.topology.get({ profiles: ['lab', 'lab-fabrikam'], refresh: true });
    expect(topology.forests.map((f) => f.forest)).toEqual(['contoso.test', 'fabrikam.test']);
    const kaohsiung = topology.forests[1]!.exchange!.dialPlans[0]!;
    expect(kaohsiung).toMatchObject({ name: 'Kaohsiung', uriType: 'SipName', contactDns: [expect.stringContaining('Kaohsiung Subscriber Access')] });
    const pool01 = topology.forests[0]!.lync!.pools.find((p) => p.fqdn === 'pool01.contoso.test')!;
    expect(pool01.gateways.map((g) => g.forest).sort()).toEqual(['contoso.test', 'fabrikam.test']);
    expect(contactOf(topology, 'sip:KaohsiungSA@contoso.test')).toMatchObject({
      kind: 'SA',
      kindSource: 'otherIpPhone',
      target: { name: 'Kaohsiung', forest: 'fabrikam.test' },
    });
    expect(summary(topology.findings)).toEqual(
      [
        ...expectedContoso,
        'pool-without-gateway:dir01.contoso.test@Fabrikam',
        'pool-without-gateway:ocs01.contoso.test@Fabrikam',
        'pool-without-gateway:pool02.contoso.test@Fabrikam',
        'voip-security-incompatible:Kaohsiung',
      ].sort(),
    );
  });

  it('keeps a contact whose dial plan lives in a forest that is not connected, without calling it broken', async () => {
    const topology = await services.topology.get({ profiles: ['lab'], refresh: true });
    const contact = contactOf(topology, 'sip:KaohsiungSA@contoso.test');
    expect(contact.phoneContext).toBe('Kaohsiung.fabrikam.test');
    expect(contact.target).toBeUndefined();
    const item = listContacts(topology).find((c) => c.dn === contact.dn)!;
    expect(item.problems.map((p) => p.code)).toEqual(['target-other-forest']);
    expect(summary(topology.findings)).toEqual(expectedContoso);
  });
});

describe('the directory session', () => {
  it('reconnects after the DC restarts', async () => {
    const session = await services.connections.ensure('lab-readonly');
    const reconnectsBefore = session.stats.reconnects;
    const restart = spawnSync(process.execPath, ['--import', 'tsx', 'test/lab/samba-restart.ts', 'contoso'], { encoding: 'utf8', env: process.env });
    expect(restart.status, restart.stderr).toBe(0);
    const entry = await session.read('CN=Users,DC=contoso,DC=test', ['cn']);
    expect(entry?.get('cn')).toBe('Users');
    expect(session.stats.reconnects).toBe(reconnectsBefore + 1);
  });
});

describe('um-console topology', () => {
  it('prints the model with its findings as JSON and exits 1 with --fail-on error', () => {
    const run = runCli(['topology', '--profile', 'lab', '--json', '--fail-on', 'error'], { UMC_DATA_DIR: services.environment.dataDir });
    expect(run.status).toBe(1);
    const model = run.json() as Omit<Topology, 'findings'> & { findings: Array<Finding & { text: { title: string } }> };
    expect(summary(model.findings)).toEqual(expectedContoso);
    expect(model.findings.find((f) => f.code === 'voip-security-incompatible' && f.subject.name === 'Taipei')!.text.title).toBe(
      "Taipei is Unsecured, but Lync's Global media configuration says RequireEncryption",
    );
    const zh = runCli(['topology', '--profile', 'lab', '--lang', 'zh-TW'], { UMC_DATA_DIR: services.environment.dataDir });
    expect(zh.status).toBe(0);
    expect(zh.stdout).toContain('Taipei 為 Unsecured，但 Lync 的 Global 媒體設定為 RequireEncryption');
  });
});
