import { z } from 'zod';
import { jobProgressSchema } from './jobs';
import { uriTypeSchema } from './topology';

/** The Enable-UMMailbox parameters a CSV column can feed. */
export const enablementFieldSchema = z.enum(['Identity', 'Extensions', 'SIPResourceIdentifier', 'UMMailboxPolicy', 'PIN', 'PINExpired', 'NotifyEmail']);
/** Every parameter a CSV column can feed in a bulk job: Enable-UMMailbox's, and Set-CsUser's -LineURI for the voice operation. */
export const bulkFieldSchema = z.enum([...enablementFieldSchema.options, 'LineURI']);
export type EnablementFieldName = z.infer<typeof bulkFieldSchema>;

/**
 * What a bulk job does to each row's user: enable for UM (the first and default), or one of the
 * changes of a UM user's later life. Each is described in shared/enablement/operations.ts.
 */
export const bulkOperationSchema = z.enum(['enable', 'voice', 'change', 'pin', 'disable', 'move']);
export type BulkOperation = z.infer<typeof bulkOperationSchema>;

/**
 * A mailbox's UM (and Lync voice) state: as validation read it before a job changed anything, or
 * as a row left it — what a rollback restores and checks against. `policy` is the UM mailbox
 * policy's name as the grid shows it. Never a PIN.
 */
export const umStateSchema = z.object({
  umEnabled: z.boolean().optional(),
  policy: z.string().optional(),
  extensions: z.array(z.string()).optional(),
  sipResourceIdentifier: z.string().optional(),
  enterpriseVoiceEnabled: z.boolean().optional(),
  lineUri: z.string().optional(),
});
export type UmState = z.infer<typeof umStateSchema>;

export const csvEncodingSchema = z.enum(['utf-8', 'utf-16le', 'utf-16be', 'big5', 'windows-1252']);
export const csvDelimiterSchema = z.enum([',', ';', '\t']);
export type CsvEncoding = z.infer<typeof csvEncodingSchema>;
export type CsvDelimiter = z.infer<typeof csvDelimiterSchema>;
/** The delimiters Excel writes (`,` or `;` by the Windows list separator, tab for "Unicode Text"), by name: the one list. */
export const csvDelimiterNames: Record<CsvDelimiter, 'comma' | 'semicolon' | 'tab'> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };
export const csvDelimiters: readonly CsvDelimiter[] = csvDelimiterSchema.options;

/** field → column index in the CSV. */
export const columnMappingSchema = z.partialRecord(bulkFieldSchema, z.number().int().min(0).max(1000));
export type EnablementColumnMapping = z.infer<typeof columnMappingSchema>;

/**
 * An unfinished job with a journal on disk: it can be resumed. Its file is never kept (it may hold
 * PINs), so a resume needs the same file imported again — unless an import of it is still held.
 */
export const resumableJobSchema = z.object({
  jobId: z.string(),
  fileName: z.string(),
  profile: z.string(),
  createdAt: z.string(),
  /** What the job does to each row (absent: enable, as jobs written before operations existed). */
  operation: bulkOperationSchema.optional(),
  total: z.number().int(),
  finished: z.number().int(),
  inFlight: z.number().int(),
  dryRun: z.boolean(),
  /** An import of the same file still held in this session: resume it without choosing the file. */
  importId: z.string().optional(),
  /** A rollback: the job it undoes. It resumes without a file (enablement.rollback). */
  rollbackOf: z.string().optional(),
});
export type ResumableJob = z.infer<typeof resumableJobSchema>;

/** What the console read from an uploaded file, before any directory lookup. */
export const importSummarySchema = z.object({
  importId: z.string(),
  fileName: z.string(),
  fileHash: z.string(),
  encoding: csvEncodingSchema,
  /** How the encoding was chosen: byte-order mark, UTF-16 pattern, valid UTF-8, a guess, or the admin's choice. */
  encodingDetection: z.enum(['bom', 'utf16-nul-pattern', 'valid-utf8', 'heuristic', 'forced']),
  delimiter: csvDelimiterSchema,
  header: z.array(z.string()),
  rowCount: z.number().int(),
  /** Lines the parser could not read as rows (they are reported, never silently dropped). */
  problems: z.array(z.object({ line: z.number().int(), message: z.string() })),
  mapping: columnMappingSchema,
  ambiguous: z.array(z.object({ field: bulkFieldSchema, columns: z.array(z.number().int()) })),
  replacementCharacters: z.number().int(),
  /** The first rows as read, for the mapping step. PIN columns are masked. */
  sample: z.array(z.array(z.string())),
  resumable: z.array(resumableJobSchema),
});
export type ImportSummary = z.infer<typeof importSummarySchema>;

