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
 */
export function crossRowMessages(rows: RowClaim[]): Map<number, RowMessage[]> {
  const out = new Map<number, RowMessage[]>();
  const add = (line: number, message: RowMessage) => out.set(line, [...(out.get(line) ?? []), message]);
  const byUser = new Map<string, number[]>();
  for (const r of rows) if (r.userDn) byUser.set(r.userDn.toLowerCase(), [...(byUser.get(r.userDn.toLowerCase()) ?? []), r.line]);
  for (const lines of byUser.values()) {
    if (lines.length < 2) continue;
    for (const line of lines) add(line, error('duplicate-user', { lines: lines.filter((l) => l !== line).join(', ') }));
  }
  const byAddress = new Map<string, Array<{ line: number; address: string; user?: string }>>();
  for (const r of rows) {
    const seen = new Set<string>();
    for (const claim of r.claims) {
      for (const context of claim.contexts) {
        const key = holderKey(claim.address, context);
        if (seen.has(key)) continue;
        seen.add(key);
        byAddress.set(key, [...(byAddress.get(key) ?? []), { line: r.line, address: claim.address, user: r.userDn?.toLowerCase() }]);
      }
    }
  }
  const flagged = new Set<string>();
  for (const entries of byAddress.values()) {
    const users = new Set(entries.map((e) => e.user ?? `line:${e.line}`));
    if (users.size < 2) continue;
    for (const entry of entries) {
      const key = `${entry.line}|${entry.address.toLowerCase()}`;
      if (flagged.has(key)) continue;
      flagged.add(key);
      const others = [...new Set(entries.filter((e) => e.line !== entry.line).map((e) => e.line))].join(', ');
      add(entry.line, error('duplicate-in-file', { value: entry.address, lines: others }));
    }
  }
  return out;
}
