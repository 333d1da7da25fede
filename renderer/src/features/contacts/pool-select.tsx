import { MenuItem, TextField } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { ContactOptions } from '@shared/models/contacts';

type Pool = ContactOptions['forests'][number]['pools'][number];

/**
 * OcsUmUtil's "Server or Pool" list: the pools a contact may be homed on (contacts.options). A
 * contact homed elsewhere shows its own pool too, marked, so the list never hides where it is.
 */
export function PoolSelect({
  pools,
  value,
  current,
  onChange,
  label,
  helperText,
  error,
  testId,
}: {
  pools: Pool[];
  value: string;
  current?: string;
  onChange: (fqdn: string) => void;
  label: string;
  helperText?: string;
  error?: boolean;
  testId: string;
}) {
  const { t } = useTranslation('contacts');
  const offered = pools.some((p) => p.fqdn.toLowerCase() === current?.toLowerCase());
  return (
    <TextField
      select
      label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      helperText={helperText}
      error={error}
      slotProps={{ htmlInput: { 'data-testid': testId } }}
    >
      {current && !offered && (
        <MenuItem value={current} data-testid={`${testId}-${current}`}>
          {t('form.poolNotOffered', { pool: current })}
        </MenuItem>
      )}
      {pools.map((p) => (
        <MenuItem key={p.fqdn} value={p.fqdn} data-testid={`${testId}-${p.fqdn}`}>
          {p.fqdn} · {t(`topology:poolKinds.${p.kind}`)} · {p.product}
        </MenuItem>
      ))}
    </TextField>
  );
}
