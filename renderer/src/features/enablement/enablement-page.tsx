import { isJobFinished } from '@shared/models/jobs';
import { Accordion, AccordionDetails, AccordionSummary, Alert, Button, LinearProgress, Stack, Typography } from '@mui/material';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  BulkOperation,
  EnablementColumnMapping,
  EnablementFieldName,
  EnablementJob,
  ImportSummary,
  ResumableJob,
  RowMessage,
  ValidatedRow,
  ValidationStatus,
} from '@shared/models/enablement';
import type { ApiError } from '@shared/errors';
import { toApiError, useAction, useApi, useEvent, useLoad } from '../../api/api-context';
import { useConnections } from '../../app/connections';
import type { ScreenProps } from '../../app/navigation';
import { ErrorAlert } from '../../components/error-alert';
import { RequireConnection } from '../../components/not-connected';
import { Page } from '../../components/page';
import { downloadText } from '../../components/download-text';
import { ExportPlanButton } from '../../components/export-plan-button';
import { ConfirmRunDialog } from './confirm-run-dialog';
import { ImportPanel } from './import-panel';
import { MappingPanel } from './mapping-panel';
import { importCsvFile } from './read-file';
import { RollbackJobs } from './rollback-panel';
import { useFollowedJob } from './followed-job';
import { RowsGrid } from './rows-grid';
import { RunPanel } from './run-panel';
import { UnfinishedJobs } from './unfinished-jobs';
import { LoadingBar } from '../../components/loading-bar';

/** Bulk UM enablement: import a CSV, map its columns, validate every row, fix cells, run, export the results. */
export function EnablementPage({ navigate }: ScreenProps) {
  const { t } = useTranslation('enablement');
  return (
    <RequireConnection title={t('title')} testId="page-enablement" navigate={navigate}>
      {({ connected }) => (
        <Page title={t('title')} testId="page-enablement">
          <EnablementView profiles={connected.map((c) => ({ profile: c.profile, label: c.forest ? `${c.forest} (${c.profile})` : c.profile }))} />
        </Page>
      )}
    </RequireConnection>
  );
}

/** A start request waiting for the admin's confirmation (real runs only). */
interface PendingRun {
  options: { lines?: number[]; resumeJobId?: string; afterDryRun?: string; dryRun: boolean };
  importId: string;
  profile: string;
  rows: number;
}

/** Of a status and another (of any import, or none), the newer one of the same import as `status`. */
const newest = (status: ValidationStatus, other: ValidationStatus | undefined): ValidationStatus =>
  other?.importId === status.importId && other.revision > status.revision ? other : status;

const isActive = (job?: EnablementJob) => !!job && !isJobFinished(job.progress.state);

