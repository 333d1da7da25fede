import { z } from 'zod';
import { method } from './method';
import { jobIdSchema, jobProgressSchema } from '../models/jobs';

export const jobsApi = {
  'jobs.list': method(z.object({}).strict(), z.array(jobProgressSchema), 'Jobs started in this session and their last progress.'),
  'jobs.pause': method(z.object({ jobId: jobIdSchema }).strict(), jobProgressSchema, 'Hold a running job after its in-flight items; resume carries on.'),
  'jobs.resume': method(z.object({ jobId: jobIdSchema }).strict(), jobProgressSchema, 'Carry on with a paused job.'),
  'jobs.cancel': method(z.object({ jobId: jobIdSchema }).strict(), jobProgressSchema, 'Ask a running job to stop after its in-flight items.'),
};
