import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guidToString } from '../../electron/services/directory/dir-entry';
import {
  type Ace,
  type Acl,
  AceFlag,
  AceType,
  SdControl,
  type SecurityDescriptor,
  SecurityDescriptorError,
} from '../../electron/services/directory/security-descriptor/model';
import { aceKey, addAces, canonicalizeAces, isCanonical, removeAces } from '../../electron/services/directory/security-descriptor/ace-list';
import { encodeDaclWrite, encodeSecurityDescriptor, parseSecurityDescriptor } from '../../electron/services/directory/security-descriptor/binary';
import { fromSddl, toSddl } from '../../electron/services/directory/security-descriptor/sddl';

/** Fixtures written by Samba (see test/fixtures/security-descriptors/generate.py). */
const fixtureDir = join(import.meta.dirname, '../fixtures/security-descriptors');
const DOMAIN = 'S-1-5-21-1-2-3';
const fixture = (name: string) => readFileSync(join(fixtureDir, `${name}.bin`));
const sambaSddl = (name: string) => readFileSync(join(fixtureDir, `${name}.sddl`), 'utf8').trim();
const sddlFixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.bin') && existsSync(join(fixtureDir, f.replace(/\.bin$/, '.sddl'))))
  .map((f) => f.replace(/\.bin$/, ''))
  .sort();

const exampleSddl =
  'O:DAG:DAD:PAI(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)(A;;RPLCLORC;;;AU)(OA;CIIO;WP;d819615a-3b9b-4738-b47e-f1bd8ee3aea4;5cb41ed0-0e4c-11d0-a286-00aa003049e2;S-1-5-21-1-2-3-1106)(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;S-1-5-21-1-2-3-1110)(OA;CI;CCDC;5cb41ed0-0e4c-11d0-a286-00aa003049e2;;S-1-5-21-1-2-3-1106)(A;CIID;RPLCLORC;;;ED)S:AI(OU;CIIDSA;WP;f30e3bbe-9ff0-11d1-b603-0000f80367c1;bf967aa5-0de6-11d0-a285-00aa003049e2;WD)';

// ---------------------------------------------------------------------------------------------
// An SDDL normaliser independent of the codec, so spelling differences (right order, alias vs SID,
// hex width) do not matter but every semantic difference does.

const testRights: Record<string, number> = {
  CC: 0x1,
  DC: 0x2,
  LC: 0x4,
  SW: 0x8,
  RP: 0x10,
  WP: 0x20,
  DT: 0x40,
  LO: 0x80,
  CR: 0x100,
  SD: 0x10000,
  RC: 0x20000,
  WD: 0x40000,
  WO: 0x80000,
  GA: 0x10000000,
  GX: 0x20000000,
  GW: 0x40000000,
  GR: 0x80000000,
};
const testAliases: Record<string, string> = {
  WD: 'S-1-1-0',
  CO: 'S-1-3-0',
  AN: 'S-1-5-7',
  ED: 'S-1-5-9',
  PS: 'S-1-5-10',
  AU: 'S-1-5-11',
  SY: 'S-1-5-18',
  BA: 'S-1-5-32-544',
  BU: 'S-1-5-32-545',
  AO: 'S-1-5-32-548',
  RU: 'S-1-5-32-554',
  DA: `${DOMAIN}-512`,
  DU: `${DOMAIN}-513`,
  EA: `${DOMAIN}-519`,
};

function normalizeSddl(sddl: string) {
  const parts: Record<string, unknown> = {};
  for (const m of sddl.matchAll(/([OGDS]):(.*?)(?=[OGDS]:|$)/g)) {
    const [, tag, body] = m as unknown as [string, string, string];
    if (tag === 'O' || tag === 'G') {
      parts[tag] = testAliases[body] ?? body;
      continue;
    }
    const flags = body.slice(0, body.indexOf('(') < 0 ? body.length : body.indexOf('('));
    const aces = [...body.matchAll(/\(([^)]*)\)/g)].map(([, ace]) => {
      const [type, aceFlags, rights, object, inherited, sid] = ace!.split(';') as [string, string, string, string, string, string];
      const mask = /^0x/i.test(rights)
        ? Number.parseInt(rights, 16)
        : (rights.match(/../g) ?? []).reduce((n, r) => (n | (testRights[r] ?? Number.NaN)) >>> 0, 0);
      return {
        type,
        flags: (aceFlags.match(/../g) ?? []).sort(),
        mask,
        object: object.toLowerCase(),
        inherited: inherited.toLowerCase(),
        sid: testAliases[sid] ?? sid,
      };
    });
    parts[tag!] = { flags: (flags.match(/NO_ACCESS_CONTROL|AR|AI|P/g) ?? []).sort(), aces };
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Hand-built buffers for the error cases (no help from the encoder).

function aclBytes(aces: Buffer[], revision = 4): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt8(revision, 0);
  head.writeUInt16LE(8 + aces.reduce((n, a) => n + a.length, 0), 2);
  head.writeUInt16LE(aces.length, 4);
  return Buffer.concat([head, ...aces]);
}

function daclOnlyBytes(aces: Buffer[], revision = 4): Buffer {
  const head = Buffer.from('0100048000000000000000000000000014000000', 'hex');
  return Buffer.concat([head, aclBytes(aces, revision)]);
}

function sid(text: string): Buffer {
  const [, , auth, ...subs] = text.split('-');
  const b = Buffer.alloc(8 + subs.length * 4);
  b.writeUInt8(1, 0);
  b.writeUInt8(subs.length, 1);
  b.writeUIntBE(Number(auth), 2, 6);
  subs.forEach((s, i) => b.writeUInt32LE(Number(s), 8 + i * 4));
  return b;
}

function aceBytes(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt8(type, 0);
  head.writeUInt8(flags, 1);
  head.writeUInt16LE(4 + body.length, 2);
  return Buffer.concat([head, body]);
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
};

function expectSdError(fn: () => unknown, message: RegExp): SecurityDescriptorError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(SecurityDescriptorError);
  expect((caught as Error).message).toMatch(message);
  return caught as SecurityDescriptorError;
}

// ---------------------------------------------------------------------------------------------

