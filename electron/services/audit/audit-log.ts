import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditEntrySchema, type AuditEntry } from '@shared/models/audit';

/**
 * The append-only record of every change the console makes: who, when, what, by which route,
 * the object before and after, and whether it worked. One JSON line per entry in audit.jsonl,
 * never rewritten; secrets are never passed in.
 */
export class AuditLog {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'audit.jsonl');
  }

  record(entry: Omit<AuditEntry, 'id' | 'at'>): AuditEntry {
    const full = auditEntrySchema.parse({ id: randomUUID(), at: new Date().toISOString(), ...entry });
    appendFileSync(this.file, `${JSON.stringify(full)}\n`, { mode: 0o600 });
    return full;
  }

  /** Newest first, optionally only entries about one object. */
  list(options: { limit?: number; target?: string; action?: string } = {}): AuditEntry[] {
    if (!existsSync(this.file)) return [];
    const entries: AuditEntry[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        entries.push(auditEntrySchema.parse(JSON.parse(line)));
      } catch {
        // A torn last line after a crash is skipped, not fatal.
      }
    }
    return entries
      .filter((e) => (!options.target || e.target.toLowerCase() === options.target.toLowerCase()) && (!options.action || e.action === options.action))
      .reverse()
      .slice(0, options.limit ?? 500);
  }

  get(id: string): AuditEntry | undefined {
    return this.list({ limit: Number.MAX_SAFE_INTEGER }).find((e) => e.id === id);
  }
}
