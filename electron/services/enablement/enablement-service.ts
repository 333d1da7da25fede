import { createHash, randomBytes } from 'node:crypto';
import type {
  BulkOperation,
  EnablementColumnMapping,
  EnablementFieldName,
  EnablementJob,
  EnablementSession,
  ExportedFile,
  JobEndpoint,
  ImportSummary,
  ResumableJob,
  RowFilter,
  RowMessage,
  RowResult,
  RowsPage,
  RowValues,
  SipMismatchOverride,
  ValidatedRow,
  ValidationCounts,
  ValidationResult,
  ValidationStatus,
} from '@shared/models/enablement';
import { onlyLyncCheckStands } from '@shared/enablement/lync-check';
import { doneOutcome, operationFields } from '@shared/enablement/operations';
import { bulkFieldSchema, emptyRowValues } from '@shared/models/enablement';
import { countResults } from '@shared/enablement/job-counts';
import { rowMessageText } from '@shared/enablement/row-message-text';
import { ApiError } from '@shared/errors';
import type { AuditLog } from '../audit/audit-log';
import type { EventBus } from '../core/event-bus';
import type { Logger } from '../core/logger';
import type { ConnectionManager } from '../directory/connection-manager';
import type { JobManager } from '../jobs/job-manager';
import type { PowerShellService } from '../powershell/powershell-service';
import type { TopologyService } from '../topology/topology-service';
import { readExchangeFacts } from '../topology/forest-reader';
import { CsvFormatError } from './csv/csv-format-error';
import type { CsvImport } from './csv/import-csv';
import type { CsvRow } from './csv/parse-csv';
import { importCsvOffThread } from './csv/import-csv-off-thread';
import { doneBeforeInterruption, runEnablement, type RunRow } from './job/enablement-runner';
import { operationOf } from './operations/operations';
import { asRunValues, runRowOf } from './operations/operation';
import { JobJournal, type JobDefinition } from './job/job-journal';
import { startJournalledJob } from './job/journalled-job';
import { resultsToCsv, resultsToJson, type ExportSource } from './results-export';
import { EnableRights } from './validation/enable-rights';
import { FileValidation } from './validation/file-validation';
import { maskPin, OrgFacts, RowValidator, type SipMismatchOverrides, type SourceRow } from './validation/row-validator';

const fields = bulkFieldSchema.options;

