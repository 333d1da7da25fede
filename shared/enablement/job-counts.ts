import type { JobCounts, RowResult } from '../models/enablement';

/**
 * A job's rows by outcome, each counted once where it belongs: an invalid or not-permitted row is
 * never "failed" (it was never sent), an already-done row is never "enabled". The screen, the
 * exported results and the CLI all count with this.
 */
export function countResults(results: readonly RowResult[], total: number): JobCounts {
  const counts: JobCounts = {
    total,
    enabled: 0,
    validated: 0,
    alreadyDone: 0,
    failed: 0,
    invalid: 0,
    notPermitted: 0,
    notRun: 0,
    undone: 0,
    skipped: 0,
    remaining: 0,
  };
  const key = {
    enabled: 'enabled',
    changed: 'changed',
    validated: 'validated',
    'already-done': 'alreadyDone',
    failed: 'failed',
    invalid: 'invalid',
    'not-permitted': 'notPermitted',
    'not-run': 'notRun',
    undone: 'undone',
    skipped: 'skipped',
  } as const;
  for (const result of results) counts[key[result.outcome]] = (counts[key[result.outcome]] ?? 0) + 1;
  counts.remaining = Math.max(0, total - results.length);
  return counts;
}

/** The counts in a sentence for logs and the CLI, naming only what occurred: "5 rows: 4 enabled, 1 invalid." */
export function describeCounts(counts: JobCounts): string {
  const parts = (
    [
      ['enabled', counts.enabled],
      ['changed', counts.changed ?? 0],
      ['would succeed', counts.validated],
      ['already done', counts.alreadyDone],
      ['failed', counts.failed],
      ['invalid', counts.invalid],
      ['not permitted', counts.notPermitted],
      ['not run', counts.notRun],
      ['undone', counts.undone],
      ['skipped', counts.skipped],
      ['not reached', counts.remaining],
    ] as const
  ).filter(([, n]) => n > 0);
  return `${counts.total} rows: ${parts.length ? parts.map(([name, n]) => `${n} ${name}`).join(', ') : 'none finished'}.`;
}
