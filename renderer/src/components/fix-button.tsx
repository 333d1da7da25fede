import { Box, Button, Collapse, Stack, Typography } from '@mui/material';
import BuildIcon from '@mui/icons-material/Build';
import TerminalIcon from '@mui/icons-material/Terminal';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FixAction } from '@shared/models/fix';
import { fixRoute } from '@shared/routes/fix-routes';
import { CodeBlock } from './code-block';

/**
 * Where a problem is fixed: "Fix…" opens the screen that does it already filled in (through the
 * screen router and shared/routes/fix-routes.ts); a change the console does not make shows
 * "Done elsewhere" with the commands to copy and the shell that runs them.
 */
export function FixButton({
  fix,
  navigate,
  testId = 'fix',
}: {
  fix: FixAction;
  navigate: (path: string, params?: Record<string, string>) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const route = fixRoute(fix);
  if (route) {
    const label = fix.kind === 'gateways' ? t('fix.gateways', { forest: fix.exchangeForest }) : t(`fix.${fix.kind}`);
    return (
      <Button
        size="small"
        variant="outlined"
        startIcon={<BuildIcon />}
        onClick={() => navigate(route.path, route.params)}
        data-testid={testId}
        data-fix={fix.kind}
        sx={{ flexShrink: 0 }}
      >
        {label}
      </Button>
    );
  }
  if (fix.kind !== 'elsewhere') return null;
  return (
    <Box sx={{ minWidth: 0 }}>
      <Button size="small" startIcon={<TerminalIcon />} onClick={() => setOpen((o) => !o)} aria-expanded={open} data-testid={testId} data-fix="elsewhere">
        {t('fix.elsewhere', { shell: t(`fix.shells.${fix.shell}`) })}
      </Button>
      <Collapse in={open} unmountOnExit>
        <Stack spacing={0.5} sx={{ mt: 0.5 }}>
          <CodeBlock text={fix.commands.join('\n')} maxHeight={160} testId={`${testId}-commands`} />
          {fix.fillIn && (
            <Typography variant="caption" color="text.secondary">
              {t('fix.fillIn', { parameters: fix.fillIn.map((p) => `-${p}`).join(t('common:acting.and')) })}
            </Typography>
          )}
        </Stack>
      </Collapse>
    </Box>
  );
}
