import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { DirectorySession as Session } from '../../electron/services/directory/directory-session';
import { SdFlags, SdFlagsControl } from '../../electron/services/directory/sd-flags-control';
import { encodeSecurityDescriptor, fromSddl, parseSecurityDescriptor, SdControl, toSddl } from '../../electron/services/permissions/security-descriptor';
import { createTestServices, openLabSession } from './support/test-services';
import { runCli } from './support/cli';

/**
 * Grant / Test / Revoke-CsOUPermission against the lab. The proof is behavioural: lab-useradmin
 * (RTCUniversalUserAdmins) binds and tries to write a Lync attribute on a contact in the OU;
 * Samba's access check is the judge, and Test must agree with what the writes show.
 */
const { services } = createTestServices();
let admin: DirectorySession;
const root = 'DC=contoso,DC=test';
const ou = `OU=it-perm-${process.pid},OU=Lab,${root}`;
const child = `OU=Sealed,${ou}`;
const contact = `CN=Perm Probe,${ou}`;
const delegated = `OU=Delegated,OU=Lab,${root}`;

/** Binds as lab-useradmin and tries to enable the contact for Lync; true when the DC allows it. */
async function userAdminCanWriteRtc(): Promise<boolean> {
  const session = await Session.open(services.profiles.get('lab-useradmin').directory, services.profiles.resolveSecret('lab-useradmin')!);
  try {
    await session.modify(contact, [{ operation: 'replace', attribute: 'msRTCSIP-UserEnabled', values: 'TRUE' }]);
    await session.modify(contact, [{ operation: 'replace', attribute: 'msRTCSIP-PrimaryUserAddress', values: 'sip:perm-probe@contoso.test' }]);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ACCESS_DENIED') return false;
    throw error;
  } finally {
    await session.close();
  }
}

const explicitCount = async () => (await services.permissions.preview('lab', ou, ['Contact'], 'grant')).current.filter((a) => !a.inherited).length;

beforeAll(async () => {
  admin = await openLabSession('lab');
  await admin.add(ou, { objectClass: 'organizationalUnit' });
  await admin.add(child, { objectClass: 'organizationalUnit' });
  await admin.add(contact, { objectClass: 'contact', displayName: 'Perm Probe' });
  await services.connections.connect('lab');
});
afterAll(async () => {
  for (const dn of [contact, child, ou]) await admin.delete(dn).catch(() => undefined);
  await admin.close();
  await services.shutdown();
});

describe('the codec against every descriptor in the lab', () => {
  it('round-trips each binary descriptor exactly, and through SDDL to the same model', async () => {
    const { sidToString } = await import('../../electron/services/directory/dir-entry');
    let count = 0;
    for (const base of [root, `CN=Configuration,${root}`]) {
      const entries = await admin.search(base, { filter: '(objectClass=*)', attributes: ['nTSecurityDescriptor'], controls: [new SdFlagsControl(SdFlags.OWNER | SdFlags.GROUP | SdFlags.DACL)] });
      const domainSid = sidToString((await admin.read(root, ['objectSid']))!.getBuffer('objectSid')!);
      for (const entry of entries) {
        const bytes = entry.getBuffer('nTSecurityDescriptor');
        if (!bytes) continue;
        const sd = parseSecurityDescriptor(bytes);
        expect(encodeSecurityDescriptor(sd).equals(bytes), entry.dn).toBe(true);
        // SDDL has no spelling for the *_DEFAULTED control bits; everything else must survive.
        const again = fromSddl(toSddl(sd, { domainSid }), domainSid);
        const expressible = { ...sd, control: sd.control & ~(SdControl.OWNER_DEFAULTED | SdControl.GROUP_DEFAULTED | SdControl.DACL_DEFAULTED | SdControl.SACL_DEFAULTED) };
        expect(encodeSecurityDescriptor(again).equals(encodeSecurityDescriptor(expressible)), entry.dn).toBe(true);
        count++;
      }
    }
    expect(count).toBeGreaterThan(1000);
  });
});

