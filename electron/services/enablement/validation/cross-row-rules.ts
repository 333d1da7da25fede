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
  /** user DN (lower case) → lines. */
  private readonly byUser = new Map<string, Set<number>>();
  /** holderKey(address, context) → line → the user claiming it there (or `line:<n>` when unknown). */
  private readonly byAddress = new Map<string, Map<number, string>>();

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
      if (lines.size > 1) out.push(error('duplicate-user', { lines: sorted(lines, line).join(', ') }));
    }
    const flagged = new Set<string>();
    for (const { address, contexts } of claim.claims) {
      if (flagged.has(address.toLowerCase())) continue;
      for (const context of contexts) {
        const holders = this.byAddress.get(holderKey(address, context))!;
        if (new Set(holders.values()).size < 2) continue;
        flagged.add(address.toLowerCase());
        out.push(error('duplicate-in-file', { value: address, lines: sorted(holders.keys(), line).join(', ') }));
        break;
      }
    }
    return out;
  }

  private index(claim: RowClaim, touched: Set<number>): void {
    if (claim.userDn) {
      const key = claim.userDn.toLowerCase();
      const lines = this.byUser.get(key) ?? new Set();
      this.byUser.set(key, lines.add(claim.line));
      for (const l of lines) touched.add(l);
    }
    for (const key of keysOf(claim)) {
      const holders = this.byAddress.get(key) ?? new Map<number, string>();
      this.byAddress.set(key, holders.set(claim.line, claim.userDn?.toLowerCase() ?? `line:${claim.line}`));
      for (const l of holders.keys()) touched.add(l);
    }
  }

  private unindex(claim: RowClaim, touched: Set<number>): void {
    if (claim.userDn) {
      const lines = this.byUser.get(claim.userDn.toLowerCase())!;
      lines.delete(claim.line);
      for (const l of lines) touched.add(l);
      if (lines.size === 0) this.byUser.delete(claim.userDn.toLowerCase());
    }
    for (const key of keysOf(claim)) {
      const holders = this.byAddress.get(key)!;
      holders.delete(claim.line);
      for (const l of holders.keys()) touched.add(l);
      if (holders.size === 0) this.byAddress.delete(key);
    }
  }
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
