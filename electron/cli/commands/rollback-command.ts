import type { Command } from 'commander';
import { rowMessageText } from '@shared/enablement/row-message-text';
import { ApiError } from '@shared/errors';
import type { CommandRunner } from '../cli-context';
import { table } from '../cli-context';
import { waitForJob } from '../wait-for-job';

/**
 * `rollback --job ID`: undoes the rows a finished or cancelled bulk job changed and nobody changed
 * since, as a journalled job; run again after an interruption, it carries on. `--dry-run` shows
 * what it would undo and skip, and changes nothing. Exit code 1 when a row failed or the job did not finish.
 */
export function registerRollbackCommand(program: Command, run: CommandRunner): void {
  program
    .command('rollback')
    .description('Roll back a finished or cancelled bulk job: undo the rows it changed that nobody changed since (journalled, resumable)')
    .requiredOption('--job <id>', 'the job to roll back (its ID as the enable command and the console show it)')
    .option('--dry-run', 'show what would be undone and skipped, and why; change nothing', false)
    .option('--concurrency <n>', 'Exchange calls at once', '2')
    .action(
      run(async (ctx, o) => {
        const jobId = String(o.job);
        const concurrency = Number(o.concurrency);
        if (!Number.isInteger(concurrency) || concurrency < 1) throw new ApiError('INVALID_INPUT', '--concurrency must be a whole number of 1 or more.');
        const say = (text: string) => {
          if (!ctx.options.json) process.stderr.write(`${text}\n`);
        };
        // The job's own profile, unless one is named.
        const known = (await ctx.call('enablement.finished', { limit: 10_000 })).find((j) => j.jobId === jobId);
        const [named] = ctx.options.profile;
        const profile = named ?? known?.profile;
        if (!profile) throw new ApiError('NOT_FOUND', `There is no finished or cancelled job ${jobId} in this console's data folder.`);
        await ctx.connect(profile);
        const preview = await ctx.call('enablement.rollbackPreview', { jobId });
        say(
          `${preview.fileName} (${jobId}, ${preview.operation ?? 'enable'}): ${preview.total} rows changed; ${preview.undo} to undo, ${preview.skipped} skipped.${preview.resumes ? ` Carrying on rollback ${preview.resumes}.` : ''}`,
        );
        if (o.dryRun) {
          const rows = preview.rows.map((r) => ({
            line: r.line,
            identity: r.identity,
            action: r.action,
            reason: r.reason ? rowMessageText(r.reason) : '',
            ...(r.note ? { note: rowMessageText(r.note) } : {}),
          }));
          const operation = preview.operation ?? 'enable';
          ctx.print({ jobId, operation, dryRun: true, total: preview.total, undo: preview.undo, skipped: preview.skipped, rows }, () =>
            table(
              ['Line', 'Identity', 'Action', 'Reason or note'],
              rows.map((r) => [r.line, r.identity, r.action, r.reason || (r.note ?? '')]),
            ),
          );
          return;
        }
        const started = await ctx.call('enablement.rollback', { jobId, concurrency });
        await waitForJob(ctx, started.jobId, say);
        const job = await ctx.call('enablement.job', { jobId: started.jobId });
        const rows = job.results.map((r) => ({ line: r.line, identity: r.identity, outcome: r.outcome, message: r.messages.join(' ') }));
        ctx.print({ jobId: started.jobId, rollbackOf: jobId, progress: job.progress, counts: job.counts, rows }, () =>
          [
            table(
              ['Line', 'Identity', 'Outcome', 'Message'],
              rows.map((r) => [r.line, r.identity, r.outcome, r.message]),
            ),
            '',
            job.progress.message ?? '',
          ].join('\n'),
        );
        if (job.counts.failed > 0 || job.progress.state !== 'completed') process.exitCode = 1;
      }),
    );
}
