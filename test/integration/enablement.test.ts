import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportSummary, RowResult, ValidatedRow, ValidationResult, ValidationStatus } from '@shared/models/enablement';
import type { AppServices } from '../../electron/services/app-services';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { hostileCsv } from '../fixtures/csv/large-files';
import { JobJournal } from '../../electron/services/enablement/job/job-journal';
import { requireLab, createTestServices, openLabSession } from './support/test-services';
import { bounceDc, resetLab } from './support/lab-control';
import { runCli, startCli } from './support/cli';
import { rowMessageText } from '../../shared/enablement/row-message-text';

/**
 * Bulk enablement against the lab: every validation rule, encodings and delimiters, hostile
 * values, runs with journal and audit, and the faults — a DC that goes away mid-run, a pwsh that
 * is killed, a CLI that crashes — each ending with every row enabled exactly once in the directory.
 */
const profile = 'lab-exchadmin';
const users = 'OU=Users,OU=Lab,DC=contoso,DC=test';
const redmond = 'Redmond Default Policy';
let services: AppServices;
let servicesDir: string;
let admin: DirectorySession;

beforeAll(async () => {
  resetLab();
  ({ services, dataDir: servicesDir } = createTestServices());
  await services.connections.connect(profile);
  admin = await openLabSession('lab');
}, 120_000);
afterAll(async () => {
  await admin?.close();
  await services?.shutdown();
  resetLab();
}, 120_000);

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const csv = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
const header = ['Identity', 'UMMailboxPolicy', 'Extensions', 'SIPResourceIdentifier', 'PIN', 'Department'];

async function importAndValidate(
  content: string | Buffer,
  options: { propose?: boolean; s?: AppServices; encoding?: 'big5'; fileName?: string } = {},
): Promise<{ summary: ImportSummary; validation: ValidationResult; row: (line: number) => ValidatedRow }> {
  const s = options.s ?? services;
  const summary = await s.enablement.import({
    fileName: options.fileName ?? 'users.csv',
    content: b64(content),
    ...(options.encoding ? { encoding: options.encoding } : {}),
  });
  const validation = await s.enablement.validate({
    importId: summary.importId,
    profile,
    mapping: summary.mapping,
    proposeExtensions: options.propose ?? false,
  });
  return { summary, validation, row: (line) => validation.rows.find((r) => r.line === line)! };
}

const codes = (row: ValidatedRow) => row.messages.map((m) => m.code);

/** What the directory says about a user's UM state. */
async function umState(sam: string): Promise<{ enabled: boolean; eum: string[]; policy?: string }> {
  const [entry] = await admin.search(users, {
    filter: `(sAMAccountName=${sam})`,
    attributes: ['msExchUMEnabledFlags', 'proxyAddresses', 'msExchUMTemplateLink'],
  });
  return {
    enabled: ((entry?.getInt('msExchUMEnabledFlags') ?? 0) & 1) === 1,
    eum: entry?.getAll('proxyAddresses').filter((p) => /^eum:/i.test(p)) ?? [],
    policy: entry?.get('msExchUMTemplateLink'),
  };
}

/** Lab users (of the default 500) that the seed left without UM: last two digits 10-49, last digit below 8, not the no-SIP ones. */
function freshUsers(from: number, count: number): number[] {
  const out: number[] = [];
  for (let i = from; out.length < count; i++) {
    const lastTwo = i % 100;
    if (i % 10 < 8 && lastTwo >= 10 && i % 50 !== 27) out.push(i);
  }
  return out;
}
const sam = (i: number) => `u${String(i).padStart(5, '0')}`;
const redmondRow = (i: number, extra: string[] = ['']) => [
  `${sam(i)}@contoso.test`,
  redmond,
  String(i).padStart(5, '0').slice(-5),
  `${sam(i)}@contoso.test`,
  '',
  ...extra,
];

