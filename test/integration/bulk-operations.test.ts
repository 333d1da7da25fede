import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkOperation, EnablementJob, ValidationResult } from '@shared/models/enablement';
import type { AppServices } from '../../electron/services/app-services';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { rowMessageText } from '@shared/enablement/row-message-text';
import { freshUsers } from '../lab/seed-accounts';
import { forests } from '../lab/lab-config';
import { dialPlanDn, phoneContext } from '../lab/seed-topology';
import { createTestServices, openLabSession } from './support/test-services';
import { resetLab } from './support/lab-control';
import { runCli, startCli } from './support/cli';

/**
 * The bulk operations after enable (disable, PIN reset, …) against the lab, on the pipeline of
 * bulk enablement: good rows, bad rows with Exchange's refusals, the journal's "before" of each
 * row, hostile values as data, and a CLI killed mid-job whose next run resumes exactly once.
 * Users u00340–u00379 only; each test puts its users back.
 */
const profile = 'lab-exchadmin';
const users = 'OU=Users,OU=Lab,DC=contoso,DC=test';
const redmond = 'Redmond Default Policy';
let services: AppServices;
let dataDir: string;
let admin: DirectorySession;

beforeAll(async () => {
  resetLab();
  ({ services, dataDir } = createTestServices());
  await services.connections.connect(profile);
  admin = await openLabSession('lab');
}, 120_000);
afterAll(async () => {
  await admin?.close();
  await services?.shutdown();
  resetLab();
}, 120_000);

const b64 = (text: string) => Buffer.from(text).toString('base64');
const csv = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
const sam = (i: number) => `u${String(i).padStart(5, '0')}`;
const upn = (i: number) => `${sam(i)}@contoso.test`;
/** Values that must travel as data: quotes, a subexpression, a comma, a newline. */
const hostile = `x"; $(Remove-Item C:\\) , 'y'\nz@contoso.test`;

async function umState(i: number): Promise<{ enabled: boolean; eum: string[]; policy?: string }> {
  const [entry] = await admin.search(users, {
    filter: `(sAMAccountName=${sam(i)})`,
    attributes: ['msExchUMEnabledFlags', 'proxyAddresses', 'msExchUMTemplateLink'],
  });
  return {
    enabled: ((entry?.getInt('msExchUMEnabledFlags') ?? 0) & 1) === 1,
    eum: entry?.getAll('proxyAddresses').filter((p) => /^eum:/i.test(p)) ?? [],
    policy: entry?.get('msExchUMTemplateLink'),
  };
}

/** Imports, validates for the operation and, unless only validation is wanted, runs the ready rows. */
async function bulk(operation: BulkOperation, rows: string[][], s: AppServices = services): Promise<{ validation: ValidationResult; job?: EnablementJob }> {
  const summary = await s.enablement.import({ fileName: `${operation}.csv`, content: b64(csv(rows)) });
  const validation = await s.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, operation, proposeExtensions: false });
  if (validation.counts.ready === 0) return { validation };
  const started = await s.enablement.start({ importId: summary.importId, dryRun: false, concurrency: 2 });
  return { validation, job: await s.enablement.wait(started.jobId) };
}

/** Enables these users on Redmond with extension = the user's number, SIP identifier = the UPN. */
async function enable(ids: number[]): Promise<void> {
  const { job } = await bulk('enable', [
    ['Identity', 'UMMailboxPolicy', 'Extensions', 'SIPResourceIdentifier'],
    ...ids.map((i) => [upn(i), redmond, String(i).padStart(5, '0'), upn(i)]),
  ]);
  expect(job?.counts.enabled).toBe(ids.length);
}

const outcomes = (job: EnablementJob | undefined) => job?.results.map((r) => [r.identity, r.outcome]);

