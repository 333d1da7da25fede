/**
 * What a DACL allows, not how it is laid out. Grant-CsOUPermission's published table gives rights
 * per group and "Applies to" [S6], never the bytes (OPEN, domain.md §10): the real cmdlet, the
 * console and a hand delegation can write the same permission as one merged entry, several split
 * entries, a broader entry, or an inherited copy. So Test, Grant and Revoke decide by what the
 * entries allow, with the rules of the access check [S31]:
 *
 * - an allow counts for a wanted entry when it has the same trustee SID, reaches the same targets
 *   and covers its object: no ObjectType covers every property set, attribute, right and class;
 *   a property set covers each attribute whose attributeSecurityGUID names it;
 * - generic rights count as what AD maps them to (GA, GR, GW, GX);
 * - "this object only" is reached by an entry that is not INHERIT_ONLY and has no
 *   InheritedObjectType; "descendant objects of class X" by one with CONTAINER_INHERIT, without
 *   NO_PROPAGATE_INHERIT, and with no InheritedObjectType or X;
 * - entries are taken in DACL order, so a deny for the same trustee that reaches the target and
 *   overlaps the rights defeats what no earlier allow already gave (explicit denies come first in
 *   canonical order, so they defeat every allow; an inherited deny does not defeat an explicit allow).
 */
import { AceFlag, AceType, type Ace } from '../directory/security-descriptor/model';

/** What the schema says about property sets: attribute schemaIDGUID → the set's rightsGuid (attributeSecurityGUID). */
export interface CoverageSchema {
  propertySetOf(attributeGuid: string): string | undefined;
}

/** A schema without property sets, for callers that compare only like with like. */
export const noPropertySets: CoverageSchema = { propertySetOf: () => undefined };

/** Builds the schema view from attribute → attributeSecurityGUID pairs (lowercase GUID text). */
export function propertySetsFrom(pairs: Iterable<[string, string]>): CoverageSchema {
  const map = new Map([...pairs].map(([a, s]) => [a.toLowerCase(), s.toLowerCase()]));
  return { propertySetOf: (attribute) => map.get(attribute.toLowerCase()) };
}

/** Where an entry is wanted: the OU itself, or descendant objects (of one class, or of any: `cls` undefined). */
export type CoverageTarget = { kind: 'this' } | { kind: 'descendants'; cls?: string };

const GENERIC_ALL = 0x10000000;
const GENERIC_EXECUTE = 0x20000000;
const GENERIC_WRITE = 0x40000000;
const GENERIC_READ = 0x80000000;

/** Generic rights as AD maps them [S31]: GA → every DS right and the standard rights, GR → RC|LC|RP|LO, GW → RC|SW|WP, GX → RC|LC. */
export const genericMapping: ReadonlyArray<[number, number]> = [
  [GENERIC_ALL, 0xf01ff],
  [GENERIC_READ, 0x20094],
  [GENERIC_WRITE, 0x20028],
  [GENERIC_EXECUTE, 0x20004],
];

/** An access mask with its generic bits replaced by the rights they stand for, so masks compare bit by bit. */
export function effectiveMask(mask: number): number {
  let out = (mask >>> 0) & 0x0fffffff;
  for (const [bit, rights] of genericMapping) if ((mask >>> 0) & bit) out |= rights;
  return out >>> 0;
}

/** Whether a mask holds generic bits (an entry written that way is a hand delegation, not a recipe entry). */
export function hasGenericRights(mask: number): boolean {
  return ((mask >>> 0) & 0xf0000000) !== 0;
}

/** Allow entries (plain or object): what can grant a right. */
export const isAllow = (ace: Ace): boolean => ace.type === AceType.ACCESS_ALLOWED || ace.type === AceType.ACCESS_ALLOWED_OBJECT;
/** Deny entries (plain or object): what can stand in the way of a right. */
export const isDeny = (ace: Ace): boolean => ace.type === AceType.ACCESS_DENIED || ace.type === AceType.ACCESS_DENIED_OBJECT;
/** Entries the DC copied from a parent: they count for coverage but cannot be removed here. */
export const isInherited = (ace: Ace): boolean => (ace.flags & AceFlag.INHERITED) !== 0;

const same = (a?: string, b?: string) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** The targets a wanted entry is for, read from its own flags (a CONTAINER_INHERIT entry without INHERIT_ONLY is for both). */
export function targetsOf(wanted: Ace): CoverageTarget[] {
  const targets: CoverageTarget[] = [];
  if (!(wanted.flags & AceFlag.INHERIT_ONLY) && !wanted.inheritedObjectType) targets.push({ kind: 'this' });
  if (wanted.flags & AceFlag.CONTAINER_INHERIT && !(wanted.flags & AceFlag.NO_PROPAGATE_INHERIT))
    targets.push({ kind: 'descendants', cls: wanted.inheritedObjectType });
  return targets;
}

