/**
 * Codec for AD's nTSecurityDescriptor: the self-relative binary SECURITY_DESCRIPTOR (MS-DTYP
 * §2.4.6) and its SDDL text form (MS-DTYP §2.5.1). The console reads an OU's DACL, adds or
 * removes ACEs and writes the DACL back, so the codec is strict about what it accepts, keeps
 * everything it does not understand byte for byte, and re-checks every buffer it produces.
 *
 * Exactness: parseSecurityDescriptor → encodeSecurityDescriptor gives back the input bytes for
 * every buffer parse accepts. Things the plain model cannot express are kept in optional fields
 * parse fills only when needed: `Ace.raw` (ACE types this codec does not understand, or ACEs
 * with extra bytes), `Acl.slack` (free space after the last ACE) and `SecurityDescriptor.layout`
 * (part order when it is not owner, group, SACL, DACL as Samba writes it; the whole image when
 * the parts are not packed back to back). Dropping `slack` or `layout` changes byte placement,
 * never meaning.
 */
import { guidToBytes, guidToString, sidToBytes, sidToString } from '../directory/dir-entry';

// ---------------------------------------------------------------------------------------------
// Model

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

const HEADER_SIZE = 20;
const ACL_HEADER_SIZE = 8;
const MAX_SUB_AUTHORITIES = 15;
const OBJECT_TYPE_PRESENT = 0x1;
const INHERITED_OBJECT_TYPE_PRESENT = 0x2;
const defaultOrder: readonly SdPart[] = ['owner', 'group', 'sacl', 'dacl'];
const partNames: Record<SdPart, string> = { owner: 'owner SID', group: 'group SID', sacl: 'SACL', dacl: 'DACL' };

type AceLayout = 'basic' | 'object' | 'opaque';

/** Body layout per ACE type: mask + SID, or mask + object flags + GUIDs + SID; anything else is opaque. */
function layoutOf(type: number): AceLayout {
  if ([0x00, 0x01, 0x02, 0x03, 0x09, 0x0a, 0x0d, 0x0e, 0x11, 0x12, 0x13].includes(type)) return 'basic';
  if ([0x05, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0f, 0x10].includes(type)) return 'object';
  return 'opaque';
}

/** Types the codec can build from fields (no application data). Others need `raw`. */
const fieldTypes: ReadonlySet<number> = new Set([0x00, 0x01, 0x02, 0x03, 0x05, 0x06, 0x07, 0x08, 0x11]);
const denyTypes: ReadonlySet<number> = new Set([0x01, 0x06, 0x0a, 0x0c]);

const typeNames = new Map<number, string>(Object.entries(AceType).map(([name, value]) => [value, name]));
const typeLabel = (type: number) => `0x${hex2(type)} (${typeNames.get(type) ?? 'unknown'})`;
const hex2 = (n: number) => n.toString(16).padStart(2, '0');
const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function err(message: string, offset?: number): SecurityDescriptorError {
  return new SecurityDescriptorError(message, offset);
}

