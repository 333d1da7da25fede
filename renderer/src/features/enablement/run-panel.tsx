import { isJobFinished } from '@shared/models/jobs';
import {
  Box,
  Button,
  Checkbox,
  FormControl,
  FormControlLabel,
  InputLabel,
  LinearProgress,
  MenuItem,
  Paper,
  Select,
  Stack,
  Switch,
  Tooltip,
  Typography,
} from '@mui/material';
import CancelIcon from '@mui/icons-material/Cancel';
import DoneAllIcon from '@mui/icons-material/DoneAll';
import DownloadIcon from '@mui/icons-material/Download';
import PauseIcon from '@mui/icons-material/Pause';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import ReplayIcon from '@mui/icons-material/Replay';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { BulkOperation, EnablementJob, JobCounts, JobEndpoint, ValidationCounts } from '@shared/models/enablement';
import { exchangeEndpointsOf, exchangeServerOf, sessionBudgetOf } from '@shared/models/profile';
import { useConnections } from '../../app/connections';

const active = (job?: EnablementJob) => !!job && !isJobFinished(job.progress.state);

/** The choices of sessions at once: a few steps up to what the profile's Exchange endpoints allow together. */
function concurrencyChoices(max: number): number[] {
  return [...[1, 2, 4, 8, 12, 18, 24, 36, 54, 72].filter((n) => n < max), max];
}

/**
 * Step 3: run options — dry run, concurrency, and the job-wide override of the Lync SIP address
 * check (never of Exchange's own rules) — live progress (each outcome counted once where it
 * belongs, remaining, rate, ETA), pause/cancel, export, re-run failed, and after a dry run the real
 * run of the rows it passed.
 */
