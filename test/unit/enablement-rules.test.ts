import { mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobJournal, type JobDefinition } from '../../electron/services/enablement/job/job-journal';
import { isTransientError } from '../../electron/services/enablement/job/enablement-runner';
import { neutralizeFormula, resultsToCsv, resultsToJson } from '../../electron/services/enablement/results-export';
import { ANY_CONTEXT, crossRowMessages } from '../../electron/services/enablement/validation/cross-row-rules';
import {
  checkRow,
  parseBoolean,
  proposeExtension,
  splitExtensions,
  type Holders,
  type RowFacts,
  type RowOptions,
  type UserFacts,
} from '../../electron/services/enablement/validation/row-rules';
import { rowMessageText } from '../../shared/enablement/row-message-text';
import { countResults, describeCounts } from '../../shared/enablement/job-counts';
import type { RowResult } from '../../shared/models/enablement';

const user: UserFacts = {
  dn: 'CN=u1,DC=x',
  name: 'u1',
  alias: 'user1',
  hasMailbox: true,
  umEnabled: false,
  eumAddresses: [],
  sipProxy: 'u1@x.test',
  lyncAddress: 'u1@x.test',
  telephoneNumber: '+1 (425) 555-0123',
  lineUri: 'tel:+14255550123;ext=0123',
};
const noHolders = (): Holders => ({ eum: new Map(), eumAnyContext: new Map(), sip: new Map() });
const pilots = [
  { number: '+14255550100', owner: 'D' },
  { number: '+14255550123', owner: 'DAA' },
];
const sipPlan = {
  dn: 'CN=D,DC=x',
  name: 'D',
  uriType: 'SipName' as const,
  digits: 4,
  phoneContext: 'd.x',
  contexts: ['d.x', 'eq.x'],
  sipResourceIdentifierRequired: true,
  pilots,
  nearPilots: pilots,
};
const facts = (patch: Partial<RowFacts> = {}): RowFacts => ({
  users: [user],
  policy: { dn: 'CN=P,DC=x', name: 'P', dialPlanDn: 'CN=D,DC=x', minPinLength: 6, allowCommonPatterns: false },
  plan: sipPlan,
  holders: noHolders(),
  ...patch,
});
const values = (patch = {}) => ({
  Identity: 'user1',
  Extensions: '0124',
  SIPResourceIdentifier: 'sip:u1@x.test',
  UMMailboxPolicy: 'P',
  PIN: '',
  PINExpired: '',
  NotifyEmail: '',
  ...patch,
});
const check = (v = values(), f = facts(), o: Partial<RowOptions> = {}) => checkRow(v, f, { proposeExtensions: false, ...o });
const codes = (v: ReturnType<typeof checkRow>) => v.messages.map((m) => m.code);
const errors = (v: ReturnType<typeof checkRow>) => v.messages.filter((m) => m.severity === 'error').map((m) => m.code);

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
  it('accepts a good SipName row and sends the identifier without sip:, whatever its case or spaces', () => {
    for (const typed of ['sip:u1@x.test', 'SIP:u1@x.test', '  Sip:U1@X.TEST ', 'u1@x.test']) {
      const verdict = check(values({ SIPResourceIdentifier: typed }));
      expect(verdict, typed).toMatchObject({ status: 'ready', extensions: ['0124'] });
      expect(verdict.sent.sri.toLowerCase()).toBe('u1@x.test');
    }
    expect(check(values({ Extensions: ' 0124 ; ' })).sent.extensions).toEqual(['0124']);
  });
  it('takes the sip: proxy when a SipName row gives no identifier, and says so', () => {
    const verdict = check(values({ SIPResourceIdentifier: '' }));
    expect(verdict).toMatchObject({ status: 'ready', sri: 'u1@x.test', sent: { sri: '' } });
    expect(codes(verdict)).toEqual(['sri-from-sip-proxy']);
    expect(errors(check(values({ SIPResourceIdentifier: '' }), facts({ users: [{ ...user, sipProxy: undefined }] })))).toEqual(['sri-required-sip']);
  });
  it("refuses an identifier that differs from the sip: proxy (Exchange's own error) and one that is not user@domain", () => {
    expect(errors(check(values({ SIPResourceIdentifier: 'other@x.test' })))).toEqual(['sri-mismatch', 'sri-not-lync-address']);
    const noProxy = facts({ users: [{ ...user, sipProxy: undefined }] });
    expect(errors(check(values({ SIPResourceIdentifier: 'not an address' }), noProxy))).toContain('sri-not-sip-address');
    expect(errors(check(values({ SIPResourceIdentifier: 'sip:sip:u1@x.test' }), noProxy))).toContain('sri-not-sip-address');
  });
  it("makes the Lync SIP address check overridable, per row or job, but never Exchange's own refusal", () => {
    const noProxy = facts({ users: [{ ...user, sipProxy: undefined }] });
    const mismatch = values({ SIPResourceIdentifier: 'voicemail.u1@x.test' });
    const plain = check(mismatch, noProxy);
    expect(plain.status).toBe('invalid');
    expect(plain.messages.find((m) => m.code === 'sri-not-lync-address')).toMatchObject({ severity: 'error', overridable: true });
    for (const scope of ['row', 'job'] as const) {
      const overridden = check(mismatch, noProxy, { sipMismatchOverride: scope });
      expect(overridden.status).toBe('ready');
      expect(overridden.messages.find((m) => m.code === 'sri-not-lync-address')).toMatchObject({ severity: 'warning', overridden: scope });
    }
    expect(check(values({ SIPResourceIdentifier: 'voicemail.u1@x.test' }), facts(), { sipMismatchOverride: 'job' })).toMatchObject({ status: 'invalid' });
    const notLync = facts({ users: [{ ...user, sipProxy: undefined, lyncAddress: undefined }] });
    expect(errors(check(values(), notLync))).toEqual(['sri-no-lync-address']);
    expect(check(values(), notLync, { sipMismatchOverride: 'row' }).status).toBe('ready');
    const text = rowMessageText(check(mismatch, noProxy, { sipMismatchOverride: 'row' }).messages.find((m) => m.overridden)!);
    expect(text).toMatch(/^Overridden for this row: SIP resource identifier voicemail\.u1@x\.test is not the user's Lync SIP address u1@x\.test/);
  });
  it('needs an identifier on E.164 plans only when the plan says so, as +digits', () => {
    const e164 = (required: boolean) => facts({ plan: { ...sipPlan, uriType: 'E164', digits: 5, sipResourceIdentifierRequired: required } });
    expect(errors(check(values({ Extensions: '50123', SIPResourceIdentifier: '' }), e164(true)))).toEqual(['sri-required-e164']);
    expect(check(values({ Extensions: '50123', SIPResourceIdentifier: '' }), e164(false)).status).toBe('ready');
    expect(errors(check(values({ Extensions: '50123', SIPResourceIdentifier: '4255550123' }), e164(false)))).toEqual(['sri-not-e164']);
    expect(check(values({ Extensions: '50124', SIPResourceIdentifier: '+14255550124' }), e164(true)).status).toBe('ready');
  });
  it('refuses an identifier on a TelExtn plan', () => {
    expect(errors(check(values(), facts({ plan: { ...sipPlan, uriType: 'TelExtn' } })))).toEqual(['sri-not-allowed']);
  });
  it('compares only E.164 values with pilot numbers, for equality, with every plan and auto attendant', () => {
    const e164 = facts({ plan: { ...sipPlan, uriType: 'E164', digits: 5, sipResourceIdentifierRequired: true } });
    expect(errors(check(values({ Extensions: '50125', SIPResourceIdentifier: '+14255550123' }), e164))).toEqual(['sri-is-pilot']);
    // A plain extension equal to a pilot's last digits: Exchange accepts it; a warning says so.
    const lastDigits = check(values({ Extensions: '0123' }));
    expect(lastDigits.status).toBe('ready');
    expect(lastDigits.messages).toContainEqual(
      expect.objectContaining({
        code: 'extension-matches-pilot-digits',
        severity: 'warning',
        params: expect.objectContaining({ pilot: '+14255550123', owner: 'DAA' }),
      }),
    );
  });
  it('refuses an extension held in an equivalent dial plan, but not by the user itself', () => {
    const holders = noHolders();
    holders.eum.set('0124;phone-context=eq.x', ['CN=other,DC=x']);
    expect(errors(check(values(), facts({ holders })))).toEqual(['extension-taken']);
    const own = noHolders();
    own.eum.set('0124;phone-context=d.x', ['cn=U1,dc=x']);
    expect(check(values(), facts({ holders: own })).status).toBe('ready');
  });
  it('refuses a SIP identifier another recipient holds in any phone context, or as its sip: proxy', () => {
    const inOtherContext = noHolders();
    inOtherContext.eumAnyContext.set('u1@x.test', ['CN=other,DC=x']);
    expect(errors(check(values(), facts({ holders: inOtherContext })))).toEqual(['sri-taken']);
    const asProxy = noHolders();
    asProxy.sip.set('u1@x.test', ['CN=u1,DC=x', 'CN=other,DC=x']);
    expect(errors(check(values(), facts({ holders: asProxy })))).toEqual(['sri-taken']);
  });
  it('explains a display-name-only identity and names the alias to use', () => {
    const verdict = check(values({ Identity: 'User One' }), facts({ users: [], displayNameOnly: [{ ...user, displayName: 'User One' }] }));
    expect(verdict.messages).toEqual([
      expect.objectContaining({ code: 'identity-display-name-only', params: expect.objectContaining({ matches: 'u1', suggestion: 'user1' }) }),
    ]);
  });
  it("checks the PIN as the policy and Exchange's code say", () => {
    expect(errors(check(values({ PIN: '12345' })))).toEqual(['pin-invalid']);
    expect(errors(check(values({ PIN: '1'.repeat(25) })))).toEqual(['pin-invalid']);
    expect(errors(check(values({ PIN: '123456' })))).toEqual(['pin-sequential']);
    expect(check(values({ PIN: '135790' })).status).toBe('ready');
    const allowing = facts({ policy: { dn: 'CN=P,DC=x', name: 'P', dialPlanDn: 'CN=D,DC=x', minPinLength: 4, allowCommonPatterns: true } });
    expect(check(values({ PIN: '1234' }), allowing).status).toBe('ready');
  });
  it('refuses a PIN that ends the primary UM address: the identifier when there is one, else the first extension', () => {
    const allowing = { dn: 'CN=P,DC=x', name: 'P', dialPlanDn: 'CN=D,DC=x', minPinLength: 4, allowCommonPatterns: true };
    const telExtn = facts({ plan: { ...sipPlan, uriType: 'TelExtn' }, policy: allowing });
    expect(errors(check(values({ SIPResourceIdentifier: '', Extensions: '0153', PIN: '0153' }), telExtn))).toEqual(['pin-extension-suffix']);
    expect(
      errors(
        check(
          values({ SIPResourceIdentifier: '', Extensions: '0153', PIN: '0153' }),
          facts({ plan: { ...sipPlan, uriType: 'TelExtn' }, policy: { ...allowing, allowCommonPatterns: false } }),
        ),
      ),
    ).toEqual(['pin-extension-suffix']);
    const e164 = facts({ plan: { ...sipPlan, uriType: 'E164', digits: 5 } });
    expect(errors(check(values({ Extensions: '50126', SIPResourceIdentifier: '+14255550126', PIN: '550126' }), e164))).toEqual(['pin-extension-suffix']);
    // On a SIP URI plan the identifier is the primary address: Exchange accepts the extension's digits; a warning says they are guessable.
    const sip = check(values({ Extensions: '0157', PIN: '0157' }), facts({ policy: allowing }));
    expect(sip.status).toBe('ready');
    expect(codes(sip)).toContain('pin-numeric-extension-suffix');
  });
  it('flags every row of an in-file clash, across equivalent plans and SIP identifiers anywhere, but not one user listed with two numbers', () => {
    const out = crossRowMessages([
      { line: 2, userDn: 'a', claims: [{ address: '0123', contexts: ['d.x', 'eq.x'] }] },
      { line: 3, userDn: 'b', claims: [{ address: '0123', contexts: ['eq.x'] }] },
      {
        line: 4,
        userDn: 'c',
        claims: [
          { address: '0123', contexts: ['other.x'] },
          { address: 's@x', contexts: [ANY_CONTEXT] },
        ],
      },
      { line: 5, userDn: 'd', claims: [{ address: 'S@X', contexts: [ANY_CONTEXT] }] },
      { line: 6, userDn: 'c', claims: [{ address: '0124', contexts: ['other.x'] }] },
    ]);
    expect([...out.keys()].sort()).toEqual([2, 3, 4, 5, 6]);
    expect(out.get(2)![0]).toMatchObject({ code: 'duplicate-in-file', params: { lines: '3' } });
    expect(out.get(5)![0]).toMatchObject({ code: 'duplicate-in-file', params: { lines: '4' } });
    expect(out.get(6)!.map((m) => m.code)).toEqual(['duplicate-user']);
  });
});