function asBuffer(bytes: Uint8Array): Buffer {
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
function canonicalGuid(text: string): string | undefined {
  try {
    return guidToString(guidToBytes(text));
  } catch {
    return undefined;
  }
}

function isObjectLayout(type: number): boolean {
  return layoutOf(type) === 'object';
}

// ---------------------------------------------------------------------------------------------
// Binary → model

/** Reads a SID at `offset` that must end by `end` (absolute offsets into `buf`). */
function readSid(buf: Buffer, offset: number, end: number, name: string): { sid: string; length: number } {
  const what = capitalize(name);
  if (offset + 8 > end) {
    throw err(`${what} at byte ${offset} is truncated: a SID needs at least 8 bytes but only ${Math.max(0, end - offset)} are left`, offset);
  }
  const revision = buf.readUInt8(offset);
  if (revision !== 1) throw err(`${what} at byte ${offset} has revision ${revision}; SIDs have revision 1`, offset);
  const count = buf.readUInt8(offset + 1);
  if (count > MAX_SUB_AUTHORITIES) {
    throw err(`${what} at byte ${offset} claims ${count} sub-authorities (byte ${offset + 1}); a SID has at most ${MAX_SUB_AUTHORITIES}`, offset + 1);
  }
  const length = 8 + count * 4;
  if (offset + length > end) {
    throw err(`${what} at byte ${offset} is truncated: ${count} sub-authorities need ${length} bytes but only ${end - offset} are left`, offset);
  }
  return { sid: sidToString(buf.subarray(offset, offset + length)), length };
}

interface AceFields {
  type: number;
  flags: number;
  mask: number;
  sid: string;
  objectType?: string;
  inheritedObjectType?: string;
}

/** Decodes the fields of the ACE occupying [start, end) of `buf`; throws on anything malformed. */
function decodeFields(buf: Buffer, start: number, end: number, what: string): AceFields {
  const type = buf.readUInt8(start);
  const flags = buf.readUInt8(start + 1);
  const layout = layoutOf(type);
  if (layout === 'opaque') return { type, flags, mask: 0, sid: '' };
  const minimum = layout === 'object' ? 12 : 8;
  if (end - start < minimum) throw err(`${capitalize(what)} at byte ${start} is ${end - start} bytes, too short for a ${typeLabel(type)} ACE`, start);
  const fields: AceFields = { type, flags, mask: buf.readUInt32LE(start + 4), sid: '' };
  let p = start + 8;
  if (layout === 'object') {
    const objectFlags = buf.readUInt32LE(p);
    p += 4;
    for (const [bit, key] of [
      [OBJECT_TYPE_PRESENT, 'objectType'],
      [INHERITED_OBJECT_TYPE_PRESENT, 'inheritedObjectType'],
    ] as const) {
      if (!(objectFlags & bit)) continue;
      if (p + 16 > end) throw err(`${capitalize(what)} at byte ${start}: its ${key} GUID at byte ${p} runs past the end of the ACE (byte ${end})`, p);
      fields[key] = guidToString(buf.subarray(p, p + 16));
      p += 16;
    }
  }
  fields.sid = readSid(buf, p, end, `the SID of ${what}`).sid;
  return fields;
}

function fieldsToAce(f: AceFields): Ace {
  const ace: Ace = { type: f.type, flags: f.flags, mask: f.mask, sid: f.sid };
  if (f.objectType !== undefined) ace.objectType = f.objectType;
  if (f.inheritedObjectType !== undefined) ace.inheritedObjectType = f.inheritedObjectType;
  return ace;
}

function parseAce(buf: Buffer, start: number, aclEnd: number, what: string): Ace {
  if (start + 4 > aclEnd) throw err(`${what} at byte ${start}: its 4-byte header runs past the end of the ACL (byte ${aclEnd})`, start);
  const type = buf.readUInt8(start);
  const size = buf.readUInt16LE(start + 2);
  if (size < 4) throw err(`${what} at byte ${start} has size ${size}; an ACE is at least 4 bytes`, start + 2);
  if (size % 4 !== 0) throw err(`${what} at byte ${start} has size ${size}, not a multiple of 4`, start + 2);
  if (start + size > aclEnd) {
    throw err(`${what} at byte ${start} has size ${size} but only ${aclEnd - start} bytes are left in the ACL (it ends at byte ${aclEnd})`, start + 2);
  }
  const end = start + size;
  const bytes = buf.subarray(start, end);
  if (fieldTypes.has(type)) {
    const ace = fieldsToAce(decodeFields(buf, start, end, what));
    if (!encodeAceFields(ace, what).equals(bytes)) ace.raw = Buffer.from(bytes);
    return ace;
  }
  let fields: AceFields;
  try {
    fields = decodeFields(buf, start, end, what);
  } catch {
    fields = { type, flags: buf.readUInt8(start + 1), mask: 0, sid: '' };
  }
  return { ...fieldsToAce(fields), raw: Buffer.from(bytes) };
}

function parseAcl(buf: Buffer, offset: number, which: 'DACL' | 'SACL'): Acl {
  if (offset + ACL_HEADER_SIZE > buf.length) {
    throw err(`The ${which} at byte ${offset} is truncated: its 8-byte header runs past the end of the buffer (${buf.length} bytes)`, offset);
  }
  const revision = buf.readUInt8(offset);
  if (revision < 2 || revision > 4) throw err(`The ${which} at byte ${offset} has revision ${revision}; ACL revisions are 2 to 4`, offset);
  if (buf.readUInt8(offset + 1) !== 0) throw err(`The ${which} at byte ${offset} has a non-zero reserved byte (Sbz1) at byte ${offset + 1}`, offset + 1);
  const size = buf.readUInt16LE(offset + 2);
  if (size < ACL_HEADER_SIZE) throw err(`The ${which} at byte ${offset} has size ${size}; an ACL is at least 8 bytes`, offset + 2);
  if (size % 2 !== 0) throw err(`The ${which} at byte ${offset} has odd size ${size}`, offset + 2);
  if (offset + size > buf.length) {
    throw err(`The ${which} at byte ${offset} has size ${size} but the buffer ends at byte ${buf.length} (${buf.length - offset} bytes left)`, offset + 2);
  }
  const count = buf.readUInt16LE(offset + 4);
  if (buf.readUInt16LE(offset + 6) !== 0) throw err(`The ${which} at byte ${offset} has a non-zero reserved field (Sbz2) at byte ${offset + 6}`, offset + 6);
  const end = offset + size;
  const aces: Ace[] = [];
  let p = offset + ACL_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    const ace = parseAce(buf, p, end, `ACE ${i} of ${count} in the ${which}`);
    if (revision < ACL_REVISION_DS && isObjectLayout(ace.type)) {
      throw err(`ACE ${i} in the ${which} at byte ${p} is an object ACE but the ACL has revision ${revision}; object ACEs need revision 4`, p);
    }
    aces.push(ace);
    p += buf.readUInt16LE(p + 2);
  }
  const acl: Acl = { revision, aces };
  if (p < end) acl.slack = Buffer.from(buf.subarray(p, end));
  return acl;
}

/**
 * Parses a self-relative nTSecurityDescriptor value. Throws SecurityDescriptorError (saying what
 * is wrong and at which byte) on truncated, inconsistent or garbage input; never returns a
 * partial model.
 */
export function parseSecurityDescriptor(bytes: Buffer): SecurityDescriptor {
  if (!(bytes instanceof Uint8Array)) throw err('A security descriptor must be given as bytes (Buffer)');
  try {
    return parseChecked(asBuffer(bytes));
  } catch (e) {
    if (e instanceof SecurityDescriptorError) throw e;
    throw new SecurityDescriptorError(`Unreadable security descriptor: ${e instanceof Error ? e.message : String(e)}`, undefined, { cause: e });
  }
}

