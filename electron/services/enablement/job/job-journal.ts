import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { BulkOperation, EnablementColumnMapping, EnablementFieldName, RowResult, SipMismatchOverride } from '@shared/models/enablement';

/**
 * What a job is, written once when it starts. Never a PIN: a PIN edited in the console is kept in
 * memory only, and a resumed job asks for those rows to be run again from the file.
 */
export interface JobDefinition {
  jobId: string;
  createdAt: string;
  fileName: string;
  /** SHA-256 of the file's bytes: a resume must be given the same file. */
  fileHash: string;
  profile: string;
  /** What the job does to each row; absent in journals written before operations existed (enable). */
  operation?: BulkOperation;
  /** The account the profile bound as when the job started: what its results and audit entries name. */
  actor?: string;
  mapping: EnablementColumnMapping;
  encoding: string;
  delimiter: string;
  dryRun: boolean;
  concurrency: number;
  proposeExtensions: boolean;
  /** The lines this job runs. */
  lines: number[];
  /** Cell edits made in the console before the run (PIN edits are not kept: see pinEditedLines). */
  edits: Array<{ line: number; field: Exclude<EnablementFieldName, 'PIN'>; value: string }>;
  pinEditedLines: number[];
  /**
   * The admin's override of the Lync SIP address check for this job: every row, or these lines.
   * Absent in journals written before the override existed.
   */
  sipMismatchOverride?: SipMismatchOverride;
  /** A rollback: the job whose rows it undoes (its lines are that job's). */
  rollbackOf?: string;
}

/**
 * One journal line. An end record is the row's whole result; records written before `messages`
 * existed carry a single `message`.
 */
type JournalRecord =
  | { t: 'start'; line: number; at: string }
  | ({ t: 'end'; message?: string } & Omit<RowResult, 'messages'> & { messages?: string[] })
  | { t: 'finished'; state: string; at: string };

/** A journal read back: what finished, what was in flight when it stopped, and whether it ended. */
export interface JournalState {
  definition: JobDefinition;
  results: Map<number, RowResult>;
  inFlight: Set<number>;
  finishedState?: string;
}

/**
 * The job journal on disk: job.json with the definition, journal.jsonl with one line as each row
 * starts and ends, flushed to disk before the next row is reported — so a crash of the app, pwsh or
 * the machine loses at most the knowledge of which rows were in flight, and those are re-checked.
 */
export class JobJournal {
  private fd: number | undefined;

  private constructor(
    readonly dir: string,
    readonly definition: JobDefinition,
  ) {}

  static root(dataDir: string): string {
    return join(dataDir, 'enablement-jobs');
  }

  static create(dataDir: string, definition: JobDefinition): JobJournal {
    const dir = join(JobJournal.root(dataDir), definition.jobId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'job.json'), `${JSON.stringify(definition, null, 2)}\n`, { mode: 0o600 });
    return new JobJournal(dir, definition);
  }

  /** Reopens a journal to append to it (resume). */
  static reopen(dataDir: string, jobId: string): JobJournal {
    const state = JobJournal.read(dataDir, jobId);
    if (!state) throw new Error(`There is no journal for job ${jobId}.`);
    return new JobJournal(join(JobJournal.root(dataDir), jobId), state.definition);
  }

  static read(dataDir: string, jobId: string): JournalState | undefined {
    const dir = join(JobJournal.root(dataDir), jobId);
    if (!/^[A-Za-z0-9_-]+$/.test(jobId) || !existsSync(join(dir, 'job.json'))) return undefined;
    const definition = JSON.parse(readFileSync(join(dir, 'job.json'), 'utf8')) as JobDefinition;
    const results = new Map<number, RowResult>();
    const inFlight = new Set<number>();
    let finishedState: string | undefined;
    const file = join(dir, 'journal.jsonl');
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        let record: JournalRecord;
        try {
          record = JSON.parse(line) as JournalRecord;
        } catch {
          continue; // a line torn by a crash
        }
        if (record.t === 'start') {
          inFlight.add(record.line);
          finishedState = undefined;
        } else if (record.t === 'end') {
          inFlight.delete(record.line);
          const { t: _t, message, messages, ...result } = record;
          results.set(record.line, { ...result, messages: messages ?? (message ? [message] : []) });
        } else {
          finishedState = record.state;
        }
      }
    }
    return { definition, results, inFlight, ...(finishedState ? { finishedState } : {}) };
  }

  /** Every job with a journal, newest first. */
  static list(dataDir: string): JournalState[] {
    const root = JobJournal.root(dataDir);
    if (!existsSync(root)) return [];
    return readdirSync(root)
      .map((id) => {
        try {
          return JobJournal.read(dataDir, id);
        } catch {
          return undefined;
        }
      })
      .filter((s): s is JournalState => !!s)
      .sort((a, b) => b.definition.createdAt.localeCompare(a.definition.createdAt));
  }

  started(line: number): void {
    this.append({ t: 'start', line, at: new Date().toISOString() });
  }

  ended(result: RowResult): void {
    this.append({ t: 'end', ...result, at: result.at ?? new Date().toISOString() });
  }

  finished(state: string): void {
    this.append({ t: 'finished', state, at: new Date().toISOString() });
    this.close();
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private append(record: JournalRecord): void {
    this.fd ??= openSync(join(this.dir, 'journal.jsonl'), 'a', 0o600);
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
  }
}
