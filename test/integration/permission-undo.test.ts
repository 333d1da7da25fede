import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestorePreview } from '@shared/models/permissions';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { readObjectDacl, writeExplicitDacl } from '../../electron/services/directory/dacl';
import { addAces } from '../../electron/services/directory/security-descriptor/ace-list';
import { fromSddl } from '../../electron/services/directory/security-descriptor/sddl';
import { api, type MethodName, type MethodOutput } from '@shared/contract';
import { createTestServices, openLabSession } from './support/test-services';

/**
 * Undoing an OU-permission change as an admin can trust it: a preview as access entries (what
 * comes back, what goes), a refusal — with the difference shown — when the OU changed after the
 * change, a refusal when it changed after the preview, the account it acts as named in the result
 * and the audit entry, and the undone entry marked in the history.
 */
const { services, dispatch } = createTestServices();
/** A method through the dispatcher, as the transports call it, its output checked against the contract. */
async function call<M extends MethodName>(method: M, input: unknown): Promise<MethodOutput<M>> {
  const envelope = await dispatch(method, input);
  if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
  return api[method].output.parse(envelope.result) as MethodOutput<M>;
}
let admin: DirectorySession;
const ou = `OU=it-undo-${process.pid},OU=Lab,DC=contoso,DC=test`;
let grantId: string;
let grantedEntries: number;

/** Another admin changes the OU meanwhile: Account Operators may read its properties. */
async function someoneElseAddsAnEntry(sddl = '(A;;RP;;;AO)'): Promise<void> {
  const dacl = (await readObjectDacl(admin, ou))!;
  const domainSid = 'S-1-5-21-0-0-0';
  const extra = fromSddl(`D:${sddl}`, domainSid).dacl!.aces;
  await writeExplicitDacl(admin, ou, dacl, addAces(dacl.aces, extra).aces);
}

beforeAll(async () => {
  admin = await openLabSession('lab');
  await admin.add(ou, { objectClass: 'organizationalUnit' });
  for (const profile of ['lab', 'lab-readonly', 'lab-fabrikam']) await services.connections.connect(profile);
  const preview = await services.permissions.preview('lab', ou, ['Contact'], 'grant');
  const granted = await services.permissions.grant('lab', ou, ['Contact'], 'ldap', [], preview.daclVersion);
  grantId = granted.auditId!;
  grantedEntries = granted.changed.length;
}, 120_000);
afterAll(async () => {
  await admin.delete(ou).catch(() => undefined);
  await admin.close();
  await services.shutdown();
});

describe('undo preview', () => {
  it('shows the undo as access entries: what it takes away and puts back, before and after, as whom', async () => {
    const preview = await call('permissions.restorePreview', { auditId: grantId });
    expect(preview.entry).toMatchObject({ action: 'permissions.grant', types: ['Contact'], actor: { profile: 'lab', forest: 'contoso.test' } });
    expect(preview.takenAway).toHaveLength(grantedEntries);
    expect(preview.takenAway.map((a) => a.trustee)).toContain('RTCUniversalUserAdmins');
    expect(preview.putBack).toEqual([]);
    expect(preview.now.length - preview.after.length).toBe(grantedEntries);
    expect(preview.changedSince).toBeUndefined();
    expect(preview.inheritance).toEqual({ now: true, after: true });
    expect(preview).toMatchObject({ writable: true, actor: { profile: 'lab', identity: 'Administrator@contoso.test', forest: 'contoso.test' } });
    // The same preview as a read-only account: it may not change this OU.
    expect((await call('permissions.restorePreview', { auditId: grantId, profile: 'lab-readonly' })).writable).toBe(false);
  });

  it('refuses to act as a profile of another forest', async () => {
    await expect(services.permissions.restorePreview(grantId, 'lab-fabrikam')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('undo after the OU changed', () => {
  let preview: RestorePreview;

  it('lists the later change the undo would also revert, and refuses unless forced', async () => {
    await someoneElseAddsAnEntry();
    preview = await services.permissions.restorePreview(grantId);
    expect(preview.changedSince?.added.map((a) => `${a.trustee}:${a.rights.join('')}`)).toEqual(['Account Operators:RP']);
    expect(preview.changedSince?.removed).toEqual([]);
    // The undo would take the other admin's entry away too: it is listed with the grant's.
    expect(preview.takenAway.map((a) => a.trustee)).toContain('Account Operators');
    await expect(services.permissions.restore(grantId, false, undefined, preview.daclVersion)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses an undo whose preview is out of date, even when forced', async () => {
    await someoneElseAddsAnEntry('(A;;RP;;;PO)');
    await expect(services.permissions.restore(grantId, true, undefined, preview.daclVersion)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('changed since you previewed'),
    });
  });

  it('as an account without Modify permissions: refused, nothing written', async () => {
    const fresh = await services.permissions.restorePreview(grantId, 'lab-readonly');
    await expect(services.permissions.restore(grantId, true, 'lab-readonly', fresh.daclVersion)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect((await services.permissions.test('lab', ou, ['Contact'])).types[0]!.status).toBe('granted');
  });

  it('forced on a fresh preview: done, as the profile chosen, named in the result and the audit entry; the entry is marked undone', async () => {
    const fresh = await services.permissions.restorePreview(grantId, 'lab');
    const result = await services.permissions.restore(grantId, true, 'lab', fresh.daclVersion);
    expect(result.actor).toEqual({ profile: 'lab', identity: 'Administrator@contoso.test', forest: 'contoso.test' });
    expect((await services.permissions.test('lab', ou, ['Contact'])).types[0]!.status).toBe('not-granted');
    const audit = services.audit.get(result.auditId!)!;
    expect(audit).toMatchObject({ action: 'permissions.restore', undoes: grantId, actor: { profile: 'lab', forest: 'contoso.test' } });
    const history = await call('permissions.history', { ou, limit: 10 });
    // The refused undo by lab-readonly is in the history too, and marks nothing.
    expect(history.entries.map((e) => [e.action, e.outcome, e.undoes === grantId, e.undoneBy?.id])).toEqual([
      ['permissions.restore', 'succeeded', true, undefined],
      ['permissions.restore', 'failed', true, undefined],
      ['permissions.grant', 'succeeded', false, result.auditId],
    ]);
    expect((await services.permissions.restorePreview(grantId)).undoneBy?.id).toBe(result.auditId);
  });
});
