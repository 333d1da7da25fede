import { Box, Button, Chip, Stack, ToggleButton, ToggleButtonGroup, Tooltip, Typography } from '@mui/material';
import { DataGrid, type GridColDef } from '@mui/x-data-grid';
import { zhTW } from '@mui/x-data-grid/locales';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { operationFields } from '@shared/enablement/operations';
import { onlyLyncCheckStands } from '@shared/enablement/lync-check';
import type { EnablementFieldName, RowFilter, RowMessage, RowResult, RowsPage, ValidatedRow, ValidationStatus } from '@shared/models/enablement';
import { toApiError, useApi } from '../../api/api-context';
import { ErrorAlert } from '../../components/error-alert';

interface GridRow extends ValidatedRow {
  result?: RowResult;
}

const statusColor = { ready: 'success', 'already-done': 'info', invalid: 'error', 'not-permitted': 'warning' } as const;
/** Rows per page: the most the free DataGrid shows on one page. */
const pageSize = 100;
const outcomeColor = {
  enabled: 'success',
  changed: 'success',
  validated: 'success',
  'already-done': 'info',
  failed: 'error',
  invalid: 'error',
  'not-permitted': 'warning',
  'not-run': 'default',
  undone: 'success',
  skipped: 'default',
} as const;
const editable: EnablementFieldName[] = ['Identity', 'UMMailboxPolicy', 'Extensions', 'SIPResourceIdentifier', 'PIN', 'LineURI'];

/**
 * Every row with its status and Exchange's words for what is wrong; the value cells can be edited
 * (the row and the rows it clashed with are re-checked). The Extensions and SIPResourceIdentifier
 * cells show what Enable-UMMailbox is sent — normalised — and, in grey, what Exchange will derive
 * when nothing is sent. A row whose only problem is the Lync SIP address check can be allowed here.
 * Every message of a row is shown — the cell runs them together, its tooltip lists them one per
 * line — and a row that failed at run time shows each of Exchange's errors before the validation
 * notes. Main holds the rows: the grid reads the page on screen (100 rows, filtered by status in
 * main), and reads it again as validation fills in, after an edit, and as a job's results come.
 */
/** Column widths of the file's fields, by what they usually hold. */
const columnWidths: Partial<Record<EnablementFieldName, number>> = {
  Identity: 210,
  PIN: 72,
  Extensions: 96,
  UMMailboxPolicy: 200,
  SIPResourceIdentifier: 220,
  LineURI: 220,
};

