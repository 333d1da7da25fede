import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Table, TableBody, TableCell, TableRow } from '@mui/material';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BulkOperation } from '@shared/models/enablement';

/** The account a real run acts as: the profile, the identity it signed in with, its forest. */
export interface ActingAccount {
  profile: string;
  identity?: string;
  forest?: string;
}

/**
 * Asked before every real run (a first run, a re-run, a run after a dry run, a resume, a
 * rollback): how many mailboxes will be changed, and as whom — so nobody changes a batch with the
 * wrong account. A rollback gives its own texts and shows what it skips.
 */
export function ConfirmRunDialog({
  open,
  rows,
  operation = 'enable',
  account,
  onCancel,
  onConfirm,
  texts,
  children,
}: {
  open: boolean;
  rows: number;
  operation?: BulkOperation;
  account: ActingAccount;
  onCancel: () => void;
  /** Absent when there is nothing to run (a rollback with every row skipped): only Cancel is offered. */
  onConfirm?: () => void;
  texts?: { title: string; text: string; accept: string };
  children?: ReactNode;
}) {
  const { t } = useTranslation('enablement');
  // Enable keeps its own words; the other operations say what they run.
  const key = (name: 'title' | 'text' | 'accept') => (operation === 'enable' ? `confirm.${name}` : `confirm.${operation}.${name}`);
  return (
    <Dialog
      open={open}
      onClose={onCancel}
      aria-labelledby="confirm-run-title"
      data-testid="confirm-run"
      maxWidth={children ? 'md' : 'sm'}
      fullWidth={!!children}
    >
      <DialogTitle id="confirm-run-title">{texts?.title ?? t(key('title'), { count: rows })}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>{texts?.text ?? t(key('text'), { count: rows })}</DialogContentText>
        {children}
        <Table size="small" aria-label={t('confirm.account')}>
          <TableBody>
            {(
              [
                ['profile', account.profile],
                ['identity', account.identity],
                ['forest', account.forest],
                ['rows', String(rows)],
              ] as const
            ).map(([key, value]) => (
              <TableRow key={key}>
                <TableCell component="th" scope="row" sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
                  {t(`confirm.${key}`)}
                </TableCell>
                <TableCell data-testid={`confirm-run-${key}`}>{value ?? t('confirm.unknown')}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} data-testid="confirm-run-cancel">
          {t('confirm.cancel')}
        </Button>
        {onConfirm && (
          <Button variant="contained" color="warning" onClick={onConfirm} data-testid="confirm-run-accept">
            {texts?.accept ?? t(key('accept'), { count: rows })}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
