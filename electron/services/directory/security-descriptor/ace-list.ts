/** Operations on a DACL's entries: canonical order, identity of an entry, adding and removing. */
import { type Ace, AceFlag, asBuffer, canonicalGuid, canonicalSid, denyTypes, hex2, hex8 } from './model';

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
