/**
 * AD's nTSecurityDescriptor as the console models it (MS-DTYP §2.4.6): descriptor, ACLs, ACEs,
 * their flag and type constants, and the checks both encodings share. The binary codec is in
 * binary.ts, SDDL in sddl.ts, ACE-list operations in ace-list.ts.
 *
 * Exactness: parseSecurityDescriptor → encodeSecurityDescriptor gives back the input bytes for
 * every buffer parse accepts. Things the plain model cannot express are kept in optional fields
 * parse fills only when needed: `Ace.raw` (ACE types the codec does not understand, or ACEs with
 * extra bytes), `Acl.slack` (free space after the last ACE) and `SecurityDescriptor.layout` (part
 * order when it is not owner, group, SACL, DACL as Samba writes it; the whole image when the parts
 * are not packed back to back). Dropping `slack` or `layout` changes byte placement, never meaning.
 */
import { guidToBytes, guidToString, sidToBytes, sidToString } from '../dir-entry';

export interface Ace {
  /** Raw ACE type byte; see AceType. */
  type: number;
  /** ACE flags byte; see AceFlag. */
  flags: number;
  /** Access mask, unsigned 32-bit (a negative int32 from `|` arithmetic is accepted on encode). */
  mask: number;
  /** Trustee, 'S-1-5-21-…'; '' when the codec cannot decode the SID of a raw-only ACE type. */
  sid: string;
  /** Lowercase GUID text; object ACEs only. */
  objectType?: string;
  /** Lowercase GUID text; object ACEs only. */
  inheritedObjectType?: string;
  /**
   * The exact ACE bytes, re-emitted unchanged by encode. Set by parse for ACE types this codec
   * cannot build from fields, and for ACEs that carry bytes the fields do not describe (trailing
   * data, unknown object flags). The other fields are then a read-only view: encode refuses an
   * ACE whose fields disagree with its raw bytes instead of silently dropping the edit.
   */
  raw?: Buffer;
}

export interface Acl {
  /** ACL revision: 2 (ACL_REVISION), 3, or 4 (ACL_REVISION_DS, needed for object ACEs). */
  revision: number;
  aces: Ace[];
  /** Bytes between the last ACE and AclSize (unused space), kept for exact round trips. */
  slack?: Buffer;
}

export type SdPart = 'owner' | 'group' | 'sacl' | 'dacl';

/** Where the parts of a parsed descriptor sat; see the module comment. */
export interface SdLayout {
  /** Order of the parts in the buffer. */
  order: SdPart[];
  /** Only for buffers with gaps or trailing bytes: the original buffer. */
  image?: Buffer;
  /** Only with `image`: where each part sat. Used when every part still encodes to the same size. */
  extents?: Partial<Record<SdPart, { offset: number; length: number }>>;
}

export interface SecurityDescriptor {
  /** Always 1 (SECURITY_DESCRIPTOR_REVISION). */
  revision: number;
  /** Control bits (SdControl). DACL/SACL_PRESENT and SELF_RELATIVE are derived on encode. */
  control: number;
  owner?: string;
  group?: string;
  /** undefined: no SACL; null: SACL present but NULL. */
  sacl?: Acl | null;
  /** undefined: no DACL; null: NULL DACL (grants everyone everything — encodeDaclWrite refuses it). */
  dacl?: Acl | null;
  /** Set by parse only when the bytes are not laid out the way encode lays them out by default. */
  layout?: SdLayout;
}

/** ACE type bytes (MS-DTYP §2.4.4.1), so callers need not spell raw numbers. */
export const AceType = {
  ACCESS_ALLOWED: 0x00,
  ACCESS_DENIED: 0x01,
  SYSTEM_AUDIT: 0x02,
  SYSTEM_ALARM: 0x03,
  ACCESS_ALLOWED_COMPOUND: 0x04,
  ACCESS_ALLOWED_OBJECT: 0x05,
  ACCESS_DENIED_OBJECT: 0x06,
  SYSTEM_AUDIT_OBJECT: 0x07,
  SYSTEM_ALARM_OBJECT: 0x08,
  ACCESS_ALLOWED_CALLBACK: 0x09,
  ACCESS_DENIED_CALLBACK: 0x0a,
  ACCESS_ALLOWED_CALLBACK_OBJECT: 0x0b,
  ACCESS_DENIED_CALLBACK_OBJECT: 0x0c,
  SYSTEM_AUDIT_CALLBACK: 0x0d,
  SYSTEM_ALARM_CALLBACK: 0x0e,
  SYSTEM_AUDIT_CALLBACK_OBJECT: 0x0f,
  SYSTEM_ALARM_CALLBACK_OBJECT: 0x10,
  SYSTEM_MANDATORY_LABEL: 0x11,
  SYSTEM_RESOURCE_ATTRIBUTE: 0x12,
  SYSTEM_SCOPED_POLICY_ID: 0x13,
} as const;

/** ACE flag bits (MS-DTYP §2.4.4.1). */
/**
 * Access-mask bits by their SDDL codes (MS-DTYP §2.4.3 ACCESS_MASK; the directory-service bits
 * as ADS_RIGHTS_ENUM names them): the one table the codec, the recipes, the gateway plan and the
 * preview use.
 */
