import { createHash, randomBytes } from 'node:crypto';
import type { EnablementColumnMapping, EnablementFieldName, EnablementJob, ExportedFile, ImportSummary, ResumableJob, RowMessage, RowResult, RowValues, SipMismatchOverride, ValidatedRow, ValidationCounts, ValidationResult } from '@shared/models/enablement';
import { rowMessageText } from '@shared/enablement/row-message-text';
import { ApiError } from '@shared/errors';
import type { AuditLog } from '../audit/audit-log';
import type { Logger } from '../core/logger';
import type { ConnectionManager } from '../directory/connection-manager';
import type { JobManager } from '../jobs/job-manager';
import type { PowerShellService } from '../powershell/powershell-service';
import type { TopologyService } from '../topology/topology-service';
import { CsvFormatError } from './csv/csv-format-error';
import type { CsvImport } from './csv/import-csv';
import { importCsvOffThread } from './csv/import-csv-off-thread';
import { runEnablement, type RunRow } from './job/enablement-runner';
import { JobJournal, type JobDefinition } from './job/job-journal';
import { resultsToCsv, resultsToJson, type ExportSource } from './results-export';
import { splitExtensions } from './validation/uri-rules';
import { maskPin, OrgFacts, RowValidator, type SipMismatchOverrides, type SourceRow } from './validation/row-validator';

const fields: EnablementFieldName[] = ['Identity', 'Extensions', 'SIPResourceIdentifier', 'UMMailboxPolicy', 'PIN', 'PINExpired', 'NotifyEmail'];

/** An imported file, held in memory while the admin maps, validates, edits and runs it. */
interface ImportState {
  importId: string;
  fileName: string;
  fileHash: string;
  csv: CsvImport;
  cells: Map<number, string[]>;
  mapping?: EnablementColumnMapping;
  profile?: string;
  proposeExtensions: boolean;
  edits: Map<number, Partial<RowValues>>;
  validator?: RowValidator;
  validated?: Map<number, ValidatedRow>;
  notices: RowMessage[];
  /** The admin's override of the Lync SIP address check (never of Exchange's own rules). */
  sipMismatch: SipMismatchOverrides;
}

interface JobState {
  definition: JobDefinition;
  importId?: string;
  results: Map<number, RowResult>;
}

const MAX_IMPORTS = 5;

/**
 * Bulk UM enablement: import a CSV, validate every row against the directory in batched lookups,
 * let the admin fix cells, run Enable-UMMailbox as a journalled job, export per-row results.
 */
export class EnablementService {
  private readonly imports = new Map<string, ImportState>();
  private readonly jobs = new Map<string, JobState>();

  constructor(
    private readonly deps: {
      connections: ConnectionManager;
      topology: TopologyService;
      powershell: PowerShellService;
      jobManager: JobManager;
      audit: AuditLog;
      logger: Logger;
      dataDir: string;
    },
  ) {}

  /** Reads the uploaded file in a worker thread (csv/import-csv-off-thread.ts), within the limits of csv/csv-limits.ts. */
  async import(input: { fileName: string; content: string; encoding?: CsvImport['encoding']; delimiter?: CsvImport['delimiter'] }): Promise<ImportSummary> {
    const bytes = Buffer.from(input.content, 'base64');
    let csv: CsvImport;
    try {
      csv = await importCsvOffThread(bytes, { ...(input.encoding ? { encoding: input.encoding } : {}), ...(input.delimiter ? { delimiter: input.delimiter } : {}) });
    } catch (error) {
      if (error instanceof CsvFormatError) throw new ApiError('CSV_INVALID', `${input.fileName}: ${error.message}`, error.line ? { line: error.line } : undefined);
      throw error;
    }
    const importId = `imp-${randomBytes(8).toString('hex')}`;
    const fileHash = createHash('sha256').update(bytes).digest('hex');
    const state: ImportState = { importId, fileName: input.fileName, fileHash, csv, cells: new Map(csv.rows.map((r) => [r.line, r.cells])), proposeExtensions: false, edits: new Map(), notices: [], sipMismatch: { job: false, lines: new Set() } };
    this.imports.set(importId, state);
    while (this.imports.size > MAX_IMPORTS) this.imports.delete(this.imports.keys().next().value!);
    const pinColumn = csv.columns.mapping.PIN;
    return {
      importId,
      fileName: input.fileName,
      fileHash,
      encoding: csv.encoding,
      encodingDetection: csv.detection,
      delimiter: csv.delimiter,
      header: csv.header,
      rowCount: csv.rows.length,
      problems: csv.problems.slice(0, 1000),
      mapping: csv.columns.mapping,
      ambiguous: csv.columns.ambiguous,
      replacementCharacters: csv.replacementCharacters,
      sample: csv.rows.slice(0, 5).map((r) => r.cells.map((c, i) => (i === pinColumn ? maskPin(c) : c))),
      resumable: this.resumableFor(fileHash),
    };
  }

