import { Alert, AlertTitle, Box, Checkbox, Chip, FormControlLabel, Stack, Typography } from '@mui/material';
import LockIcon from '@mui/icons-material/Lock';
import { useTranslation } from 'react-i18next';
import type { BlockedChild } from '@shared/models/permissions';

/** Chip colours for a type's state, shared with the OU panel. */
export const statusColor = { granted: 'success', partial: 'warning', 'not-granted': 'default' } as const;

/** One blocked OU's own state per object type, as chips. */
function ChildStatus({ child }: { child: BlockedChild }) {
  const { t } = useTranslation('permissions');
  return (
    <Stack direction="row" spacing={0.5} sx={{ flexWrap: 'wrap', rowGap: 0.5 }}>
      {child.types.map((s) => (
        <Chip
          key={s.type}
          size="small"
          color={statusColor[s.status]}
          variant={s.status === 'not-granted' ? 'outlined' : 'filled'}
          label={t('blocked.typeStatus', { type: t(`types.${s.type}`), status: t(`status.${s.status}`) })}
          data-testid={`blocked-status-${s.type}`}
        />
      ))}
    </Stack>
  );
}

/**
 * The OUs below the selected one whose inheritance is blocked: a grant here does not reach them,
 * each needs its own grant (Lync's own guidance), so they are shown with their own state.
 */
export function BlockedChildrenNotice({ items }: { items: BlockedChild[] }) {
  const { t } = useTranslation('permissions');
  if (items.length === 0) return null;
  return (
    <Alert severity="warning" icon={<LockIcon fontSize="inherit" />} data-testid="blocked-children">
      <AlertTitle>{t('blocked.title', { count: items.length })}</AlertTitle>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {t('blocked.intro')}
      </Typography>
      <Stack spacing={1}>
        {items.map((child) => (
          <Box key={child.ou.dn} data-testid="blocked-child">
            <Typography variant="body2" sx={{ fontWeight: 500 }}>
              {child.ou.path}
            </Typography>
            <ChildStatus child={child} />
          </Box>
        ))}
      </Stack>
    </Alert>
  );
}

/** In a grant preview: the blocked OUs below, each with a checkbox to grant it in the same step. */
export function BlockedChildrenChoice({ items, chosen, onToggle }: { items: BlockedChild[]; chosen: Set<string>; onToggle: (dn: string) => void }) {
  const { t } = useTranslation('permissions');
  if (items.length === 0) return null;
  return (
    <Box sx={{ border: 1, borderColor: 'warning.main', borderRadius: 1, p: 1.5 }} data-testid="blocked-children-choice">
      <Typography variant="subtitle2">{t('blocked.choiceTitle', { count: items.length })}</Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {t('blocked.choiceIntro')}
      </Typography>
      <Stack spacing={1}>
        {items.map((child) => (
          <Stack key={child.ou.dn} direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 0.5 }}>
            <FormControlLabel
              sx={{ mr: 1 }}
              control={<Checkbox checked={chosen.has(child.ou.dn)} onChange={() => onToggle(child.ou.dn)} data-testid={`include-child-${child.ou.name}`} />}
              label={
                <span>
                  {t('blocked.include', { ou: child.ou.path })}
                  <Typography component="span" variant="body2" color="text.secondary">
                    {' '}
                    {child.changes ? t('blocked.adds', { count: child.changes }) : t('blocked.nothingToAdd')}
                  </Typography>
                </span>
              }
            />
            <ChildStatus child={child} />
          </Stack>
        ))}
      </Stack>
    </Box>
  );
}
