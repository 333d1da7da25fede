import { isJobFinished, type JobProgress, type JobState } from '@shared/models/jobs';
import type { EnablementJob } from '@shared/models/enablement';

/** Main is read again at most this often while a job's progress events stream in (and always when it ends). */
const REFRESH_MS = 1000;
/** How many ended jobs not (yet) shown are remembered: their start answer can come after their last event. */
const ENDED_REMEMBERED = 50;

export type Listeners = { onError?: (e: unknown) => void };

/**
 * One bulk job followed on screen: the one its start call answered with, kept up to date from its
 * `job.progress` events and by reading it again from main.
 *
 * In Electron a call's answer (ipcMain.handle) and the events (webContents.send) travel apart, and
 * in the web host over HTTP and a WebSocket: a small job can end, and its last event arrive, before
 * the answer that names it. Such an event is remembered, and the job is read again as soon as it is
 * shown. Reads of main can also answer out of order; only the latest one asked is taken.
 */
export class JobFollower {
  /** The job on screen, known to the event handler as soon as it is shown (before React renders it). */
  private shown?: string;
  /** The state the shown job was last known in. */
  private state?: JobState;
  private endedEarly: string[] = [];
  private lastRead = 0;
  private reads = 0;

  constructor(
    private readonly read: (jobId: string) => Promise<EnablementJob>,
    private readonly set: (update: (job: EnablementJob | undefined) => EnablementJob | undefined) => void,
    public listeners: Listeners = {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Shows a job (or none). One that already ended behind this answer is read again now. */
  show(job: EnablementJob | undefined): void {
    this.shown = job?.jobId;
    this.state = job?.progress.state;
    this.reads++;
    this.set(() => job);
    if (!job) return;
    const early = this.endedEarly.indexOf(job.jobId);
    if (early < 0) return;
    this.endedEarly.splice(early, 1);
    this.refresh(job.jobId);
  }

  progress(progress: JobProgress): void {
    const finished = isJobFinished(progress.state);
    if (progress.jobId !== this.shown) {
      if (finished && progress.kind === 'enablement') this.endedEarly = [...this.endedEarly.slice(1 - ENDED_REMEMBERED), progress.jobId];
      return;
    }
    // A new state (paused, running again, ended) is read at once: that read also outdates one still
    // on its way, whose older answer ("running") would otherwise land after a "paused" and stay.
    const changed = progress.state !== this.state;
    this.state = progress.state;
    this.set((j) => (j?.jobId === progress.jobId ? { ...j, progress } : j));
    if (finished || changed || this.now() - this.lastRead > REFRESH_MS) this.refresh(progress.jobId);
  }

  private refresh(jobId: string): void {
    const read = ++this.reads;
    this.lastRead = this.now();
    this.read(jobId).then(
      (job) => {
        if (read !== this.reads || this.shown !== jobId) return;
        this.state = job.progress.state;
        this.set(() => job);
      },
      (e: unknown) => this.listeners.onError?.(e),
    );
  }
}
