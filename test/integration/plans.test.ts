import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@shared/errors';
import type { BulkOperation } from '@shared/models/enablement';
import type { ContactItem } from '@shared/models/contacts';
import type { ExportedPlan, PlanDocument } from '@shared/models/plans';
import { freshUsers } from '../lab/seed-accounts';
import { forests } from '../lab/lab-config';
import { phoneContext } from '../lab/seed-topology';
import type { AppServices } from '../../electron/services/app-services';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { createTestServices, openLabSession } from './support/test-services';
import { resetLab } from './support/lab-control';
import { runCli } from './support/cli';

/**
 * Change plans against the lab: a plan exported, the directory changed under it by someone else,
 * the apply refused with the difference; an unchanged plan applied exactly (the audit log and the
 * directory show its steps and nothing else); a plan edited after export refused; the script
 * parsed by PowerShell's own parser. Users u00440–u00447 (fresh Lync users) and contacts named
 * it-plan-* are this file's.
 */
const profile = 'lab-exchadmin';
const users = 'OU=Users,OU=Lab,DC=contoso,DC=test';
const umContacts = 'OU=UM Contacts,OU=Lab,DC=contoso,DC=test';
const redmond = 'Redmond Default Policy';
const probeOu = `OU=it-plan-${process.pid},OU=Lab,DC=contoso,DC=test`;
let services: AppServices;
let admin: DirectorySession;

beforeAll(async () => {
  resetLab();
  ({ services } = createTestServices());
  await services.connections.connect(profile);
  await services.connections.connect('lab-umadmin');
  admin = await openLabSession('lab');
}, 120_000);
afterAll(async () => {
  if (await admin.read(probeOu, ['1.1'])) await admin.delete(probeOu);
  for (const entry of await admin.search(umContacts, { filter: '(displayName=it-plan-*)', attributes: ['1.1'] })) await admin.delete(entry.dn);
  await admin?.close();
  await services?.shutdown();
  resetLab();
}, 120_000);

const b64 = (text: string) => Buffer.from(text).toString('base64');
const file = (exported: ExportedPlan, ext: string) => exported.files.find((f) => f.name.endsWith(ext))!.content;

async function planFor(sams: string[]): Promise<ExportedPlan> {
  const content = ['Identity,UMMailboxPolicy', ...sams.map((s) => `${s}@contoso.test,${redmond}`)].join('\r\n');
  const summary = await services.enablement.import({ fileName: 'plan-users.csv', content: b64(content) });
  await services.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, proposeExtensions: false });
  return services.plans.export({ kind: 'enablement', importId: summary.importId }, 'en');
}

async function umEnabled(sam: string): Promise<boolean> {
  const [entry] = await admin.search(users, { filter: `(sAMAccountName=${sam})`, attributes: ['msExchUMEnabledFlags'] });
  return ((entry?.getInt('msExchUMEnabledFlags') ?? 0) & 1) === 1;
}

const compatChecker = join(import.meta.dirname, '../powershell-compat/Test-WindowsPowerShellCompat.ps1');

