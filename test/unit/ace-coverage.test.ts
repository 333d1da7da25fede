import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedRights,
  deniedBy,
  effectiveMask,
  hasGenericRights,
  isGenericEffectiveHalf,
  isCovered,
  missingRights,
  noPropertySets,
  objectCovers,
  objectsOverlap,
  planGrantAces,
  planRevokeAces,
  propertySetsFrom,
  reaches,
  shapeKey,
  targetsOf,
  touches,
  withMask,
} from '../../electron/services/permissions/ace-coverage';
import { AceFlag, AceType, type Ace } from '../../electron/services/directory/security-descriptor/model';

/** What entries allow, not how they are laid out (domain.md §7, [S31]): pure rules, no directory. */

const ADMINS = 'S-1-5-21-1-2-3-1101';
const READERS = 'S-1-5-21-1-2-3-1102';
const RTC_SET = 'd819615a-3b9b-4738-b47e-f1bd8ee3aea4';
const PUBLIC_INFO = 'e48d0154-bcf8-11d1-8702-00c04fb96050';
const PRIMARY_ADDRESS = '5a0a5ac1-0000-4000-8000-000000000001'; // an attribute in RTC_SET
const PROXY_ADDRESSES = 'bf967a06-0de6-11d0-a285-00aa003049e2'; // in Public-Information
const OTHER_ATTRIBUTE = '5a0a5ac1-0000-4000-8000-000000000002'; // in no set
const USER = 'bf967aba-0de6-11d0-a285-00aa003049e2';
const CONTACT = '5cb41ed0-0e4c-11d0-a286-00aa003049e2';
const REPLICATION = '1131f6aa-9c07-11d1-f79f-00c04fc2dcd2';
const schema = propertySetsFrom([
  [PRIMARY_ADDRESS, RTC_SET],
  [PROXY_ADDRESSES.toUpperCase(), PUBLIC_INFO],
]);

const LC = 0x4;
const RP = 0x10;
const WP = 0x20;
const CC = 0x1;
const DC = 0x2;
const DT = 0x40;
const CR = 0x100;
const RC = 0x20000;
const GR = 0x80000000;
const GA = 0x10000000;
const CI = AceFlag.CONTAINER_INHERIT;
const IO = AceFlag.INHERIT_ONLY;
const NP = AceFlag.NO_PROPAGATE_INHERIT;
const INH = AceFlag.INHERITED;

function allow(sid: string, mask: number, flags = 0, objectType?: string, inheritedObjectType?: string): Ace {
  return {
    type: objectType || inheritedObjectType ? AceType.ACCESS_ALLOWED_OBJECT : AceType.ACCESS_ALLOWED,
    flags,
    mask,
    sid,
    ...(objectType ? { objectType } : {}),
    ...(inheritedObjectType ? { inheritedObjectType } : {}),
  };
}
function deny(sid: string, mask: number, flags = 0, objectType?: string, inheritedObjectType?: string): Ace {
  return {
    ...allow(sid, mask, flags, objectType, inheritedObjectType),
    type: objectType || inheritedObjectType ? AceType.ACCESS_DENIED_OBJECT : AceType.ACCESS_DENIED,
  };
}
/** Wanted entries as the recipes make them. */
const onOu = (sid: string, mask: number, objectType?: string) => allow(sid, mask, 0, objectType);
const onDescendants = (sid: string, mask: number, cls: string, objectType?: string) => allow(sid, mask, CI | IO, objectType, cls);

describe('generic rights', () => {
  it('map as AD maps them: GA, GR, GW, GX', () => {
    expect(effectiveMask(GA)).toBe(0xf01ff);
    expect(effectiveMask(GR)).toBe(RC | LC | RP | 0x80);
    expect(effectiveMask(0x40000000)).toBe(RC | 0x8 | WP);
    expect(effectiveMask(0x20000000)).toBe(RC | LC);
    expect(effectiveMask(GR | WP)).toBe(RC | LC | RP | 0x80 | WP);
    // A negative int32 from `|` arithmetic is the same mask.
    expect(effectiveMask(GR | 0)).toBe(effectiveMask(-0x80000000));
    expect(effectiveMask(RP | WP)).toBe(RP | WP);
  });

  it('are recognised as generic', () => {
    expect(hasGenericRights(GR)).toBe(true);
    expect(hasGenericRights(GA | RP)).toBe(true);
    expect(hasGenericRights(0xf01ff)).toBe(false);
  });
});