export const rowMessageSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  params: z.record(z.string(), z.string()),
  /** A console rule (not Exchange's) the admin may override: the Lync SIP address check. */
  overridable: z.boolean().optional(),
  /** Overridden by the admin, for this row or for the whole job: kept as a warning and recorded. */
  overridden: z.enum(['row', 'job']).optional(),
});
export type RowMessage = z.infer<typeof rowMessageSchema>;

/** not-permitted: nothing is wrong with the row, but the acting account may not enable this user. */
export const rowStatusSchema = z.enum(['ready', 'already-done', 'invalid', 'not-permitted']);
export type RowStatus = z.infer<typeof rowStatusSchema>;

/** The values of one row as the grid shows them; the PIN is shown only by its length. */
export const rowValuesSchema = z.object({
  Identity: z.string(),
  Extensions: z.string(),
  SIPResourceIdentifier: z.string(),
  UMMailboxPolicy: z.string(),
  PIN: z.string(),
  PINExpired: z.string(),
  NotifyEmail: z.string(),
  /** Lync's line URI (tel:+…), read by the voice operation only. */
  LineURI: z.string().optional(),
});
export type RowValues = z.infer<typeof rowValuesSchema>;

/** A row with no values but, when given, its identity: what an unreadable line or an old journal's row stands for. */
export const emptyRowValues = (identity = ''): RowValues => ({
  Identity: identity,
  Extensions: '',
  SIPResourceIdentifier: '',
  UMMailboxPolicy: '',
  PIN: '',
  PINExpired: '',
  NotifyEmail: '',
});

export const validatedRowSchema = z.object({
  /** The row's first line in the file (header is line 1). */
  line: z.number().int(),
  values: rowValuesSchema,
  status: rowStatusSchema,
  messages: z.array(rowMessageSchema),
  /** The user the identity resolved to: its sip: proxy address and its Lync SIP address (msRTCSIP-PrimaryUserAddress), both without `sip:`. */
  user: z.object({ dn: z.string(), displayName: z.string().optional(), sipAddress: z.string().optional(), lyncAddress: z.string().optional() }).optional(),
  dialPlan: z.string().optional(),
  /** The dial plan's phone context: what an EUM address written for the row ends with. */
  phoneContext: z.string().optional(),
  uriType: uriTypeSchema.optional(),
  policyDn: z.string().optional(),
  /** The extensions Exchange will use: `values.Extensions` is what is sent; empty there when Exchange derives them. */
  extensions: z.array(z.string()),
  /** The SIP resource identifier Exchange will use (sent, or on a SIP URI plan the user's sip: proxy when none is sent). */
  sipResourceIdentifier: z.string().optional(),
  /** The user as the directory had it when the row was validated (what a rollback restores). */
  before: umStateSchema.optional(),
  edited: z.boolean(),
});
export type ValidatedRow = z.infer<typeof validatedRowSchema>;

export const validationCountsSchema = z.object({
  total: z.number().int(),
  ready: z.number().int(),
  alreadyDone: z.number().int(),
  invalid: z.number().int(),
  notPermitted: z.number().int(),
  warnings: z.number().int(),
});
export type ValidationCounts = z.infer<typeof validationCountsSchema>;

/** The admin's override of the Lync SIP address check: for every row of the job, and for single lines. */
export const sipMismatchOverrideSchema = z.object({ job: z.boolean(), lines: z.array(z.number().int()) });
export type SipMismatchOverride = z.infer<typeof sipMismatchOverrideSchema>;

/**
 * Where the validation of a file stands. It runs in chunks in the background: the grid shows the
 * rows validated so far (read a page at a time with `enablement.rows`) and fills in as
 * `enablement.validation` events say how far it got. A job starts only once it is done.
 */