describe('validation rules (domain.md §3), one row each', () => {
  let result: Awaited<ReturnType<typeof importAndValidate>>;
  beforeAll(async () => {
    // A mailbox user with no telephone number; a second "User 00010" display name; a second mailbox named u00019 elsewhere.
    await admin.add(`CN=nophone,${users}`, {
      objectClass: 'user',
      sAMAccountName: 'nophone',
      userPrincipalName: 'nophone@contoso.test',
      msExchMailboxGuid: Buffer.alloc(16, 7),
      msExchUMEnabledFlags: '830',
      userAccountControl: '514',
    });
    await admin.add(`CN=twin,${users}`, { objectClass: 'user', sAMAccountName: 'twin', displayName: 'User 00010', userAccountControl: '514' });
    await admin.add(`CN=u00019,OU=Delegated,OU=Lab,DC=contoso,DC=test`, {
      objectClass: 'user',
      sAMAccountName: 'u00019b',
      msExchMailboxGuid: Buffer.alloc(16, 9),
      msExchUMEnabledFlags: '830',
      userAccountControl: '514',
    });
    result = await importAndValidate(
      csv([
        header,
        ['u00010@contoso.test', redmond, '00010', 'sip:u00010@contoso.test', '135790', 'ok'], // 2 ready
        ['nobody@contoso.test', redmond, '11111', '', '', ''], // 3 user-not-found
        ['User 00010', redmond, '22222', '', '', ''], // 4 a display name only: -Identity does not take one [S14]
        ['nomailbox1@contoso.test', redmond, '33333', '', '', ''], // 5 no-mailbox
        ['u00011@contoso.test', 'Nowhere Policy', '44444', '', '', ''], // 6 policy-not-found
        ['u00001@contoso.test', redmond, '00001', 'u00001@contoso.test', '', ''], // 7 already done
        ['u00002@contoso.test', 'Tokyo Default Policy', '0002', 'u00002@contoso.test', '', ''], // 8 already enabled, different
        ['u00013@contoso.test', redmond, '123', 'u00013@contoso.test', '', ''], // 9 extension-invalid
        ['u00014@contoso.test', redmond, '00003', 'u00014@contoso.test', '', ''], // 10 extension-taken (u00003)
        ['u00015@contoso.test', redmond, '50123', 'u00015@contoso.test', '', ''], // 11 RedmondAA's pilot's last digits: Exchange accepts, a warning says so
        ['u00016@contoso.test', redmond, '00016', '', '', ''], // 12 no SRI on a SIP URI plan: Exchange takes the sip: proxy
        ['u00017@contoso.test', redmond, '00017', 'u00018@contoso.test', '', ''], // 13 sri-mismatch (Exchange's), and not the Lync address
        ['u00027@contoso.test', redmond, '00027', 'u00027@contoso.test', '', ''], // 14 no sip: proxy: Exchange accepts the SRI given
        ['u00020@contoso.test', 'Legacy Default Policy', '0020', 'u00020@contoso.test', '', ''], // 15 sri-not-allowed
        ['u00021@contoso.test', 'Taipei Default Policy', '00021', '', '', ''], // 16 sri-required-e164
        ['u00022@contoso.test', 'Taipei Default Policy', '00022', '12345', '', ''], // 17 sri-not-e164
        ['u00023@contoso.test', redmond, '00023', 'u00023@contoso.test', '12ab', ''], // 18 pin-invalid
        ['u00024@contoso.test', 'Legacy Default Policy', '0024', '', '', ''], // 19 ready (TelExtn)
        ['nophone@contoso.test', 'Legacy Default Policy', '', '', '', ''], // 20 extension-required
        ['u00025@contoso.test', 'Legacy Default Policy', '', '', '', ''], // 21 extension from telephoneNumber
        ['u00030@contoso.test', redmond, '00050', 'u00030@contoso.test', '', ''], // 22 duplicate-in-file with 23
        ['u00031@contoso.test', redmond, '00050', 'u00031@contoso.test', '', ''], // 23
        ['u00032@contoso.test', 'Legacy Default Policy', '0032', '', '', ''], // 24 duplicate-user with 25
        ['u00032@contoso.test', 'Legacy Default Policy', '0033', '', '', ''], // 25
        ['CONTOSO\\u00034', 'Legacy Default Policy', '0034', '', '', ''], // 26 DOMAIN\user resolves
        ['u00019', redmond, '00019', 'u00019@contoso.test', '', ''], // 27 two mailboxes named u00019: ambiguous
        ['user00053', 'Legacy Default Policy', '0053', '', '', ''], // 28 the alias (mailNickname) resolves
        ['u00018@contoso.test', redmond, '00018', '', '', ''], // 29 sri-required-sip: no SRI and no sip: proxy
        ['u00036@contoso.test', 'Hsinchu Default Policy', '00036', '', '', ''], // 30 E.164 plan that does not require an SRI
        ['u00037@contoso.test', 'Taipei Default Policy', '00037', '+886255550199', '', ''], // 31 sri-is-pilot (Taipei's PilotIdentifierList)
        ['u00038@contoso.test', 'Tokyo Default Policy', '0038', 'u00003@contoso.test', '', ''], // 32 sri-taken: u00003's EUM in Redmond's context
        ['u00039@contoso.test', 'Tokyo Default Policy', '0039', 'u00011@contoso.test', '', ''], // 33 sri-taken: u00011's sip: proxy
        ['u00040@contoso.test', redmond, '00040', 'u00040@contoso.test', '123456', ''], // 34 pin-sequential (Redmond: common patterns not allowed)
        ['u00041@contoso.test', 'Tokyo Default Policy', '0041', 'u00041@contoso.test', '1234', ''], // 35 Tokyo allows common patterns
        ['u00042@contoso.test', 'Legacy Default Policy', '0042', '', '0042', ''], // 36 pin-extension-suffix
        ['u00043@contoso.test', 'Tokyo Default Policy', '0043', 'u00043@contoso.test', '0043', ''], // 37 extension digits, but the SRI is the primary address
        ['u00044@contoso.test', redmond, '00044', 'SIP:u00044@contoso.test', '', ''], // 38 SIP: typed, sent without it
      ]),
    );
  });

  it.each([
    [2, 'ready', []],
    [3, 'invalid', ['user-not-found']],
    [4, 'invalid', ['identity-display-name-only']],
    [5, 'invalid', ['no-mailbox']],
    [6, 'invalid', ['policy-not-found']],
    [7, 'already-done', ['already-enabled-same']],
    [8, 'invalid', ['already-enabled-different']],
    [9, 'invalid', ['extension-invalid']],
    [10, 'invalid', ['extension-taken']],
    [11, 'ready', ['extension-matches-pilot-digits']],
    [12, 'ready', ['sri-from-sip-proxy']],
    [13, 'invalid', ['sri-mismatch', 'sri-not-lync-address']],
    [14, 'ready', ['no-sip-proxy']],
    [15, 'invalid', ['sri-not-allowed']],
    [16, 'invalid', ['sri-required-e164']],
    [17, 'invalid', ['sri-not-e164']],
    [18, 'invalid', ['pin-invalid']],
    [19, 'ready', []],
    [20, 'invalid', ['extension-required']],
    [21, 'ready', ['extension-from-telephone']],
    [22, 'invalid', ['duplicate-in-file']],
    [23, 'invalid', ['duplicate-in-file']],
    [24, 'invalid', ['duplicate-user']],
    [25, 'invalid', ['duplicate-user']],
    [26, 'ready', []],
    [27, 'invalid', ['user-ambiguous']],
    [28, 'ready', []],
    [29, 'invalid', ['sri-required-sip']],
    [30, 'ready', []],
    [31, 'invalid', ['sri-is-pilot']],
    [32, 'invalid', ['sri-taken', 'sri-no-lync-address']],
    [33, 'invalid', ['sri-taken', 'sri-no-lync-address']],
    [34, 'invalid', ['pin-sequential']],
    [35, 'ready', []],
    [36, 'invalid', ['pin-extension-suffix']],
    [37, 'ready', ['pin-numeric-extension-suffix']],
    [38, 'ready', []],
  ] as const)('line %i is %s %j', (line, status, expected) => {
    const row = result.row(line);
    expect(row.status, JSON.stringify(row.messages)).toBe(status);
    expect(codes(row)).toEqual(expected);
  });

  it('uses batched lookups: a handful of LDAP round trips for the whole file', () => {
    // Forest-wide since the lookups go through the global catalog [S11]: opening it (3), one
    // identity search (2), one read of candidates the GC shows without a mailbox from their domain
    // (2), one search for the holders of every extension and SIP address (2).
    // Then the acting account's rights (enable-rights.ts): who it is (3: its entry, its tokenGroups,
    // their names) and one search for what it may write on every user of the file (1). Opening the
    // GC is the validation's own cost now that it no longer reads the whole topology first (which
    // opened it): 16 measured.
    expect(result.validation.stats.ldapRoundTrips).toBeLessThanOrEqual(16);
    expect(result.validation.counts).toMatchObject({ total: 37, ready: 12, alreadyDone: 1 });
  });

  it('explains a display-name-only identity with the alias to use, and shows the values as they are sent', () => {
    expect(result.row(4).messages[0]!.params).toMatchObject({ identity: 'User 00010', count: '2', suggestion: 'user00010' });
    expect(result.row(4).messages[0]!.params.matches!.split('; ').sort()).toEqual(['twin', 'u00010']);
    expect(result.row(38).values.SIPResourceIdentifier).toBe('u00044@contoso.test');
    expect(result.row(12)).toMatchObject({ values: { SIPResourceIdentifier: '' }, sipResourceIdentifier: 'u00016@contoso.test' });
    expect(result.row(32).messages[0]!.params).toMatchObject({ sri: 'u00003@contoso.test', holder: 'u00003' });
    expect(result.validation.notices).toContainEqual(
      expect.objectContaining({ code: 'sip-uri-no-fax', params: expect.objectContaining({ dialPlans: 'Redmond, Tokyo' }) }),
    );
  });

  it('takes the extension Exchange would from telephoneNumber, and proposes one from the line URI when asked', async () => {
    expect(result.row(21).extensions).toEqual(['0025']);
    const proposed = await importAndValidate(csv([header, ['u00016@contoso.test', redmond, '', 'u00016@contoso.test', '', '']]), { propose: true });
    expect(proposed.row(2)).toMatchObject({ status: 'ready', extensions: ['00016'], values: { Extensions: '00016' }, edited: true });
    expect(codes(proposed.row(2))).toEqual(['extension-proposed-line-uri']);
  });

  it('re-checks edited rows, including the rows they clashed with', async () => {
    const edit = await services.enablement.edit({ importId: result.summary.importId, edits: [{ line: 23, field: 'Extensions', value: '00051' }] });
    expect(edit.rows.map((r) => [r.line, r.status])).toEqual([
      [22, 'ready'],
      [23, 'ready'],
    ]);
    const fixed = await services.enablement.edit({
      importId: result.summary.importId,
      edits: [
        { line: 3, field: 'Identity', value: 'u00035@contoso.test' },
        { line: 3, field: 'UMMailboxPolicy', value: 'Legacy Default Policy' },
        { line: 3, field: 'Extensions', value: '0035' },
      ],
    });
    expect(fixed.rows).toMatchObject([{ line: 3, status: 'ready', user: { dn: `CN=u00035,${users}` }, edited: true }]);
  });

  it('reports a row that cannot be read (wrong number of values) as invalid, never drops it', async () => {
    const { summary, validation, row } = await importAndValidate(
      'Identity,UMMailboxPolicy,Extensions\r\nu00036@contoso.test,Legacy Default Policy\r\nu00037@contoso.test,Legacy Default Policy,0037\r\n',
    );
    expect(summary.problems).toEqual([{ line: 2, message: expect.stringContaining('2 values but the header has 3') }]);
    expect(row(2)).toMatchObject({ status: 'invalid', messages: [{ code: 'row-unreadable' }] });
    expect(row(3).status).toBe('ready');
    expect(validation.counts.total).toBe(2);
  });

  it('never returns a PIN: the grid sees dots', () => {
    expect(result.row(2).values.PIN).toBe('••••••');
    expect(JSON.stringify(result.validation)).not.toContain('135790');
  });
});

