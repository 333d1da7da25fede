import { Button, CircularProgress, Tooltip } from '@mui/material';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import ErrorIcon from '@mui/icons-material/Error';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ShellTarget } from '@shared/models/powershell';
import { useApi, toApiError } from '../../api/api-context';

/** Opens a profile's Exchange or Lync shell and runs a harmless read, showing how it went. */
export function ShellTestButton({ profile, target }: { profile: string; target: ShellTarget }) {
  const { t } = useTranslation('settings');
  const api = useApi();
  const [state, setState] = useState<{ busy: boolean; ok?: boolean; message?: string }>({ busy: false });
  const test = async () => {
    setState({ busy: true });
    try {
      const result = await api.call('powershell.test', { profile, target });
      setState({ busy: false, ok: result.ok, message: result.message });
    } catch (error) {
      setState({ busy: false, ok: false, message: toApiError(error).message });
    }
  };
  const icon = state.busy ? (
    <CircularProgress size={14} />
  ) : state.ok === true ? (
    <CheckCircleIcon color="success" fontSize="small" />
  ) : state.ok === false ? (
    <ErrorIcon color="error" fontSize="small" />
  ) : undefined;
  return (
    // A description, not the name: the name stays the visible text ("Exchange"), which is what a
    // speech-input user says to press it.
    <Tooltip describeChild title={state.message ?? t(`shellTest.${target}`)}>
      <Button
        size="small"
        startIcon={icon}
        onClick={() => void test()}
        disabled={state.busy}
        data-testid={`shell-test-${target}-${profile}`}
        data-result={state.ok === undefined ? '' : state.ok ? 'ok' : 'failed'}
      >
        {t(`shellTest.${target}Short`)}
      </Button>
    </Tooltip>
  );
}
