import { createHash, randomUUID } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { auditEntrySchema, type AuditEntry, type AuditIntegrity, type AuditProblem, type AuditRecord, type NewAuditEntry } from '@shared/models/audit';

/** The `prev` of the first chained entry: nothing comes before it. */
const GENESIS = '0'.repeat(64);

/** A chained line ends with its hash, which covers the line's text before it. */
const hashSuffix = /,"hash":"([0-9a-f]{64})"\}$/;

/**
 * The append-only record of every change the console makes: who, when, what, by which route,
 * the object before and after, and whether it worked. One JSON line per entry in audit.jsonl,
 * never rewritten; secrets are never passed in.
 *
 * Restore writes a DACL taken from this file, so the file must not be trusted blindly. Each entry
 * carries its place (`seq`), the previous entry's hash (`prev`) and its own hash, so editing,
 * removing or reordering entries breaks the chain; `audit-head.json` remembers the last entry
 * written, so removing entries from the end shows too. Every read checks the chain. The hashes
 * have no key: they catch an edited file, not someone who rewrites the whole chain. Entries from
 * before the chain existed stay readable and are marked unverified.
 */
/** An audit entry before the write it describes has run. */
export type PlannedAuditEntry = Omit<NewAuditEntry, 'outcome' | 'error'>;

/** A write in progress, to be recorded once as succeeded or failed. */
export interface AuditedWrite {
  succeeded(differs?: Partial<PlannedAuditEntry>): AuditEntry;
  failed(error: string | undefined, differs?: Partial<PlannedAuditEntry>): AuditEntry;
}

export class AuditLog {
  private readonly file: string;
  private readonly headFile: string;
  private readonly lockFile: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'audit.jsonl');
    this.headFile = join(dataDir, 'audit-head.json');
    this.lockFile = join(dataDir, 'audit.jsonl.lock');
  }

  /**
   * The one way a service audits a write: name what it is about to change, then say how it went —
   * `succeeded()` or `failed(message)`, each optionally with what differs from the plan (the DN
   * the server gave, the state read back).
   */
  begin(planned: PlannedAuditEntry): AuditedWrite {
    return {
      succeeded: (differs = {}) => this.record({ ...planned, ...differs, outcome: 'succeeded' }),
      failed: (error, differs = {}) => this.record({ ...planned, ...differs, outcome: 'failed', ...(error ? { error } : {}) }),
    };
  }

  /** Appends one entry to the chain (services go through begin). */
  record(entry: NewAuditEntry): AuditEntry {
    const body = auditEntrySchema.parse({ id: randomUUID(), at: new Date().toISOString(), ...entry });
    // The web host and the CLI may share the data folder: one writer at a time keeps the chain linear.
    return withLock(this.lockFile, () => {
      const last = this.lastChained();
      const chain = { seq: last ? last.seq + 1 : 1, prev: last?.hash ?? GENESIS };
      const text = JSON.stringify({ ...body, ...chain });
      const hash = sha256(text);
      // A line cut short by a crash stays on its own line (and is skipped on read).
      const newline = existsSync(this.file) && !endsWithNewline(this.file) ? '\n' : '';
      appendFileSync(this.file, `${newline}${text.slice(0, -1)},"hash":"${hash}"}\n`, { mode: 0o600 });
      writeHead(this.headFile, { seq: chain.seq, hash });
      return { ...body, ...chain, hash };
    });
  }

  /** Every entry, oldest first, each with its check, and the check of the whole log. */
  read(): { entries: AuditRecord[]; integrity: AuditIntegrity } {
    const entries: AuditRecord[] = [];
    const problems: AuditProblem[] = [];
    let expected = { seq: 1, prev: GENESIS };
    let chained = false;
    const lines = existsSync(this.file) ? readFileSync(this.file, 'utf8').split('\n') : [];
    lines.forEach((line, index) => {
      const parsed = parseLine(line);
      // Blank lines and lines cut short by a crash are skipped; an entry destroyed that way breaks the next one's link.
      if (!parsed) return;
      const { entry, hashed } = parsed;
      const where = { line: index + 1, ...(entry.seq ? { seq: entry.seq } : {}) };
      if (!hashed) {
        if (chained) problems.push({ code: 'unhashed', ...where });
        entries.push({ ...entry, integrity: chained ? 'tampered' : 'unverified' });
        return;
      }
      chained = true;
      let integrity: AuditRecord['integrity'] = 'verified';
      if (!hashed.intact) {
        problems.push({ code: 'edited', ...where });
        integrity = 'tampered';
      } else if (entry.seq !== expected.seq || entry.prev !== expected.prev) {
        problems.push({ code: 'broken-link', ...where });
        integrity = 'tampered';
      }
      entries.push({ ...entry, integrity });
      // Go on from this entry, so one break is reported once, not for every entry after it.
      expected = { seq: (entry.seq ?? 0) + 1, prev: entry.hash ?? '' };
    });
    const head = this.readHead();
    if (head) {
      if (!entries.some((e) => e.seq === head.seq && e.hash === head.hash)) problems.push({ code: 'truncated', seq: head.seq });
    } else if (chained) {
      problems.push({ code: 'head-missing' });
    }
    return {
      entries,
      integrity: { status: problems.length > 0 ? 'tampered' : 'intact', problems, unverified: entries.filter((e) => e.integrity === 'unverified').length },
    };
  }

  /** Newest first, optionally only entries about one object. */
  list(options: { limit?: number; target?: string; action?: string } = {}): AuditRecord[] {
    return this.read()
      .entries.filter((e) => (!options.target || e.target.toLowerCase() === options.target.toLowerCase()) && (!options.action || e.action === options.action))
      .reverse()
      .slice(0, options.limit ?? 500);
  }

  get(id: string): AuditRecord | undefined {
    return this.read().entries.find((e) => e.id === id);
  }

  /** The log's check alone. */
  verify(): AuditIntegrity {
    return this.read().integrity;
  }

  /** The last chained entry's place and hash, read from the end of the file (bulk jobs write thousands). */
  private lastChained(): { seq: number; hash: string } | undefined {
    if (!existsSync(this.file)) return undefined;
    for (const line of linesFromEnd(this.file)) {
      let seq: unknown;
      try {
        seq = (JSON.parse(line) as { seq?: unknown }).seq;
      } catch {
        continue; // cut short by a crash
      }
      const hash = hashSuffix.exec(line)?.[1];
      // An entry from before the chain: the chain starts after it.
      return typeof seq === 'number' && hash ? { seq, hash } : undefined;
    }
    return undefined;
  }

  private readHead(): { seq: number; hash: string } | undefined {
    if (!existsSync(this.headFile)) return undefined;
    try {
      const head = JSON.parse(readFileSync(this.headFile, 'utf8')) as { seq?: unknown; hash?: unknown };
      if (typeof head.seq === 'number' && typeof head.hash === 'string') return { seq: head.seq, hash: head.hash };
    } catch {
      // Unreadable: the same as a head that names no entry of the log.
    }
    return { seq: 0, hash: '' };
  }
}

