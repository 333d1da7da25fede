import {
  Alert,
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Tooltip,
  Typography,
} from '@mui/material';
import AddIcon from '@mui/icons-material/Add';
import CodeIcon from '@mui/icons-material/Code';
import DeleteIcon from '@mui/icons-material/Delete';
import DriveFileMoveIcon from '@mui/icons-material/DriveFileMove';
import EditIcon from '@mui/icons-material/Edit';
import RefreshIcon from '@mui/icons-material/Refresh';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactItem, ContactWriteResult } from '@shared/models/contacts';
import type { ApiError } from '@shared/errors';
import { readContactPrefill, type ContactPrefill } from '@shared/routes/fix-routes';
import { toApiError, useApi, useCall, useEvent } from '../../api/api-context';
import { ActingAccount, formatActor, sentenceGap, useActingAccount, type ActingAccountState } from '../../components/acting-account';
import type { ScreenProps } from '../../app/navigation';
import { CodeBlock } from '../../components/code-block';
import { ExportPlanButton } from '../../components/export-plan-button';
import { ErrorAlert } from '../../components/error-alert';
import { RequireConnection } from '../../components/not-connected';
import { Page } from '../../components/page';
import { ContactError } from './contact-error';
import { useWarningText } from './contact-texts';
import { ContactDialog } from './contact-dialog';
import { MoveDialog } from './move-dialog';
import { groupContacts } from './contact-groups';
import { monospaceFont } from '../../app/theme';

type Dialogs = { kind: 'new'; prefill?: ContactPrefill } | { kind: 'edit' | 'move' | 'delete' | 'raw'; contact: ContactItem } | undefined;

/** Every SA/AA contact grouped by dial plan and auto attendant, with create, edit, move and delete. */
export function ContactsPage({ navigate, params }: ScreenProps) {
  const { t } = useTranslation('contacts');
  return (
    <RequireConnection title={t('title')} testId="page-contacts" navigate={navigate}>
      {({ connectedKey }) => <ContactsView connectedKey={connectedKey} prefill={readContactPrefill(params)} onPrefillDone={() => navigate('contacts')} />}
    </RequireConnection>
  );
}

