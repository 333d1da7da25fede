import { mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobJournal, type JobDefinition } from '../../electron/services/enablement/job/job-journal';
import { isTransientError } from '../../electron/services/enablement/job/enablement-runner';
import { neutralizeFormula, resultsToCsv } from '../../electron/services/enablement/results-export';
import { checkRow, crossRowMessages, parseBoolean, proposeExtension, splitExtensions, type RowFacts, type UserFacts } from '../../electron/services/enablement/validation/row-rules';

const user: UserFacts = { dn: 'CN=u1,DC=x', hasMailbox: true, umEnabled: false, eumAddresses: [], sipProxy: 'u1@x.test', telephoneNumber: '+1 (425) 555-0123', lineUri: 'tel:+14255550123;ext=0123' };
const facts = (patch: Partial<RowFacts> = {}): RowFacts => ({
  users: [user],
  policy: { dn: 'CN=P,DC=x', name: 'P', dialPlanDn: 'CN=D,DC=x', minPinLength: 6 },
  plan: { dn: 'CN=D,DC=x', name: 'D', uriType: 'SipName', digits: 4, phoneContext: 'd.x', contexts: ['d.x', 'eq.x'], pilots: ['+14255550100'] },
  holders: new Map(),
  ...patch,
});
const values = (patch = {}) => ({ Identity: 'u1@x.test', Extensions: '0123', SIPResourceIdentifier: 'sip:u1@x.test', UMMailboxPolicy: 'P', PIN: '', PINExpired: '', NotifyEmail: '', ...patch });
const codes = (v: ReturnType<typeof checkRow>) => v.messages.map((m) => m.code);

describe('row rules', () => {
  it('splits extensions on ; , and spaces', () => expect(splitExtensions(' 1234; 5678 ,9999 ')).toEqual(['1234', '5678', '9999']));
  it('reads spreadsheet booleans', () => {
    expect(['TRUE', '$true', 'yes', '1'].map(parseBoolean)).toEqual([true, true, true, true]);
    expect(['False', 'no', '0'].map(parseBoolean)).toEqual([false, false, false]);
    expect(parseBoolean('maybe')).toBeUndefined();
  });
  it('proposes from ;ext= first, then the line number, then telephoneNumber', () => {
    expect(proposeExtension(user, 4)).toEqual({ extension: '0123', source: 'line-uri' });
    expect(proposeExtension({ ...user, lineUri: 'tel:+14255550199' }, 5)).toEqual({ extension: '50199', source: 'line-uri' });
    expect(proposeExtension({ ...user, lineUri: undefined }, 4)).toEqual({ extension: '0123', source: 'telephone-number' });
    expect(proposeExtension({ ...user, lineUri: undefined, telephoneNumber: '12' }, 4)).toBeUndefined();
  });
  it('accepts a good SipName row, SRI with or without sip:', () => {
    expect(checkRow(values(), facts(), { proposeExtensions: false })).toMatchObject({ status: 'ready', extensions: ['0123'] });
    expect(checkRow(values({ SIPResourceIdentifier: 'U1@X.TEST' }), facts(), { proposeExtensions: false }).status).toBe('ready');
  });
  it('refuses an extension held in an equivalent dial plan, but not by the user itself', () => {
    const holders = new Map([['0123;phone-context=eq.x', ['CN=other,DC=x']]]);
    expect(codes(checkRow(values(), facts({ holders }), { proposeExtensions: false }))).toEqual(['extension-taken']);
    const own = new Map([['0123;phone-context=d.x', ['cn=U1,dc=x']]]);
    expect(checkRow(values(), facts({ holders: own }), { proposeExtensions: false }).status).toBe('ready');
  });
  it('refuses a pilot number by its last digits', () => expect(codes(checkRow(values({ Extensions: '0100' }), facts(), { proposeExtensions: false }))).toEqual(['extension-is-pilot']));
  it('checks the PIN against the policy minimum', () => {
    expect(codes(checkRow(values({ PIN: '12345' }), facts(), { proposeExtensions: false }))).toEqual(['pin-invalid']);
    expect(checkRow(values({ PIN: '123456' }), facts(), { proposeExtensions: false }).status).toBe('ready');
  });
  it('flags every row of an in-file clash, across equivalent plans, but not one user listed with two numbers', () => {
    const out = crossRowMessages([
      { line: 2, userDn: 'a', contexts: ['d.x', 'eq.x'], addresses: ['0123'] },
      { line: 3, userDn: 'b', contexts: ['eq.x'], addresses: ['0123'] },
      { line: 4, userDn: 'c', contexts: ['other.x'], addresses: ['0123'] },
    ]);
    expect([...out.keys()].sort()).toEqual([2, 3]);
    expect(out.get(2)![0]).toMatchObject({ code: 'duplicate-in-file', params: { lines: '3' } });
  });
});

describe('journal and export', () => {
  it('reads back finished and in-flight rows, and skips a line torn by a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-journal-'));
    const definition = { jobId: 'enable-abcdef', createdAt: new Date().toISOString(), fileName: 'f.csv', fileHash: 'h', profile: 'p', mapping: {}, encoding: 'utf-8', delimiter: ',', dryRun: false, concurrency: 2, proposeExtensions: false, lines: [2, 3, 4], edits: [], pinEditedLines: [] } satisfies JobDefinition;
    const journal = JobJournal.create(dir, definition);
    journal.started(2);
    journal.ended({ line: 2, identity: 'a', outcome: 'enabled', attempts: 1 });
    journal.started(3);
    journal.close();
    appendFileSync(join(dir, 'enablement-jobs', 'enable-abcdef', 'journal.jsonl'), '{"t":"end","line":3,"outc');
    const state = JobJournal.read(dir, 'enable-abcdef')!;
    expect([...state.results.keys()]).toEqual([2]);
    expect([...state.inFlight]).toEqual([3]);
    expect(state.finishedState).toBeUndefined();
    expect(JobJournal.read(dir, '../etc')).toBeUndefined();
  });

  it('neutralises formula cells and withholds the PIN column', () => {
    expect(['=1+1', '+1', '-1', '@x', '\tx', 'ok'].map(neutralizeFormula)).toEqual(["'=1+1", "'+1", "'-1", "'@x", "'\tx", 'ok']);
    const csv = resultsToCsv({ header: ['Identity', 'PIN', 'Note'], cells: new Map([[2, ['a@x', '123456', '=evil()']]]), secretColumns: [1] }, [{ line: 2, identity: 'a@x', outcome: 'enabled', attempts: 1 }]);
    expect(csv).not.toContain('123456');
    expect(csv).toContain("'=evil()");
    expect(csv.startsWith('\uFEFFIdentity,PIN,Note,Line,Outcome,Message\r\n')).toBe(true);
  });

  it('treats directory and connection failures as transient, Exchange refusals as final', () => {
    expect(isTransientError({ message: 'Exception calling "SendRequest" with "1" argument(s): "The LDAP server is unavailable."' })).toBe(true);
    expect(isTransientError({ message: "The extension '12345' is already assigned to 'u00001'.", fullyQualifiedErrorId: 'ExtensionNotUnique,Enable-UMMailbox' })).toBe(false);
  });
});
