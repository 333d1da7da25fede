import { Accordion, AccordionDetails, AccordionSummary, Alert, Button, LinearProgress, Stack, Typography } from '@mui/material';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnablementColumnMapping, EnablementFieldName, EnablementJob, ImportSummary, RowMessage, ValidatedRow, ValidationResult } from '@shared/models/enablement';
import type { ApiError } from '@shared/errors';
import { toApiError, useApi, useEvent } from '../../api/api-context';
import { useConnections } from '../../app/connections';
import type { ScreenProps } from '../../app/screen-router';
import { ErrorAlert } from '../../components/error-alert';
import { NotConnected } from '../../components/not-connected';
import { Page } from '../../components/page';
import { downloadText } from '../../components/download-text';
import { ImportPanel } from './import-panel';
import { MappingPanel } from './mapping-panel';
import { onlyLyncCheckStands, RowsGrid } from './rows-grid';
import { RunPanel } from './run-panel';

/** Bulk UM enablement: import a CSV, map its columns, validate every row, fix cells, run, export the results. */
export function EnablementPage({ navigate }: ScreenProps) {
  const { t } = useTranslation('enablement');
  const { connected } = useConnections();
  if (connected.length === 0) {
    return (
      <Page title={t('title')} testId="page-enablement">
        <NotConnected onOpenSettings={() => navigate('settings')} />
      </Page>
    );
  }
  return (
    <Page title={t('title')} testId="page-enablement">
      <EnablementView profiles={connected.map((c) => ({ profile: c.profile, label: c.forest ? `${c.forest} (${c.profile})` : c.profile }))} />
    </Page>
  );
}

