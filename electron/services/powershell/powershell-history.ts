import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { psHistoryEntrySchema, type PsHistoryEntry } from '@shared/models/powershell';
import type { EventBus } from '../core/event-bus';

/** How much history is kept: in memory for the view, and on disk. */
export interface HistoryLimits {
  /** The newest entries the view holds (and shows at most). */
  keepInMemory: number;
  /** The current file is rotated once it is larger than this. */
  rotateAtBytes: number;
  /** Rotated files kept, .1 (newest) to .N (oldest); making another drops the oldest. */
  keepRotated: number;
}

const DEFAULT_LIMITS: HistoryLimits = { keepInMemory: 2000, rotateAtBytes: 10 * 1024 * 1024, keepRotated: 5 };

/** The line a clear appends to the file: the view starts after the last one. */
interface ClearMark {
  clearedAt: string;
}

function isClearMark(value: unknown): value is ClearMark {
  return typeof value === 'object' && value !== null && 'clearedAt' in value;
}

/**
 * Every command the console ran, like ADAC's history viewer: kept in memory for the PowerShell
 * view, appended to powershell-history.jsonl (secrets already redacted), and broadcast live.
 *
 * On disk it is a bounded rotation: the file moves to .1 (and .1 to .2 …) once it passes
 * rotateAtBytes, and only the oldest of keepRotated files is ever deleted, so at most
 * (keepRotated + 1) × rotateAtBytes are kept (60 MB by default). A clear empties the view and
 * deletes nothing: it appends a clear mark, and the view, now and after a restart, shows only what
 * was recorded after the last mark. Earlier commands stay in the files until rotation ages them
 * out, like any others; a clear must not be a way to lose the record of what was run.
 */
export class PowerShellHistory {
  private readonly entries: PsHistoryEntry[] = [];
  private readonly file: string;
  private readonly limits: HistoryLimits;

  constructor(
    dataDir: string,
    private readonly bus: EventBus,
    limits: Partial<HistoryLimits> = {},
  ) {
    this.file = join(dataDir, 'powershell-history.jsonl');
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.load();
  }

  /** The newest entries after the last clear mark, read from the end of the current file. */
  private load(): void {
    if (!existsSync(this.file)) return;
    const lines = readFileSync(this.file, 'utf8').split('\n');
    const newestFirst: PsHistoryEntry[] = [];
    for (let i = lines.length - 1; i >= 0 && newestFirst.length < this.limits.keepInMemory; i--) {
      if (!lines[i]) continue;
      let value: unknown;
      try {
        value = JSON.parse(lines[i]!);
      } catch {
        // A damaged line (a crash mid-write) is skipped, never fatal.
        continue;
      }
      if (isClearMark(value)) break;
      const parsed = psHistoryEntrySchema.safeParse(value);
      if (parsed.success) newestFirst.push(parsed.data);
    }
    this.entries.push(...newestFirst.reverse());
  }

  record(entry: PsHistoryEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limits.keepInMemory) this.entries.splice(0, this.entries.length - this.limits.keepInMemory);
    try {
      this.append(entry);
    } catch {
      // The view still has the entry; a full disk must not fail the command itself.
    }
    this.bus.emit('powershell.command', entry);
  }

  /** Newest first. */
  list(limit = 500): PsHistoryEntry[] {
    return this.entries.slice(-limit).reverse();
  }

  /** Empties the view; what was recorded stays on disk (see the class comment). */
  clear(): void {
    this.entries.length = 0;
    const mark: ClearMark = { clearedAt: new Date().toISOString() };
    try {
      this.append(mark);
    } catch {
      // The view is empty now; without the mark it would show those entries again after a restart.
    }
  }

  private append(line: PsHistoryEntry | ClearMark): void {
    this.rotateIfFull();
    appendFileSync(this.file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  private rotateIfFull(): void {
    if (!existsSync(this.file) || statSync(this.file).size <= this.limits.rotateAtBytes) return;
    const generation = (n: number) => `${this.file}.${n}`;
    rmSync(generation(this.limits.keepRotated), { force: true });
    for (let n = this.limits.keepRotated - 1; n >= 1; n--) {
      if (existsSync(generation(n))) renameSync(generation(n), generation(n + 1));
    }
    renameSync(this.file, generation(1));
  }
}
