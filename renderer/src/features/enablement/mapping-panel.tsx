import {
  Alert,
  Box,
  Button,
  Checkbox,
  FormControl,
  FormControlLabel,
  InputLabel,
  MenuItem,
  Select,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import FactCheckIcon from '@mui/icons-material/FactCheck';
import { useTranslation } from 'react-i18next';
import { availableOperations, operationFields } from '@shared/enablement/operations';
import type { BulkOperation, EnablementColumnMapping, ImportSummary } from '@shared/models/enablement';

/**
 * Step 2: what the job does to each row (enable, change, PIN reset, disable), which column feeds
 * which of that operation's parameters (suggested from the header), the forest, and validate.
 */
export function MappingPanel({
  summary,
  operation,
  onOperation,
  mapping,
  onMapping,
  profiles,
  profile,
  onProfile,
  propose,
  onPropose,
  onValidate,
  busy,
}: {
  summary: ImportSummary;
  operation: BulkOperation;
  onOperation: (operation: BulkOperation) => void;
  mapping: EnablementColumnMapping;
  onMapping: (mapping: EnablementColumnMapping) => void;
  profiles: Array<{ profile: string; label: string }>;
  profile?: string;
  onProfile: (profile: string) => void;
  propose: boolean;
  onPropose: (propose: boolean) => void;
  onValidate: () => void;
  busy: boolean;
}) {
  const { t } = useTranslation('enablement');
  const fields = operationFields[operation].fields;
  const required = new Set(operationFields[operation].required);
  const fieldOf = (column: number) => fields.find((f) => mapping[f] === column);
  const missing = fields.filter((f) => required.has(f) && mapping[f] === undefined);
  return (
    <Box data-testid="mapping-panel">
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 2 }}>
        <FormControl size="small" sx={{ minWidth: 260 }}>
          <InputLabel id="bulk-operation">{t('operation.label')}</InputLabel>
          <Select
            labelId="bulk-operation"
            label={t('operation.label')}
            value={operation}
            onChange={(e) => onOperation(e.target.value as BulkOperation)}
            data-testid="bulk-operation"
          >
            {availableOperations.map((op) => (
              <MenuItem key={op} value={op} data-testid={`bulk-operation-${op}`}>
                {t(`operation.names.${op}`)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <Typography variant="body2" color="text.secondary" data-testid="bulk-operation-help">
          {t(`operation.help.${operation}`, { cmdlets: operationFields[operation].cmdlets })}
        </Typography>
      </Stack>
      <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1.5, mb: 2 }}>
        {fields.map((field) => (
          <FormControl key={field} size="small" sx={{ minWidth: 190 }} required={required.has(field)}>
            <InputLabel id={`map-${field}`}>{field}</InputLabel>
            <Select
              labelId={`map-${field}`}
              label={field}
              value={mapping[field] ?? ''}
              data-testid={`map-${field}`}
              onChange={(e) => {
                const next = { ...mapping };
                const raw = e.target.value as number | '';
                // One column feeds one field: taking a column moves it.
                if (raw !== '') for (const f of fields) if (next[f] === raw) delete next[f];
                if (raw === '') delete next[field];
                else next[field] = raw;
                onMapping(next);
              }}
            >
              <MenuItem value="">{t('mapping.none')}</MenuItem>
              {summary.header.map((h, i) => (
                <MenuItem key={i} value={i}>
                  {h || t('mapping.column', { n: i + 1 })}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        ))}
      </Stack>
      {summary.ambiguous.length > 0 && (
        <Alert severity="info" sx={{ mb: 1 }}>
          {t('mapping.ambiguous', { fields: summary.ambiguous.map((a) => a.field).join(', ') })}
        </Alert>
      )}
      {missing.length > 0 && (
        <Alert severity="warning" sx={{ mb: 1 }} data-testid="mapping-missing">
          {t('mapping.missing', { fields: missing.join(', ') })}
        </Alert>
      )}
      <Box sx={{ overflowX: 'auto', mb: 2 }}>
        <Table size="small">
          <TableHead>
            <TableRow>
              {summary.header.map((h, i) => (
                <TableCell key={i}>
                  <Typography variant="caption" color={fieldOf(i) ? 'primary' : 'text.secondary'} sx={{ display: 'block', fontWeight: 600 }}>
                    {fieldOf(i) ? `→ ${fieldOf(i)}` : t('mapping.carried')}
                  </Typography>
                  {h}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {summary.sample.map((row, r) => (
              <TableRow key={r}>
                {summary.header.map((_, i) => (
                  <TableCell key={i} sx={{ maxWidth: 240, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                    {row[i]}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <FormControl size="small" sx={{ minWidth: 260 }}>
          <InputLabel id="enable-profile">{t('mapping.forest')}</InputLabel>
          <Select
            labelId="enable-profile"
            label={t('mapping.forest')}
            value={profile ?? ''}
            onChange={(e) => onProfile(e.target.value)}
            data-testid="enable-profile"
          >
            {profiles.map((p) => (
              <MenuItem key={p.profile} value={p.profile}>
                {p.label}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        {operation === 'enable' && (
          <FormControlLabel
            control={<Checkbox checked={propose} onChange={(e) => onPropose(e.target.checked)} data-testid="propose-extensions" />}
            label={t('mapping.propose')}
          />
        )}
        <Button variant="contained" startIcon={<FactCheckIcon />} disabled={busy || missing.length > 0 || !profile} onClick={onValidate} data-testid="validate">
          {t('mapping.validate', { count: summary.rowCount })}
        </Button>
      </Stack>
    </Box>
  );
}