/** An imported file, held in memory while the admin maps, validates, edits and runs it. */
interface ImportState {
  importId: string;
  fileName: string;
  fileHash: string;
  csv: CsvImport;
  cells: Map<number, string[]>;
  /** Every line with a row or a problem, in file order: the grid's order. */
  lines: number[];
  mapping?: EnablementColumnMapping;
  profile?: string;
  /** What the rows are validated and run for. */
  operation: BulkOperation;
  proposeExtensions: boolean;
  edits: Map<number, Partial<RowValues>>;
  validator?: RowValidator;
  /** The validated rows, kept current as cells are edited; `validated` is its rows. */
  file?: FileValidation;
  validated?: Map<number, ValidatedRow>;
  /** The validation in progress or last run. */
  pass?: ValidationPass;
  stats?: ValidationStatus['stats'];
  /** The admin's override of the Lync SIP address check (never of Exchange's own rules). */
  sipMismatch: SipMismatchOverrides;
  /** The revision of the last status given (ValidationStatus.revision). */
  statusRevision: number;
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

interface ValidateInput {
  importId: string;
  profile: string;
  mapping: EnablementColumnMapping;
  /** Enable unless given. */
  operation?: BulkOperation;
  proposeExtensions: boolean;
  allowSipMismatch?: boolean;
}

/** A validation of one import, a chunk at a time, in the background. */
interface ValidationPass {
  state: ValidationStatus['state'];
  /** Why it failed. */
  failure?: unknown;
  validated: number;
  cancel: boolean;
  /** Settles when the first chunk is validated (or the pass ended before). */
  firstRows: Promise<void>;
  /** Settles when the pass ends, however it ends. */
  ended: Promise<void>;
}

const MAX_IMPORTS = 5;

/**
 * Rows per chunk of a validation: the first is the grid's first page, so it shows at once; the
 * others are large enough that batched lookups stay few (100 identities or addresses per search).
 */
const FIRST_CHUNK = 100;
const CHUNK = 2_000;

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
      bus: EventBus;
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
      lines: [...csv.rows.map((r) => r.line), ...csv.problems.map((p) => p.line)].sort((a, b) => a - b),
      operation: 'enable',
      proposeExtensions: false,
      edits: new Map(),
      sipMismatch: { job: false, lines: new Set() },
      statusRevision: 0,
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
      operation: state.operation,
      proposeExtensions: state.proposeExtensions,
      ...(state.pass ? { validation: this.statusOf(state) } : {}),
      ...(latest ? { job: this.job(latest.definition.jobId) } : {}),
    };
  }

  private statusOf(state: ImportState): ValidationStatus {
    const pass = state.pass!;
    const rows = state.validated!.values();
    return {
      importId: state.importId,
      profile: state.profile!,
      operation: state.operation,
      state: pass.state,
      ...(pass.state === 'failed' ? { error: errorText(pass.failure) } : {}),
      validated: pass.validated,
      total: state.csv.rows.length + state.csv.problems.length,
      ...countRows(rows),
      notices: state.file!.notices(),
      sipMismatchOverride: overrideOf(state),
      stats: state.stats ?? { ldapRoundTrips: 0, milliseconds: 0 },
      // Each status is read when it is given, so the later one is the newer.
      revision: ++state.statusRevision,
    };
  }

  /**
   * Every job whose journal says it did not finish, newest first: the CLI resumes these from the
   * same file, and so can the screen. Jobs running or paused in this session are not listed.
   */
  unfinished(): Array<ResumableJob & { fileHash: string }> {
    return JobJournal.list(this.deps.dataDir)
      .filter((j) => j.finishedState !== 'completed' && j.results.size < j.definition.lines.length)
      .filter((j) => !this.deps.jobManager.isRunning(j.definition.jobId))
      .map((j) => {
        const held = [...this.imports.values()].reverse().find((i) => i.fileHash === j.definition.fileHash);
        return {
          jobId: j.definition.jobId,
          fileName: j.definition.fileName,
          fileHash: j.definition.fileHash,
          profile: j.definition.profile,
          operation: j.definition.operation ?? 'enable',
          createdAt: j.definition.createdAt,
          total: j.definition.lines.length,
          finished: j.results.size,
          inFlight: j.inFlight.size,
          dryRun: j.definition.dryRun,
          ...(held ? { importId: held.importId } : {}),
          ...(j.definition.rollbackOf ? { rollbackOf: j.definition.rollbackOf } : {}),
        };
      });
  }

  /** Validates every row and answers when all are (the CLI, a resumed job, tests): the rows come with the answer. */
  async validate(input: ValidateInput): Promise<ValidationResult> {
    const status = await this.startValidation(input, 'done');
    return { ...status, rows: [...this.importState(input.importId).validated!.values()] };
  }

  /**
   * Starts validating the file a chunk at a time in the background, and answers once the first
   * rows are validated or once all are. After each chunk an `enablement.validation` event says
   * how far it got; the rows are read a page at a time (rows()). A validation of the same import
   * still running is cancelled first. Whatever fails before the first rows is the answer's error.
   */
  async startValidation(input: ValidateInput, until: 'first-rows' | 'done'): Promise<ValidationStatus> {
    const state = this.importState(input.importId);
    const operation = input.operation ?? 'enable';
    // The columns of fields the operation does not read are carried through like any other.
    const mapping = readMapping(input.mapping, operation);
    this.checkMapping(state, mapping, operation);
    if (state.pass?.state === 'running') {
      state.pass.cancel = true;
      await state.pass.ended;
    }
    const session = await this.deps.connections.ensure(input.profile);
    // Opening the Exchange session takes seconds: it opens while the organisation is read and the first rows are looked up.
    const rights = new EnableRights(session, this.deps.powershell, input.profile, operationOf(operation).exchangeCmdlets).start();
    // Read afresh, as rules: not the topology, whose dial plans' user counts and Lync shell reads
    // would hold the first rows back by seconds on a large estate.
    const forest = await readExchangeFacts(session);
    const org = forest.exchange;
    if (!org)
      throw new ApiError('NOT_FOUND', `The forest of profile ${input.profile} has no Exchange organisation; connect the forest where the mailboxes are.`);
    const started = Date.now();
    const before = session.stats.roundTrips;
    state.mapping = mapping;
    state.profile = input.profile;
    state.operation = operation;
    state.proposeExtensions = input.proposeExtensions;
    if (input.allowSipMismatch !== undefined) state.sipMismatch.job = input.allowSipMismatch;
    state.validator = new RowValidator(session, forest.domains, new OrgFacts(org), { proposeExtensions: input.proposeExtensions }, operationOf(operation));
    state.file = new FileValidation(state.validator, rights);
    state.validated = state.file.rows;
    this.current = state.importId;

    let firstRows = () => {};
    let ended = () => {};
    const pass: ValidationPass = {
      state: 'running',
      validated: 0,
      cancel: false,
      firstRows: new Promise((resolve) => (firstRows = resolve)),
      ended: new Promise((resolve) => (ended = resolve)),
    };
    state.pass = pass;
    const file = state.file;
    const progress = () => {
      state.stats = { ldapRoundTrips: session.stats.roundTrips - before, milliseconds: Date.now() - started };
      if (state.pass === pass) this.deps.bus.emit('enablement.validation', this.statusOf(state));
    };
    const run = async () => {
      for (const problem of state.csv.problems) file.addInvalid(unreadableRow(problem));
      pass.validated = state.csv.problems.length;
      const rows = state.csv.rows;
      for (let i = 0, size = FIRST_CHUNK; i < rows.length && !pass.cancel; i += size, size = CHUNK) {
        const chunk = rows.slice(i, i + size).map((r) => this.sourceRow(state, r));
        // The first rows wait neither for the Exchange session to open (seconds) nor for the
        // account's write rights: they show with its rights "being checked", judged again after.
        await file.check(chunk, state.sipMismatch, undefined, { wait: i > 0 });
        if (i > 0) await file.settleRights();
        this.keepProposals(state, chunk);
        pass.validated += chunk.length;
        progress();
        firstRows();
        // Let other calls and events through between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!pass.cancel) await file.settleRights();
      pass.state = pass.cancel ? 'cancelled' : 'done';
    };
    const whole = run()
      .catch((error: unknown) => {
        pass.state = 'failed';
        pass.failure = error;
        this.deps.logger.warn(`Validation of ${state.fileName} failed: ${errorText(error)}`);
      })
      .finally(() => {
        progress();
        firstRows();
        ended();
      });
    await (until === 'done' ? whole : pass.firstRows);
    // It failed before the answer was due: the caller gets the error itself.
    if (pass.state === 'failed' && (until === 'done' || pass.validated === state.csv.problems.length)) throw pass.failure;
    return this.statusOf(state);
  }

  /** Where the validation of an import stands. */
  validation(importId: string): ValidationStatus {
    const state = this.importState(importId);
    if (!state.pass) throw new ApiError('CONFLICT', 'This file has not been validated yet.');
    return this.statusOf(state);
  }

  /** Stops a running validation after the chunk in hand; what was validated stays. */
  async cancelValidation(importId: string): Promise<ValidationStatus> {
    const state = this.importState(importId);
    if (!state.pass) throw new ApiError('CONFLICT', 'This file has not been validated yet.');
    state.pass.cancel = true;
    await state.pass.ended;
    return this.statusOf(state);
  }

  /** A page of the rows validated so far, in file order, that match the filter; `total` counts them all. */
  rows(input: { importId: string; offset: number; limit: number; filter: RowFilter }): RowsPage {
    const state = this.importState(input.importId);
    if (!state.validated) throw new ApiError('CONFLICT', 'Validate the file before reading its rows.');
    const latest = input.filter === 'failed' ? [...this.jobs.values()].filter((j) => j.importId === state.importId).at(-1) : undefined;
    const matches = (row: ValidatedRow) =>
      input.filter === 'all' ||
      (input.filter === 'warnings'
        ? row.messages.some((m) => m.severity === 'warning')
        : input.filter === 'failed'
          ? latest?.results.get(row.line)?.outcome === 'failed'
          : row.status === input.filter);
    const rows: ValidatedRow[] = [];
    let total = 0;
    for (const line of state.lines) {
      const row = state.validated.get(line);
      if (!row || !matches(row)) continue;
      if (total >= input.offset && rows.length < input.limit) rows.push(row);
      total++;
    }
    return { rows, total };
  }

  /**
   * Changes cells or the Lync SIP address override and re-checks only the rows that can change:
   * the edited rows, the rows they shared a user or an address with (before or after the edit),
   * every row when the override for the whole job changes. Answers with the rows whose result
   * changed, the edited ones always.
   */
  async edit(input: {
    importId: string;
    edits?: Array<{ line: number; field: EnablementFieldName; value: string }>;
    sipMismatch?: { job?: boolean; rows?: Array<{ line: number; allow: boolean }> };
  }): Promise<{ rows: ValidatedRow[]; counts: ValidationCounts; lyncCheckOnly: number; notices: RowMessage[]; sipMismatchOverride: SipMismatchOverride }> {
    const state = this.importState(input.importId);
    if (!state.validator || !state.file || !state.pass) throw new ApiError('CONFLICT', 'Validate the file before editing rows.');
    if (state.pass.state === 'running')
      throw new ApiError('CONFLICT', 'Validation is still running: wait until every row is validated, or cancel it, before editing rows.');
    if (state.pass.state !== 'done') throw new ApiError('CONFLICT', 'Validation did not finish: validate the file again before editing rows.');
    this.current = state.importId;
    const edits = input.edits ?? [];
    for (const line of [...edits.map((e) => e.line), ...(input.sipMismatch?.rows ?? []).map((r) => r.line)]) {
      if (!state.cells.has(line)) throw new ApiError('NOT_FOUND', `There is no row at line ${line}.`);
    }
    for (const edit of edits) {
      state.edits.set(edit.line, { ...state.edits.get(edit.line), [edit.field]: edit.value });
      if (edit.field === 'Identity') state.validator.forgetUsers([edit.value]);
    }
    const everyRow = input.sipMismatch?.job !== undefined && input.sipMismatch.job !== state.sipMismatch.job;
    if (input.sipMismatch?.job !== undefined) state.sipMismatch.job = input.sipMismatch.job;
    for (const { line, allow } of input.sipMismatch?.rows ?? []) {
      if (allow) state.sipMismatch.lines.add(line);
      else state.sipMismatch.lines.delete(line);
    }
    const lines = new Set([...edits.map((e) => e.line), ...(input.sipMismatch?.rows ?? []).map((r) => r.line)]);
    const source = everyRow
      ? state.csv.rows.map((r) => this.sourceRow(state, r))
      : [...lines].map((line) => this.sourceRow(state, { line, cells: state.cells.get(line)! }));
    const changed = await state.file.check(source, state.sipMismatch, lines);
    this.keepProposals(state, source);
    const rows = [...changed].sort((a, b) => a - b).map((line) => state.validated!.get(line)!);
    return { rows, ...countRows(state.validated!.values()), notices: state.file.notices(), sipMismatchOverride: overrideOf(state) };
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
      if (this.deps.jobManager.isRunning(input.resumeJobId))
        throw new ApiError('CONFLICT', `Job ${input.resumeJobId} is still running or paused in this session.`);
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
        operation: definition.operation ?? 'enable',
        proposeExtensions: definition.proposeExtensions,
      });
      finished = [...journal.results.values()];
      inFlight = journal.inFlight;
    } else {
      if (!state.validated || !state.profile || !state.mapping) throw new ApiError('CONFLICT', 'Validate the file before running it.');
      if (state.pass?.state !== 'done') throw new ApiError('CONFLICT', 'Validation has not finished: a job starts once every row is validated.');
      const lines = input.afterDryRun ? this.linesAfterDryRun(state, input.afterDryRun) : this.chosenLines(state, input.lines);
      if (lines.length === 0)
        throw new ApiError('INVALID_INPUT', input.afterDryRun ? 'No row of the dry run is ready to run.' : 'None of the chosen lines is in the file.');
      const session = await this.deps.connections.ensure(state.profile);
      definition = {
        jobId: `${state.operation}-${randomBytes(6).toString('hex')}`,
        createdAt: new Date().toISOString(),
        fileName: state.fileName,
        fileHash: state.fileHash,
        profile: state.profile,
        ...(state.operation !== 'enable' ? { operation: state.operation } : {}),
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
    const operation = operationOf(definition.operation);
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
      const asRun = asRunValues(row, values);
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
          ...(row.before ? { before: row.before } : {}),
        };
        journal.ended(result);
        job.results.set(line, result);
      };
      const errors = row.messages.filter((m) => m.severity === 'error').map((m) => rowMessageText(m));
      if (input.resumeJobId && definition.pinEditedLines.includes(line)) immediate('failed', [rowMessageText({ code: 'pin-not-kept', params: {} })]);
      else if (row.status === 'invalid') immediate('invalid', errors);
      else if (row.status === 'not-permitted') immediate('not-permitted', errors);
      else if (row.status === 'already-done' && inFlight.has(line)) immediate(doneOutcome(operation.name), [doneBeforeInterruption(operation)]);
      else if (row.status === 'already-done')
        immediate(
          'already-done',
          row.messages.map((m) => rowMessageText(m)),
        );
      else {
        // The PIN from the file or the edit (memory only).
        toRun.push(runRowOf(row, asRun, { identity: values.Identity, inFile, pin: values.PIN, recheckFirst: inFlight.has(line) }));
      }
    }
    const title = `${definition.dryRun ? 'Dry run' : operation.name === 'enable' ? 'Enable UM' : `Bulk ${operation.name}`}: ${definition.fileName}`;
    startJournalledJob(
      this.deps.jobManager,
      journal,
      title,
      (ctx) =>
        runEnablement(
          toRun,
          { powershell: this.deps.powershell, connections: this.deps.connections, audit: this.deps.audit, journal, log: (m) => this.deps.logger.info(m) },
          {
            jobId: definition.jobId,
            operation,
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
        ),
      // The dial plans' counts of UM-enabled users changed: the topology reads them again.
      () => !definition.dryRun && this.deps.topology.invalidate(`bulk job ${definition.jobId}`),
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
    if (this.deps.jobManager.isRunning(jobId)) throw new ApiError('CONFLICT', 'The dry run has not finished.');
    return dry.definition.lines.filter((line) => {
      const row = state.validated!.get(line);
      if (row?.status !== 'ready') return false;
      const unchanged = dry.checked?.get(line) === JSON.stringify(row);
      return unchanged ? dry.results.get(line)?.outcome === 'validated' : true;
    });
  }

  /** A job another service runs over this journal (a rollback): shown, read and exported like this service's own. */
  track(definition: JobDefinition, results: Map<number, RowResult>): void {
    this.jobs.delete(definition.jobId);
    this.jobs.set(definition.jobId, { definition, results });
  }

  job(jobId: string): EnablementJob {
    const job = this.jobs.get(jobId) ?? this.loadJob(jobId);
    const progress = this.safeProgress(jobId, job);
    return {
      jobId,
      ...(job.importId ? { importId: job.importId } : {}),
      fileName: job.definition.fileName,
      profile: job.definition.profile,
      operation: job.definition.operation ?? 'enable',
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
    const source: ExportSource = {
      mapping: job.definition.mapping,
      ...(job.definition.operation ? { operation: job.definition.operation } : {}),
      ...(state ? { header: state.csv.header, cells: state.cells } : {}),
    };
    const results = [...job.results.values()];
    // The file is named after the operation, so a disable's results are not taken for an enable's.
    const operation = job.definition.operation ?? 'enable';
    const base = `${job.definition.fileName.replace(/\.[^.]+$/, '')}${operation === 'enable' ? '' : `-${operation}`}`;
    return format === 'csv'
      ? { fileName: `${base}-results.csv`, mimeType: 'text/csv;charset=utf-8', content: resultsToCsv(source, results, state?.validated) }
      : { fileName: `${base}-results.json`, mimeType: 'application/json', content: resultsToJson(source, results, state?.validated) };
  }

  /** Waits for a job to end (CLI, tests). */
  async wait(jobId: string): Promise<EnablementJob> {
    await this.deps.jobManager.wait(jobId);
    return this.job(jobId);
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

  private checkMapping(state: ImportState, mapping: EnablementColumnMapping, operation: BulkOperation): void {
    const { required, cmdlets } = operationFields[operation];
    if (mapping.Identity === undefined) throw new ApiError('INVALID_INPUT', 'Map a column to Identity: the console needs to know which user each row is.');
    for (const field of required.filter((f) => mapping[f] === undefined))
      throw new ApiError(
        'INVALID_INPUT',
        field === 'UMMailboxPolicy'
          ? `Map a column to UMMailboxPolicy: ${cmdlets} needs a UM mailbox policy for each row.`
          : `Map a column to ${field}: ${cmdlets} needs it for each row.`,
      );
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
    return state.csv.rows.map((r) => this.sourceRow(state, r, withEdits));
  }

  private sourceRow(state: ImportState, row: Pick<CsvRow, 'line' | 'cells'>, withEdits = true): SourceRow {
    const mapping = state.mapping ?? {};
    const values = Object.fromEntries(fields.map((f) => [f, mapping[f] === undefined ? '' : (row.cells[mapping[f]!] ?? '')])) as RowValues;
    const edits = withEdits ? state.edits.get(row.line) : undefined;
    return { line: row.line, values: edits ? { ...values, ...edits } : values, edited: !!edits };
  }

  /** A proposed extension becomes the row's value, so the run uses exactly what the admin saw. */
  private keepProposals(state: ImportState, checked: SourceRow[]): void {
    for (const { line } of checked) {
      const row = state.validated!.get(line)!;
      if (!row.messages.some((m) => m.code.startsWith('extension-proposed'))) continue;
      state.edits.set(row.line, { ...state.edits.get(row.line), Extensions: row.values.Extensions });
    }
  }
}

/** The mapping of the fields an operation reads. */
function readMapping(mapping: EnablementColumnMapping, operation: BulkOperation): EnablementColumnMapping {
  return Object.fromEntries(Object.entries(mapping).filter(([field]) => operationFields[operation].fields.includes(field as EnablementFieldName)));
}

/** A line the parser could not read becomes an invalid row, so every line of the file has a result. */
function unreadableRow(problem: { line: number; message: string }): ValidatedRow {
  return {
    line: problem.line,
    values: emptyRowValues(),
    status: 'invalid',
    messages: [{ code: 'row-unreadable', severity: 'error', params: { message: problem.message } }],
    extensions: [],
    edited: false,
  };
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function overrideOf(state: ImportState): SipMismatchOverride {
  return { job: state.sipMismatch.job, lines: [...state.sipMismatch.lines].sort((a, b) => a - b) };
}

/** The rows by status, in one pass (no copy of them), and those only the Lync SIP address check holds back. */
function countRows(rows: Iterable<ValidatedRow>): { counts: ValidationCounts; lyncCheckOnly: number } {
  const counts: ValidationCounts = { total: 0, ready: 0, alreadyDone: 0, invalid: 0, notPermitted: 0, warnings: 0 };
  let lyncCheckOnly = 0;
  for (const row of rows) {
    counts.total++;
    if (row.status === 'ready') counts.ready++;
    else if (row.status === 'already-done') counts.alreadyDone++;
    else if (row.status === 'invalid') counts.invalid++;
    else counts.notPermitted++;
    if (row.messages.some((m) => m.severity === 'warning')) counts.warnings++;
    if (onlyLyncCheckStands(row)) lyncCheckOnly++;
  }
  return { counts, lyncCheckOnly };
}

/**
 * The file's values that differ from the row as it was run, PIN excluded: an edit, a proposed
 * extension, a `sip:` the console removed. The export shows each beside the value used.
 */
function differences(file: RowValues | undefined, used: RowValues): Partial<RowValues> {
  if (!file) return {};
  return Object.fromEntries(fields.filter((f) => f !== 'PIN' && file[f] !== used[f]).map((f) => [f, file[f]]));
}
