import { Box, Button, Checkbox, FormControl, FormControlLabel, InputLabel, LinearProgress, MenuItem, Paper, Select, Stack, Switch, Tooltip, Typography } from '@mui/material';
import CancelIcon from '@mui/icons-material/Cancel';
import DownloadIcon from '@mui/icons-material/Download';
import PauseIcon from '@mui/icons-material/Pause';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import ReplayIcon from '@mui/icons-material/Replay';
import { useTranslation } from 'react-i18next';
import type { EnablementJob, ValidationCounts } from '@shared/models/enablement';

const active = (job?: EnablementJob) => !!job && ['running', 'paused', 'cancelling', 'queued'].includes(job.progress.state);

/**
 * Step 3: run options — dry run, concurrency, and the job-wide override of the Lync SIP address
 * check (never of Exchange's own rules) — live progress (done, failed, remaining, rate, ETA),
 * pause/cancel, export and re-run failed.
 */
export function RunPanel({
  counts,
  allowSipMismatch,
  onAllowSipMismatch,
  mismatchedRows,
  job,
  dryRun,
  onDryRun,
  concurrency,
  onConcurrency,
  onStart,
  onPause,
  onResume,
  onCancel,
  onExport,
  onRerunFailed,
}: {
  counts: ValidationCounts;
  allowSipMismatch: boolean;
  onAllowSipMismatch: (v: boolean) => void;
  /** Rows where the Lync SIP address check applies (overridden or not). */
  mismatchedRows: number;
  job?: EnablementJob;
  dryRun: boolean;
  onDryRun: (v: boolean) => void;
  concurrency: number;
  onConcurrency: (v: number) => void;
  onStart: () => void;
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
  onExport: (format: 'csv' | 'json') => void;
  onRerunFailed: () => void;
}) {
  const { t } = useTranslation('enablement');
  const running = active(job);
  const p = job?.progress;
  const finished = p ? p.done + p.failed : 0;
  const failedRows = job?.results.filter((r) => r.outcome === 'failed').length ?? 0;
  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid="run-panel">
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <FormControlLabel control={<Checkbox checked={dryRun} onChange={(e) => onDryRun(e.target.checked)} disabled={running} data-testid="dry-run" />} label={t('run.dryRun')} />
        {(mismatchedRows > 0 || allowSipMismatch) && (
          <Tooltip title={t('run.allowSipMismatchHelp')}>
            <FormControlLabel
              control={<Switch checked={allowSipMismatch} onChange={(e) => onAllowSipMismatch(e.target.checked)} disabled={running || !!job} color="warning" data-testid="allow-sip-mismatch" />}
              label={t('run.allowSipMismatch', { count: mismatchedRows })}
            />
          </Tooltip>
        )}
        <FormControl size="small" sx={{ minWidth: 150 }}>
          <InputLabel id="run-concurrency">{t('run.concurrency')}</InputLabel>
          <Select labelId="run-concurrency" label={t('run.concurrency')} value={concurrency} onChange={(e) => onConcurrency(Number(e.target.value))} disabled={running}>
            {[1, 2, 3, 4, 6, 8].map((n) => (
              <MenuItem key={n} value={n}>
                {n}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <Button variant="contained" startIcon={<PlayArrowIcon />} disabled={!!job || counts.ready === 0} onClick={onStart} data-testid="run-start">
          {t(dryRun ? 'run.startDry' : 'run.start', { count: counts.ready })}
        </Button>
        {running && p?.state !== 'paused' && (
          <Button startIcon={<PauseIcon />} onClick={onPause} disabled={p?.state === 'cancelling'} data-testid="run-pause">
            {t('run.pause')}
          </Button>
        )}
        {running && p?.state === 'paused' && (
          <Button startIcon={<PlayArrowIcon />} onClick={onResume} data-testid="run-resume">
            {t('run.resume')}
          </Button>
        )}
        {running && (
          <Button color="error" startIcon={<CancelIcon />} onClick={onCancel} disabled={p?.state === 'cancelling'} data-testid="run-cancel">
            {t('run.cancel')}
          </Button>
        )}
        <Box sx={{ flexGrow: 1 }} />
        {job && !running && (
          <>
            {failedRows > 0 && (
              <Button startIcon={<ReplayIcon />} onClick={onRerunFailed} data-testid="run-rerun-failed">
                {t('run.rerunFailed', { count: failedRows })}
              </Button>
            )}
            <Button startIcon={<DownloadIcon />} onClick={() => onExport('csv')} data-testid="export-csv">
              {t('run.exportCsv')}
            </Button>
            <Button startIcon={<DownloadIcon />} onClick={() => onExport('json')} data-testid="export-json">
              {t('run.exportJson')}
            </Button>
          </>
        )}
      </Stack>
      {p && (
        <Box sx={{ mt: 2 }} data-testid="run-progress" data-state={p.state}>
          <LinearProgress variant="determinate" value={p.total ? (100 * finished) / p.total : 0} color={p.failed > 0 ? 'warning' : 'primary'} sx={{ height: 8, borderRadius: 1 }} />
          <Typography variant="body2" sx={{ mt: 1 }} data-testid="run-stats">
            {t(`run.states.${p.state}`)} ·{' '}
            {t('run.stats', { done: p.done, failed: p.failed, remaining: Math.max(0, p.total - finished), total: p.total })}
            {p.ratePerSecond ? ` · ${t('run.rate', { rate: p.ratePerSecond.toFixed(1) })}` : ''}
            {running && p.etaSeconds !== undefined ? ` · ${t('run.eta', { time: formatDuration(p.etaSeconds) })}` : ''}
          </Typography>
          {job && !running && <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>{t('run.validateAgain')}</Typography>}
          {running && p.message && (
            <Typography variant="caption" color="text.secondary">
              {p.message}
            </Typography>
          )}
        </Box>
      )}
    </Paper>
  );
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
