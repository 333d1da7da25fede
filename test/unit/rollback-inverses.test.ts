import { describe, expect, it } from 'vitest';
import type { RowResult } from '@shared/models/enablement';
import { changedSince, inverseOf } from '../../electron/services/enablement/rollback/inverses';

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

describe('each operation supplies its inverse', () => {
  it('undoes an enabled row with Disable-UMMailbox -KeepProperties $false, checked against what the row left', () => {
    expect(inverseOf('enable', row({ before: { umEnabled: false }, after: left }))).toEqual({
      kind: 'undo',
      cmdlet: 'Disable-UMMailbox',
      parameters: { Identity: dn, KeepProperties: false },
      left,
      restores: { umEnabled: false },
    });
  });

  it('reads what an older journal left from the values it sent', () => {
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

  it('leaves out rows the job did not change', () => {
    for (const outcome of ['validated', 'already-done', 'failed', 'invalid', 'not-permitted', 'not-run'] as const)
      expect(inverseOf('enable', row({ outcome }))).toBeUndefined();
  });

  it('says why a row cannot be undone: a PIN reset, an operation without an undo yet, a row without its user', () => {
    expect(inverseOf('pin', row())).toEqual({ kind: 'cannot', reason: { code: 'rollback-pin', severity: 'info', params: {} } });
    expect(inverseOf('move', row())).toMatchObject({ kind: 'cannot', reason: { code: 'rollback-no-inverse', params: { operation: 'move' } } });
    const { userDn: _dn, ...withoutUser } = row();
    expect(inverseOf('enable', withoutUser)).toMatchObject({ kind: 'cannot', reason: { code: 'rollback-no-user' } });
  });
});

describe('a row changed since the job', () => {
  it('is as the job left it: case and order do not matter', () => {
    expect(
      changedSince({ ...left, policy: 'redmond default policy', extensions: ['00390'], sipResourceIdentifier: 'U00390@contoso.test' }, left),
    ).toBeUndefined();
  });

  it('names what differs: gone, disabled, policy, extensions, identifier', () => {
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
  });
});
