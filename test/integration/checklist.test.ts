import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checklist, ChecklistStepId, StepStatus } from '@shared/models/checklist';
import type { AppServices } from '../../electron/services/app-services';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { createTestServices, openLabSession } from './support/test-services';
import { resetLab } from './support/lab-control';
import { runCli } from './support/cli';

/**
 * The checklist against the seeded lab: it shows exactly the seeded gaps (lab.md), and the steps
 * the console can fix turn green one by one as its own screens fix them — gateway setup, SA/AA
 * contacts, OU permissions, bulk enablement. The steps only Exchange or Lync admins can fix
 * elsewhere (VoIP security, SIP addresses, Lync dial plan names) keep saying why.
 */
let services: AppServices;
let admin: DirectorySession;
const root = 'DC=contoso,DC=test';

beforeAll(async () => {
  resetLab();
  services = createTestServices().services;
  // lab-umadmin is in both RTC admin groups; Administrator (lab) writes what needs Domain Admins.
  await services.connections.connect('lab');
  admin = await openLabSession('lab');
}, 120_000);
afterAll(async () => {
  await admin?.close();
  await services?.shutdown();
  resetLab();
}, 120_000);

const statuses = (c: Checklist) => Object.fromEntries(c.steps.map((s) => [s.id, s.status])) as Record<ChecklistStepId, StepStatus>;
const step = (c: Checklist, id: ChecklistStepId) => c.steps.find((s) => s.id === id)!;
const evidenceCodes = (c: Checklist, id: ChecklistStepId) =>
  step(c, id)
    .evidence.filter((e) => !e.ok)
    .map((e) => `${e.code}:${Object.values(e.params).join('|')}`);

describe('the seeded lab', () => {
  let checklist: Checklist;
  beforeAll(async () => {
    checklist = await services.checklist.get();
  });

  it('shows the seeded gaps and nothing else', () => {
    expect(statuses(checklist)).toEqual({
      'deploy-exchange-um': 'done',
      'um-certificates': 'partly',
      'sip-dial-plan': 'done',
      'voip-security': 'partly',
      'um-servers-in-dial-plan': 'partly',
      'sip-addresses': 'partly',
      exchucutil: 'partly',
      'lync-dial-plan-names': 'partly',
      'ocsumutil-contacts': 'partly',
      'enterprise-voice': 'partly',
      'enable-users': 'partly',
    });
    // Step 2 through Get-ExchangeCertificate [S19]: EXUM01's wildcard subject fails [S9]; Exchange 2007 cannot be read remotely.
    expect(evidenceCodes(checklist, 'um-certificates')).toEqual([expect.stringMatching(/^certificate-wildcard:EXUM01\|UM\|CN=\*\.contoso\.test\|/)]);
    expect(step(checklist, 'um-certificates').evidence.map((e) => `${e.code}:${e.params.server}`)).toEqual(
      expect.arrayContaining(['certificate-unreadable:EXUM07', 'certificate-ok:EX15', 'certificate-ok:EXUM02']),
    );
    // Step 4 against Lync's media encryption (RequireEncryption, through the Lync shell) [S4][S9].
    expect(evidenceCodes(checklist, 'voip-security')).toEqual([
      'dial-plan-security-vs-lync:Taipei|Unsecured|Global|RequireEncryption|Secured',
      'dial-plan-security-vs-lync:Tokyo|SIPSecured|Global|RequireEncryption|Secured',
    ]);
    // Step 5: Exchange 2013's UM service and Call Router in every SIP dial plan, in Dual mode [S9].
    expect(evidenceCodes(checklist, 'um-servers-in-dial-plan')).toEqual([
      'dial-plan-call-router-not-dual:Redmond|EX15|Exchange 2013|TCP',
      'dial-plan-um-service-missing:Tokyo|EX15|Exchange 2013|Dual',
      'dial-plan-call-router-missing:Tokyo|EX15|Exchange 2013|TCP',
    ]);
    expect(evidenceCodes(checklist, 'exchucutil')).toEqual([
      'pool-no-gateway:dir01.contoso.test||Contoso',
      'hunt-group-missing:Redmond|1:4|Redmond|Contoso',
      'hunt-group-missing:Tokyo|1:4|Tokyo|Contoso',
      'pool-no-gateway:pool02.contoso.test||Contoso',
      'hunt-group-missing:Redmond|1:2|Redmond|Contoso',
      'hunt-group-missing:Tokyo|1:2|Tokyo|Contoso',
    ]);
    expect(evidenceCodes(checklist, 'lync-dial-plan-names')).toEqual([expect.stringMatching(/^lync-name-mismatch:Tokyo\|Tokyo\.contoso\.test\|EXUM01/)]);
    expect(evidenceCodes(checklist, 'ocsumutil-contacts').sort()).toEqual(['aa-contact-missing:TokyoAA|', 'sa-contact-missing:Tokyo|'].sort());
    // Each OU that blocks inheritance on its own line, each with its own grant [S7].
    expect(evidenceCodes(checklist, 'enterprise-voice')).toEqual([
      'ou-blocks-lync:contoso.test/Lab/Blocked',
      'ou-blocks-lync:contoso.test/Lab/Delegated/Sealed',
    ]);
    expect(step(checklist, 'sip-addresses').reason.params).toMatchObject({ missing: '10', ev: '400' });
  });

  it('checks the roles against the connected account, nested groups included', () => {
    // Administrator: Enterprise Admins and Domain Admins, but no RTC or Exchange role groups.
    expect(step(checklist, 'deploy-exchange-um').roles[0]).toMatchObject({ held: true, via: 'Enterprise Admins', account: 'Administrator' });
    expect(step(checklist, 'ocsumutil-contacts').roles.map((r) => r.held)).toEqual([false, false]);
  });

  it('narrows the per-dial-plan steps to one dial plan', async () => {
    const taipei = checklist.dialPlans.find((d) => d.name === 'Taipei')!;
    const one = await services.checklist.get({ dialPlanDn: taipei.dn });
    expect(one.dialPlan?.name).toBe('Taipei');
    expect(statuses(one)).toMatchObject({ 'sip-dial-plan': 'not-done', 'voip-security': 'not-done', 'ocsumutil-contacts': 'done' });
  });

  it('writes a self-contained HTML report with every value escaped', async () => {
    const report = await services.checklist.report({ refresh: false }, 'zh-TW');
    expect(report.fileName).toMatch(/^um-integration-checklist-\d{4}-\d{2}-\d{2}\.html$/);
    expect(report.content).toContain('<html lang="zh-TW">');
    expect(report.content).toContain('部分完成');
    expect(report.content).not.toMatch(/<script|src=|href=/i);
  });
});