describe('files as admins have them', () => {
  const rows = [header, ['u00040@contoso.test', 'Legacy Default Policy', '0040', '', '', '業務部 Müller']];

  it.each([
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv(rows))]), 'utf-8'],
    [
      'UTF-16 LE, tab-separated (Excel "Unicode text")',
      Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(rows.map((r) => r.join('\t')).join('\r\n'), 'utf16le')]),
      'utf-16le',
    ],
    ['UTF-16 BE', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(csv(rows), 'utf16be')]), 'utf-16be'],
    ['Big5 (Excel on zh-TW Windows)', iconv.encode(csv([header, ['u00040@contoso.test', 'Legacy Default Policy', '0040', '', '', '業務部']]), 'big5'), 'big5'],
    ['Windows-1252', iconv.encode(csv([header, ['u00040@contoso.test', 'Legacy Default Policy', '0040', '', '', 'Müller']]), 'windows-1252'), 'windows-1252'],
  ])('%s: detected, the user found, the extra column carried intact', async (_name, bytes, encoding) => {
    const { summary, row } = await importAndValidate(bytes);
    expect(summary.encoding).toBe(encoding);
    expect(row(2).status).toBe('ready');
    const department = summary.sample[0]![5]!;
    expect(department).toMatch(/^(業務部 Müller|業務部|Müller)$/);
  });

  it('semicolon-separated with quoted fields, newlines inside quotes, blank lines and header aliases', async () => {
    const text =
      'UserPrincipalName;Policy;Extension;SipAddress;Notes\r\n\r\n"u00041@contoso.test";"Legacy Default Policy";0041;;"two\r\nlines; and ""quotes"""\r\n\r\n';
    const { summary, row } = await importAndValidate(text);
    expect(summary.delimiter).toBe(';');
    expect(summary.mapping).toMatchObject({ Identity: 0, UMMailboxPolicy: 1, Extensions: 2, SIPResourceIdentifier: 3 });
    expect(summary.rowCount).toBe(1);
    expect(row(3).status).toBe('ready');
    expect(summary.sample[0]![4]).toBe('two\r\nlines; and "quotes"');
  });

  it('Big5 round trip: a file Excel saved on zh-TW Windows comes back as UTF-8 with a BOM, which Excel opens, with every character intact', async () => {
    // "CSV (逗號分隔)" on zh-TW Windows is written in the ANSI code page, 950 (Big5). The export is
    // UTF-8 with a byte order mark: Excel reads a BOM-marked file as UTF-8 whatever the code page.
    const notes = ['業務部（台北）', '陳 "大文", 分機', '林美玲\r\n第二行'];
    const original = csv([header, ...notes.map((n, i) => [`u0005${i}@contoso.test`, 'Legacy Default Policy', `005${i}`, '', '', n])]);
    const { summary, validation } = await importAndValidate(iconv.encode(original, 'big5'));
    expect(summary.encoding).toBe('big5');
    const job = await services.enablement.start({ importId: validation.importId, dryRun: true, concurrency: 1 });
    await services.enablement.wait(job.jobId);
    const exported = Buffer.from(services.enablement.export(job.jobId, 'csv').content, 'utf8');
    expect([...exported.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // Opened again (as Excel would, or re-imported), the columns hold what the Big5 file held.
    const again = await services.enablement.import({ fileName: 'results.csv', content: exported.toString('base64') });
    expect(again).toMatchObject({ encoding: 'utf-8', encodingDetection: 'bom' });
    expect(again.sample.map((r) => r[5])).toEqual(notes);
    // And the same text in Big5 again is byte-identical to what came in: nothing was lost on the way.
    expect(iconv.encode(again.sample.map((r) => r[5]).join('|'), 'big5').equals(iconv.encode(notes.join('|'), 'big5'))).toBe(true);
  });

  it('lets the admin override a wrongly guessed encoding', async () => {
    const bytes = iconv.encode(csv([header, ['u00040@contoso.test', 'Legacy Default Policy', '0040', '', '', '測試']]), 'big5');
    const summary = await services.enablement.import({ fileName: 'x.csv', content: b64(bytes), encoding: 'big5' });
    expect(summary).toMatchObject({ encoding: 'big5', encodingDetection: 'forced' });
    expect(summary.sample[0]![5]).toBe('測試');
  });

  it.each([
    ['a PNG image', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')],
    ['an Excel workbook (zip)', Buffer.concat([Buffer.from('504b030414000600', 'hex'), Buffer.alloc(64, 1)])],
    ['an empty file', Buffer.alloc(0)],
    ['a header with no rows', Buffer.from('Identity,UMMailboxPolicy\r\n')],
    ['a single unknown column', Buffer.from('hello world\r\nfoo\r\n')],
    ['an unterminated quote', Buffer.from('Identity,UMMailboxPolicy\r\n"u00040@contoso.test,Legacy Default Policy\r\n')],
  ])('refuses %s with a clear error and runs nothing', async (_name, bytes) => {
    const calls = callCount();
    let error: { code?: string; message?: string } = {};
    try {
      await services.enablement.import({ fileName: 'bad.csv', content: b64(bytes) });
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe('CSV_INVALID');
    expect(error.message).toMatch(/^bad\.csv: .{20,}/);
    expect(callCount()).toBe(calls);
  });
});

/** How many cmdlet calls the lab module has logged so far. */
function callCount(): number {
  const log = requireLab().callLog!;
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
}
function callsSince(count: number): Array<{ cmdlet: string; parameters: Record<string, unknown> }> {
  return readFileSync(requireLab().callLog!, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(count)
    .map((l) => JSON.parse(l));
}

describe('hostile values', () => {
  it('keeps $(), quotes, semicolons, newlines, formula prefixes and very long values as data', async () => {
    const long = 'x'.repeat(5000);
    const hostile = ['$(New-Item /tmp/umc-pwned)', '"; Remove-Item -Recurse / #', 'a;b', 'line\nbreak', '=HYPERLINK("http://evil")', '@SUM(1)', long];
    const before = callCount();
    const { validation } = await importAndValidate(
      csv([
        header,
        ...hostile.map((h) => [h, redmond, '00060', '', '', h]),
        ['u00042@contoso.test', 'Legacy Default Policy', '0042', '', '', '=cmd|" /C calc"!A0'],
      ]),
    );
    expect(validation.rows.slice(0, hostile.length).every((r) => r.status === 'invalid' && codes(r)[0] === 'user-not-found')).toBe(true);
    const job = await services.enablement.start({ importId: validation.importId, dryRun: false, concurrency: 2 });
    const done = await services.enablement.wait(job.jobId);
    expect(done.results.filter((r) => r.outcome === 'enabled').map((r) => r.identity)).toEqual(['u00042@contoso.test']);
    // Only the valid row reached Exchange, and nothing was executed.
    expect(
      callsSince(before)
        .filter((c) => c.cmdlet === 'Enable-UMMailbox')
        .map((c) => c.parameters.Identity),
    ).toEqual([`CN=u00042,${users}`]);
    expect(existsSync('/tmp/umc-pwned')).toBe(false);
    const exported = services.enablement.export(job.jobId, 'csv').content;
    expect(exported).toContain(`'=HYPERLINK(""http://evil"")`);
    expect(exported).toContain(`'@SUM(1)`);
    expect(exported).toContain(`'=cmd|"" /C calc""!A0`);
    expect(exported).not.toMatch(/(^|,)=/m);
  });
});

/** Enable-UMMailbox called directly, as the lab's stand-in for Exchange answers it. */
async function labEnable(parameters: Record<string, unknown>): Promise<{ ok: boolean; id?: string; message?: string }> {
  const result = await services.powershell.run(profile, 'exchange', 'Enable-UMMailbox', { UMMailboxPolicy: redmond, ValidateOnly: true, ...parameters });
  const first = result.errors[0];
  return { ok: result.ok, ...(first ? { id: first.fullyQualifiedErrorId?.split(',')[0], message: first.message } : {}) };
}

async function runJob(validation: ValidationResult): Promise<RowResult[]> {
  const job = await services.enablement.start({ importId: validation.importId, dryRun: false, concurrency: 2 });
  return (await services.enablement.wait(job.jobId)).results;
}

describe('as Exchange does it: the console and the lab agree (S11, S12, S13, S14)', () => {
  it("names users by alias, sends SIP: typed SRIs without the prefix and accepts an AA pilot's last digits as an extension", async () => {
    const before = callCount();
    const { validation, row } = await importAndValidate(
      csv([
        header,
        ['user00045', redmond, '50123', 'SIP:u00045@contoso.test', '', ''], // 2 alias; SIP: typed; RedmondAA's pilot +14255550123 ends in 50123
        ['user00046', redmond, '00046', '', '', ''], // 3 alias; no SRI: Exchange takes the sip: proxy
      ]),
    );
    expect([row(2).status, row(3).status]).toEqual(['ready', 'ready']);
    expect(
      row(2)
        .messages.filter((m) => m.severity !== 'info')
        .map((m) => m.code),
    ).toEqual(['extension-matches-pilot-digits']);
    expect(row(2).values).toMatchObject({ Extensions: '50123', SIPResourceIdentifier: 'u00045@contoso.test' });
    const results = await runJob(validation);
    expect(results.map((r) => r.outcome)).toEqual(['enabled', 'enabled']);
    const calls = callsSince(before).filter((c) => c.cmdlet === 'Enable-UMMailbox');
    expect(calls.map((c) => c.parameters.SIPResourceIdentifier)).toEqual(['u00045@contoso.test', undefined]);
    expect(calls[0]!.parameters.Extensions).toEqual(['50123']);
    expect((await umState('u00045')).eum.sort()).toEqual([
      'EUM:u00045@contoso.test;phone-context=Redmond.contoso.test',
      'eum:50123;phone-context=Redmond.contoso.test',
    ]);
    expect((await umState('u00046')).eum).toContain('EUM:u00046@contoso.test;phone-context=Redmond.contoso.test');
    // The lab resolves the alias itself too, and never a display name [S14].
    expect(await labEnable({ Identity: 'user00047', Extensions: ['00047'] })).toMatchObject({ ok: true });
    expect(await labEnable({ Identity: 'User 00047', Extensions: ['00047'] })).toMatchObject({ ok: false, id: 'ManagementObjectNotFoundException' });
  });

  it('refuses a sip:-prefixed identifier sent raw, as Exchange does', async () => {
    expect(await labEnable({ Identity: 'u00056', Extensions: ['00056'], SIPResourceIdentifier: 'sip:u00056@contoso.test' })).toEqual({
      ok: false,
      id: 'SIPResouceIdConflictWithExistingValue',
      message: "The SIP Resource Identifier specified, 'sip:u00056@contoso.test', doesn't match the existing SIP proxy address 'u00056@contoso.test'.",
    });
    // No sip: proxy to compare with: the format itself is refused.
    expect(await labEnable({ Identity: 'u00058', Extensions: ['00058'], SIPResourceIdentifier: 'sip:u00058@contoso.test' })).toMatchObject({
      ok: false,
      id: 'InvalidSipNameResourceIdException',
    });
    expect(await labEnable({ Identity: 'u00056', Extensions: ['00056'], SIPResourceIdentifier: 'u00056@contoso.test' })).toMatchObject({ ok: true });
  });

  it('needs an SRI on Taipei but not on Hsinchu (SipResourceIdentifierRequired), and refuses an E.164 SRI equal to any pilot', async () => {
    const { validation, row } = await importAndValidate(
      csv([
        header,
        ['u00052@contoso.test', 'Hsinchu Default Policy', '00052', '', '', ''], // 2
        ['u00054@contoso.test', 'Taipei Default Policy', '00054', '', '', ''], // 3
        ['u00055@contoso.test', 'Hsinchu Default Policy', '00055', '+14255550123', '', ''], // 4 RedmondAA's pilot
      ]),
    );
    expect([2, 3, 4].map((l) => [row(l).status, codes(row(l))])).toEqual([
      ['ready', []],
      ['invalid', ['sri-required-e164']],
      ['invalid', ['sri-is-pilot']],
    ]);
    expect((await runJob(validation)).map((r) => [r.line, r.outcome])).toEqual([
      [2, 'enabled'],
      [3, 'invalid'],
      [4, 'invalid'],
    ]);
    expect((await umState('u00052')).eum).toEqual(['EUM:00052;phone-context=Hsinchu.contoso.test']);
    const taipei = { UMMailboxPolicy: 'Taipei Default Policy' };
    expect(await labEnable({ ...taipei, Identity: 'u00054', Extensions: ['00054'] })).toMatchObject({
      ok: false,
      id: 'E164ResourceIdNeededException',
      message: 'An E.164 (example: +14255550198) telephone number must be specified.',
    });
    expect(await labEnable({ ...taipei, Identity: 'u00054', Extensions: ['00054'], SIPResourceIdentifier: '+886255550199' })).toMatchObject({
      ok: false,
      id: 'ExtensionAlreadyUsedAsPilotNumberException',
      message: 'Extension +886255550199 is already assigned as a pilot number to dial plan Taipei or to one of its auto attendants.',
    });
    expect(
      await labEnable({ UMMailboxPolicy: 'Hsinchu Default Policy', Identity: 'u00055', Extensions: ['00055'], SIPResourceIdentifier: '+14255550123' }),
    ).toMatchObject({ ok: false, id: 'ExtensionAlreadyUsedAsPilotNumberException' });
  });

  it('refuses a SIP identifier another user holds in another phone context, or as a sip: proxy', async () => {
    const tokyo = { UMMailboxPolicy: 'Tokyo Default Policy' };
    expect(await labEnable({ ...tokyo, Identity: 'u00038', Extensions: ['0038'], SIPResourceIdentifier: 'u00003@contoso.test' })).toEqual({
      ok: false,
      id: 'SipUriAlreadyRegisteredException',
      message: "The SIP URI 'u00003@contoso.test' is already assigned to user 'u00003'.",
    });
    expect(await labEnable({ ...tokyo, Identity: 'u00039', Extensions: ['0039'], SIPResourceIdentifier: 'u00011@contoso.test' })).toMatchObject({
      ok: false,
      id: 'SipUriAlreadyRegisteredException',
    });
  });

  it("applies the policy's PIN rules: sequential refused on Redmond, allowed on Tokyo; the extension's suffix refused with and without common patterns", async () => {
    expect(await labEnable({ Identity: 'u00040', Extensions: ['00040'], PIN: '123456' })).toMatchObject({
      ok: false,
      id: 'WeakPinException',
      message: expect.stringContaining("can't include only consecutive numbers"),
    });
    expect(await labEnable({ UMMailboxPolicy: 'Tokyo Default Policy', Identity: 'u00041', Extensions: ['0041'], PIN: '1234' })).toMatchObject({ ok: true });
    const legacyPolicy = 'CN=Legacy Default Policy,CN=UM Mailbox Policies,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=test';
    const suffixRow = csv([header, ['u00057@contoso.test', 'Legacy Default Policy', '0057', '', '0057', '']]);
    for (const allow of ['0', '1']) {
      await admin.modify(legacyPolicy, [{ operation: 'replace', attribute: 'msExchUMPinPolicyDisallowCommonPatterns', values: allow }]);
      try {
        const { row } = await importAndValidate(suffixRow);
        expect(codes(row(2)), `AllowCommonPatterns=${allow}`).toEqual(['pin-extension-suffix']);
        expect(
          await labEnable({ UMMailboxPolicy: 'Legacy Default Policy', Identity: 'u00057', Extensions: ['0057'], PIN: '0057' }),
          `AllowCommonPatterns=${allow}`,
        ).toMatchObject({ ok: false, id: 'WeakPinException' });
        // Tokyo-style leniency does not cover the suffix, but a PIN that is not one passes.
        if (allow === '1')
          expect(await labEnable({ UMMailboxPolicy: 'Legacy Default Policy', Identity: 'u00057', Extensions: ['0057'], PIN: '1111' })).toMatchObject({
            ok: true,
          });
      } finally {
        await admin.modify(legacyPolicy, [{ operation: 'replace', attribute: 'msExchUMPinPolicyDisallowCommonPatterns', values: '0' }]);
      }
    }
  });

  it("runs an identifier that is not the Lync SIP address only when the admin overrides it, per row or per job, and never past Exchange's own mismatch", async () => {
    const file = csv([
      header,
      ['u00077@contoso.test', redmond, '00077', 'vm.u00077@contoso.test', '', ''], // 2 no sip: proxy; SRI is not its Lync address
      ['u00062@contoso.test', redmond, '00062', 'vm.u00062@contoso.test', '', ''], // 3 has a sip: proxy: Exchange's own mismatch
    ]);
    // Per row.
    const first = await importAndValidate(file);
    expect(codes(first.row(2))).toEqual(['sri-not-lync-address']);
    expect(first.row(2).messages[0]).toMatchObject({ severity: 'error', overridable: true });
    const allowed = await services.enablement.edit({
      importId: first.validation.importId,
      sipMismatch: {
        rows: [
          { line: 2, allow: true },
          { line: 3, allow: true },
        ],
      },
    });
    expect(allowed.sipMismatchOverride).toEqual({ job: false, lines: [2, 3] });
    const byLine = new Map(allowed.rows.map((r) => [r.line, r]));
    expect(byLine.get(2)).toMatchObject({
      status: 'ready',
      messages: [{ code: 'sri-not-lync-address', severity: 'warning', overridden: 'row' }, { code: 'no-sip-proxy' }],
    });
    expect(codes(byLine.get(3)!)).toEqual(['sri-mismatch', 'sri-not-lync-address']);
    expect(byLine.get(3)!.status).toBe('invalid');
    const job = await services.enablement.start({ importId: first.validation.importId, dryRun: false, concurrency: 1 });
    const done = await services.enablement.wait(job.jobId);
    expect(done.results.map((r) => [r.line, r.outcome])).toEqual([
      [2, 'enabled'],
      [3, 'invalid'],
    ]);
    expect(done.sipMismatchOverride).toEqual({ job: false, lines: [2, 3] });
    expect((await umState('u00077')).eum).toContain('EUM:vm.u00077@contoso.test;phone-context=Redmond.contoso.test');
    const journal = JSON.parse(readFileSync(join(services.environment.dataDir, 'enablement-jobs', job.jobId, 'job.json'), 'utf8'));
    expect(journal.sipMismatchOverride).toEqual({ job: false, lines: [2, 3] });
    const [audit] = services.audit.list({ action: 'enablement.enable', target: `CN=u00077,${users}` });
    expect(audit!.after).toMatchObject({
      sipResourceIdentifier: 'vm.u00077@contoso.test',
      lyncSipAddressOverride: { scope: 'row', lyncAddress: 'u00077@contoso.test' },
    });

    // Per job.
    const second = await importAndValidate(
      csv([
        header,
        ['u00127@contoso.test', redmond, '00127', 'vm.u00127@contoso.test', '', ''],
        ['u00062@contoso.test', redmond, '00062', 'vm.u00062@contoso.test', '', ''],
      ]),
    );
    expect(second.row(2).status).toBe('invalid');
    const revalidated = await services.enablement.validate({
      importId: second.validation.importId,
      profile,
      mapping: second.summary.mapping,
      proposeExtensions: false,
      allowSipMismatch: true,
    });
    const row2 = revalidated.rows.find((r) => r.line === 2)!;
    expect(row2).toMatchObject({ status: 'ready', messages: [{ code: 'sri-not-lync-address', overridden: 'job' }, { code: 'no-sip-proxy' }] });
    expect(revalidated.rows.find((r) => r.line === 3)!.status).toBe('invalid');
    const results = await runJob(revalidated);
    expect(results.map((r) => [r.line, r.outcome])).toEqual([
      [2, 'enabled'],
      [3, 'invalid'],
    ]);
    const [jobAudit] = services.audit.list({ action: 'enablement.enable', target: `CN=u00127,${users}` });
    expect(jobAudit!.after).toMatchObject({ lyncSipAddressOverride: { scope: 'job' } });
    // Exchange's own refusal is what the lab says too.
    expect(await labEnable({ Identity: 'u00062', Extensions: ['00062'], SIPResourceIdentifier: 'vm.u00062@contoso.test' })).toMatchObject({
      ok: false,
      id: 'SIPResouceIdConflictWithExistingValue',
    });
  });
});

describe('running', () => {
  it('enables the ready rows through Enable-UMMailbox, journals and audits each, and exports per-row results', async () => {
    const ids = freshUsers(210, 6);
    const { validation } = await importAndValidate(
      csv([header, ...ids.map((i) => redmondRow(i, ['Sales'])), ['nobody@contoso.test', redmond, '11111', '', '', 'Gone']]),
    );
    expect(validation.counts).toMatchObject({ ready: 6, invalid: 1 });
    const redmondUsers = async () =>
      (await services.topology.get({ profiles: ['lab-exchadmin'] })).forests[0]!.exchange!.dialPlans.find((d) => d.name === 'Redmond')!.umEnabledUsers;
    const usersBefore = await redmondUsers();
    const job = await services.enablement.start({ importId: validation.importId, dryRun: false, concurrency: 3 });
    const done = await services.enablement.wait(job.jobId);
    // The invalid row was never sent: it is finished, and counted as invalid, not failed.
    expect(done.progress).toMatchObject({ state: 'completed', total: 7, done: 7, failed: 0 });
    // The topology the screens show counts them without being asked to refresh: the job invalidated it.
    expect(await redmondUsers()).toBe(usersBefore + 6);
    expect(done.counts).toMatchObject({ total: 7, enabled: 6, invalid: 1, failed: 0, remaining: 0 });
    for (const i of ids) {
      const state = await umState(sam(i));
      expect(state.enabled).toBe(true);
      expect(state.eum.sort()).toEqual(
        [`EUM:${sam(i)}@contoso.test;phone-context=Redmond.contoso.test`, `eum:${String(i).padStart(5, '0')};phone-context=Redmond.contoso.test`].sort(),
      );
    }
    const audit = services.audit.list({ action: 'enablement.enable' }).filter((a) => a.jobId === job.jobId);
    expect(audit).toHaveLength(6);
    expect(JSON.stringify(audit)).not.toMatch(/PIN/i);
    const json = JSON.parse(services.enablement.export(job.jobId, 'json').content) as Array<{ line: number; outcome: string; columns: Record<string, string> }>;
    expect(json.map((r) => r.outcome)).toEqual([...ids.map(() => 'enabled'), 'invalid']);
    expect(json[0]!.columns.Department).toBe('Sales');
    // Running the same file again: every row is already done.
    const again = await importAndValidate(csv([header, ...ids.map((i) => redmondRow(i, ['Sales']))]));
    expect(again.validation.counts.alreadyDone).toBe(6);
  });

  it('a dry run (-ValidateOnly) changes nothing', async () => {
    const [i] = freshUsers(230, 1);
    const { validation } = await importAndValidate(csv([header, redmondRow(i!)]));
    const job = await services.enablement.start({ importId: validation.importId, dryRun: true, concurrency: 1 });
    const done = await services.enablement.wait(job.jobId);
    expect(done.results[0]!.outcome).toBe('validated');
    expect((await umState(sam(i!))).enabled).toBe(false);
  });

  it("reports Exchange's message when a row fails at run time, and re-runs only that row", async () => {
    const [a, b] = freshUsers(231, 2);
    const { validation } = await importAndValidate(csv([header, redmondRow(a!), redmondRow(b!)]));
    // Someone else takes b's extension between validation and the run.
    await admin.modify(`CN=u00001,${users}`, [
      { operation: 'add', attribute: 'proxyAddresses', values: `eum:${String(b).padStart(5, '0')};phone-context=Redmond.contoso.test` },
    ]);
    const job = await services.enablement.start({ importId: validation.importId, dryRun: false, concurrency: 2 });
    const done = await services.enablement.wait(job.jobId);
    const failed = done.results.find((r) => r.outcome === 'failed')!;
    // Exchange's own words for it [S11 ExtensionNotUnique].
    expect(failed.messages).toEqual([
      `Extension ${String(b).padStart(5, '0')} is already assigned to another user on dial plan Redmond or on an equivalent dial plan.`,
    ]);
    await admin.modify(`CN=u00001,${users}`, [
      { operation: 'delete', attribute: 'proxyAddresses', values: `eum:${String(b).padStart(5, '0')};phone-context=Redmond.contoso.test` },
    ]);
    const rerun = await services.enablement.start({ importId: validation.importId, dryRun: false, concurrency: 1, lines: [failed.line] });
    expect((await services.enablement.wait(rerun.jobId)).results).toMatchObject([{ line: failed.line, outcome: 'enabled' }]);
  });

  it('pauses and resumes between rows, and cancel stops after the rows in flight', async () => {
    const { services: slow, dataDir } = createTestServices({ ...process.env, UMLAB_DELAY: 'Enable-UMMailbox=300' });
    try {
      await slow.connections.connect(profile);
      const ids = freshUsers(410, 12);
      const { validation } = await importAndValidate(csv([header, ...ids.map((i) => redmondRow(i))]), { s: slow });
      const job = await slow.enablement.start({ importId: validation.importId, dryRun: false, concurrency: 2 });
      await until(() => slow.enablement.job(job.jobId).results.length >= 2);
      slow.jobs.pause(job.jobId);
      // The rows in flight when it paused still finish (300 ms each, seconds on a busy machine), as the journal shows…
      const inFlight = () => JobJournal.read(dataDir, job.jobId)!.inFlight.size;
      await until(() => inFlight() === 0);
      const whilePaused = slow.enablement.job(job.jobId).results.length;
      // …and no row starts while it is paused.
      await new Promise((r) => setTimeout(r, 1000));
      expect(inFlight()).toBe(0);
      expect(slow.enablement.job(job.jobId).results.length).toBe(whilePaused);
      slow.jobs.resume(job.jobId);
      await until(() => slow.enablement.job(job.jobId).results.length >= whilePaused + 2);
      slow.jobs.cancel(job.jobId);
      const done = await slow.enablement.wait(job.jobId);
      expect(done.progress.state).toBe('cancelled');
      const finished = done.results.length;
      expect(finished).toBeLessThan(12);
      // Exactly the finished rows are enabled; the rest untouched.
      const enabled = await Promise.all(ids.map(async (i) => (await umState(sam(i))).enabled));
      expect(enabled.filter(Boolean).length).toBe(finished);
    } finally {
      await slow.shutdown();
    }
  }, 60_000);
});

describe('the acting account, checked before any run', () => {
  it('knows from the Exchange session whether the account holds Enable-UMMailbox (RBAC, S38)', async () => {
    await services.connections.connect('lab-readonly');
    expect(await services.powershell.hasCommand('lab-readonly', 'exchange', 'Enable-UMMailbox')).toBe(false);
    expect(await services.powershell.hasCommand('lab-readonly', 'exchange', 'Get-UMDialPlan')).toBe(true);
    expect(await services.powershell.hasCommand(profile, 'exchange', 'Enable-UMMailbox')).toBe(true);
    // Organization Management by the account that installed Exchange [S39].
    await services.connections.connect('lab');
    expect(await services.powershell.hasCommand('lab', 'exchange', 'Enable-UMMailbox')).toBe(true);
    const call = await services.powershell.run('lab-readonly', 'exchange', 'Enable-UMMailbox', {
      Identity: 'u00150',
      UMMailboxPolicy: redmond,
      ValidateOnly: true,
    });
    expect(call.errors[0]).toMatchObject({ fullyQualifiedErrorId: 'CommandNotFoundException' });
  });

  it('a dry run by an account without the rights reports it on every row, and sends nothing', async () => {
    const ids = freshUsers(250, 2);
    const summary = await services.enablement.import({
      fileName: 'readonly.csv',
      content: b64(csv([header, ...ids.map((i) => redmondRow(i)), ['nobody@contoso.test', redmond, '11111', '', '', '']])),
    });
    const validation = await services.enablement.validate({
      importId: summary.importId,
      profile: 'lab-readonly',
      mapping: summary.mapping,
      proposeExtensions: false,
    });
    expect(validation.counts).toMatchObject({ total: 3, ready: 0, notPermitted: 2, invalid: 1 });
    // Its notices count the rows still ready: none.
    expect(validation.notices.map((n) => n.code)).not.toContain('sip-uri-no-fax');
    const row = validation.rows.find((r) => r.line === 2)!;
    expect(row.status).toBe('not-permitted');
    expect(row.messages.map((m) => m.code)).toEqual(['rights-no-cmdlet', 'rights-no-write']);
    expect(rowMessageText(row.messages[0]!)).toMatch(/^lab-readonly may not enable UM for this user: its Exchange session has no Enable-UMMailbox/);
    expect(rowMessageText(row.messages[1]!)).toBe(
      `lab-readonly may not enable UM for this user: it may not write proxyAddresses, msExchUMEnabledFlags, msExchUMTemplateLink, msExchUMRecipientDialPlanLink, msExchUMDtmfMap, msExchUMPinChecksum on CN=${sam(ids[0]!)},${users}.`,
    );
    const before = callCount();
    const job = await services.enablement.start({ importId: summary.importId, dryRun: true, concurrency: 1 });
    const done = await services.enablement.wait(job.jobId);
    expect(done.results.map((r) => r.outcome)).toEqual(['not-permitted', 'not-permitted', 'invalid']);
    expect(done.results[0]!.messages).toHaveLength(2);
    expect(done.counts).toMatchObject({ validated: 0, notPermitted: 2, invalid: 1, failed: 0 });
    expect(callsSince(before).filter((c) => c.cmdlet === 'Enable-UMMailbox')).toEqual([]);
  });

  it('shows the first rows before the Exchange session has answered, and judges them again when it has, before anything can run', async () => {
    // Fresh services: no Exchange session is open yet for the account, and opening one takes seconds.
    const fresh = createTestServices();
    try {
      await fresh.services.connections.connect('lab-readonly');
      const ids = freshUsers(250, 2);
      const summary = await fresh.services.enablement.import({ fileName: 'readonly-first.csv', content: b64(csv([header, ...ids.map((i) => redmondRow(i))])) });
      const ended = new Promise<ValidationStatus>((resolve) => {
        const unsubscribe = fresh.services.bus.subscribe((name, payload) => {
          if (name !== 'enablement.validation' || (payload as ValidationStatus).state === 'running') return;
          unsubscribe();
          resolve(payload as ValidationStatus);
        });
      });
      const input = { importId: summary.importId, profile: 'lab-readonly', mapping: summary.mapping, proposeExtensions: false };
      const first = await fresh.services.enablement.startValidation(input, 'first-rows');
      const firstRow = fresh.services.enablement.rows({ importId: summary.importId, offset: 0, limit: 10, filter: 'all' }).rows[0]!;
      // Judged on the directory's facts; the account's rights are being checked.
      expect(first.notices.map((n) => n.code)).toContain('rights-pending');
      expect(firstRow).toMatchObject({ status: 'ready', messages: [] });
      await expect(fresh.services.enablement.start({ importId: summary.importId, dryRun: true, concurrency: 1 })).rejects.toMatchObject({ code: 'CONFLICT' });
      const done = await ended;
      expect(done.notices.map((n) => n.code)).not.toContain('rights-pending');
      const row = fresh.services.enablement.rows({ importId: summary.importId, offset: 0, limit: 10, filter: 'all' }).rows[0]!;
      expect(row.messages.map((m) => m.code)).toEqual(['rights-no-cmdlet', 'rights-no-write']);
    } finally {
      await fresh.services.shutdown();
    }
  });

  it('names a user the account may not write, where the shell writes as the account', async () => {
    // A mailbox user outside OU=Lab, where Organization Management has no write grant in the lab.
    await admin.add('CN=outside-ou,CN=Users,DC=contoso,DC=test', {
      objectClass: 'user',
      sAMAccountName: 'outside-ou',
      userPrincipalName: 'outside-ou@contoso.test',
      msExchMailboxGuid: Buffer.alloc(16, 3),
      msExchUMEnabledFlags: '830',
      telephoneNumber: '+14255559876',
      userAccountControl: '514',
    });
    try {
      const [i] = freshUsers(260, 1);
      const { validation, row } = await importAndValidate(
        csv([header, redmondRow(i!), ['outside-ou@contoso.test', 'Legacy Default Policy', '9876', '', '', '']]),
      );
      expect(row(2).status).toBe('ready');
      expect(row(3).status).toBe('not-permitted');
      expect(row(3).messages.map((m) => m.code)).toEqual(['no-sip-proxy', 'rights-no-write']);
      expect(row(3).messages[1]!.params).toMatchObject({ account: 'lab-exchadmin', user: 'CN=outside-ou,CN=Users,DC=contoso,DC=test' });
      expect(validation.counts).toMatchObject({ ready: 1, notPermitted: 1 });
    } finally {
      await admin.delete('CN=outside-ou,CN=Users,DC=contoso,DC=test');
    }
  });
});

describe('results that tell the truth', () => {
  it("exports what ran for an edited row, with the file's value beside it", async () => {
    const [a, b, c] = freshUsers(270, 3);
    const { summary, validation } = await importAndValidate(
      csv([header, redmondRow(a!, ['Sales']), redmondRow(b!, ['Ops']), ['nobody@contoso.test', redmond, '11111', '', '', 'Gone']]),
    );
    // The admin points line 3 at another user, with that user's extension and identifier.
    const ext = String(c).padStart(5, '0');
    await services.enablement.edit({
      importId: summary.importId,
      edits: [
        { line: 3, field: 'Identity', value: `${sam(c!)}@contoso.test` },
        { line: 3, field: 'Extensions', value: ext },
        { line: 3, field: 'SIPResourceIdentifier', value: `${sam(c!)}@contoso.test` },
      ],
    });
    const before = callCount();
    const job = await services.enablement.start({ importId: validation.importId, dryRun: false, concurrency: 1 });
    const done = await services.enablement.wait(job.jobId);
    expect(done.counts).toMatchObject({ enabled: 2, invalid: 1, failed: 0 });
    expect(
      callsSince(before)
        .filter((c) => c.cmdlet === 'Enable-UMMailbox')
        .map((c) => c.parameters.Identity),
    ).toEqual([`CN=${sam(a!)},${users}`, `CN=${sam(c!)},${users}`]);
    expect((await umState(sam(b!))).enabled).toBe(false);

    const lines = services.enablement.export(job.jobId, 'csv').content.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'Identity,Identity (in file),UMMailboxPolicy,Extensions,Extensions (in file),SIPResourceIdentifier,SIPResourceIdentifier (in file),PIN,Department,User,Line,Outcome,Message',
    );
    expect(lines[1]).toBe(
      `${sam(a!)}@contoso.test,,${redmond},${String(a).padStart(5, '0')},,${sam(a!)}@contoso.test,,,Sales,"CN=${sam(a!)},${users}",2,enabled,`,
    );
    expect(lines[2]).toBe(
      `${sam(c!)}@contoso.test,${sam(b!)}@contoso.test,${redmond},${ext},${String(b).padStart(5, '0')},${sam(c!)}@contoso.test,${sam(b!)}@contoso.test,,Ops,"CN=${sam(c!)},${users}",3,enabled,`,
    );
    const json = JSON.parse(services.enablement.export(job.jobId, 'json').content) as Array<Record<string, unknown>>;
    expect(json[1]).toMatchObject({
      line: 3,
      identity: `${sam(c!)}@contoso.test`,
      values: { Identity: `${sam(c!)}@contoso.test`, Extensions: ext },
      inFile: { Identity: `${sam(b!)}@contoso.test` },
      userDn: `CN=${sam(c!)},${users}`,
      columns: { Identity: `${sam(b!)}@contoso.test`, Department: 'Ops' },
    });
    expect(json[2]).toMatchObject({ outcome: 'invalid', messages: [expect.stringContaining('No mailbox "nobody@contoso.test"')] });
    // Never sent, and not changed: the file's own extension, with no "in file" beside it.
    expect(json[2]).toMatchObject({ values: { Extensions: '11111' } });
    expect(json[2]!.inFile).toBeUndefined();

    // Read back from the journal by a console that no longer holds the file: still what ran.
    const { services: later } = createTestServices(process.env, servicesDir);
    try {
      const again = later.enablement.export(job.jobId, 'csv').content;
      expect(again).toContain(`${sam(c!)}@contoso.test,${sam(b!)}@contoso.test,${ext},${String(b).padStart(5, '0')}`);
    } finally {
      await later.shutdown();
    }
  });
});

describe('large files: validation streams, an edit re-checks only what it affects (issue 14)', () => {
  /**
   * `count` rows of lab users from u00100 on (beyond the lab's users they name users it does not
   * have), each with its own extension, on Hsinchu, which needs no SIP resource identifier: the
   * lab's Samba answers the any-context identifier lookup of a SIP URI plan by scanning every
   * proxy address, seconds per hundred rows on a big lab.
   */
  const largeFile = (count: number) =>
    csv([
      header,
      ...Array.from({ length: count }, (_, n) => [`${sam(100 + n)}@contoso.test`, 'Hsinchu Default Policy', String(100 + n).padStart(5, '0'), '', '', '']),
    ]);
  const validateInput = (summary: ImportSummary) => ({ importId: summary.importId, profile, mapping: summary.mapping, proposeExtensions: false });
  const ended = (importId: string, seen: ValidationStatus[] = []) =>
    new Promise<ValidationStatus>((resolve) => {
      const unsubscribe = services.bus.subscribe((name, payload) => {
        if (name !== 'enablement.validation' || (payload as ValidationStatus).importId !== importId) return;
        seen.push(payload as ValidationStatus);
        if ((payload as ValidationStatus).state !== 'running') {
          unsubscribe();
          resolve(payload as ValidationStatus);
        }
      });
    });

  it('answers with the first rows before the last, fills in with events, and starts no job or edit until every row is validated', async () => {
    const summary = await services.enablement.import({ fileName: 'large.csv', content: b64(largeFile(2500)) });
    const seen: ValidationStatus[] = [];
    const done = ended(summary.importId, seen);
    const first = await services.enablement.startValidation(validateInput(summary), 'first-rows');
    expect(first).toMatchObject({ state: 'running', total: 2500 });
    expect(first.validated).toBeGreaterThan(0);
    expect(first.validated).toBeLessThan(2500);
    const page = services.enablement.rows({ importId: summary.importId, offset: 0, limit: 100, filter: 'all' });
    expect(page.rows.map((r) => r.line)).toEqual(Array.from({ length: 100 }, (_, n) => n + 2));
    expect(page.total).toBeLessThan(2500);
    await expect(services.enablement.start({ importId: summary.importId, dryRun: true, concurrency: 1 })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(services.enablement.edit({ importId: summary.importId, edits: [{ line: 2, field: 'PIN', value: '258014' }] })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('still running'),
    });
    const last = await done;
    expect(last).toMatchObject({ state: 'done', validated: 2500, total: 2500 });
    expect(last.counts.total).toBe(2500);
    const progress = seen.map((s) => s.validated);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // Each status is newer than the one before, so the screen can tell the last from an event that overtook the answer.
    const revisions = seen.map((s) => s.revision);
    expect(new Set(revisions).size).toBe(revisions.length);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(last.revision).toBeGreaterThan(first.revision);
    expect(services.enablement.rows({ importId: summary.importId, offset: 2400, limit: 1000, filter: 'all' }).rows).toHaveLength(100);
    const invalid = services.enablement.rows({ importId: summary.importId, offset: 0, limit: 1000, filter: 'invalid' });
    expect(invalid.total).toBe(last.counts.invalid);
    expect(invalid.rows.every((r) => r.status === 'invalid')).toBe(true);
  }, 300_000);

  it('an edit re-checks the row and the rows sharing its number, and answers with the rows whose result changed', async () => {
    const ids = freshUsers(300, 6);
    const rows = ids.map((i) => redmondRow(i));
    rows[1]![2] = rows[0]![2]!; // lines 2 and 3 claim one extension
    const summary = await services.enablement.import({ fileName: 'clash.csv', content: b64(csv([header, ...rows])) });
    await services.enablement.validate(validateInput(summary));
    const before = new Map(services.enablement.rows({ importId: summary.importId, offset: 0, limit: 100, filter: 'all' }).rows.map((r) => [r.line, r]));
    expect([before.get(2)!.status, before.get(3)!.status]).toEqual(['invalid', 'invalid']);
    // Line 3 moves onto line 6's number: line 2 is free again, line 6 now clashes.
    const edit = await services.enablement.edit({ importId: summary.importId, edits: [{ line: 3, field: 'Extensions', value: rows[4]![2]! }] });
    expect(edit.rows.map((r) => [r.line, r.status])).toEqual([
      [2, 'ready'],
      [3, 'invalid'],
      [6, 'invalid'],
    ]);
    const after = new Map(services.enablement.rows({ importId: summary.importId, offset: 0, limit: 100, filter: 'all' }).rows.map((r) => [r.line, r]));
    // The rows the edit cannot affect were not checked again: the very same results.
    for (const line of [4, 5, 7]) expect(after.get(line)).toBe(before.get(line));
    expect(edit.counts).toMatchObject({ total: 6, ready: 4, invalid: 2 });
  }, 300_000);

  it('stops when asked: the rows validated so far stay, a job needs the file validated again', async () => {
    const summary = await services.enablement.import({ fileName: 'stopped.csv', content: b64(largeFile(2500)) });
    await services.enablement.startValidation(validateInput(summary), 'first-rows');
    const stopped = await services.enablement.cancelValidation(summary.importId);
    expect(stopped.state).toBe('cancelled');
    expect(stopped.validated).toBeLessThan(2500);
    expect(services.enablement.rows({ importId: summary.importId, offset: 0, limit: 1, filter: 'all' }).total).toBe(stopped.validated);
    await expect(services.enablement.start({ importId: summary.importId, dryRun: true, concurrency: 1 })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('every row is validated'),
    });
    await expect(services.enablement.edit({ importId: summary.importId, edits: [{ line: 2, field: 'PIN', value: '258014' }] })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('validate the file again'),
    });
    expect(services.enablement.validation(summary.importId).state).toBe('cancelled');
  }, 300_000);

  it('bad input gets a clear error: rows of an import not held, or not validated yet', async () => {
    expect(() => services.enablement.rows({ importId: 'imp-0000000000000000', offset: 0, limit: 100, filter: 'all' })).toThrow(/no longer held/);
    const summary = await services.enablement.import({ fileName: 'unvalidated.csv', content: b64(largeFile(3)) });
    expect(() => services.enablement.rows({ importId: summary.importId, offset: 0, limit: 100, filter: 'all' })).toThrow(/Validate the file/);
    expect(() => services.enablement.validation(summary.importId)).toThrow(/not been validated/);
  });
});