describe('disable', () => {
  it('disables UM-enabled users, calls a user without UM already done, refuses unknown and hostile identities, and journals each row as it was', async () => {
    const [a, b, c, off] = freshUsers(340, 4);
    await enable([a!, b!, c!]);
    const { validation, job } = await bulk('disable', [
      ['Identity', 'Department'],
      [upn(a!), 'Ops'],
      [upn(b!), 'Ops'],
      [sam(c!), 'Sales'],
      [upn(off!), 'Ops'],
      ['nobody@contoso.test', 'Gone'],
      [hostile, 'Bad'],
    ]);
    expect(validation.operation).toBe('disable');
    expect(validation.rows.map((r) => [r.line, r.status])).toEqual([
      [2, 'ready'],
      [3, 'ready'],
      [4, 'ready'],
      [5, 'already-done'],
      [6, 'invalid'],
      [7, 'invalid'],
    ]);
    expect(validation.rows[4]!.messages.map((m) => m.code)).toEqual(['user-not-found']);
    expect(validation.rows[5]!.values.Identity).toBe(hostile);
    expect(job!.operation).toBe('disable');
    expect(job!.progress.state).toBe('completed');
    expect(outcomes(job)).toEqual([
      [upn(a!), 'changed'],
      [upn(b!), 'changed'],
      [sam(c!), 'changed'],
      [upn(off!), 'already-done'],
      ['nobody@contoso.test', 'invalid'],
      [hostile, 'invalid'],
    ]);
    for (const i of [a!, b!, c!]) expect((await umState(i)).enabled, sam(i)).toBe(false);
    // What a rollback needs: the row as validation read it, policy by name, never a PIN.
    const journal = readFileSync(join(dataDir, 'enablement-jobs', job!.jobId, 'journal.jsonl'), 'utf8');
    const ended = journal
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { t: string; line: number; before?: unknown })
      .filter((r) => r.t === 'end' && r.line === 2);
    expect(ended[0]!.before).toEqual({
      umEnabled: true,
      policy: redmond,
      extensions: [String(a!).padStart(5, '0')],
      sipResourceIdentifier: upn(a!),
      lineUri: `tel:+1425550${String(a!).padStart(5, '0')}`,
      enterpriseVoiceEnabled: true,
    });
    expect(JSON.parse(readFileSync(join(dataDir, 'enablement-jobs', job!.jobId, 'job.json'), 'utf8'))).toMatchObject({ operation: 'disable' });
    // The export names what was done and carries the file's other columns.
    const exported = services.enablement.export(job!.jobId, 'csv').content;
    expect(exported).toContain('Department');
    expect(exported).toContain('changed');
  }, 120_000);

  it('a dry run changes nothing: Disable-UMMailbox has no validate-only switch, so rows are judged by validation alone', async () => {
    const [a] = freshUsers(350, 1);
    await enable([a!]);
    const summary = await services.enablement.import({ fileName: 'dry.csv', content: b64(csv([['Identity'], [upn(a!)]])) });
    await services.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, operation: 'disable', proposeExtensions: false });
    const started = await services.enablement.start({ importId: summary.importId, dryRun: true, concurrency: 1 });
    const job = await services.enablement.wait(started.jobId);
    expect(outcomes(job)).toEqual([[upn(a!), 'validated']]);
    expect((await umState(a!)).enabled).toBe(true);
    await bulk('disable', [['Identity'], [upn(a!)]]);
    expect((await umState(a!)).enabled).toBe(false);
  }, 120_000);

  it("asks the account's Exchange session for the operation's own cmdlet: an account without Disable-UMMailbox is refused it by name", async () => {
    // u00003 is seeded UM-enabled; validation only, nothing runs.
    await services.connections.connect('lab-readonly');
    const summary = await services.enablement.import({ fileName: 'readonly-disable.csv', content: b64(csv([['Identity'], [upn(3)]])) });
    const validation = await services.enablement.validate({
      importId: summary.importId,
      profile: 'lab-readonly',
      mapping: summary.mapping,
      operation: 'disable',
      proposeExtensions: false,
    });
    expect(validation.counts).toMatchObject({ ready: 0, notPermitted: 1 });
    expect(validation.rows[0]!.messages.map((m) => [m.code, m.params.cmdlet])).toEqual([['rights-no-operation-cmdlet', 'Disable-UMMailbox']]);
    expect(rowMessageText(validation.rows[0]!.messages[0]!)).toBe(
      'lab-readonly may not do this for this user: its Exchange session has no Disable-UMMailbox. Exchange gives that cmdlet to the role groups Organization Management, UM Management; choose an account in one of them.',
    );
  }, 60_000);
});

/** The lab's PIN state of a mailbox (its own msExchUMPinChecksum format: hashes and flags, never the PIN). */
async function pinState(i: number): Promise<string> {
  const [entry] = await admin.search(users, { filter: `(sAMAccountName=${sam(i)})`, attributes: ['msExchUMPinChecksum'] });
  return entry?.getBuffer('msExchUMPinChecksum')?.toString('utf8') ?? '';
}

