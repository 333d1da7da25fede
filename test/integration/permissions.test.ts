import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { DirectorySession as Session } from '../../electron/services/directory/directory-session';
import { SdFlags, SdFlagsControl } from '../../electron/services/directory/sd-flags-control';
import { readObjectDacl } from '../../electron/services/directory/dacl';
import { AceFlag, SdControl, type Ace } from '../../electron/services/directory/security-descriptor/model';
import { aceKey, canonicalizeAces } from '../../electron/services/directory/security-descriptor/ace-list';
import { encodeDaclWrite, encodeSecurityDescriptor, parseSecurityDescriptor } from '../../electron/services/directory/security-descriptor/binary';
import { fromSddl, toSddl } from '../../electron/services/directory/security-descriptor/sddl';
import { dnEquals } from '../../shared/dn';
import { createTestServices, openLabSession } from './support/test-services';
import { runCli } from './support/cli';

/**
 * Grant / Test / Revoke-CsOUPermission against the lab. The proof is behavioural: lab-useradmin
 * (RTCUniversalUserAdmins) binds and tries to write a Lync attribute on a contact in the OU;
 * Samba's access check is the judge, and Test must agree with what the writes show.
 */
const { services, dispatch, dataDir } = createTestServices();
let admin: DirectorySession;
const root = 'DC=contoso,DC=test';
const ou = `OU=it-perm-${process.pid},OU=Lab,${root}`;
const child = `OU=Sealed,${ou}`;
const contact = `CN=Perm Probe,${ou}`;
const childContact = `CN=Sealed Probe,${child}`;
const delegated = `OU=Delegated,OU=Lab,${root}`;
const lyncGranted = `OU=Lync Granted,OU=Lab,${root}`;
const handDelegated = `OU=Hand Delegated,OU=Lab,${root}`;

/** Binds as lab-useradmin and tries to enable the contact for Lync; true when the DC allows it. */
async function userAdminCanWriteRtc(target = contact): Promise<boolean> {
  const session = await Session.open(services.profiles.get('lab-useradmin').directory, services.profiles.resolveSecret('lab-useradmin')!);
  try {
    await session.modify(target, [{ operation: 'replace', attribute: 'msRTCSIP-UserEnabled', values: 'TRUE' }]);
    await session.modify(target, [
      {
        operation: 'replace',
        attribute: 'msRTCSIP-PrimaryUserAddress',
        values: `sip:${target === contact ? 'perm-probe' : 'sealed-probe'}-${process.pid}@contoso.test`,
      },
    ]);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ACCESS_DENIED') return false;
    throw error;
  } finally {
    await session.close();
  }
}

const explicitCount = async () => (await services.permissions.preview('lab', ou, ['Contact'], 'grant')).current.filter((a) => !a.inherited).length;
/** The OU's explicit entries as SDDL (the DC recomputes inherited ones), to prove a DACL is back to what it was. */
const explicitSddl = async (dn: string) =>
  (await services.permissions.preview('lab', dn, ['Contact'], 'grant')).current
    .filter((a) => !a.inherited)
    .map((a) => a.sddl)
    .sort()
    .join('');
const labTest = async (dn: string, types: string[]) => services.powershell.invoke('lab', 'lync', 'Test-CsOUPermission', { OU: dn, ObjectType: types });
const status = async (dn: string, types: Array<'User' | 'Contact' | 'Computer' | 'InetOrgPerson'>) =>
  (await services.permissions.test('lab', dn, types)).types.map((t) => t.status);

beforeAll(async () => {
  admin = await openLabSession('lab');
  await admin.add(ou, { objectClass: 'organizationalUnit' });
  await admin.add(child, { objectClass: 'organizationalUnit' });
  await admin.add(contact, { objectClass: 'contact', displayName: 'Perm Probe' });
  await admin.add(childContact, { objectClass: 'contact', displayName: 'Sealed Probe' });
  await services.connections.connect('lab');
});
afterAll(async () => {
  for (const dn of [childContact, contact, child, ou]) await admin.delete(dn).catch(() => undefined);
  await admin.close();
  await services.shutdown();
});