function parseChecked(buf: Buffer): SecurityDescriptor {
  if (buf.length < HEADER_SIZE) {
    throw err(`Truncated security descriptor: the header needs ${HEADER_SIZE} bytes but there are only ${buf.length}`, buf.length);
  }
  const revision = buf.readUInt8(0);
  if (revision !== 1) throw err(`Not a security descriptor: revision (byte 0) is ${revision}, expected 1`, 0);
  if (buf.readUInt8(1) !== 0) throw err(`Not a supported security descriptor: reserved byte 1 (Sbz1) is 0x${hex2(buf.readUInt8(1))}, expected 0`, 1);
  const control = buf.readUInt16LE(2);
  if (!(control & SdControl.SELF_RELATIVE)) {
    throw err(`Not a self-relative security descriptor: control (byte 2) is 0x${control.toString(16)} without SE_SELF_RELATIVE`, 2);
  }
  const offsets: Record<SdPart, number> = {
    owner: buf.readUInt32LE(4),
    group: buf.readUInt32LE(8),
    sacl: buf.readUInt32LE(12),
    dacl: buf.readUInt32LE(16),
  };
  const headerField: Record<SdPart, number> = { owner: 4, group: 8, sacl: 12, dacl: 16 };
  for (const part of defaultOrder) {
    const offset = offsets[part];
    if (offset === 0) continue;
    if (offset < HEADER_SIZE || offset >= buf.length) {
      throw err(
        `The ${partNames[part]} offset (byte ${headerField[part]}) is ${offset}, outside the descriptor body (bytes ${HEADER_SIZE}–${buf.length - 1})`,
        headerField[part],
      );
    }
  }
  for (const [part, bit] of [
    ['dacl', SdControl.DACL_PRESENT],
    ['sacl', SdControl.SACL_PRESENT],
  ] as const) {
    if (offsets[part] !== 0 && !(control & bit)) {
      throw err(`The ${partNames[part]} offset (byte ${headerField[part]}) is set but the control flags say there is no ${partNames[part]}`, headerField[part]);
    }
  }

  const sd: SecurityDescriptor = { revision, control };
  const extents: Array<{ part: SdPart; offset: number; length: number }> = [];
  for (const part of ['owner', 'group'] as const) {
    if (offsets[part] === 0) continue;
    const { sid, length } = readSid(buf, offsets[part], buf.length, `The ${partNames[part]}`);
    sd[part] = sid;
    extents.push({ part, offset: offsets[part], length });
  }
  for (const [part, bit] of [
    ['sacl', SdControl.SACL_PRESENT],
    ['dacl', SdControl.DACL_PRESENT],
  ] as const) {
    if (!(control & bit)) continue;
    if (offsets[part] === 0) {
      sd[part] = null;
      continue;
    }
    const acl = parseAcl(buf, offsets[part], part === 'dacl' ? 'DACL' : 'SACL');
    sd[part] = acl;
    extents.push({ part, offset: offsets[part], length: buf.readUInt16LE(offsets[part] + 2) });
  }

  extents.sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < extents.length; i++) {
    const a = extents[i - 1]!;
    const b = extents[i]!;
    if (b.offset < a.offset + a.length) {
      throw err(
        `The ${partNames[a.part]} (bytes ${a.offset}–${a.offset + a.length - 1}) overlaps the ${partNames[b.part]} (bytes ${b.offset}–${b.offset + b.length - 1})`,
        b.offset,
      );
    }
  }
  const order = extents.map((e) => e.part);
  let next = HEADER_SIZE;
  const packed = extents.every((e) => {
    const ok = e.offset === next;
    next += e.length;
    return ok;
  });
  if (!packed || next !== buf.length) {
    sd.layout = {
      order,
      image: Buffer.from(buf),
      extents: Object.fromEntries(extents.map((e) => [e.part, { offset: e.offset, length: e.length }])),
    };
  } else if (order.join() !== defaultOrder.filter((p) => order.includes(p)).join()) {
    sd.layout = { order };
  }
  return sd;
}

// ---------------------------------------------------------------------------------------------
// Model → binary

function checkInteger(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw err(`${what} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function sidBytes(sid: unknown, what: string): Buffer {
  const canonical = typeof sid === 'string' ? canonicalSid(sid) : undefined;
  if (canonical === undefined) throw err(`${what} is not a valid SID: ${JSON.stringify(sid)}`);
  return sidToBytes(canonical);
}

function guidBytes(guid: unknown, what: string): Buffer {
  const canonical = typeof guid === 'string' ? canonicalGuid(guid) : undefined;
  if (canonical === undefined) throw err(`${what} is not a valid GUID: ${JSON.stringify(guid)}`);
  return guidToBytes(canonical);
}

/** Builds the ACE from its fields (no raw), validating each. */
function encodeAceFields(ace: Ace, what: string): Buffer {
  const type = checkInteger(ace.type, 0, 0xff, `The type of ${what}`);
  const flags = checkInteger(ace.flags, 0, 0xff, `The flags of ${what}`);
  if (!fieldTypes.has(type)) {
    throw err(`${what} has type ${typeLabel(type)}, which this codec can only write back from its raw bytes (set \`raw\`)`);
  }
  const mask = checkInteger(ace.mask, -0x80000000, 0xffffffff, `The access mask of ${what}`) >>> 0;
  const sid = sidBytes(ace.sid, `The SID of ${what}`);
  const body: Buffer[] = [];
  const head = Buffer.alloc(8);
  head.writeUInt8(type, 0);
  head.writeUInt8(flags, 1);
  head.writeUInt32LE(mask, 4);
  body.push(head);
  if (isObjectLayout(type)) {
    let objectFlags = 0;
    const guids: Buffer[] = [];
    if (ace.objectType !== undefined) {
      objectFlags |= OBJECT_TYPE_PRESENT;
      guids.push(guidBytes(ace.objectType, `The objectType of ${what}`));
    }
    if (ace.inheritedObjectType !== undefined) {
      objectFlags |= INHERITED_OBJECT_TYPE_PRESENT;
      guids.push(guidBytes(ace.inheritedObjectType, `The inheritedObjectType of ${what}`));
    }
    const f = Buffer.alloc(4);
    f.writeUInt32LE(objectFlags, 0);
    body.push(f, ...guids);
  } else if (ace.objectType !== undefined || ace.inheritedObjectType !== undefined) {
    throw err(`${what} has type ${typeLabel(type)}, which cannot carry objectType/inheritedObjectType; use an object ACE type`);
  }
  body.push(sid);
  const out = Buffer.concat(body);
  out.writeUInt16LE(out.length, 2);
  return out;
}