describe('pin', () => {
  it('resets PINs from the file or generated by Exchange, refuses bad PINs before the run and a remembered PIN at it, and never writes a PIN anywhere', async () => {
    const [a, b, c, d, e, off] = freshUsers(370, 6);
    await enable([a!, b!, c!, d!, e!]);
    const before = await Promise.all([a!, b!].map(pinState));
    const pin = '480913';
    const rows = [
      ['Identity', 'PIN', 'PINExpired', 'NotifyEmail'],
      [upn(a!), pin, 'FALSE', ''],
      [upn(b!), '', '', `helpdesk@contoso.test`],
      [upn(c!), '123456', '', ''],
      [upn(d!), '12', '', ''],
      [upn(off!), '', '', ''],
      [upn(e!), '', 'maybe', hostile],
    ];
    const { validation, job } = await bulk('pin', rows);
    expect(validation.rows.map((r) => [r.line, r.status, r.messages.map((m) => m.code)])).toEqual([
      [2, 'ready', []],
      [3, 'ready', []],
      [4, 'invalid', ['pin-sequential']],
      [5, 'invalid', ['pin-invalid']],
      [6, 'invalid', ['pin-not-enabled']],
      [7, 'invalid', ['pin-expired-invalid', 'notify-email-invalid']],
    ]);
    // The grid shows a PIN only by its length.
    expect(validation.rows[0]!.values.PIN).toBe('••••••');
    expect(outcomes(job)).toEqual([
      [upn(a!), 'changed'],
      [upn(b!), 'changed'],
      [upn(c!), 'invalid'],
      [upn(d!), 'invalid'],
      [upn(off!), 'invalid'],
      [upn(e!), 'invalid'],
    ]);
    const after = await Promise.all([a!, b!].map(pinState));
    expect(after[0]).not.toBe(before[0]);
    expect(after[0]).toContain('expired=false');
    expect(after[1]).not.toBe(before[1]);
    expect(after[1]).toContain('expired=true');

    // The same PIN again: the policy remembers it, which only Exchange knows: refused at run time, with its words.
    const again = await bulk('pin', [
      ['Identity', 'PIN'],
      [upn(a!), pin],
    ]);
    expect(again.validation.counts.ready).toBe(1);
    expect(outcomes(again.job)).toEqual([[upn(a!), 'failed']]);
    expect(again.job!.results[0]!.messages.join(' ')).not.toContain(pin);

    // Never on disk: not in the journals, the job definitions, the audit log or the exports.
    const exported = [services.enablement.export(job!.jobId, 'csv').content, services.enablement.export(job!.jobId, 'json').content];
    for (const text of [...exported, ...filesUnder(dataDir).map((f) => readFileSync(f, 'utf8'))]) expect(text).not.toContain(pin);
    await bulk('disable', [['Identity'], ...[a!, b!, c!, d!, e!].map((i) => [upn(i)])]);
  }, 180_000);
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('change', () => {
  const salesPolicy = `CN=Redmond Sales Policy,CN=UM Mailbox Policies,${dialPlanDn('Redmond', forests.contoso).split(',').slice(2).join(',')}`;
  const context = phoneContext('Redmond', forests.contoso);
  const ext = (i: number) => String(i).padStart(5, '0');

  it("changes policies within the dial plan and extensions as EUM addresses, refuses another plan's policy and taken or malformed extensions, and reports Exchange's refusal at run time", async () => {
    // A second policy on Redmond: the lab seeds one per dial plan.
    await admin.add(salesPolicy, {
      objectClass: 'msExchUMRecipientTemplate',
      msExchUMMailboxPolicyDialPlanLink: dialPlanDn('Redmond', forests.contoso),
      msExchUMPinPolicyMinPasswordLength: '6',
      msExchUMPinPolicyDisallowCommonPatterns: '0',
    });
    const [a, b, c, d, e, f, off] = freshUsers(340, 7);
    await enable([a!, b!, c!, d!, e!, f!]);
    const summary = await services.enablement.import({
      fileName: 'change.csv',
      content: b64(
        csv([
          ['Identity', 'UMMailboxPolicy', 'Extensions'],
          [upn(a!), 'Redmond Sales Policy', ''],
          [upn(b!), '', `7${ext(b!).slice(1)}`],
          [upn(c!), 'Tokyo Default Policy', ''],
          [upn(d!), '', ext(a!)],
          [upn(e!), '', '123'],
          [upn(off!), 'Redmond Sales Policy', ''],
          [upn(f!), redmond, `8${ext(f!).slice(1)}`],
        ]),
      ),
    });
    const validation = await services.enablement.validate({
      importId: summary.importId,
      profile,
      mapping: summary.mapping,
      operation: 'change',
      proposeExtensions: false,
    });
    expect(validation.rows.map((r) => [r.line, r.status, r.messages.filter((m) => m.severity === 'error').map((m) => m.code)])).toEqual([
      [2, 'ready', []],
      [3, 'ready', []],
      [4, 'invalid', ['change-other-dial-plan']],
      [5, 'invalid', ['extension-taken']],
      [6, 'invalid', ['extension-invalid']],
      [7, 'invalid', ['change-not-enabled']],
      [8, 'ready', []],
    ]);
    // Someone takes row 8's new extension between validation and the run: Exchange refuses it then.
    const taken = `eum:8${ext(f!).slice(1)};phone-context=${context}`;
    await admin.modify(`CN=${sam(off!)},${users}`, [{ operation: 'add', attribute: 'proxyAddresses', values: taken }]);
    try {
      const started = await services.enablement.start({ importId: summary.importId, dryRun: false, concurrency: 2 });
      const job = await services.enablement.wait(started.jobId);
      expect(outcomes(job)).toEqual([
        [upn(a!), 'changed'],
        [upn(b!), 'changed'],
        [upn(c!), 'invalid'],
        [upn(d!), 'invalid'],
        [upn(e!), 'invalid'],
        [upn(off!), 'invalid'],
        [upn(f!), 'failed'],
      ]);
      expect(job.results[6]!.messages.join(' ')).toMatch(/8\d{4}/);
      expect((await umState(a!)).policy).toBe(salesPolicy);
      expect((await umState(b!)).eum.map((p) => p.toLowerCase()).sort()).toEqual(
        [`eum:7${ext(b!).slice(1)};phone-context=${context}`, `eum:${upn(b!)};phone-context=${context}`].map((p) => p.toLowerCase()).sort(),
      );
      expect((await umState(f!)).eum).toContain(`eum:${ext(f!)};phone-context=${context}`);
      expect(job.results[1]!.before).toMatchObject({ policy: redmond, extensions: [ext(b!)] });
    } finally {
      await admin.modify(`CN=${sam(off!)},${users}`, [{ operation: 'delete', attribute: 'proxyAddresses', values: taken }]);
      await bulk('disable', [['Identity'], ...[a!, b!, c!, d!, e!, f!].map((i) => [upn(i)])]);
      await admin.delete(salesPolicy);
    }
  }, 180_000);
});

describe('voice', () => {
  it("enables Enterprise Voice with a line URI through the Lync shell, refuses non-Lync users and malformed URIs, reports Lync's refusal of a taken number, and proposes the extension", async () => {
    const [a, b, c, d, e, f, g] = [355, 356, 348, 357, 365, 366, 367];
    const line = async (i: number) => {
      const [entry] = await admin.search(users, { filter: `(sAMAccountName=${sam(i)})`, attributes: ['msRTCSIP-Line', 'msRTCSIP-OptionFlags'] });
      return { line: entry?.get('msRTCSIP-Line'), flags: entry?.get('msRTCSIP-OptionFlags') };
    };
    const seeded = await line(a!);
    const { validation, job } = await bulk('voice', [
      ['Identity', 'LineURI', 'Department'],
      [upn(a!), `tel:+14255551355;ext=51355`, 'Ops'],
      [upn(b!), 'tel:+142555000356', 'Ops'],
      [upn(c!), 'tel:+14255551348', 'Ops'],
      [upn(d!), 'tel:4255551357', 'Ops'],
      [upn(e!), `tel:+1425550${String(f).padStart(5, '0')}`, 'Ops'],
      [upn(g!), hostile, 'Bad'],
    ]);
    try {
      expect(validation.rows.map((r) => [r.line, r.status, r.messages.map((m) => m.code)])).toEqual([
        [2, 'ready', []],
        [3, 'already-done', ['voice-already']],
        [4, 'invalid', ['voice-not-lync-enabled']],
        [5, 'invalid', ['line-uri-invalid']],
        [6, 'ready', []],
        [7, 'invalid', ['line-uri-invalid']],
      ]);
      expect(outcomes(job)).toEqual([
        [upn(a!), 'changed'],
        [upn(b!), 'already-done'],
        [upn(c!), 'invalid'],
        [upn(d!), 'invalid'],
        [upn(e!), 'failed'],
        [upn(g!), 'invalid'],
      ]);
      expect(job!.results[4]!.messages.join(' ')).toContain(`tel:+1425550${String(f).padStart(5, '0')}`);
      expect(await line(a!)).toEqual({ line: 'tel:+14255551355;ext=51355', flags: seeded.flags });
      expect(job!.results[0]!.before).toMatchObject({ lineUri: seeded.line, enterpriseVoiceEnabled: true });
      // The export proposes the extension a following UM enablement takes from the line URI.
      const exported = services.enablement.export(job!.jobId, 'csv').content;
      expect(exported.split('\r\n')[0]).toContain('Extensions (proposed for UM)');
      expect(exported).toContain(`${upn(a!)},tel:+14255551355;ext=51355,Ops,51355,`);
      expect(JSON.parse(services.enablement.export(job!.jobId, 'json').content)[0]).toMatchObject({ proposedExtension: '51355' });
    } finally {
      await admin.modify(`CN=${sam(a!)},${users}`, [{ operation: 'replace', attribute: 'msRTCSIP-Line', values: seeded.line! }]);
    }
  }, 120_000);
});

describe('move', () => {
  const ctx = (plan: string) => phoneContext(plan, forests.contoso);
  const policyOf = (plan: string) => `${plan} Default Policy`;

  it('moves mailboxes to another dial plan by disabling and enabling them, keeping the extension where the digits allow, and refuses what Exchange would', async () => {
    const [a, b, c, d, e] = freshUsers(360, 5);
    await enable([a!, b!, c!, e!]);
    const { validation, job } = await bulk('move', [
      ['Identity', 'UMMailboxPolicy', 'Extensions'],
      [upn(a!), policyOf('Hsinchu'), ''],
      [upn(b!), policyOf('Tokyo'), ''],
      [upn(c!), redmond, ''],
      [upn(d!), policyOf('Hsinchu'), ''],
      [upn(e!), policyOf('Legacy'), '12'],
    ]);
    try {
      expect(validation.rows.map((r) => [r.line, r.status, r.messages.filter((m) => m.severity === 'error').map((m) => m.code)])).toEqual([
        [2, 'ready', []],
        [3, 'ready', []],
        [4, 'already-done', []],
        [5, 'invalid', ['move-not-enabled']],
        [6, 'invalid', ['extension-invalid']],
      ]);
      expect(outcomes(job)).toEqual([
        [upn(a!), 'changed'],
        [upn(b!), 'changed'],
        [upn(c!), 'already-done'],
        [upn(d!), 'invalid'],
        [upn(e!), 'invalid'],
      ]);
      // Hsinchu has 5 digits too: the extension moves along; its E.164 URI type takes no SIP address, and needs no identifier.
      const moved = await umState(a!);
      expect(moved.enabled).toBe(true);
      expect(moved.eum.map((p) => p.toLowerCase())).toEqual([`eum:${String(a).padStart(5, '0')};phone-context=${ctx('Hsinchu')}`.toLowerCase()]);
      expect(moved.policy).toMatch(/^CN=Hsinchu Default Policy,/);
      // Tokyo has 4 digits: Exchange takes the last 4 of the telephone number; a SIP URI plan as before, so the identifier stays.
      expect((await umState(b!)).eum.map((p) => p.toLowerCase()).sort()).toEqual(
        [`eum:${String(b).padStart(4, '0').slice(-4)};phone-context=${ctx('Tokyo')}`, `eum:${upn(b!)};phone-context=${ctx('Tokyo')}`]
          .map((p) => p.toLowerCase())
          .sort(),
      );
      expect(job!.results[0]!.before).toMatchObject({ umEnabled: true, policy: redmond, extensions: [String(a).padStart(5, '0')] });
    } finally {
      await bulk('disable', [['Identity'], ...[a!, b!, c!, e!].map((i) => [upn(i)])]);
    }
  }, 180_000);

  it('pwsh is killed between the disable and the enable of a row: the re-check finds it disabled and runs only the enable, once', async () => {
    const ids = freshUsers(370, 3);
    await enable(ids);
    const { services: s, dataDir: dir } = createTestServices({ ...process.env, UMLAB_DELAY: 'Enable-UMMailbox=2500' });
    try {
      await s.connections.connect(profile);
      const summary = await s.enablement.import({
        fileName: 'move.csv',
        content: b64(csv([['Identity', 'UMMailboxPolicy'], ...ids.map((i) => [upn(i), policyOf('Tokyo')])])),
      });
      await s.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, operation: 'move', proposeExtensions: false });
      const started = await s.enablement.start({ importId: summary.importId, dryRun: false, concurrency: 1 });
      // The first row's disable is done and its enable is under way: kill the shell.
      for (const t = Date.now(); (await umState(ids[0]!)).enabled;) {
        if (Date.now() - t > 60_000) throw new Error('the first row was never disabled');
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const pool of s.powershell.status()) for (const session of pool.sessions) if (session.pid) process.kill(session.pid, 'SIGKILL');
      const job = await s.enablement.wait(started.jobId);
      expect(job.results.map((r) => r.outcome)).toEqual(['changed', 'changed', 'changed']);
      expect(job.results[0]!.attempts).toBeGreaterThan(1);
      const ends = readFileSync(join(dir, 'enablement-jobs', started.jobId, 'journal.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"t":"end"'));
      expect(ends).toHaveLength(ids.length);
      for (const i of ids) {
        const state = await umState(i);
        expect(state.enabled, sam(i)).toBe(true);
        expect(state.eum, sam(i)).toHaveLength(2); // not enabled twice
        expect(state.policy).toMatch(/^CN=Tokyo Default Policy,/);
      }
    } finally {
      await s.shutdown();
      await bulk('disable', [['Identity'], ...ids.map((i) => [upn(i)])]);
    }
  }, 180_000);
});