/** The parse errors (and what Windows PowerShell 5.1 lacks) and the command names of a script, by PowerShell's own parser. */
function parseScript(script: string): { errors: string[]; commands: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'umc-plan-'));
  const path = join(dir, 'plan.ps1');
  writeFileSync(path, script, 'utf8');
  const probe = `$t = $null; $e = $null; $ast = [System.Management.Automation.Language.Parser]::ParseFile('${path.replace(/'/g, "''")}', [ref]$t, [ref]$e)
@{ errors = @($e | ForEach-Object { $_.Message }); commands = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() }) } | ConvertTo-Json -Compress`;
  const result = spawnSync('pwsh', ['-NoProfile', '-NonInteractive', '-Command', probe], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  const parsed = JSON.parse(result.stdout) as { errors: string[] | null; commands: string[] | null };
  // And nothing Windows PowerShell 5.1 lacks, by the project's one list of it.
  const compat = spawnSync('pwsh', ['-NoProfile', '-NonInteractive', '-File', compatChecker, '-Path', path], { encoding: 'utf8' });
  if (compat.status !== 0) throw new Error(compat.stderr);
  const findings = (JSON.parse(compat.stdout || '[]') as Array<{ rule: string; message: string }> | null) ?? [];
  return { errors: [...(parsed.errors ?? []), ...[findings].flat().map((f) => `${f.rule}: ${f.message}`)], commands: parsed.commands ?? [] };
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('a bulk enablement plan', () => {
  let changed: ExportedPlan;

  it('exports the plan, a script PowerShell parses with exactly the commands, and a summary', async () => {
    changed = await planFor(['u00440', 'u00441']);
    expect(changed.plan).toMatchObject({
      kind: 'enablement',
      profile,
      intent: { rows: [{ Identity: 'u00440@contoso.test' }, { Identity: 'u00441@contoso.test' }] },
    });
    expect(changed.files.map((f) => f.name)).toEqual([`${changed.plan.id}.json`, `${changed.plan.id}.ps1`, `${changed.plan.id}-summary.html`]);
    const script = file(changed, '.ps1');
    expect(parseScript(script)).toEqual({ errors: [], commands: ['Enable-UMMailbox', 'Enable-UMMailbox'] });
    expect(script).toContain(`Enable-UMMailbox -Identity 'CN=u00440,${users}' -UMMailboxPolicy '${redmond}'`);
    expect(file(changed, '.html')).toContain('Enable Unified Messaging for 2 users');
    // Nothing was written by exporting.
    expect(await umEnabled('u00440')).toBe(false);
  });

  it('is refused, with the difference, once someone else has enabled one of its users', async () => {
    const other = await services.powershell.run(profile, 'exchange', 'Enable-UMMailbox', { Identity: 'u00441@contoso.test', UMMailboxPolicy: redmond });
    expect(other.ok).toBe(true);
    const content = file(changed, '.json');
    const check = await services.plans.check(content);
    expect(check.state).toBe('changed');
    // Only the row someone else enabled: planned ready, now already done.
    expect(check.differences).toHaveLength(1);
    expect(check.differences[0]).toMatchObject({ object: 'u00441@contoso.test', attribute: 'validation' });
    expect(check.differences[0]!.planned).toMatch(/^ready · CN=u00441,/);
    expect(check.differences[0]!.now).toMatch(/^already-done · CN=u00441,/);
    const error = await refusal(services.plans.apply(content));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/directory changed since plan .* nothing was applied/);
    expect((error.details as { differences: unknown[] }).differences).toEqual(check.differences);
    expect(await umEnabled('u00440')).toBe(false);
    expect(services.audit.list({ action: 'enablement.enable' })).toEqual([]);
  });

  it('applies an unchanged plan exactly: its rows, journalled and audited, nothing else', async () => {
    const exported = await planFor(['u00442', 'u00443']);
    const result = await services.plans.apply(file(exported, '.json'));
    expect(result.steps).toEqual([
      { target: 'u00442@contoso.test', outcome: 'done' },
      { target: 'u00443@contoso.test', outcome: 'done' },
    ]);
    expect(await umEnabled('u00442')).toBe(true);
    expect(await umEnabled('u00443')).toBe(true);
    const audited = services.audit.list({ action: 'enablement.enable' });
    expect(audited.map((e) => e.target).sort()).toEqual([`CN=u00442,${users}`, `CN=u00443,${users}`]);
    expect(audited.every((e) => e.jobId === result.jobId && e.outcome === 'succeeded')).toBe(true);
    expect(services.enablement.job(result.jobId!).counts).toMatchObject({ enabled: 2, failed: 0 });
    // Applied once: the same plan again finds its users enabled and is refused.
    expect((await services.plans.check(file(exported, '.json'))).state).toBe('changed');
  });

  it('refuses a plan edited after export, and a file that is not a plan', async () => {
    const exported = await planFor(['u00444']);
    const edited = JSON.parse(file(exported, '.json'));
    edited.intent.rows[0].Identity = 'u00445@contoso.test';
    const content = JSON.stringify(edited);
    expect((await services.plans.check(content)).state).toBe('tampered');
    const error = await refusal(services.plans.apply(content));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/changed after it was exported/);
    expect(await umEnabled('u00444')).toBe(false);
    expect(await umEnabled('u00445')).toBe(false);
    expect((await refusal(services.plans.apply('{"not":"a plan"}'))).code).toBe('INVALID_INPUT');
  });
  it('keeps a PIN from the file out of the plan and the script, and needs it again to apply', async () => {
    const content = ['Identity,UMMailboxPolicy,PIN', `u00446@contoso.test,${redmond},73915824`].join('\r\n');
    const summary = await services.enablement.import({ fileName: 'plan-pins.csv', content: b64(content) });
    await services.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, proposeExtensions: false });
    const exported = await services.plans.export({ kind: 'enablement', importId: summary.importId }, 'en');
    for (const f of exported.files) expect(f.content).not.toContain('73915824');
    expect(file(exported, '.ps1')).toContain('-PIN $pin_2');
    expect(parseScript(file(exported, '.ps1')).errors).toEqual([]);
    const plan = file(exported, '.json');
    expect((await services.plans.check(plan)).secrets).toEqual([{ variable: 'pin_2', prompt: 'PIN for line 2 (u00446@contoso.test)' }]);
    expect((await refusal(services.plans.apply(plan))).code).toBe('SECRET_REQUIRED');
    expect(await umEnabled('u00446')).toBe(false);
    const result = await services.plans.apply(plan, { pin_2: '73915824' });
    expect(result.steps).toEqual([{ target: 'u00446@contoso.test', outcome: 'done' }]);
    expect(await umEnabled('u00446')).toBe(true);
  });
});

describe('an OU permissions plan', () => {
  beforeAll(async () => {
    await admin.add(probeOu, { objectClass: 'organizationalUnit' });
  });

  it("is refused once someone else changed the OU's DACL, and an unchanged one grants exactly once", async () => {
    const request = {
      kind: 'permissions' as const,
      profile: 'lab',
      ou: probeOu,
      types: ['Contact' as const],
      action: 'grant' as const,
      route: 'ldap' as const,
    };
    const stale = await services.plans.export(request, 'en');
    expect(parseScript(file(stale, '.ps1'))).toEqual({ errors: [], commands: ['Grant-CsOUPermission'] });
    expect((await services.plans.check(file(stale, '.json'))).state).toBe('matches');
    // Another admin grants the User type meanwhile.
    await services.permissions.grant('lab', probeOu, ['User'], 'ldap');
    const check = await services.plans.check(file(stale, '.json'));
    expect(check.state).toBe('changed');
    expect(check.differences.find((d) => d.attribute === 'DACL (SHA-256)')).toMatchObject({ object: probeOu });
    expect((await refusal(services.plans.apply(file(stale, '.json')))).code).toBe('CONFLICT');
    expect((await services.permissions.test('lab', probeOu, ['Contact'])).types[0]!.status).toBe('not-granted');

    const fresh = await services.plans.export(request, 'en');
    const before = services.audit.list({ target: probeOu }).length;
    expect((await services.plans.apply(file(fresh, '.json'))).steps).toEqual([{ target: probeOu, outcome: 'done' }]);
    const entries = services.audit.list({ target: probeOu });
    expect(entries.length - before).toBe(1);
    expect(entries[0]).toMatchObject({ action: 'permissions.grant', outcome: 'succeeded' });
    expect((await services.permissions.test('lab', probeOu, ['Contact'])).types[0]!.status).toBe('granted');
  });
});

