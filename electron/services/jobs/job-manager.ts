import { randomBytes } from 'node:crypto';
import { isJobFinished, type JobProgress } from '@shared/models/jobs';
import { ApiError, isApiError } from '@shared/errors';
import type { EventBus } from '../core/event-bus';

/** What a running job sees: its cancel signal, a pause gate and a way to report progress. */
export interface JobContext {
  readonly jobId: string;
  readonly signal: AbortSignal;
  progress(update: Partial<Pick<JobProgress, 'total' | 'done' | 'failed' | 'message'>>): void;
  /** Resolves at once, or when a paused job is resumed; rejects when the job is cancelled. */
  waitIfPaused(): Promise<void>;
}

interface JobRecord {
  progress: JobProgress;
  controller: AbortController;
  paused: boolean;
  resumeWaiters: Array<() => void>;
  finished: Promise<JobProgress>;
  lastEmit: number;
  samples: Array<{ at: number; done: number }>;
}

const EMIT_INTERVAL_MS = 200;

/**
 * Long tasks (bulk enablement, gateway setup, subtree scans) run as jobs with an id, a state,
 * progress, pause and cancel — broadcast as `job.progress` events to every transport.
 */
export class JobManager {
  private readonly jobs = new Map<string, JobRecord>();

  constructor(private readonly bus: EventBus) {}

  start(kind: string, title: string, total: number, run: (ctx: JobContext) => Promise<string | void>, jobId?: string): JobProgress {
    const id = jobId ?? `${kind.replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}-${randomBytes(6).toString('hex')}`;
    if (this.jobs.get(id) && !isFinished(this.jobs.get(id)!.progress)) throw new ApiError('CONFLICT', `Job ${id} is already running.`);
    const controller = new AbortController();
    const record: JobRecord = {
      progress: { jobId: id, kind, title, state: 'running', total, done: 0, failed: 0, startedAt: new Date().toISOString() },
      controller,
      paused: false,
      resumeWaiters: [],
      finished: Promise.resolve(undefined as unknown as JobProgress),
      lastEmit: 0,
      samples: [{ at: Date.now(), done: 0 }],
    };
    this.jobs.set(id, record);
    const ctx: JobContext = {
      jobId: id,
      signal: controller.signal,
      progress: (update) => this.update(record, update),
      waitIfPaused: () => this.waitIfPaused(record),
    };
    record.finished = (async () => {
      try {
        const message = await run(ctx);
        const cancelled = controller.signal.aborted;
        this.finish(record, cancelled ? 'cancelled' : 'completed', message ?? undefined);
      } catch (error) {
        if (controller.signal.aborted || (isApiError(error) && error.code === 'CANCELLED')) this.finish(record, 'cancelled');
        else {
          const envelope = isApiError(error) ? error.toEnvelope() : { code: 'INTERNAL' as const, message: 'The job stopped because of an internal error.' };
          this.finish(record, 'failed', envelope.message, envelope);
        }
      }
      return record.progress;
    })();
    this.emit(record, true);
    return record.progress;
  }

  list(): JobProgress[] {
    return [...this.jobs.values()].map((j) => j.progress);
  }

  get(jobId: string): JobProgress {
    return this.record(jobId).progress;
  }

  /** Whether this process runs the job now (a job only on disk, or ended, is not running). */
  isRunning(jobId: string): boolean {
    const record = this.jobs.get(jobId);
    return !!record && !isJobFinished(record.progress.state);
  }

  /** Resolves with the final progress when the job ends (the CLI and tests wait on this). */
  wait(jobId: string): Promise<JobProgress> {
    return this.record(jobId).finished;
  }

  cancel(jobId: string): JobProgress {
    const record = this.record(jobId);
    if (isFinished(record.progress)) return record.progress;
    record.progress = { ...record.progress, state: 'cancelling' };
    record.controller.abort();
    this.releasePause(record);
    this.emit(record, true);
    return record.progress;
  }

  pause(jobId: string): JobProgress {
    const record = this.record(jobId);
    if (record.progress.state !== 'running') return record.progress;
    record.paused = true;
    record.progress = { ...record.progress, state: 'paused' };
    this.emit(record, true);
    return record.progress;
  }

  resume(jobId: string): JobProgress {
    const record = this.record(jobId);
    if (record.progress.state !== 'paused') return record.progress;
    record.progress = { ...record.progress, state: 'running' };
    this.releasePause(record);
    this.emit(record, true);
    return record.progress;
  }

  /** Cancels everything still running (application shutdown). */
  async cancelAll(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => !isFinished(j.progress));
    for (const job of running) this.cancel(job.progress.jobId);
    await Promise.all(running.map((j) => j.finished));
  }

  private record(jobId: string): JobRecord {
    const record = this.jobs.get(jobId);
    if (!record) throw new ApiError('NOT_FOUND', `There is no job ${jobId}.`);
    return record;
  }

  private releasePause(record: JobRecord): void {
    record.paused = false;
    const waiters = record.resumeWaiters.splice(0);
    for (const wake of waiters) wake();
  }

  private waitIfPaused(record: JobRecord): Promise<void> {
    if (record.controller.signal.aborted) return Promise.reject(new ApiError('CANCELLED', 'The job was cancelled.'));
    if (!record.paused) return Promise.resolve();
    return new Promise((resolve, reject) => {
      record.resumeWaiters.push(() => (record.controller.signal.aborted ? reject(new ApiError('CANCELLED', 'The job was cancelled.')) : resolve()));
    });
  }

  private update(record: JobRecord, update: Partial<Pick<JobProgress, 'total' | 'done' | 'failed' | 'message'>>): void {
    const next = { ...record.progress, ...update };
    const now = Date.now();
    record.samples.push({ at: now, done: next.done + next.failed });
    // Rate over the last ~10 seconds, so a pause or a slow patch does not skew the ETA forever.
    while (record.samples.length > 2 && now - record.samples[0]!.at > 10_000) record.samples.shift();
    const first = record.samples[0]!;
    const elapsed = (now - first.at) / 1000;
    const processed = next.done + next.failed - first.done;
    if (elapsed > 0.5 && processed > 0) {
      next.ratePerSecond = processed / elapsed;
      next.etaSeconds = Math.max(0, (next.total - next.done - next.failed) / next.ratePerSecond);
    }
    record.progress = next;
    this.emit(record, false);
  }

  private finish(record: JobRecord, state: JobProgress['state'], message?: string, error?: JobProgress['error']): void {
    record.progress = {
      ...record.progress,
      state,
      finishedAt: new Date().toISOString(),
      etaSeconds: 0,
      ...(message ? { message } : {}),
      ...(error ? { error } : {}),
    };
    this.emit(record, true);
  }

  private emit(record: JobRecord, force: boolean): void {
    const now = Date.now();
    if (!force && now - record.lastEmit < EMIT_INTERVAL_MS) return;
    record.lastEmit = now;
    this.bus.emit('job.progress', record.progress);
  }
}

function isFinished(progress: JobProgress): boolean {
  return isJobFinished(progress.state);
}
