import { Alert, AlertTitle, Box, Button, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import FileOpenIcon from '@mui/icons-material/FileOpen';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import RefreshIcon from '@mui/icons-material/Refresh';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlanApplyResult, PlanCheck } from '@shared/models/plans';
import type { Language } from '@shared/models/settings';
import { factText, planHeadline } from '@shared/plans/plan-text';
import { useAction } from '../../api/api-context';
import type { ScreenProps } from '../../app/navigation';
import { ErrorAlert } from '../../components/error-alert';
import { Page } from '../../components/page';

/**
 * Apply a change plan: the admin opens an approved plan file, sees what it does and whether the
 * directory still matches it (what differs, if not), and applies it only when it matches.
 */
export function PlansPage(_props: ScreenProps) {
  const { t, i18n } = useTranslation('plans');
  const action = useAction();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; content: string }>();
  const [check, setCheck] = useState<PlanCheck>();
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [result, setResult] = useState<PlanApplyResult>();

  const runCheck = (content: string) =>
    action.run(async (api) => {
      setCheck(undefined);
      setCheck(await api.call('plans.check', { content }));
    });
  const open = async (chosen: File) => {
    const content = await chosen.text();
    setFile({ name: chosen.name, content });
    setResult(undefined);
    setSecrets({});
    await runCheck(content);
  };
  const apply = () =>
    void action.run(async (api) => {
      setResult(await api.call('plans.apply', { content: file!.content, secrets }));
      setCheck(undefined);
    });
  const plan = check?.plan;
  const language = i18n.language as Language;
  const secretsGiven = (check?.secrets ?? []).every((s) => secrets[s.variable]);

  return (
    <Page
      title={t('title')}
      testId="page-plans"
      actions={
        <>
          <input
            ref={input}
            type="file"
            accept=".json,application/json"
            hidden
            data-testid="plan-file"
            onChange={(e) => {
              const chosen = e.target.files?.[0];
              e.target.value = '';
              if (chosen) void open(chosen);
            }}
          />
          {file && !result && (
            <Button startIcon={<RefreshIcon />} onClick={() => void runCheck(file.content)} disabled={action.busy} data-testid="plan-recheck">
              {t('recheck')}
            </Button>
          )}
          <Button variant="outlined" startIcon={<FileOpenIcon />} onClick={() => input.current?.click()} disabled={action.busy} data-testid="plan-open">
            {t('open')}
          </Button>
        </>
      }
    >
      <Stack spacing={2} sx={{ maxWidth: 1100 }}>
        <Typography variant="body2" color="text.secondary">
          {t('intro')}
        </Typography>
        <ErrorAlert error={action.error} testId="plan-error" />
        {file && action.busy && !check && !result && <Alert severity="info">{t('checking', { file: file.name })}</Alert>}
        {plan && (
          <Paper variant="outlined" sx={{ p: 2 }} data-testid="plan-summary">
            <Typography variant="h6" component="h2" data-testid="plan-headline">
              {planHeadline(plan, i18n.language as Language)}
            </Typography>
            <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.5, my: 1 }}>
              <Typography component="dt" color="text.secondary">
                {t('preparedBy')}
              </Typography>
              <Typography component="dd" sx={{ m: 0 }}>
                {plan.preparedBy.identity} ({plan.profile})
              </Typography>
              <Typography component="dt" color="text.secondary">
                {t('preparedAt')}
              </Typography>
              <Typography component="dd" sx={{ m: 0 }}>
                {new Date(plan.preparedAt).toLocaleString(i18n.language)}
              </Typography>
              <Typography component="dt" color="text.secondary">
                {t('fingerprint')}
              </Typography>
              <Typography component="dd" sx={{ m: 0, fontFamily: 'monospace', wordBreak: 'break-all' }} data-testid="plan-fingerprint">
                {plan.hash}
              </Typography>
            </Box>
            <Typography variant="subtitle2" sx={{ mt: 2 }}>
              {t('steps', { count: plan.steps.length })}
            </Typography>
            <Table size="small" data-testid="plan-steps">
              <TableHead>
                <TableRow>
                  <TableCell>{t('object')}</TableCell>
                  <TableCell>{t('command')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {plan.steps.slice(0, 200).map((step, i) => (
                  <TableRow key={i}>
                    <TableCell sx={{ wordBreak: 'break-all' }}>{step.target}</TableCell>
                    <TableCell sx={{ fontFamily: 'monospace', fontSize: '0.8rem', wordBreak: 'break-all' }}>{step.command}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {plan.steps.length > 200 && (
              <Typography variant="body2" color="text.secondary">
                {t('moreSteps', { count: plan.steps.length - 200 })}
              </Typography>
            )}
          </Paper>
        )}
        {check?.state === 'tampered' && (
          <Alert severity="error" data-testid="plan-tampered">
            <AlertTitle>{t('tampered.title')}</AlertTitle>
            {t('tampered.text')}
          </Alert>
        )}
        {check?.state === 'changed' && (
          <Alert severity="warning" data-testid="plan-changed">
            <AlertTitle>{t('changed.title')}</AlertTitle>
            {t('changed.text')}
            <Table size="small" sx={{ mt: 1 }} data-testid="plan-differences">
              <TableHead>
                <TableRow>
                  <TableCell>{t('object')}</TableCell>
                  <TableCell>{t('attribute')}</TableCell>
                  <TableCell>{t('planned')}</TableCell>
                  <TableCell>{t('now')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {check.differences.map((d, i) => (
                  <TableRow key={i}>
                    <TableCell sx={{ wordBreak: 'break-word' }}>{d.object}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{factText({ attribute: d.attribute, value: '' }, language).attribute}</TableCell>
                    <TableCell sx={{ wordBreak: 'break-word' }}>{factText({ attribute: d.attribute, value: d.planned }, language).value}</TableCell>
                    <TableCell sx={{ wordBreak: 'break-word' }}>{factText({ attribute: d.attribute, value: d.now }, language).value}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Alert>
        )}
        {check?.state === 'matches' && (
          <Alert
            severity="success"
            data-testid="plan-matches"
            action={
              <Button variant="contained" startIcon={<PlayArrowIcon />} onClick={apply} disabled={action.busy || !secretsGiven} data-testid="plan-apply">
                {t('apply')}
              </Button>
            }
          >
            <AlertTitle>{t('matches.title')}</AlertTitle>
            {t('matches.text', { count: plan?.steps.length ?? 0 })}
            {check.secrets.map((s) => (
              <TextField
                key={s.variable}
                type="password"
                size="small"
                label={s.prompt}
                value={secrets[s.variable] ?? ''}
                onChange={(e) => setSecrets({ ...secrets, [s.variable]: e.target.value })}
                sx={{ display: 'flex', mt: 1 }}
                autoComplete="off"
              />
            ))}
          </Alert>
        )}
        {result && (
          <Paper variant="outlined" sx={{ p: 2 }} data-testid="plan-result">
            <Typography variant="h6" component="h2">
              {t('result.title', { id: result.planId })}
            </Typography>
            {result.jobId && (
              <Typography variant="body2" color="text.secondary">
                {t('result.job', { id: result.jobId })}
              </Typography>
            )}
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>{t('object')}</TableCell>
                  <TableCell>{t('result.outcome')}</TableCell>
                  <TableCell>{t('result.message')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {result.steps.map((s, i) => (
                  <TableRow key={i} data-testid="plan-result-row">
                    <TableCell sx={{ wordBreak: 'break-all' }}>{s.target}</TableCell>
                    <TableCell>{t(`result.outcomes.${s.outcome}`)}</TableCell>
                    <TableCell>{s.message}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Paper>
        )}
      </Stack>
    </Page>
  );
}
