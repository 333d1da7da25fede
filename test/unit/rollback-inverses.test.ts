import { describe, expect, it } from 'vitest';
import type { RowResult, UmState } from '@shared/models/enablement';
import { changedSince, inverseOf, isHalfway, phoneContextOf, umStateOf, type Undo } from '../../electron/services/enablement/rollback/inverses';
import { undoOperation } from '../../electron/services/enablement/rollback/undo-operation';
import type { RunRow } from '../../electron/services/enablement/operations/operation';
import type { UserFacts } from '../../electron/services/enablement/validation/row-rules';

const dn = 'CN=u00390,OU=Users,OU=Lab,DC=contoso,DC=test';
const left = { umEnabled: true, policy: 'Redmond Default Policy', extensions: ['00390'], sipResourceIdentifier: 'u00390@contoso.test' };
const row = (over: Partial<RowResult> = {}): RowResult => ({
  line: 2,
  identity: 'u00390@contoso.test',
  outcome: 'enabled',
  messages: [],
  attempts: 1,
  userDn: dn,
  ...over,
});
const undo = (inverse: ReturnType<typeof inverseOf>): Undo => {
  if (inverse?.kind !== 'undo') throw new Error(`not an undo: ${JSON.stringify(inverse)}`);
  return inverse;
};
/** A user as the directory shows it, from a UM state (EUM addresses in the Redmond phone context). */
const user = (state: UmState & { policyDn?: string }): UserFacts => ({
  dn,
  hasMailbox: true,
  umEnabled: !!state.umEnabled,
  ...(state.policy ? { policyDn: `CN=${state.policy},CN=UM Mailbox Policies,CN=contoso` } : {}),
  eumAddresses: [...(state.extensions ?? []), ...(state.sipResourceIdentifier ? [state.sipResourceIdentifier] : [])].map(
    (n) => `${n};phone-context=redmond.contoso.test`,
  ),
  lyncAddress: 'u00390@contoso.test',
  ...(state.lineUri ? { lineUri: state.lineUri } : {}),
  enterpriseVoiceEnabled: !!state.enterpriseVoiceEnabled,
});