describe('grant, test and revoke over LDAP', () => {
  it('before the grant lab-useradmin cannot write Lync attributes, and Test says not granted', async () => {
    expect(await userAdminCanWriteRtc()).toBe(false);
    const test = await services.permissions.test('lab', ou, ['Contact', 'User']);
    expect(test.types.map((t) => t.status)).toEqual(['not-granted', 'not-granted']);
  });

  it('previews exactly the entries the grant adds, beside the current DACL, with the Lync command', async () => {
    const preview = await services.permissions.preview('lab', ou, ['Contact'], 'grant');
    expect(preview.changes.length).toBeGreaterThan(10);
    expect(preview.unchanged).toEqual([]);
    expect(preview.current.length).toBeGreaterThan(0);
    expect(preview.commands).toEqual([`Grant-CsOUPermission -OU '${ou}' -ObjectType 'Contact'`]);
    const writes = preview.changes.filter((c) => c.rights.includes('WP'));
    expect(writes.every((c) => c.trustee === 'RTCUniversalUserAdmins' && c.appliesTo === 'descendants-of-class' && c.appliesToClass === 'contact')).toBe(true);
    expect(writes.map((c) => c.object)).toEqual(expect.arrayContaining(['RTCPropertySet', 'RTCUserSearchPropertySet', 'msExchUCVoiceMailSettings']));
  });

  let grantAudit = '';
  it('grants: lab-useradmin can now write, Test agrees, and the change is audited with both DACLs', async () => {
    const result = await services.permissions.grant('lab', ou, ['Contact'], 'ldap');
    expect(result.changed.length).toBeGreaterThan(10);
    expect(result.sddlAfter).not.toBe(result.sddlBefore);
    expect(await userAdminCanWriteRtc()).toBe(true);
    expect((await services.permissions.test('lab', ou, ['Contact'])).types[0]).toMatchObject({ type: 'Contact', status: 'granted', missing: [] });
    const audit = services.audit.get(result.auditId!)!;
    expect(audit).toMatchObject({ action: 'permissions.grant', target: ou, outcome: 'succeeded', actor: { profile: 'lab' } });
    expect((audit.before as { sddl: string }).sddl).toMatch(/^D:/);
    grantAudit = result.auditId!;
  });

  it('granting again adds nothing (no duplicate entries) and writes nothing', async () => {
    const before = await explicitCount();
    const again = await services.permissions.grant('lab', ou, ['Contact'], 'ldap');
    expect(again.changed).toEqual([]);
    expect(again.auditId).toBeUndefined();
    expect(await explicitCount()).toBe(before);
  });

  it('reports a partial grant with what is missing', async () => {
    const one = (await services.permissions.preview('lab', ou, ['Contact'], 'grant')).current.find((a) => a.object === 'RTCPropertySet' && a.trustee === 'RTCUniversalUserAdmins')!;
    expect(one).toBeDefined();
    const test = await services.permissions.test('lab', ou, ['Contact', 'User']);
    // The entries on the OU itself are shared by every type: they alone do not make User "partly granted".
    expect(test.types.find((t) => t.type === 'User')!.status).toBe('not-granted');
    // Take one of Contact's own entries away: Contact is partly granted, and Test names what is missing.
    const { canonicalizeAces, encodeDaclWrite, parseSecurityDescriptor: parse } = await import('../../electron/services/permissions/security-descriptor');
    const raw = parse((await admin.read(ou, ['nTSecurityDescriptor'], [new SdFlagsControl(SdFlags.DACL)]))!.getBuffer('nTSecurityDescriptor')!);
    const { aceKey } = await import('../../electron/services/permissions/security-descriptor');
    const kept = raw.dacl!.aces.filter((a) => !(a.flags & 0x10) && aceKey(a) !== one.key);
    await admin.modify(ou, [{ operation: 'replace', attribute: 'nTSecurityDescriptor', values: encodeDaclWrite({ ...raw, dacl: { revision: 4, aces: canonicalizeAces(kept) } }) }], [new SdFlagsControl(SdFlags.DACL)]);
    const partial = (await services.permissions.test('lab', ou, ['Contact'])).types[0]!;
    expect(partial.status).toBe('partial');
    expect(partial.missing.map((m) => m.key)).toEqual([one.key]);
    // Granting again adds exactly the missing entry.
    expect((await services.permissions.grant('lab', ou, ['Contact'], 'ldap')).changed.map((c) => c.key)).toEqual([one.key]);
  });

  it('revoking User (not granted) leaves the Contact grant intact', async () => {
    const result = await services.permissions.revoke('lab', ou, ['User'], 'ldap');
    expect(result.changed).toEqual([]);
    expect((await services.permissions.test('lab', ou, ['Contact'])).types[0]!.status).toBe('granted');
  });

  it('revokes exactly what the recipe added: the DACL is back to what it was, and lab-useradmin is refused again', async () => {
    const original = (services.audit.get(grantAudit)!.before as { sddl: string }).sddl;
    const result = await services.permissions.revoke('lab', ou, ['Contact'], 'ldap');
    expect(result.changed.length).toBeGreaterThan(10);
    expect(result.sddlAfter).toBe(original);
    expect(await userAdminCanWriteRtc()).toBe(false);
    expect((await services.permissions.test('lab', ou, ['Contact'])).types[0]!.status).toBe('not-granted');
  });

  it('restores the DACL from an audit entry, and refuses a stale restore unless forced', async () => {
    const stale = await services.permissions.restore(grantAudit, false).catch((e) => e);
    expect(stale.code).toBe('CONFLICT');
    const history = services.permissions.history(ou);
    expect(history.map((h) => h.action)).toEqual(['permissions.revoke', 'permissions.grant', 'permissions.grant']);
    // Undo the revoke: the grant's DACL comes back.
    const restored = await services.permissions.restore(history[0]!.id, false);
    expect(restored.changed.length).toBeGreaterThan(10);
    expect((await services.permissions.test('lab', ou, ['Contact'])).types[0]!.status).toBe('granted');
    expect(await userAdminCanWriteRtc()).toBe(true);
    await services.permissions.revoke('lab', ou, ['Contact'], 'ldap');
  });

  it('refuses a grant by an account without Modify permissions, and writes nothing', async () => {
    await services.connections.connect('lab-useradmin');
    const before = await explicitCount();
    const error = await services.permissions.grant('lab-useradmin', ou, ['Contact'], 'ldap').catch((e) => e);
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.message).toContain('Nothing was written');
    expect(await explicitCount()).toBe(before);
  });
});