describe('known vectors from Samba', () => {
  it('has the fixtures', () => {
    expect(sddlFixtures).toEqual(['alarm-aces', 'dacl-only', 'empty-acls', 'ou-default', 'ou-grant-permission', 'ou-protected', 'sacl-audit']);
  });

  it.each(sddlFixtures)('%s: parse → encode gives the same bytes', (name) => {
    const bytes = fixture(name);
    const sd = parseSecurityDescriptor(bytes);
    expect(sd.layout).toBeUndefined();
    expect(encodeSecurityDescriptor(sd).equals(bytes)).toBe(true);
  });

  it.each(sddlFixtures)('%s: toSddl says what Samba says', (name) => {
    const sd = parseSecurityDescriptor(fixture(name));
    expect(normalizeSddl(toSddl(sd, { domainSid: DOMAIN }))).toEqual(normalizeSddl(sambaSddl(name)));
    // Without the domain the domain-relative aliases come out as full SIDs, meaning unchanged.
    expect(normalizeSddl(toSddl(sd))).toEqual(normalizeSddl(sambaSddl(name)));
  });

  it.each(sddlFixtures)('%s: fromSddl(Samba SDDL) encodes to the same bytes', (name) => {
    const model = fromSddl(sambaSddl(name), DOMAIN);
    expect(encodeSecurityDescriptor(model).equals(fixture(name))).toBe(true);
    expect(model).toEqual(parseSecurityDescriptor(fixture(name)));
  });

  it('reads the OU example field by field', () => {
    const sd = parseSecurityDescriptor(fixture('ou-grant-permission'));
    expect(sd.owner).toBe(`${DOMAIN}-512`);
    expect(sd.group).toBe(`${DOMAIN}-512`);
    expect(sd.control).toBe(
      SdControl.SELF_RELATIVE |
        SdControl.DACL_PRESENT |
        SdControl.SACL_PRESENT |
        SdControl.DACL_PROTECTED |
        SdControl.DACL_AUTO_INHERITED |
        SdControl.SACL_AUTO_INHERITED,
    );
    expect(sd.dacl?.revision).toBe(4);
    expect(sd.dacl?.aces).toHaveLength(6);
    expect(sd.dacl?.aces[2]).toEqual({
      type: AceType.ACCESS_ALLOWED_OBJECT,
      flags: AceFlag.CONTAINER_INHERIT | AceFlag.INHERIT_ONLY,
      mask: 0x20,
      sid: `${DOMAIN}-1106`,
      objectType: 'd819615a-3b9b-4738-b47e-f1bd8ee3aea4',
      inheritedObjectType: '5cb41ed0-0e4c-11d0-a286-00aa003049e2',
    });
    expect(sd.dacl?.aces[3]).toEqual({ type: 0x05, flags: 0, mask: 0x100, sid: `${DOMAIN}-1110`, objectType: '1131f6aa-9c07-11d1-f79f-00c04fc2dcd2' });
    expect(sd.dacl?.aces[5]).toEqual({ type: 0x00, flags: 0x12, mask: 0x20094, sid: 'S-1-5-9' });
    expect(sd.sacl?.aces[0]).toMatchObject({ type: AceType.SYSTEM_AUDIT_OBJECT, flags: 0x52, mask: 0x20, sid: 'S-1-1-0' });
  });

  it('prints the OU example the way Windows spells it', () => {
    const sd = parseSecurityDescriptor(fixture('ou-grant-permission'));
    expect(toSddl(sd, { domainSid: DOMAIN })).toBe(
      'O:DAG:DAD:PAI(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;DA)(A;;LCRPLORC;;;AU)' +
        '(OA;CIIO;WP;d819615a-3b9b-4738-b47e-f1bd8ee3aea4;5cb41ed0-0e4c-11d0-a286-00aa003049e2;S-1-5-21-1-2-3-1106)' +
        '(OA;;CR;1131f6aa-9c07-11d1-f79f-00c04fc2dcd2;;S-1-5-21-1-2-3-1110)' +
        '(OA;CI;CCDC;5cb41ed0-0e4c-11d0-a286-00aa003049e2;;S-1-5-21-1-2-3-1106)(A;CIID;LCRPLORC;;;ED)' +
        'S:AI(OU;CIIDSA;WP;f30e3bbe-9ff0-11d1-b603-0000f80367c1;bf967aa5-0de6-11d0-a285-00aa003049e2;WD)',
    );
    expect(toSddl(sd)).toMatch(/^O:S-1-5-21-1-2-3-512G:S-1-5-21-1-2-3-512D:PAI\(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;S-1-5-21-1-2-3-512\)/);
    expect(encodeSecurityDescriptor(fromSddl(exampleSddl, DOMAIN)).equals(fixture('ou-grant-permission'))).toBe(true);
  });

  it('prints masks that are not letter pairs as hex', () => {
    const sd = parseSecurityDescriptor(fixture('ou-protected'));
    expect(toSddl(sd, { domainSid: DOMAIN })).toContain('(A;;0x1000000;;;S-1-5-21-1-2-3-1300)');
    expect(toSddl(sd, { domainSid: DOMAIN })).toContain('(A;OICINPIO;GXGR;;;BU)');
    expect(toSddl(fromSddl('D:(A;;FA;;;SY)'))).toBe('D:(A;;0x1f01ff;;;SY)');
  });

  it('handles a NULL DACL (present, no ACL)', () => {
    const bytes = fixture('null-dacl');
    const sd = parseSecurityDescriptor(bytes);
    expect(sd.dacl).toBeNull();
    expect(sd.owner).toBe(`${DOMAIN}-512`);
    expect(encodeSecurityDescriptor(sd).equals(bytes)).toBe(true);
    expect(toSddl(sd, { domainSid: DOMAIN })).toBe('O:DAD:NO_ACCESS_CONTROL');
    expect(encodeSecurityDescriptor(fromSddl('O:DAD:NO_ACCESS_CONTROL', DOMAIN)).equals(bytes)).toBe(true);
    // An absent DACL is something else: no SE_DACL_PRESENT.
    const noDacl = encodeSecurityDescriptor({ revision: 1, control: SdControl.DACL_PRESENT, owner: `${DOMAIN}-512` });
    expect(noDacl.readUInt16LE(2)).toBe(SdControl.SELF_RELATIVE);
    expect(() => encodeDaclWrite(sd)).toThrow(/NULL DACL/);
  });

  it('reads Samba output that Samba itself cannot read back (flags right before the next part)', () => {
    expect(sambaSddl('empty-acls')).toBe('O:BAG:BAD:PS:');
    const sd = fromSddl('O:BAG:BAD:PS:');
    expect(sd.dacl).toEqual({ revision: 4, aces: [] });
    expect(sd.sacl).toEqual({ revision: 4, aces: [] });
    expect(sd.control & SdControl.DACL_PROTECTED).toBeTruthy();
  });
});