function ContactsView({ connectedKey, prefill, onPrefillDone }: { connectedKey: string; prefill?: ContactPrefill; onPrefillDone: () => void }) {
  const { t, i18n } = useTranslation('contacts');
  const list = useCall('contacts.list', { refresh: false }, connectedKey);
  const options = useCall('contacts.options', {}, connectedKey);
  const [dialog, setDialog] = useState<Dialogs>();
  // Who the page writes as: an account of a Lync forest (contacts live there [S27]); each dialog starts with it.
  const lyncForests = options.data?.forests.map((f) => f.forest);
  const acting = useActingAccount('contacts.write', lyncForests?.length ? { forests: lyncForests } : {});
  // A "Fix…" from the topology or the checklist opens the new-contact dialog filled in (shared/routes/fix-routes.ts).
  const prefillKey = prefill ? JSON.stringify(prefill) : '';
  useEffect(() => {
    if (prefill) setDialog({ kind: 'new', prefill });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [prefillKey]);
  const closeDialog = () => {
    setDialog(undefined);
    if (prefill) onPrefillDone();
  };
  const [result, setResult] = useState<{ text: string; warnings: string[]; command?: string }>();
  const warningText = useWarningText();
  useEvent('topology.changed', () => {
    void list.reload();
    void options.reload();
  });

  const groups = useMemo(() => groupContacts(list.data ?? [], (key, o) => String(t(key, o ?? {}))), [list.data, t]);
  const done = (message: string) => (r: ContactWriteResult) => {
    closeDialog();
    setResult({
      text: `${t(message, { route: t(`result.routes.${r.route}`) })}${sentenceGap(i18n.language)}${t('result.as', { actor: formatActor(r.actor, t) })}`,
      warnings: r.warnings.map(warningText),
      command: r.command,
    });
    void list.reload();
  };
  const noLync = options.data && options.data.forests.length === 0;
  // The rows wait for the options too: the acting account, shown above them, comes with those, and
  // rows that moved down as it appeared would lose a click on their buttons.
  const optionsRead = !!options.data || !!options.error;

  return (
    <Page
      title={t('title')}
      testId="page-contacts"
      loading={list.loading || options.loading}
      actions={
        <>
          <Button startIcon={<RefreshIcon />} onClick={() => void list.reload()}>
            {t('refresh')}
          </Button>
          <Button
            variant="contained"
            startIcon={<AddIcon />}
            onClick={() => setDialog({ kind: 'new' })}
            disabled={!options.data || noLync}
            data-testid="contact-new"
          >
            {t('new')}
          </Button>
        </>
      }
    >
      <Stack spacing={2}>
        <Typography variant="body2" color="text.secondary">
          {t('intro')}
        </Typography>
        <ErrorAlert error={list.error ?? options.error} />
        {noLync && <Alert severity="info">{t('noLyncForest')}</Alert>}
        {options.data && !noLync && <ContactsActing acting={acting} />}
        {result && (
          <Alert severity={result.warnings.length ? 'warning' : 'success'} onClose={() => setResult(undefined)} data-testid="contact-result">
            <Box>{result.text}</Box>
            {result.warnings.length > 0 && (
              <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
                {result.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </Box>
            )}
            {result.command && <Box sx={{ fontFamily: monospaceFont, fontSize: 12, mt: 0.5 }}>{result.command}</Box>}
          </Alert>
        )}
        {optionsRead && list.data && list.data.length === 0 && <Typography color="text.secondary">{t('empty')}</Typography>}
        {(optionsRead ? groups : []).map((group) => (
          <Paper key={group.key} variant="outlined" sx={{ overflowX: 'auto' }} data-testid={`contact-group-${group.key}`}>
            <Box sx={{ px: 2, py: 1, bgcolor: 'action.hover' }}>
              <Typography variant="subtitle2">{group.title}</Typography>
              {group.subtitle && (
                <Typography variant="caption" color="text.secondary">
                  {group.subtitle}
                </Typography>
              )}
            </Box>
            {/* Laid out by content, the name and SIP columns kept readable; in a narrow window the
                card scrolls sideways rather than squeezing a column to a letter a line. */}
            <Table size="small" sx={{ '& td, & th': { overflowWrap: 'break-word' } }}>
              <TableHead>
                <TableRow>
                  <TableCell>{t('columns.type')}</TableCell>
                  <TableCell>{t('columns.name')}</TableCell>
                  <TableCell>{t('columns.sip')}</TableCell>
                  <TableCell>{t('columns.number')}</TableCell>
                  <TableCell>{t('columns.pool')}</TableCell>
                  <TableCell>{t('columns.problems')}</TableCell>
                  <TableCell align="right">{t('columns.actions')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {group.contacts.map((c) => (
                  <TableRow key={c.dn} data-testid={`contact-row-${c.sipAddress}`}>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>
                      <Chip size="small" color={c.kind === 'AA' ? 'secondary' : c.kind === 'SA' ? 'primary' : 'default'} label={t(`kinds.${c.kind}`)} />
                    </TableCell>
                    <TableCell sx={{ minWidth: 160 }}>
                      <Box>{c.displayName}</Box>
                      <Typography variant="caption" color="text.secondary">
                        {c.ou}
                      </Typography>
                    </TableCell>
                    <TableCell sx={{ fontFamily: monospaceFont, fontSize: 13, wordBreak: 'break-all', minWidth: 180 }}>{c.sipAddress}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{c.phoneNumber}</TableCell>
                    <TableCell>{c.pool?.name ?? '—'}</TableCell>
                    <TableCell>
                      <Stack direction="row" spacing={0.5} sx={{ flexWrap: 'wrap' }}>
                        {c.problems.map((p) => (
                          <Tooltip key={p.code} title={t(`problems.${p.code}`, p.params)}>
                            <Chip
                              size="small"
                              color={p.severity === 'error' ? 'error' : p.severity === 'warning' ? 'warning' : 'default'}
                              variant="outlined"
                              label={t(`problemLabels.${p.code}`)}
                              data-testid={`problem-${p.code}`}
                            />
                          </Tooltip>
                        ))}
                      </Stack>
                    </TableCell>
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      <RowAction
                        label={t('actions.edit')}
                        icon={<EditIcon fontSize="small" />}
                        onClick={() => setDialog({ kind: 'edit', contact: c })}
                        testId={`edit-${c.sipAddress}`}
                      />
                      <RowAction
                        label={t('actions.move')}
                        icon={<DriveFileMoveIcon fontSize="small" />}
                        onClick={() => setDialog({ kind: 'move', contact: c })}
                        testId={`move-${c.sipAddress}`}
                      />
                      <RowAction
                        label={t('actions.raw')}
                        icon={<CodeIcon fontSize="small" />}
                        onClick={() => setDialog({ kind: 'raw', contact: c })}
                        testId={`raw-${c.sipAddress}`}
                      />
                      <RowAction
                        label={t('actions.delete')}
                        icon={<DeleteIcon fontSize="small" />}
                        onClick={() => setDialog({ kind: 'delete', contact: c })}
                        testId={`delete-${c.sipAddress}`}
                      />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Paper>
        ))}
      </Stack>
      {dialog?.kind === 'new' && options.data && (
        <ContactDialog
          options={options.data}
          prefill={dialog.prefill}
          {...actingProp(acting)}
          existing={list.data ?? []}
          onClose={closeDialog}
          onDone={done('result.created')}
        />
      )}
      {dialog?.kind === 'edit' && options.data && (
        <ContactDialog
          options={options.data}
          existing={list.data ?? []}
          contact={dialog.contact}
          {...actingProp(acting)}
          onClose={() => setDialog(undefined)}
          onDone={done('result.updated')}
        />
      )}
      {dialog?.kind === 'move' && options.data && (
        <MoveDialog
          contact={dialog.contact}
          options={options.data}
          {...actingProp(acting)}
          onClose={() => setDialog(undefined)}
          onDone={done('result.moved')}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteDialog contact={dialog.contact} {...actingProp(acting)} onClose={() => setDialog(undefined)} onDone={done('result.deleted')} />
      )}
      {dialog?.kind === 'raw' && <RawDialog contact={dialog.contact} onClose={() => setDialog(undefined)} />}
    </Page>
  );
}

/** The page's acting account; the dialogs start with it (and may pick another of the contact's forest). */
function ContactsActing({ acting }: { acting: ActingAccountState }) {
  return <ActingAccount acting={acting} testId="contacts-acting" />;
}

const actingProp = (acting: ActingAccountState) => (acting.profile ? { actingProfile: acting.profile } : {});

function RowAction({ label, icon, onClick, testId }: { label: string; icon: React.ReactNode; onClick: () => void; testId: string }) {
  return (
    <Tooltip title={label}>
      <IconButton size="small" onClick={onClick} aria-label={label} data-testid={testId}>
        {icon}
      </IconButton>
    </Tooltip>
  );
}

function DeleteDialog({
  contact,
  actingProfile,
  onClose,
  onDone,
}: {
  contact: ContactItem;
  actingProfile?: string;
  onClose: () => void;
  onDone: (r: ContactWriteResult) => void;
}) {
  const { t } = useTranslation('contacts');
  const api = useApi();
  const [error, setError] = useState<ApiError>();
  // Deleted by an account of the contact's forest, chosen here [S27].
  const acting = useActingAccount('contacts.write', { forests: [contact.forest], ...(actingProfile ? { preferred: actingProfile } : {}) });
  const request = {
    profile: acting.profile ?? '',
    dn: contact.dn,
    expectedVersion: contact.version,
    loaded: { name: contact.displayName, sipAddress: contact.sipAddress, phoneNumber: contact.phoneNumber },
    route: 'ldap' as const,
  };
  const remove = async () => {
    if (!acting.profile) return;
    try {
      onDone(await api.call('contacts.delete', request));
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <Dialog open onClose={onClose} data-testid="delete-dialog">
      <DialogTitle>{t('delete.title', { name: contact.displayName })}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <ActingAccount acting={acting} testId="delete-acting" />
          <ContactError error={error} testId="delete-error" />
          <Typography>{t('delete.body', { number: contact.phoneNumber })}</Typography>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('common:actions.cancel')}</Button>
        <ExportPlanButton disabled={!acting.profile} request={{ kind: 'contacts', operations: [{ op: 'delete', input: request }] }} />
        <Button color="error" variant="contained" disabled={!acting.profile} onClick={() => void remove()} data-testid="delete-submit">
          {t('delete.submit')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function RawDialog({ contact, onClose }: { contact: ContactItem; onClose: () => void }) {
  const { t } = useTranslation('contacts');
  const raw = useCall('topology.object', { profile: contact.profile, dn: contact.dn });
  const text = Object.entries(raw.data?.attributes ?? {})
    .flatMap(([n, values]) => values.map((v) => `${n}: ${v}`))
    .join('\n');
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth>
      <DialogTitle>
        {contact.displayName} · {t('actions.raw')}
      </DialogTitle>
      <DialogContent>
        <ErrorAlert error={raw.error} />
        <CodeBlock text={text} maxHeight={520} testId="contact-raw" />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('common:actions.close')}</Button>
      </DialogActions>
    </Dialog>
  );
}
