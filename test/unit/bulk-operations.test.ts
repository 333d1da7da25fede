import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../electron/services/enablement/job/enablement-runner';
import { changeOperation } from '../../electron/services/enablement/operations/change';
import { disableOperation } from '../../electron/services/enablement/operations/disable';
import { operationOf } from '../../electron/services/enablement/operations/operations';
import { moveOperation } from '../../electron/services/enablement/operations/move';
import { pinOperation } from '../../electron/services/enablement/operations/pin';
import { extensionFromLineUri, voiceOperation } from '../../electron/services/enablement/operations/voice';
import type { Holders, RowFacts, UserFacts } from '../../electron/services/enablement/validation/row-rules';
import { operationFields } from '../../shared/enablement/operations';
import { bulkOperationSchema, emptyRowValues } from '../../shared/models/enablement';

/** The row rules and calls of the bulk operations after enable, pure, without a directory. */
const policy = { dn: 'CN=P,DC=x', name: 'P', dialPlanDn: 'CN=D,DC=x', minPinLength: 6, allowCommonPatterns: false };
const enabled: UserFacts = {
  dn: 'CN=u1,DC=x',
  name: 'u1',
  alias: 'user1',
  hasMailbox: true,
  umEnabled: true,
  policyDn: 'CN=P,DC=x',
  eumAddresses: ['u1@x.test;phone-context=d.x', '0123;phone-context=d.x'],
  sipProxy: 'u1@x.test',
};
/** The user's dial plan: SIP URI, 4 digits. */
const plan = {
  dn: 'CN=D,DC=x',
  name: 'D',
  uriType: 'SipName' as const,
  digits: 4,
  phoneContext: 'd.x',
  contexts: ['d.x'],
  sipResourceIdentifierRequired: true,
  pilots: [],
  nearPilots: [],
};
const noHolders = (): Holders => ({ eum: new Map(), eumAnyContext: new Map(), sip: new Map() });
const facts = (patch: Partial<RowFacts> = {}): RowFacts => ({ users: [enabled], current: { policy }, holders: noHolders(), ...patch });
const values = (patch = {}) => ({ ...emptyRowValues('user1'), ...patch });
const options = { proposeExtensions: false };
const codes = (v: { messages: Array<{ code: string }> }) => v.messages.map((m) => m.code);
const row = (patch: Partial<RunRow> = {}): RunRow => ({
  line: 2,
  identity: 'user1',
  values: values(),
  inFile: {},
  userDn: 'CN=u1,DC=x',
  policy: '',
  policyDn: '',
  extensions: [],
  sri: '',
  pin: '',
  pinExpired: '',
  notifyEmail: '',
  expectedExtensions: [],
  recheckFirst: false,
  ...patch,
});

describe('operations', () => {
  it('has each operation of the bulk screen, needing Identity, and refuses one the console does not run yet', () => {
    for (const name of bulkOperationSchema.options) expect(operationFields[name].required).toContain('Identity');
    expect(operationOf().name).toBe('enable');
    expect(operationOf('disable')).toBe(disableOperation);
    for (const name of bulkOperationSchema.options) expect(operationOf(name).name).toBe(name);
  });
});

describe('disable', () => {
  it('is ready for a UM-enabled mailbox, already done for one without UM, invalid for what -Identity cannot resolve', () => {
    expect(disableOperation.check(values(), facts(), options)).toMatchObject({ status: 'ready', messages: [], extensions: [] });
    const off = disableOperation.check(values(), facts({ users: [{ ...enabled, umEnabled: false }] }), options);
    expect([off.status, codes(off)]).toEqual(['already-done', ['disable-not-enabled']]);
    expect(codes(disableOperation.check(values(), facts({ users: [] }), options))).toEqual(['user-not-found']);
    expect(codes(disableOperation.check(values(), facts({ users: [{ ...enabled, hasMailbox: false }] }), options))).toEqual(['no-mailbox']);
    expect(codes(disableOperation.check(values({ Identity: ' ' }), facts(), options))).toEqual(['identity-missing']);
  });

  it('runs Disable-UMMailbox by DN without a prompt, nothing in a dry run; the directory says when it is done', () => {
    expect(disableOperation.calls(row(), false)).toEqual([
      { shell: 'exchange', cmdlet: 'Disable-UMMailbox', parameters: { Identity: 'CN=u1,DC=x', Confirm: false } },
    ]);
    expect(disableOperation.calls(row(), true)).toEqual([]);
    expect(disableOperation.settle({ ...enabled, umEnabled: false }, row())).toBe('done');
    expect(disableOperation.settle(enabled, row())).toBe('not-done');
  });
});