describe('turns green as the console fixes the gaps', () => {
  it('step 7 after gateway setup', async () => {
    const result = await services.gateways.apply({ profile: 'lab' });
    expect(result.counts.failed).toBe(0);
    expect(statuses(await services.checklist.get()).exchucutil).toBe('done');
  });

  it('step 9 after the Tokyo SA contact and the TokyoAA AA contact are created', async () => {
    await services.connections.connect('lab-umadmin');
    const options = await services.contacts.options();
    const tokyo = options.dialPlans.find((d) => d.name === 'Tokyo')!;
    const tokyoAa = options.autoAttendants.find((a) => a.name === 'TokyoAA')!;
    const common = { profile: 'lab-umadmin', poolFqdn: 'pool01.contoso.test', ouDn: `OU=UM Contacts,OU=Lab,${root}`, route: 'ldap' as const };
    await services.contacts.create({
      ...common,
      kind: 'SA',
      targetDn: tokyo.dn,
      name: 'Tokyo Subscriber Access',
      sipAddress: 'sip:TokyoSA@contoso.test',
      phoneNumber: '+81355550100',
    });
    await services.contacts.create({
      ...common,
      kind: 'AA',
      targetDn: tokyoAa.dn,
      name: 'TokyoAA',
      sipAddress: 'sip:TokyoAA@contoso.test',
      phoneNumber: tokyoAa.pilotNumbers[0] ?? '+81355550111',
    });
    expect(statuses(await services.checklist.get())['ocsumutil-contacts']).toBe('done');
  });

  it('step 10 after Grant-CsOUPermission on the OU that blocks inheritance', async () => {
    await services.permissions.grant('lab', `OU=Blocked,OU=Lab,${root}`, ['User', 'Contact'], 'ldap');
    // OU=Sealed blocks inheritance under OU=Delegated: granted with its parent, in the same step.
    await services.permissions.grant('lab', `OU=Delegated,OU=Lab,${root}`, ['User', 'Contact'], 'ldap', [`OU=Sealed,OU=Delegated,OU=Lab,${root}`]);
    expect(statuses(await services.checklist.get())['enterprise-voice']).toBe('done');
  });

  it('step 11 after bulk enablement of every waiting Enterprise Voice user', async () => {
    const waiting = await admin.search(`OU=Users,OU=Lab,${root}`, {
      filter:
        '(&(objectClass=user)(msRTCSIP-OptionFlags:1.2.840.113556.1.4.803:=128)(proxyAddresses=sip:*)(msExchMailboxGuid=*)(!(msExchUMEnabledFlags:1.2.840.113556.1.4.803:=1)))',
      attributes: ['userPrincipalName', 'telephoneNumber'],
    });
    expect(waiting.length).toBeGreaterThan(300);
    // Two pairs of users share a telephone suffix: the second of each gets its own extension.
    const used = new Set<string>();
    const rows = waiting.map((e, i) => {
      let extension = (e.get('telephoneNumber') ?? '').replace(/\D/g, '').slice(-5);
      if (used.has(extension)) extension = String(90000 + i);
      used.add(extension);
      const upn = e.get('userPrincipalName')!;
      return `${upn},Redmond Default Policy,${extension},${upn}`;
    });
    const csv = `Identity,UMMailboxPolicy,Extensions,SIPResourceIdentifier\r\n${rows.join('\r\n')}\r\n`;
    const summary = await services.enablement.import({ fileName: 'all-ev-users.csv', content: Buffer.from(csv).toString('base64') });
    const validation = await services.enablement.validate({ importId: summary.importId, profile: 'lab', mapping: summary.mapping, proposeExtensions: false });
    expect(validation.counts).toMatchObject({ ready: waiting.length, invalid: 0 });
    const job = await services.enablement.start({ importId: summary.importId, dryRun: false, concurrency: 4 });
    const done = await services.enablement.wait(job.jobId);
    expect(done.progress).toMatchObject({ state: 'completed', failed: 0 });
    const after = await services.checklist.get();
    expect(statuses(after)['enable-users']).toBe('done');
    // What the console cannot fix stays visible, with the reason.
    expect(statuses(after)).toMatchObject({ 'voip-security': 'partly', 'sip-addresses': 'partly', 'lync-dial-plan-names': 'partly' });
  }, 300_000);

  it('the CLI prints the same checklist', () => {
    const cli = runCli(['checklist', '--profile', 'lab', '--json'], { UMC_PASSWORD: 'Lab-Passw0rd!' });
    expect(cli.status, cli.stderr).toBe(0);
    const output = cli.json() as Checklist;
    expect(statuses(output)).toMatchObject({ exchucutil: 'done', 'ocsumutil-contacts': 'done', 'enterprise-voice': 'done', 'enable-users': 'done' });
  });
});