describe('CLI bulk --operation', () => {
  it('refuses an unknown operation and a file without the columns the operation needs, naming them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-bulk-cli-'));
    const file = join(dir, 'x.csv');
    writeFileSync(
      file,
      csv([
        ['Name', 'Department'],
        ['Someone', 'Ops'],
      ]),
    );
    const env = { UMC_DATA_DIR: join(dir, 'data'), UMC_PASSWORD: 'Lab-Passw0rd!' };
    const unknown = runCli(['bulk', '--operation', 'explode', '--csv', file, '--profile', profile, '--json'], env);
    expect(unknown.status).toBe(1);
    expect((unknown.json() as { error: { message: string } }).error.message).toBe('--operation must be one of enable, voice, change, pin, disable, move.');
    const unmapped = runCli(['bulk', '--operation', 'disable', '--csv', file, '--profile', profile, '--json'], env);
    expect(unmapped.status).toBe(1);
    expect((unmapped.json() as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('Identity'),
    });
  });

  it('is killed mid-job; the next run of the same file resumes it and every row is disabled exactly once', async () => {
    const ids = freshUsers(360, 8);
    await enable(ids);
    const dir = mkdtempSync(join(tmpdir(), 'umc-bulk-crash-'));
    const file = join(dir, 'disable.csv');
    writeFileSync(file, csv([['Identity'], ...ids.map((i) => [upn(i)])]));
    const env = { UMC_DATA_DIR: join(dir, 'data'), UMC_PASSWORD: 'Lab-Passw0rd!', UMLAB_DELAY: 'Disable-UMMailbox=400' };
    const child = startCli(['bulk', '--operation', 'disable', '--csv', file, '--profile', profile, '--json'], env);
    const journal = () => {
      const root = join(dir, 'data', 'enablement-jobs');
      const [jobId] = existsSync(root) ? readdirSync(root) : [];
      const path = jobId && join(root, jobId, 'journal.jsonl');
      return path && existsSync(path) ? readFileSync(path, 'utf8') : '';
    };
    const ends = () =>
      journal()
        .split('\n')
        .filter((l) => l.includes('"t":"end"')).length;
    for (const started = Date.now(); ends() < 3;) {
      if (Date.now() - started > 60_000) throw new Error('the job did not get going');
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(ends()).toBeLessThan(ids.length);
    const second = runCli(['bulk', '--operation', 'disable', '--csv', file, '--profile', profile, '--json'], env);
    expect(second.status, second.stderr).toBe(0);
    const output = second.json() as { operation: string; rows: Array<{ outcome: string }> };
    expect(output.operation).toBe('disable');
    expect(output.rows).toHaveLength(ids.length);
    expect(output.rows.filter((r) => r.outcome !== 'changed')).toEqual([]);
    // One end record per row across both runs: none was run twice.
    const lines = journal()
      .split('\n')
      .filter((l) => l.includes('"t":"end"'))
      .map((l) => (JSON.parse(l) as { line: number }).line);
    expect(lines.length).toBe(ids.length);
    expect(new Set(lines).size).toBe(ids.length);
    for (const i of ids) expect((await umState(i)).enabled, sam(i)).toBe(false);
  }, 180_000);
});