export function RunPanel({
  operation,
  counts,
  allowSipMismatch,
  onAllowSipMismatch,
  mismatchedRows,
  job,
  dryRun,
  onDryRun,
  concurrency,
  onConcurrency,
  profile,
  onStart,
  onPause,
  onResume,
  onCancel,
  onExport,
  onRerunFailed,
  afterDryRunRows,
  onRunAfterDryRun,
  resumable,
  planAction,
}: {
  counts: ValidationCounts;
  allowSipMismatch: boolean;
  onAllowSipMismatch: (v: boolean) => void;
  /** Rows where the Lync SIP address check applies (overridden or not). */
  mismatchedRows: number;
  job?: EnablementJob;
  operation: BulkOperation;
  dryRun: boolean;
  onDryRun: (v: boolean) => void;
  concurrency: number;
  onConcurrency: (v: number) => void;
  /** The profile the rows were validated with: its Exchange endpoints and their session budgets bound the concurrency. */
  profile?: string;
  onStart: () => void;
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
  onExport: (format: 'csv' | 'json') => void;
  /** "Export plan": the ready rows planned for approval instead of run (features/plans). */
  planAction?: ReactNode;
  onRerunFailed: () => void;
  /** After a finished dry run: how many rows a real run would take (undefined: not offered). */
  afterDryRunRows?: number;
  onRunAfterDryRun: () => void;
  /** The job stopped with rows left and is listed among the unfinished jobs, where Resume carries on. */
  resumable: boolean;
}) {
  const { t, i18n } = useTranslation('enablement');
  const running = active(job);
  const startable = dryRun ? counts.ready + counts.notPermitted : counts.ready;
  const p = job?.progress;
  const c = job?.counts;
  const finished = c ? c.total - c.remaining : 0;
  const failedRows = c?.failed ?? 0;
  const { profiles } = useConnections();
  const endpoints = exchangeEndpointsOf(profiles.find((x) => x.name === profile) ?? {});
  const maxSessions = endpoints.reduce((sum, e) => sum + sessionBudgetOf(e), 0) || 8;
  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid="run-panel">
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <FormControlLabel
          control={<Checkbox checked={dryRun} onChange={(e) => onDryRun(e.target.checked)} disabled={running} data-testid="dry-run" />}
          label={t(operation === 'enable' ? 'run.dryRun' : 'run.dryRunDirectory')}
        />
        {(mismatchedRows > 0 || allowSipMismatch) && (
          // Above, not below: below it would cover the Start button of the next line, and an admin
          // (or a test) reaching for Start would hit the tooltip, which then stays over the confirmation.
          <Tooltip title={t('run.allowSipMismatchHelp')} placement="top">
            <FormControlLabel
              control={
                <Switch
                  checked={allowSipMismatch}
                  onChange={(e) => onAllowSipMismatch(e.target.checked)}
                  disabled={running || !!job}
                  color="warning"
                  data-testid="allow-sip-mismatch"
                />
              }
              label={t('run.allowSipMismatch', { count: mismatchedRows })}
            />
          </Tooltip>
        )}
        <FormControl size="small" sx={{ minWidth: 150 }}>
          <InputLabel id="run-concurrency">{t('run.concurrency')}</InputLabel>
          <Select
            labelId="run-concurrency"
            label={t('run.concurrency')}
            value={concurrency}
            onChange={(e) => onConcurrency(Number(e.target.value))}
            disabled={running}
          >
            {concurrencyChoices(maxSessions).map((n) => (
              <MenuItem key={n} value={n}>
                {n}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        {endpoints.length > 0 && (
          <Typography variant="caption" color="text.secondary" sx={{ maxWidth: 360 }} data-testid="run-endpoints">
            {t('run.endpoints', {
              count: endpoints.length,
              sessions: maxSessions,
              servers: endpoints
                .map((e) => t('run.endpointBudget', { server: exchangeServerOf(e), sessions: sessionBudgetOf(e) }))
                .join(t('run.listSeparator')),
            })}
          </Typography>
        )}
        {/* A dry run also takes the rows the account may not enable, so its report says so per row. */}
        <Button variant="contained" startIcon={<PlayArrowIcon />} disabled={!!job || startable === 0} onClick={onStart} data-testid="run-start">
          {t(dryRun ? 'run.startDry' : operation === 'enable' ? 'run.start' : `run.startOperation.${operation}`, { count: startable })}
        </Button>
        {planAction}
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
            {afterDryRunRows !== undefined && (
              <Button
                variant="contained"
                color="warning"
                startIcon={<DoneAllIcon />}
                disabled={afterDryRunRows === 0}
                onClick={onRunAfterDryRun}
                data-testid="run-after-dry-run"
              >
                {t(operation === 'enable' ? 'run.afterDryRun' : 'run.afterDryRunOperation', { count: afterDryRunRows })}
              </Button>
            )}
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
      {p && c && (
        <Box sx={{ mt: 2 }} data-testid="run-progress" data-state={p.state}>
          <LinearProgress
            variant="determinate"
            value={c.total ? (100 * finished) / c.total : 0}
            color={c.failed > 0 ? 'warning' : 'primary'}
            sx={{ height: 8, borderRadius: 1 }}
            aria-label={t('run.progressLabel')}
          />
          <Typography variant="body2" sx={{ mt: 1 }} data-testid="run-stats">
            {t(job.dryRun ? 'run.kind.dry' : 'run.kind.real')} · {t(`run.states.${p.state}`)} · {countsText(c, t)}
            {p.ratePerSecond ? ` · ${t('run.rate', { rate: p.ratePerSecond.toFixed(1) })}` : ''}
            {/* No time left while paused: nothing is running down. */}
            {running && p.state !== 'paused' && p.etaSeconds !== undefined ? ` · ${t('run.eta', { time: formatDuration(p.etaSeconds) })}` : ''}
          </Typography>
          {job && !running && (
            <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
              {afterDryRunRows !== undefined
                ? t('run.afterDryRunHelp')
                : resumable && c.remaining > 0
                  ? t('run.resumeAbove', { count: c.remaining })
                  : t('run.validateAgain')}
            </Typography>
          )}
          {running && p.message && (
            <Typography variant="caption" color="text.secondary">
              {p.message}
            </Typography>
          )}
          {running &&
            job.endpoints?.map((e) => (
              <Typography
                key={e.server}
                variant="caption"
                color={e.state === 'running' ? 'text.secondary' : 'warning.main'}
                sx={{ display: 'block' }}
                data-testid="run-endpoint-state"
                data-state={e.state}
              >
                {endpointText(e, t, i18n.language)}
              </Typography>
            ))}
        </Box>
      )}
    </Paper>
  );
}

/** One Exchange server as the job uses it: its sessions, and whether it waits on throttling or was drained (and when it is tried again). */
function endpointText(e: JobEndpoint, t: TFunction<'enablement'>, language: string): string {
  if (e.state === 'drained') {
    const drained = t('run.endpointDrained', { server: e.server });
    if (!e.retryAt) return drained;
    const time = new Date(e.retryAt).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    return `${drained}${t('run.listSeparator')}${t('run.endpointRetry', { time })}`;
  }
  const sessions = t('run.endpointSessions', { server: e.server, count: e.sessions, budget: e.budget });
  if (e.state === 'throttled') return `${sessions}${t('run.listSeparator')}${t('run.endpointThrottled', { seconds: e.waitSeconds ?? 0 })}`;
  return e.throttled > 0 ? `${sessions}${t('run.listSeparator')}${t('run.endpointAbsorbed', { count: e.throttled })}` : sessions;
}

/** Each outcome that occurred, counted once where it belongs, then what remains of the total. */
export function countsText(c: JobCounts, t: TFunction<'enablement'>): string {
  const parts = (['enabled', 'changed', 'validated', 'alreadyDone', 'failed', 'invalid', 'notPermitted', 'notRun', 'undone', 'skipped'] as const)
    .filter((k) => (c[k] ?? 0) > 0)
    .map((k) => t(`run.counts.${k}`, { count: c[k] }));
  if (parts.length === 0) return t('run.progressNone', { remaining: c.remaining, total: c.total });
  return t('run.progressOf', { parts: parts.join(t('run.listSeparator')), remaining: c.remaining, total: c.total });
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