function EnablementView({ profiles }: { profiles: Array<{ profile: string; label: string }> }) {
  const { t } = useTranslation('enablement');
  const api = useApi();
  const [summary, setSummary] = useState<ImportSummary>();
  const [mapping, setMapping] = useState<EnablementColumnMapping>({});
  const [profile, setProfile] = useState<string | undefined>(profiles[0]?.profile);
  const [propose, setPropose] = useState(false);
  const [allowSipMismatch, setAllowSipMismatch] = useState(false);
  const [validation, setValidation] = useState<ValidationResult>();
  const [job, setJob] = useState<EnablementJob>();
  const [dryRun, setDryRun] = useState(false);
  const [concurrency, setConcurrency] = useState(2);
  const [busy, setBusy] = useState(false);
  const [mappingOpen, setMappingOpen] = useState(true);
  const [error, setError] = useState<ApiError>();
  const lastFetch = useRef(0);

  const attempt = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const imported = (next: ImportSummary) => {
    setSummary(next);
    setMapping(next.mapping);
    // An override is a decision about one file: a new file starts without it.
    setAllowSipMismatch(false);
    setValidation(undefined);
    setJob(undefined);
    setMappingOpen(true);
  };
  const validate = () =>
    attempt(async () => {
      if (!summary || !profile) return;
      setJob(undefined);
      setValidation(await api.call('enablement.validate', { importId: summary.importId, profile, mapping, proposeExtensions: propose, allowSipMismatch }));
      setMappingOpen(false);
    });
  /** Sends cell edits or override changes; main re-checks and returns the rows that changed. */
  const change = async (request: { edits?: Array<{ line: number; field: EnablementFieldName; value: string }>; sipMismatch?: { job?: boolean; rows?: Array<{ line: number; allow: boolean }> } }): Promise<ValidatedRow[] | undefined> => {
    if (!summary) return undefined;
    try {
      const { rows, counts, notices, sipMismatchOverride } = await api.call('enablement.edit', { importId: summary.importId, ...request });
      const byLine = new Map(rows.map((r) => [r.line, r]));
      setValidation((v) => (v ? { ...v, counts, notices, sipMismatchOverride, rows: v.rows.map((r) => byLine.get(r.line) ?? r) } : v));
      return rows;
    } catch (e) {
      setError(toApiError(e));
      return undefined;
    }
  };
  const edit = async (line: number, field: EnablementFieldName, value: string): Promise<ValidatedRow | undefined> => (await change({ edits: [{ line, field, value }] }))?.find((r) => r.line === line);
  const overrideRow = (line: number, allow: boolean) => void change({ sipMismatch: { rows: [{ line, allow }] } });
  const overrideJob = (allow: boolean) => {
    setAllowSipMismatch(allow);
    if (validation) void change({ sipMismatch: { job: allow } });
  };
  const start = (options: { lines?: number[]; resumeJobId?: string } = {}) =>
    attempt(async () => {
      if (!summary) return;
      const started = await api.call('enablement.start', { importId: summary.importId, dryRun, concurrency, ...options });
      setJob(started);
      if (options.resumeJobId) setSummary({ ...summary, resumable: summary.resumable.filter((r) => r.jobId !== options.resumeJobId) });
    });
  const refreshJob = async (jobId: string) => {
    lastFetch.current = Date.now();
    setJob(await api.call('enablement.job', { jobId }));
  };
  useEvent('job.progress', (progress) => {
    if (progress.jobId !== job?.jobId) return;
    setJob((j) => (j ? { ...j, progress } : j));
    const finished = ['completed', 'failed', 'cancelled'].includes(progress.state);
    if (finished || Date.now() - lastFetch.current > 1000) void refreshJob(progress.jobId);
  });
  useEffect(() => {
    // A resumed job re-validates in main; show its rows once it is running.
    if (job && !validation && summary && profile) void api.call('enablement.validate', { importId: summary.importId, profile: job.profile, mapping, proposeExtensions: propose }).then(setValidation, () => undefined);
  }, [job, validation, summary, profile, api, mapping, propose]);
  useEffect(() => {
    // A resumed job runs with the override its journal recorded: show it.
    if (validation) setAllowSipMismatch(validation.sipMismatchOverride.job);
  }, [validation]);

  const results = useMemo(() => new Map((job?.results ?? []).map((r) => [r.line, r])), [job]);
  const running = !!job && ['running', 'paused', 'cancelling'].includes(job.progress.state);

  return (
    <Stack spacing={2} sx={{ height: '100%' }}>
      <Typography variant="body2" color="text.secondary">
        {t('intro')}
      </Typography>
      <ImportPanel summary={summary} onImported={imported} />
      {summary?.resumable.map((r) => (
        <Alert
          key={r.jobId}
          severity="info"
          data-testid="resumable-job"
          action={
            <Button color="inherit" onClick={() => void start({ resumeJobId: r.jobId })} disabled={busy || running} data-testid="resume-job">
              {t('resume.action')}
            </Button>
          }
        >
          {t('resume.text', { when: new Date(r.createdAt).toLocaleString(), finished: r.finished, total: r.total, inFlight: r.inFlight, profile: r.profile })}
        </Alert>
      ))}
      {summary && (
        <Accordion expanded={mappingOpen} onChange={(_e, open) => setMappingOpen(open)} disableGutters variant="outlined" data-testid="mapping-accordion">
          <AccordionSummary expandIcon={<ExpandMoreIcon />}>
            <Typography variant="subtitle1">{t('mapping.title')}</Typography>
            {!mappingOpen && (
              <Typography variant="body2" color="text.secondary" sx={{ ml: 2, alignSelf: 'center' }}>
                {Object.entries(mapping).map(([field, column]) => `${field} ← ${summary.header[column] ?? ''}`).join(' · ')}
              </Typography>
            )}
          </AccordionSummary>
          <AccordionDetails>
            <MappingPanel summary={summary} mapping={mapping} onMapping={setMapping} profiles={profiles} profile={profile} onProfile={setProfile} propose={propose} onPropose={setPropose} onValidate={() => void validate()} busy={busy || running} />
          </AccordionDetails>
        </Accordion>
      )}
      {busy && <LinearProgress />}
      <ErrorAlert error={error} />
      {validation && (
        <>
          <Typography variant="body2" data-testid="validation-summary">
            {t('validation.summary', { ...validation.counts, roundTrips: validation.stats.ldapRoundTrips, ms: Math.round(validation.stats.milliseconds) })}
          </Typography>
          <Notices notices={validation.notices} />
          <RunPanel
            counts={validation.counts}
            allowSipMismatch={allowSipMismatch}
            onAllowSipMismatch={overrideJob}
            mismatchedRows={validation.rows.filter(onlyLyncCheckStands).length}
            job={job}
            dryRun={dryRun}
            onDryRun={setDryRun}
            concurrency={concurrency}
            onConcurrency={setConcurrency}
            onStart={() => void start()}
            onPause={() => job && void api.call('jobs.pause', { jobId: job.jobId })}
            onResume={() => job && void api.call('jobs.resume', { jobId: job.jobId })}
            onCancel={() => job && void api.call('jobs.cancel', { jobId: job.jobId })}
            onExport={(format) =>
              job &&
              void attempt(async () => {
                const file = await api.call('enablement.export', { jobId: job.jobId, format });
                downloadText(file.fileName, file.mimeType, file.content);
              })
            }
            onRerunFailed={() => job && void start({ lines: job.results.filter((r) => r.outcome === 'failed').map((r) => r.line) })}
          />
          <RowsGrid rows={validation.rows} results={results} onEdit={edit} onOverride={overrideRow} jobOverride={validation.sipMismatchOverride.job} readOnly={running} />
        </>
      )}
    </Stack>
  );
}

/** What validation says once for the whole file (faxes on SIP URI dial plans, lookups limited to one domain). */
function Notices({ notices }: { notices: RowMessage[] }) {
  const { t } = useTranslation('enablement');
  if (notices.length === 0) return null;
  return (
    <Stack spacing={1} data-testid="validation-notices">
      {notices.map((n) => (
        <Alert key={n.code} severity={n.severity === 'warning' ? 'warning' : 'info'} data-testid={`notice-${n.code}`}>
          {String(t(`enablement-messages:${n.code}`, n.params))}
        </Alert>
      ))}
    </Stack>
  );
}