/** Returns the raw bytes of an ACE after checking that its fields still describe them. */
function checkedRaw(ace: Ace, what: string): Buffer {
  if (!(ace.raw instanceof Uint8Array)) throw err(`The raw bytes of ${what} must be a Buffer`);
  const raw = asBuffer(ace.raw);
  if (raw.length < 4 || raw.length % 4 !== 0 || raw.length > 0xffff) {
    throw err(`The raw bytes of ${what} are ${raw.length} bytes; an ACE is 4 to 65532 bytes and a multiple of 4`);
  }
  if (raw.readUInt16LE(2) !== raw.length) throw err(`The raw bytes of ${what} say the ACE is ${raw.readUInt16LE(2)} bytes but there are ${raw.length}`);
  let decoded: AceFields;
  if (fieldTypes.has(raw.readUInt8(0))) {
    decoded = decodeFields(raw, 0, raw.length, `the raw bytes of ${what}`);
  } else {
    try {
      decoded = decodeFields(raw, 0, raw.length, what);
    } catch {
      decoded = { type: raw.readUInt8(0), flags: raw.readUInt8(1), mask: 0, sid: '' };
    }
  }
  const differs: string[] = [];
  if (ace.type !== decoded.type) differs.push('type');
  if (ace.flags !== decoded.flags) differs.push('flags');
  if (typeof ace.mask !== 'number' || ace.mask >>> 0 !== decoded.mask) differs.push('mask');
  if ((decoded.sid === '' ? ace.sid !== '' : canonicalSid(String(ace.sid)) !== decoded.sid)) differs.push('sid');
  const guid = (g: string | undefined) => (g === undefined ? undefined : (canonicalGuid(g) ?? g));
  if (guid(ace.objectType) !== decoded.objectType) differs.push('objectType');
  if (guid(ace.inheritedObjectType) !== decoded.inheritedObjectType) differs.push('inheritedObjectType');
  if (differs.length > 0) {
    throw err(
      `${what} has raw bytes whose ${differs.join(', ')} differ from its fields; raw bytes are written unchanged, so edit them or drop \`raw\` to encode from the fields`,
    );
  }
  return raw;
}

function encodeAce(ace: Ace, what: string): Buffer {
  if (ace === null || typeof ace !== 'object') throw err(`${what} is not an ACE`);
  return ace.raw !== undefined ? checkedRaw(ace, what) : encodeAceFields(ace, what);
}

function encodeAcl(acl: Acl, which: 'DACL' | 'SACL'): Buffer {
  if (acl === null || typeof acl !== 'object' || !Array.isArray(acl.aces)) throw err(`The ${which} must be { revision, aces: [] }`);
  const revision = checkInteger(acl.revision, 2, 4, `The ${which} revision`);
  const aces = acl.aces.map((ace, i) => encodeAce(ace, `ACE ${i} in the ${which}`));
  const objectAce = aces.findIndex((a) => isObjectLayout(a.readUInt8(0)));
  if (revision < ACL_REVISION_DS && objectAce >= 0) {
    throw err(`ACE ${objectAce} in the ${which} is an object ACE but the ${which} has revision ${revision}; object ACEs need revision 4`);
  }
  if (acl.slack !== undefined && !(acl.slack instanceof Uint8Array)) throw err(`The ${which} slack must be a Buffer`);
  const slack = acl.slack === undefined ? Buffer.alloc(0) : asBuffer(acl.slack);
  const size = ACL_HEADER_SIZE + aces.reduce((n, a) => n + a.length, 0) + slack.length;
  if (size > 0xffff) throw err(`The ${which} would be ${size} bytes; an ACL holds at most 65535 bytes`);
  if (size % 2 !== 0) throw err(`The ${which} would have odd size ${size} (its slack is ${slack.length} bytes)`);
  const header = Buffer.alloc(ACL_HEADER_SIZE);
  header.writeUInt8(revision, 0);
  header.writeUInt16LE(size, 2);
  header.writeUInt16LE(aces.length, 4);
  return Buffer.concat([header, ...aces, slack]);
}

/** Lays the encoded parts out: at their old offsets when the image still fits, else packed in order. */
function placeParts(parts: Map<SdPart, Buffer>, layout: SdLayout | undefined): { out: Buffer; offsets: Map<SdPart, number> } {
  const present = defaultOrder.filter((p) => parts.has(p));
  const offsets = new Map<SdPart, number>();
  if (layout?.image instanceof Uint8Array && layout.extents && typeof layout.extents === 'object') {
    const image = asBuffer(layout.image);
    const recorded = Object.entries(layout.extents) as Array<[SdPart, { offset: number; length: number }]>;
    const fits =
      image.length >= HEADER_SIZE &&
      recorded.length === present.length &&
      present.every((p) => {
        const e = layout.extents![p];
        return e !== undefined && e.length === parts.get(p)!.length && e.offset >= HEADER_SIZE && e.offset + e.length <= image.length;
      }) &&
      recorded
        .map(([, e]) => e)
        .sort((a, b) => a.offset - b.offset)
        .every((e, i, all) => i === 0 || all[i - 1]!.offset + all[i - 1]!.length <= e.offset);
    if (fits) {
      const out = Buffer.from(image);
      for (const p of present) {
        parts.get(p)!.copy(out, layout.extents[p]!.offset);
        offsets.set(p, layout.extents[p]!.offset);
      }
      return { out, offsets };
    }
  }
  const wanted = Array.isArray(layout?.order) ? layout.order : [];
  const order = [...new Set([...wanted.filter((p) => present.includes(p)), ...present])];
  let next = HEADER_SIZE;
  for (const p of order) {
    offsets.set(p, next);
    next += parts.get(p)!.length;
  }
  const out = Buffer.alloc(next);
  for (const p of order) parts.get(p)!.copy(out, offsets.get(p)!);
  return { out, offsets };
}

/**
 * Builds the self-relative bytes of a descriptor, validating every field (SIDs, GUIDs, masks,
 * sizes) so a bad model fails here rather than on the directory server. SE_DACL_PRESENT,
 * SE_SACL_PRESENT and SE_SELF_RELATIVE are set from what the model holds.
 */
export function encodeSecurityDescriptor(sd: SecurityDescriptor): Buffer {
  if (sd === null || typeof sd !== 'object') throw err('A security descriptor model must be an object');
  checkInteger(sd.revision, 1, 1, 'The security descriptor revision');
  let control = checkInteger(sd.control, 0, 0xffff, 'The control flags');
  const parts = new Map<SdPart, Buffer>();
  if (sd.owner !== undefined) parts.set('owner', sidBytes(sd.owner, 'The owner'));
  if (sd.group !== undefined) parts.set('group', sidBytes(sd.group, 'The group'));
  if (sd.sacl) parts.set('sacl', encodeAcl(sd.sacl, 'SACL'));
  if (sd.dacl) parts.set('dacl', encodeAcl(sd.dacl, 'DACL'));
  control &= ~(SdControl.DACL_PRESENT | SdControl.SACL_PRESENT);
  control |= SdControl.SELF_RELATIVE;
  if (sd.dacl !== undefined) control |= SdControl.DACL_PRESENT;
  if (sd.sacl !== undefined) control |= SdControl.SACL_PRESENT;

  const { out, offsets } = placeParts(parts, sd.layout);
  out.writeUInt8(1, 0);
  out.writeUInt8(0, 1);
  out.writeUInt16LE(control, 2);
  out.writeUInt32LE(offsets.get('owner') ?? 0, 4);
  out.writeUInt32LE(offsets.get('group') ?? 0, 8);
  out.writeUInt32LE(offsets.get('sacl') ?? 0, 12);
  out.writeUInt32LE(offsets.get('dacl') ?? 0, 16);
  try {
    parseChecked(out);
  } catch (e) {
    throw new SecurityDescriptorError(`Refusing to produce an invalid security descriptor: ${e instanceof Error ? e.message : String(e)}`, undefined, { cause: e });
  }
  return out;
}