/** Whether an entry applies in full at a target [S31]. */
export function reaches(ace: Ace, target: CoverageTarget): boolean {
  if (target.kind === 'this') return !(ace.flags & AceFlag.INHERIT_ONLY) && !ace.inheritedObjectType;
  if (!(ace.flags & AceFlag.CONTAINER_INHERIT) || ace.flags & AceFlag.NO_PROPAGATE_INHERIT) return false;
  return !ace.inheritedObjectType || same(ace.inheritedObjectType, target.cls);
}

/** Whether an entry applies at some of a target's objects (what makes a deny stand in the way). */
export function touches(ace: Ace, target: CoverageTarget): boolean {
  if (target.kind === 'this') return reaches(ace, target);
  if (!(ace.flags & AceFlag.CONTAINER_INHERIT)) return false;
  return !ace.inheritedObjectType || !target.cls || same(ace.inheritedObjectType, target.cls);
}

/** Whether an entry's object type covers the wanted one: none covers all; a property set covers its attributes. */
export function objectCovers(entry: string | undefined, wanted: string | undefined, schema: CoverageSchema): boolean {
  if (!entry || same(entry, wanted)) return true;
  if (!wanted) return false;
  return same(schema.propertySetOf(wanted), entry);
}

/** Whether two object types share anything (for denies): either is none, they are equal, or one is a set holding the other. */
export function objectsOverlap(a: string | undefined, b: string | undefined, schema: CoverageSchema): boolean {
  if (!a || !b || same(a, b)) return true;
  return same(schema.propertySetOf(a), b) || same(schema.propertySetOf(b), a);
}

/** The wanted entry's rights the DACL allows at one target, walking the entries in order [S31]. */
function allowedAt(aces: readonly Ace[], wanted: Ace, target: CoverageTarget, schema: CoverageSchema): number {
  const want = effectiveMask(wanted.mask);
  let granted = 0;
  let denied = 0;
  for (const ace of aces) {
    if (!same(ace.sid, wanted.sid)) continue;
    const bits = effectiveMask(ace.mask) & want;
    if (!bits) continue;
    if (isAllow(ace) && reaches(ace, target) && objectCovers(ace.objectType, wanted.objectType, schema)) granted |= bits & ~denied;
    else if (isDeny(ace) && touches(ace, target) && objectsOverlap(ace.objectType, wanted.objectType, schema)) denied |= bits & ~granted;
  }
  return granted >>> 0;
}

/**
 * The rights of a wanted entry that the DACL allows at every target it is for (explicit and
 * inherited entries alike). Equal to the wanted rights when the entry is covered.
 */
export function allowedRights(aces: readonly Ace[], wanted: Ace, schema: CoverageSchema): number {
  let allowed = effectiveMask(wanted.mask);
  for (const target of targetsOf(wanted)) allowed &= allowedAt(aces, wanted, target, schema);
  return allowed >>> 0;
}

/** The rights of a wanted entry the DACL does not allow (0 when covered). */
export function missingRights(aces: readonly Ace[], wanted: Ace, schema: CoverageSchema): number {
  return (effectiveMask(wanted.mask) & ~allowedRights(aces, wanted, schema)) >>> 0;
}

/** Whether the DACL allows everything a wanted entry allows, whatever the layout of its entries. */
export function isCovered(aces: readonly Ace[], wanted: Ace, schema: CoverageSchema): boolean {
  return missingRights(aces, wanted, schema) === 0;
}

/** Whether a deny entry stands in the way of a wanted entry (so adding allows would not be enough). */
export function deniedBy(aces: readonly Ace[], wanted: Ace, schema: CoverageSchema): Ace[] {
  const want = effectiveMask(wanted.mask);
  return aces.filter(
    (ace) =>
      isDeny(ace) &&
      same(ace.sid, wanted.sid) &&
      effectiveMask(ace.mask) & want &&
      targetsOf(wanted).some((t) => touches(ace, t)) &&
      objectsOverlap(ace.objectType, wanted.objectType, schema),
  );
}

/**
 * Grant planning: for each wanted entry, the part the DACL does not allow yet, as an entry of the
 * same shape holding only the missing rights; entries fully allowed are "in place".
 */
export function planGrantAces<T extends { ace: Ace }>(
  aces: readonly Ace[],
  wanted: readonly T[],
  schema: CoverageSchema,
): { add: Array<T & { add: Ace }>; inPlace: T[] } {
  const add: Array<T & { add: Ace }> = [];
  const inPlace: T[] = [];
  for (const w of wanted) {
    const missing = missingRights(aces, w.ace, schema);
    if (missing === 0) inPlace.push(w);
    else add.push({ ...w, add: withMask(w.ace, missing) });
  }
  return { add, inPlace };
}

/** The same entry with other rights (its raw bytes, if any, no longer describe it). */
export function withMask(ace: Ace, mask: number): Ace {
  const { raw: _raw, ...fields } = ace;
  return { ...fields, mask: mask >>> 0 };
}

