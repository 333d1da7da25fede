import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Table, TableBody, TableCell, TableRow } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { BulkOperation } from '@shared/models/enablement';

/** The account a real run acts as: the profile, the identity it signed in with, its forest. */
export interface ActingAccount {
  profile: string;
  identity?: string;
  forest?: string;
}

/**
 * Asked before every real run (a first run, a re-run, a run after a dry run, a resume): how many
 * mailboxes will be changed, and as whom — so nobody enables a batch with the wrong account.
 */
export function ConfirmRunDialog({
  open,
  rows,
  operation = 'enable',
  account,
  onCancel,
  onConfirm,
}: {
  open: boolean;
  rows: number;
  operation?: BulkOperation;
  account: ActingAccount;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useTranslation('enablement');
  // Enable keeps its own words; the other operations say what they run.
  const key = (name: 'title' | 'text' | 'accept') => (operation === 'enable' ? `confirm.${name}` : `confirm.${operation}.${name}`);
  return (
    <Dialog open={open} onClose={onCancel} aria-labelledby="confirm-run-title" data-testid="confirm-run">
      <DialogTitle id="confirm-run-title">{t(key('title'), { count: rows })}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>{t(key('text'), { count: rows })}</DialogContentText>
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
        <Button variant="contained" color="warning" onClick={onConfirm} data-testid="confirm-run-accept">
          {t(key('accept'), { count: rows })}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