/** An entry line, and for a chained one its hash and whether the hash matches the text. */
function parseLine(line: string): { entry: AuditEntry; hashed?: { hash: string; intact: boolean } } | undefined {
  if (!line.trim()) return undefined;
  let entry: AuditEntry;
  try {
    entry = auditEntrySchema.parse(JSON.parse(line));
  } catch {
    return undefined;
  }
  const match = hashSuffix.exec(line);
  if (!match) return entry.hash === undefined ? { entry } : { entry, hashed: { hash: entry.hash, intact: false } };
  const hash = match[1]!;
  return { entry, hashed: { hash, intact: sha256(`${line.slice(0, match.index)}}`) === hash } };
}

/**
 * Rewrites audit-head.json in place at a fixed length. Truncating and rewriting a file makes ext4
 * (auto_da_alloc) flush it, which cost milliseconds per entry in bulk jobs.
 */
function writeHead(file: string, head: { seq: number; hash: string }): void {
  const text = JSON.stringify(head).padEnd(128);
  const fd = openSync(file, existsSync(file) ? 'r+' : 'w', 0o600);
  try {
    writeSync(fd, text, 0, 'utf8');
    if (fstatSync(fd).size !== Buffer.byteLength(text)) ftruncateSync(fd, Buffer.byteLength(text));
  } finally {
    closeSync(fd);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function endsWithNewline(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** The file's lines from the last one backwards, reading only as much of its end as needed. */
function* linesFromEnd(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    let position = fstatSync(fd).size;
    let rest = Buffer.alloc(0);
    // Most entries are well under 8 KiB; DACL changes can be larger, so each read doubles.
    for (let want = 8 * 1024; position > 0; want *= 2) {
      const size = Math.min(want, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      readSync(fd, chunk, 0, size, position);
      rest = Buffer.concat([chunk, rest]);
      // Splitting on the byte 0x0A is safe in UTF-8: it never occurs inside a multi-byte character.
      for (let newline = rest.lastIndexOf(0x0a); newline !== -1; newline = rest.lastIndexOf(0x0a)) {
        const line = rest.subarray(newline + 1);
        rest = rest.subarray(0, newline);
        if (line.length > 0) yield line.toString('utf8');
      }
    }
    if (rest.length > 0) yield rest.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Whether the process that wrote this lock is gone (a CLI killed mid-append): unknown counts as alive. */
function ownerGone(lockFile: string): boolean {
  const pid = Number(readFileSync(lockFile, 'utf8'));
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Runs `work` while holding a lock file (created exclusively, holding its process's PID), waiting
 * up to 5 s for another process to finish its append. A lock whose process is gone, or older than
 * 30 s, was left by a process that died (a killed CLI): it is removed, not waited for.
 */
function withLock<T>(lockFile: string, work: () => T): T {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (ownerGone(lockFile) || Date.now() - statSync(lockFile).mtimeMs > 30_000) rmSync(lockFile, { force: true });
      } catch {
        // Released meanwhile: try again.
      }
      if (Date.now() > deadline) throw new Error(`The audit log is locked by another process (${lockFile}).`, { cause: error });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/** One problem the check found, in a sentence for the admin (the renderer has its own translations). */
export function describeAuditProblem(problem: AuditProblem): string {
  const entry = `entry ${problem.seq ?? '?'} (line ${problem.line ?? '?'})`;
  switch (problem.code) {
    case 'edited':
      return `${entry} does not match its hash: it was edited`;
    case 'broken-link':
      return `${entry} does not follow the entry before it: entries were removed or reordered`;
    case 'unhashed':
      return `line ${problem.line ?? '?'} holds an entry without a hash after the log started carrying hashes`;
    case 'truncated':
      return `the last entry written (${problem.seq ?? '?'}) is missing or changed: entries were removed from the end`;
    case 'head-missing':
      return 'audit-head.json, which records the last entry written, is missing';
  }
}