describe('the codec against every descriptor in the lab', () => {
  it('round-trips each binary descriptor exactly, and through SDDL to the same model', async () => {
    const { sidToString } = await import('../../electron/services/directory/dir-entry');
    let count = 0;
    for (const base of [root, `CN=Configuration,${root}`]) {
      const entries = await admin.search(base, {
        filter: '(objectClass=*)',
        attributes: ['nTSecurityDescriptor'],
        controls: [new SdFlagsControl(SdFlags.OWNER | SdFlags.GROUP | SdFlags.DACL)],
      });
      const domainSid = sidToString((await admin.read(root, ['objectSid']))!.getBuffer('objectSid')!);
      for (const entry of entries) {
        const bytes = entry.getBuffer('nTSecurityDescriptor');
        if (!bytes) continue;
        const sd = parseSecurityDescriptor(bytes);
        expect(encodeSecurityDescriptor(sd).equals(bytes), entry.dn).toBe(true);
        // SDDL has no spelling for the *_DEFAULTED control bits; everything else must survive.
        const again = fromSddl(toSddl(sd, { domainSid }), domainSid);
        const expressible = {
          ...sd,
          control: sd.control & ~(SdControl.OWNER_DEFAULTED | SdControl.GROUP_DEFAULTED | SdControl.DACL_DEFAULTED | SdControl.SACL_DEFAULTED),
        };
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
    const one = (await services.permissions.preview('lab', ou, ['Contact'], 'grant')).current.find(
      (a) => a.object === 'RTCPropertySet' && a.trustee === 'RTCUniversalUserAdmins',
    )!;
    expect(one).toBeDefined();
    const test = await services.permissions.test('lab', ou, ['Contact', 'User']);
    // The entries on the OU itself are shared by every type: they alone do not make User "partly granted".
    expect(test.types.find((t) => t.type === 'User')!.status).toBe('not-granted');
    // Take one of Contact's own entries away: Contact is partly granted, and Test names what is missing.
    const { canonicalizeAces } = await import('../../electron/services/directory/security-descriptor/ace-list');
    const { encodeDaclWrite, parseSecurityDescriptor: parse } = await import('../../electron/services/directory/security-descriptor/binary');
    const raw = parse((await admin.read(ou, ['nTSecurityDescriptor'], [new SdFlagsControl(SdFlags.DACL)]))!.getBuffer('nTSecurityDescriptor')!);
    const { aceKey } = await import('../../electron/services/directory/security-descriptor/ace-list');
    const kept = raw.dacl!.aces.filter((a) => !(a.flags & 0x10) && aceKey(a) !== one.key);
    await admin.modify(
      ou,
      [{ operation: 'replace', attribute: 'nTSecurityDescriptor', values: encodeDaclWrite({ ...raw, dacl: { revision: 4, aces: canonicalizeAces(kept) } }) }],
      [new SdFlagsControl(SdFlags.DACL)],
    );
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
    const { encodeDaclWrite } = await import('../../electron/services/directory/security-descriptor/binary');
    const sd = parseSecurityDescriptor(sealed);
    await admin.modify(
      child,
      [
        {
          operation: 'replace',
          attribute: 'nTSecurityDescriptor',
          values: encodeDaclWrite({
            ...sd,
            control: sd.control | SdControl.DACL_PROTECTED,
            dacl: { revision: 4, aces: sd.dacl!.aces.filter((a) => !(a.flags & 0x10)) },
          }),
        },
      ],
      [new SdFlagsControl(SdFlags.DACL)],
    );
    const test = await services.permissions.test('lab', ou, ['Contact']);
    expect(test.warnings).toContainEqual({ code: 'child-blocks-inheritance', params: { ou: expect.stringContaining('Sealed'), parent: expect.any(String) } });
    const blocked = await services.permissions.test('lab', `OU=Blocked,OU=Lab,${root}`, ['Contact']);
    expect(blocked.warnings.map((w) => w.code)).toContain('inheritance-off');
  });

  it('scans the Lab subtree: Delegated granted for User and Contact, Blocked not', async () => {
    const scan = await services.permissions.scan('lab', `OU=Lab,${root}`, ['User', 'Contact']);
    const byName = Object.fromEntries(scan.ous.map((o) => [o.ou.name, o.types.map((t) => t.status)]));
    expect(byName.Delegated).toEqual(['granted', 'granted']);
    expect(byName['Lync Granted']).toEqual(['granted', 'granted']);
    expect(byName['Hand Delegated']).toEqual(['granted', 'granted']);
    expect(byName.Blocked).toEqual(['not-granted', 'not-granted']);
    expect(byName.Sealed).toEqual(['not-granted', 'not-granted']);
  });
});

describe('child OUs with inheritance blocked [S7]', () => {
  it('are listed with their own state, and granted in the same step when included', async () => {
    // The warnings test above blocked inheritance on OU=Sealed under the probe OU.
    expect(await userAdminCanWriteRtc(childContact)).toBe(false);
    const preview = await services.permissions.preview('lab', ou, ['Contact'], 'grant');
    expect(preview.blockedChildren).toEqual([
      {
        ou: expect.objectContaining({ dn: child, protected: true }),
        types: [{ type: 'Contact', status: 'not-granted', missingCount: expect.any(Number) }],
        changes: preview.changes.length,
        commands: [`Grant-CsOUPermission -OU '${child}' -ObjectType 'Contact'`],
      },
    ]);
    const result = await services.permissions.grant('lab', ou, ['Contact'], 'ldap', [child]);
    expect(result.changed.length).toBeGreaterThan(10);
    expect(result.children).toHaveLength(1);
    expect(result.children![0]).toMatchObject({ ou: child, auditId: expect.any(String) });
    expect(result.children![0]!.changed.length).toBe(result.changed.length);
    expect(services.permissions.history(child).map((h) => h.action)).toEqual(['permissions.grant']);
    expect(await userAdminCanWriteRtc(childContact)).toBe(true);
    const test = await services.permissions.test('lab', ou, ['Contact']);
    expect(test.blockedChildren.map((c) => [c.ou.dn, c.types[0]!.status])).toEqual([[child, 'granted']]);
    await services.permissions.revoke('lab', child, ['Contact'], 'ldap');
    await services.permissions.revoke('lab', ou, ['Contact'], 'ldap');
  });

  it('refuses to include an OU that is not below the one granted', async () => {
    const error = await services.permissions.grant('lab', ou, ['Contact'], 'ldap', [delegated]).catch((e) => e);
    expect(error.code).toBe('INVALID_INPUT');
  });

  it("the seeded OU=Sealed under OU=Delegated is not reached by Delegated's grant", async () => {
    const test = await services.permissions.test('lab', delegated, ['User', 'Contact']);
    expect(test.types.map((t) => t.status)).toEqual(['granted', 'granted']);
    expect(test.blockedChildren.map((c) => [c.ou.name, c.types.map((t) => t.status)])).toEqual([['Sealed', ['not-granted', 'not-granted']]]);
    expect(await userAdminCanWriteRtc(`CN=Sealed Contact,OU=Sealed,${delegated}`)).toBe(false);
  });
});

describe('the RTC groups through the global catalog [S8]', () => {
  it('resolves them from the GC, and from the domain when no GC answers', async () => {
    const { resolveGroupSid } = await import('../../electron/services/directory/account-rights');
    const directory = services.profiles.get('lab').directory;
    const gc = await Session.open(directory, services.profiles.resolveSecret('lab')!);
    const noGc = await Session.open({ ...directory, globalCatalogPort: 1 }, services.profiles.resolveSecret('lab')!);
    try {
      const forest = await gc.searchForest({ filter: '(&(objectClass=group)(sAMAccountName=RTCUniversalUserAdmins))', attributes: ['objectSid'] });
      expect(forest.forestWide).toBe(true);
      const { sidToString } = await import('../../electron/services/directory/dir-entry');
      const expected = sidToString(forest.entries[0]!.getBuffer('objectSid')!);
      expect(await resolveGroupSid(gc, 'RTCUniversalUserAdmins')).toBe(expected);
      expect((await noGc.searchForest({ filter: '(sAMAccountName=RTCUniversalUserAdmins)', attributes: ['objectSid'] })).forestWide).toBe(false);
      expect(await resolveGroupSid(noGc, 'RTCUniversalUserAdmins')).toBe(expected);
    } finally {
      await gc.close();
      await noGc.close();
    }
  });
});

describe('through the Lync cmdlets (the lab module): both directions, by what entries allow', () => {
  it("the console tests as granted an OU the lab's cmdlet granted with one entry per permission", async () => {
    const before = await explicitSddl(ou);
    const result = await services.permissions.grant('lab', ou, ['Contact'], 'powershell');
    expect(result.route).toBe('powershell');
    // The lab writes the published rows one permission per entry: the read-only group's
    // "List contents, Read all properties, Read permissions" on the OU as three entries.
    const onOu = result.changed.filter((c) => c.trustee === 'RTCUniversalUserReadOnlyGroup' && c.appliesTo === 'this');
    expect(onOu.map((c) => c.rights).sort()).toEqual([['LC'], ['RC'], ['RP']]);
    expect(await status(ou, ['Contact'])).toEqual(['granted']);
    expect(await labTest(ou, ['Contact'])).toEqual([true]);
    expect(await userAdminCanWriteRtc()).toBe(true);
    // Nothing is missing, so a console grant adds nothing.
    expect((await services.permissions.preview('lab', ou, ['Contact'], 'grant')).changes).toEqual([]);
    // The console's Revoke removes the lab's split entries: the DACL is back to what it was.
    const revoke = await services.permissions.revoke('lab', ou, ['Contact'], 'ldap');
    expect(revoke.changed.length).toBe(result.changed.length);
    expect(await explicitSddl(ou)).toBe(before);
    expect(await labTest(ou, ['Contact'])).toEqual([false]);
    expect(await userAdminCanWriteRtc()).toBe(false);
  });

  it("the lab's Test-CsOUPermission returns True for an OU the console granted, and its Revoke removes the console's merged entries", async () => {
    const before = await explicitSddl(ou);
    await services.permissions.grant('lab', ou, ['Contact', 'User'], 'ldap');
    expect(await labTest(ou, ['Contact', 'User'])).toEqual([true]);
    const revoked = await services.permissions.revoke('lab', ou, ['Contact', 'User'], 'powershell');
    expect(revoked.changed.length).toBeGreaterThan(10);
    expect(await explicitSddl(ou)).toBe(before);
    expect(await status(ou, ['Contact', 'User'])).toEqual(['not-granted', 'not-granted']);
  });

  it("OU=Lync Granted, seeded from the lab's table, and OU=Hand Delegated test as granted for User and Contact on both sides", async () => {
    expect(await status(lyncGranted, ['User', 'Contact'])).toEqual(['granted', 'granted']);
    expect(await status(handDelegated, ['User', 'Contact'])).toEqual(['granted', 'granted']);
    expect(await labTest(lyncGranted, ['User', 'Contact'])).toEqual([true]);
    expect(await labTest(handDelegated, ['User', 'Contact'])).toEqual([true]);
    // The hand delegation gives the read-only group no computer reads for RTCUniversalUserAdmins: Computer is partly granted.
    expect(await status(handDelegated, ['Computer'])).toEqual(['partial']);
    expect(await labTest(handDelegated, ['Computer'])).toEqual([false]);
  });

  it('a grant on the hand-delegated OU adds only what it does not allow', async () => {
    expect((await services.permissions.preview('lab', handDelegated, ['User', 'Contact'], 'grant')).changes).toEqual([]);
    const computer = await services.permissions.preview('lab', handDelegated, ['Computer'], 'grant');
    expect(computer.changes.map((c) => [c.trustee, c.rights.join(''), c.appliesToClass])).toEqual([
      ['RTCUniversalUserAdmins', 'RP', 'computer'],
      ['RTCUniversalUserAdmins', 'RP', 'computer'],
    ]);
  });

  it('revoke on the hand-delegated OU removes nothing, by either side, and says the broader entries still grant it', async () => {
    const before = await explicitSddl(handDelegated);
    const preview = await services.permissions.preview('lab', handDelegated, ['User', 'Contact'], 'revoke');
    expect(preview.changes).toEqual([]);
    expect(preview.rewrites).toEqual([]);
    expect(preview.unchanged).toEqual([]);
    // The DC keeps "generic read on this object and all below" as the mapped rights on the OU plus an
    // inherit-only copy with the generic bits: for the user read-only group both halves still grant.
    expect(preview.broader.map((b) => b.trustee).sort()).toEqual([
      'RTCHSUniversalServices',
      'RTCUniversalServerReadOnlyGroup',
      'RTCUniversalUserAdmins',
      'RTCUniversalUserAdmins',
      'RTCUniversalUserReadOnlyGroup',
      'RTCUniversalUserReadOnlyGroup',
    ]);
    expect(preview.warnings).toContainEqual({ code: 'broader-entries-remain', params: { count: '6' } });
    expect((await services.permissions.revoke('lab', handDelegated, ['User', 'Contact'], 'ldap')).changed).toEqual([]);
    await services.powershell.invoke('lab', 'lync', 'Revoke-CsOUPermission', { OU: handDelegated, ObjectType: ['User', 'Contact'] });
    expect(await explicitSddl(handDelegated)).toBe(before);
    expect(await status(handDelegated, ['User', 'Contact'])).toEqual(['granted', 'granted']);
  });

  it("the console's revoke of a grant beside a hand delegation removes the grant and leaves the delegation", async () => {
    const before = await explicitSddl(ou);
    // A hand delegation on the probe OU: write all properties on descendant contacts for RTCUniversalUserAdmins.
    const { fromSddl } = await import('../../electron/services/directory/security-descriptor/sddl');
    const { encodeDaclWrite, parseSecurityDescriptor: parse } = await import('../../electron/services/directory/security-descriptor/binary');
    const { canonicalizeAces } = await import('../../electron/services/directory/security-descriptor/ace-list');
    const { resolveGroupSid } = await import('../../electron/services/directory/account-rights');
    const admins = await resolveGroupSid(admin, 'RTCUniversalUserAdmins');
    const raw = parse((await admin.read(ou, ['nTSecurityDescriptor'], [new SdFlagsControl(SdFlags.DACL)]))!.getBuffer('nTSecurityDescriptor')!);
    const hand = fromSddl(`D:(OA;CIIO;WP;;5cb41ed0-0e4c-11d0-a286-00aa003049e2;${admins})`).dacl!.aces;
    const explicit = raw.dacl!.aces.filter((a) => !(a.flags & 0x10));
    await admin.modify(
      ou,
      [
        {
          operation: 'replace',
          attribute: 'nTSecurityDescriptor',
          values: encodeDaclWrite({ ...raw, dacl: { revision: 4, aces: canonicalizeAces([...explicit, ...hand]) } }),
        },
      ],
      [new SdFlagsControl(SdFlags.DACL)],
    );
    const withHand = await explicitSddl(ou);
    const granted = await services.permissions.grant('lab', ou, ['Contact'], 'powershell');
    // The lab's Grant adds nothing the delegation already allows: none of RTCUniversalUserAdmins' contact writes.
    expect(granted.changed.filter((c) => c.trustee === 'RTCUniversalUserAdmins')).toEqual([]);
    await services.permissions.revoke('lab', ou, ['Contact'], 'ldap');
    expect(await explicitSddl(ou)).toBe(withHand);
    expect(await userAdminCanWriteRtc()).toBe(true);
    await admin.modify(
      ou,
      [
        {
          operation: 'replace',
          attribute: 'nTSecurityDescriptor',
          values: encodeDaclWrite({ ...raw, dacl: { revision: 4, aces: canonicalizeAces(explicit) } }),
        },
      ],
      [new SdFlagsControl(SdFlags.DACL)],
    );
    expect(await explicitSddl(ou)).toBe(before);
  });

  it('the Computer grant writes the published entries: the reads go to RTCUniversalUserReadOnlyGroup and RTCUniversalUserAdmins [S6]', async () => {
    const result = await services.permissions.grant('lab', ou, ['Computer'], 'ldap');
    const below = result.changed.filter((c) => c.appliesTo === 'descendants-of-class');
    expect(below.every((c) => c.appliesToClass === 'computer' && c.rights.join() === 'RP')).toBe(true);
    expect(below.map((c) => c.trustee).sort()).toEqual([
      'RTCUniversalUserAdmins',
      'RTCUniversalUserAdmins',
      'RTCUniversalUserReadOnlyGroup',
      'RTCUniversalUserReadOnlyGroup',
    ]);
    expect(new Set(below.map((c) => c.object)).size).toBe(2);
    expect(await labTest(ou, ['Computer'])).toEqual([true]);
    await services.powershell.invoke('lab', 'lync', 'Revoke-CsOUPermission', { OU: ou, ObjectType: ['Computer'] });
    expect(await status(ou, ['Computer'])).toEqual(['not-granted']);
    // And the lab's cmdlet grants what the console tests as granted.
    await services.powershell.invoke('lab', 'lync', 'Grant-CsOUPermission', { OU: ou, ObjectType: ['Computer'] });
    expect(await status(ou, ['Computer'])).toEqual(['granted']);
    await services.permissions.revoke('lab', ou, ['Computer'], 'ldap');
    expect(await labTest(ou, ['Computer'])).toEqual([false]);
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
    // The blocked child OU (OU=Sealed under the probe OU) is listed, and granted in the same step on request.
    const listed = runCli(['permissions', 'test', '--profile', 'lab', '--ou', ou, '--type', 'User']);
    expect(listed.stdout).toContain('OUs below with inheritance blocked');
    const withChildren = runCli(['permissions', 'grant', '--profile', 'lab', '--ou', ou, '--type', 'User', '--include-blocked-children', '--json']);
    expect(withChildren.status, withChildren.stderr).toBe(0);
    expect((withChildren.json() as { children: Array<{ ou: string; changed: unknown[] }> }).children).toEqual([
      expect.objectContaining({ ou: child, changed: expect.arrayContaining([expect.anything()]) }),
    ]);
    for (const dn of [child, ou]) expect(runCli(['permissions', 'revoke', '--profile', 'lab', '--ou', dn, '--type', 'User', '--json']).status).toBe(0);
    const bad = runCli(['permissions', 'test', '--profile', 'lab', '--ou', ou, '--type', 'Printer', '--json']);
    expect(bad.status).not.toBe(0);
    expect((bad.json() as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('Printer'),
    });
  });
});

describe('DACL writes that cannot lose a concurrent change, no empty DACL, and a restore that trusts only an intact audit log', () => {
  const probeOu = `OU=it-dacl-${process.pid},OU=Lab,${root}`;
  const probeContact = `CN=Dacl Probe,${probeOu}`;
  const auditFile = join(dataDir, 'audit.jsonl');
  /** Another admin's entry: Account Operators may read properties (an entry no recipe has). */
  const theirs = '(A;;RP;;;S-1-5-32-548)';
  const hasTheirs = async (dn = probeOu) =>
    (await readObjectDacl(admin, dn))!.aces.some((a) => a.sid === 'S-1-5-32-548' && a.mask === 0x10 && !(a.flags & AceFlag.INHERITED));
  /** Changes the DACL behind the console's back, as another admin in ADUC would (its own session, a DACL-only write); `protect` turns inheritance off or on. */
  const otherAdmin = async (dn: string, change: (explicit: Ace[]) => Ace[], protect?: boolean) => {
    const raw = (await readObjectDacl(admin, dn))!.sd;
    const explicit = raw.dacl!.aces.filter((a) => !(a.flags & AceFlag.INHERITED));
    const control = protect === undefined ? raw.control : protect ? raw.control | SdControl.DACL_PROTECTED : raw.control & ~SdControl.DACL_PROTECTED;
    const value = encodeDaclWrite({ ...raw, control, dacl: { revision: 4, aces: canonicalizeAces(change(explicit)) } });
    await admin.modify(dn, [{ operation: 'replace', attribute: 'nTSecurityDescriptor', values: value }], [new SdFlagsControl(SdFlags.DACL)]);
  };
  const addTheirs = (dn = probeOu) => otherAdmin(dn, (explicit) => [...explicit, ...fromSddl(`D:${theirs}`).dacl!.aces]);
  const removeTheirs = (dn = probeOu) => otherAdmin(dn, (explicit) => explicit.filter((a) => a.sid !== 'S-1-5-32-548' || a.mask !== 0x10));

  beforeAll(async () => {
    await admin.add(probeOu, { objectClass: 'organizationalUnit' });
    await admin.add(probeContact, { objectClass: 'contact', displayName: 'Dacl Probe' });
  });
  afterAll(async () => {
    for (const dn of [probeContact, probeOu]) await admin.delete(dn).catch(() => undefined);
  });

  it('a grant previewed before another admin changed the OU is refused (CONFLICT), and their change stays', async () => {
    const preview = await services.permissions.preview('lab', probeOu, ['Contact'], 'grant');
    expect(preview.daclVersion).toMatch(/^[0-9a-f]{64}$/);
    await addTheirs();
    const error = await services.permissions.grant('lab', probeOu, ['Contact'], 'ldap', [], preview.daclVersion).catch((e) => e);
    expect(error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('changed since you previewed') });
    expect(await hasTheirs()).toBe(true);
    expect(await status(probeOu, ['Contact'])).toEqual(['not-granted']);
    // Previewed again, the grant goes through beside their entry.
    const again = await services.permissions.preview('lab', probeOu, ['Contact'], 'grant');
    await services.permissions.grant('lab', probeOu, ['Contact'], 'ldap', [], again.daclVersion);
    expect(await status(probeOu, ['Contact'])).toEqual(['granted']);
    expect(await hasTheirs()).toBe(true);
    // The same for a revoke, through the API as the UI calls it.
    const revokePreview = await dispatch('permissions.preview', { profile: 'lab', ou: probeOu, types: ['Contact'], action: 'revoke' });
    await removeTheirs();
    const refused = await dispatch('permissions.revoke', {
      profile: 'lab',
      ou: probeOu,
      types: ['Contact'],
      daclVersion: (revokePreview as { ok: true; result: { daclVersion: string } }).result.daclVersion,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await status(probeOu, ['Contact'])).toEqual(['granted']);
    await services.permissions.revoke('lab', probeOu, ['Contact'], 'ldap');
  });

  it("a change that lands between the console's read and its write is not overwritten: CONFLICT, and the other change stays", async () => {
    const session = await services.connections.ensure('lab');
    const write = session.modify.bind(session);
    let raced = false;
    // The other admin's write reaches the DC just before the console's.
    session.modify = async (dn, modifications, controls) => {
      if (!raced && dnEquals(dn, probeOu)) {
        raced = true;
        await addTheirs();
      }
      return write(dn, modifications, controls);
    };
    try {
      const error = await services.permissions.grant('lab', probeOu, ['Contact'], 'ldap').catch((e) => e);
      expect(raced).toBe(true);
      expect(error).toMatchObject({ code: 'CONFLICT' });
    } finally {
      delete (session as { modify?: unknown }).modify;
    }
    expect(await hasTheirs()).toBe(true);
    expect(await status(probeOu, ['Contact'])).toEqual(['not-granted']);
    expect(services.permissions.history(probeOu)[0]).toMatchObject({ action: 'permissions.grant', outcome: 'failed' });
    await removeTheirs();
  });

  it('refuses to write an empty DACL: a revoke that would leave a protected OU with no entries writes nothing', async () => {
    await services.permissions.grant('lab', probeOu, ['Contact'], 'ldap');
    const granted = await services.permissions.preview('lab', probeOu, ['Contact'], 'revoke');
    const grantKeys = new Set(granted.changes.map((c) => c.key));
    // Inheritance off, and only the grant's own entries left on the OU: revoking them would leave nothing.
    await otherAdmin(probeOu, (explicit) => explicit.filter((a) => grantKeys.has(aceKey(a))), true);
    const before = (await readObjectDacl(admin, probeOu))!;
    expect(before.protected).toBe(true);
    expect(before.aces.every((a) => grantKeys.has(aceKey(a)))).toBe(true);
    const error = await services.permissions.revoke('lab', probeOu, ['Contact'], 'ldap').catch((e) => e);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('empty DACL') });
    expect((await readObjectDacl(admin, probeOu))!.binary.equals(before.binary)).toBe(true);
    // With inheritance back on, the same revoke leaves the inherited entries: allowed.
    await otherAdmin(probeOu, (explicit) => explicit, false);
    await services.permissions.revoke('lab', probeOu, ['Contact'], 'ldap');
    expect(await status(probeOu, ['Contact'])).toEqual(['not-granted']);
  });

  it('restores only onto OUs and containers: a change audited on a contact is not restored', async () => {
    const granted = await services.permissions.grant('lab', probeContact, ['Contact'], 'ldap');
    const before = (await readObjectDacl(admin, probeContact))!;
    const error = await services.permissions.restore(granted.auditId!, false).catch((e) => e);
    expect(error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('only on OUs and containers') });
    expect((await readObjectDacl(admin, probeContact))!.binary.equals(before.binary)).toBe(true);
    await services.permissions.revoke('lab', probeContact, ['Contact'], 'ldap');
  });

  it('refuses to restore from an audit log altered on disk — an edited, removed or reordered entry — and says so in the history', async () => {
    const grant = await services.permissions.grant('lab', probeOu, ['User'], 'ldap');
    const revoke = await services.permissions.revoke('lab', probeOu, ['User'], 'ldap');
    await services.permissions.grant('lab', probeOu, ['InetOrgPerson'], 'ldap');
    await services.permissions.revoke('lab', probeOu, ['InetOrgPerson'], 'ldap');
    const intact = readFileSync(auditFile, 'utf8');
    const lines = intact.split('\n').filter(Boolean);
    const at = (id: string) => lines.findIndex((l) => l.includes(`"id":"${id}"`));
    const swap = (list: string[], i: number) => [...list.slice(0, i), list[i + 1]!, list[i]!, ...list.slice(i + 2)];
    // The attack restore invites: the entry restored puts back a DACL that gives Everyone full control.
    const everyone = encodeSecurityDescriptor(fromSddl('D:(A;;GA;;;WD)')).toString('base64');
    const tampered: Record<string, string[]> = {
      edited: lines.map((l, i) =>
        i === at(revoke.auditId!) ? l.replace(/("before":\{"sddl":")[^"]*(","dacl":")[^"]*"/, `$1D:(A;;GA;;;WD)$2${everyone}"`) : l,
      ),
      removed: lines.filter((_, i) => i !== at(grant.auditId!)),
      reordered: swap(lines, at(grant.auditId!)),
      truncated: lines.slice(0, -1),
    };
    const dacl = (await readObjectDacl(admin, probeOu))!.binary;
    copyFileSync(auditFile, `${auditFile}.intact`);
    try {
      for (const [how, content] of Object.entries(tampered)) {
        expect(content.join('\n'), how).not.toBe(lines.join('\n'));
        writeFileSync(auditFile, `${content.join('\n')}\n`);
        const error = await services.permissions.restore(revoke.auditId!, true).catch((e) => e);
        expect(error, how).toMatchObject({ code: 'AUDIT_UNTRUSTED', message: expect.stringContaining('altered') });
        expect((await readObjectDacl(admin, probeOu))!.binary.equals(dacl), how).toBe(true);
        const history = (await dispatch('permissions.history', { ou: probeOu })) as {
          ok: true;
          result: { integrity: { status: string; problems: unknown[] } };
        };
        expect(history.result.integrity.status, how).toBe('tampered');
        expect(history.result.integrity.problems.length, how).toBeGreaterThan(0);
      }
    } finally {
      writeFileSync(auditFile, intact);
    }
    // The intact log restores: the refusals above were the tampering.
    expect(services.permissions.auditIntegrity()).toEqual({ status: 'intact', problems: [], unverified: 0 });
    await services.permissions.restore(revoke.auditId!, false);
    expect(await status(probeOu, ['User'])).toEqual(['granted']);
    await services.permissions.revoke('lab', probeOu, ['User'], 'ldap');
  });

  it('keeps entries from before the hash chain readable, marked unverified, and does not restore them', async () => {
    await services.permissions.grant('lab', probeOu, ['User'], 'ldap');
    const revoke = await services.permissions.revoke('lab', probeOu, ['User'], 'ldap');
    const intact = readFileSync(auditFile, 'utf8');
    // The revoke as an older console wrote it, without seq, prev and hash; restoring it would grant User again.
    const {
      seq: _seq,
      prev: _prev,
      hash: _hash,
      ...old
    } = JSON.parse(intact.split('\n').find((l) => l.includes(`"id":"${revoke.auditId!}"`))!) as Record<string, unknown>;
    const legacy = { ...old, id: 'legacy-revoke' };
    try {
      writeFileSync(auditFile, `${JSON.stringify(legacy)}\n${intact}`);
      expect(services.permissions.auditIntegrity()).toEqual({ status: 'intact', problems: [], unverified: 1 });
      expect(services.permissions.history(probeOu).find((e) => e.id === 'legacy-revoke')).toMatchObject({ integrity: 'unverified', target: probeOu });
      const error = await services.permissions.restore('legacy-revoke', true).catch((e) => e);
      expect(error).toMatchObject({ code: 'AUDIT_UNTRUSTED', message: expect.stringContaining('before the audit log carried hashes') });
      expect(await status(probeOu, ['User'])).toEqual(['not-granted']);
    } finally {
      writeFileSync(auditFile, intact);
    }
  });
});