/**
 * The value to write back for a DACL-only update (LDAP SD-flags control = DACL_SECURITY_INFORMATION):
 * just the DACL and its P/AI/AR control bits. Refuses what would be a harmful write: no DACL,
 * a NULL DACL (everyone gets full control) or ACEs out of canonical order.
 */
export function encodeDaclWrite(sd: SecurityDescriptor): Buffer {
  if (sd.dacl === undefined) throw err('There is no DACL to write');
  if (sd.dacl === null) throw err('Refusing to write a NULL DACL: it would give everyone full control');
  if (!isCanonical(sd.dacl.aces)) throw err('Refusing to write a DACL that is not in canonical order; run canonicalizeAces first');
  const keep = SdControl.DACL_PROTECTED | SdControl.DACL_AUTO_INHERITED | SdControl.DACL_AUTO_INHERIT_REQ;
  return encodeSecurityDescriptor({ revision: 1, control: (sd.control & keep) | SdControl.SELF_RELATIVE, dacl: { revision: sd.dacl.revision, aces: sd.dacl.aces } });
}

// ---------------------------------------------------------------------------------------------
// ACE lists

const isInherited = (ace: Ace) => (ace.flags & AceFlag.INHERITED) !== 0;

/**
 * Puts ACEs in the order Windows treats as canonical, moving as little as possible: explicit
 * ACEs before inherited ones; among explicit ACEs every deny (access-denied, denied-object and
 * their callback forms) before everything else; inherited ACEs keep their order (parent's before
 * grandparent's). The sort is stable, so an already canonical list comes back unchanged.
 */
export function canonicalizeAces(aces: Ace[]): Ace[] {
  const deny: Ace[] = [];
  const other: Ace[] = [];
  const inherited: Ace[] = [];
  for (const ace of aces) (isInherited(ace) ? inherited : denyTypes.has(ace.type) ? deny : other).push(ace);
  return [...deny, ...other, ...inherited];
}

/** True when canonicalizeAces would not move anything. */
export function isCanonical(aces: Ace[]): boolean {
  const canonical = canonicalizeAces(aces);
  return canonical.every((ace, i) => ace === aces[i]);
}

/**
 * Identity of an ACE, for finding duplicates and removing exactly what a recipe added: type,
 * all flags (INHERITED included — an inherited twin of an explicit ACE is a different entry: it
 * cannot be removed from this object and must not be mistaken for the one we added), mask,
 * SID and both object GUIDs, normalised (SID canonical text, GUIDs lowercase, mask unsigned).
 * ACEs kept as raw bytes are identified by those bytes.
 */
export function aceKey(ace: Ace): string {
  if (ace.raw !== undefined) return `raw:${asBuffer(ace.raw).toString('hex')}`;
  const sid = canonicalSid(String(ace.sid)) ?? String(ace.sid).toUpperCase();
  const guid = (g: string | undefined) => (g === undefined ? '' : (canonicalGuid(g) ?? g.toLowerCase()));
  return [hex2(ace.type), hex2(ace.flags), hex8(ace.mask), sid, guid(ace.objectType), guid(ace.inheritedObjectType)].join('|');
}

/**
 * Adds ACEs that are not there yet (by aceKey) and returns the canonical list plus what was
 * actually added, so undoing removes exactly those.
 */
export function addAces(aces: Ace[], additions: Ace[]): { aces: Ace[]; added: Ace[] } {
  const keys = new Set(aces.map(aceKey));
  const added: Ace[] = [];
  for (const ace of additions) {
    const key = aceKey(ace);
    if (keys.has(key)) continue;
    keys.add(key);
    added.push(ace);
  }
  return { aces: canonicalizeAces([...aces, ...added]), added };
}

/** Removes one matching ACE (by aceKey) per entry in `removals`; returns the rest and what was removed. */
export function removeAces(aces: Ace[], removals: Ace[]): { aces: Ace[]; removed: Ace[] } {
  const wanted = new Map<string, number>();
  for (const ace of removals) wanted.set(aceKey(ace), (wanted.get(aceKey(ace)) ?? 0) + 1);
  const kept: Ace[] = [];
  const removed: Ace[] = [];
  for (const ace of aces) {
    const key = aceKey(ace);
    const left = wanted.get(key) ?? 0;
    if (left > 0) {
      wanted.set(key, left - 1);
      removed.push(ace);
    } else kept.push(ace);
  }
  return { aces: kept, removed };
}

// ---------------------------------------------------------------------------------------------
// SDDL

