import type { JobContext, JobManager } from '../../jobs/job-manager';
import type { JobJournal } from './job-journal';

/**
 * Starts a bulk job whose rows are journalled. Its journal records how it ended (completed, or
 * cancelled with rows left), or is only closed when it failed, so a later run can resume it.
 * `ended` runs however it ended (e.g. to say the directory changed).
 */
export function startJournalledJob(
  jobManager: JobManager,
  journal: JobJournal,
  title: string,
  run: (ctx: JobContext) => Promise<string>,
  ended?: () => void,
): void {
  jobManager.start(
    'enablement',
    title,
    journal.definition.lines.length,
    async (ctx) => {
      try {
        const message = await run(ctx);
        journal.finished(ctx.signal.aborted ? 'cancelled' : 'completed');
        return message;
      } catch (error) {
        journal.close();
        throw error;
      } finally {
        ended?.();
      }
    },
    journal.definition.jobId,
  );
}
