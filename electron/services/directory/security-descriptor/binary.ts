/**
 * The self-relative binary SECURITY_DESCRIPTOR (MS-DTYP §2.4.6): strict about what it accepts,
 * keeps everything it does not understand byte for byte, and re-checks every buffer it produces.
 */
import { guidToBytes, guidToString, sidToBytes, sidToString } from '../dir-entry';
import {
  ACL_HEADER_SIZE,
  ACL_REVISION_DS,
  type Ace,
  type Acl,
  HEADER_SIZE,
  INHERITED_OBJECT_TYPE_PRESENT,
  MAX_SUB_AUTHORITIES,
  OBJECT_TYPE_PRESENT,
  SdControl,
  type SdLayout,
  type SdPart,
  type SecurityDescriptor,
  SecurityDescriptorError,
  asBuffer,
  canonicalGuid,
  canonicalSid,
  capitalize,
  defaultOrder,
  err,
  fieldTypes,
  hex2,
  isObjectLayout,
  layoutOf,
  partNames,
  typeLabel,
} from './model';
import { isCanonical } from './ace-list';

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
  if (decoded.sid === '' ? ace.sid !== '' : canonicalSid(String(ace.sid)) !== decoded.sid) differs.push('sid');
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
    throw new SecurityDescriptorError(`Refusing to produce an invalid security descriptor: ${e instanceof Error ? e.message : String(e)}`, undefined, {
      cause: e,
    });
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
  return encodeSecurityDescriptor({
    revision: 1,
    control: (sd.control & keep) | SdControl.SELF_RELATIVE,
    dacl: { revision: sd.dacl.revision, aces: sd.dacl.aces },
  });
}