describe('steps the console cannot see', () => {
  let own: AppServices;
  afterAll(async () => own?.shutdown());

  it('says what it cannot tell without a Lync shell, and takes a confirmation by hand with who, when and why', async () => {
    own = createTestServices().services;
    // The lab profile without its Lync shell: Lync's media encryption cannot be read.
    const lab = own.profiles.get('lab');
    own.profiles.save({ name: 'no-lync-shell', directory: lab.directory, exchange: lab.exchange });
    await own.connections.connect('no-lync-shell', 'Lab-Passw0rd!');
    const redmond = (await own.checklist.get()).dialPlans.find((d) => d.name === 'Redmond')!;
    const before = step(await own.checklist.get({ dialPlanDn: redmond.dn }), 'voip-security');
    expect(before).toMatchObject({ status: 'unknown', confirmable: true, reason: { code: 'lync-encryption-unknown' } });

    const confirmation = await own.checklist.confirm({
      stepId: 'voip-security',
      profile: 'no-lync-shell',
      note: 'Get-CsMediaConfiguration: RequireEncryption; Redmond is Secured',
    });
    expect(confirmation).toMatchObject({ by: 'Administrator@contoso.test', profile: 'no-lync-shell', note: expect.stringContaining('RequireEncryption') });
    const after = await own.checklist.get({ dialPlanDn: redmond.dn });
    expect(step(after, 'voip-security')).toMatchObject({ status: 'confirmed', confirmation: { by: 'Administrator@contoso.test' } });
    expect(after.summary.confirmed).toBe(1);
    expect(own.audit.list({ action: 'checklist.confirm' })[0]).toMatchObject({
      target: 'voip-security',
      outcome: 'succeeded',
      actor: { identity: 'Administrator@contoso.test' },
    });
    const report = await own.checklist.report({ dialPlanDn: redmond.dn, refresh: false }, 'en');
    expect(report.content).toContain('Confirmed by hand by Administrator@contoso.test');

    expect(await own.checklist.unconfirm({ stepId: 'voip-security', profile: 'no-lync-shell' })).toEqual({ removed: true });
    expect(step(await own.checklist.get({ dialPlanDn: redmond.dn }), 'voip-security').status).toBe('unknown');
    expect(own.audit.list({ action: 'checklist.unconfirm' })).toHaveLength(1);
  });
});