describe('pin', () => {
  it("checks a PIN from the file against the user's own policy, and PINExpired and NotifyEmail as given", () => {
    expect(pinOperation.check(values({ PIN: '480913' }), facts(), options).status).toBe('ready');
    expect(pinOperation.check(values(), facts(), options).status).toBe('ready'); // Exchange generates one
    expect(codes(pinOperation.check(values({ PIN: '1234' }), facts(), options))).toEqual(['pin-invalid']);
    expect(codes(pinOperation.check(values({ PIN: '654321' }), facts(), options))).toEqual(['pin-sequential']);
    expect(codes(pinOperation.check(values({ PIN: '654321' }), facts({ current: { policy: { ...policy, allowCommonPatterns: true } } }), options))).toEqual([]);
    expect(codes(pinOperation.check(values({ PINExpired: 'maybe', NotifyEmail: 'a b' }), facts(), options))).toEqual([
      'pin-expired-invalid',
      'notify-email-invalid',
    ]);
  });

  it('refuses a mailbox without UM, or whose policy is unknown', () => {
    expect(codes(pinOperation.check(values(), facts({ users: [{ ...enabled, umEnabled: false }] }), options))).toEqual(['pin-not-enabled']);
    expect(codes(pinOperation.check(values(), facts({ current: {} }), options))).toEqual(['pin-policy-unknown']);
  });

  it('sends only what the row gives, the PIN from memory; a reset cannot be read back, so an interrupted row runs again', () => {
    expect(pinOperation.calls(row({ pin: '480913', pinExpired: 'FALSE', notifyEmail: 'h@x.test' }), false)).toEqual([
      { shell: 'exchange', cmdlet: 'Set-UMMailboxPIN', parameters: { Identity: 'CN=u1,DC=x', Pin: '480913', PINExpired: false, NotifyEmail: 'h@x.test' } },
    ]);
    expect(pinOperation.calls(row(), false)[0]!.parameters).toEqual({ Identity: 'CN=u1,DC=x' });
    expect(pinOperation.settle(enabled, row())).toBeUndefined();
    expect(JSON.stringify([pinOperation.requested(row({ pin: '480913' })), pinOperation.after(row({ pin: '480913' }))])).not.toContain('480913');
  });
});

