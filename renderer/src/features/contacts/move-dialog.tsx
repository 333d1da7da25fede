import { Alert, Autocomplete, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactItem, ContactOptions, ContactWriteResult } from '@shared/models/contacts';
import type { ApiError } from '@shared/errors';
import { toApiError, useApi } from '../../api/api-context';
import { ActingAccount, useActingAccount } from '../../components/acting-account';
import { ExportPlanButton } from '../../components/export-plan-button';
import { ContactError } from './contact-error';
import { PoolSelect } from './pool-select';
import { dnEquals, parentDn } from '@shared/dn';

/** Moves a contact to another pool (LDAP or Move-CsExUmContact) and/or another OU (LDAP). */
export function MoveDialog({
  contact,
  options,
  actingProfile,
  onClose,
  onDone,
}: {
  contact: ContactItem;
  options: ContactOptions;
  actingProfile?: string;
  onClose: () => void;
  onDone: (r: ContactWriteResult) => void;
}) {
  const { t } = useTranslation('contacts');
  const api = useApi();
  const forest = options.forests.find((f) => f.profile === contact.profile);
  // Moved by an account of the contact's forest, chosen here [S27].
  const acting = useActingAccount('contacts.write', { forests: [contact.forest], ...(actingProfile ? { preferred: actingProfile } : {}) });
  const currentOu = parentDn(contact.dn);
  const [ouDn, setOuDn] = useState(currentOu);
  const [pool, setPool] = useState(contact.pool?.name ?? '');
  const [error, setError] = useState<ApiError>();
  // The move as it is made, and as its plan is exported.
  const request = {
    profile: acting.profile ?? contact.profile,
    dn: contact.dn,
    expectedVersion: contact.version,
    loaded: { poolFqdn: contact.pool?.name, ou: contact.ou },
    targetOuDn: ouDn !== currentOu ? ouDn : undefined,
    targetPoolFqdn: pool !== contact.pool?.name ? pool : undefined,
    route: 'ldap' as const,
  };
  const unchanged = ouDn === currentOu && pool === contact.pool?.name;
  const move = async () => {
    try {
      onDone(await api.call('contacts.move', request));
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth data-testid="move-dialog">
      <DialogTitle>{t('move.title', { name: contact.displayName })}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <ActingAccount acting={acting} testId="move-acting" />
          <ContactError error={error} testId="move-error" />
          <PoolSelect pools={forest?.pools ?? []} value={pool} current={contact.pool?.name} onChange={setPool} label={t('move.pool')} testId="move-pool" />
          <Autocomplete
            options={forest?.ous ?? []}
            value={forest?.ous.find((o) => dnEquals(o.dn, ouDn)) ?? null}
            onChange={(_e, v) => setOuDn(v?.dn ?? currentOu)}
            getOptionLabel={(o) => o.path}
            isOptionEqualToValue={(a, b) => a.dn === b.dn}
            renderInput={(params) => (
              <TextField
                {...params}
                label={t('move.ou')}
                slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-testid': 'move-ou' } }}
              />
            )}
          />
          <Alert severity="info">{t('move.ouLdapOnly')}</Alert>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('common:actions.cancel')}</Button>
        <ExportPlanButton disabled={!acting.profile || unchanged} request={{ kind: 'contacts', operations: [{ op: 'move', input: request }] }} />
        <Button variant="contained" disabled={!acting.profile || unchanged} onClick={() => void move()} data-testid="move-submit">
          {t('move.submit')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
