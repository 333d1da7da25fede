import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  bulkOperationSchema,
  csvDelimiterNames,
  csvDelimiters,
  csvEncodingSchema,
  type BulkOperation,
  type CsvDelimiter,
  type ImportSummary,
  type ValidatedRow,
} from '@shared/models/enablement';
import { operationFields } from '@shared/enablement/operations';
import { rowMessageText } from '@shared/enablement/row-message-text';
import { ApiError } from '@shared/errors';
import type { MethodInput } from '@shared/contract';
import type { CliContext, CommandRunner } from '../cli-context';
import { table } from '../cli-context';
import { waitForJob } from '../wait-for-job';

/** `--delimiter` takes the character or its name (`tab`, or `\t` as typed in a shell). */
const delimiters: Record<string, CsvDelimiter> = {
  ...Object.fromEntries(
    csvDelimiters.flatMap((d) => [
      [d, d],
      [csvDelimiterNames[d], d],
    ]),
  ),
  '\\t': '\t',
};

/**
 * `enable --csv FILE` and `bulk --operation NAME --csv FILE`: bulk UM enablement, or another step
 * of a UM user's life (disable, PIN reset, …), from a terminal or a scheduled task, with the UI's
 * validation and journal. An unfinished job of the same file and operation resumes unless
 * --restart is given. Exit code 1 when any row is invalid, not permitted or failed (in a dry run
 * too), so scripts can tell.
 */
export function registerEnableCommand(program: Command, run: CommandRunner): void {
  withBulkOptions(
    program
      .command('enable')
      .description('Enable mailboxes for Unified Messaging from a CSV file (validated first, journalled, resumable)')
      .requiredOption(
        '--csv <file>',
        'the CSV file (Identity, UMMailboxPolicy, Extensions, SIPResourceIdentifier, PIN, PINExpired, NotifyEmail; other columns are carried through)',
      )
      .option('--dry-run', 'run Enable-UMMailbox -ValidateOnly: nothing is changed', false),
  ).action(run((ctx, o) => runBulk(ctx, o, 'enable')));
  withBulkOptions(
    program
      .command('bulk')
      .description('Run one bulk operation from a CSV file: enable, voice, change, pin, disable or move (validated first, journalled, resumable)')
      .requiredOption('--operation <name>', `what each row does: ${bulkOperationSchema.options.join(', ')}`)
      .requiredOption('--csv <file>', bulkCsvHelp)
      .option(
        '--dry-run',
        'check without changing anything (Enable-UMMailbox -ValidateOnly; the other operations are checked against the directory only)',
        false,
      ),
  ).action(run((ctx, o) => runBulk(ctx, o, bulkOperation(o))));
}

function withBulkOptions(command: Command): Command {
  return withCsvOptions(
    command.option(
      '--concurrency <n>',
      "cmdlet calls at once, spread over the profile's Exchange endpoints (at most the sum of their session budgets, 18 each by default)",
      '2',
    ),
  ).option('--restart', 'do not resume an unfinished job of this file; start a new one', false);
}

/** How the file is read and validated (`enable`, `bulk`, `plan export bulk`): encoding, delimiter, proposals, the Lync SIP override. */
export function withCsvOptions(command: Command): Command {
  return command
    .option('--encoding <encoding>', `override the detected encoding: ${csvEncodingSchema.options.join(', ')}`)
    .option('--delimiter <delimiter>', 'override the detected delimiter: comma, semicolon or tab')
    .option('--propose-extensions', 'fill missing extensions from the Lync line URI or telephoneNumber', false)
    .option(
      '--allow-sip-mismatch',
      "accept SIP resource identifiers that are not the user's Lync SIP address (recorded in the journal and audit; Exchange's own refusals still apply)",
      false,
    );
}

/** The validation of an imported file for the operation, as the CSV options ask for it (`bulk`, `plan export bulk`). */
export function validateRequest(
  summary: Pick<ImportSummary, 'importId' | 'mapping'>,
  profile: string,
  operation: BulkOperation,
  o: Record<string, unknown>,
): MethodInput<'enablement.validate'> {
  return {
    importId: summary.importId,
    profile,
    mapping: summary.mapping,
    operation,
    proposeExtensions: Boolean(o.proposeExtensions),
    allowSipMismatch: Boolean(o.allowSipMismatch),
  };
}

/** --operation, checked. */
export function bulkOperation(o: Record<string, unknown>): BulkOperation {
  const operation = bulkOperationSchema.safeParse(String(o.operation).toLowerCase());
  if (!operation.success) throw new ApiError('INVALID_INPUT', `--operation must be one of ${bulkOperationSchema.options.join(', ')}.`);
  return operation.data;
}

/** --csv's description for an operation chosen with --operation: the columns each one reads. */
export const bulkCsvHelp = `the CSV file; the columns each operation reads (others are carried through): ${Object.entries(operationFields)
  .map(([name, f]) => `${name}: ${f.fields.join(', ')}`)
  .join('; ')}`;