describe('targets and reach', () => {
  it('reads the targets of a wanted entry from its flags', () => {
    expect(targetsOf(onOu(ADMINS, LC))).toEqual([{ kind: 'this' }]);
    expect(targetsOf(onDescendants(ADMINS, WP, USER, RTC_SET))).toEqual([{ kind: 'descendants', cls: USER }]);
    expect(targetsOf(allow(ADMINS, CC, CI, CONTACT))).toEqual([{ kind: 'this' }, { kind: 'descendants', cls: undefined }]);
    expect(targetsOf(allow(ADMINS, CC, CI | NP, CONTACT))).toEqual([{ kind: 'this' }]);
  });

  it('reaches "this object only" when not inherit-only and without an inherited object type', () => {
    const here = { kind: 'this' } as const;
    expect(reaches(allow(ADMINS, RP), here)).toBe(true);
    expect(reaches(allow(ADMINS, RP, CI), here)).toBe(true);
    expect(reaches(allow(ADMINS, RP, CI | INH), here)).toBe(true);
    expect(reaches(allow(ADMINS, RP, CI | IO), here)).toBe(false);
    expect(reaches(allow(ADMINS, RP, CI, undefined, USER), here)).toBe(false);
  });

  it('reaches descendants of a class with container inherit, no stop, and no class or that class', () => {
    const users = { kind: 'descendants', cls: USER } as const;
    const all = { kind: 'descendants' } as const;
    expect(reaches(allow(ADMINS, RP, CI), users)).toBe(true);
    expect(reaches(allow(ADMINS, RP, CI | IO), users)).toBe(true);
    expect(reaches(allow(ADMINS, RP, CI | IO | INH, undefined, USER), users)).toBe(true);
    expect(reaches(allow(ADMINS, RP, CI | IO, undefined, CONTACT), users)).toBe(false);
    expect(reaches(allow(ADMINS, RP, 0), users)).toBe(false);
    expect(reaches(allow(ADMINS, RP, AceFlag.OBJECT_INHERIT), users)).toBe(false);
    expect(reaches(allow(ADMINS, RP, CI | NP), users)).toBe(false);
    // "All descendants" is reached only by an entry for every class.
    expect(reaches(allow(ADMINS, RP, CI), all)).toBe(true);
    expect(reaches(allow(ADMINS, RP, CI | IO, undefined, USER), all)).toBe(false);
  });

  it('lets a deny touch part of a target: one class of all descendants, or the children only', () => {
    expect(touches(deny(ADMINS, RP, CI | IO, undefined, USER), { kind: 'descendants' })).toBe(true);
    expect(touches(deny(ADMINS, RP, CI | NP), { kind: 'descendants', cls: USER })).toBe(true);
    expect(touches(deny(ADMINS, RP, CI | IO, undefined, CONTACT), { kind: 'descendants', cls: USER })).toBe(false);
    expect(touches(deny(ADMINS, RP, CI | IO), { kind: 'this' })).toBe(false);
  });
});

describe('object types', () => {
  it('no object type covers everything; a property set covers its attributes; nothing else is covered', () => {
    expect(objectCovers(undefined, RTC_SET, schema)).toBe(true);
    expect(objectCovers(undefined, undefined, schema)).toBe(true);
    expect(objectCovers(RTC_SET, RTC_SET.toUpperCase(), schema)).toBe(true);
    expect(objectCovers(RTC_SET, PRIMARY_ADDRESS, schema)).toBe(true);
    expect(objectCovers(PUBLIC_INFO, PROXY_ADDRESSES, schema)).toBe(true);
    expect(objectCovers(RTC_SET, OTHER_ATTRIBUTE, schema)).toBe(false);
    expect(objectCovers(PRIMARY_ADDRESS, RTC_SET, schema)).toBe(false);
    expect(objectCovers(RTC_SET, undefined, schema)).toBe(false);
    expect(objectCovers(RTC_SET, PRIMARY_ADDRESS, noPropertySets)).toBe(false);
  });

  it('overlap for denies both ways', () => {
    expect(objectsOverlap(PRIMARY_ADDRESS, RTC_SET, schema)).toBe(true);
    expect(objectsOverlap(RTC_SET, PRIMARY_ADDRESS, schema)).toBe(true);
    expect(objectsOverlap(undefined, RTC_SET, schema)).toBe(true);
    expect(objectsOverlap(RTC_SET, undefined, schema)).toBe(true);
    expect(objectsOverlap(OTHER_ATTRIBUTE, RTC_SET, schema)).toBe(false);
  });
});