describe('each operation supplies its inverse', () => {
  it('undoes an enabled row with Disable-UMMailbox -KeepProperties $false, checked against what the row left', () => {
    expect(inverseOf('enable', row({ before: { umEnabled: false }, after: left }))).toEqual({
      kind: 'undo',
      calls: [{ shell: 'exchange', cmdlet: 'Disable-UMMailbox', parameters: { Identity: dn, KeepProperties: false } }],
      left,
      restores: { umEnabled: false },
    });
  });

  it('reads what an older enable journal left from the values it sent', () => {
    const values = {
      Identity: 'u00390',
      Extensions: '00390',
      SIPResourceIdentifier: '',
      UMMailboxPolicy: 'Redmond Default Policy',
      PIN: '',
      PINExpired: '',
      NotifyEmail: '',
    };
    expect(inverseOf('enable', row({ values }))).toMatchObject({ left: { umEnabled: true, policy: 'Redmond Default Policy', extensions: ['00390'] } });
  });

  it('enables a disabled row again as it was before, with no PIN, and says a new PIN is mailed', () => {
    const inverse = undo(inverseOf('disable', row({ outcome: 'changed', before: { ...left, lineUri: 'tel:+14255550390' }, after: { umEnabled: false } })));
    expect(inverse).toEqual({
      kind: 'undo',
      calls: [
        {
          shell: 'exchange',
          cmdlet: 'Enable-UMMailbox',
          parameters: { Identity: dn, UMMailboxPolicy: 'Redmond Default Policy', Extensions: ['00390'], SIPResourceIdentifier: 'u00390@contoso.test' },
        },
      ],
      left: { umEnabled: false },
      restores: left,
      note: { code: 'rollback-new-pin', severity: 'info', params: {} },
    });
  });

  it('changes back only what a change row changed: the policy, the extensions (added and removed in the phone context), or both', () => {
    const before = { ...left, extensions: ['00390', '00391'] };
    const policyOnly = undo(inverseOf('change', row({ outcome: 'changed', before, after: { ...before, policy: 'Redmond Sales Policy' } })));
    expect(policyOnly.calls).toEqual([{ shell: 'exchange', cmdlet: 'Set-UMMailbox', parameters: { Identity: dn, UMMailboxPolicy: 'Redmond Default Policy' } }]);
    expect(policyOnly.left).toEqual({ umEnabled: true, policy: 'Redmond Sales Policy' });
    expect(policyOnly.restores).toEqual({ umEnabled: true, policy: 'Redmond Default Policy' });

    const extensions = undo(
      inverseOf('change', row({ outcome: 'changed', before, after: { ...before, extensions: ['00391', '00399'] } }), 'redmond.contoso.test'),
    );
    expect(extensions.calls).toEqual([
      {
        shell: 'exchange',
        cmdlet: 'Set-Mailbox',
        parameters: {
          Identity: dn,
          EmailAddresses: { Add: ['eum:00390;phone-context=redmond.contoso.test'], Remove: ['eum:00399;phone-context=redmond.contoso.test'] },
        },
      },
    ]);
    expect(extensions).toMatchObject({
      left: { umEnabled: true, extensions: ['00391', '00399'] },
      restores: { umEnabled: true, extensions: ['00390', '00391'] },
    });
    expect(undo(inverseOf('change', row({ outcome: 'changed', before, after: { ...before, policy: 'X', extensions: ['00399'] } }))).calls).toHaveLength(2);
  });

  it('sets Lync voice back with Set-CsUser through the Lync shell; no line URI before is $null', () => {
    const voice = undo(
      inverseOf(
        'voice',
        row({ outcome: 'changed', before: { enterpriseVoiceEnabled: false }, after: { enterpriseVoiceEnabled: true, lineUri: 'tel:+14255550390' } }),
      ),
    );
    expect(voice).toEqual({
      kind: 'undo',
      calls: [{ shell: 'lync', cmdlet: 'Set-CsUser', parameters: { Identity: dn, EnterpriseVoiceEnabled: false, LineURI: null } }],
      left: { enterpriseVoiceEnabled: true, lineUri: 'tel:+14255550390' },
      restores: { enterpriseVoiceEnabled: false, lineUri: '' },
    });
    const had = undo(
      inverseOf(
        'voice',
        row({
          outcome: 'changed',
          before: { enterpriseVoiceEnabled: true, lineUri: 'tel:+1425555;ext=1' },
          after: { enterpriseVoiceEnabled: true, lineUri: 'tel:+1425556' },
        }),
      ),
    );
    expect(had.calls[0]!.parameters).toMatchObject({ EnterpriseVoiceEnabled: true, LineURI: 'tel:+1425555;ext=1' });
  });

  it('moves a moved row back: Disable-UMMailbox then Enable-UMMailbox as before, one step, with a new PIN', () => {
    const after = { umEnabled: true, policy: 'Tokyo Default Policy', extensions: ['0390'], sipResourceIdentifier: 'u00390@contoso.test' };
    const move = undo(inverseOf('move', row({ outcome: 'changed', before: left, after })));
    expect(move.calls.map((c) => c.cmdlet)).toEqual(['Disable-UMMailbox', 'Enable-UMMailbox']);
    expect(move.calls[1]!.parameters).toEqual({
      Identity: dn,
      UMMailboxPolicy: 'Redmond Default Policy',
      Extensions: ['00390'],
      SIPResourceIdentifier: 'u00390@contoso.test',
    });
    expect(move).toMatchObject({ left: after, restores: left, note: { code: 'rollback-new-pin' } });
    expect(isHalfway(move, { umEnabled: false })).toBe(true);
    expect(isHalfway(move, after)).toBe(false);
  });

  it('leaves out rows the job did not change', () => {
    for (const outcome of ['validated', 'already-done', 'failed', 'invalid', 'not-permitted', 'not-run'] as const)
      expect(inverseOf('enable', row({ outcome }))).toBeUndefined();
  });

  it('says why a row cannot be undone: a PIN reset, a row without its user or without what it recorded', () => {
    expect(inverseOf('pin', row())).toEqual({ kind: 'cannot', reason: { code: 'rollback-pin', severity: 'info', params: {} } });
    const { userDn: _dn, ...withoutUser } = row();
    expect(inverseOf('enable', withoutUser)).toMatchObject({ kind: 'cannot', reason: { code: 'rollback-no-user' } });
    for (const operation of ['disable', 'change', 'voice', 'move'] as const)
      expect(inverseOf(operation, row({ outcome: 'changed' })), operation).toMatchObject({ kind: 'cannot', reason: { code: 'rollback-no-record' } });
  });
});

