import { isJobFinished } from '@shared/models/jobs';
import { createHash, randomBytes } from 'node:crypto';
import type {
  EnablementColumnMapping,
  EnablementFieldName,
  EnablementJob,
  EnablementSession,
  ExportedFile,
  JobEndpoint,
  ImportSummary,
  ResumableJob,
  RowMessage,
  RowResult,
  RowValues,
  SipMismatchOverride,
  ValidatedRow,
  ValidationCounts,
  ValidationResult,
} from '@shared/models/enablement';
import { countResults } from '@shared/enablement/job-counts';
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
import { normalizeDn } from '@shared/dn';
import { EnableRights } from './validation/enable-rights';
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
  /** Whether the acting account may enable each user (asked of its Exchange session and the directory). */
  rights?: EnableRights;
  validated?: Map<number, ValidatedRow>;
  notices: RowMessage[];
  stats?: ValidationResult['stats'];
  /** The admin's override of the Lync SIP address check (never of Exchange's own rules). */
  sipMismatch: SipMismatchOverrides;
}

interface JobState {
  definition: JobDefinition;
  importId?: string;
  results: Map<number, RowResult>;
  /** Each line's validated row when the job started: a later run can tell which rows changed since. */
  checked?: Map<number, string>;
  /** The Exchange endpoints it uses (or used) and their state. */
  endpoints?: JobEndpoint[];
}

const MAX_IMPORTS = 5;

/**
 * Bulk UM enablement: import a CSV, validate every row against the directory in batched lookups,
 * let the admin fix cells, run Enable-UMMailbox as a journalled job, export per-row results.
 */