describe('byte layout', () => {
  const bytes = fixture('ou-grant-permission');
  const slice = (field: number, length: (at: number) => number) => {
    const at = bytes.readUInt32LE(field);
    return bytes.subarray(at, at + length(at));
  };
  const owner = slice(4, (at) => 8 + bytes.readUInt8(at + 1) * 4);
  const group = slice(8, (at) => 8 + bytes.readUInt8(at + 1) * 4);
  const sacl = slice(12, (at) => bytes.readUInt16LE(at + 2));
  const dacl = slice(16, (at) => bytes.readUInt16LE(at + 2));

  it('keeps the Windows order (SACL, DACL, owner, group) when re-encoding', () => {
    const header = Buffer.from(bytes.subarray(0, 20));
    header.writeUInt32LE(20 + sacl.length + dacl.length, 4);
    header.writeUInt32LE(20 + sacl.length + dacl.length + owner.length, 8);
    header.writeUInt32LE(20, 12);
    header.writeUInt32LE(20 + sacl.length, 16);
    const windows = Buffer.concat([header, sacl, dacl, owner, group]);
    const sd = parseSecurityDescriptor(windows);
    expect(sd.layout).toEqual({ order: ['sacl', 'dacl', 'owner', 'group'] });
    const { layout: _layout, ...model } = sd;
    expect(model).toEqual(parseSecurityDescriptor(bytes));
    expect(encodeSecurityDescriptor(sd).equals(windows)).toBe(true);
    expect(encodeSecurityDescriptor(model).equals(bytes)).toBe(true);
    // Edits keep the order too.
    const edited = encodeSecurityDescriptor({ ...sd, dacl: { revision: 4, aces: sd.dacl!.aces.slice(1) } });
    expect(parseSecurityDescriptor(edited).layout).toEqual({ order: ['sacl', 'dacl', 'owner', 'group'] });
  });

  it('keeps gaps and trailing bytes exactly, and packs again once a part changes size', () => {
    const trailing = Buffer.concat([bytes, Buffer.from([0xde, 0xad, 0xbe, 0xef])]);
    const sd = parseSecurityDescriptor(trailing);
    expect(sd.layout?.image).toBeDefined();
    expect(encodeSecurityDescriptor(sd).equals(trailing)).toBe(true);

    const header = Buffer.from(bytes.subarray(0, 20));
    header.writeUInt32LE(24, 4);
    header.writeUInt32LE(24 + owner.length + 8, 8);
    header.writeUInt32LE(24 + owner.length + 8 + group.length, 12);
    header.writeUInt32LE(24 + owner.length + 8 + group.length + sacl.length, 16);
    const gaps = Buffer.concat([header, Buffer.from([1, 2, 3, 4]), owner, Buffer.alloc(8, 0x55), group, sacl, dacl]);
    const gapped = parseSecurityDescriptor(gaps);
    expect(gapped.owner).toBe(`${DOMAIN}-512`);
    expect(encodeSecurityDescriptor(gapped).equals(gaps)).toBe(true);
    // Same-size edit (a mask) is written in place.
    const masked = structuredClone(gapped);
    masked.dacl!.aces[1]!.mask = 0x10;
    const inPlace = encodeSecurityDescriptor(masked);
    expect(inPlace.length).toBe(gaps.length);
    expect(parseSecurityDescriptor(inPlace).dacl!.aces[1]!.mask).toBe(0x10);
    // A size change packs the parts again.
    const grown = encodeSecurityDescriptor({ ...gapped, dacl: { revision: 4, aces: [...gapped.dacl!.aces, { type: 0, flags: 0, mask: 4, sid: 'S-1-5-18' }] } });
    expect(parseSecurityDescriptor(grown).layout).toBeUndefined();
    expect(parseSecurityDescriptor(grown).dacl!.aces).toHaveLength(7);
  });

  it('keeps unused space at the end of an ACL', () => {
    const ace = aceBytes(0, 0, Buffer.concat([u32(0x10), sid('S-1-5-18')]));
    const withSlack = daclOnlyBytes([ace]);
    const acl = Buffer.concat([withSlack.subarray(20), Buffer.from([9, 9, 9, 9])]);
    acl.writeUInt16LE(acl.length, 2);
    const bytes2 = Buffer.concat([withSlack.subarray(0, 20), acl]);
    const sd = parseSecurityDescriptor(bytes2);
    expect(sd.dacl!.slack).toEqual(Buffer.from([9, 9, 9, 9]));
    expect(encodeSecurityDescriptor(sd).equals(bytes2)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Property-based round trips

const guidArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => guidToString(Buffer.from(b)));
const sidArb = fc.oneof(
  fc.constantFrom('S-1-1-0', 'S-1-3-0', 'S-1-5-9', 'S-1-5-10', 'S-1-5-11', 'S-1-5-18', 'S-1-5-32-544', 'S-1-5-32-554', 'S-1-16-8448', 'S-1-5'),
  fc.constantFrom(498, 500, 512, 513, 515, 518, 519, 520, 526, 527, 553, 1106).map((rid) => `${DOMAIN}-${rid}`),
  fc.integer({ min: 0, max: 0xffffffff }).map((rid) => `${DOMAIN}-${rid}`),
  fc
    .record({ authority: fc.integer({ min: 0, max: 2 ** 48 - 1 }), subs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }) })
    .map(({ authority, subs }) => `S-1-${authority}${subs.map((s) => `-${s}`).join('')}`),
);
const knownBits = [0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x10000, 0x20000, 0x40000, 0x80000, 0x10000000, 0x20000000, 0x40000000, 0x80000000];
const maskArb = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.subarray(knownBits).map((bits) => bits.reduce((m, b) => (m | b) >>> 0, 0)),
);
const fieldTypes = [0x00, 0x01, 0x02, 0x03, 0x05, 0x06, 0x07, 0x08, 0x11];
const isObject = (type: number) => type >= 0x05 && type <= 0x08;

function aceArb(sddlSafe: boolean): fc.Arbitrary<Ace> {
  return fc
    .record({
      type: fc.constantFrom(...fieldTypes),
      flags: fc.integer({ min: 0, max: 0xff }).map((f) => (sddlSafe ? f & ~0x20 : f)),
      mask: maskArb,
      sid: sidArb,
      objectType: fc.option(guidArb, { nil: undefined }),
      inheritedObjectType: fc.option(guidArb, { nil: undefined }),
    })
    .map(({ type, flags, mask, sid, objectType, inheritedObjectType }) => {
      const ace: Ace = { type, flags, mask, sid };
      if (isObject(type) && objectType !== undefined) ace.objectType = objectType;
      if (isObject(type) && inheritedObjectType !== undefined) ace.inheritedObjectType = inheritedObjectType;
      return ace;
    });
}

function aclArb(sddlSafe: boolean): fc.Arbitrary<Acl> {
  return fc
    .record({
      aces: fc.array(aceArb(sddlSafe), { maxLength: 10 }),
      revision: fc.constantFrom(2, 3, 4),
      slack: fc.option(
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.uint8Array({ minLength: 2 * n, maxLength: 2 * n })),
        { nil: undefined },
      ),
    })
    .map(({ aces, revision, slack }) => {
      const acl: Acl = { revision: sddlSafe || aces.some((a) => isObject(a.type)) ? 4 : revision, aces };
      if (!sddlSafe && slack !== undefined) acl.slack = Buffer.from(slack);
      return acl;
    });
}

