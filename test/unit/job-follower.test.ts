import { describe, expect, it } from 'vitest';
import type { EnablementJob } from '@shared/models/enablement';
import type { JobProgress, JobState } from '@shared/models/jobs';
import { JobFollower } from '../../renderer/src/features/enablement/job-follower';

const progress = (jobId: string, state: JobState, done = 0): JobProgress => ({
  jobId,
  kind: 'enablement',
  title: 'undo.csv',
  state,
  total: 3,
  done,
  failed: 0,
  startedAt: '2026-12-01T00:00:00.000Z',
});
const jobOf = (p: JobProgress) => ({ jobId: p.jobId, progress: p }) as unknown as EnablementJob;

/** A screen's follower on a clock the test sets, with main's answers to `enablement.job` released by the test in any order. */
function screen() {
  let shown: EnablementJob | undefined;
  const reads: Array<{ jobId: string; answer: (job: EnablementJob) => void }> = [];
  const clock = { now: 10_000 };
  const follower = new JobFollower(
    (jobId) => new Promise((answer) => reads.push({ jobId, answer })),
    (update) => (shown = update(shown)),
    {},
    () => clock.now,
  );
  return { follower, reads, clock, state: () => shown?.progress.state };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('a job followed on screen', () => {
  it('ended before its start call answered: it is read again when shown, and shows as ended', async () => {
    const s = screen();
    // The job's events overtake the answer of the call that started it (a rollback of 3 rows ends at once).
    s.follower.progress(progress('job-aaaaaa', 'running', 1));
    s.follower.progress(progress('job-aaaaaa', 'completed', 3));
    s.follower.show(jobOf(progress('job-aaaaaa', 'running')));
    expect(s.state()).toBe('running');
    expect(s.reads.map((r) => r.jobId)).toEqual(['job-aaaaaa']);
    s.reads[0]!.answer(jobOf(progress('job-aaaaaa', 'completed', 3)));
    await settle();
    expect(s.state()).toBe('completed');
  });

  it('takes only the latest read of main when two answer out of order', async () => {
    const s = screen();
    s.follower.show(jobOf(progress('job-bbbbbb', 'running')));
    s.clock.now += 5_000;
    s.follower.progress(progress('job-bbbbbb', 'running', 1)); // read 1: running
    s.follower.progress(progress('job-bbbbbb', 'completed', 3)); // read 2: completed
    s.reads[1]!.answer(jobOf(progress('job-bbbbbb', 'completed', 3)));
    await settle();
    s.reads[0]!.answer(jobOf(progress('job-bbbbbb', 'running', 1)));
    await settle();
    expect(s.state()).toBe('completed');
  });

  it('reads main at most once a second while events stream in, and always when the job ends', () => {
    const s = screen();
    s.follower.show(jobOf(progress('job-cccccc', 'running')));
    for (let done = 1; done <= 3; done++) {
      s.clock.now += 300;
      s.follower.progress(progress('job-cccccc', 'running', done));
    }
    expect(s.reads).toHaveLength(1);
    s.follower.progress(progress('job-cccccc', 'completed', 3));
    expect(s.reads).toHaveLength(2);
  });

  it('ignores another job and an answer for a job no longer shown', async () => {
    const s = screen();
    s.follower.show(jobOf(progress('job-dddddd', 'running')));
    s.follower.progress(progress('job-eeeeee', 'running', 1));
    expect(s.reads).toHaveLength(0);
    s.follower.progress(progress('job-dddddd', 'completed', 3));
    s.follower.show(undefined);
    s.reads[0]!.answer(jobOf(progress('job-dddddd', 'completed', 3)));
    await settle();
    expect(s.state()).toBeUndefined();
  });

  it('reads main again when the state changes, so an older answer does not undo a pause', async () => {
    const s = screen();
    s.follower.show(jobOf(progress('job-ffffff', 'running')));
    s.clock.now += 5_000;
    s.follower.progress(progress('job-ffffff', 'running', 1)); // read 1, on its way
    s.follower.progress(progress('job-ffffff', 'paused', 1)); // no more events after this one
    expect(s.reads).toHaveLength(2);
    s.reads[1]!.answer(jobOf(progress('job-ffffff', 'paused', 1)));
    await settle();
    s.reads[0]!.answer(jobOf(progress('job-ffffff', 'running', 1)));
    await settle();
    expect(s.state()).toBe('paused');
  });
});
