import {
  Alert,
  Box,
  Button,
  Chip,
  Collapse,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import RestoreIcon from '@mui/icons-material/Restore';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PermissionHistoryEntry, PermissionWriteResult } from '@shared/models/permissions';
import type { ApiError } from '@shared/errors';
import { toApiError, useApi, useCall } from '../../api/api-context';
import { formatActor } from '../../components/acting-account';
import { ErrorAlert } from '../../components/error-alert';
import { AceTable } from './ace-table';
import { LoadingBar } from '../../components/loading-bar';

/**
 * The OU's audited permission changes, newest first. Each can be undone — only while the audit
 * log checks out (an altered log is reported here and nothing is restored from it; entries from
 * before the log carried hashes are marked and not restorable). An undo is previewed as access
 * entries (what comes back, what goes, and what changed on the OU since), is made as the page's
 * acting profile, is confirmed when done, and marks the entry it undid.
 */
export function PermissionHistory({ ou, profile, onRestored }: { ou: string; profile: string; onRestored: () => void }) {
  const { t, i18n } = useTranslation('permissions');
  const history = useCall('permissions.history', { ou, limit: 20 }, ou);
  const [undoing, setUndoing] = useState<PermissionHistoryEntry>();
  const [undone, setUndone] = useState<{ entry: PermissionHistoryEntry; result: PermissionWriteResult }>();
  const when = (at: string) => new Date(at).toLocaleString(i18n.language);
  const entries = history.data?.entries ?? [];
  const integrity = history.data?.integrity;
  const tampered = integrity?.status === 'tampered';
  const describe = (e: PermissionHistoryEntry) => {
    const types = ((e.before as { types?: string[] } | undefined)?.types ?? []).map((ty) => t(`types.${ty}`)).join(t('listSeparator'));
    return [t(`history.actions.${e.action.replace('permissions.', '')}`), types].filter(Boolean).join(' ');
  };
  return (
    <>
      <Typography variant="subtitle1">{t('history.title')}</Typography>
      {undone && (
        <Alert severity="success" data-testid="history-undone" onClose={() => setUndone(undefined)}>
          {t('undo.done', {
            change: describe(undone.entry),
            when: when(undone.entry.at),
            count: undone.result.changed.length,
            actor: formatActor(undone.result.actor, t),
          })}
        </Alert>
      )}
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
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{t('history.when')}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{t('history.action')}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{t('history.by')}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{t('history.outcome')}</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {entries.map((e) => {
              const undoOf = e.undoes ? entries.find((x) => x.id === e.undoes) : undefined;
              return (
                <TableRow key={e.id} data-testid="history-row" data-undone={e.undoneBy ? 'true' : undefined}>
                  <TableCell sx={{ minWidth: 110 }}>{when(e.at)}</TableCell>
                  <TableCell sx={{ minWidth: 160 }}>
                    {describe(e)} · {t(`routeShort.${e.route}`)}
                    {undoOf && (
                      <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
                        {t('history.undoOf', { change: describe(undoOf), when: when(undoOf.at) })}
                      </Typography>
                    )}
                  </TableCell>
                  {/* The account on one line, its forest under it: an address is not broken letter by letter. */}
                  <TableCell sx={{ minWidth: 180, overflowWrap: 'break-word' }}>
                    {e.actor.identity}
                    {e.actor.forest && (
                      <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
                        {e.actor.forest}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>
                    {e.outcome === 'succeeded' ? t('history.succeeded') : t('history.failed', { error: e.error ?? '' })}
                    {e.integrity !== 'verified' && (
                      <Chip
                        size="small"
                        sx={{ ml: 1 }}
                        color={e.integrity === 'tampered' ? 'error' : 'default'}
                        variant="outlined"
                        label={t(`history.integrity.entry.${e.integrity}`)}
                        data-testid="history-integrity"
                      />
                    )}
                    {e.undoneBy && (
                      <Typography variant="caption" sx={{ display: 'block' }} data-testid="history-undone-by">
                        {t('history.undoneBy', { when: when(e.undoneBy.at), actor: formatActor(e.undoneBy.actor, t) })}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell align="right">
                    {e.outcome === 'succeeded' && e.integrity === 'verified' && !tampered && !e.undoneBy && (
                      <Button size="small" startIcon={<RestoreIcon />} onClick={() => setUndoing(e)} data-testid="history-restore">
                        {t('history.undo')}
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      {undoing && (
        <UndoDialog
          entry={undoing}
          change={describe(undoing)}
          profile={profile}
          onClose={() => setUndoing(undefined)}
          onDone={(result) => {
            // Reloaded in place (not remounted), so the confirmation stays above the marked entry.
            setUndone({ entry: undoing, result });
            setUndoing(undefined);
            void history.reload();
            onRestored();
          }}
        />
      )}
    </>
  );
}

/**
 * What undoing one change would do, as access entries, with the undo's own buttons and their
 * errors beside them: Undo, or — when the OU changed after that change — Undo anyway, which the
 * dialog says also reverts the later changes it lists.
 */
function UndoDialog({
  entry,
  change,
  profile,
  onClose,
  onDone,
}: {
  entry: PermissionHistoryEntry;
  change: string;
  profile: string;
  onClose: () => void;
  onDone: (result: PermissionWriteResult) => void;
}) {
  const { t, i18n } = useTranslation('permissions');
  const api = useApi();
  const preview = useCall('permissions.restorePreview', { auditId: entry.id, profile }, `${entry.id}|${profile}`);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const data = preview.data;
  const undo = async (force: boolean) => {
    if (!data) return;
    setBusy(true);
    setError(undefined);
    try {
      onDone(await api.call('permissions.restore', { auditId: entry.id, profile, daclVersion: data.daclVersion, force }));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const nothing = data && data.putBack.length === 0 && data.takenAway.length === 0 && data.inheritance.now === data.inheritance.after;
  const all = (aces: NonNullable<typeof data>['now']) => new Set(aces.map((a) => a.key));
  return (
    <Dialog open onClose={onClose} maxWidth="lg" fullWidth data-testid="undo-dialog">
      <DialogTitle>{t('undo.title', { change, when: new Date(entry.at).toLocaleString(i18n.language) })}</DialogTitle>
      <DialogContent>
        <LoadingBar loading={preview.loading} />
        <ErrorAlert error={preview.error} />
        {data && (
          <Stack spacing={1.5}>
            <Typography variant="body2" data-testid="undo-as">
              {t('undo.as', { actor: formatActor(data.actor, t), by: formatActor(data.entry.actor, t) })}
            </Typography>
            {!data.writable && (
              <Alert severity="error" data-testid="undo-not-writable">
                {t('notWritable')}
              </Alert>
            )}
            {data.undoneBy && (
              <Alert severity="info" data-testid="undo-already">
                {t('history.undoneBy', { when: new Date(data.undoneBy.at).toLocaleString(i18n.language), actor: formatActor(data.undoneBy.actor, t) })}
              </Alert>
            )}
            {data.changedSince && (
              <Alert severity="warning" data-testid="undo-changed-since">
                {t('undo.changedSince')}
                {data.changedSince.added.length > 0 && (
                  <Box sx={{ mt: 1 }}>
                    <Typography variant="subtitle2">{t('undo.addedSince', { count: data.changedSince.added.length })}</Typography>
                    <Box sx={{ bgcolor: 'background.paper', borderRadius: 1 }}>
                      <AceTable aces={data.changedSince.added} testId="undo-added-since" />
                    </Box>
                  </Box>
                )}
                {data.changedSince.removed.length > 0 && (
                  <Box sx={{ mt: 1 }}>
                    <Typography variant="subtitle2">{t('undo.removedSince', { count: data.changedSince.removed.length })}</Typography>
                    <Box sx={{ bgcolor: 'background.paper', borderRadius: 1 }}>
                      <AceTable aces={data.changedSince.removed} testId="undo-removed-since" />
                    </Box>
                  </Box>
                )}
              </Alert>
            )}
            {nothing ? (
              <Alert severity="info" data-testid="undo-nothing">
                {t('undo.nothing')}
              </Alert>
            ) : (
              <>
                {data.inheritance.now !== data.inheritance.after && (
                  <Alert severity="info">{t(data.inheritance.after ? 'undo.inheritanceOn' : 'undo.inheritanceOff')}</Alert>
                )}
                {/* Plain rows: the headings say what each list is; marking every row red made the whole list hard to read. */}
                <Typography variant="subtitle2">{t('undo.takenAway', { count: data.takenAway.length })}</Typography>
                <Box sx={{ maxHeight: 260, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
                  <AceTable aces={data.takenAway} testId="undo-taken-away" />
                </Box>
                <Typography variant="subtitle2">{t('undo.putBack', { count: data.putBack.length })}</Typography>
                <Box sx={{ maxHeight: 260, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
                  <AceTable aces={data.putBack} testId="undo-put-back" />
                </Box>
              </>
            )}
            <Box>
              <Button size="small" onClick={() => setShowAll((v) => !v)} aria-expanded={showAll} data-testid="undo-show-all">
                {t(showAll ? 'undo.hideAll' : 'undo.showAll')}
              </Button>
              <Collapse in={showAll} unmountOnExit>
                <Stack direction={{ xs: 'column', lg: 'row' }} spacing={2} sx={{ mt: 1 }}>
                  <Box sx={{ flex: 1, minWidth: 0 }}>
                    <Typography variant="subtitle2">{t('undo.now', { count: data.now.length })}</Typography>
                    <Box sx={{ maxHeight: 320, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
                      <AceTable aces={data.now} highlight={all(data.takenAway)} tone="error" testId="undo-now" />
                    </Box>
                  </Box>
                  <Box sx={{ flex: 1, minWidth: 0 }}>
                    <Typography variant="subtitle2">{t('undo.after', { count: data.after.length })}</Typography>
                    <Box sx={{ maxHeight: 320, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
                      <AceTable aces={data.after} highlight={all(data.putBack)} tone="success" testId="undo-after" />
                    </Box>
                  </Box>
                </Stack>
              </Collapse>
            </Box>
          </Stack>
        )}
      </DialogContent>
      <DialogActions sx={{ flexWrap: 'wrap', gap: 1, px: 3, pb: 2 }}>
        {error && (
          <Box sx={{ width: '100%' }}>
            <ErrorAlert
              error={error}
              testId="undo-error"
              action={
                // The OU changed after this preview: nothing was written; read it again.
                error.code === 'CONFLICT' ? (
                  <Button color="inherit" size="small" onClick={() => void preview.reload().then(() => setError(undefined))} data-testid="undo-preview-again">
                    {t('actions.previewAgain')}
                  </Button>
                ) : undefined
              }
            />
          </Box>
        )}
        <Button onClick={onClose}>{t('common:actions.cancel')}</Button>
        {data?.changedSince ? (
          <Button variant="contained" color="warning" disabled={busy || !data.writable} onClick={() => void undo(true)} data-testid="history-restore-force">
            {t('undo.anyway')}
          </Button>
        ) : (
          <Button
            variant="contained"
            disabled={busy || !data || !data.writable || !!nothing}
            onClick={() => void undo(false)}
            data-testid="history-restore-confirm"
          >
            {t('undo.confirm')}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
