import { Alert, Box, Button, Chip, Divider, FormControlLabel, Paper, Stack, Switch, TextField, Typography } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import DeleteSweepIcon from '@mui/icons-material/DeleteSweep';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PsHistoryEntry } from '@shared/models/powershell';
import { useAction, useCall, useEvent } from '../../api/api-context';
import type { ScreenProps } from '../../app/navigation';
import { CodeBlock } from '../../components/code-block';
import { CopyButton } from '../../components/copy-button';
import { ErrorAlert } from '../../components/error-alert';
import { Page } from '../../components/page';
import { monospaceFont } from '../../app/theme';

type ResultKind = 'ok' | 'error' | NonNullable<PsHistoryEntry['failure']>;
const resultOf = (e: PsHistoryEntry): ResultKind => e.failure ?? (e.ok ? 'ok' : 'error');
const resultColor: Record<ResultKind, 'success' | 'error' | 'warning' | 'default'> = {
  ok: 'success',
  error: 'error',
  timeout: 'warning',
  cancelled: 'default',
  'session-died': 'error',
  unavailable: 'warning',
};

/** Like ADAC's PowerShell history viewer: what the console ran, and a way to run it by hand. */
export function PowerShellPage(_props: ScreenProps) {
  const { t, i18n } = useTranslation('powershell');
  const clearing = useAction();
  const history = useCall('powershell.history', { limit: 2000 });
  const status = useCall('powershell.status', {});
  const [live, setLive] = useState<PsHistoryEntry[]>([]);
  const [filter, setFilter] = useState('');
  const [onlyFailures, setOnlyFailures] = useState(false);
  const [selectedId, setSelectedId] = useState<string>();

  useEvent('powershell.command', (entry) => {
    setLive((l) => [entry, ...l]);
    void status.reload();
  });

  const entries = useMemo(() => {
    const seen = new Set<string>();
    return [...live, ...(history.data ?? [])].filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
  }, [live, history.data]);
  const shown = entries.filter((e) => (!onlyFailures || !e.ok) && (!filter || `${e.script} ${e.profile}`.toLowerCase().includes(filter.toLowerCase())));
  const selected = entries.find((e) => e.id === selectedId);
  const time = (iso: string) => new Date(iso).toLocaleString(i18n.language);
  // Today's commands show the time only, older ones the date too.
  const shortTime = (iso: string) => {
    const d = new Date(iso);
    return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString(i18n.language) : d.toLocaleString(i18n.language);
  };

  const columns: GridColDef<PsHistoryEntry>[] = [
    { field: 'at', headerName: t('columns.at'), width: 110, valueFormatter: (value: string) => shortTime(value) },
    { field: 'profile', headerName: t('columns.profile'), width: 120 },
    { field: 'target', headerName: t('columns.target'), width: 90, valueFormatter: (value: string) => t(`targets.${value}`) },
    {
      field: 'script',
      headerName: t('columns.command'),
      flex: 1,
      minWidth: 220,
      renderCell: (p) => <Box sx={{ fontFamily: monospaceFont, fontSize: 13, overflow: 'hidden', textOverflow: 'ellipsis' }}>{p.value}</Box>,
    },
    {
      field: 'result',
      headerName: t('columns.result'),
      width: 120,
      valueGetter: (_v, row) => resultOf(row),
      renderCell: (p) => <Chip size="small" color={resultColor[p.value as ResultKind]} label={t(`result.${p.value}`)} />,
    },
    { field: 'durationMs', headerName: t('columns.duration'), width: 95, type: 'number', valueFormatter: (value: number) => `${value} ms` },
  ];

  const script = [t('scriptHeader'), ...[...shown].reverse().map((e) => `${e.script}${e.ok ? '' : `   # ${t(`result.${resultOf(e)}`)}`}`)].join('\n');
  const clear = async () => {
    if (!(await clearing.run((client) => client.call('powershell.clearHistory', {})))) return;
    setLive([]);
    await history.reload();
  };

  return (
    <Page
      title={t('title')}
      testId="page-powershell"
      actions={
        <>
          <Button startIcon={<DeleteSweepIcon />} onClick={() => void clear()} disabled={entries.length === 0}>
            {t('clear')}
          </Button>
        </>
      }
    >
      <Stack spacing={2} sx={{ height: '100%' }}>
        <Typography variant="body2" color="text.secondary">
          {t('intro')}
        </Typography>
        <ErrorAlert error={history.error ?? clearing.error ?? status.error} />
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }} data-testid="powershell-sessions">
          <Typography variant="subtitle2">{t('sessions')}:</Typography>
          {(status.data ?? []).length === 0 && (
            <Typography variant="body2" color="text.secondary">
              {t('noSessions')}
            </Typography>
          )}
          {(status.data ?? []).map((s) => (
            <Chip
              key={`${s.profile}-${s.target}`}
              size="small"
              variant="outlined"
              title={s.endpoint}
              label={t('sessionChip', {
                profile: s.profile,
                target: t(`targets.${s.target}`),
                count: s.sessions.filter((x) => x.state !== 'dead').length,
                restarts: s.restarts,
              })}
            />
          ))}
        </Stack>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          <TextField
            size="small"
            label={t('filter')}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            sx={{ minWidth: 320 }}
            slotProps={{ htmlInput: { 'data-testid': 'powershell-filter' } }}
          />
          <FormControlLabel control={<Switch checked={onlyFailures} onChange={(e) => setOnlyFailures(e.target.checked)} />} label={t('onlyFailures')} />
          <Box sx={{ flexGrow: 1 }} />
          <Stack direction="row" sx={{ alignItems: 'center' }}>
            <Typography variant="body2">{t('copyAll')}</Typography>
            <CopyButton text={script} label={t('copyAll')} testId="powershell-copy-all" />
          </Stack>
        </Stack>
        <Stack direction="row" spacing={2} sx={{ flexGrow: 1, minHeight: 360 }}>
          <Box sx={{ flex: 5, minWidth: 0 }} data-testid="powershell-grid">
            <DataGrid
              rows={shown}
              columns={columns}
              density="compact"
              loading={history.loading}
              onRowClick={(p) => setSelectedId(String(p.id))}
              rowSelectionModel={{ type: 'include', ids: new Set(selectedId ? [selectedId] : []) }}
              localeText={{ noRowsLabel: t('empty') }}
              sx={{ height: '100%' }}
            />
          </Box>
          <Paper variant="outlined" sx={{ flex: 3, p: 2, minWidth: 300, overflow: 'auto' }} data-testid="powershell-details">
            <Typography variant="h6" sx={{ mb: 1 }}>
              {t('details.title')}
            </Typography>
            {!selected ? (
              <Typography color="text.secondary">{t('details.pick')}</Typography>
            ) : (
              <Stack spacing={1.5}>
                <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                  <Chip size="small" color={resultColor[resultOf(selected)]} label={t(`result.${resultOf(selected)}`)} />
                  <Typography variant="body2" color="text.secondary">
                    {time(selected.at)} · {selected.profile} · {t(`targets.${selected.target}`)} · {selected.durationMs} ms
                  </Typography>
                </Stack>
                <Typography variant="subtitle2">{t('details.script')}</Typography>
                <CodeBlock text={selected.script} testId="powershell-script" />
                {selected.ok && <Typography variant="body2">{t('details.output', { count: selected.outputCount })}</Typography>}
                {selected.errors.length > 0 && (
                  <>
                    <Divider />
                    <Typography variant="subtitle2">{t('details.errors')}</Typography>
                    {selected.errors.map((e, i) => (
                      <Alert key={i} severity="error" variant="outlined">
                        <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap' }}>
                          {e.message}
                        </Typography>
                        {e.fullyQualifiedErrorId && (
                          <Typography variant="caption" component="div" sx={{ fontFamily: monospaceFont }}>
                            {t('details.errorId')}: {e.fullyQualifiedErrorId}
                            {e.category ? ` · ${t('details.labelled', { label: t('details.category'), value: e.category })}` : ''}
                            {e.target ? ` · ${t('details.labelled', { label: t('details.target'), value: e.target })}` : ''}
                          </Typography>
                        )}
                      </Alert>
                    ))}
                  </>
                )}
                {selected.warnings.length > 0 && (
                  <>
                    <Typography variant="subtitle2">{t('details.warnings')}</Typography>
                    {selected.warnings.map((w, i) => (
                      <Alert key={i} severity="warning" variant="outlined">
                        {w}
                      </Alert>
                    ))}
                  </>
                )}
              </Stack>
            )}
          </Paper>
        </Stack>
      </Stack>
    </Page>
  );
}