describe('a gateway setup plan', () => {
  it("holds exchucutil's commands for what is missing, in a script PowerShell parses, and matches the directory it was made from", async () => {
    const exported = await services.plans.export({ kind: 'gateways', request: { profile, administrativeGroups: false } }, 'en');
    const plan = await services.gateways.plan({ profile });
    expect(exported.plan.steps.map((s) => s.command)).toEqual(plan.items.flatMap((i) => i.commands));
    expect(exported.plan.facts).toEqual(plan.items.map((i) => ({ object: i.id, attribute: 'status', value: i.status })));
    const parsed = parseScript(file(exported, '.ps1'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.commands.length).toBeGreaterThan(0);
    expect((await services.plans.check(file(exported, '.json'))).state).toBe('matches');
  });
});

describe('a contacts plan', () => {
  const create = (name: string, sip: string, phone: string) => ({
    op: 'create' as const,
    input: {
      profile: 'lab-umadmin',
      kind: 'SA' as const,
      targetDn: '',
      name,
      sipAddress: sip,
      phoneNumber: phone,
      poolFqdn: 'pool01.contoso.test',
      ouDn: umContacts,
      route: 'ldap' as const,
    },
  });
  let tokyo = '';
  beforeAll(async () => {
    tokyo = (await services.contacts.options()).dialPlans.find((d) => d.name === 'Tokyo')!.dn;
  });

  it('writes hostile values as data in a script PowerShell parses, and applies exactly its contact', async () => {
    const name = `it-plan-O'Brien $(Stop-Computer) "x"`;
    const operation = create(name, 'sip:it-plan-a@contoso.test', '+81355559101');
    operation.input.targetDn = tokyo;
    const exported = await services.plans.export({ kind: 'contacts', operations: [operation] }, 'zh-TW');
    const script = file(exported, '.ps1');
    expect(parseScript(script)).toEqual({ errors: [], commands: ['New-ADObject'] });
    expect(script).toContain(`-Name 'it-plan-O''Brien $(Stop-Computer) "x"' -Type 'contact' -Path '${umContacts}'`);
    expect(file(exported, '.html')).toContain('建立 1 個訂戶存取或自動語音應答連絡人。');
    const before = services.audit.list().length;
    const result = await services.plans.apply(file(exported, '.json'));
    expect(result.steps).toEqual([{ target: name, outcome: 'done' }]);
    const entries = services.audit.list().slice(0, services.audit.list().length - before);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'contact.create', outcome: 'succeeded', after: { name, sipAddress: 'sip:it-plan-a@contoso.test' } });
  });

  it('is refused when another object takes its SIP address before it is applied, through the CLI too', async () => {
    const operation = create('it-plan-b', 'sip:it-plan-b@contoso.test', '+81355559102');
    operation.input.targetDn = tokyo;
    const exported = await services.plans.export({ kind: 'contacts', operations: [operation] }, 'en');
    const other = create('it-plan-other', 'sip:it-plan-b@contoso.test', '+81355559103');
    other.input.targetDn = tokyo;
    await services.contacts.create(other.input);
    const check = await services.plans.check(file(exported, '.json'));
    expect(check.state).toBe('changed');
    expect(check.differences).toEqual([
      {
        object: 'it-plan-b',
        attribute: 'refused because',
        planned: '(none)',
        now: `sip:it-plan-b@contoso.test is already used by CN=it-plan-other,${umContacts}. SIP addresses must be unique in the forest.`,
      },
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'umc-plan-cli-'));
    const path = join(dir, 'plan.json');
    writeFileSync(path, file(exported, '.json'));
    const cli = runCli(['--profile', 'lab-umadmin', 'plan', 'apply', '--file', path, '--json']);
    expect(cli.status).toBe(1);
    expect(cli.json()).toMatchObject({ error: { code: 'CONFLICT', details: { differences: check.differences } } });
    expect(await admin.search(umContacts, { filter: '(displayName=it-plan-b)', attributes: ['1.1'] })).toEqual([]);
  });

  it('is exported and applied from the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-plan-cli-'));
    const exported = runCli([
      '--profile',
      'lab-umadmin',
      'plan',
      'export',
      'contacts',
      'create',
      '--type',
      'SA',
      '--dial-plan',
      'Tokyo',
      '--name',
      'it-plan-cli',
      '--sip',
      'sip:it-plan-cli@contoso.test',
      '--phone',
      '+81355559104',
      '--ou',
      umContacts,
      '--out',
      dir,
      '--json',
    ]);
    expect(exported.status, exported.stderr).toBe(0);
    const { files } = exported.json() as { files: string[] };
    expect(files.map((f) => f.replace(/^.*[\\/]/, ''))).toEqual([
      expect.stringMatching(/^plan-[0-9a-f]{12}\.json$/),
      expect.stringMatching(/\.ps1$/),
      expect.stringMatching(/-summary\.html$/),
    ]);
    const applied = runCli(['plan', 'apply', '--file', files[0]!, '--json']);
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.json()).toMatchObject({ steps: [{ target: 'it-plan-cli', outcome: 'done' }] });
    expect(readFileSync(files[1]!, 'utf8').startsWith('\uFEFF')).toBe(true);
    expect(await admin.search(umContacts, { filter: '(displayName=it-plan-cli)', attributes: ['1.1'] })).toHaveLength(1);
  });

  it('plans a delete: refused once someone renamed the contact, applied when unchanged', async () => {
    const contact = (await services.contacts.list(true)).find((c) => c.sipAddress === 'sip:it-plan-cli@contoso.test')!;
    const operation = {
      op: 'delete' as const,
      input: {
        profile: 'lab-umadmin',
        dn: contact.dn,
        expectedVersion: contact.version,
        loaded: { name: contact.displayName, sipAddress: contact.sipAddress, phoneNumber: contact.phoneNumber },
        route: 'ldap' as const,
      },
    };
    const stale = await services.plans.export({ kind: 'contacts', operations: [operation] }, 'en');
    expect(parseScript(file(stale, '.ps1'))).toEqual({ errors: [], commands: ['Remove-ADObject'] });
    await admin.modify(contact.dn, [{ operation: 'replace', attribute: 'displayName', values: 'it-plan-cli renamed' }]);
    const check = await services.plans.check(file(stale, '.json'));
    expect(check.state).toBe('changed');
    expect(check.differences).toContainEqual({ object: contact.dn, attribute: 'name', planned: 'it-plan-cli', now: 'it-plan-cli renamed' });
    expect((await refusal(services.plans.apply(file(stale, '.json')))).code).toBe('CONFLICT');
    expect(await admin.read(contact.dn, ['1.1'])).toBeTruthy();

    const renamed = (await services.contacts.list(true)).find((c) => c.dn === contact.dn)!;
    const fresh = await services.plans.export(
      {
        kind: 'contacts',
        operations: [{ op: 'delete', input: { ...operation.input, expectedVersion: renamed.version, loaded: { name: renamed.displayName } } }],
      },
      'en',
    );
    expect((await services.plans.apply(file(fresh, '.json'))).steps).toEqual([{ target: contact.dn, outcome: 'done' }]);
    expect(await admin.read(contact.dn, ['1.1'])).toBeUndefined();
    expect(services.audit.list({ target: contact.dn })[0]).toMatchObject({ action: 'contact.delete', outcome: 'succeeded' });
  });
});