export const validationStatusSchema = z.object({
  importId: z.string(),
  profile: z.string(),
  /** The operation the rows were validated for (absent: enable). */
  operation: bulkOperationSchema.optional(),
  /** running: rows are still being checked; done: every row is; cancelled by the admin, or failed (`error` says why): validate again to run. */
  state: z.enum(['running', 'done', 'cancelled', 'failed']),
  error: z.string().optional(),
  /** Rows validated so far, of `total` (every row of the file, unreadable ones included). */
  validated: z.number().int(),
  total: z.number().int(),
  counts: validationCountsSchema,
  /** Rows whose only errors are the Lync SIP address check, which the admin may override. */
  lyncCheckOnly: z.number().int(),
  /** Said once for the file rather than on every row (e.g. faxes on SIP URI dial plans). */
  notices: z.array(rowMessageSchema),
  sipMismatchOverride: sipMismatchOverrideSchema,
  stats: z.object({ ldapRoundTrips: z.number().int(), milliseconds: z.number() }),
  /**
   * Grows with every status main gives of this import: of two, the higher is the newer. The
   * answer to validate and the progress events travel apart, and an event (the last, `done`, on a
   * small file) can reach the screen before the answer it follows.
   */
  revision: z.number().int(),
});
export type ValidationStatus = z.infer<typeof validationStatusSchema>;

/** A finished validation with every row, for callers in the main process (the CLI and the API read pages instead). */
export type ValidationResult = ValidationStatus & { rows: ValidatedRow[] };

/** Which rows the grid shows: all, by status, those with warnings, or those that failed in the latest job. */
export const rowFilterSchema = z.enum(['all', 'ready', 'already-done', 'invalid', 'not-permitted', 'warnings', 'failed']);
export type RowFilter = z.infer<typeof rowFilterSchema>;

/** One page of the validated rows, in file order, with how many rows match the filter so far. */
export const rowsPageSchema = z.object({ rows: z.array(validatedRowSchema), total: z.number().int() });
export type RowsPage = z.infer<typeof rowsPageSchema>;

/**
 * What became of a row. Only `failed` means Exchange refused it at run time; `invalid` and
 * `not-permitted` rows were never sent, `already-done` rows needed nothing. `enabled` is an
 * enable job's success, `changed` the success of every other operation.
 */
export const rowOutcomeSchema = z.enum([
  'enabled',
  'changed',
  'validated',
  'already-done',
  'failed',
  'invalid',
  'not-permitted',
  'not-run',
  'undone',
  'skipped',
]);
export type RowOutcomeKind = z.infer<typeof rowOutcomeSchema>;

export const rowResultSchema = z.object({
  line: z.number().int(),
  identity: z.string(),
  outcome: rowOutcomeSchema,
  /** Every message: each of Exchange's errors (failed), each validation error, or how the outcome was established. */
  messages: z.array(z.string()),
  attempts: z.number().int(),
  at: z.string().optional(),
  /**
   * The row as the job ran (or judged) it: the file's values with the admin's edits, extensions and
   * identifier as sent, the PIN only as dots. Absent in journals written before it was recorded.
   */
  values: rowValuesSchema.optional(),
  /** The user -Identity was given: its distinguished name. */
  userDn: z.string().optional(),
  /** The file's own value of each field where it differs from `values` (never the PIN). */
  inFile: rowValuesSchema.partial().optional(),
  /** The user as validation read it before the job ran the row (never a PIN): what a rollback restores. */
  before: umStateSchema.optional(),
  /** The state the row left (what a rollback finds unless someone changed it since). */
  after: umStateSchema.optional(),
});
export type RowResult = z.infer<typeof rowResultSchema>;

/** A job's rows by what became of them; `remaining` have no result yet. */
export const jobCountsSchema = z.object({
  total: z.number().int(),
  enabled: z.number().int(),
  /** Rows the other operations changed: present once a row is. */
  changed: z.number().int().optional(),
  validated: z.number().int(),
  alreadyDone: z.number().int(),
  failed: z.number().int(),
  invalid: z.number().int(),
  notPermitted: z.number().int(),
  notRun: z.number().int(),
  /** A rollback's rows: undone, or left as they are (changed since, or no undo exists). */
  undone: z.number().int(),
  skipped: z.number().int(),
  remaining: z.number().int(),
});
export type JobCounts = z.infer<typeof jobCountsSchema>;

