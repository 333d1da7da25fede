import { useRef, useState } from 'react';
import type { EnablementJob } from '@shared/models/enablement';
import { useApi, useEvent } from '../../api/api-context';
import { JobFollower, type Listeners } from './job-follower';

/** A {@link JobFollower} for a React screen: the job it shows, and `show` for a job just started (or none). */
export function useFollowedJob(listeners: Listeners = {}) {
  const api = useApi();
  const [job, setJob] = useState<EnablementJob>();
  const follower = useRef<JobFollower>(undefined);
  follower.current ??= new JobFollower((jobId) => api.call('enablement.job', { jobId }), setJob);
  follower.current.listeners = listeners;
  const current = follower.current;
  useEvent('job.progress', (progress) => current.progress(progress));
  return { job, show: (next: EnablementJob | undefined) => current.show(next) };
}
