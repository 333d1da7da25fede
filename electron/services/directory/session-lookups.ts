import { ApiError } from '@shared/errors';
import type { DirectorySession } from './directory-session';

const resolvers = new WeakMap<DirectorySession, Map<string, Promise<string>>>();

/** Looks a value up once per session; a failed lookup is forgotten so it can be tried again. */
export function lookupOnce(session: DirectorySession, key: string, fn: () => Promise<string>): Promise<string> {
  const lookups = resolvers.get(session) ?? new Map<string, Promise<string>>();
  resolvers.set(session, lookups);
  let found = lookups.get(key);
  if (!found) {
    found = fn();
    lookups.set(key, found);
    found.catch(() => lookups.delete(key));
  }
  return found;
}

/** What a lookup of a Lync-prepared forest's object throws when the forest is not prepared. */
export function notPreparedForLync(what: string): ApiError {
  return new ApiError(
    'NOT_FOUND',
    `This forest has no ${what}. Prepare it for Lync first (Enable-CsAdForest / Enable-CsAdDomain), or connect the Lync forest.`,
  );
}