describe('coverage: what the entries allow', () => {
  const wantOu = onOu(READERS, LC | RP | RC);
  const wantSet = onDescendants(ADMINS, WP, USER, RTC_SET);

  it('counts the exact entry and its inherited copy', () => {
    expect(isCovered([wantOu], wantOu, schema)).toBe(true);
    expect(isCovered([{ ...wantSet, flags: wantSet.flags | INH }], wantSet, schema)).toBe(true);
  });

  it('counts split entries together, and one merged entry for each split wanted one', () => {
    const split = [onOu(READERS, LC), onOu(READERS, RP), onOu(READERS, RC)];
    expect(isCovered(split, wantOu, schema)).toBe(true);
    expect(isCovered(split.slice(0, 2), wantOu, schema)).toBe(false);
    expect(missingRights(split.slice(0, 2), wantOu, schema)).toBe(RC);
    for (const one of split) expect(isCovered([wantOu], one, schema)).toBe(true);
  });

  it('counts broader entries: all properties, a property set for its attribute, generic read on everything below', () => {
    expect(isCovered([allow(ADMINS, WP, CI | IO, undefined, USER)], wantSet, schema)).toBe(true);
    expect(isCovered([allow(ADMINS, WP, CI)], wantSet, schema)).toBe(true);
    expect(isCovered([allow(ADMINS, WP, CI | IO, RTC_SET, USER)], onDescendants(ADMINS, WP, USER, PRIMARY_ADDRESS), schema)).toBe(true);
    const genericRead = [allow(READERS, GR, CI)];
    expect(isCovered(genericRead, wantOu, schema)).toBe(true);
    expect(isCovered(genericRead, onDescendants(READERS, RP, CONTACT, PUBLIC_INFO), schema)).toBe(true);
    expect(isCovered([allow(ADMINS, GA)], onOu(ADMINS, CR, REPLICATION), schema)).toBe(true);
    expect(isCovered([allow(ADMINS, CR)], onOu(ADMINS, CR, REPLICATION), schema)).toBe(true);
  });

  it('does not count entries for another trustee, class, object or scope', () => {
    expect(isCovered([allow(READERS, WP, CI | IO, RTC_SET, USER)], wantSet, schema)).toBe(false);
    expect(isCovered([allow(ADMINS, WP, CI | IO, RTC_SET, CONTACT)], wantSet, schema)).toBe(false);
    expect(isCovered([allow(ADMINS, WP, CI | IO, PRIMARY_ADDRESS, USER)], wantSet, schema)).toBe(false);
    expect(isCovered([allow(ADMINS, WP, 0, RTC_SET)], wantSet, schema)).toBe(false);
    expect(isCovered([allow(ADMINS, WP, CI | NP, RTC_SET)], wantSet, schema)).toBe(false);
    expect(isCovered([allow(READERS, LC | RP | RC, CI | IO)], wantOu, schema)).toBe(false);
    expect(isCovered([allow(READERS, RP, 0, PUBLIC_INFO)], onOu(READERS, RP), schema)).toBe(false);
    expect(isCovered([allow(ADMINS, RP, CI | IO, RTC_SET, USER)], wantSet, schema)).toBe(false);
  });

  it('needs every target of an entry for this object and below', () => {
    const createContacts = allow(ADMINS, CC | DC, CI, CONTACT);
    expect(isCovered([allow(ADMINS, CC | DC, 0, CONTACT)], createContacts, schema)).toBe(false);
    expect(isCovered([allow(ADMINS, CC | DC, CI | IO, CONTACT)], createContacts, schema)).toBe(false);
    expect(isCovered([allow(ADMINS, CC | DC, 0, CONTACT), allow(ADMINS, CC | DC, CI | IO, CONTACT)], createContacts, schema)).toBe(true);
    expect(isCovered([allow(ADMINS, CC, CI, CONTACT), allow(ADMINS, DC, CI, CONTACT)], createContacts, schema)).toBe(true);
    expect(isCovered([allow(ADMINS, DT, CI | IO, undefined, CONTACT)], onDescendants(ADMINS, DT, CONTACT), schema)).toBe(true);
  });

  it('lets a deny for the same trustee defeat what no earlier allow gave', () => {
    expect(isCovered([deny(ADMINS, WP, 0, RTC_SET), ...[allow(ADMINS, WP, CI | IO, RTC_SET, USER)]], wantSet, schema)).toBe(true); // the deny is for the OU only
    expect(isCovered([deny(ADMINS, WP, CI | IO, RTC_SET, USER), allow(ADMINS, WP, CI | IO, RTC_SET, USER)], wantSet, schema)).toBe(false);
    expect(isCovered([deny(ADMINS, WP, CI | IO, PRIMARY_ADDRESS, USER), allow(ADMINS, WP, CI | IO, RTC_SET, USER)], wantSet, schema)).toBe(false);
    expect(isCovered([deny(ADMINS, WP, CI), allow(ADMINS, WP, CI | IO, RTC_SET, USER)], wantSet, schema)).toBe(false);
    expect(isCovered([deny(ADMINS, RP, CI), allow(ADMINS, WP, CI | IO, RTC_SET, USER)], wantSet, schema)).toBe(true);
    expect(isCovered([deny(READERS, WP, CI), allow(ADMINS, WP, CI | IO, RTC_SET, USER)], wantSet, schema)).toBe(true);
    expect(isCovered([deny(ADMINS, WP, CI | IO, OTHER_ATTRIBUTE, USER), allow(ADMINS, WP, CI | IO, RTC_SET, USER)], wantSet, schema)).toBe(true);
    // Canonical order: an explicit allow comes before an inherited deny, which then changes nothing.
    expect(isCovered([allow(ADMINS, WP, CI | IO, RTC_SET, USER), deny(ADMINS, WP, CI | IO | INH, RTC_SET, USER)], wantSet, schema)).toBe(true);
    // A deny of one right leaves the others.
    expect(allowedRights([deny(READERS, RC), allow(READERS, LC | RP | RC)], wantOu, schema)).toBe(LC | RP);
  });

  it('names the denies that stand in the way', () => {
    const blocking = deny(ADMINS, WP, CI | IO, PRIMARY_ADDRESS, USER);
    expect(deniedBy([blocking, deny(READERS, WP, CI)], wantSet, schema)).toEqual([blocking]);
    expect(deniedBy([allow(ADMINS, WP, CI)], wantSet, schema)).toEqual([]);
  });

  it('is the same for any layout of the same rights (property: splitting never changes coverage)', () => {
    const bits = [LC, RP, RC, WP, CR, CC, DC, DT];
    fc.assert(
      fc.property(fc.subarray(bits, { minLength: 1 }), fc.subarray(bits), (wantedBits, heldBits) => {
        const wanted = onOu(
          ADMINS,
          wantedBits.reduce((m, b) => m | b, 0),
        );
        const merged = [
          onOu(
            ADMINS,
            heldBits.reduce((m, b) => m | b, 0),
          ),
        ];
        const split = heldBits.map((b) => onOu(ADMINS, b));
        const expected = wantedBits.every((b) => heldBits.includes(b));
        expect(isCovered(merged, wanted, noPropertySets)).toBe(expected);
        expect(isCovered(split, wanted, noPropertySets)).toBe(expected);
      }),
    );
  });
});

