import type { RowMessage } from '@shared/models/enablement';
import { holderKey } from './row-rules';

/** The context a SIP URI plan's identifier is unique in: all of them, forest-wide [S11]. */
export const ANY_CONTEXT = '*';

/** One row's part in the checks across rows: who it enables and which numbers it claims where. */
export interface RowClaim {
  line: number;
  userDn?: string;
  /** Each claimed address with the phone contexts it must be unique in (ANY_CONTEXT for a SIP identifier). */
  claims: Array<{ address: string; contexts: string[] }>;
}

const error = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'error', params });

/**
 * Checks across rows: the same user twice, and the same extension or SIP resource identifier
 * claimed by two rows where Exchange would refuse the second — in one dial plan or equivalent
 * plans for numbers, anywhere for a SIP URI identifier. Every row involved is flagged, naming the
 * other lines: which one is right is the admin's call.
 *
 * Kept as an index of who claims what, so a row can be added, changed or removed on its own: the
 * answer names the lines whose messages may have changed (the rows sharing a user or an address
 * with it, before or after), and only those are checked again. Validation streams rows in this
 * way, and an edit re-checks only the rows it can affect.
 */
export class ClaimIndex {
  private readonly claims = new Map<number, RowClaim>();
  /** user DN (lower case) → the lines enabling that user. */
  private readonly byUser = new Map<string, number[]>();
  /**
   * holderKey(address, context) → the lines claiming it there. Lists, not a Set or Map per key: a
   * file of 100,000 rows has about as many keys, nearly all with one line.
   */
  private readonly byAddress = new Map<string, number[]>();

  /** Sets (or, with no claim, removes) a row's claim; returns the lines whose messages may have changed, this one included. */
  set(line: number, claim: RowClaim | undefined): Set<number> {
    const touched = new Set<number>([line]);
    const old = this.claims.get(line);
    if (old) this.unindex(old, touched);
    if (claim) {
      this.claims.set(line, claim);
      this.index(claim, touched);
    } else this.claims.delete(line);
    return touched;
  }

  /** The messages of one row, from the index as it stands: duplicate user first, then each clashing address once. */
  messages(line: number): RowMessage[] {
    const claim = this.claims.get(line);
    if (!claim) return [];
    const out: RowMessage[] = [];
    if (claim.userDn) {
      const lines = this.byUser.get(claim.userDn.toLowerCase())!;
      if (lines.length > 1) out.push(error('duplicate-user', { lines: sorted(lines, line).join(', ') }));
    }
    const flagged = new Set<string>();
    for (const { address, contexts } of claim.claims) {
      if (flagged.has(address.toLowerCase())) continue;
      for (const context of contexts) {
        const lines = this.byAddress.get(holderKey(address, context))!;
        // Two rows for the same user do not clash on its address: that is the duplicate user above.
        if (lines.length < 2 || new Set(lines.map((l) => this.holderOf(l))).size < 2) continue;
        flagged.add(address.toLowerCase());
        out.push(error('duplicate-in-file', { value: address, lines: sorted(lines, line).join(', ') }));
        break;
      }
    }
    return out;
  }

  /** Who claims through this line: its user, or the line itself when it names no single user. */
  private holderOf(line: number): string {
    return this.claims.get(line)?.userDn?.toLowerCase() ?? `line:${line}`;
  }

  private index(claim: RowClaim, touched: Set<number>): void {
    if (claim.userDn) add(this.byUser, claim.userDn.toLowerCase(), claim.line, touched);
    for (const key of keysOf(claim)) add(this.byAddress, key, claim.line, touched);
  }

  private unindex(claim: RowClaim, touched: Set<number>): void {
    if (claim.userDn) remove(this.byUser, claim.userDn.toLowerCase(), claim.line, touched);
    for (const key of keysOf(claim)) remove(this.byAddress, key, claim.line, touched);
  }
}

/** Adds a line under a key; every line already there is touched. */
function add(index: Map<string, number[]>, key: string, line: number, touched: Set<number>): void {
  const lines = index.get(key);
  if (!lines) index.set(key, [line]);
  else {
    for (const l of lines) touched.add(l);
    if (!lines.includes(line)) lines.push(line);
  }
}

/** Removes a line from under a key; every line left there is touched. */
function remove(index: Map<string, number[]>, key: string, line: number, touched: Set<number>): void {
  const lines = index.get(key);
  if (!lines) return;
  const at = lines.indexOf(line);
  if (at >= 0) lines.splice(at, 1);
  for (const l of lines) touched.add(l);
  if (lines.length === 0) index.delete(key);
}

/** Every place a row's claims must be unique in, once each. */
function keysOf(claim: RowClaim): Set<string> {
  return new Set(claim.claims.flatMap(({ address, contexts }) => contexts.map((context) => holderKey(address, context))));
}

const sorted = (lines: Iterable<number>, except: number) => [...lines].filter((l) => l !== except).sort((a, b) => a - b);

/** The checks across rows for a whole file at once: each row with its messages (rows without any are left out). */
export function crossRowMessages(rows: RowClaim[]): Map<number, RowMessage[]> {
  const index = new ClaimIndex();
  for (const row of rows) index.set(row.line, row);
  const out = new Map<number, RowMessage[]>();
  for (const row of rows) {
    const messages = index.messages(row.line);
    if (messages.length) out.set(row.line, messages);
  }
  return out;
}