describe('a row changed since the job', () => {
  it('is as the job left it: case and order do not matter', () => {
    expect(
      changedSince({ ...left, policy: 'redmond default policy', extensions: ['00390'], sipResourceIdentifier: 'U00390@contoso.test' }, left),
    ).toBeUndefined();
  });

  it('names what differs: gone, disabled, policy, extensions, identifier, voice, line URI', () => {
    expect(changedSince(undefined, left)?.code).toBe('rollback-user-gone');
    expect(changedSince({ ...left, umEnabled: false }, left)?.code).toBe('rollback-changed-disabled');
    expect(changedSince({ ...left, policy: 'Tokyo Default Policy' }, left)).toEqual({
      code: 'rollback-changed-policy',
      severity: 'info',
      params: { now: 'Tokyo Default Policy', left: 'Redmond Default Policy' },
    });
    expect(changedSince({ ...left, extensions: ['00390', '00391'] }, left)).toMatchObject({
      code: 'rollback-changed-extensions',
      params: { now: '00390, 00391', left: '00390' },
    });
    expect(changedSince({ ...left, sipResourceIdentifier: undefined }, left)).toMatchObject({ code: 'rollback-changed-sri', params: { now: '—' } });
    const voice = { enterpriseVoiceEnabled: true, lineUri: 'tel:+14255550390' };
    expect(changedSince({ enterpriseVoiceEnabled: false, lineUri: 'tel:+14255550390' }, voice)?.code).toBe('rollback-changed-voice');
    expect(changedSince({ enterpriseVoiceEnabled: true, lineUri: 'tel:+14255550391' }, voice)).toMatchObject({
      code: 'rollback-changed-line-uri',
      params: { now: 'tel:+14255550391', left: 'tel:+14255550390' },
    });
    // A line URI cleared by the undo is "none": a user that has one again changed since.
    expect(changedSince({ enterpriseVoiceEnabled: false }, { enterpriseVoiceEnabled: false, lineUri: '' })).toBeUndefined();
  });

  it('reads the directory in the shape a job records: policy by name, extensions, identifier, voice, phone context', () => {
    const now = user({ ...left, lineUri: 'tel:+14255550390', enterpriseVoiceEnabled: true });
    expect(umStateOf(now)).toEqual({ ...left, lineUri: 'tel:+14255550390', enterpriseVoiceEnabled: true });
    expect(phoneContextOf(now)).toBe('redmond.contoso.test');
    expect(phoneContextOf(user({ umEnabled: false }))).toBeUndefined();
  });
});

describe('the undo operation settles a row by the directory', () => {
  const after = { umEnabled: true, policy: 'Tokyo Default Policy', extensions: ['0390'] };
  const move = undo(inverseOf('move', row({ outcome: 'changed', before: left, after })));
  const operation = undoOperation('move', new Map([[2, move]]));
  const runRow = { line: 2, userDn: dn } as RunRow;

  it('done when as restored, not done when as the job left it or halfway through a move back, else changed by someone', () => {
    expect(operation.settle(user(left), runRow)).toBe('done');
    expect(operation.settle(user(after), runRow)).toBe('not-done');
    expect(operation.settle(user({ umEnabled: false }), runRow)).toBe('not-done');
    expect(operation.settle(user({ ...after, extensions: ['0391'] }), runRow)).toBe('different');
  });

  it('runs only what is left: halfway through a move back, the enable', () => {
    expect(operation.calls(runRow, false, user(after)).map((c) => c.cmdlet)).toEqual(['Disable-UMMailbox', 'Enable-UMMailbox']);
    expect(operation.calls(runRow, false, user({ umEnabled: false })).map((c) => c.cmdlet)).toEqual(['Enable-UMMailbox']);
  });

  it('leaves a row changed since alone, naming what differs, and notes the new PIN', () => {
    expect(operation.undo!.changedSince(user(after), runRow)).toBeUndefined();
    expect(operation.undo!.changedSince(user({ ...after, policy: 'Other Policy' }), runRow)).toMatch(/Other Policy.*Tokyo Default Policy/);
    expect(operation.undo!.note(runRow)).toMatch(/new PIN/);
  });
});