  async validate(input: { importId: string; profile: string; mapping: EnablementColumnMapping; proposeExtensions: boolean; allowSipMismatch?: boolean }): Promise<ValidationResult> {
    const state = this.importState(input.importId);
    this.checkMapping(state, input.mapping);
    const session = await this.deps.connections.ensure(input.profile);
    const topology = await this.deps.topology.get({ profiles: [input.profile], refresh: true });
    const forest = topology.forests.find((f) => f.profile === input.profile);
    const org = forest?.exchange;
    if (!org) throw new ApiError('NOT_FOUND', `The forest of profile ${input.profile} has no Exchange organisation; connect the forest where the mailboxes are.`);
    const started = Date.now();
    const before = session.stats.roundTrips;
    state.mapping = input.mapping;
    state.profile = input.profile;
    state.proposeExtensions = input.proposeExtensions;
    if (input.allowSipMismatch !== undefined) state.sipMismatch.job = input.allowSipMismatch;
    state.validator = new RowValidator(session, forest.domains, new OrgFacts(org), { proposeExtensions: input.proposeExtensions });
    const rows = await this.check(state);
    return { importId: state.importId, profile: input.profile, rows, counts: countRows(rows), notices: state.notices, sipMismatchOverride: overrideOf(state), stats: { ldapRoundTrips: session.stats.roundTrips - before, milliseconds: Date.now() - started } };
  }

  async edit(input: {
    importId: string;
    edits?: Array<{ line: number; field: EnablementFieldName; value: string }>;
    sipMismatch?: { job?: boolean; rows?: Array<{ line: number; allow: boolean }> };
  }): Promise<{ rows: ValidatedRow[]; counts: ValidationCounts; notices: RowMessage[]; sipMismatchOverride: SipMismatchOverride }> {
    const state = this.importState(input.importId);
    if (!state.validator || !state.validated) throw new ApiError('CONFLICT', 'Validate the file before editing rows.');
    const edits = input.edits ?? [];
    for (const line of [...edits.map((e) => e.line), ...(input.sipMismatch?.rows ?? []).map((r) => r.line)]) {
      if (!state.cells.has(line)) throw new ApiError('NOT_FOUND', `There is no row at line ${line}.`);
    }
    for (const edit of edits) {
      state.edits.set(edit.line, { ...state.edits.get(edit.line), [edit.field]: edit.value });
      if (edit.field === 'Identity') state.validator.forgetUsers([edit.value]);
    }
    if (input.sipMismatch?.job !== undefined) state.sipMismatch.job = input.sipMismatch.job;
    for (const { line, allow } of input.sipMismatch?.rows ?? []) {
      if (allow) state.sipMismatch.lines.add(line);
      else state.sipMismatch.lines.delete(line);
    }
    const previous = state.validated;
    const rows = await this.check(state);
    const changed = rows.filter((r) => JSON.stringify(r) !== JSON.stringify(previous.get(r.line)));
    return { rows: changed, counts: countRows(rows), notices: state.notices, sipMismatchOverride: overrideOf(state) };
  }

  /** Validates every row of the import with its edits and overrides, and keeps the result. */
  private async check(state: ImportState): Promise<ValidatedRow[]> {
    const outcome = await state.validator!.validate(this.sourceRows(state), state.sipMismatch);
    const rows = withUnreadable(state, outcome.rows);
    this.keepProposals(state, rows);
    state.validated = new Map(rows.map((r) => [r.line, r]));
    state.notices = outcome.notices;
    return rows;
  }

