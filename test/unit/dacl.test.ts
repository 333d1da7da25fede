import { describe, expect, it } from 'vitest';
import { ApiError } from '@shared/errors';
import { DirEntry } from '../../electron/services/directory/dir-entry';
import type { DirectorySession, Modification } from '../../electron/services/directory/directory-session';
import { readObjectDacl, writeExplicitDacl } from '../../electron/services/directory/dacl';
import { encodeSecurityDescriptor, parseSecurityDescriptor } from '../../electron/services/directory/security-descriptor/binary';
import { fromSddl, toSddl } from '../../electron/services/directory/security-descriptor/sddl';

/**
 * The conditional DACL write, against a stand-in DC that answers the way AD or Samba might:
 * it deletes the exact value read and adds the new one in one modify; a DACL someone else
 * changed since the read is never overwritten; an empty DACL is never written.
 */
const dn = 'OU=Probe,OU=Lab,DC=contoso,DC=test';
const AU = 'S-1-5-11';
const ldapError = (code: number, message: string) => new ApiError('DIRECTORY_ERROR', message, { ldapCode: code });
const sdBytes = (sddl: string) => encodeSecurityDescriptor(fromSddl(sddl));

/** A DC holding one OU's DACL: `answer` decides how it takes the delete + add request. */
function fakeDc(stored: Buffer, answer: (mods: Modification[]) => Error | 'apply') {
  const state = { stored, requests: [] as Array<{ mods: Modification[]; controls: string[] }> };
  const session = {
    read: async () => new DirEntry(dn, { nTSecurityDescriptor: state.stored }),
    modify: async (_dn: string, mods: Modification[], controls: Array<{ type: string }> = []) => {
      state.requests.push({ mods, controls: controls.map((c) => c.type) });
      const outcome = mods.length === 1 ? 'apply' : answer(mods);
      if (outcome !== 'apply') throw outcome;
      state.stored = mods.at(-1)!.values as Buffer;
    },
  } as unknown as DirectorySession;
  return { session, state };
}

/** Another admin's change, made between the console's read and its write. */
const behindTheBack = sdBytes(`D:(A;;RP;;;${AU})(A;;LC;;;S-1-5-32-548)`);

describe('writeExplicitDacl: delete the value read and add the new one in one modify', () => {
  const original = sdBytes(`D:(A;;RP;;;${AU})`);
  const next = fromSddl(`D:(A;;RP;;;${AU})(A;;RPWP;;;S-1-5-32-544)`).dacl!.aces;

  it('sends exactly the bytes read as the value to delete, with the DACL-only SD-flags control', async () => {
    const dc = fakeDc(original, () => 'apply');
    const before = (await readObjectDacl(dc.session, dn))!;
    await writeExplicitDacl(dc.session, dn, before, next);
    expect(dc.state.requests).toHaveLength(1);
    const [request] = dc.state.requests;
    expect(request!.mods.map((m) => m.operation)).toEqual(['delete', 'add']);
    expect((request!.mods[0]!.values as Buffer).equals(original)).toBe(true);
    expect(request!.controls).toEqual(['1.2.840.113556.1.4.801']);
    expect(toSddl(parseSecurityDescriptor(dc.state.stored))).toBe('D:(A;;RP;;;AU)(A;;RPWP;;;BA)');
  });

  it('a DC that no longer holds the value read (noSuchAttribute) means someone changed it: CONFLICT, nothing written', async () => {
    const dc = fakeDc(original, () => ldapError(16, 'noSuchAttribute'));
    const before = (await readObjectDacl(dc.session, dn))!;
    dc.state.stored = behindTheBack;
    const error = await writeExplicitDacl(dc.session, dn, before, next).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('nothing was written') });
    expect(dc.state.requests).toHaveLength(1);
    expect(dc.state.stored.equals(behindTheBack)).toBe(true);
  });

  it('a DC that refuses to delete a descriptor (Samba: unwillingToPerform) gets a fresh comparison, then a replace', async () => {
    const dc = fakeDc(original, () => ldapError(53, 'MOD_DELETE for nTSecurityDescriptor not supported yet'));
    await writeExplicitDacl(dc.session, dn, (await readObjectDacl(dc.session, dn))!, next);
    expect(dc.state.requests.map((r) => r.mods.map((m) => m.operation).join('+'))).toEqual(['delete+add', 'replace']);
    expect(dc.state.requests[1]!.controls).toEqual(['1.2.840.113556.1.4.801']);
    expect(toSddl(parseSecurityDescriptor(dc.state.stored))).toBe('D:(A;;RP;;;AU)(A;;RPWP;;;BA)');
  });

  it('and when that fresh comparison shows a change: CONFLICT, no replace', async () => {
    const dc = fakeDc(original, () => ldapError(53, 'MOD_DELETE for nTSecurityDescriptor not supported yet'));
    const before = (await readObjectDacl(dc.session, dn))!;
    dc.state.stored = behindTheBack;
    await expect(writeExplicitDacl(dc.session, dn, before, next)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(dc.state.requests).toHaveLength(1);
    expect(dc.state.stored.equals(behindTheBack)).toBe(true);
  });

  it('a DC that says noSuchAttribute for the very value it still holds cannot match descriptors by value: replace after the comparison', async () => {
    const dc = fakeDc(original, () => ldapError(16, 'noSuchAttribute'));
    await writeExplicitDacl(dc.session, dn, (await readObjectDacl(dc.session, dn))!, next);
    expect(dc.state.requests.map((r) => r.mods[0]!.operation)).toEqual(['delete', 'replace']);
  });

  it('passes other failures on unchanged (access denied is not a conflict)', async () => {
    const denied = new ApiError('ACCESS_DENIED', 'insufficientAccessRights');
    const dc = fakeDc(original, () => denied);
    await expect(writeExplicitDacl(dc.session, dn, (await readObjectDacl(dc.session, dn))!, next)).rejects.toBe(denied);
  });
});

describe('writeExplicitDacl refuses an empty DACL', () => {
  it('with inheritance off and no explicit entries: refused, nothing sent', async () => {
    const dc = fakeDc(sdBytes(`D:P(A;;RP;;;${AU})`), () => 'apply');
    const error = await writeExplicitDacl(dc.session, dn, (await readObjectDacl(dc.session, dn))!, []).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('empty DACL') });
    expect(dc.state.requests).toEqual([]);
  });

  it('with inheritance on but nothing inherited either: refused', async () => {
    const dc = fakeDc(sdBytes(`D:(A;;RP;;;${AU})`), () => 'apply');
    await expect(writeExplicitDacl(dc.session, dn, (await readObjectDacl(dc.session, dn))!, [])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(dc.state.requests).toEqual([]);
  });

  it('no explicit entries under inherited ones is not empty: written', async () => {
    const dc = fakeDc(sdBytes(`D:AI(A;;RP;;;${AU})(A;ID;RP;;;S-1-5-32-544)`), () => 'apply');
    const before = (await readObjectDacl(dc.session, dn))!;
    await writeExplicitDacl(
      dc.session,
      dn,
      before,
      before.aces.filter((a) => a.sid !== AU),
    );
    expect(dc.state.requests).toHaveLength(1);
  });
});
