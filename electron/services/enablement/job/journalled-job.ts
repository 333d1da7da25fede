import type { JobContext, JobManager } from '../../jobs/job-manager';
import type { JobJournal } from './job-journal';

/**
 * Starts a bulk job whose rows are journalled. Its journal records how it ended (completed, or
 * cancelled with rows left), or is only closed when it failed, so a later run can resume it.
 */
export function startJournalledJob(jobManager: JobManager, journal: JobJournal, title: string, run: (ctx: JobContext) => Promise<string>): void {
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
      }
    },
    journal.definition.jobId,
  );
}