function sdArb(sddlSafe: boolean): fc.Arbitrary<SecurityDescriptor> {
  const aclOrNot = fc.oneof(fc.constant(undefined), fc.constant(null), aclArb(sddlSafe), aclArb(sddlSafe));
  return fc
    .record({
      owner: fc.option(sidArb, { nil: undefined }),
      group: fc.option(sidArb, { nil: undefined }),
      dacl: aclOrNot,
      sacl: aclOrNot,
      control: fc.integer({ min: 0, max: 0xffff }),
    })
    .map(({ owner, group, dacl, sacl, control }) => {
      let bits = SdControl.SELF_RELATIVE;
      if (dacl !== undefined) bits |= SdControl.DACL_PRESENT | (sddlSafe ? control & 0x1500 : 0);
      if (sacl !== undefined) bits |= SdControl.SACL_PRESENT | (sddlSafe ? control & 0x2a00 : 0);
      if (!sddlSafe) bits |= control & ~(SdControl.DACL_PRESENT | SdControl.SACL_PRESENT);
      const sd: SecurityDescriptor = { revision: 1, control: bits };
      if (owner !== undefined) sd.owner = owner;
      if (group !== undefined) sd.group = group;
      if (dacl !== undefined) sd.dacl = dacl;
      if (sacl !== undefined) sd.sacl = sacl;
      return sd;
    });
}