describe('warnings and scans', () => {
  it('warns about a child OU that blocks inheritance under a granted OU, and about a protected OU', async () => {
    const sealed = (await admin.read(child, ['nTSecurityDescriptor'], [new SdFlagsControl(SdFlags.DACL)]))!.getBuffer('nTSecurityDescriptor')!;
    const { encodeDaclWrite } = await import('../../electron/services/permissions/security-descriptor');
    const sd = parseSecurityDescriptor(sealed);
    await admin.modify(child, [{ operation: 'replace', attribute: 'nTSecurityDescriptor', values: encodeDaclWrite({ ...sd, control: sd.control | SdControl.DACL_PROTECTED, dacl: { revision: 4, aces: sd.dacl!.aces.filter((a) => !(a.flags & 0x10)) } }) }], [new SdFlagsControl(SdFlags.DACL)]);
    const test = await services.permissions.test('lab', ou, ['Contact']);
    expect(test.warnings).toContainEqual({ code: 'child-blocks-inheritance', params: { ou: expect.stringContaining('Sealed'), parent: expect.any(String) } });
    const blocked = await services.permissions.test('lab', `OU=Blocked,OU=Lab,${root}`, ['Contact']);
    expect(blocked.warnings.map((w) => w.code)).toContain('inheritance-off');
  });

  it('scans the Lab subtree: Delegated granted for User and Contact, Blocked not', async () => {
    const scan = await services.permissions.scan('lab', `OU=Lab,${root}`, ['User', 'Contact']);
    const byName = Object.fromEntries(scan.ous.map((o) => [o.ou.name, o.types.map((t) => t.status)]));
    expect(byName.Delegated).toEqual(['granted', 'granted']);
    expect(byName.Blocked).toEqual(['not-granted', 'not-granted']);
  });
});

describe('through the Lync cmdlets (the lab module)', () => {
  it('Grant-CsOUPermission writes the same entries the LDAP route would, and Revoke removes them', async () => {
    const preview = await services.permissions.preview('lab', ou, ['Contact'], 'grant');
    const result = await services.permissions.grant('lab', ou, ['Contact'], 'powershell');
    expect(result.route).toBe('powershell');
    const after = await services.permissions.test('lab', ou, ['Contact']);
    expect(after.types[0]!.status).toBe('granted');
    expect(result.changed.map((c) => c.key).sort()).toEqual(preview.changes.map((c) => c.key).sort());
    const ps = await services.powershell.invoke('lab', 'lync', 'Test-CsOUPermission', { OU: ou, ObjectType: ['Contact'] });
    expect(ps).toEqual([true]);
    await services.permissions.revoke('lab', ou, ['Contact'], 'powershell');
    expect((await services.permissions.test('lab', ou, ['Contact'])).types[0]!.status).toBe('not-granted');
    expect((await services.powershell.invoke('lab', 'lync', 'Test-CsOUPermission', { OU: ou, ObjectType: ['Contact'] }))).toEqual([false]);
  });

  it('keeps an OU value with quotes and $() as data', async () => {
    const odd = `OU=it $(Get-Date) 'q',OU=Lab,${root}`;
    await admin.add(odd, { objectClass: 'organizationalUnit' }).catch(() => undefined);
    try {
      const result = await services.permissions.grant('lab', odd, ['User'], 'powershell');
      expect(result.changed.length).toBeGreaterThan(0);
      expect((await services.permissions.test('lab', odd, ['User'])).types[0]!.status).toBe('granted');
    } finally {
      await admin.delete(odd).catch(() => undefined);
    }
  });
});

describe('CLI', () => {
  it('tests, grants and revokes with --json, and agrees with the service', () => {
    const test = runCli(['permissions', 'test', '--profile', 'lab', '--ou', delegated, '--type', 'Contact,User', '--json']);
    expect(test.status).toBe(0);
    expect((test.json() as { types: Array<{ status: string }> }).types.map((t) => t.status)).toEqual(['granted', 'granted']);
    const grant = runCli(['permissions', 'grant', '--profile', 'lab', '--ou', ou, '--type', 'InetOrgPerson', '--json']);
    expect(grant.status, grant.stderr).toBe(0);
    expect((grant.json() as { changed: unknown[] }).changed.length).toBeGreaterThan(0);
    const revoke = runCli(['permissions', 'revoke', '--profile', 'lab', '--ou', ou, '--type', 'InetOrgPerson', '--json']);
    expect(revoke.status).toBe(0);
    const bad = runCli(['permissions', 'test', '--profile', 'lab', '--ou', ou, '--type', 'Printer', '--json']);
    expect(bad.status).not.toBe(0);
    expect((bad.json() as { error: { code: string; message: string } }).error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('Printer') });
  });
});