export class EnablementService {
  private readonly imports = new Map<string, ImportState>();
  private readonly jobs = new Map<string, JobState>();
  /** The import the screen works on: restored when the screen mounts again. */
  private current: string | undefined;

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
      csv = await importCsvOffThread(bytes, {
        ...(input.encoding ? { encoding: input.encoding } : {}),
        ...(input.delimiter ? { delimiter: input.delimiter } : {}),
      });
    } catch (error) {
      if (error instanceof CsvFormatError)
        throw new ApiError('CSV_INVALID', `${input.fileName}: ${error.message}`, error.line ? { line: error.line } : undefined);
      throw error;
    }
    const importId = `imp-${randomBytes(8).toString('hex')}`;
    const fileHash = createHash('sha256').update(bytes).digest('hex');
    const state: ImportState = {
      importId,
      fileName: input.fileName,
      fileHash,
      csv,
      cells: new Map(csv.rows.map((r) => [r.line, r.cells])),
      proposeExtensions: false,
      edits: new Map(),
      notices: [],
      sipMismatch: { job: false, lines: new Set() },
    };
    this.imports.set(importId, state);
    while (this.imports.size > MAX_IMPORTS) this.imports.delete(this.imports.keys().next().value!);
    this.current = importId;
    return this.summaryOf(state);
  }

  private summaryOf(state: ImportState): ImportSummary {
    const { csv } = state;
    const pinColumn = csv.columns.mapping.PIN;
    return {
      importId: state.importId,
      fileName: state.fileName,
      fileHash: state.fileHash,
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
      resumable: this.unfinished()
        .filter((j) => j.fileHash === state.fileHash)
        .map(({ fileHash: _hash, ...j }) => j),
    };
  }

  /**
   * The screen's import as main holds it — file, mapping, grid with edits, latest job — so the
   * screen comes back as it was left, a running or paused job included.
   */
  session(): EnablementSession | null {
    const state = this.current ? this.imports.get(this.current) : undefined;
    if (!state) return null;
    const latest = [...this.jobs.values()].filter((j) => j.importId === state.importId).at(-1);
    return {
      summary: this.summaryOf(state),
      mapping: state.mapping ?? state.csv.columns.mapping,
      ...(state.profile ? { profile: state.profile } : {}),
      proposeExtensions: state.proposeExtensions,
      ...(state.validated ? { validation: this.validationOf(state) } : {}),
      ...(latest ? { job: this.job(latest.definition.jobId) } : {}),
    };
  }

  private validationOf(state: ImportState): ValidationResult {
    const rows = [...state.validated!.values()];
    return {
      importId: state.importId,
      profile: state.profile!,
      rows,
      counts: countRows(rows),
      notices: state.notices,
      sipMismatchOverride: overrideOf(state),
      stats: state.stats ?? { ldapRoundTrips: 0, milliseconds: 0 },
    };
  }

  /**
   * Every job whose journal says it did not finish, newest first: the CLI resumes these from the
   * same file, and so can the screen. Jobs running or paused in this session are not listed.
   */
  unfinished(): Array<ResumableJob & { fileHash: string }> {
    return JobJournal.list(this.deps.dataDir)
      .filter((j) => j.finishedState !== 'completed' && j.results.size < j.definition.lines.length)
      .filter((j) => !this.isRunning(j.definition.jobId))
      .map((j) => {
        const held = [...this.imports.values()].reverse().find((i) => i.fileHash === j.definition.fileHash);
        return {
          jobId: j.definition.jobId,
          fileName: j.definition.fileName,
          fileHash: j.definition.fileHash,
          profile: j.definition.profile,
          createdAt: j.definition.createdAt,
          total: j.definition.lines.length,
          finished: j.results.size,
          inFlight: j.inFlight.size,
          dryRun: j.definition.dryRun,
          ...(held ? { importId: held.importId } : {}),
        };
      });
  }

  async validate(input: {
    importId: string;
    profile: string;
    mapping: EnablementColumnMapping;
    proposeExtensions: boolean;
    allowSipMismatch?: boolean;
  }): Promise<ValidationResult> {
    const state = this.importState(input.importId);
    this.checkMapping(state, input.mapping);
    const session = await this.deps.connections.ensure(input.profile);
    const topology = await this.deps.topology.get({ profiles: [input.profile], refresh: true });
    const forest = topology.forests.find((f) => f.profile === input.profile);
    const org = forest?.exchange;
    if (!org)
      throw new ApiError('NOT_FOUND', `The forest of profile ${input.profile} has no Exchange organisation; connect the forest where the mailboxes are.`);
    const started = Date.now();
    const before = session.stats.roundTrips;
    state.mapping = input.mapping;
    state.profile = input.profile;
    state.proposeExtensions = input.proposeExtensions;
    if (input.allowSipMismatch !== undefined) state.sipMismatch.job = input.allowSipMismatch;
    state.validator = new RowValidator(session, forest.domains, new OrgFacts(org), { proposeExtensions: input.proposeExtensions });
    state.rights = new EnableRights(session, this.deps.powershell, input.profile).start();
    this.current = state.importId;
    await this.check(state);
    state.stats = { ldapRoundTrips: session.stats.roundTrips - before, milliseconds: Date.now() - started };
    return this.validationOf(state);
  }

  async edit(input: {
    importId: string;
    edits?: Array<{ line: number; field: EnablementFieldName; value: string }>;
    sipMismatch?: { job?: boolean; rows?: Array<{ line: number; allow: boolean }> };
  }): Promise<{ rows: ValidatedRow[]; counts: ValidationCounts; notices: RowMessage[]; sipMismatchOverride: SipMismatchOverride }> {
    const state = this.importState(input.importId);
    if (!state.validator || !state.validated) throw new ApiError('CONFLICT', 'Validate the file before editing rows.');
    this.current = state.importId;
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

  /**
   * Validates every row of the import with its edits and overrides, then asks whether the acting
   * account may enable each user, and keeps the result. A row the account may not enable carries
   * that error beside any others; with no other error it is not-permitted, not invalid.
   */
  private async check(state: ImportState): Promise<ValidatedRow[]> {
    const outcome = await state.validator!.validate(this.sourceRows(state), state.sipMismatch);
    const candidates = outcome.rows.filter((r) => r.user && r.status !== 'already-done');
    const rights = await state.rights!.check(candidates.map((r) => r.user!.dn));
    const rows = withUnreadable(
      state,
      outcome.rows.map((row) => {
        const refusals = row.user && row.status !== 'already-done' ? rights.refusals.get(normalizeDn(row.user.dn)) : undefined;
        if (!refusals) return row;
        return { ...row, status: row.status === 'ready' ? 'not-permitted' : row.status, messages: [...row.messages, ...refusals] };
      }),
    );
    this.keepProposals(state, rows);
    state.validated = new Map(rows.map((r) => [r.line, r]));
    // The notices count ready rows: counted again once rows the account may not enable are no longer ready.
    state.notices = [...state.validator!.notices(rows), ...rights.notices];
    return rows;
  }

  /**
   * Starts (or resumes) a job over the validated rows. Rows that are not sent get their result at
   * once: invalid, not permitted, already done. `afterDryRun` runs for real what a dry run of the
   * same import checked: the rows it found would succeed and that have not changed since, plus
   * rows changed since that are ready now (edit re-checked them) — nothing is validated again.
   */
  async start(input: {
    importId: string;
    dryRun: boolean;
    concurrency: number;
    lines?: number[];
    resumeJobId?: string;
    afterDryRun?: string;
  }): Promise<EnablementJob> {
    const state = this.importState(input.importId);
    this.current = state.importId;
    let definition: JobDefinition;
    let finished: RowResult[] = [];
    let inFlight = new Set<number>();
    if (input.resumeJobId) {
      const journal = JobJournal.read(this.deps.dataDir, input.resumeJobId);
      if (!journal) throw new ApiError('NOT_FOUND', `There is no journal for job ${input.resumeJobId}.`);
      if (journal.definition.fileHash !== state.fileHash)
        throw new ApiError('CONFLICT', `Job ${input.resumeJobId} ran a different file (${journal.definition.fileName}); import that file to resume it.`);
      if (this.isRunning(input.resumeJobId)) throw new ApiError('CONFLICT', `Job ${input.resumeJobId} is still running or paused in this session.`);
      definition = journal.definition;
      // The job's own mapping, edits and profile, then a fresh look at the directory.
      state.edits = new Map();
      for (const e of definition.edits) state.edits.set(e.line, { ...state.edits.get(e.line), [e.field]: e.value });
      // The override the job ran with, as its journal recorded it.
      state.sipMismatch = { job: definition.sipMismatchOverride?.job ?? false, lines: new Set(definition.sipMismatchOverride?.lines ?? []) };
      await this.validate({
        importId: state.importId,
        profile: definition.profile,
        mapping: definition.mapping,
        proposeExtensions: definition.proposeExtensions,
      });
      finished = [...journal.results.values()];
      inFlight = journal.inFlight;
    } else {
      if (!state.validated || !state.profile || !state.mapping) throw new ApiError('CONFLICT', 'Validate the file before running it.');
      const lines = input.afterDryRun ? this.linesAfterDryRun(state, input.afterDryRun) : this.chosenLines(state, input.lines);
      if (lines.length === 0)
        throw new ApiError('INVALID_INPUT', input.afterDryRun ? 'No row of the dry run is ready to run.' : 'None of the chosen lines is in the file.');
      const session = await this.deps.connections.ensure(state.profile);
      definition = {
        jobId: `enable-${randomBytes(6).toString('hex')}`,
        createdAt: new Date().toISOString(),
        fileName: state.fileName,
        fileHash: state.fileHash,
        profile: state.profile,
        actor: session.identity,
        mapping: state.mapping,
        encoding: state.csv.encoding,
        delimiter: state.csv.delimiter,
        dryRun: input.dryRun,
        concurrency: input.concurrency,
        proposeExtensions: state.proposeExtensions,
        lines,
        edits: [...state.edits.entries()].flatMap(([line, values]) =>
          Object.entries(values)
            .filter(([field]) => field !== 'PIN')
            .map(([field, value]) => ({ line, field: field as Exclude<EnablementFieldName, 'PIN'>, value: value as string })),
        ),
        pinEditedLines: [...state.edits.entries()].filter(([, v]) => v.PIN !== undefined).map(([line]) => line),
        sipMismatchOverride: { job: state.sipMismatch.job, lines: lines.filter((l) => state.sipMismatch.lines.has(l)) },
      };
    }
    // Within the sessions Exchange allows the account on the profile's endpoints [S44].
    const endpoints = this.deps.powershell.exchangeEndpoints(definition.profile);
    const budget = endpoints.reduce((sum, e) => sum + e.budget, 0);
    if (endpoints.length === 0)
      throw new ApiError('POWERSHELL_UNAVAILABLE', `Profile ${definition.profile} has no Exchange PowerShell endpoint. Add one in Settings.`);
    if (!input.resumeJobId && definition.concurrency > budget)
      throw new ApiError(
        'INVALID_INPUT',
        `Concurrency ${definition.concurrency} is more than the ${budget} sessions profile ${definition.profile}'s Exchange endpoints allow (${endpoints.map((e) => `${e.server}: ${e.budget}`).join(', ') || 'none'}).`,
      );
    const session = await this.deps.connections.ensure(definition.profile);
    const journal = input.resumeJobId ? JobJournal.reopen(this.deps.dataDir, definition.jobId) : JobJournal.create(this.deps.dataDir, definition);
    const job: JobState = {
      definition,
      importId: state.importId,
      results: new Map(finished.map((r) => [r.line, r])),
      checked: new Map(definition.lines.map((line) => [line, JSON.stringify(state.validated!.get(line))])),
    };
    this.jobs.delete(definition.jobId);
    this.jobs.set(definition.jobId, job);

    const toRun: RunRow[] = [];
    const source = new Map(this.sourceRows(state).map((r) => [r.line, r]));
    const file = new Map(this.sourceRows(state, false).map((r) => [r.line, r.values]));
    for (const line of definition.lines) {
      if (job.results.has(line)) continue;
      const row = state.validated!.get(line)!;
      const values = source.get(line)?.values ?? row.values;
      // The row as it is run or judged: the validated values are what Enable-UMMailbox is sent.
      const asRun: RowValues = { ...row.values, UMMailboxPolicy: values.UMMailboxPolicy.trim(), NotifyEmail: values.NotifyEmail.trim() };
      const inFile = differences(file.get(line), asRun);
      const immediate = (outcome: RowResult['outcome'], messages: string[]) => {
        const result: RowResult = {
          line,
          identity: values.Identity,
          outcome,
          messages,
          attempts: 0,
          at: new Date().toISOString(),
          values: asRun,
          ...(row.user ? { userDn: row.user.dn } : {}),
          ...(Object.keys(inFile).length ? { inFile } : {}),
        };
        journal.ended(result);
        job.results.set(line, result);
      };
      const errors = row.messages.filter((m) => m.severity === 'error').map((m) => rowMessageText(m));
      if (input.resumeJobId && definition.pinEditedLines.includes(line)) immediate('failed', [rowMessageText({ code: 'pin-not-kept', params: {} })]);
      else if (row.status === 'invalid') immediate('invalid', errors);
      else if (row.status === 'not-permitted') immediate('not-permitted', errors);
      else if (row.status === 'already-done' && inFlight.has(line)) immediate('enabled', ['Enabled before the interruption; confirmed in the directory.']);
      else if (row.status === 'already-done')
        immediate(
          'already-done',
          row.messages.map((m) => rowMessageText(m)),
        );
      else {
        // What validation showed is what is sent: normalised extensions and identifier; the PIN from the file or the edit (memory only).
        const overridden = row.messages.find((m) => m.overridden)?.overridden;
        toRun.push({
          line,
          identity: values.Identity,
          values: asRun,
          inFile,
          userDn: row.user!.dn,
          policy: asRun.UMMailboxPolicy,
          policyDn: row.policyDn ?? '',
          extensions: splitExtensions(asRun.Extensions),
          sri: asRun.SIPResourceIdentifier,
          pin: values.PIN,
          pinExpired: asRun.PINExpired,
          notifyEmail: asRun.NotifyEmail,
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
            {
              jobId: definition.jobId,
              profile: definition.profile,
              actor: session.identity,
              dryRun: definition.dryRun,
              concurrency: definition.concurrency,
              finished: [...job.results.values()],
              total: definition.lines.length,
              onResult: (r) => job.results.set(r.line, r),
              onEndpoints: (e) => (job.endpoints = e),
            },
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

  /** The validated lines a run takes: the chosen ones, or every line of the file. */
  private chosenLines(state: ImportState, chosen: number[] | undefined): number[] {
    const wanted = chosen ? new Set(chosen) : undefined;
    return [...state.validated!.keys()].filter((line) => (wanted ? wanted.has(line) : true));
  }

  /** The lines a real run after this dry run would take (start's afterDryRun), for the confirmation. */
  afterDryRun(input: { importId: string; jobId: string }): number[] {
    const state = this.importState(input.importId);
    if (!state.validated) throw new ApiError('CONFLICT', 'Validate the file before running it.');
    return this.linesAfterDryRun(state, input.jobId);
  }

  /** A dry run's lines that a real run should take: passed and unchanged since, or changed since and ready now. */
  private linesAfterDryRun(state: ImportState, jobId: string): number[] {
    const dry = this.jobs.get(jobId);
    if (!dry || dry.importId !== state.importId || !dry.definition.dryRun)
      throw new ApiError('CONFLICT', `Job ${jobId} is not a dry run of this file in this session; validate and run again.`);
    if (this.isRunning(jobId)) throw new ApiError('CONFLICT', 'The dry run has not finished.');
    return dry.definition.lines.filter((line) => {
      const row = state.validated!.get(line);
      if (row?.status !== 'ready') return false;
      const unchanged = dry.checked?.get(line) === JSON.stringify(row);
      return unchanged ? dry.results.get(line)?.outcome === 'validated' : true;
    });
  }

  job(jobId: string): EnablementJob {
    const job = this.jobs.get(jobId) ?? this.loadJob(jobId);
    const progress = this.safeProgress(jobId, job);
    return {
      jobId,
      ...(job.importId ? { importId: job.importId } : {}),
      fileName: job.definition.fileName,
      profile: job.definition.profile,
      ...(job.definition.actor ? { actor: job.definition.actor } : {}),
      dryRun: job.definition.dryRun,
      concurrency: job.definition.concurrency,
      ...(job.definition.sipMismatchOverride ? { sipMismatchOverride: job.definition.sipMismatchOverride } : {}),
      progress,
      counts: countResults([...job.results.values()], job.definition.lines.length),
      results: [...job.results.values()].sort((a, b) => a.line - b.line),
      ...(job.endpoints ? { endpoints: job.endpoints } : {}),
    };
  }

  export(jobId: string, format: 'csv' | 'json'): ExportedFile {
    const job = this.jobs.get(jobId) ?? this.loadJob(jobId);
    const state = job.importId ? this.imports.get(job.importId) : [...this.imports.values()].find((i) => i.fileHash === job.definition.fileHash);
    // The mapping the job ran with; the file's own columns when it is still held.
    const source: ExportSource = { mapping: job.definition.mapping, ...(state ? { header: state.csv.header, cells: state.cells } : {}) };
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

  private isRunning(jobId: string): boolean {
    try {
      return !isJobFinished(this.deps.jobManager.get(jobId).state);
    } catch {
      return false;
    }
  }

  private safeProgress(jobId: string, job: JobState): EnablementJob['progress'] {
    try {
      return this.deps.jobManager.get(jobId);
    } catch {
      const failed = [...job.results.values()].filter((r) => r.outcome === 'failed').length;
      return {
        jobId,
        kind: 'enablement',
        title: job.definition.fileName,
        state: 'cancelled',
        total: job.definition.lines.length,
        done: job.results.size - failed,
        failed,
        startedAt: job.definition.createdAt,
        message: 'Not running in this session; import the same file to resume it.',
      };
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
    if (mapping.UMMailboxPolicy === undefined)
      throw new ApiError('INVALID_INPUT', 'Map a column to UMMailboxPolicy: Enable-UMMailbox needs a UM mailbox policy for each row.');
    const used = new Map<number, string>();
    for (const [field, column] of Object.entries(mapping)) {
      if (column >= state.csv.header.length)
        throw new ApiError('INVALID_INPUT', `${field} is mapped to column ${column + 1}, but the file has ${state.csv.header.length} columns.`);
      if (used.has(column)) throw new ApiError('INVALID_INPUT', `Column "${state.csv.header[column]}" is mapped to both ${used.get(column)} and ${field}.`);
      used.set(column, field);
    }
  }

  /** Each row's values through the mapping, with the admin's edits applied (or as the file has them). */
  private sourceRows(state: ImportState, withEdits = true): SourceRow[] {
    const mapping = state.mapping ?? {};
    return state.csv.rows.map((r) => {
      const values = Object.fromEntries(fields.map((f) => [f, mapping[f] === undefined ? '' : (r.cells[mapping[f]!] ?? '')])) as RowValues;
      const edits = withEdits ? state.edits.get(r.line) : undefined;
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
  const unreadable: ValidatedRow[] = state.csv.problems.map((p) => ({
    line: p.line,
    values: empty,
    status: 'invalid',
    messages: [{ code: 'row-unreadable', severity: 'error', params: { message: p.message } }],
    extensions: [],
    edited: false,
  }));
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
    notPermitted: rows.filter((r) => r.status === 'not-permitted').length,
    warnings: rows.filter((r) => r.messages.some((m) => m.severity === 'warning')).length,
  };
}

/**
 * The file's values that differ from the row as it was run, PIN excluded: an edit, a proposed
 * extension, a `sip:` the console removed. The export shows each beside the value used.
 */
function differences(file: RowValues | undefined, used: RowValues): Partial<RowValues> {
  if (!file) return {};
  return Object.fromEntries(fields.filter((f) => f !== 'PIN' && file[f] !== used[f]).map((f) => [f, file[f]]));
}
