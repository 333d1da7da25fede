import { Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '@shared/errors';
import { toApiError, useApi } from '../../api/api-context';
import { ErrorAlert } from '../../components/error-alert';

/** OcsUmUtil's "new OU" from the OU picker: creates it under the selected OU. */
export function NewOuDialog({
  profile,
  parent,
  onClose,
  onCreated,
}: {
  profile: string;
  parent: { dn: string; path: string };
  onClose: () => void;
  onCreated: (ou: { dn: string; path: string }) => void;
}) {
  const { t } = useTranslation('contacts');
  const api = useApi();
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError>();
  const create = async () => {
    try {
      onCreated(await api.call('contacts.createOu', { profile, parentDn: parent.dn, name }));
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth>
      <DialogTitle>{t('form.newOuTitle', { parent: parent.path })}</DialogTitle>
      <DialogContent>
        <ErrorAlert error={error} />
        <TextField
          autoFocus
          fullWidth
          label={t('form.newOuName')}
          value={name}
          onChange={(e) => setName(e.target.value)}
          sx={{ mt: 1 }}
          slotProps={{ htmlInput: { maxLength: 64 } }}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('common:actions.cancel')}</Button>
        <Button variant="contained" disabled={!name.trim()} onClick={() => void create()}>
          {t('form.create')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