describe('durable runs', () => {
  it("keeps the screen's import, grid, edits and job in main", async () => {
    const [a] = freshUsers(280, 1);
    const { summary } = await importAndValidate(csv([header, redmondRow(a!), ['nobody@contoso.test', redmond, '11111', '', '', '']]));
    await services.enablement.edit({ importId: summary.importId, edits: [{ line: 3, field: 'Identity', value: 'still-nobody@contoso.test' }] });
    const restored = services.enablement.session()!;
    expect(restored.summary.importId).toBe(summary.importId);
    expect(restored.profile).toBe(profile);
    expect(services.enablement.rows({ importId: summary.importId, offset: 0, limit: 100, filter: 'all' }).rows.find((r) => r.line === 3)).toMatchObject({
      values: { Identity: 'still-nobody@contoso.test' },
      edited: true,
    });
    expect(restored.job).toBeUndefined();
    const job = await services.enablement.start({ importId: summary.importId, dryRun: true, concurrency: 1 });
    await services.enablement.wait(job.jobId);
    expect(services.enablement.session()!.job).toMatchObject({ jobId: job.jobId, dryRun: true, counts: { validated: 1, invalid: 1 } });
  });

  it('a real run follows a dry run without validating again: the rows it passed, and rows changed since', async () => {
    const [a, b, c] = freshUsers(290, 3);
    const { summary } = await importAndValidate(csv([header, redmondRow(a!), redmondRow(b!), redmondRow(c!)]));
    // Someone takes b's extension after validation: the dry run finds it.
    const taken = `eum:${String(b).padStart(5, '0')};phone-context=Redmond.contoso.test`;
    await admin.modify(`CN=u00001,${users}`, [{ operation: 'add', attribute: 'proxyAddresses', values: taken }]);
    try {
      const dry = await services.enablement.start({ importId: summary.importId, dryRun: true, concurrency: 1 });
      expect((await services.enablement.wait(dry.jobId)).results.map((r) => r.outcome)).toEqual(['validated', 'failed', 'validated']);
      // The admin changes line 4 after the dry run (its PIN): edit re-checks it, and it stays ready.
      await services.enablement.edit({ importId: summary.importId, edits: [{ line: 4, field: 'PIN', value: '258014' }] });
      const session = await services.connections.ensure(profile);
      const trips = session.stats.roundTrips;
      const before = callCount();
      const real = await services.enablement.start({ importId: summary.importId, dryRun: false, concurrency: 1, afterDryRun: dry.jobId });
      expect(session.stats.roundTrips).toBe(trips);
      const done = await services.enablement.wait(real.jobId);
      expect(done.results.map((r) => [r.line, r.outcome])).toEqual([
        [2, 'enabled'],
        [4, 'enabled'],
      ]);
      expect(
        callsSince(before)
          .filter((c) => c.cmdlet === 'Enable-UMMailbox')
          .map((c) => c.parameters.Identity),
      ).toEqual([`CN=${sam(a!)},${users}`, `CN=${sam(c!)},${users}`]);
    } finally {
      await admin.modify(`CN=u00001,${users}`, [{ operation: 'delete', attribute: 'proxyAddresses', values: taken }]);
    }
  });

  it('lists an unfinished job, with the import that can resume it, and resumes it after a restart from the same file', async () => {
    const { services: slow, dataDir } = createTestServices({ ...process.env, UMLAB_DELAY: 'Enable-UMMailbox=300' });
    const ids = freshUsers(430, 6);
    const content = csv([header, ...ids.map((i) => redmondRow(i))]);
    let jobId: string | undefined;
    try {
      await slow.connections.connect(profile);
      const { summary } = await importAndValidate(content, { s: slow, fileName: 'batch.csv' });
      const job = await slow.enablement.start({ importId: summary.importId, dryRun: false, concurrency: 1 });
      jobId = job.jobId;
      await until(() => slow.enablement.job(job.jobId).results.length >= 2);
      // Paused: still this session's job, not in the list.
      slow.jobs.pause(job.jobId);
      expect(slow.enablement.unfinished()).toEqual([]);
      slow.jobs.cancel(job.jobId);
      await slow.enablement.wait(job.jobId);
      expect(slow.enablement.unfinished()).toMatchObject([{ jobId: job.jobId, fileName: 'batch.csv', profile, total: 6, importId: summary.importId }]);
    } finally {
      await slow.shutdown();
    }
    // A new session: the journal says what is left; the file must come again (it is never kept).
    const { services: next } = createTestServices(process.env, dataDir);
    try {
      await next.connections.connect(profile);
      const [listed] = next.enablement.unfinished();
      expect(listed).toMatchObject({ jobId, fileName: 'batch.csv' });
      expect(listed!.importId).toBeUndefined();
      const again = await next.enablement.import({ fileName: 'batch.csv', content: b64(content) });
      expect(again.resumable.map((r) => r.jobId)).toEqual([jobId]);
      const resumed = await next.enablement.start({ importId: again.importId, dryRun: false, concurrency: 2, resumeJobId: jobId! });
      const done = await next.enablement.wait(resumed.jobId);
      expect(done.counts).toMatchObject({ enabled: 6, remaining: 0 });
      expect(next.enablement.unfinished()).toEqual([]);
      for (const i of ids) expect((await umState(sam(i))).eum, sam(i)).toHaveLength(2);
    } finally {
      await next.shutdown();
    }
  }, 120_000);
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every row of the job has exactly one end record in the journal, and the directory agrees. */
async function expectExactlyOnce(s: AppServices, jobId: string, ids: number[], dataDir: string): Promise<void> {
  const journal = readFileSync(join(dataDir, 'enablement-jobs', jobId, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { t: string; line: number; outcome?: string });
  const ends = journal.filter((r) => r.t === 'end');
  expect(ends.length).toBe(ids.length);
  expect(new Set(ends.map((e) => e.line)).size).toBe(ids.length);
  expect(ends.every((e) => e.outcome === 'enabled')).toBe(true);
  for (const i of ids) {
    const state = await umState(sam(i));
    expect(state.enabled, sam(i)).toBe(true);
    expect(state.eum, sam(i)).toHaveLength(2); // one SRI, one extension: not written twice
  }
  expect(
    s.enablement
      .job(jobId)
      .results.map((r: RowResult) => r.outcome)
      .every((o) => o === 'enabled'),
  ).toBe(true);
}

describe('faults: every row accounted for exactly once', () => {
  /** Runs a slowed-down job over fresh users, disrupts it after a few rows, and checks the outcome. */
  async function survives(delayMs: number, ids: number[], disrupt: (s: AppServices) => Promise<void>): Promise<void> {
    const { services: s, dataDir } = createTestServices({ ...process.env, UMLAB_DELAY: `Enable-UMMailbox=${delayMs}` });
    try {
      await s.connections.connect(profile);
      const { validation } = await importAndValidate(csv([header, ...ids.map((i) => redmondRow(i))]), { s });
      const job = await s.enablement.start({ importId: validation.importId, dryRun: false, concurrency: 2 });
      await until(() => s.enablement.job(job.jobId).results.length >= 2);
      await disrupt(s);
      const done = await s.enablement.wait(job.jobId);
      expect(done.progress.state).toBe('completed');
      // The disruption was felt: some row needed more than one attempt.
      expect(done.results.some((r) => r.attempts > 1)).toBe(true);
      await expectExactlyOnce(s, job.jobId, ids, dataDir);
    } finally {
      await s.shutdown();
    }
  }

  it('the DC stops mid-run and starts again: the job waits, then finishes', () => survives(150, freshUsers(310, 16), () => bounceDc(3000)), 120_000);

  it(
    'pwsh is killed mid-run: the in-flight row is re-checked, not run twice',
    () =>
      survives(400, freshUsers(110, 10), async (s) => {
        for (const pool of s.powershell.status()) for (const session of pool.sessions) if (session.pid) killTree(session.pid);
      }),
    120_000,
  );

  it('the CLI is killed mid-run; the next run of the same file resumes and finishes', async () => {
    const ids = freshUsers(130, 12);
    const dir = mkdtempSync(join(tmpdir(), 'umc-cli-crash-'));
    const file = join(dir, 'batch.csv');
    writeFileSync(file, csv([header, ...ids.map((i) => redmondRow(i))]));
    const env = { UMC_DATA_DIR: join(dir, 'data'), UMC_PASSWORD: 'Lab-Passw0rd!', UMLAB_DELAY: 'Enable-UMMailbox=300' };
    const child = startCli(['enable', '--csv', file, '--profile', profile, '--json'], env);
    const journalEnds = () => {
      const root = join(dir, 'data', 'enablement-jobs');
      if (!existsSync(root)) return 0;
      const [jobId] = readdirSync(root);
      const file = jobId && join(root, jobId, 'journal.jsonl');
      return file && existsSync(file)
        ? readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => l.includes('"t":"end"')).length
        : 0;
    };
    await until(() => journalEnds() >= 3, 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const second = runCli(['enable', '--csv', file, '--profile', profile, '--json'], env);
    expect(second.status, second.stderr).toBe(0);
    const output = second.json() as { rows: Array<{ outcome: string }> };
    expect(output.rows).toHaveLength(ids.length);
    expect(output.rows.filter((r) => r.outcome !== 'enabled')).toEqual([]);
    for (const i of ids) expect((await umState(sam(i))).eum, sam(i)).toHaveLength(2);
  }, 180_000);
});

describe('CLI', () => {
  it('prints per-row results with the carried columns and exits 1 when a row is invalid, in a dry run too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-cli-'));
    const file = join(dir, 'mixed.csv');
    const [i] = freshUsers(240, 1);
    writeFileSync(file, csv([header, redmondRow(i!, ['Ops']), ['nobody@contoso.test', redmond, '11111', '', '', 'Gone']]));
    const dry = runCli(['enable', '--csv', file, '--profile', profile, '--dry-run', '--json'], {
      UMC_DATA_DIR: join(dir, 'data'),
      UMC_PASSWORD: 'Lab-Passw0rd!',
    });
    expect(dry.status).toBe(1);
    const out = dry.json() as { dryRun: boolean; rows: Array<{ line: number; outcome: string; columns: Record<string, string> }> };
    expect(out.dryRun).toBe(true);
    expect(out.rows.map((r) => [r.line, r.outcome, r.columns.Department])).toEqual([
      [2, 'validated', 'Ops'],
      [3, 'invalid', 'Gone'],
    ]);
    const bad = runCli(['enable', '--csv', '/etc/hostname', '--profile', profile, '--json'], {
      UMC_DATA_DIR: join(dir, 'data'),
      UMC_PASSWORD: 'Lab-Passw0rd!',
    });
    expect(bad.status).toBe(1);
    expect((bad.json() as { error: { code: string } }).error.code).toBe('CSV_INVALID');
  });

  it('refuses a 30 MB file of one line of commas, naming the limit, from the built CLI and its worker bundle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-cli-hostile-'));
    const file = join(dir, 'commas.csv');
    writeFileSync(file, hostileCsv('line-of-commas'));
    const run = runCli(['enable', '--csv', file, '--profile', profile, '--dry-run', '--json'], {
      UMC_DATA_DIR: join(dir, 'data'),
      UMC_PASSWORD: 'Lab-Passw0rd!',
    });
    expect(run.status).toBe(1);
    expect((run.json() as { error: unknown }).error).toMatchObject({
      code: 'CSV_INVALID',
      message: 'commas.csv: Line 1: the row has more than 1,000 columns, the most a file may have. Is this a list of users, and is the delimiter right?',
    });
  });
});