export const AccessRight = {
  CC: 0x1, // create child
  DC: 0x2, // delete child
  LC: 0x4, // list contents
  SW: 0x8, // validated write (self)
  RP: 0x10, // read property
  WP: 0x20, // write property
  DT: 0x40, // delete tree
  LO: 0x80, // list object
  CR: 0x100, // control access (extended right)
  SD: 0x10000, // delete
  RC: 0x20000, // read permissions
  WD: 0x40000, // modify permissions (WRITE_DAC)
  WO: 0x80000, // modify owner
  GA: 0x10000000, // generic all
  GX: 0x20000000, // generic execute
  GW: 0x40000000, // generic write
  GR: 0x80000000, // generic read
} as const;
export type AccessRightCode = keyof typeof AccessRight;

export const AceFlag = {
  OBJECT_INHERIT: 0x01,
  CONTAINER_INHERIT: 0x02,
  NO_PROPAGATE_INHERIT: 0x04,
  INHERIT_ONLY: 0x08,
  INHERITED: 0x10,
  SUCCESSFUL_ACCESS: 0x40,
  FAILED_ACCESS: 0x80,
} as const;

/** SECURITY_DESCRIPTOR control bits (MS-DTYP §2.4.6), as the little-endian 16-bit value. */
export const SdControl = {
  OWNER_DEFAULTED: 0x0001,
  GROUP_DEFAULTED: 0x0002,
  DACL_PRESENT: 0x0004,
  DACL_DEFAULTED: 0x0008,
  SACL_PRESENT: 0x0010,
  SACL_DEFAULTED: 0x0020,
  DACL_TRUSTED: 0x0040,
  SERVER_SECURITY: 0x0080,
  DACL_AUTO_INHERIT_REQ: 0x0100,
  SACL_AUTO_INHERIT_REQ: 0x0200,
  DACL_AUTO_INHERITED: 0x0400,
  SACL_AUTO_INHERITED: 0x0800,
  DACL_PROTECTED: 0x1000,
  SACL_PROTECTED: 0x2000,
  RM_CONTROL_VALID: 0x4000,
  SELF_RELATIVE: 0x8000,
} as const;

/** ACL_REVISION_DS: what AD (and Samba) write, and what fromSddl produces. */
export const ACL_REVISION_DS = 4;

/** Problems with a descriptor's bytes, SDDL text or model. */
export class SecurityDescriptorError extends Error {
  override readonly name = 'SecurityDescriptorError';
  /** Byte offset (binary input) or character position (SDDL input) of the problem, when known. */
  readonly offset: number | undefined;

  constructor(message: string, offset?: number, options?: ErrorOptions) {
    super(message, options);
    this.offset = offset;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

export const HEADER_SIZE = 20;
export const ACL_HEADER_SIZE = 8;
export const MAX_SUB_AUTHORITIES = 15;
export const OBJECT_TYPE_PRESENT = 0x1;
export const INHERITED_OBJECT_TYPE_PRESENT = 0x2;
export const defaultOrder: readonly SdPart[] = ['owner', 'group', 'sacl', 'dacl'];
export const partNames: Record<SdPart, string> = { owner: 'owner SID', group: 'group SID', sacl: 'SACL', dacl: 'DACL' };

type AceLayout = 'basic' | 'object' | 'opaque';

/** Body layout per ACE type: mask + SID, or mask + object flags + GUIDs + SID; anything else is opaque. */
export function layoutOf(type: number): AceLayout {
  if ([0x00, 0x01, 0x02, 0x03, 0x09, 0x0a, 0x0d, 0x0e, 0x11, 0x12, 0x13].includes(type)) return 'basic';
  if ([0x05, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0f, 0x10].includes(type)) return 'object';
  return 'opaque';
}

/** Types the codec can build from fields (no application data). Others need `raw`. */
export const fieldTypes: ReadonlySet<number> = new Set([0x00, 0x01, 0x02, 0x03, 0x05, 0x06, 0x07, 0x08, 0x11]);
export const denyTypes: ReadonlySet<number> = new Set([0x01, 0x06, 0x0a, 0x0c]);

const typeNames = new Map<number, string>(Object.entries(AceType).map(([name, value]) => [value, name]));
export const typeLabel = (type: number) => `0x${hex2(type)} (${typeNames.get(type) ?? 'unknown'})`;
export const hex2 = (n: number) => n.toString(16).padStart(2, '0');
export const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

export const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function err(message: string, offset?: number): SecurityDescriptorError {
  return new SecurityDescriptorError(message, offset);
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Canonical text of a SID ('S-1-5-21-…'), or undefined when it is not a valid revision-1 SID. */
export function canonicalSid(text: string): string | undefined {
  const m = /^S-1-(\d{1,15})((?:-\d{1,10}){0,15})$/i.exec(text);
  if (!m) return undefined;
  const authority = Number(m[1]);
  const subs = m[2]!.split('-').slice(1).map(Number);
  if (authority > 2 ** 48 - 1 || subs.some((s) => s > 0xffffffff)) return undefined;
  return sidToString(sidToBytes(`S-1-${authority}${subs.map((s) => `-${s}`).join('')}`));
}

/** Canonical (lowercase) GUID text, or undefined when it is not a GUID. */
export function canonicalGuid(text: string): string | undefined {
  try {
    return guidToString(guidToBytes(text));
  } catch {
    return undefined;
  }
}

export function isObjectLayout(type: number): boolean {
  return layoutOf(type) === 'object';
}