/** Two-letter SID aliases. `rid` entries are relative to the domain (or, with `root`, the forest root domain). */
const sidAliases: Array<{ alias: string; sid?: string; rid?: number; root?: boolean }> = [
  { alias: 'WD', sid: 'S-1-1-0' },
  { alias: 'CO', sid: 'S-1-3-0' },
  { alias: 'CG', sid: 'S-1-3-1' },
  { alias: 'OW', sid: 'S-1-3-4' },
  { alias: 'NU', sid: 'S-1-5-2' },
  { alias: 'IU', sid: 'S-1-5-4' },
  { alias: 'SU', sid: 'S-1-5-6' },
  { alias: 'AN', sid: 'S-1-5-7' },
  { alias: 'ED', sid: 'S-1-5-9' },
  { alias: 'PS', sid: 'S-1-5-10' },
  { alias: 'AU', sid: 'S-1-5-11' },
  { alias: 'RC', sid: 'S-1-5-12' },
  { alias: 'SY', sid: 'S-1-5-18' },
  { alias: 'LS', sid: 'S-1-5-19' },
  { alias: 'NS', sid: 'S-1-5-20' },
  { alias: 'WR', sid: 'S-1-5-33' },
  { alias: 'BA', sid: 'S-1-5-32-544' },
  { alias: 'BU', sid: 'S-1-5-32-545' },
  { alias: 'BG', sid: 'S-1-5-32-546' },
  { alias: 'PU', sid: 'S-1-5-32-547' },
  { alias: 'AO', sid: 'S-1-5-32-548' },
  { alias: 'SO', sid: 'S-1-5-32-549' },
  { alias: 'PO', sid: 'S-1-5-32-550' },
  { alias: 'BO', sid: 'S-1-5-32-551' },
  { alias: 'RE', sid: 'S-1-5-32-552' },
  { alias: 'RU', sid: 'S-1-5-32-554' },
  { alias: 'RD', sid: 'S-1-5-32-555' },
  { alias: 'NO', sid: 'S-1-5-32-556' },
  { alias: 'MU', sid: 'S-1-5-32-558' },
  { alias: 'LU', sid: 'S-1-5-32-559' },
  { alias: 'IS', sid: 'S-1-5-32-568' },
  { alias: 'CY', sid: 'S-1-5-32-569' },
  { alias: 'ER', sid: 'S-1-5-32-573' },
  { alias: 'CD', sid: 'S-1-5-32-574' },
  { alias: 'RA', sid: 'S-1-5-32-575' },
  { alias: 'ES', sid: 'S-1-5-32-576' },
  { alias: 'MS', sid: 'S-1-5-32-577' },
  { alias: 'HA', sid: 'S-1-5-32-578' },
  { alias: 'AA', sid: 'S-1-5-32-579' },
  { alias: 'RM', sid: 'S-1-5-32-580' },
  { alias: 'UD', sid: 'S-1-5-84-0-0-0-0-0' },
  { alias: 'AC', sid: 'S-1-15-2-1' },
  { alias: 'LW', sid: 'S-1-16-4096' },
  { alias: 'ME', sid: 'S-1-16-8192' },
  { alias: 'MP', sid: 'S-1-16-8448' },
  { alias: 'HI', sid: 'S-1-16-12288' },
  { alias: 'SI', sid: 'S-1-16-16384' },
  { alias: 'AS', sid: 'S-1-18-1' },
  { alias: 'SS', sid: 'S-1-18-2' },
  { alias: 'RO', rid: 498, root: true },
  { alias: 'LA', rid: 500 },
  { alias: 'LG', rid: 501 },
  { alias: 'DA', rid: 512 },
  { alias: 'DU', rid: 513 },
  { alias: 'DG', rid: 514 },
  { alias: 'DC', rid: 515 },
  { alias: 'DD', rid: 516 },
  { alias: 'CA', rid: 517 },
  { alias: 'SA', rid: 518, root: true },
  { alias: 'EA', rid: 519, root: true },
  { alias: 'PA', rid: 520 },
  { alias: 'CN', rid: 522 },
  { alias: 'AP', rid: 525 },
  { alias: 'KA', rid: 526 },
  { alias: 'EK', rid: 527, root: true },
  { alias: 'RS', rid: 553 },
];
const aliasByName = new Map(sidAliases.map((a) => [a.alias, a]));
const aliasBySid = new Map(sidAliases.filter((a) => a.sid).map((a) => [a.sid!, a.alias]));

const aceTypeCodes: Array<[string, number]> = [
  ['A', 0x00],
  ['D', 0x01],
  ['AU', 0x02],
  ['AL', 0x03],
  ['OA', 0x05],
  ['OD', 0x06],
  ['OU', 0x07],
  ['OL', 0x08],
  ['ML', 0x11],
];
const aceTypeByCode = new Map(aceTypeCodes);
const aceCodeByType = new Map(aceTypeCodes.map(([code, type]) => [type, code]));

const aceFlagCodes: Array<[string, number]> = [
  ['OI', 0x01],
  ['CI', 0x02],
  ['NP', 0x04],
  ['IO', 0x08],
  ['ID', 0x10],
  ['SA', 0x40],
  ['FA', 0x80],
];
const aceFlagByCode = new Map(aceFlagCodes);

/** Rights printed as letter pairs, in the order Windows prints them (ascending bit). */
const rightBits: Array<[string, number]> = [
  ['CC', 0x1],
  ['DC', 0x2],
  ['LC', 0x4],
  ['SW', 0x8],
  ['RP', 0x10],
  ['WP', 0x20],
  ['DT', 0x40],
  ['LO', 0x80],
  ['CR', 0x100],
  ['SD', 0x10000],
  ['RC', 0x20000],
  ['WD', 0x40000],
  ['WO', 0x80000],
  ['GA', 0x10000000],
  ['GX', 0x20000000],
  ['GW', 0x40000000],
  ['GR', 0x80000000],
];
/** Mandatory-label policy bits, printed for ML ACEs. */
const labelBits: Array<[string, number]> = [
  ['NW', 0x1],
  ['NR', 0x2],
  ['NX', 0x4],
];
/** Accepted on input only: whole-mask aliases for files and registry keys. */
const inputOnlyRights: Array<[string, number]> = [
  ['FA', 0x1f01ff],
  ['FR', 0x120089],
  ['FW', 0x120116],
  ['FX', 0x1200a0],
  ['KA', 0xf003f],
  ['KR', 0x20019],
  ['KW', 0x20006],
  ['KX', 0x20019],
];
const rightByCode = new Map([...rightBits, ...labelBits, ...inputOnlyRights]);

const daclFlagBits = { P: SdControl.DACL_PROTECTED, AR: SdControl.DACL_AUTO_INHERIT_REQ, AI: SdControl.DACL_AUTO_INHERITED };
const saclFlagBits = { P: SdControl.SACL_PROTECTED, AR: SdControl.SACL_AUTO_INHERIT_REQ, AI: SdControl.SACL_AUTO_INHERITED };

