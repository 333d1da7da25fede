import { Alert, Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import RestoreIcon from '@mui/icons-material/Restore';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditRecord } from '@shared/models/audit';
import type { ApiError } from '@shared/errors';
import { toApiError, useApi, useCall } from '../../api/api-context';
import { CodeBlock } from '../../components/code-block';
import { ErrorAlert } from '../../components/error-alert';

interface Snapshot {
  sddl?: string;
  types?: string[];
}

/**
 * The OU's audited permission changes, newest first, each one restorable to the DACL it replaced —
 * only while the audit log checks out: an altered log is reported here and nothing is restored
 * from it; entries from before the log carried hashes are marked and not restorable.
 */
export function PermissionHistory({ ou, onRestored }: { ou: string; onRestored: () => void }) {
  const { t, i18n } = useTranslation('permissions');
  const api = useApi();
  const history = useCall('permissions.history', { ou, limit: 20 }, ou);
  const [confirm, setConfirm] = useState<AuditRecord>();
  const [error, setError] = useState<ApiError>();
  const restore = async (entry: AuditRecord, force: boolean) => {
    try {
      await api.call('permissions.restore', { auditId: entry.id, force });
      setConfirm(undefined);
      onRestored();
    } catch (e) {
      setError(toApiError(e));
    }
  };
  const entries = history.data?.entries ?? [];
  const integrity = history.data?.integrity;
  const tampered = integrity?.status === 'tampered';
  return (
    <>
      <Typography variant="subtitle1">{t('history.title')}</Typography>
      {tampered && (
        <Alert severity="error" data-testid="audit-tampered">
          {t('history.integrity.tampered')}
          <Box component="ul" sx={{ my: 0.5, pl: 2.5 }}>
            {integrity.problems.map((p, i) => (
              <li key={i} data-testid="audit-problem" data-problem={p.code}>
                {t(`history.integrity.problems.${p.code}`, { seq: p.seq ?? '?', line: p.line ?? '?' })}
              </li>
            ))}
          </Box>
        </Alert>
      )}
      {!tampered && (integrity?.unverified ?? 0) > 0 && (
        <Alert severity="info" data-testid="audit-unverified">
          {t('history.integrity.unverified', { count: integrity!.unverified })}
        </Alert>
      )}
      {entries.length === 0 ? (
        <Typography variant="body2" color="text.secondary" data-testid="history-empty">
          {t('history.empty')}
        </Typography>
      ) : (
        <Table size="small" data-testid="permission-history">
          <TableHead>
            <TableRow>
              <TableCell>{t('history.when')}</TableCell>
              <TableCell>{t('history.action')}</TableCell>
              <TableCell>{t('history.by')}</TableCell>
              <TableCell>{t('history.outcome')}</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {entries.map((e) => (
              <TableRow key={e.id} data-testid="history-row">
                <TableCell>{new Date(e.at).toLocaleString(i18n.language)}</TableCell>
                <TableCell>
                  {t(`history.actions.${e.action.replace('permissions.', '')}`)} {((e.before as Snapshot | undefined)?.types ?? []).map((ty) => t(`types.${ty}`)).join(t('listSeparator'))} · {t(`routeShort.${e.route}`)}
                </TableCell>
                <TableCell>{e.actor.identity}</TableCell>
                <TableCell>
                  {e.outcome === 'succeeded' ? t('history.succeeded') : t('history.failed', { error: e.error ?? '' })}
                  {e.integrity !== 'verified' && (
                    <Chip size="small" sx={{ ml: 1 }} color={e.integrity === 'tampered' ? 'error' : 'default'} variant="outlined" label={t(`history.integrity.entry.${e.integrity}`)} data-testid="history-integrity" />
                  )}
                </TableCell>
                <TableCell align="right">
                  {e.outcome === 'succeeded' && e.integrity === 'verified' && !tampered && (
                    <Button size="small" startIcon={<RestoreIcon />} onClick={() => { setError(undefined); setConfirm(e); }} data-testid="history-restore">
                      {t('history.undo')}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {confirm && (
        <Dialog open onClose={() => setConfirm(undefined)} maxWidth="md" fullWidth>
          <DialogTitle>{t('history.confirmTitle')}</DialogTitle>
          <DialogContent>
            <DialogContentText sx={{ mb: 1 }}>{t('history.confirmText', { when: new Date(confirm.at).toLocaleString(i18n.language) })}</DialogContentText>
            <CodeBlock text={(confirm.before as Snapshot | undefined)?.sddl ?? ''} maxHeight={200} />
            <ErrorAlert error={error} />
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setConfirm(undefined)}>{t('common:actions.cancel')}</Button>
            {error?.code === 'CONFLICT' && (
              <Button color="warning" onClick={() => void restore(confirm, true)} data-testid="history-restore-force">
                {t('history.restoreAnyway')}
              </Button>
            )}
            <Button variant="contained" onClick={() => void restore(confirm, false)} data-testid="history-restore-confirm">
              {t('history.restore')}
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </>
  );
}