describe('change', () => {
  const other = { ...policy, dn: 'CN=Q,DC=x', name: 'Q' };
  const changeFacts = (patch: Partial<RowFacts> = {}) => facts({ policy, plan, current: { policy, plan }, ...patch });

  it("changes a policy within the dial plan, or extensions under enable's rules; another plan is a move", () => {
    expect(changeOperation.check(values({ UMMailboxPolicy: 'Q' }), changeFacts({ policy: other }), options).status).toBe('ready');
    const moved = changeOperation.check(
      values({ UMMailboxPolicy: 'T' }),
      changeFacts({ policy: { ...other, dialPlanDn: 'CN=T,DC=x' }, plan: { ...plan, dn: 'CN=T,DC=x', name: 'T' } }),
      options,
    );
    expect(codes(moved)).toEqual(['change-other-dial-plan']);
    expect(changeOperation.check(values({ Extensions: '0456' }), changeFacts(), options)).toMatchObject({ status: 'ready', extensions: ['0456'] });
    expect(codes(changeOperation.check(values({ Extensions: '456' }), changeFacts(), options))).toEqual(['extension-invalid']);
    const holders = noHolders();
    holders.eum.set('0456;phone-context=d.x', ['CN=other,DC=x']);
    expect(codes(changeOperation.check(values({ Extensions: '0456' }), changeFacts({ holders }), options))).toEqual(['extension-taken']);
  });

  it('says when nothing would change, and refuses a row that asks for nothing or a mailbox without UM', () => {
    expect(changeOperation.check(values({ Extensions: '0123' }), changeFacts(), options).status).toBe('already-done');
    expect(codes(changeOperation.check(values(), changeFacts(), options))).toEqual(['change-nothing']);
    expect(codes(changeOperation.check(values({ Extensions: '0456' }), changeFacts({ users: [{ ...enabled, umEnabled: false }] }), options))).toEqual([
      'change-not-enabled',
    ]);
  });

  it('runs Set-UMMailbox for a new policy and Set-Mailbox adding and removing only the changed EUM addresses', () => {
    const before = { umEnabled: true, policy: 'P', extensions: ['0123'] };
    expect(changeOperation.calls(row({ policy: 'Q', before }), false)).toEqual([
      { shell: 'exchange', cmdlet: 'Set-UMMailbox', parameters: { Identity: 'CN=u1,DC=x', UMMailboxPolicy: 'Q' } },
    ]);
    expect(changeOperation.calls(row({ extensions: ['0456'], phoneContext: 'd.x', before }), false)).toEqual([
      {
        shell: 'exchange',
        cmdlet: 'Set-Mailbox',
        parameters: { Identity: 'CN=u1,DC=x', EmailAddresses: { Add: ['eum:0456;phone-context=d.x'], Remove: ['eum:0123;phone-context=d.x'] } },
      },
    ]);
    expect(changeOperation.calls(row({ policy: 'Q', before }), true)).toEqual([]);
    expect(changeOperation.settle(enabled, row({ policyDn: 'CN=P,DC=x', extensions: ['0123'] }))).toBe('done');
    expect(changeOperation.settle(enabled, row({ policyDn: 'CN=Q,DC=x' }))).toBe('not-done');
  });
});

describe('voice', () => {
  const lync = { ...enabled, lyncAddress: 'u1@x.test', lineUri: 'tel:+14255550123', enterpriseVoiceEnabled: true };
  const v = (LineURI: string) => values({ LineURI });

  it('takes a tel: E.164 line URI, with or without ;ext=, for a Lync user; the same URI with Enterprise Voice is already done', () => {
    expect(voiceOperation.check(v('tel:+14255551297;ext=51297'), facts({ users: [lync] }), options).status).toBe('ready');
    expect(voiceOperation.check(v('TEL:+14255551297'), facts({ users: [lync] }), options).status).toBe('ready');
    expect(voiceOperation.check(v('tel:+14255550123'), facts({ users: [lync] }), options).status).toBe('already-done');
    expect(voiceOperation.check(v('tel:+14255550123'), facts({ users: [{ ...lync, enterpriseVoiceEnabled: false }] }), options).status).toBe('ready');
    for (const bad of ['4255551297', 'tel:4255551297', 'tel:+0425', 'tel:+1425;ext=', 'sip:a@x', 'tel:+1"; $(x)'])
      expect(codes(voiceOperation.check(v(bad), facts({ users: [lync] }), options)), bad).toEqual(['line-uri-invalid']);
    expect(codes(voiceOperation.check(v(''), facts({ users: [lync] }), options))).toEqual(['line-uri-missing']);
    expect(codes(voiceOperation.check(v('tel:+14255551297'), facts(), options))).toEqual(['voice-not-lync-enabled']);
  });

  it('runs Set-CsUser in the Lync shell, and proposes the ;ext= digits for the UM enablement that follows', () => {
    expect(voiceOperation.calls(row({ values: v(' tel:+14255551297;ext=51297 ') }), false)).toEqual([
      { shell: 'lync', cmdlet: 'Set-CsUser', parameters: { Identity: 'CN=u1,DC=x', EnterpriseVoiceEnabled: true, LineURI: 'tel:+14255551297;ext=51297' } },
    ]);
    expect(voiceOperation.settle(lync, row({ values: v('TEL:+14255550123') }))).toBe('done');
    expect(voiceOperation.settle(lync, row({ values: v('tel:+14255551297') }))).toBe('not-done');
    expect(extensionFromLineUri('tel:+14255551297;ext=51297')).toBe('51297');
    expect(extensionFromLineUri('tel:+14255551297')).toBeUndefined();
  });
});

