import { Alert, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useTranslation } from 'react-i18next';
import type { ContactShapePreview } from '@shared/models/contacts';
import { monospaceFont } from '../../app/theme';

/** "Create like this one": each attribute where the template's shape differs from the console's recipe. */
export function ShapeDifferences({ shape }: { shape: ContactShapePreview }) {
  const { t } = useTranslation('contacts');
  const template = shape.template.name;
  const values = (v?: string[]) => (v?.length ? v.join('; ') : t('form.shapeNone'));
  if (shape.differences.length === 0 && shape.cnForm === 'name') return <Alert severity="info">{t('form.shapeSame', { template })}</Alert>;
  return (
    <Alert severity="info" data-testid="contact-shape" sx={{ '& .MuiAlert-message': { width: '100%' } }}>
      <Typography variant="subtitle2">{t('form.shapeTitle', { template })}</Typography>
      {shape.cnForm === 'guid' && <Typography variant="body2">{t('form.shapeCn', { template })}</Typography>}
      {shape.differences.length > 0 && (
        <Table size="small" aria-label={t('form.shapeTitle', { template })}>
          <TableHead>
            <TableRow>
              <TableCell>{t('form.shapeAttribute')}</TableCell>
              <TableCell>{t('form.shapeRecipe')}</TableCell>
              <TableCell>{t('form.shapeLearned', { template })}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {shape.differences.map((d) => (
              <TableRow key={d.attribute} data-testid={`contact-shape-${d.attribute}`}>
                <TableCell sx={{ fontFamily: monospaceFont, whiteSpace: 'nowrap' }}>{d.attribute}</TableCell>
                <TableCell sx={{ wordBreak: 'break-all' }}>{values(d.recipe)}</TableCell>
                <TableCell sx={{ wordBreak: 'break-all' }}>{values(d.learned)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {shape.notCopied.length > 0 && <Typography variant="body2">{t('form.shapeNotCopied', { attributes: shape.notCopied.join(', ') })}</Typography>}
    </Alert>
  );
}