/**
 * Bulk plans of every operation (users u00410–u00437, this file's): each plan's commands are the
 * operation's own calls, its script parses, an unchanged plan applies exactly its rows, and the
 * directory changed under a change or a move plan refuses it with the difference.
 */
describe('bulk plans of every operation', () => {
  const sam = (i: number) => `u${String(i).padStart(5, '0')}`;
  const upn = (i: number) => `${sam(i)}@contoso.test`;
  const dn = (i: number) => `CN=${sam(i)},${users}`;
  const ext = (i: number) => String(i).padStart(5, '0');
  const csv = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');

  async function bulkPlan(operation: BulkOperation, rows: string[][], language: 'en' | 'zh-TW' = 'en'): Promise<ExportedPlan> {
    const summary = await services.enablement.import({ fileName: `plan-${operation}.csv`, content: b64(csv(rows)) });
    await services.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, operation, proposeExtensions: false });
    return services.plans.export({ kind: 'enablement', importId: summary.importId }, language);
  }
  /** Enables these users on Redmond with extension = the user's number. */
  async function enable(ids: number[]): Promise<void> {
    const summary = await services.enablement.import({
      fileName: 'plan-setup.csv',
      content: b64(csv([['Identity', 'UMMailboxPolicy', 'Extensions'], ...ids.map((i) => [upn(i), redmond, ext(i)])])),
    });
    await services.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, proposeExtensions: false });
    const job = await services.enablement.wait((await services.enablement.start({ importId: summary.importId, dryRun: false, concurrency: 2 })).jobId);
    expect(job.counts.enabled).toBe(ids.length);
  }
  async function mailbox(i: number): Promise<{ enabled: boolean; eum: string[]; policy?: string; line?: string; pin: string }> {
    const [entry] = await admin.search(users, {
      filter: `(sAMAccountName=${sam(i)})`,
      attributes: ['msExchUMEnabledFlags', 'proxyAddresses', 'msExchUMTemplateLink', 'msRTCSIP-Line', 'msExchUMPinChecksum'],
    });
    return {
      enabled: ((entry?.getInt('msExchUMEnabledFlags') ?? 0) & 1) === 1,
      eum: (entry?.getAll('proxyAddresses') ?? []).filter((p) => /^eum:/i.test(p)).map((p) => p.toLowerCase()),
      policy: entry?.get('msExchUMTemplateLink'),
      line: entry?.get('msRTCSIP-Line'),
      pin: entry?.getBuffer('msExchUMPinChecksum')?.toString('utf8') ?? '',
    };
  }
  const context = (plan: string) => phoneContext(plan, forests.contoso).toLowerCase();

  it('voice: Set-CsUser in the Lync shell, depending on Enterprise Voice and the line URI; applied exactly', async () => {
    const [a, b] = freshUsers(410, 2);
    const exported = await bulkPlan('voice', [
      ['Identity', 'LineURI'],
      [upn(a!), 'tel:+14255557410;ext=57410'],
      [upn(b!), 'tel:+14255557411'],
    ]);
    expect(exported.plan.intent).toMatchObject({ kind: 'enablement', operation: 'voice' });
    expect(exported.plan.steps.map((s) => [s.shell, s.command])).toEqual([
      ['lync', `Set-CsUser -Identity '${dn(a!)}' -EnterpriseVoiceEnabled $true -LineURI 'tel:+14255557410;ext=57410'`],
      ['lync', `Set-CsUser -Identity '${dn(b!)}' -EnterpriseVoiceEnabled $true -LineURI 'tel:+14255557411'`],
    ]);
    const script = file(exported, '.ps1');
    expect(parseScript(script)).toEqual({ errors: [], commands: ['Set-CsUser', 'Set-CsUser'] });
    expect(script).toContain('# In the Lync Server Management Shell:');
    expect(exported.plan.facts.filter((f) => f.object === upn(a!)).map((f) => f.attribute)).toEqual(['validation', 'enterpriseVoiceEnabled', 'lineUri']);
    expect(file(exported, '.html')).toContain('Enable Lync Enterprise Voice with the line URI from the file for 2 users (Set-CsUser).');
    const result = await services.plans.apply(file(exported, '.json'));
    expect(result.steps).toEqual([
      { target: upn(a!), outcome: 'done' },
      { target: upn(b!), outcome: 'done' },
    ]);
    expect((await mailbox(a!)).line).toBe('tel:+14255557410;ext=57410');
    expect((await mailbox(b!)).line).toBe('tel:+14255557411');
    expect(services.enablement.job(result.jobId!).operation).toBe('voice');
  }, 120_000);

  it('change: Set-Mailbox adds and removes exactly the EUM addresses; refused once someone changed the extensions, applied when unchanged', async () => {
    const [a, b] = freshUsers(412, 2);
    await enable([a!, b!]);
    const wanted = (i: number) => `7${ext(i).slice(1)}`;
    const rows = (ids: number[]) => [['Identity', 'Extensions'], ...ids.map((i) => [upn(i), wanted(i)])];
    const stale = await bulkPlan('change', rows([a!, b!]), 'zh-TW');
    expect(stale.plan.intent).toMatchObject({ operation: 'change' });
    const eum = (n: string) => `'eum:${n};phone-context=${phoneContext('Redmond', forests.contoso)}'`;
    expect(stale.plan.steps.map((s) => s.command)).toEqual([
      `Set-Mailbox -Identity '${dn(a!)}' -EmailAddresses @{Add=${eum(wanted(a!))}; Remove=${eum(ext(a!))}}`,
      `Set-Mailbox -Identity '${dn(b!)}' -EmailAddresses @{Add=${eum(wanted(b!))}; Remove=${eum(ext(b!))}}`,
    ]);
    expect(parseScript(file(stale, '.ps1'))).toEqual({ errors: [], commands: ['Set-Mailbox', 'Set-Mailbox'] });
    expect(file(stale, '.html')).toContain('在同一 UM 撥號對應表內變更 2 位使用者的 UM 信箱原則或分機號碼 (Set-UMMailbox, Set-Mailbox)。');
    expect((await services.plans.check(file(stale, '.json'))).state).toBe('matches');

    // Someone gives b a second extension through Exchange meanwhile.
    const other = await services.powershell.run(profile, 'exchange', 'Set-Mailbox', {
      Identity: upn(b!),
      EmailAddresses: { Add: [`eum:6${ext(b!).slice(1)};phone-context=${phoneContext('Redmond', forests.contoso)}`] },
    });
    expect(other.ok, JSON.stringify(other)).toBe(true);
    const check = await services.plans.check(file(stale, '.json'));
    expect(check.state).toBe('changed');
    expect(check.differences).toContainEqual({ object: upn(b!), attribute: 'extensions', planned: ext(b!), now: `${ext(b!)}, 6${ext(b!).slice(1)}` });
    expect(check.differences.every((d) => d.object === upn(b!))).toBe(true);
    const error = await refusal(services.plans.apply(file(stale, '.json')));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain(`${upn(b!)} extensions: planned "${ext(b!)}"`);
    expect((await mailbox(a!)).eum).toContain(`eum:${ext(a!)};phone-context=${context('Redmond')}`);

    const fresh = await bulkPlan('change', rows([a!]));
    const before = services.audit.list().length;
    expect((await services.plans.apply(file(fresh, '.json'))).steps).toEqual([{ target: upn(a!), outcome: 'done' }]);
    // The new extension replaced the old one; the SIP resource identifier stays.
    expect((await mailbox(a!)).eum.sort()).toEqual([
      `eum:${wanted(a!)};phone-context=${context('Redmond')}`,
      `eum:${upn(a!)};phone-context=${context('Redmond')}`,
    ]);
    expect(services.audit.list().length - before).toBe(1);
  }, 180_000);

  it('pin: Set-UMMailboxPIN with each PIN from the file asked for as a secret, a generated one with none; applied exactly', async () => {
    const [a, b] = freshUsers(420, 2);
    await enable([a!, b!]);
    const before = await Promise.all([a!, b!].map(async (i) => (await mailbox(i)).pin));
    const pin = '480913';
    const exported = await bulkPlan('pin', [
      ['Identity', 'PIN', 'PINExpired', 'NotifyEmail'],
      [upn(a!), pin, 'FALSE', ''],
      [upn(b!), '', '', `it-plan-"x"$(y),z@contoso.test`],
    ]);
    for (const f of exported.files) expect(f.content).not.toContain(pin);
    expect(exported.plan.steps.map((s) => [s.command, s.secrets])).toEqual([
      [`Set-UMMailboxPIN -Identity '${dn(a!)}' -Pin $pin_2 -PINExpired $false`, [{ variable: 'pin_2', prompt: `PIN for line 2 (${upn(a!)})` }]],
      [`Set-UMMailboxPIN -Identity '${dn(b!)}' -NotifyEmail 'it-plan-"x"$(y),z@contoso.test'`, []],
    ]);
    expect(parseScript(file(exported, '.ps1'))).toEqual({ errors: [], commands: ['Read-Host', 'Set-UMMailboxPIN', 'Set-UMMailboxPIN', 'Remove-Variable'] });
    expect((await refusal(services.plans.apply(file(exported, '.json')))).code).toBe('SECRET_REQUIRED');
    const result = await services.plans.apply(file(exported, '.json'), { pin_2: pin });
    expect(result.steps).toEqual([
      { target: upn(a!), outcome: 'done' },
      { target: upn(b!), outcome: 'done' },
    ]);
    const after = await Promise.all([a!, b!].map(async (i) => (await mailbox(i)).pin));
    expect(after[0]).not.toBe(before[0]);
    expect(after[0]).toContain('expired=false');
    expect(after[1]).not.toBe(before[1]);
  }, 180_000);

  it('disable: Disable-UMMailbox without a prompt, depending on the mailbox being UM-enabled with its policy; applied exactly', async () => {
    const [a] = freshUsers(422, 1);
    await enable([a!]);
    const exported = await bulkPlan('disable', [['Identity'], [upn(a!)]]);
    expect(exported.plan.steps.map((s) => s.command)).toEqual([`Disable-UMMailbox -Identity '${dn(a!)}' -Confirm:$false`]);
    expect(parseScript(file(exported, '.ps1'))).toEqual({ errors: [], commands: ['Disable-UMMailbox'] });
    expect(exported.plan.facts.filter((f) => f.attribute !== 'validation')).toEqual([
      { object: upn(a!), attribute: 'umEnabled', value: 'yes' },
      { object: upn(a!), attribute: 'policy', value: redmond },
    ]);
    expect(file(exported, '.html')).toContain('Disable Unified Messaging for 1 user (Disable-UMMailbox).');
    expect((await services.plans.apply(file(exported, '.json'))).steps).toEqual([{ target: upn(a!), outcome: 'done' }]);
    expect((await mailbox(a!)).enabled).toBe(false);
  }, 120_000);

  it('move: Disable-UMMailbox then Enable-UMMailbox per row; refused once someone disabled a user, applied exactly when unchanged', async () => {
    const [a, b] = freshUsers(424, 2);
    await enable([a!, b!]);
    const hsinchu = 'Hsinchu Default Policy';
    const rows = (ids: number[]) => [['Identity', 'UMMailboxPolicy'], ...ids.map((i) => [upn(i), hsinchu])];
    const stale = await bulkPlan('move', rows([a!, b!]));
    expect(stale.plan.steps.map((s) => [s.target, s.command])).toEqual([
      [upn(a!), `Disable-UMMailbox -Identity '${dn(a!)}' -Confirm:$false`],
      [upn(a!), `Enable-UMMailbox -Identity '${dn(a!)}' -UMMailboxPolicy '${hsinchu}' -Extensions '${ext(a!)}'`],
      [upn(b!), `Disable-UMMailbox -Identity '${dn(b!)}' -Confirm:$false`],
      [upn(b!), `Enable-UMMailbox -Identity '${dn(b!)}' -UMMailboxPolicy '${hsinchu}' -Extensions '${ext(b!)}'`],
    ]);
    expect(parseScript(file(stale, '.ps1'))).toEqual({
      errors: [],
      commands: ['Disable-UMMailbox', 'Enable-UMMailbox', 'Disable-UMMailbox', 'Enable-UMMailbox'],
    });
    expect(file(stale, '.html')).toContain('Move 2 users to a UM mailbox policy of another UM dial plan');

    const other = await services.powershell.run(profile, 'exchange', 'Disable-UMMailbox', { Identity: upn(b!), Confirm: false });
    expect(other.ok, JSON.stringify(other)).toBe(true);
    const check = await services.plans.check(file(stale, '.json'));
    expect(check.state).toBe('changed');
    expect(check.differences).toContainEqual({ object: upn(b!), attribute: 'umEnabled', planned: 'yes', now: 'no' });
    expect(check.differences.every((d) => d.object === upn(b!))).toBe(true);
    expect((await refusal(services.plans.apply(file(stale, '.json')))).code).toBe('CONFLICT');
    expect((await mailbox(a!)).policy).toMatch(/^CN=Redmond Default Policy,/);

    const fresh = await bulkPlan('move', rows([a!]));
    const result = await services.plans.apply(file(fresh, '.json'));
    expect(result.steps).toEqual([{ target: upn(a!), outcome: 'done' }]);
    const moved = await mailbox(a!);
    expect(moved.policy).toMatch(/^CN=Hsinchu Default Policy,/);
    expect(moved.eum).toEqual([`eum:${ext(a!)};phone-context=${context('Hsinchu')}`]);
    expect(services.audit.list().filter((e) => e.jobId === result.jobId).length).toBeGreaterThan(0);
  }, 180_000);
});