describe('round trips (property-based)', () => {
  it('model → binary → model → binary is exact', () => {
    fc.assert(
      fc.property(sdArb(false), (sd) => {
        const bytes = encodeSecurityDescriptor(sd);
        const parsed = parseSecurityDescriptor(bytes);
        expect(parsed).toEqual(sd);
        expect(encodeSecurityDescriptor(parsed).equals(bytes)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('model → SDDL → model is exact, with and without domain aliases', () => {
    fc.assert(
      fc.property(sdArb(true), (sd) => {
        expect(fromSddl(toSddl(sd, { domainSid: DOMAIN }), DOMAIN)).toEqual(sd);
        expect(fromSddl(toSddl(sd))).toEqual(sd);
      }),
      { numRuns: 300 },
    );
  });

  it('any mutation of a valid descriptor either fails cleanly or round-trips exactly', () => {
    const bases = [...sddlFixtures, 'null-dacl'].map(fixture);
    fc.assert(
      fc.property(
        fc.constantFrom(...bases),
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        (base, edits) => {
          const bytes = Buffer.from(base);
          for (const { at, value } of edits) bytes[at % bytes.length] = value;
          let sd: SecurityDescriptor;
          try {
            sd = parseSecurityDescriptor(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(SecurityDescriptorError);
            return;
          }
          expect(encodeSecurityDescriptor(sd).equals(bytes)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('random bytes either fail cleanly or round-trip exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (random, plausible) => {
        const bytes = Buffer.from(random);
        // Half the time give it a believable header so parsing gets further in.
        if (plausible && bytes.length >= 4) bytes.set([1, 0, bytes[2]!, bytes[3]! | 0x80], 0);
        try {
          const sd = parseSecurityDescriptor(bytes);
          expect(encodeSecurityDescriptor(sd).equals(bytes)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(SecurityDescriptorError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('bad input', () => {
  it.each([...sddlFixtures, 'null-dacl'])('%s: every truncation is rejected', (name) => {
    const bytes = fixture(name);
    for (let n = 0; n < bytes.length; n++) {
      expect(() => parseSecurityDescriptor(bytes.subarray(0, n)), `prefix of ${n} bytes`).toThrow(SecurityDescriptorError);
    }
  });

  it('names the problem and the byte', () => {
    const good = fixture('ou-grant-permission');
    const edit = (fn: (b: Buffer) => void) => {
      const b = Buffer.from(good);
      fn(b);
      return b;
    };
    expectSdError(() => parseSecurityDescriptor(Buffer.alloc(0)), /header needs 20 bytes but there are only 0/);
    expectSdError(() => parseSecurityDescriptor(edit((b) => b.writeUInt8(2, 0))), /revision \(byte 0\) is 2/);
    expectSdError(() => parseSecurityDescriptor(edit((b) => b.writeUInt16LE(0x0014, 2))), /Not a self-relative/);
    const outside = expectSdError(() => parseSecurityDescriptor(edit((b) => b.writeUInt32LE(5000, 4))), /owner SID offset \(byte 4\) is 5000, outside/);
    expect(outside.offset).toBe(4);
    expectSdError(() => parseSecurityDescriptor(edit((b) => b.writeUInt32LE(8, 8))), /group SID offset \(byte 8\) is 8, outside/);
    expectSdError(() => parseSecurityDescriptor(edit((b) => b.writeUInt32LE(good.length - 4, 16))), /DACL at byte \d+ is truncated/);
    expectSdError(
      () => parseSecurityDescriptor(edit((b) => b.writeUInt16LE(b.readUInt16LE(2) & ~SdControl.DACL_PRESENT, 2))),
      /DACL offset .* is set but the control flags/,
    );
    // ACL size larger than the buffer.
    const dacl = good.readUInt32LE(16);
    expectSdError(
      () => parseSecurityDescriptor(edit((b) => b.writeUInt16LE(0x1000, dacl + 2))),
      /DACL at byte 140 has size 4096 but the buffer ends at byte 408/,
    );
    expectSdError(() => parseSecurityDescriptor(edit((b) => b.writeUInt8(7, dacl))), /revision 7/);
    // Parts on top of each other.
    expectSdError(() => parseSecurityDescriptor(edit((b) => b.writeUInt32LE(b.readUInt32LE(4), 8))), /overlaps/);
    expectSdError(() => parseSecurityDescriptor('nope' as unknown as Buffer), /must be given as bytes/);
  });

  it('rejects ACEs of size 0, overrunning ACEs and impossible ACE counts without looping', () => {
    const ace = aceBytes(0, 0, Buffer.concat([u32(0x10), sid('S-1-5-18')]));
    const zero = daclOnlyBytes([ace, ace]);
    zero.writeUInt16LE(0, 28 + 2);
    zero.writeUInt16LE(0xffff, 24); // count: 65535 ACEs
    const e = expectSdError(() => parseSecurityDescriptor(zero), /ACE 0 of 65535 in the DACL at byte 28 has size 0/);
    expect(e.offset).toBe(30);

    const overrun = daclOnlyBytes([ace]);
    overrun.writeUInt16LE(ace.length + 4, 28 + 2);
    expectSdError(() => parseSecurityDescriptor(overrun), /has size 24 but only 20 bytes are left in the ACL/);

    const tooMany = daclOnlyBytes([ace]);
    tooMany.writeUInt16LE(3, 24);
    expectSdError(() => parseSecurityDescriptor(tooMany), /ACE 1 of 3 .* header runs past the end of the ACL/);

    const odd = daclOnlyBytes([ace]);
    odd.writeUInt16LE(18, 28 + 2);
    expectSdError(() => parseSecurityDescriptor(odd), /not a multiple of 4/);
  });

  it('rejects SIDs with too many or truncated sub-authorities', () => {
    const big = daclOnlyBytes([aceBytes(0, 0, Buffer.concat([u32(0x10), sid('S-1-5-18')]))]);
    big.writeUInt8(16, 28 + 8 + 1);
    expectSdError(() => parseSecurityDescriptor(big), /claims 16 sub-authorities .* at most 15/);

    const owner = Buffer.concat([Buffer.from('0100008014000000000000000000000000000000', 'hex'), sid('S-1-5-21-1-2-3-512')]);
    expect(parseSecurityDescriptor(owner).owner).toBe(`${DOMAIN}-512`);
    const many = Buffer.from(owner);
    many.writeUInt8(200, 21);
    expectSdError(() => parseSecurityDescriptor(many), /owner SID at byte 20 claims 200 sub-authorities/);
    const short = Buffer.from(owner);
    short.writeUInt8(6, 21);
    expectSdError(() => parseSecurityDescriptor(short), /owner SID at byte 20 is truncated: 6 sub-authorities need 32 bytes but only 28 are left/);
    const sidRevision = Buffer.from(owner);
    sidRevision.writeUInt8(2, 20);
    expectSdError(() => parseSecurityDescriptor(sidRevision), /has revision 2; SIDs have revision 1/);

    const inAce = daclOnlyBytes([aceBytes(0, 0, Buffer.concat([u32(0x10), sid('S-1-5-18')]))]);
    inAce.writeUInt8(2, 28 + 8 + 1);
    expectSdError(() => parseSecurityDescriptor(inAce), /SID of ACE 0 of 1 in the DACL at byte 36 is truncated/);
  });

  it('rejects object ACEs whose GUIDs do not fit and object ACEs in a revision-2 ACL', () => {
    const body = Buffer.concat([u32(0x20), u32(3), Buffer.alloc(16, 1)]);
    expectSdError(() => parseSecurityDescriptor(daclOnlyBytes([aceBytes(5, 0, body)])), /inheritedObjectType GUID at byte \d+ runs past the end of the ACE/);
    const ok = aceBytes(5, 0, Buffer.concat([u32(0x20), u32(1), Buffer.alloc(16, 1), sid('S-1-5-18')]));
    expect(parseSecurityDescriptor(daclOnlyBytes([ok])).dacl!.aces[0]!.objectType).toBe('01010101-0101-0101-0101-010101010101');
    expectSdError(() => parseSecurityDescriptor(daclOnlyBytes([ok], 2)), /object ACE but the ACL has revision 2/);
  });
});

describe('encoding refuses bad models', () => {
  const base = (aces: Ace[], revision = 4): SecurityDescriptor => ({ revision: 1, control: 0, dacl: { revision, aces } });
  const allow: Ace = { type: 0, flags: 0, mask: 0x10, sid: 'S-1-5-18' };

  it.each([
    ['a bad SID', base([{ ...allow, sid: 'S-1-5-abc' }]), /SID of ACE 0 in the DACL is not a valid SID/],
    ['a SID with 16 sub-authorities', base([{ ...allow, sid: `S-1-5${'-1'.repeat(16)}` }]), /not a valid SID/],
    ['a bad GUID', base([{ ...allow, type: 5, objectType: 'not-a-guid' }]), /objectType of ACE 0 in the DACL is not a valid GUID/],
    ['a GUID on a non-object ACE', base([{ ...allow, objectType: '5cb41ed0-0e4c-11d0-a286-00aa003049e2' }]), /cannot carry objectType/],
    ['a mask out of range', base([{ ...allow, mask: 2 ** 32 }]), /access mask of ACE 0/],
    ['a fractional mask', base([{ ...allow, mask: 1.5 }]), /access mask/],
    ['a flags value out of range', base([{ ...allow, flags: 256 }]), /flags of ACE 0/],
    ['an object ACE in a revision-2 ACL', base([{ ...allow, type: 5 }], 2), /object ACE but the DACL has revision 2/],
    ['an ACL revision of 1', base([allow], 1), /DACL revision must be an integer from 2 to 4/],
    ['an ACE type it cannot build', base([{ ...allow, type: 0x09 }]), /can only write back from its raw bytes/],
    ['a descriptor revision of 2', { ...base([allow]), revision: 2 }, /descriptor revision/],
    ['a bad owner', { revision: 1, control: 0, owner: 'DA' }, /owner is not a valid SID/],
    ['an ACL over 64 KiB', base(Array.from({ length: 4000 }, () => allow)), /at most 65535 bytes/],
  ] as Array<[string, SecurityDescriptor, RegExp]>)('%s', (_name, sd, message) => {
    expectSdError(() => encodeSecurityDescriptor(sd), message);
  });

  it('accepts a mask built with | (negative int32) as the same unsigned mask', () => {
    const sd = base([{ ...allow, mask: 0x80000000 | 0x10 }]);
    expect(sd.dacl!.aces[0]!.mask).toBeLessThan(0);
    expect(parseSecurityDescriptor(encodeSecurityDescriptor(sd)).dacl!.aces[0]!.mask).toBe(0x80000010);
  });

  it('keeps SE_DACL_PRESENT / SE_SACL_PRESENT / SE_SELF_RELATIVE consistent with the model', () => {
    const out = encodeSecurityDescriptor({ revision: 1, control: SdControl.SACL_PRESENT | SdControl.DACL_PROTECTED, dacl: { revision: 4, aces: [] } });
    expect(out.readUInt16LE(2)).toBe(SdControl.SELF_RELATIVE | SdControl.DACL_PRESENT | SdControl.DACL_PROTECTED);
  });
});

describe('unknown ACE types', () => {
  const callback = aceBytes(AceType.ACCESS_ALLOWED_CALLBACK, 0x02, Buffer.concat([u32(0x10), sid('S-1-5-11'), Buffer.from('artx\x00\x00\x00\x00', 'latin1')]));
  const unknown = aceBytes(0x42, 0x10, Buffer.from('00112233445566778899aabb', 'hex'));
  const trailing = aceBytes(AceType.ACCESS_ALLOWED, 0, Buffer.concat([u32(0x20), sid('S-1-5-18'), Buffer.from([1, 2, 3, 4])]));
  const oddObject = aceBytes(AceType.ACCESS_ALLOWED_OBJECT, 0, Buffer.concat([u32(0x20), u32(0x5), Buffer.alloc(16, 0xab), sid('S-1-5-18')]));
  const plain = aceBytes(AceType.ACCESS_DENIED, 0, Buffer.concat([u32(0x40), sid('S-1-1-0')]));
  const bytes = daclOnlyBytes([plain, callback, unknown, trailing, oddObject]);

  it('survive a round trip byte for byte via raw, with what can be decoded shown', () => {
    const sd = parseSecurityDescriptor(bytes);
    const aces = sd.dacl!.aces;
    expect(aces[0]!.raw).toBeUndefined();
    expect(aces[1]).toEqual({ type: 0x09, flags: 0x02, mask: 0x10, sid: 'S-1-5-11', raw: callback });
    expect(aces[2]).toEqual({ type: 0x42, flags: 0x10, mask: 0, sid: '', raw: unknown });
    expect(aces[3]).toEqual({ type: 0, flags: 0, mask: 0x20, sid: 'S-1-5-18', raw: trailing });
    expect(aces[4]).toMatchObject({ type: 5, objectType: 'abababab-abab-abab-abab-abababababab', raw: oddObject });
    expect(encodeSecurityDescriptor(sd).equals(bytes)).toBe(true);
    // Reordering keeps them intact.
    const reordered = encodeSecurityDescriptor({ ...sd, dacl: { revision: 4, aces: [...aces].reverse() } });
    expect(parseSecurityDescriptor(reordered).dacl!.aces.map((a) => a.raw ?? null)).toEqual([oddObject, trailing, unknown, callback, null]);
  });

  it('refuses edits the raw bytes would silently drop', () => {
    const sd = parseSecurityDescriptor(bytes);
    const edited = structuredClone(sd);
    edited.dacl!.aces[1]!.mask = 0x30;
    expectSdError(() => encodeSecurityDescriptor(edited), /ACE 1 in the DACL has raw bytes whose mask differ/);
    const flags = structuredClone(sd);
    flags.dacl!.aces[2]!.flags = 0;
    expectSdError(() => encodeSecurityDescriptor(flags), /whose flags differ/);
    const noRaw = structuredClone(sd);
    delete noRaw.dacl!.aces[2]!.raw;
    expectSdError(() => encodeSecurityDescriptor(noRaw), /type 0x42 \(unknown\), which this codec can only write back from its raw bytes/);
    // For a type the codec understands, dropping raw re-encodes from the fields (without the extra bytes).
    const plainAgain = structuredClone(sd);
    delete plainAgain.dacl!.aces[3]!.raw;
    expect(parseSecurityDescriptor(encodeSecurityDescriptor(plainAgain)).dacl!.aces[3]).toEqual({ type: 0, flags: 0, mask: 0x20, sid: 'S-1-5-18' });
    const badRaw = structuredClone(sd);
    badRaw.dacl!.aces[2]!.raw = Buffer.from([0x42, 0x10, 0x07, 0x00]);
    expectSdError(() => encodeSecurityDescriptor(badRaw), /raw bytes of ACE 2 in the DACL say the ACE is 7 bytes but there are 4/);
  });

  it('cannot be written as SDDL', () => {
    expectSdError(() => toSddl(parseSecurityDescriptor(bytes)), /ACE 1 in the DACL \(type 0x09 \(ACCESS_ALLOWED_CALLBACK\)\) is kept as raw bytes/);
  });

  it('accept raw given as a plain Uint8Array (as after IPC)', () => {
    const sd = parseSecurityDescriptor(bytes);
    const cloned = structuredClone(sd);
    for (const ace of cloned.dacl!.aces) if (ace.raw) ace.raw = new Uint8Array(ace.raw) as Buffer;
    expect(encodeSecurityDescriptor(cloned).equals(bytes)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

const ace = (type: number, flags: number, sidText: string, mask = 0x10, objectType?: string): Ace =>
  objectType ? { type, flags, mask, sid: sidText, objectType } : { type, flags, mask, sid: sidText };
const ID = AceFlag.INHERITED;

describe('canonicalizeAces', () => {
  it('leaves canonical DACLs alone', () => {
    for (const name of sddlFixtures) {
      const aces = parseSecurityDescriptor(fixture(name)).dacl?.aces ?? [];
      expect(isCanonical(aces), name).toBe(true);
      const result = canonicalizeAces(aces);
      expect(result).toEqual(aces);
      result.forEach((a, i) => expect(a).toBe(aces[i]));
    }
  });

  it('puts explicit denies (object and not) first, keeping their order, then explicit allows', () => {
    const a1 = ace(0, 0, 'S-1-5-11');
    const d1 = ace(1, 0, 'S-1-1-0');
    const oa = ace(5, 0, 'S-1-5-10', 0x20, '5cb41ed0-0e4c-11d0-a286-00aa003049e2');
    const od = ace(6, 0, 'S-1-5-7', 0x100, '00299570-246d-11d0-a768-00aa006e0529');
    const d2 = ace(1, AceFlag.CONTAINER_INHERIT, 'S-1-5-18');
    expect(canonicalizeAces([a1, od, oa, d1, d2])).toEqual([od, d1, d2, a1, oa]);
    expect(isCanonical([a1, d1])).toBe(false);
  });

  it('puts explicit before inherited, and keeps the inherited order (even an inherited deny after an inherited allow)', () => {
    const ia = ace(0, ID, 'S-1-5-11');
    const id = ace(1, ID, 'S-1-1-0');
    const ioa = ace(5, ID | AceFlag.CONTAINER_INHERIT, 'S-1-5-10', 0x20, '5cb41ed0-0e4c-11d0-a286-00aa003049e2');
    const ea = ace(0, 0, 'S-1-5-18');
    const ed = ace(1, 0, 'S-1-5-7');
    expect(canonicalizeAces([ia, ea, id, ed, ioa])).toEqual([ed, ea, ia, id, ioa]);
    expect(isCanonical([ea, ia, id])).toBe(true);
  });

  it('is a stable, idempotent partition (property)', () => {
    fc.assert(
      fc.property(fc.array(aceArb(false), { maxLength: 20 }), (aces) => {
        const out = canonicalizeAces(aces);
        expect(isCanonical(out)).toBe(true);
        expect(canonicalizeAces(out)).toEqual(out);
        expect([...out].sort((a, b) => aces.indexOf(a) - aces.indexOf(b))).toEqual(aces);
        const group = (a: Ace) => ((a.flags & ID) !== 0 ? 2 : a.type === 1 || a.type === 6 ? 0 : 1);
        for (let i = 1; i < out.length; i++) {
          expect(group(out[i - 1]!)).toBeLessThanOrEqual(group(out[i]!));
          if (group(out[i - 1]!) === group(out[i]!)) expect(aces.indexOf(out[i - 1]!)).toBeLessThan(aces.indexOf(out[i]!));
        }
      }),
    );
  });
});

describe('aceKey and adding/removing ACEs', () => {
  const grant = ace(5, AceFlag.CONTAINER_INHERIT | AceFlag.INHERIT_ONLY, `${DOMAIN}-1106`, 0x20, 'd819615a-3b9b-4738-b47e-f1bd8ee3aea4');

  it('ignores spelling but not meaning', () => {
    expect(aceKey({ ...grant, objectType: 'D819615A-3B9B-4738-B47E-F1BD8EE3AEA4' })).toBe(aceKey(grant));
    expect(aceKey({ ...grant, sid: 's-1-5-21-01-2-3-1106' })).toBe(aceKey(grant));
    expect(aceKey({ ...grant, mask: 0x80000000 | 0x20 })).toBe(aceKey({ ...grant, mask: 0x80000020 }));
    expect(aceKey({ ...grant, flags: grant.flags | AceFlag.INHERITED })).not.toBe(aceKey(grant));
    expect(aceKey({ ...grant, mask: 0x30 })).not.toBe(aceKey(grant));
    expect(aceKey({ ...grant, inheritedObjectType: '5cb41ed0-0e4c-11d0-a286-00aa003049e2' })).not.toBe(aceKey(grant));
    expect(aceKey({ ...grant, type: 6 })).not.toBe(aceKey(grant));
  });

  it('adds what is missing and removes exactly what was added', () => {
    const original = parseSecurityDescriptor(fixture('ou-default'));
    const inheritedTwin: Ace = { ...grant, flags: grant.flags | ID };
    const recipe = [grant, ace(0, 0, `${DOMAIN}-1107`, 0x20094), { ...original.dacl!.aces[2]! }];
    const before = [...original.dacl!.aces, inheritedTwin];
    const { aces, added } = addAces(before, recipe);
    expect(added).toEqual(recipe.slice(0, 2)); // the third was already there
    expect(isCanonical(aces)).toBe(true);
    expect(aces.indexOf(added[0]!)).toBeLessThan(aces.findIndex((a) => a.flags & ID));

    const write = encodeDaclWrite({ ...original, dacl: { revision: 4, aces } });
    const written = parseSecurityDescriptor(write);
    expect(written.owner).toBeUndefined();
    expect(written.sacl).toBeUndefined();
    expect(written.control).toBe(SdControl.SELF_RELATIVE | SdControl.DACL_PRESENT | SdControl.DACL_AUTO_INHERITED);
    expect(written.dacl!.aces).toEqual(aces);

    const { aces: restored, removed } = removeAces(written.dacl!.aces, added);
    expect(removed).toEqual(added);
    expect(restored).toEqual(before); // the inherited twin stays
    expect(encodeSecurityDescriptor({ ...original, dacl: { revision: 4, aces: restored.slice(0, -1) } }).equals(fixture('ou-default'))).toBe(true);
  });

  it('removes one ACE per entry', () => {
    const a = ace(0, 0, 'S-1-5-18');
    expect(removeAces([a, { ...a }, ace(1, 0, 'S-1-1-0')], [a]).aces).toHaveLength(2);
  });
});

describe('encodeDaclWrite', () => {
  it('writes only the DACL and its P/AI/AR bits', () => {
    const sd = parseSecurityDescriptor(fixture('ou-grant-permission'));
    const out = parseSecurityDescriptor(encodeDaclWrite(sd));
    expect(out).toEqual({
      revision: 1,
      control: SdControl.SELF_RELATIVE | SdControl.DACL_PRESENT | SdControl.DACL_PROTECTED | SdControl.DACL_AUTO_INHERITED,
      dacl: sd.dacl,
    });
  });

  it('refuses a missing DACL and a DACL out of canonical order', () => {
    expectSdError(() => encodeDaclWrite({ revision: 1, control: 0 }), /no DACL/);
    const aces = [ace(0, 0, 'S-1-5-18'), ace(1, 0, 'S-1-1-0')];
    expectSdError(() => encodeDaclWrite({ revision: 1, control: 0, dacl: { revision: 4, aces } }), /canonical order/);
  });
});

describe('SDDL details', () => {
  it('accepts whitespace, hex and decimal masks, input-only rights and lowercase GUIDs', () => {
    const sd = fromSddl(' O:SY G:SY D:P (A;;0x10;;;SY) (OA;CI;WP;5CB41ED0-0E4C-11D0-A286-00AA003049E2;;S-1-5-32-544) (A;;16;;;AU)(A;;KR;;;BU)', DOMAIN);
    expect(sd.dacl!.aces.map((a) => a.mask)).toEqual([0x10, 0x20, 0x10, 0x20019]);
    expect(sd.dacl!.aces[1]!.objectType).toBe('5cb41ed0-0e4c-11d0-a286-00aa003049e2');
    expect(sd.dacl!.aces[1]!.sid).toBe('S-1-5-32-544');
    expect(toSddl(sd)).toBe('O:SYG:SYD:P(A;;RP;;;SY)(OA;CI;WP;5cb41ed0-0e4c-11d0-a286-00aa003049e2;;BA)(A;;RP;;;AU)(A;;CCSWRPRC;;;BU)');
  });

  it('uses the root domain for EA/SA when it differs', () => {
    const root = 'S-1-5-21-9-9-9';
    expect(fromSddl('O:EAG:DA', DOMAIN, { rootDomainSid: root })).toMatchObject({ owner: `${root}-519`, group: `${DOMAIN}-512` });
    expect(toSddl({ revision: 1, control: 0, owner: `${root}-519`, group: `${DOMAIN}-519` }, { domainSid: DOMAIN, rootDomainSid: root })).toBe(
      `O:EAG:${DOMAIN}-519`,
    );
  });

  it('writes ML ACEs with label rights', () => {
    const sd = fromSddl('S:(ML;;NW;;;LW)');
    expect(sd.sacl!.aces[0]).toEqual({ type: AceType.SYSTEM_MANDATORY_LABEL, flags: 0, mask: 1, sid: 'S-1-16-4096' });
    expect(toSddl(parseSecurityDescriptor(encodeSecurityDescriptor(sd)))).toBe('S:(ML;;NW;;;LW)');
  });

  it.each([
    ['X:DA', /expected O:, G:, D: or S:/],
    ['O:SYO:SY', /O: part appears twice/],
    ['O:DA', /DA is relative to the domain; pass the domain SID/],
    ['O:ZZ', /"ZZ" is neither a SID nor a known SID alias/],
    ['O:S-1-5-x', /expected O:, G:, D: or S:/],
    ['D:(A;;RPXX;;;SY)', /at character 8: unknown access right "XX"/],
    ['D:(A;;RP;;;SY', /no closing parenthesis/],
    ['D:(A;;RP;;SY)', /has 5/],
    ['D:(A;ZZ;RP;;;SY)', /unknown ACE flag "ZZ"/],
    ['D:(Q;;RP;;;SY)', /unknown ACE type "Q"/],
    ['D:(A;;RP;5cb41ed0-0e4c-11d0-a286-00aa003049e2;;SY)', /cannot have an objectType GUID/],
    ['D:(OA;;RP;nope;;SY)', /"nope" is not a GUID/],
    ['D:(A;;RP;;;)', /no SID/],
    ['D:(A;;0x123456789;;;SY)', /not letter pairs or 0x-hex/],
    ['D:NO_ACCESS_CONTROL(A;;RP;;;SY)', /cannot have ACEs/],
    ['D:(XA;;RP;;;SY;(@User.x == 1))', /not supported|unknown ACE type/],
    ['D:(A;;RP;;;S-1-5-32-544-1-1-1-1-1-1-1-1-1-1-1-1-1-1)', /not a valid SID/],
  ])('rejects %j', (sddl, message) => {
    const e = expectSdError(() => fromSddl(sddl), message);
    expect(e.message).toMatch(/^Invalid SDDL at character \d+: /);
  });

  it('maps an empty descriptor to empty SDDL and back', () => {
    expect(toSddl({ revision: 1, control: SdControl.SELF_RELATIVE })).toBe('');
    expect(fromSddl('  ')).toEqual({ revision: 1, control: SdControl.SELF_RELATIVE });
    expect(encodeSecurityDescriptor(fromSddl('')).toString('hex')).toBe('0100008000000000000000000000000000000000');
  });

  it('refuses to print what SDDL cannot say', () => {
    expectSdError(() => toSddl({ revision: 1, control: 0, dacl: { revision: 4, aces: [{ ...ace(0, 0x20, 'S-1-5-18') }] } }), /flag bits 0x20/);
    expectSdError(() => toSddl({ revision: 1, control: 0, owner: 'bogus' }), /owner is not a valid SID/);
    expectSdError(() => toSddl({ revision: 1, control: 0 }, { domainSid: 'x' }), /domain SID is not a valid SID/);
  });
});