  /** Starts (or resumes) a job over the validated rows. */
  async start(input: { importId: string; dryRun: boolean; concurrency: number; lines?: number[]; resumeJobId?: string }): Promise<EnablementJob> {
    const state = this.importState(input.importId);
    let definition: JobDefinition;
    let finished: RowResult[] = [];
    let inFlight = new Set<number>();
    if (input.resumeJobId) {
      const journal = JobJournal.read(this.deps.dataDir, input.resumeJobId);
      if (!journal) throw new ApiError('NOT_FOUND', `There is no journal for job ${input.resumeJobId}.`);
      if (journal.definition.fileHash !== state.fileHash) throw new ApiError('CONFLICT', `Job ${input.resumeJobId} ran a different file (${journal.definition.fileName}); import that file to resume it.`);
      definition = journal.definition;
      // The job's own mapping, edits and profile, then a fresh look at the directory.
      state.edits = new Map();
      for (const e of definition.edits) state.edits.set(e.line, { ...state.edits.get(e.line), [e.field]: e.value });
      // The override the job ran with, as its journal recorded it.
      state.sipMismatch = { job: definition.sipMismatchOverride?.job ?? false, lines: new Set(definition.sipMismatchOverride?.lines ?? []) };
      await this.validate({ importId: state.importId, profile: definition.profile, mapping: definition.mapping, proposeExtensions: definition.proposeExtensions });
      finished = [...journal.results.values()];
      inFlight = journal.inFlight;
    } else {
      if (!state.validated || !state.profile || !state.mapping) throw new ApiError('CONFLICT', 'Validate the file before running it.');
      const wanted = input.lines ? new Set(input.lines) : undefined;
      const lines = [...state.validated.values()].filter((r) => (wanted ? wanted.has(r.line) : true)).map((r) => r.line);
      if (lines.length === 0) throw new ApiError('INVALID_INPUT', 'None of the chosen lines is in the file.');
      definition = {
        jobId: `enable-${randomBytes(6).toString('hex')}`,
        createdAt: new Date().toISOString(),
        fileName: state.fileName,
        fileHash: state.fileHash,
        profile: state.profile,
        mapping: state.mapping,
        encoding: state.csv.encoding,
        delimiter: state.csv.delimiter,
        dryRun: input.dryRun,
        concurrency: input.concurrency,
        proposeExtensions: state.proposeExtensions,
        lines,
        edits: [...state.edits.entries()].flatMap(([line, values]) => Object.entries(values).filter(([field]) => field !== 'PIN').map(([field, value]) => ({ line, field: field as Exclude<EnablementFieldName, 'PIN'>, value: value as string }))),
        pinEditedLines: [...state.edits.entries()].filter(([, v]) => v.PIN !== undefined).map(([line]) => line),
        sipMismatchOverride: { job: state.sipMismatch.job, lines: lines.filter((l) => state.sipMismatch.lines.has(l)) },
      };
    }
    const session = await this.deps.connections.ensure(definition.profile);
    const journal = input.resumeJobId ? JobJournal.reopen(this.deps.dataDir, definition.jobId) : JobJournal.create(this.deps.dataDir, definition);
    const job: JobState = { definition, importId: state.importId, results: new Map(finished.map((r) => [r.line, r])) };
    this.jobs.set(definition.jobId, job);

    // Rows that are not run get their result at once: invalid, already done, PIN not kept.
    const toRun: RunRow[] = [];
    const source = new Map(this.sourceRows(state).map((r) => [r.line, r]));
    for (const line of definition.lines) {
      if (job.results.has(line)) continue;
      const row = state.validated!.get(line)!;
      const values = source.get(line)?.values ?? row.values;
      const immediate = (outcome: RowResult['outcome'], message: string) => {
        const result: RowResult = { line, identity: values.Identity, outcome, message, attempts: 0, at: new Date().toISOString() };
        journal.ended(result);
        job.results.set(line, result);
      };
      if (input.resumeJobId && definition.pinEditedLines.includes(line)) immediate('failed', rowMessageText({ code: 'pin-not-kept', params: {} }));
      else if (row.status === 'invalid') immediate('invalid', row.messages.filter((m) => m.severity === 'error').map((m) => rowMessageText(m)).join(' '));
      else if (row.status === 'already-done' && inFlight.has(line)) immediate('enabled', 'Enabled before the interruption; confirmed in the directory.');
      else if (row.status === 'already-done') immediate('already-done', row.messages.map((m) => rowMessageText(m)).join(' '));
      else {
        // What validation showed is what is sent: normalised extensions and identifier; the PIN from the file or the edit (memory only).
        const overridden = row.messages.find((m) => m.overridden)?.overridden;
        toRun.push({
          line,
          identity: values.Identity,
          userDn: row.user!.dn,
          policy: values.UMMailboxPolicy.trim(),
          policyDn: row.policyDn ?? '',
          extensions: splitExtensions(row.values.Extensions),
          sri: row.values.SIPResourceIdentifier,
          pin: values.PIN,
          pinExpired: values.PINExpired,
          notifyEmail: values.NotifyEmail.trim(),
          expectedExtensions: row.extensions,
          ...(row.sipResourceIdentifier ? { expectedSri: row.sipResourceIdentifier } : {}),
          ...(overridden ? { sipMismatchOverride: { scope: overridden, lyncAddress: row.user?.lyncAddress ?? '' } } : {}),
          recheckFirst: inFlight.has(line),
        });
      }
    }
    const title = `${definition.dryRun ? 'Dry run' : 'Enable UM'}: ${definition.fileName}`;
    this.deps.jobManager.start(
      'enablement',
      title,
      definition.lines.length,
      async (ctx) => {
        try {
          const message = await runEnablement(
            toRun,
            { powershell: this.deps.powershell, connections: this.deps.connections, audit: this.deps.audit, journal, log: (m) => this.deps.logger.info(m) },
            { jobId: definition.jobId, profile: definition.profile, actor: session.identity, dryRun: definition.dryRun, concurrency: definition.concurrency, finished: [...job.results.values()], onResult: (r) => job.results.set(r.line, r) },
            ctx,
          );
          journal.finished(ctx.signal.aborted ? 'cancelled' : 'completed');
          return message;
        } catch (error) {
          journal.close();
          throw error;
        }
      },
      definition.jobId,
    );
    return this.job(definition.jobId);
  }