describe('a contact edit and a contact move plan', () => {
  const moveOu = `OU=it-plan-move-${process.pid},OU=Lab,DC=contoso,DC=test`;
  let movedDn = '';
  beforeAll(async () => {
    await admin.add(moveOu, { objectClass: 'organizationalUnit' });
    // Moving between OUs needs the right to write the contact's name, which lab-umadmin lacks (contacts.test.ts): the plan acts as lab.
    await services.connections.connect('lab');
    const tokyo = (await services.contacts.options()).dialPlans.find((d) => d.name === 'Tokyo')!.dn;
    await services.contacts.create({
      profile: 'lab-umadmin',
      kind: 'SA',
      targetDn: tokyo,
      name: 'it-plan-edit',
      sipAddress: 'sip:it-plan-edit@contoso.test',
      phoneNumber: '+81355559201',
      poolFqdn: 'pool01.contoso.test',
      ouDn: umContacts,
      route: 'ldap',
    });
  }, 60_000);
  afterAll(async () => {
    if (movedDn && (await admin.read(movedDn, ['1.1']))) await admin.delete(movedDn);
    if (await admin.read(moveOu, ['1.1'])) await admin.delete(moveOu);
  }, 60_000);
  const loaded = async () => (await services.contacts.list(true)).find((c) => c.sipAddress === 'sip:it-plan-edit@contoso.test')!;
  const edit = (c: ContactItem, name: string) => ({
    op: 'update' as const,
    input: {
      profile: 'lab-umadmin',
      dn: c.dn,
      expectedVersion: c.version,
      loaded: { name: c.displayName, sipAddress: c.sipAddress, phoneNumber: c.phoneNumber, poolFqdn: c.pool?.name },
      changes: { name, phoneNumber: '+81355559202' },
      route: 'ldap' as const,
    },
  });

  it('plans an edit as Set-ADObject -Replace with hostile values as data: refused once someone changed the number, applied exactly when unchanged', async () => {
    const hostile = `it-plan-O'Brien $(Stop-Computer), "x"`;
    const stale = await services.plans.export({ kind: 'contacts', operations: [edit(await loaded(), hostile)] }, 'en');
    const contact = await loaded();
    const script = file(stale, '.ps1');
    expect(parseScript(script)).toEqual({ errors: [], commands: ['Set-ADObject'] });
    expect(stale.plan.steps.map((s) => s.command)).toEqual([
      `Set-ADObject -Identity '${contact.dn}' -Replace @{'displayName'='it-plan-O''Brien $(Stop-Computer), "x"'; 'telephoneNumber'='+81355559202'; 'msRTCSIP-Line'='tel:+81355559202'}`,
    ]);
    expect(file(stale, '.html')).toContain('Edit 1 Subscriber Access or Auto Attendant contact.');
    await admin.modify(contact.dn, [{ operation: 'replace', attribute: 'telephoneNumber', values: '+81355559203' }]);
    const check = await services.plans.check(file(stale, '.json'));
    expect(check.state).toBe('changed');
    expect(check.differences).toContainEqual({ object: contact.dn, attribute: 'phoneNumber', planned: '+81355559201', now: '+81355559203' });
    expect((await refusal(services.plans.apply(file(stale, '.json')))).code).toBe('CONFLICT');
    expect((await loaded()).displayName).toBe('it-plan-edit');

    const fresh = await services.plans.export({ kind: 'contacts', operations: [edit(await loaded(), hostile)] }, 'en');
    expect((await services.plans.apply(file(fresh, '.json'))).steps).toEqual([{ target: contact.dn, outcome: 'done' }]);
    const after = await loaded();
    expect([after.displayName, after.phoneNumber]).toEqual([hostile, '+81355559202']);
    expect(services.audit.list({ target: contact.dn })[0]).toMatchObject({ action: 'contact.update', outcome: 'succeeded' });
  }, 120_000);

  it('plans a move to another OU as Move-ADObject, depending on the contact as loaded and the OU; applied exactly', async () => {
    const contact = await loaded();
    const move = {
      op: 'move' as const,
      input: {
        profile: 'lab',
        dn: contact.dn,
        expectedVersion: contact.version,
        loaded: { ou: contact.ou },
        targetOuDn: moveOu,
        route: 'ldap' as const,
      },
    };
    const exported = await services.plans.export({ kind: 'contacts', operations: [move] }, 'zh-TW');
    expect(exported.plan.steps.map((s) => s.command)).toEqual([`Move-ADObject -Identity '${contact.dn}' -TargetPath '${moveOu}'`]);
    expect(parseScript(file(exported, '.ps1'))).toEqual({ errors: [], commands: ['Move-ADObject'] });
    expect(exported.plan.facts).toContainEqual({ object: contact.dn, attribute: 'ou', value: umContacts });
    expect(exported.plan.facts).toContainEqual({ object: moveOu, attribute: 'exists', value: 'yes' });
    expect(file(exported, '.html')).toContain('移動 1 個訂戶存取或自動語音應答連絡人。');
    expect((await services.plans.apply(file(exported, '.json'))).steps).toEqual([{ target: contact.dn, outcome: 'done' }]);
    movedDn = `${contact.dn.split(',')[0]},${moveOu}`;
    expect(await admin.read(movedDn, ['1.1'])).toBeTruthy();
    expect(services.audit.list({ target: contact.dn })[0]).toMatchObject({ action: 'contact.move-ou', outcome: 'succeeded' });
  }, 120_000);

  it('exports an edit and a delete of a contact from the command line, found by its SIP address; an edit that changes nothing is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-plan-cli-'));
    const cli = (args: string[]) =>
      runCli(['--profile', 'lab', 'plan', 'export', 'contacts', ...args, '--sip', 'sip:it-plan-edit@contoso.test', '--out', dir, '--json']);
    const edited = cli(['edit', '--phone', '+81355559204']);
    expect(edited.status, edited.stderr).toBe(0);
    const editPlan = JSON.parse(readFileSync((edited.json() as { files: string[] }).files[0]!, 'utf8')) as PlanDocument;
    expect(editPlan.steps.map((s) => s.command)).toEqual([
      `Set-ADObject -Identity '${movedDn}' -Replace @{'telephoneNumber'='+81355559204'; 'msRTCSIP-Line'='tel:+81355559204'}`,
    ]);
    const deleted = cli(['delete']);
    expect(deleted.status, deleted.stderr).toBe(0);
    const deletePlan = JSON.parse(readFileSync((deleted.json() as { files: string[] }).files[0]!, 'utf8')) as PlanDocument;
    expect(deletePlan.steps.map((s) => s.command)).toEqual([`Remove-ADObject -Identity '${movedDn}'`]);
    expect((await services.plans.check(JSON.stringify(deletePlan))).state).toBe('matches');
    const nothing = cli(['edit']);
    expect(nothing.status).toBe(1);
    expect(nothing.json()).toMatchObject({ error: { code: 'INVALID_INPUT', message: 'Nothing to change: give --name, --new-sip, --phone or --pool.' } });
    expect(await admin.read(movedDn, ['1.1'])).toBeTruthy();
  }, 120_000);
});