async function runBulk(ctx: CliContext, o: Record<string, unknown>, operation: BulkOperation): Promise<void> {
  const [profile] = ctx.profiles();
  const concurrency = Number(o.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ApiError('INVALID_INPUT', '--concurrency must be a whole number of 1 or more.');
  const csvImport = csvImportRequest(o);
  /** Every validated row, read from main a page at a time. */
  const validatedRows = async (importId: string) => {
    const rows: ValidatedRow[] = [];
    for (let total = 1; rows.length < total;) {
      const page = await ctx.call('enablement.rows', { importId, offset: rows.length, limit: 1000, filter: 'all' });
      rows.push(...page.rows);
      total = page.rows.length ? page.total : 0;
    }
    return rows;
  };
  const say = (text: string) => {
    if (!ctx.options.json) process.stderr.write(`${text}\n`);
  };
  await ctx.connect(profile!);
  const summary = await ctx.call('enablement.import', csvImport);
  say(`${summary.fileName}: ${summary.rowCount} rows, ${summary.encoding}, ${csvDelimiterNames[summary.delimiter]}-separated.`);
  for (const p of summary.problems) say(`  line ${p.line}: ${p.message}`);
  const resumable = o.restart
    ? undefined
    : summary.resumable.find((r) => r.profile === profile && r.dryRun === Boolean(o.dryRun) && (r.operation ?? 'enable') === operation);

  const validation = await ctx.call('enablement.validate', validateRequest(summary, profile!, operation, o));
  say(
    `Validated against ${profile}: ${validation.counts.ready} ready, ${validation.counts.alreadyDone} already done, ${validation.counts.invalid} invalid, ${validation.counts.notPermitted} not permitted for this account (${validation.stats.ldapRoundTrips} LDAP round trips).`,
  );
  for (const notice of validation.notices) say(`  ${rowMessageText(notice)}`);
  if (validation.sipMismatchOverride.job) say("  --allow-sip-mismatch: identifiers that are not the user's Lync SIP address are accepted for this job.");

  const ready = validation.counts.ready > 0 || !!resumable;
  let jobId: string | undefined;
  if (ready) {
    if (resumable)
      say(
        `Resuming job ${resumable.jobId}: ${resumable.finished} of ${resumable.total} rows already finished${resumable.inFlight ? `, ${resumable.inFlight} to re-check` : ''}.`,
      );
    const job = await ctx.call('enablement.start', {
      importId: summary.importId,
      dryRun: Boolean(o.dryRun),
      concurrency,
      ...(resumable ? { resumeJobId: resumable.jobId } : {}),
    });
    jobId = job.jobId;
    await waitForJob(ctx, job.jobId, say);
  }

  const results = jobId
    ? (JSON.parse((await ctx.call('enablement.export', { jobId, format: 'json' })).content) as Array<{
        line: number;
        identity: string;
        outcome: string;
        message: string;
        columns: Record<string, string>;
      }>)
    : (await validatedRows(summary.importId)).map((r) => ({
        line: r.line,
        identity: r.values.Identity,
        outcome: r.status,
        message: r.messages.map((m) => rowMessageText(m)).join(' '),
        columns: {},
      }));
  const job = jobId ? await ctx.call('enablement.job', { jobId }) : undefined;
  const bad = results.filter((r) => ['invalid', 'failed', 'not-permitted'].includes(r.outcome)).length;
  ctx.print(
    { file: summary.fileName, profile, operation, dryRun: Boolean(o.dryRun), jobId, counts: validation.counts, progress: job?.progress, rows: results },
    () =>
      [
        table(
          ['Line', 'Identity', 'Outcome', 'Message'],
          results.map((r) => [r.line, r.identity, r.outcome, r.message]),
        ),
        '',
        job?.progress.message ?? 'Nothing to run.',
      ].join('\n'),
  );
  if (bad > 0 || (job && job.progress.state !== 'completed')) process.exitCode = 1;
}

/** The import of `--csv FILE` with `--encoding` and `--delimiter` as given (`enable`, `bulk`, `plan export bulk`): options checked and the file read before anything connects. */
export function csvImportRequest(o: Record<string, unknown>): MethodInput<'enablement.import'> {
  const encoding = o.encoding === undefined ? undefined : csvEncodingSchema.safeParse(String(o.encoding).toLowerCase());
  if (encoding && !encoding.success) throw new ApiError('INVALID_INPUT', `--encoding must be one of ${csvEncodingSchema.options.join(', ')}.`);
  const delimiter = o.delimiter === undefined ? undefined : delimiters[String(o.delimiter).toLowerCase()];
  if (o.delimiter !== undefined && !delimiter) throw new ApiError('INVALID_INPUT', '--delimiter must be comma, semicolon or tab.');
  let bytes: Buffer;
  try {
    bytes = readFileSync(String(o.csv));
  } catch (error) {
    throw new ApiError('NOT_FOUND', `Cannot read ${String(o.csv)}: ${(error as Error).message}`);
  }
  return {
    fileName: basename(String(o.csv)),
    content: bytes.toString('base64'),
    ...(encoding ? { encoding: encoding.data } : {}),
    ...(delimiter ? { delimiter } : {}),
  };
}