describe('grant planning', () => {
  it("adds only the rights not allowed yet, in the recipe entry's shape", () => {
    const recipe = [{ ace: onOu(READERS, LC | RP | RC) }, { ace: onDescendants(ADMINS, WP, USER, RTC_SET) }];
    const plan = planGrantAces([onOu(READERS, LC), allow(ADMINS, WP, CI)], recipe, schema);
    expect(plan.inPlace).toEqual([recipe[1]]);
    expect(plan.add.map((a) => a.add)).toEqual([onOu(READERS, RP | RC)]);
    expect(planGrantAces([onOu(READERS, LC | RP | RC)], recipe.slice(0, 1), schema).add).toEqual([]);
  });
});

describe('revoke planning', () => {
  const recipe = [onOu(READERS, LC | RP | RC), onDescendants(ADMINS, WP, USER, RTC_SET), allow(ADMINS, CC | DC, CI, CONTACT)];

  it('removes the exact entries and split subsets of their rights', () => {
    const dacl = [
      onOu(READERS, LC),
      onOu(READERS, RP),
      onOu(READERS, RC),
      onDescendants(ADMINS, WP, USER, RTC_SET),
      allow(ADMINS, CC, CI, CONTACT),
      allow(ADMINS, DC, CI, CONTACT),
    ];
    const plan = planRevokeAces(dacl, recipe, [], schema);
    expect(plan.remove).toEqual(dacl);
    expect(plan.rewrite).toEqual([]);
    expect(plan.broader).toEqual([]);
  });

  it('rewrites a merged entry that carries extra rights so that only those stay (raw bytes dropped)', () => {
    const merged = { ...onOu(READERS, LC | RP | RC | 0x80), raw: Buffer.from([1]) };
    const plan = planRevokeAces([merged], recipe, [], schema);
    expect(plan.remove).toEqual([]);
    expect(plan.rewrite).toEqual([{ from: merged, to: onOu(READERS, 0x80) }]);
    expect(withMask(merged, 0x80)).not.toHaveProperty('raw');
  });

  it('leaves broader entries alone and reports those that still allow part of the grant', () => {
    const hand = [
      allow(READERS, GR, CI),
      allow(ADMINS, WP, CI | IO, undefined, USER),
      allow(ADMINS, WP, CI | IO, undefined, CONTACT),
      onOu(READERS, LC | RP | RC | GR),
    ];
    const inherited = { ...onDescendants(ADMINS, WP, USER, RTC_SET), flags: CI | IO | INH };
    const plan = planRevokeAces([...hand, inherited, onOu(ADMINS, RP)], recipe, [], schema);
    expect(plan.remove).toEqual([]);
    expect(plan.rewrite).toEqual([]);
    expect(plan.broader).toEqual([hand[0], hand[1], hand[3], inherited]);
  });

  it('leaves both halves of a generic entry the DC split (mapped rights here, generic bits inherit-only) as one hand delegation', () => {
    const effective = onOu(READERS, LC | RP | RC | 0x80);
    const inheritOnly = allow(READERS, GR, CI | IO);
    const plan = planRevokeAces([effective, inheritOnly], recipe, [], schema);
    expect(plan).toMatchObject({ remove: [], rewrite: [], broader: [effective] });
    expect(isGenericEffectiveHalf(effective, [effective, inheritOnly])).toBe(true);
    expect(isGenericEffectiveHalf(effective, [effective, allow(READERS, GR, CI | IO, undefined, USER)])).toBe(false);
    expect(isGenericEffectiveHalf(effective, [effective, allow(ADMINS, GR, CI | IO)])).toBe(false);
    expect(isGenericEffectiveHalf(onOu(READERS, LC | RP | RC), [inheritOnly])).toBe(false);
  });

  it('keeps the rights other still-granted types need, and says which recipe entries stay', () => {
    const dacl = [onOu(READERS, LC | RP | RC), onDescendants(ADMINS, WP, USER, RTC_SET)];
    const plan = planRevokeAces(dacl, recipe, [onOu(READERS, LC | RP | RC)], schema);
    expect(plan.remove).toEqual([dacl[1]]);
    expect(plan.kept).toEqual([recipe[0]]);
    expect(planRevokeAces(dacl, recipe, [onOu(READERS, RC)], schema).rewrite).toEqual([{ from: dacl[0], to: onOu(READERS, RC) }]);
  });

  it('touches neither other trustees nor denies', () => {
    const dacl = [onOu(ADMINS, LC | RP | RC), deny(READERS, RP)];
    const plan = planRevokeAces(dacl, recipe, [], schema);
    expect(plan).toMatchObject({ remove: [], rewrite: [], broader: [] });
  });

  it('groups entries by shape: trustee, inheritance flags, object and inherited object type', () => {
    expect(shapeKey(onOu(READERS.toLowerCase(), LC))).toBe(shapeKey(onOu(READERS, RC)));
    expect(shapeKey({ ...onOu(READERS, LC), flags: INH })).toBe(shapeKey(onOu(READERS, LC)));
    expect(shapeKey(allow(READERS, LC, CI))).not.toBe(shapeKey(onOu(READERS, LC)));
    expect(shapeKey(onDescendants(ADMINS, WP, USER, RTC_SET))).not.toBe(shapeKey(onDescendants(ADMINS, WP, CONTACT, RTC_SET)));
  });
});
