import AssignmentOutlinedIcon from '@mui/icons-material/AssignmentOutlined';
import { Alert, Button, Snackbar } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodInput } from '@shared/contract';
import type { Language } from '@shared/models/settings';
import { useAction } from '../api/api-context';
import { downloadText } from './download-text';
import { ErrorAlert } from './error-alert';

/**
 * "Export plan" beside a screen's Apply/Run button: the same write, planned instead of applied.
 * Main builds the plan; the three files (plan, script, summary) download, and nothing is written.
 */
export function ExportPlanButton({
  request,
  disabled,
  testId = 'export-plan',
}: {
  /** The write as the screen would ask for it; undefined while the screen has nothing to plan. */
  request: MethodInput<'plans.export'>['request'] | undefined;
  disabled?: boolean;
  testId?: string;
}) {
  const { t, i18n } = useTranslation('plans');
  const action = useAction();
  const [exported, setExported] = useState<string>();
  const exportPlan = () =>
    void action.run(async (api) => {
      const result = await api.call('plans.export', { request: request!, language: i18n.language as Language });
      for (const file of result.files) downloadText(file.name, file.mediaType, file.content);
      setExported(result.plan.id);
    });
  return (
    <>
      <Button
        variant="outlined"
        startIcon={<AssignmentOutlinedIcon />}
        disabled={disabled || !request || action.busy}
        onClick={exportPlan}
        data-testid={testId}
        title={t('export.hint')}
      >
        {t('export.button')}
      </Button>
      <Snackbar
        open={!!exported || !!action.error}
        onClose={(_event, reason) => {
          // A click elsewhere leaves it: the admin closes it, or it hides after a while (an error stays).
          if (reason === 'clickaway') return;
          setExported(undefined);
        }}
        // At the top: at the bottom it would cover the Apply/Run buttons beside this one (a dialog's actions).
        anchorOrigin={{ vertical: 'top', horizontal: 'center' }}
        autoHideDuration={exported ? 15_000 : null}
      >
        <div>
          {exported && (
            <Alert severity="success" onClose={() => setExported(undefined)} data-testid="plan-exported">
              {t('export.done', { id: exported })}
            </Alert>
          )}
          <ErrorAlert error={action.error} testId="plan-export-error" />
        </div>
      </Snackbar>
    </>
  );
}
