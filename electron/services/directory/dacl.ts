import { createHash } from 'node:crypto';
import { ApiError } from '@shared/errors';
import type { DirectorySession } from './directory-session';
import { SdFlags, SdFlagsControl } from './sd-flags-control';
import { ACL_REVISION_DS, AceFlag, SdControl, type Ace, type SecurityDescriptor } from './security-descriptor/model';
import { toSddl, type SddlOptions } from './security-descriptor/sddl';
import { canonicalizeAces } from './security-descriptor/ace-list';
import { encodeDaclWrite, parseSecurityDescriptor } from './security-descriptor/binary';

const daclOnly = () => [new SdFlagsControl(SdFlags.DACL)];

/** LDAP result codes (RFC 4511 §4.1.9) the conditional write tells apart. */
const NO_SUCH_ATTRIBUTE = 16;
const UNWILLING_TO_PERFORM = 53;

/** An object's DACL as read: the parsed descriptor, its entries, the bytes (for audit, restore and the conditional write), and whether inheritance is off. */
export interface ReadDacl {
  sd: SecurityDescriptor;
  aces: Ace[];
  binary: Buffer;
  protected: boolean;
}

/**
 * Reads an object's DACL alone (SD flags: DACL), which needs only "Read permissions", not the
 * SACL privilege. Undefined when the object does not exist or its permissions cannot be read.
 * Shared with the gateway setup, which grants read access on Exchange containers.
 */
export async function readObjectDacl(session: DirectorySession, dn: string): Promise<ReadDacl | undefined> {
  const entry = await session.read(dn, ['nTSecurityDescriptor'], daclOnly());
  const binary = entry?.getBuffer('nTSecurityDescriptor');
  if (!entry || !binary) return undefined;
  const sd = parseSecurityDescriptor(binary);
  return { sd, aces: sd.dacl?.aces ?? [], binary, protected: (sd.control & SdControl.DACL_PROTECTED) !== 0 };
}

/**
 * A short fingerprint of a DACL as read. A preview hands it out and the write that follows
 * sends it back, so a DACL changed in between is not written over what the admin saw.
 */
export function daclVersion(dacl: ReadDacl): string {
  return createHash('sha256').update(dacl.binary).digest('hex');
}

/**
 * Writes an object's explicit entries back as a DACL-only write in canonical order (owner, group
 * and SACL stay as they are; the DC recomputes the inherited entries), and only if the DACL is
 * still the one read (`before`): a change someone else made since is never overwritten; the write
 * fails with CONFLICT instead. Shared with the gateway setup.
 *
 * The write is one modify request that deletes the exact value read and adds the new one. The
 * request is atomic, and deleting a value the attribute does not hold fails with noSuchAttribute
 * unless the permissive-modify control is sent, which it never is here [S37].
 *
 * Samba refuses any delete of nTSecurityDescriptor (unwillingToPerform, "MOD_DELETE for
 * nTSecurityDescriptor not supported yet"), and how AD matches a DACL-only value (SD flags) for a
 * delete is not published [S37]. So when the DC refuses the delete, or says the value is missing
 * while a fresh read shows the very bytes read before, the DACL is compared byte for byte with a
 * fresh read and then replaced: only the one round trip between that read and the write is
 * unguarded, not the time since the admin's preview.
 *
 * A DACL that would end up with no entries at all is refused: it denies everyone everything.
 */
export async function writeExplicitDacl(session: DirectorySession, dn: string, before: ReadDacl, aces: Ace[], control = before.sd.control): Promise<void> {
  const explicit = canonicalizeAces(aces.filter((a) => !(a.flags & AceFlag.INHERITED)));
  // Inherited entries come back only when inheritance is on and the parent passes some down.
  const inheritedComeBack = !(control & SdControl.DACL_PROTECTED) && before.aces.some((a) => a.flags & AceFlag.INHERITED);
  if (explicit.length === 0 && !inheritedComeBack) {
    throw new ApiError('INVALID_INPUT', `Refusing to write an empty DACL on ${dn}: with no entries it would deny everyone everything. Nothing was written.`, {
      dn,
    });
  }
  const value = encodeDaclWrite({ revision: 1, control, dacl: { revision: ACL_REVISION_DS, aces: explicit } });
  try {
    await session.modify(
      dn,
      [
        { operation: 'delete', attribute: 'nTSecurityDescriptor', values: before.binary },
        { operation: 'add', attribute: 'nTSecurityDescriptor', values: value },
      ],
      daclOnly(),
    );
    return;
  } catch (error) {
    const code = ldapCodeOf(error);
    // noSuchAttribute: the value read is gone, unless this DC does not match descriptors by value (checked below).
    if (code !== NO_SUCH_ATTRIBUTE && code !== UNWILLING_TO_PERFORM) throw error;
  }
  const now = await readObjectDacl(session, dn);
  if (!now || !now.binary.equals(before.binary)) throw changedSinceRead(dn);
  await session.modify(dn, [{ operation: 'replace', attribute: 'nTSecurityDescriptor', values: value }], daclOnly());
}

/** The CONFLICT an admin can act on: look again (a new preview, or a new gateway plan) and decide on what is there now. */
export function changedSinceRead(dn: string, since = 'they were read'): ApiError {
  return new ApiError(
    'CONFLICT',
    `The permissions of ${dn} changed since ${since} (someone else changed them), so nothing was written. Preview (or plan) again to see them as they are now.`,
    { dn },
  );
}

function ldapCodeOf(error: unknown): number | undefined {
  const details = (error as { details?: { ldapCode?: unknown } } | undefined)?.details;
  const code = details?.ldapCode ?? (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * A DACL as read, as SDDL (its control flags and entries; owner, group and SACL left out): the one
 * DACL→SDDL path, for audit entries, previews and results. The ACL keeps the revision it was read
 * with. Throws when an entry has no SDDL form.
 */
export function daclSddl(dacl: Pick<ReadDacl, 'sd' | 'aces'>, options: SddlOptions = {}): string {
  return toSddl({ revision: 1, control: dacl.sd.control, dacl: { revision: dacl.sd.dacl?.revision ?? ACL_REVISION_DS, aces: dacl.aces } }, options);
}

/** One entry as SDDL (`(A;CI;RP;…;;SID)`), or undefined when SDDL cannot express it. */
export function aceSddl(ace: Ace, options: SddlOptions = {}): string | undefined {
  try {
    return toSddl({ revision: 1, control: 0, dacl: { revision: ACL_REVISION_DS, aces: [ace] } }, options).replace(/^D:/, '');
  } catch {
    return undefined;
  }
}