describe('journal and export', () => {
  it('reads back finished and in-flight rows, and skips a line torn by a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-journal-'));
    const definition = {
      jobId: 'enable-abcdef',
      createdAt: new Date().toISOString(),
      fileName: 'f.csv',
      fileHash: 'h',
      profile: 'p',
      mapping: {},
      encoding: 'utf-8',
      delimiter: ',',
      dryRun: false,
      concurrency: 2,
      proposeExtensions: false,
      lines: [2, 3, 4],
      edits: [],
      pinEditedLines: [],
    } satisfies JobDefinition;
    const journal = JobJournal.create(dir, definition);
    journal.started(2);
    journal.ended({ line: 2, identity: 'a', outcome: 'enabled', messages: [], attempts: 1 });
    journal.started(3);
    journal.close();
    // A record from before results carried every message, then one torn by a crash.
    appendFileSync(
      join(dir, 'enablement-jobs', 'enable-abcdef', 'journal.jsonl'),
      '{"t":"end","line":4,"outcome":"failed","identity":"c","message":"Refused.","attempts":1,"at":"2024-01-01T00:00:00Z"}\n{"t":"end","line":3,"outc',
    );
    const state = JobJournal.read(dir, 'enable-abcdef')!;
    expect([...state.results.keys()]).toEqual([2, 4]);
    expect(state.results.get(4)).toMatchObject({ outcome: 'failed', messages: ['Refused.'] });
    expect([...state.inFlight]).toEqual([3]);
    expect(state.finishedState).toBeUndefined();
    expect(JobJournal.read(dir, '../etc')).toBeUndefined();
  });

  it('neutralises formula cells and withholds the PIN column', () => {
    expect(['=1+1', '+1', '-1', '@x', '\tx', 'ok'].map(neutralizeFormula)).toEqual(["'=1+1", "'+1", "'-1", "'@x", "'\tx", 'ok']);
    const csv = resultsToCsv({ header: ['Identity', 'PIN', 'Note'], cells: new Map([[2, ['a@x', '123456', '=evil()']]]), mapping: { Identity: 0, PIN: 1 } }, [
      { line: 2, identity: 'a@x', outcome: 'enabled', messages: [], attempts: 1 },
    ]);
    expect(csv).not.toContain('123456');
    expect(csv).toContain("'=evil()");
    expect(csv.startsWith('\uFEFFIdentity,PIN,Note,User,Line,Outcome,Message\r\n')).toBe(true);
  });

  it("exports what ran: an edited value in its column, the file's value beside it, every message", () => {
    const values = {
      Identity: 'u00151@contoso.test',
      Extensions: '00151',
      SIPResourceIdentifier: 'u00151@contoso.test',
      UMMailboxPolicy: 'Redmond Default Policy',
      PIN: '••••••',
      PINExpired: '',
      NotifyEmail: '',
    };
    const source = {
      header: ['UPN', 'Policy', 'Ext', 'SIP', 'PIN', 'Dept'],
      cells: new Map([[2, ['u00150@contoso.test', 'Redmond Default Policy', '00150', 'sip:u00151@contoso.test', '135790', 'Sales']]]),
      mapping: { Identity: 0, UMMailboxPolicy: 1, Extensions: 2, SIPResourceIdentifier: 3, PIN: 4 },
    };
    const result = {
      line: 2,
      identity: 'u00151@contoso.test',
      outcome: 'failed' as const,
      messages: ['First refusal.', 'Second refusal.'],
      attempts: 1,
      values,
      userDn: 'CN=u00151,OU=Users',
      inFile: { Identity: 'u00150@contoso.test', Extensions: '00150', SIPResourceIdentifier: 'sip:u00151@contoso.test' },
    };
    const [header, row] = resultsToCsv(source, [result]).slice(1).split('\r\n');
    expect(header).toBe('UPN,UPN (in file),Policy,Ext,Ext (in file),SIP,SIP (in file),PIN,Dept,User,Line,Outcome,Message');
    expect(row).toBe(
      'u00151@contoso.test,u00150@contoso.test,Redmond Default Policy,00151,00150,u00151@contoso.test,sip:u00151@contoso.test,(not exported),Sales,"CN=u00151,OU=Users",2,failed,First refusal. Second refusal.',
    );
    const [json] = JSON.parse(resultsToJson(source, [result]));
    expect(json).toMatchObject({
      identity: 'u00151@contoso.test',
      messages: ['First refusal.', 'Second refusal.'],
      values: { Identity: 'u00151@contoso.test', PIN: '(not exported)' },
      inFile: { Identity: 'u00150@contoso.test' },
      columns: { UPN: 'u00150@contoso.test', PIN: '(not exported)', Dept: 'Sales' },
    });
    expect(JSON.stringify(json)).not.toContain('135790');
    // Read back from its journal alone (the file no longer held): the fields are the columns.
    const bare = resultsToCsv({ mapping: source.mapping }, [result]).slice(1).split('\r\n')[0];
    expect(bare).toBe(
      'Identity,Identity (in file),Extensions,Extensions (in file),SIPResourceIdentifier,SIPResourceIdentifier (in file),UMMailboxPolicy,User,Line,Outcome,Message',
    );
  });

  it('counts each row once where it belongs: invalid and not-permitted are never failed, already-done never enabled', () => {
    const r = (line: number, outcome: RowResult['outcome']): RowResult => ({ line, identity: `u${line}`, outcome, messages: [], attempts: 0 });
    const counts = countResults([r(2, 'enabled'), r(3, 'already-done'), r(4, 'invalid'), r(5, 'not-permitted'), r(6, 'failed')], 7);
    expect(counts).toEqual({
      total: 7,
      enabled: 1,
      validated: 0,
      alreadyDone: 1,
      failed: 1,
      invalid: 1,
      notPermitted: 1,
      notRun: 0,
      undone: 0,
      skipped: 0,
      remaining: 2,
    });
    expect(describeCounts(counts)).toBe('7 rows: 1 enabled, 1 already done, 1 failed, 1 invalid, 1 not permitted, 2 not reached.');
  });

  it('treats directory and connection failures as transient, Exchange refusals as final', () => {
    expect(isTransientError({ message: 'Exception calling "SendRequest" with "1" argument(s): "The LDAP server is unavailable."' })).toBe(true);
    expect(
      isTransientError({
        message: 'Extension 12345 is already assigned to another user on dial plan Redmond or on an equivalent dial plan.',
        fullyQualifiedErrorId: 'ExtensionNotUniqueException,Enable-UMMailbox',
      }),
    ).toBe(false);
  });
});