  job(jobId: string): EnablementJob {
    const job = this.jobs.get(jobId) ?? this.loadJob(jobId);
    const progress = this.safeProgress(jobId, job);
    return {
      jobId,
      ...(job.importId ? { importId: job.importId } : {}),
      fileName: job.definition.fileName,
      profile: job.definition.profile,
      dryRun: job.definition.dryRun,
      concurrency: job.definition.concurrency,
      ...(job.definition.sipMismatchOverride ? { sipMismatchOverride: job.definition.sipMismatchOverride } : {}),
      progress,
      results: [...job.results.values()].sort((a, b) => a.line - b.line),
    };
  }

  export(jobId: string, format: 'csv' | 'json'): ExportedFile {
    const job = this.jobs.get(jobId) ?? this.loadJob(jobId);
    const state = job.importId ? this.imports.get(job.importId) : [...this.imports.values()].find((i) => i.fileHash === job.definition.fileHash);
    const source: ExportSource | undefined = state ? { header: state.csv.header, cells: state.cells, secretColumns: state.mapping?.PIN !== undefined ? [state.mapping.PIN] : [] } : undefined;
    const results = [...job.results.values()];
    const base = job.definition.fileName.replace(/\.[^.]+$/, '');
    return format === 'csv'
      ? { fileName: `${base}-results.csv`, mimeType: 'text/csv;charset=utf-8', content: resultsToCsv(source, results, state?.validated) }
      : { fileName: `${base}-results.json`, mimeType: 'application/json', content: resultsToJson(source, results, state?.validated) };
  }

  /** Waits for a job to end (CLI, tests). */
  async wait(jobId: string): Promise<EnablementJob> {
    await this.deps.jobManager.wait(jobId);
    return this.job(jobId);
  }

  private resumableFor(fileHash: string): ResumableJob[] {
    return JobJournal.list(this.deps.dataDir)
      .filter((j) => j.definition.fileHash === fileHash && j.finishedState !== 'completed' && j.results.size < j.definition.lines.length)
      .filter((j) => !this.isRunning(j.definition.jobId))
      .map((j) => ({ jobId: j.definition.jobId, profile: j.definition.profile, createdAt: j.definition.createdAt, total: j.definition.lines.length, finished: j.results.size, inFlight: j.inFlight.size, dryRun: j.definition.dryRun }));
  }

  private isRunning(jobId: string): boolean {
    try {
      const state = this.deps.jobManager.get(jobId).state;
      return state === 'running' || state === 'paused' || state === 'cancelling';
    } catch {
      return false;
    }
  }

