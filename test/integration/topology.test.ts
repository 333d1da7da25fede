import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding, Topology } from '@shared/models/topology';
import { contosoAutoAttendants, contosoDialPlans, labPools } from '../lab/seed-topology';
import { createTestServices, requireLab } from './support/test-services';
import { runCli } from './support/cli';

/**
 * The topology read from the lab: every seeded object with its properties, every seeded gap found
 * and nothing else flagged — with one forest and with the Exchange resource forest too.
 */
const lab = requireLab();
const { services } = createTestServices();
afterAll(() => services.shutdown());

const summary = (findings: Finding[]) => findings.map((f) => `${f.code}:${f.subject.name}${f.params.org ? `@${f.params.org}` : ''}`).sort();

const expectedContoso = [
  'auto-attendant-without-aa-contact:TokyoAA',
  'dial-plan-without-sa-contact:Tokyo',
  'lync-dial-plan-name-mismatch:Tokyo',
  'pool-without-gateway:pool02.contoso.test@Contoso',
  'sip-dial-plan-unsecured:Taipei',
  'telextn-dial-plan:Legacy',
];

describe('one forest (contoso.test)', () => {
  let topology: Topology;
  let umEnabledOnRedmond = 0;
  it('reads as the read-only account', async () => {
    const admin = await services.connections.ensure('lab');
    umEnabledOnRedmond = (await admin.search('DC=contoso,DC=test', { filter: `(msExchUMRecipientDialPlanLink=CN=Redmond,CN=UM DialPlan Container,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=test)`, attributes: ['1.1'] })).length;
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
    expect(redmond.huntGroupDns).toHaveLength(2);
    expect(redmond.autoAttendantDns).toHaveLength(1);
    expect(redmond.contactDns).toHaveLength(1);
    expect(redmond.equivalentPhoneContexts).toEqual(['Taipei.contoso.test']);
    const tokyo = org.dialPlans.find((d) => d.name === 'Tokyo')!;
    expect(tokyo.serverDns.map((s) => s.split(',')[0])).toEqual(['CN=EXUM01']);
    expect(org.autoAttendants.map((a) => a.name).sort()).toEqual(contosoAutoAttendants.map((a) => a.name).sort());
    expect(org.servers.map((s) => `${s.name}:${s.versionLabel}:${s.beforeExchange2010Sp1}`).sort()).toEqual(['EX15:Exchange 2013:false', 'EXUM01:Exchange 2010 RTM:true']);
  });

  it('has the gateways with their hunt groups, tied to their pools', () => {
    const f = topology.forests[0]!;
    const gateways = f.exchange!.gateways;
    expect(gateways.map((g) => `${g.name}:${g.address}:${g.outcallsAllowed}:${g.messageWaitingAllowed}:${g.huntGroups.map((h) => h.name).join('+')}:${g.pool?.name}`)).toEqual([
      'pool01:pool01.contoso.test:true:true:Redmond+Tokyo:pool01.contoso.test',
      'sba01:sba01.contoso.test:false:false:Redmond+Tokyo:sba01.contoso.test',
    ]);
    expect(f.lync!.pools.map((p) => `${p.fqdn}:${p.kind}:${p.gateways.length}`)).toEqual(labPools.map((p) => `${p.fqdn}:${{ '1:1': 'enterprise', '1:2': 'standard', '1:3': 'branch' }[p.cn]}:${p.cn === '1:2' ? 0 : 1}`).sort());
    expect(f.lync!.dialPlans?.map((d) => d.identity)).toEqual(['Global', 'Redmond.contoso.test', 'Tokyo']);
  });

  it('reads the SA and AA contacts in both CN forms and classifies them by their target', () => {
    const contacts = topology.forests[0]!.contacts;
    const sa = contacts.find((c) => c.sipAddress === 'sip:RedmondSA@contoso.test')!;
    const aa = contacts.find((c) => c.sipAddress === 'sip:RedmondAA@contoso.test')!;
    expect(sa).toMatchObject({ kind: 'SA', kindSource: 'target-class', cnForm: 'name', phoneNumber: '+14255550100', dialPlan: { name: 'Redmond' }, pool: { name: 'pool01.contoso.test' }, ou: 'contoso.test/Lab/UM Contacts' });
    expect(aa).toMatchObject({ kind: 'AA', kindSource: 'target-class', cnForm: 'guid', target: { name: 'RedmondAA' }, dialPlan: { name: 'Redmond' } });
  });

  it('finds every seeded gap and flags nothing else', () => {
    expect(summary(topology.findings)).toEqual(expectedContoso);
    const mismatch = topology.findings.find((f) => f.code === 'lync-dial-plan-name-mismatch')!;
    expect(mismatch.params).toMatchObject({ server: 'EXUM01', version: 'Exchange 2010 RTM', phoneContext: 'Tokyo.contoso.test' });
  });

  it('does not grow its LDAP round trips with the data', () => {
    expect(topology.stats.ldapRoundTrips).toBeLessThanOrEqual(8);
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
    expect(summary(topology.findings)).toEqual([...expectedContoso, 'pool-without-gateway:pool02.contoso.test@Fabrikam'].sort());
  });

  it('keeps a contact whose dial plan lives in a forest that is not connected, without calling it broken', async () => {
    const topology = await services.topology.get({ profiles: ['lab'], refresh: true });
    const contact = topology.forests[0]!.contacts.find((c) => c.sipAddress === 'sip:KaohsiungSA@contoso.test')!;
    expect(contact.targetDn).toMatch(/DC=fabrikam,DC=test$/);
    expect(contact.target).toBeUndefined();
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
    expect(model.findings.find((f) => f.code === 'sip-dial-plan-unsecured')!.text.title).toBe('Taipei is Unsecured');
    const zh = runCli(['topology', '--profile', 'lab', '--lang', 'zh-TW'], { UMC_DATA_DIR: services.environment.dataDir });
    expect(zh.status).toBe(0);
    expect(zh.stdout).toContain('Taipei 設為 Unsecured');
  });
});
