import { describe, expect, it } from 'vitest';
import { EventBus } from '../../electron/services/core/event-bus';
import { JobManager } from '../../electron/services/jobs/job-manager';

describe('job manager', () => {
  it('reports progress and completion as events', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((name, payload) => {
      if (name === 'job.progress') seen.push((payload as { state: string }).state);
    });
    const jobs = new JobManager(bus);
    const started = jobs.start('test', 'Test job', 3, async (ctx) => {
      for (let i = 1; i <= 3; i++) ctx.progress({ done: i });
      return 'all done';
    });
    const final = await jobs.wait(started.jobId);
    expect(final).toMatchObject({ state: 'completed', done: 3, total: 3, message: 'all done' });
    expect(seen[0]).toBe('running');
    expect(seen.at(-1)).toBe('completed');
  });

  it('cancels a job waiting at its pause gate', async () => {
    const jobs = new JobManager(new EventBus());
    let reached = 0;
    const started = jobs.start('test', 'Pausable', 10, async (ctx) => {
      for (let i = 0; i < 10; i++) {
        await ctx.waitIfPaused();
        reached = i;
        if (i === 2) jobs.pause(ctx.jobId);
      }
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(jobs.get(started.jobId).state).toBe('paused');
    jobs.cancel(started.jobId);
    const final = await jobs.wait(started.jobId);
    expect(final.state).toBe('cancelled');
    expect(reached).toBe(2);
  });

  it('turns a failure into a failed state with a safe message', async () => {
    const jobs = new JobManager(new EventBus());
    const started = jobs.start('test', 'Failing', 1, async () => {
      throw new Error('secret details');
    });
    const final = await jobs.wait(started.jobId);
    expect(final.state).toBe('failed');
    expect(JSON.stringify(final)).not.toContain('secret details');
  });
});