export function RowsGrid({
  validation,
  failed,
  results,
  onEdit,
  onOverride,
  jobOverride,
  readOnly,
}: {
  validation: ValidationStatus;
  /** Rows that failed in the latest job. */
  failed: number;
  results: Map<number, RowResult>;
  onEdit: (line: number, field: EnablementFieldName, value: string) => Promise<ValidatedRow | undefined>;
  onOverride: (line: number, allow: boolean) => void;
  jobOverride: boolean;
  readOnly: boolean;
}) {
  const { t, i18n } = useTranslation('enablement');
  const api = useApi();
  // The columns of what the operation reads: a disable shows no policy or PIN.
  const shownFields = editable.filter((f) => operationFields[validation.operation ?? 'enable'].fields.includes(f));
  const [filter, setFilter] = useState<RowFilter>('all');
  const [page, setPage] = useState(0);
  const [shown, setShown] = useState<RowsPage>({ rows: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ReturnType<typeof toApiError>>();
  const messageText = (m: RowMessage) => {
    const text = String(t(`enablement-messages:${m.code}`, m.params));
    return m.overridden ? String(t(`enablement-messages:overridden-${m.overridden}`, { text })) : text;
  };
  /** Every message of a row: Exchange's errors when it failed at run time, then what validation said. */
  const messagesOf = (row: GridRow): string[] => [...(row.result?.outcome === 'failed' ? row.result.messages : []), ...row.messages.map(messageText)];
  /** What Exchange will use when the cell sends nothing: the derived extension or SIP proxy address. */
  const derived = (row: GridRow, field: EnablementFieldName): string | undefined => {
    if (row.values[field]) return undefined;
    if (field === 'Extensions' && row.extensions.length) return row.extensions.join(';');
    if (field === 'SIPResourceIdentifier') return row.sipResourceIdentifier;
    return undefined;
  };

  const { importId, validated, counts: validCounts } = validation;
  // The page on screen, read again whenever the rows behind it may have changed: each validation
  // event and each edit or override brings a new status.
  const failedShown = filter === 'failed' ? failed : 0;
  useEffect(() => {
    let live = true;
    setLoading(true);
    api.call('enablement.rows', { importId, offset: page * pageSize, limit: pageSize, filter }).then(
      (next) => {
        if (!live) return;
        setShown(next);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(toApiError(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, importId, page, filter, validation, failedShown]);
  const rows: GridRow[] = useMemo(() => shown.rows.map((r) => ({ ...r, ...(results.get(r.line) ? { result: results.get(r.line) } : {}) })), [shown, results]);
  const counts: Record<RowFilter, number> = {
    all: validated,
    ready: validCounts.ready,
    'already-done': validCounts.alreadyDone,
    invalid: validCounts.invalid,
    'not-permitted': validCounts.notPermitted,
    warnings: validCounts.warnings,
    failed,
  };

  const columns: GridColDef<GridRow>[] = [
    { field: 'line', headerName: t('grid.line'), width: 52, type: 'number' },
    {
      field: 'status',
      headerName: t('grid.status'),
      // Wide enough for the longest status ("Not permitted") in a chip, not cut to "Not per…".
      width: 136,
      valueGetter: (_v, row) => row.result?.outcome ?? row.status,
      renderCell: ({ row }) =>
        row.result ? (
          <Chip size="small" color={outcomeColor[row.result.outcome]} label={t(`outcomes.${row.result.outcome}`)} data-testid={`outcome-${row.line}`} />
        ) : (
          <Chip size="small" variant="outlined" color={statusColor[row.status]} label={t(`statuses.${row.status}`)} data-testid={`status-${row.line}`} />
        ),
    },
    ...shownFields.map((field): GridColDef<GridRow> => ({
      field,
      headerName: field,
      // Wide enough for a UPN, a policy name such as "Redmond Default Policy" and a sip: address.
      width: columnWidths[field] ?? 160,
      editable: !readOnly,
      valueGetter: (_v, row) => row.values[field],
      renderCell: ({ row, value }) => {
        const implied = derived(row, field);
        return implied ? (
          <Tooltip title={t('grid.derived')} placement="top-start">
            <Typography
              component="span"
              variant="body2"
              color="text.disabled"
              sx={{ fontStyle: 'italic', lineHeight: 'inherit' }}
              data-testid={`derived-${field}-${row.line}`}
            >
              {implied}
            </Typography>
          </Tooltip>
        ) : (
          (value as string)
        );
      },
    })),
    // Wide enough for its header in both languages ("UM 撥號對應表" was cut to "UM 撥號…").
    { field: 'dialPlan', headerName: t('grid.dialPlan'), width: 132 },
    {
      field: 'message',
      headerName: t('grid.message'),
      flex: 1,
      minWidth: 240,
      sortable: false,
      valueGetter: (_v, row) => messagesOf(row).join(' '),
      renderCell: ({ row, value }) => {
        const messages = messagesOf(row);
        return (
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', height: '100%', minWidth: 0 }}>
            <LyncOverride row={row} jobOverride={jobOverride} readOnly={readOnly || !!row.result} onOverride={onOverride} />
            {messages.length > 1 && (
              <Chip
                size="small"
                variant="outlined"
                label={messages.length}
                aria-label={t('grid.messageCount', { count: messages.length })}
                sx={{ flexShrink: 0 }}
                data-testid={`message-count-${row.line}`}
              />
            )}
            <Tooltip
              title={
                messages.length > 1 ? (
                  <Box component="ul" sx={{ m: 0, pl: 2 }}>
                    {messages.map((m, i) => (
                      <li key={i}>{m}</li>
                    ))}
                  </Box>
                ) : (
                  (value as string)
                )
              }
              placement="top-start"
            >
              <Typography
                component="span"
                variant="body2"
                noWrap
                color={
                  row.status === 'invalid' || row.result?.outcome === 'failed'
                    ? 'error'
                    : row.status === 'not-permitted' || row.messages.some((m) => m.severity === 'warning')
                      ? 'warning.main'
                      : 'text.secondary'
                }
                sx={{ display: 'block', lineHeight: 'inherit', minWidth: 0 }}
                data-testid={`messages-${row.line}`}
              >
                {value as string}
              </Typography>
            </Tooltip>
          </Stack>
        );
      },
    },
  ];

  return (
    <Stack spacing={1} sx={{ minWidth: 0 }}>
      <ToggleButtonGroup
        size="small"
        exclusive
        value={filter}
        onChange={(_e, v: RowFilter | null) => {
          if (!v) return;
          setFilter(v);
          setPage(0);
        }}
        data-testid="row-filter"
      >
        {(
          [
            'all',
            'ready',
            'already-done',
            'invalid',
            ...(counts['not-permitted'] > 0 ? (['not-permitted'] as const) : []),
            'warnings',
            ...(counts.failed > 0 ? (['failed'] as const) : []),
          ] as RowFilter[]
        ).map((f) => (
          <ToggleButton key={f} value={f} data-testid={`filter-${f}`}>
            {t(`filters.${f}`, { count: counts[f] })}
          </ToggleButton>
        ))}
      </ToggleButtonGroup>
      <div style={{ height: 520, width: '100%', minWidth: 0, overflow: 'hidden' }} data-testid="rows-grid">
        <DataGrid
          rows={rows}
          columns={columns}
          getRowId={(r) => r.line}
          density="compact"
          // Main pages, filters and orders the rows (file order); sorting or filtering one page would mislead.
          paginationMode="server"
          rowCount={shown.total}
          paginationModel={{ page, pageSize }}
          onPaginationModelChange={(model) => setPage(model.page)}
          pageSizeOptions={[pageSize]}
          disableColumnSorting
          disableColumnFilter
          loading={loading && shown.rows.length === 0}
          disableRowSelectionOnClick
          localeText={i18n.language === 'zh-TW' ? zhTW.components.MuiDataGrid.defaultProps.localeText : undefined}
          processRowUpdate={async (next, previous) => {
            const field = shownFields.find(
              (f) => (next as unknown as Record<string, string>)[f] !== undefined && (next as unknown as Record<string, string>)[f] !== previous.values[f],
            );
            if (!field) return previous;
            const value = (next as unknown as Record<string, string>)[field]!;
            const updated = await onEdit(previous.line, field, value);
            return updated ? { ...updated, ...(previous.result ? { result: previous.result } : {}) } : previous;
          }}
          onProcessRowUpdateError={() => undefined}
        />
      </div>
      <ErrorAlert error={error} />
    </Stack>
  );
}

/**
 * The per-row override of the Lync SIP address check, in front of the message that explains it:
 * offered only where it would make the row ready (never past Exchange's own refusals), shown as
 * a chip once given — for this row (removable) or for the whole job.
 */
function LyncOverride({
  row,
  jobOverride,
  readOnly,
  onOverride,
}: {
  row: ValidatedRow;
  jobOverride: boolean;
  readOnly: boolean;
  onOverride: (line: number, allow: boolean) => void;
}) {
  const { t } = useTranslation('enablement');
  const check = row.messages.find((m) => m.overridable);
  if (!check) return null;
  if (check.overridden) {
    return (
      <Tooltip title={t(check.overridden === 'row' ? 'grid.undoOverrideHelp' : 'run.allowSipMismatchHelp')} placement="left">
        <Chip
          size="small"
          color="warning"
          variant="outlined"
          label={t(`grid.overridden.${check.overridden}`)}
          {...(check.overridden === 'row' && !readOnly ? { onDelete: () => onOverride(row.line, false) } : {})}
          data-testid={`overridden-${row.line}`}
        />
      </Tooltip>
    );
  }
  if (!onlyLyncCheckStands(row) || jobOverride) return null;
  return (
    // To the left, over the row's own cells: below or above it would cover the next row's button.
    <Tooltip title={t('grid.overrideHelp')} placement="left">
      <span>
        <Button
          size="small"
          color="warning"
          variant="outlined"
          disabled={readOnly}
          onClick={() => onOverride(row.line, true)}
          sx={{ py: 0, minWidth: 0, whiteSpace: 'nowrap' }}
          data-testid={`override-${row.line}`}
        >
          {t('grid.override')}
        </Button>
      </span>
    </Tooltip>
  );
}