describe('CLI override', () => {
  it("--allow-sip-mismatch accepts an identifier that is not the Lync SIP address, never Exchange's own refusal", () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-cli-override-'));
    const file = join(dir, 'override.csv');
    writeFileSync(
      file,
      csv([
        header,
        ['u00177@contoso.test', redmond, '00177', 'vm.u00177@contoso.test', '', 'Ops'],
        ['u00063@contoso.test', redmond, '00063', 'vm.u00063@contoso.test', '', 'Ops'],
      ]),
    );
    const env = { UMC_DATA_DIR: join(dir, 'data'), UMC_PASSWORD: 'Lab-Passw0rd!' };
    const plain = runCli(['enable', '--csv', file, '--profile', profile, '--dry-run', '--json'], env);
    expect((plain.json() as { rows: Array<{ outcome: string }> }).rows.map((r) => r.outcome)).toEqual(['invalid', 'invalid']);
    const allowed = runCli(['enable', '--csv', file, '--profile', profile, '--dry-run', '--allow-sip-mismatch', '--json', '--restart'], env);
    const out = allowed.json() as { rows: Array<{ line: number; outcome: string; message: string }> };
    expect(out.rows.map((r) => [r.line, r.outcome])).toEqual([
      [2, 'validated'],
      [3, 'invalid'],
    ]);
    expect(out.rows[1]!.message).toMatch(/doesn't match the mailbox's existing SIP proxy address u00063@contoso\.test/);
    expect(allowed.status).toBe(1);
  });
});

function killTree(pid: number): void {
  const children = spawnSyncList(pid);
  for (const child of children) killTree(child);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
function spawnSyncList(pid: number): number[] {
  const out = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter(Boolean).map(Number);
}
