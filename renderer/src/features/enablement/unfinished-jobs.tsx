import { Alert, AlertTitle, Box, Button, Stack, Typography } from '@mui/material';
import ReplayIcon from '@mui/icons-material/Replay';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResumableJob } from '@shared/models/enablement';
import { csvFileTypes } from './read-file';

/**
 * Jobs whose journal says they did not finish (an app closed mid-run, a cancel, a crash), any file:
 * Resume carries on where each stopped, as the CLI does. A job whose file is still held resumes at
 * once; otherwise the admin picks the same file again, since the console never keeps a copy (it
 * may hold PINs), and main refuses a different one.
 */
export function UnfinishedJobs({ jobs, disabled, onResume }: { jobs: ResumableJob[]; disabled: boolean; onResume: (job: ResumableJob, file?: File) => void }) {
  const { t, i18n } = useTranslation('enablement');
  const input = useRef<HTMLInputElement>(null);
  const [picking, setPicking] = useState<ResumableJob>();
  if (jobs.length === 0) return null;
  return (
    <Alert severity="info" data-testid="unfinished-jobs" sx={{ '& .MuiAlert-message': { width: '100%' } }}>
      <AlertTitle>{t('unfinished.title', { count: jobs.length })}</AlertTitle>
      <Stack spacing={1}>
        {jobs.map((job) => (
          <Stack
            key={job.jobId}
            direction={{ xs: 'column', sm: 'row' }}
            spacing={1}
            sx={{ alignItems: { sm: 'center' } }}
            data-testid={`unfinished-${job.jobId}`}
          >
            <Box sx={{ flexGrow: 1, minWidth: 0 }}>
              <Typography variant="body2" sx={{ fontWeight: 600 }}>
                {job.rollbackOf
                  ? t('rollback.ofJob', { file: job.fileName, jobId: job.rollbackOf })
                  : `${job.fileName} · ${t(`operation.names.${job.operation ?? 'enable'}`)}`}
                {job.dryRun ? ` · ${t('unfinished.dryRun')}` : ''}
              </Typography>
              <Typography variant="body2">
                {t('unfinished.text', {
                  when: new Date(job.createdAt).toLocaleString(i18n.language),
                  profile: job.profile,
                  finished: job.finished,
                  total: job.total,
                  count: job.inFlight,
                })}
                {job.importId || job.rollbackOf ? '' : ` ${t('unfinished.needsFile', { file: job.fileName })}`}
              </Typography>
            </Box>
            <Button
              variant="outlined"
              color="inherit"
              startIcon={<ReplayIcon />}
              disabled={disabled}
              sx={{ flexShrink: 0 }}
              data-testid="resume-job"
              onClick={() => {
                // A rollback carries on from its journal and the directory: no file.
                if (job.importId || job.rollbackOf) return onResume(job);
                setPicking(job);
                input.current?.click();
              }}
            >
              {t(job.importId || job.rollbackOf ? 'unfinished.resume' : 'unfinished.resumeWithFile')}
            </Button>
          </Stack>
        ))}
      </Stack>
      <input
        ref={input}
        type="file"
        accept={csvFileTypes}
        hidden
        data-testid="resume-file-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file && picking) onResume(picking, file);
          e.target.value = '';
        }}
      />
    </Alert>
  );
}
