import { Chip, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { AceView } from '@shared/models/permissions';
import { monospaceFont } from '../../app/theme';

/**
 * Access entries as Windows' Advanced Security dialog shows them (type, principal, access,
 * object, applies to), with the exact SDDL on hover. `highlight` marks entries that will change.
 */
export function AceTable({
  aces,
  highlight,
  tone = 'success',
  testId,
  dense = true,
}: {
  aces: AceView[];
  highlight?: Set<string>;
  tone?: 'success' | 'error';
  testId: string;
  dense?: boolean;
}) {
  const { t } = useTranslation('permissions');
  if (aces.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" data-testid={testId}>
        {t('ace.none')}
      </Typography>
    );
  }
  return (
    <Table size={dense ? 'small' : 'medium'} stickyHeader data-testid={testId}>
      <TableHead>
        <TableRow>
          {/* Allow/Deny and its header stay on one line: in Chinese a narrow column broke 允許 into one character per line. */}
          <TableCell sx={{ whiteSpace: 'nowrap' }}>{t('ace.kind')}</TableCell>
          <TableCell>{t('ace.trustee')}</TableCell>
          <TableCell>{t('ace.rights')}</TableCell>
          <TableCell>{t('ace.object')}</TableCell>
          <TableCell>{t('ace.appliesTo')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {aces.map((ace, i) => {
          const marked = highlight?.has(ace.key);
          return (
            <Tooltip key={`${ace.key}-${i}`} title={<span style={{ fontFamily: monospaceFont }}>{ace.sddl}</span>} placement="top-start">
              <TableRow
                data-testid="ace-row"
                data-marked={marked ? 'true' : undefined}
                sx={{
                  bgcolor: marked ? `${tone}.light` : undefined,
                  '& td': { color: ace.inherited ? 'text.secondary' : undefined, ...(marked ? { color: `${tone}.contrastText` } : {}) },
                }}
              >
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  {t(`ace.kinds.${ace.kind}`)}
                  {ace.inherited && <Chip size="small" variant="outlined" label={t('ace.inherited')} sx={{ ml: 0.5, height: 18 }} />}
                </TableCell>
                <TableCell sx={{ overflowWrap: 'anywhere', minWidth: 140 }}>{ace.trustee}</TableCell>
                <TableCell>{formatRights(ace.rights, t)}</TableCell>
                <TableCell sx={{ overflowWrap: 'anywhere' }}>{ace.object ?? t('ace.allProperties')}</TableCell>
                <TableCell>{t(`appliesTo.${ace.appliesTo}`, { className: ace.appliesToClass ?? '' })}</TableCell>
              </TableRow>
            </Tooltip>
          );
        })}
      </TableBody>
    </Table>
  );
}

const fullControl = ['CC', 'DC', 'LC', 'SW', 'RP', 'WP', 'DT', 'LO', 'CR', 'SD', 'RC', 'WD', 'WO'];

/** Rights in words; every standard right together reads "Full control", as in Windows' editor. */
function formatRights(rights: string[], t: TFunction<'permissions'>): string {
  if (fullControl.every((r) => rights.includes(r)))
    return [String(t('rights.GA')), ...rights.filter((r) => !fullControl.includes(r)).map((r) => String(t(`rights.${r}`, { defaultValue: r })))].join(
      t('listSeparator'),
    );
  return rights.map((r) => String(t(`rights.${r}`, { defaultValue: r }))).join(t('listSeparator'));
}