  private safeProgress(jobId: string, job: JobState): EnablementJob['progress'] {
    try {
      return this.deps.jobManager.get(jobId);
    } catch {
      const failed = [...job.results.values()].filter((r) => r.outcome === 'failed' || r.outcome === 'invalid').length;
      return { jobId, kind: 'enablement', title: job.definition.fileName, state: 'cancelled', total: job.definition.lines.length, done: job.results.size - failed, failed, startedAt: job.definition.createdAt, message: 'Not running in this session; import the same file to resume it.' };
    }
  }

  private loadJob(jobId: string): JobState {
    const journal = JobJournal.read(this.deps.dataDir, jobId);
    if (!journal) throw new ApiError('NOT_FOUND', `There is no enablement job ${jobId}.`);
    const job: JobState = { definition: journal.definition, results: journal.results };
    this.jobs.set(jobId, job);
    return job;
  }

  private importState(importId: string): ImportState {
    const state = this.imports.get(importId);
    if (!state) throw new ApiError('NOT_FOUND', 'That import is no longer held; import the file again.');
    return state;
  }

  private checkMapping(state: ImportState, mapping: EnablementColumnMapping): void {
    if (mapping.Identity === undefined) throw new ApiError('INVALID_INPUT', 'Map a column to Identity: the console needs to know which user each row is.');
    if (mapping.UMMailboxPolicy === undefined) throw new ApiError('INVALID_INPUT', 'Map a column to UMMailboxPolicy: Enable-UMMailbox needs a UM mailbox policy for each row.');
    const used = new Map<number, string>();
    for (const [field, column] of Object.entries(mapping)) {
      if (column >= state.csv.header.length) throw new ApiError('INVALID_INPUT', `${field} is mapped to column ${column + 1}, but the file has ${state.csv.header.length} columns.`);
      if (used.has(column)) throw new ApiError('INVALID_INPUT', `Column "${state.csv.header[column]}" is mapped to both ${used.get(column)} and ${field}.`);
      used.set(column, field);
    }
  }

  /** Each row's values through the mapping, with the admin's edits applied. */
  private sourceRows(state: ImportState): SourceRow[] {
    const mapping = state.mapping ?? {};
    return state.csv.rows.map((r) => {
      const values = Object.fromEntries(fields.map((f) => [f, mapping[f] === undefined ? '' : (r.cells[mapping[f]!] ?? '')])) as RowValues;
      const edits = state.edits.get(r.line);
      return { line: r.line, values: edits ? { ...values, ...edits } : values, edited: !!edits };
    });
  }

  /** A proposed extension becomes the row's value, so the run uses exactly what the admin saw. */
  private keepProposals(state: ImportState, rows: ValidatedRow[]): void {
    for (const row of rows) {
      if (!row.messages.some((m) => m.code.startsWith('extension-proposed'))) continue;
      state.edits.set(row.line, { ...state.edits.get(row.line), Extensions: row.values.Extensions });
    }
  }
}

/** Lines the parser could not read become invalid rows, so every line of the file has a result. */
function withUnreadable(state: ImportState, rows: ValidatedRow[]): ValidatedRow[] {
  if (state.csv.problems.length === 0) return rows;
  const empty = { Identity: '', Extensions: '', SIPResourceIdentifier: '', UMMailboxPolicy: '', PIN: '', PINExpired: '', NotifyEmail: '' };
  const unreadable: ValidatedRow[] = state.csv.problems.map((p) => ({ line: p.line, values: empty, status: 'invalid', messages: [{ code: 'row-unreadable', severity: 'error', params: { message: p.message } }], extensions: [], edited: false }));
  return [...rows, ...unreadable].sort((a, b) => a.line - b.line);
}

function overrideOf(state: ImportState): SipMismatchOverride {
  return { job: state.sipMismatch.job, lines: [...state.sipMismatch.lines].sort((a, b) => a - b) };
}

function countRows(rows: ValidatedRow[]): ValidationCounts {
  return {
    total: rows.length,
    ready: rows.filter((r) => r.status === 'ready').length,
    alreadyDone: rows.filter((r) => r.status === 'already-done').length,
    invalid: rows.filter((r) => r.status === 'invalid').length,
    warnings: rows.filter((r) => r.messages.some((m) => m.severity === 'warning')).length,
  };
}