/** One Exchange endpoint as a running job uses it. */
export const jobEndpointSchema = z.object({
  server: z.string(),
  /** Sessions the job runs on it now (at most its budget). */
  sessions: z.number().int().nonnegative(),
  budget: z.number().int().positive(),
  /** running (one session at first after a drain, all once it answers), waiting on throttling, or drained: failed and resting before it is tried again. */
  state: z.enum(['running', 'throttled', 'drained']),
  /** While throttled: the wait before the next try, as Exchange stated it plus jitter. */
  waitSeconds: z.number().nonnegative().optional(),
  /** While drained and the job runs: when one session tries it again (ISO time). */
  retryAt: z.string().optional(),
  /** Throttling refusals absorbed on this endpoint so far. */
  throttled: z.number().int().nonnegative(),
});
export type JobEndpoint = z.infer<typeof jobEndpointSchema>;

export const enablementJobSchema = z.object({
  jobId: z.string(),
  importId: z.string().optional(),
  fileName: z.string(),
  profile: z.string(),
  /** What the job does to each row (absent: enable). */
  operation: bulkOperationSchema.optional(),
  /** The account the job acts as (the profile's bound identity), for the results and the audit. */
  actor: z.string().optional(),
  dryRun: z.boolean(),
  concurrency: z.number().int(),
  /** The Lync SIP address check the admin overrode for this job (recorded in its journal). */
  sipMismatchOverride: sipMismatchOverrideSchema.optional(),
  progress: jobProgressSchema,
  counts: jobCountsSchema,
  results: z.array(rowResultSchema),
  /** Each Exchange endpoint the job used in this session: its sessions, whether it waits on throttling or was drained, and the refusals absorbed. */
  endpoints: z.array(jobEndpointSchema).optional(),
});
export type EnablementJob = z.infer<typeof enablementJobSchema>;

/**
 * The bulk enablement screen as main holds it: the file, its mapping, the grid with its edits, and
 * the latest job. The screen restores it when it mounts, so leaving and coming back loses nothing.
 */
export const enablementSessionSchema = z.object({
  summary: importSummarySchema,
  mapping: columnMappingSchema,
  profile: z.string().optional(),
  operation: bulkOperationSchema,
  proposeExtensions: z.boolean(),
  validation: validationStatusSchema.optional(),
  job: enablementJobSchema.optional(),
});
export type EnablementSession = z.infer<typeof enablementSessionSchema>;

export const exportedFileSchema = z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() });
export type ExportedFile = z.infer<typeof exportedFileSchema>;

/** One row of a job a rollback would take: undone, or skipped with the reason (changed since, no undo exists, undone already). */
export const rollbackRowSchema = z.object({
  line: z.number().int(),
  identity: z.string(),
  userDn: z.string().optional(),
  action: z.enum(['undo', 'skip']),
  /** Why it is skipped (a message code of enablement-messages). */
  reason: rowMessageSchema.optional(),
  /** What the admin should know of the row once undone (a mailbox enabled again gets a new PIN). */
  note: rowMessageSchema.optional(),
});
export type RollbackRow = z.infer<typeof rollbackRowSchema>;

/** What rolling back a finished or cancelled job would do now, read from the directory. */
export const rollbackPreviewSchema = z.object({
  jobId: z.string(),
  /** The operation of the job: what its rows' undo is (absent: enable). */
  operation: bulkOperationSchema.optional(),
  fileName: z.string(),
  profile: z.string(),
  /** Rows the job changed. */
  total: z.number().int(),
  undo: z.number().int(),
  skipped: z.number().int(),
  rows: z.array(rollbackRowSchema),
  /** An unfinished rollback of this job that a start resumes. */
  resumes: z.string().optional(),
});
export type RollbackPreview = z.infer<typeof rollbackPreviewSchema>;

/** A finished or cancelled job on disk, for the list of jobs that can be rolled back. */
export const finishedJobSchema = z.object({
  jobId: z.string(),
  fileName: z.string(),
  profile: z.string(),
  createdAt: z.string(),
  state: z.enum(['completed', 'cancelled']),
  /** What the job did to each row (absent: enable); a rollback's is the operation it undid. */
  operation: bulkOperationSchema.optional(),
  counts: jobCountsSchema,
  /** A rollback: the job it undid (it cannot be rolled back itself). */
  rollbackOf: z.string().optional(),
});
export type FinishedJob = z.infer<typeof finishedJobSchema>;
