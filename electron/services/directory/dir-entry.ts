/**
 * One directory object as read over LDAP, with case-insensitive attribute access. Attributes
 * that hold bytes (GUIDs, SIDs, security descriptors) stay Buffers; everything else is text.
 */
export class DirEntry {
  private readonly values = new Map<string, { name: string; values: Array<string | Buffer> }>();

  constructor(
    readonly dn: string,
    attributes: Record<string, unknown>,
  ) {
    for (const [name, value] of Object.entries(attributes)) {
      if (name === 'dn' || name === 'controls') continue;
      // ldapts gives text or bytes, one or many: a list is kept as it came, not copied (an
      // attribute such as allowedAttributesEffective has over a thousand values).
      const list: Array<string | Buffer> = Array.isArray(value) ? value : typeof value === 'string' || Buffer.isBuffer(value) ? [value] : [];
      this.values.set(name.toLowerCase(), { name, values: list });
    }
  }

  has(name: string): boolean {
    return (this.values.get(name.toLowerCase())?.values.length ?? 0) > 0;
  }

  /** The first value as text, or undefined. */
  get(name: string): string | undefined {
    const first = this.values.get(name.toLowerCase())?.values[0];
    return first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : first;
  }

  getAll(name: string): string[] {
    return (this.values.get(name.toLowerCase())?.values ?? []).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
  }

  getInt(name: string): number | undefined {
    const text = this.get(name);
    if (text === undefined || text.trim() === '') return undefined;
    const n = Number(text);
    return Number.isFinite(n) ? n : undefined;
  }

  getBool(name: string): boolean | undefined {
    const text = this.get(name)?.toUpperCase();
    return text === 'TRUE' ? true : text === 'FALSE' ? false : undefined;
  }

  getBuffer(name: string): Buffer | undefined {
    return this.getBuffers(name)[0];
  }

  getBuffers(name: string): Buffer[] {
    return (this.values.get(name.toLowerCase())?.values ?? []).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8')));
  }

  /** Attribute names as the server spelled them, including ranged ones like `member;range=0-1499`. */
  names(): string[] {
    return [...this.values.values()].map((v) => v.name);
  }

  /** Every attribute for a raw view: binary values as hex, text as is. */
  toRaw(binaryAttributes: ReadonlySet<string> = knownBinaryAttributes): Record<string, string[]> {
    const raw: Record<string, string[]> = {};
    for (const { name, values } of [...this.values.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const binary = binaryAttributes.has(name.toLowerCase());
      raw[name] = values.map((v) => (Buffer.isBuffer(v) ? (binary ? v.toString('hex') : v.toString('utf8')) : v));
    }
    return raw;
  }
}

/** Attributes read as bytes everywhere in the console. */
export const binaryAttributeNames = [
  'objectGUID',
  'objectSid',
  'nTSecurityDescriptor',
  'schemaIDGUID',
  'attributeSecurityGUID',
  'msExchMailboxGuid',
  'tokenGroups',
  'sIDHistory',
  'msExchMailboxSecurityDescriptor',
];
export const knownBinaryAttributes: ReadonlySet<string> = new Set(binaryAttributeNames.map((n) => n.toLowerCase()));

/** Formats a little-endian GUID (as AD stores it) as text. */
export function guidToString(bytes: Buffer): string {
  if (bytes.length !== 16) throw new Error('A GUID has 16 bytes');
  // The first three fields are little-endian, the last two as stored.
  const x = bytes.toString('hex');
  const le = (from: number, to: number) => {
    let out = '';
    for (let i = to - 2; i >= from; i -= 2) out += x.slice(i, i + 2);
    return out;
  };
  return `${le(0, 8)}-${le(8, 12)}-${le(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The inverse of guidToString. */
export function guidToBytes(guid: string): Buffer {
  const hex = guid.replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`Not a GUID: ${guid}`);
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

/** Formats a binary SID as S-1-5-21-…. */
export function sidToString(bytes: Buffer): string {
  if (bytes.length < 8) throw new Error('A SID has at least 8 bytes');
  const revision = bytes[0]!;
  const count = bytes[1]!;
  if (bytes.length < 8 + count * 4) throw new Error('The SID is truncated');
  const authority = bytes.readUIntBE(2, 6);
  const subs: number[] = [];
  for (let i = 0; i < count; i++) subs.push(bytes.readUInt32LE(8 + i * 4));
  return `S-${revision}-${authority}${subs.map((s) => `-${s}`).join('')}`;
}

/** Parses S-1-5-21-… into its binary form. */
export function sidToBytes(sid: string): Buffer {
  const parts = sid.split('-');
  if (parts[0] !== 'S' || parts.length < 3) throw new Error(`Not a SID: ${sid}`);
  const subs = parts.slice(3).map(Number);
  const buf = Buffer.alloc(8 + subs.length * 4);
  buf[0] = Number(parts[1]);
  buf[1] = subs.length;
  buf.writeUIntBE(Number(parts[2]), 2, 6);
  subs.forEach((s, i) => buf.writeUInt32LE(s, 8 + i * 4));
  return buf;
}
