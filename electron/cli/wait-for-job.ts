import { isJobFinished } from '@shared/models/jobs';
import type { CliContext } from './cli-context';

/**
 * Waits for a bulk job to end, showing its progress on a terminal. Ctrl-C cancels it after the
 * rows in flight (its journal lets the next run resume); a second Ctrl-C quits at once.
 */
export async function waitForJob(ctx: CliContext, jobId: string, say: (text: string) => void): Promise<void> {
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    say('Stopping after the rows in flight (Ctrl-C again to quit at once; the journal lets the next run resume).');
    void ctx.call('jobs.cancel', { jobId });
  };
  process.on('SIGINT', onInterrupt);
  let unsubscribe = () => {};
  await new Promise<void>((resolve) => {
    unsubscribe = ctx.on('job.progress', (p) => {
      if (p.jobId !== jobId) return;
      if (isJobFinished(p.state)) resolve();
      else if (!ctx.options.json && process.stderr.isTTY) {
        process.stderr.write(
          `\r  ${p.done + p.failed}/${p.total} (${p.failed} failed)${p.ratePerSecond ? `, ${p.ratePerSecond.toFixed(1)}/s` : ''}${p.message ? ` ${p.message}` : ''}   `,
        );
      }
    });
    // It may have ended before the listener was in place.
    void ctx.call('enablement.job', { jobId }).then(
      (now) => isJobFinished(now.progress.state) && resolve(),
      () => resolve(),
    );
  });
  unsubscribe();
  process.off('SIGINT', onInterrupt);
  if (!ctx.options.json && process.stderr.isTTY) process.stderr.write('\n');
}