describe('move', () => {
  const redmond = plan;
  const sipPlan = { ...redmond, dn: 'CN=K,DC=x', name: 'K', phoneContext: 'k.x', contexts: ['k.x'] };
  const telPlan = { ...redmond, dn: 'CN=L,DC=x', name: 'L', uriType: 'TelExtn' as const, digits: 5, phoneContext: 'l.x', contexts: ['l.x'] };
  const target = (plan: typeof sipPlan | typeof telPlan) => ({
    policy: { ...policy, dn: `CN=P${plan.name},DC=x`, name: `P${plan.name}`, dialPlanDn: plan.dn },
    plan,
  });
  // A Lync user: the Lync SIP address check of enable applies to the enable half.
  const moveFacts = (patch: Partial<RowFacts> = {}) =>
    facts({ users: [{ ...enabled, lyncAddress: 'u1@x.test' }], current: { policy, plan: redmond }, ...target(sipPlan), ...patch });

  it("keeps the extension and identifier where the target plan allows, else follows enable's rules there", () => {
    const kept = moveOperation.check(values({ UMMailboxPolicy: 'PK' }), moveFacts(), options);
    expect(kept).toMatchObject({ status: 'ready', extensions: ['0123'], sri: 'u1@x.test', sent: { extensions: ['0123'], sri: 'u1@x.test' } });
    // A TelExtn plan of 5 digits: the 4-digit extension cannot go along, the identifier is not allowed there.
    const tel = moveOperation.check(values({ UMMailboxPolicy: 'PL' }), moveFacts(target(telPlan)), options);
    expect(codes(tel)).toContain('extension-required');
    expect(moveOperation.check(values({ UMMailboxPolicy: 'PL', Extensions: '12345' }), moveFacts(target(telPlan)), options).status).toBe('ready');
  });

  it('refuses a mailbox without UM and a policy of its own dial plan; the same policy is already done', () => {
    expect(codes(moveOperation.check(values({ UMMailboxPolicy: 'PK' }), moveFacts({ users: [{ ...enabled, umEnabled: false }] }), options))).toEqual([
      'move-not-enabled',
    ]);
    expect(
      codes(moveOperation.check(values({ UMMailboxPolicy: 'Q' }), moveFacts({ policy: { ...policy, dn: 'CN=Q,DC=x', name: 'Q' }, plan: redmond }), options)),
    ).toEqual(['move-same-dial-plan']);
    expect(moveOperation.check(values({ UMMailboxPolicy: 'P' }), moveFacts({ policy, plan: redmond }), options).status).toBe('already-done');
  });

  it('is a disable then an enable; a re-check that found the mailbox disabled leaves only the enable', () => {
    const r = row({ policy: 'PK', policyDn: 'CN=PK,DC=x', extensions: ['0123'], sri: 'u1@x.test', expectedExtensions: ['0123'], expectedSri: 'u1@x.test' });
    expect(moveOperation.calls(r, false).map((c) => c.cmdlet)).toEqual(['Disable-UMMailbox', 'Enable-UMMailbox']);
    expect(moveOperation.calls(r, false, { ...enabled, umEnabled: false }).map((c) => c.cmdlet)).toEqual(['Enable-UMMailbox']);
    expect(moveOperation.calls(r, false)[1]!.parameters).toEqual({
      Identity: 'CN=u1,DC=x',
      UMMailboxPolicy: 'PK',
      Extensions: ['0123'],
      SIPResourceIdentifier: 'u1@x.test',
    });
    expect(moveOperation.calls(r, true)).toEqual([]);
    expect(moveOperation.settle({ ...enabled, umEnabled: false }, r)).toBe('not-done');
    expect(moveOperation.settle(enabled, r)).toBe('not-done'); // still on the old policy
    expect(moveOperation.settle({ ...enabled, policyDn: 'CN=PK,DC=x', eumAddresses: ['u1@x.test;phone-context=k.x', '0123;phone-context=k.x'] }, r)).toBe(
      'done',
    );
  });
});
