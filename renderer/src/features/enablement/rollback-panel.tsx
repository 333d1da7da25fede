import { isJobFinished } from '@shared/models/jobs';
import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Alert,
  Box,
  Button,
  LinearProgress,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import CancelIcon from '@mui/icons-material/Cancel';
import DownloadIcon from '@mui/icons-material/Download';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import UndoIcon from '@mui/icons-material/Undo';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FinishedJob, RollbackPreview } from '@shared/models/enablement';
import { toApiError, useAction, type CallState } from '../../api/api-context';
import type { ApiError } from '@shared/errors';
import { ErrorAlert } from '../../components/error-alert';
import { downloadText } from '../../components/download-text';
import { ConfirmRunDialog, type ActingAccount } from './confirm-run-dialog';
import { useFollowedJob } from './followed-job';
import { countsText } from './run-panel';

/** Skipped rows listed in the confirmation; the export has them all. */
const SHOWN_SKIPPED = 50;

/**
 * Finished and cancelled jobs, newest first, each with Roll back: main reads the directory and says
 * how many rows would be undone and which are skipped and why; the admin confirms as for a run; the
 * rollback then runs as a job of its own, with progress, cancel and export, and joins the list.
 */
export function RollbackJobs({
  list,
  disabled,
  account,
  resume,
  onResumeHandled,
}: {
  /**
   * The finished jobs, newest first. The screen reads them before it shows and again when a job
   * ends, and the list is there even when empty (collapsed, one line): appearing later, above the
   * file, it would move the file's buttons under the admin's pointer.
   */
  list: CallState<FinishedJob[]>;
  disabled: boolean;
  account: (profile: string) => ActingAccount;
  /** A job whose unfinished rollback the admin chose to carry on (from the unfinished jobs): previewed and confirmed like a new one. */
  resume?: string;
  onResumeHandled: () => void;
}) {
  const { t, i18n } = useTranslation('enablement');
  const action = useAction();
  const [preview, setPreview] = useState<RollbackPreview>();
  /** The rollback on screen. */
  const [followError, setFollowError] = useState<ApiError>();
  const { job, show: showJob } = useFollowedJob({ onError: (e) => setFollowError(toApiError(e)) });
  const running = !!job && !isJobFinished(job.progress.state);
  const ask = (jobId: string) => action.run(async (client) => setPreview(await client.call('enablement.rollbackPreview', { jobId })));
  useEffect(() => {
    if (!resume) return;
    onResumeHandled();
    void ask(resume);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [resume]);

  const jobs = list.data ?? [];
  const label = (j: FinishedJob) => (j.rollbackOf ? t('rollback.ofJob', { file: j.fileName, jobId: j.rollbackOf }) : j.fileName);
  const skipped = preview?.rows.filter((r) => r.action === 'skip') ?? [];
  const operation = preview?.operation ?? 'enable';
  /** What the admin should know of the rows undone (a new PIN), each said once. */
  const notes = [...new Map((preview?.rows ?? []).flatMap((r) => (r.note ? [[r.note.code, r.note] as const] : []))).values()];
  return (
    <Accordion disableGutters variant="outlined" defaultExpanded={false} data-testid="finished-jobs">
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="subtitle1">{t('rollback.title', { count: jobs.length })}</Typography>
      </AccordionSummary>
      <AccordionDetails>
        <Stack spacing={1}>
          <Typography variant="body2" color="text.secondary">
            {t('rollback.intro')}
          </Typography>
          {jobs.map((j) => (
            <Stack key={j.jobId} direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ alignItems: { sm: 'center' } }} data-testid={`finished-${j.jobId}`}>
              <Box sx={{ flexGrow: 1, minWidth: 0 }}>
                <Typography variant="body2" sx={{ fontWeight: 600 }}>
                  {label(j)}
                </Typography>
                <Typography variant="body2">
                  {t('rollback.jobText', {
                    jobId: j.jobId,
                    when: new Date(j.createdAt).toLocaleString(i18n.language),
                    profile: j.profile,
                    state: t(`run.states.${j.state}`),
                  })}
                  {!j.rollbackOf && ` · ${t(`operation.names.${j.operation ?? 'enable'}`)}`}
                  {' · '}
                  {countsText(j.counts, t)}
                </Typography>
              </Box>
              {!j.rollbackOf && (
                <Button
                  variant="outlined"
                  color="warning"
                  startIcon={<UndoIcon />}
                  disabled={disabled || running || action.busy}
                  sx={{ flexShrink: 0 }}
                  data-testid="rollback-job"
                  onClick={() => void ask(j.jobId)}
                >
                  {t('rollback.action')}
                </Button>
              )}
            </Stack>
          ))}
          {job && (
            <Box data-testid="rollback-progress" data-state={job.progress.state}>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                <Typography variant="body2" sx={{ flexGrow: 1 }} data-testid="rollback-stats">
                  {t('rollback.running', { file: job.fileName })} · {t(`run.states.${job.progress.state}`)} · {countsText(job.counts, t)}
                </Typography>
                {running && (
                  <Button
                    color="error"
                    startIcon={<CancelIcon />}
                    onClick={() => void action.run((client) => client.call('jobs.cancel', { jobId: job.jobId }))}
                  >
                    {t('run.cancel')}
                  </Button>
                )}
                {!running &&
                  (['csv', 'json'] as const).map((format) => (
                    <Button
                      key={format}
                      startIcon={<DownloadIcon />}
                      data-testid={`rollback-export-${format}`}
                      onClick={() =>
                        void action.run(async (client) => {
                          const file = await client.call('enablement.export', { jobId: job.jobId, format });
                          downloadText(file.fileName, file.mimeType, file.content);
                        })
                      }
                    >
                      {t(format === 'csv' ? 'run.exportCsv' : 'run.exportJson')}
                    </Button>
                  ))}
              </Stack>
              <LinearProgress
                variant="determinate"
                value={job.counts.total ? (100 * (job.counts.total - job.counts.remaining)) / job.counts.total : 0}
                sx={{ mt: 1 }}
                aria-label={t('run.progressLabel')}
              />
            </Box>
          )}
          <ErrorAlert error={action.error ?? followError ?? list.error} />
        </Stack>
      </AccordionDetails>
      {preview && (
        <ConfirmRunDialog
          open
          rows={preview.undo}
          account={account(preview.profile)}
          texts={{
            title: t('rollback.confirmTitle', { file: preview.fileName }),
            text: preview.undo
              ? t('rollback.confirmText', {
                  count: preview.undo,
                  total: preview.total,
                  operation: t(`operation.names.${operation}`),
                  how: t(`rollback.how.${operation}`),
                })
              : t('rollback.nothingLeft', { count: preview.total }),
            accept: t('rollback.accept', { count: preview.undo }),
          }}
          onCancel={() => setPreview(undefined)}
          onConfirm={
            preview.undo === 0
              ? undefined
              : () =>
                  void action.run(async (client) => {
                    const jobId = preview.jobId;
                    setPreview(undefined);
                    showJob(await client.call('enablement.rollback', { jobId, concurrency: 2 }));
                  })
          }
        >
          {notes.map((note) => (
            <Alert key={note.code} severity="warning" sx={{ mb: 2 }} data-testid={`rollback-note-${note.code}`}>
              {String(t(`enablement-messages:${note.code}`, note.params))}
            </Alert>
          ))}
          {skipped.length > 0 && (
            <Box sx={{ mb: 2 }} data-testid="rollback-skipped">
              <Typography variant="body2" sx={{ fontWeight: 600, mb: 1 }}>
                {t('rollback.skipped', { count: skipped.length })}
              </Typography>
              <Table size="small">
                <TableHead>
                  <TableRow>
                    <TableCell>{t('grid.line')}</TableCell>
                    <TableCell>Identity</TableCell>
                    <TableCell>{t('rollback.reason')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {skipped.slice(0, SHOWN_SKIPPED).map((r) => (
                    <TableRow key={r.line} data-testid={`rollback-skip-${r.line}`}>
                      <TableCell>{r.line}</TableCell>
                      <TableCell sx={{ wordBreak: 'break-all' }}>{r.identity}</TableCell>
                      <TableCell>{r.reason ? String(t(`enablement-messages:${r.reason.code}`, r.reason.params)) : ''}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
              {skipped.length > SHOWN_SKIPPED && (
                <Typography variant="caption" color="text.secondary">
                  {t('rollback.moreSkipped', { count: skipped.length - SHOWN_SKIPPED })}
                </Typography>
              )}
            </Box>
          )}
        </ConfirmRunDialog>
      )}
    </Accordion>
  );
}
