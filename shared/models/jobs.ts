import { z } from 'zod';
import { errorEnvelopeSchema } from '../errors';

export const jobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);

export const jobStateSchema = z.enum(['queued', 'running', 'paused', 'cancelling', 'cancelled', 'completed', 'failed']);
export type JobState = z.infer<typeof jobStateSchema>;

/** A job has ended (and can be resumed or exported); every other state, `queued` included, holds its rows. */
export function isJobFinished(state: JobState): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled';
}

/** A long task's progress, broadcast as it changes; the same shape for every kind of job. */
export const jobProgressSchema = z.object({
  jobId: jobIdSchema,
  kind: z.string(),
  title: z.string(),
  state: jobStateSchema,
  total: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  ratePerSecond: z.number().nonnegative().optional(),
  etaSeconds: z.number().nonnegative().optional(),
  message: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  error: errorEnvelopeSchema.optional(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;