export interface SddlOptions {
  /** Domain SID for the domain-relative aliases (DA, DU, CA, …); without it those SIDs print in full. */
  domainSid?: string;
  /** Forest root domain SID for EA, SA, EK and RO; defaults to domainSid (as Samba does). */
  rootDomainSid?: string;
}

function optionSid(sid: string | undefined, what: string): string | undefined {
  if (sid === undefined) return undefined;
  const canonical = canonicalSid(sid);
  if (canonical === undefined) throw err(`The ${what} is not a valid SID: ${JSON.stringify(sid)}`);
  return canonical;
}

function sidToSddl(sid: string, what: string, domain: string | undefined, root: string | undefined): string {
  const canonical = canonicalSid(String(sid));
  if (canonical === undefined) throw err(`${what} is not a valid SID: ${JSON.stringify(sid)}`);
  const wellKnown = aliasBySid.get(canonical);
  if (wellKnown) return wellKnown;
  const cut = canonical.lastIndexOf('-');
  const prefix = canonical.slice(0, cut);
  const rid = Number(canonical.slice(cut + 1));
  for (const a of sidAliases) {
    if (a.rid === rid && prefix === (a.root ? root : domain)) return a.alias;
  }
  return canonical;
}

function rightsToSddl(mask: number, type: number): string {
  const m = mask >>> 0;
  const table = type === AceType.SYSTEM_MANDATORY_LABEL ? labelBits : rightBits;
  let covered = 0;
  for (const [, bit] of table) covered |= bit;
  if ((m & ~covered) !== 0) return `0x${m.toString(16)}`;
  return table
    .filter(([, bit]) => (m & bit) >>> 0 !== 0)
    .map(([code]) => code)
    .join('');
}

function aceToSddl(ace: Ace, what: string, domain: string | undefined, root: string | undefined): string {
  if (ace.raw !== undefined) {
    throw err(`${what} (type ${typeLabel(ace.type)}) is kept as raw bytes and has no SDDL form`);
  }
  const code = aceCodeByType.get(ace.type);
  if (code === undefined) throw err(`${what} has type ${typeLabel(ace.type)}, which has no SDDL form here`);
  let flags = '';
  let left = ace.flags;
  for (const [name, bit] of aceFlagCodes) {
    if (ace.flags & bit) {
      flags += name;
      left &= ~bit;
    }
  }
  if (left !== 0) throw err(`${what} has ACE flag bits 0x${hex2(left)} that SDDL cannot express`);
  const guid = (g: string | undefined, field: string) => {
    if (g === undefined) return '';
    if (!isObjectLayout(ace.type)) throw err(`${what} is not an object ACE but has ${field}`);
    const canonical = canonicalGuid(g);
    if (canonical === undefined) throw err(`The ${field} of ${what} is not a valid GUID: ${JSON.stringify(g)}`);
    return canonical;
  };
  return `(${[
    code,
    flags,
    rightsToSddl(ace.mask, ace.type),
    guid(ace.objectType, 'objectType'),
    guid(ace.inheritedObjectType, 'inheritedObjectType'),
    sidToSddl(ace.sid, `The SID of ${what}`, domain, root),
  ].join(';')})`;
}

function aclToSddl(acl: Acl | null, control: number, which: 'DACL' | 'SACL', domain: string | undefined, root: string | undefined): string {
  const bits = which === 'DACL' ? daclFlagBits : saclFlagBits;
  let text = which === 'DACL' ? 'D:' : 'S:';
  for (const [flag, bit] of Object.entries(bits)) if (control & bit) text += flag;
  if (acl === null) return `${text}NO_ACCESS_CONTROL`;
  return text + acl.aces.map((ace, i) => aceToSddl(ace, `ACE ${i} in the ${which}`, domain, root)).join('');
}

/**
 * SDDL text for a descriptor, the way AD prints it: O:, G:, D:, S: parts, well-known SID aliases
 * (domain-relative ones when options.domainSid is given), rights as letter pairs when the mask
 * decomposes into them, else 0x-hex. Not expressible in SDDL and silently left out: ACL revision
 * and slack, byte layout, control bits other than P/AI/AR, and P/AI/AR of an absent ACL. Throws SecurityDescriptorError
 * for ACEs SDDL cannot express (raw ACEs, unknown flag bits).
 */
export function toSddl(sd: SecurityDescriptor, options: SddlOptions = {}): string {
  const domain = optionSid(options.domainSid, 'domain SID');
  const root = optionSid(options.rootDomainSid, 'root domain SID') ?? domain;
  let text = '';
  if (sd.owner !== undefined) text += `O:${sidToSddl(sd.owner, 'The owner', domain, root)}`;
  if (sd.group !== undefined) text += `G:${sidToSddl(sd.group, 'The group', domain, root)}`;
  if (sd.dacl !== undefined) text += aclToSddl(sd.dacl, sd.control, 'DACL', domain, root);
  if (sd.sacl !== undefined) text += aclToSddl(sd.sacl, sd.control, 'SACL', domain, root);
  return text;
}

/** Cursor over SDDL text with position-aware errors. */
class SddlReader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, at = this.pos): never {
    throw new SecurityDescriptorError(`Invalid SDDL at character ${at}: ${message}`, at);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  match(re: RegExp): string | undefined {
    const sticky = new RegExp(re.source, 'y' + re.flags.replace('y', ''));
    sticky.lastIndex = this.pos;
    const m = sticky.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }
}

function sddlSid(token: string, at: number, r: SddlReader, domain: string | undefined, root: string | undefined): string {
  if (/^S-/i.test(token)) {
    return canonicalSid(token) ?? r.fail(`${JSON.stringify(token)} is not a valid SID`, at);
  }
  const alias = aliasByName.get(token);
  if (!alias) return r.fail(`${JSON.stringify(token)} is neither a SID nor a known SID alias`, at);
  if (alias.sid) return alias.sid;
  const base = alias.root ? root : domain;
  if (base === undefined) return r.fail(`the alias ${token} is relative to the ${alias.root ? 'forest root ' : ''}domain; pass the domain SID`, at);
  return `${base}-${alias.rid}`;
}

