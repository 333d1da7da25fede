import { appendFileSync, existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { psHistoryEntrySchema, type PsHistoryEntry } from '@shared/models/powershell';
import type { EventBus } from '../core/event-bus';

const KEEP_IN_MEMORY = 2000;
const ROTATE_AT_BYTES = 10 * 1024 * 1024;

/**
 * Every command the console ran, like ADAC's history viewer: kept in memory for the PowerShell
 * view, appended to powershell-history.jsonl (secrets already redacted), and broadcast live.
 */
export class PowerShellHistory {
  private readonly entries: PsHistoryEntry[] = [];
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly bus: EventBus,
  ) {
    this.file = join(dataDir, 'powershell-history.jsonl');
    this.load();
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean).slice(-KEEP_IN_MEMORY);
    for (const line of lines) {
      try {
        this.entries.push(psHistoryEntrySchema.parse(JSON.parse(line)));
      } catch {
        // A damaged line (a crash mid-write) is skipped, never fatal.
      }
    }
  }

  record(entry: PsHistoryEntry): void {
    this.entries.push(entry);
    if (this.entries.length > KEEP_IN_MEMORY) this.entries.splice(0, this.entries.length - KEEP_IN_MEMORY);
    try {
      if (existsSync(this.file) && statSync(this.file).size > ROTATE_AT_BYTES) renameSync(this.file, `${this.file}.1`);
      appendFileSync(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    } catch {
      // The view still has the entry; a full disk must not fail the command itself.
    }
    this.bus.emit('powershell.command', entry);
  }

  /** Newest first. */
  list(limit = 500): PsHistoryEntry[] {
    return this.entries.slice(-limit).reverse();
  }

  clear(): void {
    this.entries.length = 0;
    try {
      if (existsSync(this.file)) renameSync(this.file, `${this.file}.1`);
    } catch {
      // Nothing to lose: the view is already empty.
    }
  }
}