describe('plan export from the command line', () => {
  const ou = `OU=it-plan-cli-${process.pid},OU=Lab,DC=contoso,DC=test`;
  beforeAll(async () => {
    await admin.add(ou, { objectClass: 'organizationalUnit' });
  });
  afterAll(async () => {
    if (await admin.read(ou, ['1.1'])) await admin.delete(ou);
  });
  const exportPlan = (args: string[]): { plan: PlanDocument; files: string[] } => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-plan-cli-'));
    const result = runCli([...args, '--out', dir, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const { files } = result.json() as { files: string[] };
    return { plan: JSON.parse(readFileSync(files[0]!, 'utf8')) as PlanDocument, files };
  };

  it('exports a bulk plan of any operation from a CSV file, and applies it', async () => {
    const [a] = freshUsers(430, 1);
    const sam = `u${String(a).padStart(5, '0')}`;
    const enabled = await services.powershell.run(profile, 'exchange', 'Enable-UMMailbox', { Identity: `${sam}@contoso.test`, UMMailboxPolicy: redmond });
    expect(enabled.ok).toBe(true);
    const csvFile = join(mkdtempSync(join(tmpdir(), 'umc-plan-csv-')), 'disable.csv');
    writeFileSync(csvFile, `Identity\r\n${sam}@contoso.test\r\n`);
    const { plan, files } = exportPlan(['--profile', profile, 'plan', 'export', 'bulk', '--operation', 'disable', '--file', csvFile]);
    expect(plan.intent).toMatchObject({ kind: 'enablement', operation: 'disable' });
    expect(plan.steps.map((s) => s.command)).toEqual([`Disable-UMMailbox -Identity 'CN=${sam},${users}' -Confirm:$false`]);
    expect(parseScript(readFileSync(files[1]!, 'utf8')).errors).toEqual([]);
    const applied = runCli(['plan', 'apply', '--file', files[0]!, '--json']);
    expect(applied.status, applied.stderr).toBe(0);
    expect(await umEnabled(sam)).toBe(false);
    // A name that is not an operation is refused before anything is read.
    const bad = runCli(['--profile', profile, 'plan', 'export', 'bulk', '--operation', 'enable-all', '--file', csvFile, '--json']);
    expect(bad.status).toBe(1);
    expect(bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  }, 180_000);

  it('exports an OU permissions plan and a gateway setup plan with the options of `permissions` and `gateways`', async () => {
    const permissions = exportPlan(['--profile', 'lab', 'plan', 'export', 'permissions', 'grant', '--ou', ou, '--type', 'Contact,User']);
    expect(permissions.plan.intent).toEqual({ kind: 'permissions', action: 'grant', ou, types: ['Contact', 'User'], route: 'ldap' });
    expect(parseScript(readFileSync(permissions.files[1]!, 'utf8'))).toEqual({ errors: [], commands: ['Grant-CsOUPermission'] });
    expect((await services.plans.check(readFileSync(permissions.files[0]!, 'utf8'))).state).toBe('matches');

    const gateways = exportPlan(['--profile', profile, 'plan', 'export', 'gateways', '--language', 'zh-TW']);
    const plan = await services.gateways.plan({ profile });
    expect(gateways.plan.steps.map((s) => s.command)).toEqual(plan.items.flatMap((i) => i.commands));
    expect(readFileSync(gateways.files[2]!, 'utf8')).toContain('依 exchucutil.ps1 的做法建立 UM IP 閘道');
  }, 180_000);
});
