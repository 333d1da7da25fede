import { z } from 'zod';
import { method } from './method';
import {
  columnMappingSchema,
  csvDelimiterSchema,
  csvEncodingSchema,
  enablementJobSchema,
  enablementSessionSchema,
  exportedFileSchema,
  finishedJobSchema,
  importSummarySchema,
  rollbackPreviewSchema,
  resumableJobSchema,
  rowMessageSchema,
  sipMismatchOverrideSchema,
  validationCountsSchema,
  validatedRowSchema,
  bulkFieldSchema,
  bulkOperationSchema,
  rowFilterSchema,
  rowsPageSchema,
  validationStatusSchema,
} from '../models/enablement';
import { jobIdSchema } from '../models/jobs';
import { profileNameSchema } from '../models/profile';

const importId = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);

export const enablementApi = {
  'enablement.import': method(
    z
      .object({
        fileName: z.string().min(1).max(260),
        /** The file's bytes, base64; up to ~40 MB (100,000 rows). */
        content: z.string().max(56_000_000),
        encoding: csvEncodingSchema.optional(),
        delimiter: csvDelimiterSchema.optional(),
      })
      .strict(),
    importSummarySchema,
    'Reads a CSV (encoding and delimiter detected unless given) and suggests the column mapping.',
  ),
  'enablement.validate': method(
    z
      .object({
        importId,
        profile: profileNameSchema,
        mapping: columnMappingSchema,
        /** What the job will do to each row; enable unless given. */
        operation: bulkOperationSchema.default('enable'),
        proposeExtensions: z.boolean().default(false),
        /** Accept, for every row, SIP resource identifiers that are not the user's Lync SIP address (never Exchange's own refusals). */
        allowSipMismatch: z.boolean().optional(),
        /** Answer once the first rows are validated (the rest follow in the background, with enablement.validation events), or once all are. */
        until: z.enum(['first-rows', 'done']).default('done'),
      })
      .strict(),
    validationStatusSchema,
    "Checks every row against the directory and Exchange's rules, in batched lookups, a chunk at a time.",
  ),
  'enablement.validation': method(
    z.object({ importId }).strict(),
    validationStatusSchema,
    'Where the validation of an import stands: rows validated so far, counts, notices.',
  ),
  'enablement.cancelValidation': method(
    z.object({ importId }).strict(),
    validationStatusSchema,
    'Stops a running validation after the chunk in hand; the rows validated so far stay on screen, and the file must be validated again to run.',
  ),
  'enablement.rows': method(
    z
      .object({
        importId,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
        filter: rowFilterSchema.default('all'),
      })
      .strict(),
    rowsPageSchema,
    'A page of the rows validated so far, in file order, filtered by status (failed: in the latest job).',
  ),
  'enablement.edit': method(
    z
      .object({
        importId,
        edits: z
          .array(z.object({ line: z.number().int().min(1), field: bulkFieldSchema, value: z.string().max(1024) }).strict())
          .max(1000)
          .default([]),
        /** The Lync SIP address check: overridden for the whole job, or allowed (or no longer) for single rows. */
        sipMismatch: z
          .object({
            job: z.boolean().optional(),
            rows: z
              .array(z.object({ line: z.number().int().min(1), allow: z.boolean() }).strict())
              .max(100_000)
              .optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .refine((i) => i.edits.length > 0 || i.sipMismatch !== undefined, 'Give at least one edit or an override.'),
    z.object({
      rows: z.array(validatedRowSchema),
      counts: validationCountsSchema,
      lyncCheckOnly: z.number().int(),
      notices: z.array(rowMessageSchema),
      sipMismatchOverride: sipMismatchOverrideSchema,
    }),
    'Changes cells or the Lync SIP address override and re-checks the rows they affect (including rows sharing an extension).',
  ),
  'enablement.start': method(
    z
      .object({
        importId,
        dryRun: z.boolean().default(false),
        /** Sessions at once, spread over the profile's Exchange endpoints; at most the sum of their session budgets (checked at start). */
        concurrency: z.number().int().min(1).max(1600).default(2),
        /** Only these lines (e.g. re-run the failed ones); default every ready row. */
        lines: z.array(z.number().int().min(1)).max(100_000).optional(),
        /** Continue an unfinished job of the same file: finished rows are skipped, in-flight ones re-checked. */
        resumeJobId: jobIdSchema.optional(),
        /** Run for real what this dry run checked: its passed rows, and rows changed since that are ready; nothing is validated again. */
        afterDryRun: jobIdSchema.optional(),
      })
      .strict(),
    enablementJobSchema,
    'Runs Enable-UMMailbox for the ready rows as a job with a journal on disk.',
  ),
  'enablement.afterDryRun': method(
    z.object({ importId, jobId: jobIdSchema }).strict(),
    z.object({ lines: z.array(z.number().int()) }),
    'The lines a real run after this dry run would take: those it passed and that did not change since, and those changed since that are ready.',
  ),
  'enablement.session': method(
    z.object({}).strict(),
    enablementSessionSchema.nullable(),
    "The screen's import, grid and latest job as main holds them, to restore the screen.",
  ),
  'enablement.unfinished': method(
    z.object({}).strict(),
    z.array(resumableJobSchema),
    'Jobs whose journal says they did not finish (any file), newest first, to resume.',
  ),
  'enablement.job': method(z.object({ jobId: jobIdSchema }).strict(), enablementJobSchema, "A job's progress and per-row results so far."),
  'enablement.export': method(
    z.object({ jobId: jobIdSchema, format: z.enum(['csv', 'json']) }).strict(),
    exportedFileSchema,
    "The per-row results as run (edits applied, the file's value beside each changed one), as CSV (formula-safe) or JSON.",
  ),
  'enablement.finished': method(
    z.object({ limit: z.number().int().min(1).max(10_000).default(20) }).strict(),
    z.array(finishedJobSchema),
    'Real jobs that ended (completed, cancelled or stopped), newest first, rollbacks among them: the jobs a rollback can undo.',
  ),
  'enablement.rollbackPreview': method(
    z.object({ jobId: jobIdSchema }).strict(),
    rollbackPreviewSchema,
    'What rolling back a job would do now, checked against the directory: the rows it would undo, those it would skip and why.',
  ),
  'enablement.rollback': method(
    z.object({ jobId: jobIdSchema, concurrency: z.number().int().min(1).max(1600).default(2) }).strict(),
    enablementJobSchema,
    'Undoes the rows a finished or cancelled job changed and nobody changed since, as a journalled job (an unfinished rollback of the job carries on).',
  ),
};