function EnablementView({ profiles }: { profiles: Array<{ profile: string; label: string }> }) {
  const { t } = useTranslation('enablement');
  const api = useApi();
  const { connected } = useConnections();
  const [restored, setRestored] = useState(false);
  const [summary, setSummary] = useState<ImportSummary>();
  const [mapping, setMapping] = useState<EnablementColumnMapping>({});
  const [profile, setProfile] = useState<string | undefined>(profiles[0]?.profile);
  const [propose, setPropose] = useState(false);
  const [operation, setOperation] = useState<BulkOperation>('enable');
  const [allowSipMismatch, setAllowSipMismatch] = useState(false);
  const [validation, setValidation] = useState<ValidationStatus>();
  const [afterDryRunRows, setAfterDryRunRows] = useState<number>();
  const [pending, setPending] = useState<PendingRun>();
  /** An unfinished rollback to carry on: the job it undoes (its confirmation is the rollback's). */
  const [rollbackResume, setRollbackResume] = useState<string>();
  const [dryRun, setDryRun] = useState(false);
  const [concurrency, setConcurrency] = useState(2);
  const [busy, setBusy] = useState(false);
  /** A file is being read in: Validate waits for it (it would validate the file it replaces). */
  const [importing, setImporting] = useState(false);
  const [mappingOpen, setMappingOpen] = useState(true);
  const [error, setError] = useState<ApiError>();
  /** The file on screen: a validation answer for a file chosen before it is not shown over it. */
  const shownImport = useRef<string>(undefined);
  useEffect(() => {
    shownImport.current = summary?.importId;
  }, [summary?.importId]);
  /** The latest validation event, kept even while no validation is shown: it can arrive before the answer it follows. */
  const lastEvent = useRef<ValidationStatus>(undefined);

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

  const unfinishedJobs = useLoad((client) => client.call('enablement.unfinished', {}));
  const finishedJobs = useLoad((client) => client.call('enablement.finished', { limit: 20 }));
  // Any bulk job that ends (a run, a rollback) joins the finished jobs, and leaves the unfinished
  // ones (or joins them, cancelled).
  useEvent('job.progress', (progress) => {
    if (!isJobFinished(progress.state) || progress.kind !== 'enablement') return;
    void finishedJobs.reload();
    void unfinishedJobs.reload();
  });
  const unfinished = unfinishedJobs.data ?? [];
  const loadUnfinished = unfinishedJobs.reload;
  /** The job on screen. */
  const { job, show: showJob } = useFollowedJob({ onError: (e) => setError(toApiError(e)) });
  /** Pause, resume and cancel of the running job. */
  const jobControl = useAction();

  // The screen as main holds it: leaving and coming back keeps the grid, its edits and the job.
  const saved = useLoad((client) => client.call('enablement.session', {}));
  /** A file chosen on this visit: the screen main held before it is not restored over it. */
  const chosen = useRef(false);
  useEffect(() => {
    // Restored once, when the session and the unfinished jobs have first been read.
    // The lists above the file (unfinished and finished jobs) are read first too: one that appeared
    // later would move the file's buttons under the admin's pointer, and a click landing as it
    // moves is lost (seen in e2e runs: Validate clicked, nothing run).
    if (restored || saved.loading || unfinishedJobs.loading || finishedJobs.loading) return;
    setRestored(true);
    const session = saved.data;
    // Those reads can come after the admin chose a file (and validated it): restoring then would
    // put back the screen as it was read, and drop the validation under way.
    if (!session || chosen.current) return;
    setSummary(session.summary);
    setMapping(session.mapping);
    // The profile the file was validated with, if it is still connected.
    if (session.profile && profiles.some((p) => p.profile === session.profile)) setProfile(session.profile);
    setPropose(session.proposeExtensions);
    setOperation(session.operation);
    setValidation(session.validation);
    showJob(session.job);
    if (session.job) {
      setDryRun(session.job.dryRun);
      setConcurrency(session.job.concurrency);
    }
    setMappingOpen(!session.validation);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [restored, saved.loading, unfinishedJobs.loading, finishedJobs.loading]);

  const imported = (next: ImportSummary) => {
    chosen.current = true;
    setSummary(next);
    setMapping(next.mapping);
    // An override and an operation are decisions about one file: a new file starts without the
    // override and as an enable, so nobody disables a batch because the last file was a disable.
    setAllowSipMismatch(false);
    setOperation('enable');
    setValidation(undefined);
    showJob(undefined);
    setMappingOpen(true);
  };
  const validate = () =>
    attempt(async () => {
      if (!summary || !profile) return;
      showJob(undefined);
      // The answer comes with the first rows; the rest fill in with enablement.validation events.
      const first = await api.call('enablement.validate', {
        importId: summary.importId,
        profile,
        mapping,
        operation,
        proposeExtensions: propose && operation === 'enable',
        allowSipMismatch,
        until: 'first-rows',
      });
      if (shownImport.current !== first.importId) return;
      // An event may have overtaken this answer (on a small file, the last one, saying done).
      const overtaking = lastEvent.current;
      setValidation((v) => newest(newest(first, v), overtaking));
      setMappingOpen(false);
    });
  useEvent('enablement.validation', (status) => {
    lastEvent.current = status;
    // The file on screen shows main's validation of it even when this screen has none (its answer
    // never reached this screen, or the screen was opened again while it ran); a validation for
    // another operation than the one chosen is not shown over the choice.
    const ofThisFile = status.importId === summary?.importId && (status.operation ?? 'enable') === operation;
    setValidation((v) => (v?.importId === status.importId ? newest(v, status) : !v && ofThisFile ? status : v));
  });
  const cancelValidation = useAction();
  /** Sends cell edits or override changes; main re-checks and returns the rows that changed. */
  const change = async (request: {
    edits?: Array<{ line: number; field: EnablementFieldName; value: string }>;
    sipMismatch?: { job?: boolean; rows?: Array<{ line: number; allow: boolean }> };
  }): Promise<ValidatedRow[] | undefined> => {
    if (!summary) return undefined;
    try {
      const { rows, counts, lyncCheckOnly, notices, sipMismatchOverride } = await api.call('enablement.edit', { importId: summary.importId, ...request });
      // A new status: the grid reads its page again (the rows sharing a number or a user with the edited one may have changed too).
      setValidation((v) => (v ? { ...v, counts, lyncCheckOnly, notices, sipMismatchOverride } : v));
      return rows;
    } catch (e) {
      setError(toApiError(e));
      return undefined;
    }
  };
  const edit = async (line: number, field: EnablementFieldName, value: string): Promise<ValidatedRow | undefined> =>
    (await change({ edits: [{ line, field, value }] }))?.find((r) => r.line === line);
  const overrideRow = (line: number, allow: boolean) => void change({ sipMismatch: { rows: [{ line, allow }] } });
  const overrideJob = (allow: boolean) => {
    setAllowSipMismatch(allow);
    if (validation) void change({ sipMismatch: { job: allow } });
  };

  /** Starts a job; a real run waits for the admin to confirm the account and the row count. */
  const requestStart = (run: PendingRun) => {
    if (run.options.dryRun) void start(run);
    else setPending(run);
  };
  const start = (run: PendingRun) =>
    attempt(async () => {
      setPending(undefined);
      const { dryRun: runDry, ...options } = run.options;
      const started = await api.call('enablement.start', { importId: run.importId, dryRun: runDry, concurrency, ...options });
      showJob(started);
      setAfterDryRunRows(undefined);
      if (options.resumeJobId) {
        // A resumed job validated its file again in main: show that grid.
        const session = await api.call('enablement.session', {});
        if (session) {
          setSummary(session.summary);
          setMapping(session.mapping);
          if (session.profile) setProfile(session.profile);
          setValidation(session.validation);
          setMappingOpen(false);
        }
        void loadUnfinished();
      }
    });
  const resume = (unfinishedJob: ResumableJob, file?: File) =>
    attempt(async () => {
      if (unfinishedJob.rollbackOf) return setRollbackResume(unfinishedJob.rollbackOf);
      let importId = unfinishedJob.importId;
      if (file) {
        const next = await importCsvFile(api, file);
        imported(next);
        importId = next.importId;
      }
      if (!importId) return;
      requestStart({
        options: { resumeJobId: unfinishedJob.jobId, dryRun: unfinishedJob.dryRun },
        importId,
        profile: unfinishedJob.profile,
        rows: unfinishedJob.total - unfinishedJob.finished,
      });
    });

  useEffect(() => {
    // A resumed job runs with the override its journal recorded: show it.
    if (validation) setAllowSipMismatch(validation.sipMismatchOverride.job);
  }, [validation]);
  // After a finished dry run, main says which rows a real run would take (it re-counts after edits).
  const finishedDryRun = job?.dryRun && job.progress.state === 'completed' ? job.jobId : undefined;
  useEffect(() => {
    if (!finishedDryRun || !summary) return setAfterDryRunRows(undefined);
    let live = true;
    void api.call('enablement.afterDryRun', { importId: summary.importId, jobId: finishedDryRun }).then(
      ({ lines }) => live && setAfterDryRunRows(lines.length || undefined),
      (e: unknown) => {
        if (!live) return;
        setAfterDryRunRows(undefined);
        setError(toApiError(e));
      },
    );
    return () => {
      live = false;
    };
  }, [api, finishedDryRun, summary, validation]);

  const results = useMemo(() => new Map((job?.results ?? []).map((r) => [r.line, r])), [job]);
  const running = isActive(job);
  const account = (name: string) => {
    const state = connected.find((c) => c.profile === name);
    return { profile: name, ...(state?.boundAs ? { identity: state.boundAs } : {}), ...(state?.forest ? { forest: state.forest } : {}) };
  };

  if (!restored) return <LoadingBar loading />;
  return (
    <Stack spacing={2} sx={{ height: '100%' }} data-testid="enablement-view">
      <Typography variant="body2" color="text.secondary">
        {t('intro')}
      </Typography>
      <UnfinishedJobs jobs={unfinished} disabled={busy || running} onResume={(j, file) => void resume(j, file)} />
      <RollbackJobs
        list={finishedJobs}
        disabled={busy || running}
        account={account}
        resume={rollbackResume}
        onResumeHandled={() => setRollbackResume(undefined)}
      />
      <ImportPanel summary={summary} onImported={imported} onImporting={setImporting} locked={running} />
      {summary && (
        // Opens at once (a new file opens it): Validate, at its foot, is clicked next, and must not be moving then.
        <Accordion
          expanded={mappingOpen}
          onChange={(_e, open) => setMappingOpen(open)}
          disableGutters
          variant="outlined"
          slotProps={{ transition: { timeout: 0 } }}
          data-testid="mapping-accordion"
        >
          <AccordionSummary expandIcon={<ExpandMoreIcon />}>
            <Typography variant="subtitle1">{t('mapping.title')}</Typography>
            {!mappingOpen && (
              <Typography variant="body2" color="text.secondary" sx={{ ml: 2, alignSelf: 'center' }}>
                {Object.entries(mapping)
                  .map(([field, column]) => `${field} ← ${summary.header[column] ?? ''}`)
                  .join(' · ')}
              </Typography>
            )}
          </AccordionSummary>
          <AccordionDetails>
            <MappingPanel
              summary={summary}
              operation={operation}
              onOperation={(next) => {
                // Rows validated for another operation are not what a run of this one would do.
                setOperation(next);
                setValidation(undefined);
                showJob(undefined);
              }}
              mapping={mapping}
              onMapping={setMapping}
              profiles={profiles}
              profile={profile}
              onProfile={setProfile}
              propose={propose}
              onPropose={setPropose}
              onValidate={() => void validate()}
              busy={busy || running || importing}
            />
          </AccordionDetails>
        </Accordion>
      )}
      <LoadingBar loading={busy} />
      <ErrorAlert error={error ?? saved.error ?? unfinishedJobs.error ?? jobControl.error ?? cancelValidation.error} />
      {validation && summary && validation.state !== 'done' && (
        <ValidationProgress
          validation={validation}
          onCancel={() => void cancelValidation.run((client) => client.call('enablement.cancelValidation', { importId: validation.importId }))}
        />
      )}
      {validation && summary && validation.state === 'done' && (
        <>
          <Typography variant="body2" data-testid="validation-summary">
            {t(validation.counts.notPermitted > 0 ? 'validation.summaryNotPermitted' : 'validation.summary', {
              ...validation.counts,
              roundTrips: validation.stats.ldapRoundTrips,
              ms: Math.round(validation.stats.milliseconds),
            })}
          </Typography>
          {validation.counts.notPermitted > 0 && (
            <Alert
              severity="warning"
              data-testid="not-permitted-summary"
              action={
                <Button
                  color="inherit"
                  size="small"
                  onClick={() => setMappingOpen(true)}
                  disabled={running}
                  sx={{ whiteSpace: 'nowrap' }}
                  data-testid="choose-account"
                >
                  {t('validation.chooseAccount')}
                </Button>
              }
            >
              {t('validation.notPermitted', { count: validation.counts.notPermitted, profile: validation.profile })}
            </Alert>
          )}
          <Notices notices={validation.notices} />
          <RunPanel
            operation={validation.operation ?? 'enable'}
            counts={validation.counts}
            allowSipMismatch={allowSipMismatch}
            onAllowSipMismatch={overrideJob}
            mismatchedRows={validation.lyncCheckOnly}
            job={job}
            dryRun={dryRun}
            onDryRun={setDryRun}
            concurrency={concurrency}
            onConcurrency={setConcurrency}
            profile={validation.profile}
            onStart={() => requestStart({ options: { dryRun }, importId: summary.importId, profile: validation.profile, rows: validation.counts.ready })}
            planAction={
              <ExportPlanButton
                disabled={!!job || validation.state !== 'done' || validation.counts.ready === 0}
                request={{ kind: 'enablement', importId: summary.importId }}
              />
            }
            onPause={() => job && void jobControl.run((client) => client.call('jobs.pause', { jobId: job.jobId }))}
            onResume={() => job && void jobControl.run((client) => client.call('jobs.resume', { jobId: job.jobId }))}
            onCancel={() => job && void jobControl.run((client) => client.call('jobs.cancel', { jobId: job.jobId }))}
            onExport={(format) =>
              job &&
              void attempt(async () => {
                const file = await api.call('enablement.export', { jobId: job.jobId, format });
                downloadText(file.fileName, file.mimeType, file.content);
              })
            }
            onRerunFailed={() => {
              const lines = job?.results.filter((r) => r.outcome === 'failed').map((r) => r.line) ?? [];
              requestStart({ options: { lines, dryRun }, importId: summary.importId, profile: validation.profile, rows: lines.length });
            }}
            afterDryRunRows={afterDryRunRows}
            resumable={!!job && unfinished.some((u) => u.jobId === job.jobId)}
            onRunAfterDryRun={() =>
              job &&
              afterDryRunRows &&
              requestStart({
                options: { afterDryRun: job.jobId, dryRun: false },
                importId: summary.importId,
                profile: validation.profile,
                rows: afterDryRunRows,
              })
            }
          />
        </>
      )}
      {validation && summary && (
        <RowsGrid
          validation={validation}
          failed={job?.counts.failed ?? 0}
          results={results}
          onEdit={edit}
          onOverride={overrideRow}
          jobOverride={validation.sipMismatchOverride.job}
          readOnly={running || validation.state !== 'done'}
        />
      )}
      {pending && (
        <ConfirmRunDialog
          open
          rows={pending.rows}
          operation={validation?.operation ?? 'enable'}
          account={account(pending.profile)}
          onCancel={() => setPending(undefined)}
          onConfirm={() => void start(pending)}
        />
      )}
    </Stack>
  );
}

/**
 * A validation under way, stopped or failed: how many rows are checked, and the way to stop it.
 * The grid below shows the rows checked so far; a job starts only once every row is.
 */
function ValidationProgress({ validation, onCancel }: { validation: ValidationStatus; onCancel: () => void }) {
  const { t, i18n } = useTranslation('enablement');
  const numbers = { validated: validation.validated.toLocaleString(i18n.language), total: validation.total.toLocaleString(i18n.language) };
  const pending = validation.notices.find((n) => n.code === 'rights-pending');
  if (validation.state !== 'running')
    return (
      <Alert severity={validation.state === 'failed' ? 'error' : 'warning'} data-testid="validation-stopped">
        {t(`validation.${validation.state === 'failed' ? 'failed' : 'cancelled'}`, { ...numbers, error: validation.error ?? '' })}
      </Alert>
    );
  return (
    <Stack spacing={1} data-testid="validation-progress">
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="body2" sx={{ flexGrow: 1 }} data-testid="validation-progress-text">
          {t('validation.progress', numbers)}
        </Typography>
        <Button size="small" onClick={onCancel} data-testid="validation-cancel">
          {t('validation.cancel')}
        </Button>
      </Stack>
      <LinearProgress variant="determinate" value={(100 * validation.validated) / Math.max(1, validation.total)} />
      {/* The first rows come before the account's rights are known: say so while it shows, not only once validation is done. */}
      {pending && (
        <Typography variant="caption" color="text.secondary" data-testid="validation-rights-pending">
          {String(t(`enablement-messages:${pending.code}`, pending.params))}
        </Typography>
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