function sddlRights(text: string, at: number, r: SddlReader): number {
  if (text === '') return 0;
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) return Number.parseInt(text.slice(2), 16) >>> 0;
  if (/^\d{1,10}$/.test(text)) {
    const n = Number(text);
    return n <= 0xffffffff ? n : r.fail(`access mask ${text} does not fit in 32 bits`, at);
  }
  if (text.length % 2 !== 0) return r.fail(`access rights ${JSON.stringify(text)} are not letter pairs or 0x-hex`, at);
  let mask = 0;
  for (let i = 0; i < text.length; i += 2) {
    const bit = rightByCode.get(text.slice(i, i + 2));
    if (bit === undefined) r.fail(`unknown access right ${JSON.stringify(text.slice(i, i + 2))}`, at + i);
    mask = (mask | bit) >>> 0;
  }
  return mask;
}

function sddlAce(body: string, at: number, r: SddlReader, domain: string | undefined, root: string | undefined): Ace {
  const fields = body.split(';');
  if (fields.length !== 6) {
    r.fail(`an ACE has 6 fields (type;flags;rights;object type;inherited object type;SID), this one has ${fields.length}`, at);
  }
  const starts: number[] = [];
  let p = at + 1;
  for (const f of fields) {
    starts.push(p);
    p += f.length + 1;
  }
  const field = (i: number) => fields[i]!.trim();
  const type = aceTypeByCode.get(field(0));
  if (type === undefined) r.fail(`unknown ACE type ${JSON.stringify(field(0))}`, starts[0]);
  let flags = 0;
  const flagText = field(1);
  if (flagText.length % 2 !== 0) r.fail(`ACE flags ${JSON.stringify(flagText)} are not letter pairs`, starts[1]);
  for (let i = 0; i < flagText.length; i += 2) {
    const bit = aceFlagByCode.get(flagText.slice(i, i + 2));
    if (bit === undefined) r.fail(`unknown ACE flag ${JSON.stringify(flagText.slice(i, i + 2))}`, starts[1]! + i);
    flags |= bit;
  }
  const ace: Ace = { type, flags, mask: sddlRights(field(2), starts[2]!, r), sid: '' };
  for (const [i, key] of [
    [3, 'objectType'],
    [4, 'inheritedObjectType'],
  ] as const) {
    const text = field(i);
    if (text === '') continue;
    if (!isObjectLayout(type)) r.fail(`a ${field(0)} ACE cannot have an ${key} GUID; use OA, OD, OU or OL`, starts[i]);
    ace[key] = (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text) ? canonicalGuid(text) : undefined) ??
      r.fail(`${JSON.stringify(text)} is not a GUID`, starts[i]);
  }
  if (field(5) === '') r.fail('the ACE has no SID', starts[5]);
  ace.sid = sddlSid(field(5), starts[5]!, r, domain, root);
  return ace;
}

/**
 * Parses SDDL (O:, G:, D:, S: parts in any order; ACL flags P, AI, AR, NO_ACCESS_CONTROL; ACE
 * types A, D, AU, AL, OA, OD, OU, OL, ML) into a model. ACLs get revision 4 as AD writes them.
 * Domain-relative aliases (DA, …) need domainSid; EA/SA/EK/RO use rootDomainSid, defaulting to
 * domainSid. Empty text is an empty descriptor. Throws SecurityDescriptorError naming the
 * character position on bad input.
 */
export function fromSddl(sddl: string, domainSid?: string, options: { rootDomainSid?: string } = {}): SecurityDescriptor {
  if (typeof sddl !== 'string') throw err('SDDL must be a string');
  const domain = optionSid(domainSid, 'domain SID');
  const root = optionSid(options.rootDomainSid, 'root domain SID') ?? domain;
  const r: SddlReader = new SddlReader(sddl);
  const sd: SecurityDescriptor = { revision: 1, control: SdControl.SELF_RELATIVE };
  const seen = new Set<string>();
  while (true) {
    r.skipSpace();
    if (r.done) break;
    const at = r.pos;
    const tag = r.match(/[OGDS]:/);
    if (tag === undefined) r.fail(`expected O:, G:, D: or S:, found ${JSON.stringify(sddl.slice(at, at + 10))}`);
    const letter = tag[0]!;
    if (seen.has(letter)) r.fail(`the ${tag} part appears twice`, at);
    seen.add(letter);
    r.skipSpace();
    if (letter === 'O' || letter === 'G') {
      const start = r.pos;
      const token = r.match(/S-\d+(?:-\d+)*/i) ?? r.match(/[A-Z]{2}/);
      if (token === undefined) r.fail(`expected a SID or SID alias after ${tag}`);
      sd[letter === 'O' ? 'owner' : 'group'] = sddlSid(token, start, r, domain, root);
      continue;
    }
    const bits = letter === 'D' ? daclFlagBits : saclFlagBits;
    let isNull = false;
    while (true) {
      const flag = r.match(/NO_ACCESS_CONTROL|P|AR|AI/);
      if (flag === undefined) break;
      if (flag === 'NO_ACCESS_CONTROL') isNull = true;
      else sd.control |= bits[flag as keyof typeof bits];
    }
    const aces: Ace[] = [];
    while (true) {
      r.skipSpace();
      if (r.text[r.pos] !== '(') break;
      const start = r.pos;
      const close = sddl.indexOf(')', start);
      if (close < 0) r.fail('this ACE has no closing parenthesis', start);
      const body = sddl.slice(start + 1, close);
      if (body.includes('(')) r.fail('conditional expressions and nested parentheses are not supported', start);
      aces.push(sddlAce(body, start, r, domain, root));
      r.pos = close + 1;
    }
    if (isNull && aces.length > 0) r.fail(`a NO_ACCESS_CONTROL ${letter === 'D' ? 'DACL' : 'SACL'} cannot have ACEs`, at);
    const acl: Acl | null = isNull ? null : { revision: ACL_REVISION_DS, aces };
    if (letter === 'D') {
      sd.dacl = acl;
      sd.control |= SdControl.DACL_PRESENT;
    } else {
      sd.sacl = acl;
      sd.control |= SdControl.SACL_PRESENT;
    }
  }
  return sd;
}