/** Entries of one "shape": same trustee, inheritance flags, ObjectType and InheritedObjectType. */
export function shapeKey(ace: Ace): string {
  const flags = ace.flags & (AceFlag.OBJECT_INHERIT | AceFlag.CONTAINER_INHERIT | AceFlag.NO_PROPAGATE_INHERIT | AceFlag.INHERIT_ONLY);
  return [ace.sid.toUpperCase(), flags, (ace.objectType ?? '').toLowerCase(), (ace.inheritedObjectType ?? '').toLowerCase()].join('|');
}

/**
 * Whether an entry is the effective half of a generic entry the DC split: an inheritable entry
 * with generic rights is stored as the mapped rights on the object itself plus an inherit-only
 * copy that keeps the generic bits (as Windows and Samba store GR on "this object and all
 * descendants") [S31]. Such a pair is one hand delegation, broader than any grant.
 */
export function isGenericEffectiveHalf(ace: Ace, aces: readonly Ace[]): boolean {
  if (ace.flags & AceFlag.INHERIT_ONLY) return false;
  return aces.some(
    (g) =>
      g !== ace &&
      isAllow(g) &&
      same(g.sid, ace.sid) &&
      hasGenericRights(g.mask) &&
      (g.flags & (AceFlag.INHERIT_ONLY | AceFlag.CONTAINER_INHERIT)) === (AceFlag.INHERIT_ONLY | AceFlag.CONTAINER_INHERIT) &&
      (g.flags & AceFlag.INHERITED) === (ace.flags & AceFlag.INHERITED) &&
      effectiveMask(g.mask) === ace.mask >>> 0 &&
      same(g.objectType, ace.objectType) &&
      same(g.inheritedObjectType, ace.inheritedObjectType),
  );
}

/** An explicit allow without generic rights that is not half of a split generic entry: what a grant can have written. */
function isGrantShaped(ace: Ace, aces: readonly Ace[]): boolean {
  return isAllow(ace) && !isInherited(ace) && !hasGenericRights(ace.mask) && !isGenericEffectiveHalf(ace, aces);
}

export interface RevokePlan {
  /** Explicit entries that are part of the grant: exactly a recipe entry, or a split subset of its rights. */
  remove: Ace[];
  /** Merged explicit entries that also carry other rights: rewritten to keep only those. */
  rewrite: Array<{ from: Ace; to: Ace }>;
  /** Entries left alone (broader: other scope or object, generic rights, or inherited) that still allow part of what is revoked. */
  broader: Ace[];
  /** Recipe entries whose rights stay in an explicit entry of their shape because other still-granted types need them. */
  kept: Ace[];
}

/**
 * Revoke planning: removes the explicit allows of the same shape as a revoked entry whose rights
 * are all revoked ones (exact or split), rewrites those that also carry other rights, and leaves
 * every other entry alone — a broader hand delegation is the admin's, not the grant's — reporting
 * those that still allow part of what is revoked. Rights that `keep` (entries other granted types
 * need) holds are not revoked.
 */
export function planRevokeAces(aces: readonly Ace[], revoking: readonly Ace[], keep: readonly Ace[], schema: CoverageSchema): RevokePlan {
  const byShape = (list: readonly Ace[]) => {
    const masks = new Map<string, number>();
    for (const a of list) masks.set(shapeKey(a), (masks.get(shapeKey(a)) ?? 0) | effectiveMask(a.mask));
    return masks;
  };
  const revoke = byShape(revoking);
  const kept = byShape(keep);
  const plan: RevokePlan = { remove: [], rewrite: [], broader: [], kept: [] };
  const touched = new Set<Ace>();
  for (const ace of aces) {
    if (!isGrantShaped(ace, aces)) continue;
    const key = shapeKey(ace);
    const bits = ((revoke.get(key) ?? 0) & ~(kept.get(key) ?? 0)) >>> 0;
    const mask = ace.mask >>> 0;
    if (!(mask & bits)) continue;
    touched.add(ace);
    const rest = (mask & ~bits) >>> 0;
    if (rest === 0) plan.remove.push(ace);
    else plan.rewrite.push({ from: ace, to: withMask(ace, rest) });
  }
  const revokedRights = revoking.map((r) => ({ ...r, mask: (effectiveMask(r.mask) & ~(kept.get(shapeKey(r)) ?? 0)) >>> 0 })).filter((r) => r.mask !== 0);
  for (const ace of aces) {
    if (!isAllow(ace) || touched.has(ace)) continue;
    if (revokedRights.some((r) => allowedRights([ace], r, schema) !== 0)) plan.broader.push(ace);
  }
  // Kept: recipe entries whose rights stay in an explicit entry of their shape because other types need them.
  plan.kept = revoking.filter((r) => {
    const held = (kept.get(shapeKey(r)) ?? 0) & effectiveMask(r.mask);
    return held !== 0 && aces.some((a) => isGrantShaped(a, aces) && shapeKey(a) === shapeKey(r) && (a.mask >>> 0) & held);
  });
  return plan;
}
