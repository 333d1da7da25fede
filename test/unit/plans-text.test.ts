import { describe, expect, it } from 'vitest';
import type { BulkOperation } from '@shared/models/enablement';
import type { PlanDocument, PlanIntent } from '@shared/models/plans';
import { factText, planHeadline } from '@shared/plans/plan-text';

/** A bulk plan's intent of `n` rows for the operation (the rows' values do not matter to the headline). */
function bulk(operation: BulkOperation | undefined, n: number): Pick<PlanDocument, 'intent' | 'steps'> {
  const row = {
    line: 2,
    Identity: 'u@contoso.test',
    Extensions: '',
    SIPResourceIdentifier: '',
    UMMailboxPolicy: '',
    PINExpired: '',
    NotifyEmail: '',
    pin: false,
  };
  const intent: PlanIntent = {
    kind: 'enablement',
    ...(operation ? { operation } : {}),
    mapping: { Identity: 0 },
    proposeExtensions: false,
    allowSipMismatch: false,
    rows: Array.from({ length: n }, (_, i) => ({ ...row, line: i + 2 })),
  };
  return { intent, steps: [] };
}

describe('a plan in plain words', () => {
  it('says what each bulk operation does, how many users and with which cmdlets, in both languages', () => {
    expect(planHeadline(bulk(undefined, 2), 'en')).toBe('Enable Unified Messaging for 2 users (Enable-UMMailbox).');
    expect(planHeadline(bulk('enable', 1), 'zh-TW')).toBe('為 1 位使用者啟用整合通訊 (Enable-UMMailbox)。');
    expect(planHeadline(bulk('voice', 1), 'en')).toBe('Enable Lync Enterprise Voice with the line URI from the file for 1 user (Set-CsUser).');
    expect(planHeadline(bulk('change', 3), 'en')).toBe(
      'Change the UM mailbox policy or the extensions of 3 users, within their UM dial plan (Set-UMMailbox, Set-Mailbox).',
    );
    expect(planHeadline(bulk('pin', 1_200), 'en')).toBe('Reset the UM PIN of 1,200 users (Set-UMMailboxPIN).');
    expect(planHeadline(bulk('pin', 2), 'zh-TW')).toBe('重設 2 位使用者的 UM PIN (Set-UMMailboxPIN)。');
    expect(planHeadline(bulk('disable', 2), 'zh-TW')).toBe('停用 2 位使用者的整合通訊 (Disable-UMMailbox)。');
    expect(planHeadline(bulk('move', 2), 'en')).toBe(
      'Move 2 users to a UM mailbox policy of another UM dial plan: each is disabled, then enabled again with the new policy (Disable-UMMailbox, Enable-UMMailbox).',
    );
  });

  it('counts contacts created, edited, moved and deleted', () => {
    const input = { profile: 'lab', dn: 'CN=x,OU=UM Contacts,DC=contoso,DC=test', expectedVersion: '1', loaded: {}, route: 'ldap' as const };
    const contacts = (ops: Array<'update' | 'move' | 'delete'>): Pick<PlanDocument, 'intent' | 'steps'> => ({
      intent: {
        kind: 'contacts',
        operations: ops.map((op) =>
          op === 'update'
            ? { op, input: { ...input, changes: { name: 'y' } } }
            : op === 'move'
              ? { op, input: { ...input, targetOuDn: 'OU=z' } }
              : { op, input },
        ),
      },
      steps: [],
    });
    expect(planHeadline(contacts(['update']), 'en')).toBe('Edit 1 Subscriber Access or Auto Attendant contact.');
    expect(planHeadline(contacts(['update', 'move', 'move', 'delete']), 'en')).toBe(
      'Edit 1, move 2 and delete 1 Subscriber Access or Auto Attendant contacts.',
    );
    expect(planHeadline(contacts(['move', 'delete']), 'zh-TW')).toBe('移動 1 個、刪除 1 個訂戶存取或自動語音應答連絡人。');
  });

  it("translates a bulk fact's attribute and its yes and no", () => {
    expect(factText({ attribute: 'umEnabled', value: 'no' }, 'zh-TW')).toEqual({ attribute: '目前已啟用整合通訊', value: '否' });
    expect(factText({ attribute: 'lineUri', value: 'tel:+14255550100' }, 'en')).toEqual({ attribute: 'Current line URI', value: 'tel:+14255550100' });
  });
});
