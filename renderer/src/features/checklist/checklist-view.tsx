import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Alert,
  Box,
  Button,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  InputLabel,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  MenuItem,
  Select,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import CheckCircleIcon from '@mui/icons-material/CheckCircle';
import DownloadIcon from '@mui/icons-material/Download';
import CancelOutlinedIcon from '@mui/icons-material/CancelOutlined';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import InfoOutlinedIcon from '@mui/icons-material/InfoOutlined';
import WarningAmberIcon from '@mui/icons-material/WarningAmber';
import RefreshIcon from '@mui/icons-material/Refresh';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChecklistStep, FixScreen } from '@shared/models/checklist';
import type { ChecklistStepId } from '@shared/models/checklist';
import type { Language } from '@shared/models/settings';
import { toApiError, useApi, useCall, useEvent } from '../../api/api-context';
import type { ScreenProps } from '../../app/navigation';
import { ActingAccount, formatActor, useActingAccount } from '../../components/acting-account';
import { ErrorAlert } from '../../components/error-alert';
import { FixButton } from '../../components/fix-button';
import { downloadText } from '../../components/download-text';
import { LoadingBar } from '../../components/loading-bar';

const statusColor = { done: 'success', confirmed: 'info', partly: 'warning', 'not-done': 'error', unknown: 'default' } as const;
const fixTarget: Record<FixScreen, [string, Record<string, string>?]> = {
  contacts: ['contacts'],
  permissions: ['permissions'],
  enablement: ['enablement'],
  gateways: ['checklist', { view: 'gateways' }],
  topology: ['topology'],
};
const stepFixLabel: Partial<Record<FixScreen, string>> = { contacts: 'contacts', permissions: 'permissions', enablement: 'enablement', gateways: 'gateways' };

/** The 11 steps with status, why, evidence, roles and a way to the screen that fixes each. */
export function ChecklistView({ connectedKey, navigate }: { connectedKey: string; navigate: ScreenProps['navigate'] }) {
  const { t, i18n } = useTranslation(['checklist-page', 'checklist']);
  const api = useApi();
  const [dialPlanDn, setDialPlanDn] = useState<string>('');
  const checklist = useCall('checklist.get', { ...(dialPlanDn ? { dialPlanDn } : {}), refresh: true }, [connectedKey, dialPlanDn]);
  const [exportError, setExportError] = useState<ReturnType<typeof toApiError>>();
  useEvent('topology.changed', () => void checklist.reload());
  const data = checklist.data;

  const exportReport = async () => {
    try {
      const file = await api.call('checklist.report', { ...(dialPlanDn ? { dialPlanDn } : {}), refresh: false, language: i18n.language as Language });
      downloadText(file.fileName, file.mimeType, file.content);
    } catch (e) {
      setExportError(toApiError(e));
    }
  };

  return (
    <Stack spacing={2}>
      <Typography variant="body2" color="text.secondary">
        {t('intro')}
      </Typography>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <FormControl size="small" sx={{ minWidth: 260 }}>
          <InputLabel id="checklist-dial-plan" shrink>
            {t('dialPlan')}
          </InputLabel>
          <Select
            labelId="checklist-dial-plan"
            label={t('dialPlan')}
            notched
            displayEmpty
            value={dialPlanDn}
            onChange={(e) => setDialPlanDn(e.target.value)}
            data-testid="checklist-dial-plan"
          >
            <MenuItem value="">{t('allDialPlans')}</MenuItem>
            {data?.dialPlans.map((d) => (
              <MenuItem key={d.dn} value={d.dn} data-testid={`checklist-dial-plan-${d.name}`}>
                {d.name} ({d.uriType})
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <Button startIcon={<RefreshIcon />} onClick={() => void checklist.reload()} disabled={checklist.loading} data-testid="checklist-refresh">
          {t('common:actions.refresh')}
        </Button>
        <Button startIcon={<DownloadIcon />} onClick={() => void exportReport()} disabled={!data} data-testid="checklist-report">
          {t('report')}
        </Button>
        <Box sx={{ flexGrow: 1 }} />
        {data && (
          <Typography variant="body2" data-testid="checklist-summary">
            {t('summary', {
              done: data.summary.done,
              partly: data.summary.partly,
              notDone: data.summary.notDone,
              unknown: data.summary.unknown,
              confirmed: data.summary.confirmed,
            })}
          </Typography>
        )}
      </Stack>
      <LoadingBar loading={checklist.loading} />
      <ErrorAlert error={checklist.error ?? exportError} />
      {data?.steps.map((step) => (
        <StepCard key={step.id} step={step} navigate={navigate} onFix={(screen) => navigate(...fixTarget[screen])} onChanged={() => void checklist.reload()} />
      ))}
    </Stack>
  );
}

function StepCard({
  step,
  navigate,
  onFix,
  onChanged,
}: {
  step: ChecklistStep;
  navigate: ScreenProps['navigate'];
  onFix: (screen: FixScreen) => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation(['checklist', 'checklist-page']);
  const [open, setOpen] = useState(step.status !== 'done' && step.status !== 'confirmed');
  const [confirming, setConfirming] = useState<'confirm' | 'withdraw'>();
  return (
    <Accordion expanded={open} onChange={(_e, v) => setOpen(v)} disableGutters variant="outlined" data-testid={`step-${step.number}`} data-status={step.status}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center', minWidth: 0, width: '100%' }}>
          <Typography variant="h6" color="text.secondary" sx={{ width: 28, textAlign: 'right', flexShrink: 0 }}>
            {step.number}
          </Typography>
          <Chip
            size="small"
            color={statusColor[step.status]}
            variant={step.status === 'unknown' ? 'outlined' : 'filled'}
            label={t(`checklist:statuses.${step.status}`)}
            sx={{ flexShrink: 0, minWidth: 96 }}
            data-testid={`step-${step.number}-status`}
          />
          <Box sx={{ minWidth: 0 }}>
            <Typography variant="subtitle1" sx={{ lineHeight: 1.3 }}>
              {t(`checklist:steps.${step.id}.title`)}
            </Typography>
            <Typography variant="body2" color="text.secondary" data-testid={`step-${step.number}-reason`}>
              {step.confirmation
                ? t('checklist-page:confirm.short', { by: step.confirmation.by, at: new Date(step.confirmation.at).toLocaleDateString() })
                : t(`checklist:reasons.${step.reason.code}`, step.reason.params)}
            </Typography>
          </Box>
        </Stack>
      </AccordionSummary>
      <AccordionDetails sx={{ pl: 7 }}>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {t(`checklist:steps.${step.id}.what`)}
        </Typography>
        {step.evidence.length > 0 && (
          <List dense disablePadding data-testid={`step-${step.number}-evidence`}>
            {step.evidence.map((e, i) => (
              <ListItem
                key={i}
                disableGutters
                sx={{ py: 0, alignItems: 'flex-start', flexWrap: 'wrap', columnGap: 1 }}
                data-testid={`step-${step.number}-evidence-${e.code}`}
              >
                <ListItemIcon sx={{ minWidth: 28, mt: 0.75 }}>
                  {e.informational ? (
                    <InfoOutlinedIcon fontSize="small" color="info" />
                  ) : e.ok ? (
                    <CheckCircleIcon fontSize="small" color="success" />
                  ) : (
                    <CancelOutlinedIcon fontSize="small" color="error" />
                  )}
                </ListItemIcon>
                <ListItemText primary={t(`checklist:evidence.${e.code}`, e.params)} sx={{ flex: '1 1 320px' }} />
                {e.fix && <FixButton fix={e.fix} navigate={navigate} testId={`step-${step.number}-evidence-fix`} />}
              </ListItem>
            ))}
          </List>
        )}
        <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
          <Typography variant="body2" color="text.secondary">
            {t('checklist-page:needs')}
          </Typography>
          {step.roles.map((r, i) => (
            <Chip
              key={i}
              size="small"
              variant="outlined"
              color={r.held === undefined ? 'default' : r.held ? 'success' : 'warning'}
              icon={r.held ? <CheckCircleIcon /> : r.held === false ? <WarningAmberIcon /> : undefined}
              label={r.anyOf.join(t('checklist-page:or'))}
              title={
                r.held === undefined
                  ? t('checklist-page:roleUnknown')
                  : r.held
                    ? t('checklist-page:roleHeld', { account: r.account, via: r.via })
                    : t('checklist-page:roleMissing', { account: r.account, forest: r.forest })
              }
              data-testid={`step-${step.number}-role`}
              data-held={String(r.held)}
            />
          ))}
          <Box sx={{ flexGrow: 1 }} />
          {step.confirmable && !step.confirmation && (
            <Button size="small" onClick={() => setConfirming('confirm')} data-testid={`step-${step.number}-confirm`}>
              {t('checklist-page:confirm.button')}
            </Button>
          )}
          {step.fix && stepFixLabel[step.fix] && step.status !== 'done' && (
            <Button variant="outlined" size="small" onClick={() => onFix(step.fix!)} data-testid={`step-${step.number}-fix`}>
              {t(`checklist-page:fix.${stepFixLabel[step.fix]}`)}
            </Button>
          )}
        </Stack>
        {step.confirmation && <ConfirmedNote step={step} onWithdraw={() => setConfirming('withdraw')} />}
        {confirming && <ConfirmDialog step={step} mode={confirming} onClose={() => setConfirming(undefined)} onDone={onChanged} />}
      </AccordionDetails>
    </Accordion>
  );
}

/** Who confirmed a step by hand, when and why — with a way to withdraw it. */
function ConfirmedNote({ step, onWithdraw }: { step: ChecklistStep; onWithdraw: () => void }) {
  const { t, i18n } = useTranslation('checklist-page');
  const c = step.confirmation!;
  return (
    <Alert
      severity="info"
      sx={{ mt: 1 }}
      data-testid={`step-${step.number}-confirmation`}
      action={
        <Button size="small" color="inherit" onClick={onWithdraw} data-testid={`step-${step.number}-withdraw`}>
          {t('confirm.withdraw')}
        </Button>
      }
    >
      {t('confirm.by', {
        by: formatActor({ profile: c.profile, identity: c.by, ...(c.forest ? { forest: c.forest } : {}) }, t),
        osUser: c.osUser ?? '—',
        at: new Date(c.at).toLocaleString(i18n.language),
      })}
      {c.note ? ` — ${c.note}` : ''}
    </Alert>
  );
}

/**
 * Confirming by hand what the console cannot see, or withdrawing a confirmation: as which account
 * (the step's roles pick the default and mark who cannot), with an optional note; audited.
 */
function ConfirmDialog({ step, mode, onClose, onDone }: { step: ChecklistStep; mode: 'confirm' | 'withdraw'; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation(['checklist-page', 'checklist']);
  const api = useApi();
  const acting = useActingAccount(`checklist.confirm:${step.id as ChecklistStepId}`);
  const [note, setNote] = useState('');
  const [error, setError] = useState<ReturnType<typeof toApiError>>();
  const submit = async () => {
    if (!acting.profile) return;
    try {
      if (mode === 'confirm') await api.call('checklist.confirm', { stepId: step.id, profile: acting.profile, ...(note.trim() ? { note: note.trim() } : {}) });
      else await api.call('checklist.unconfirm', { stepId: step.id, profile: acting.profile });
      onClose();
      onDone();
    } catch (e) {
      setError(toApiError(e));
    }
  };
  const title = t(mode === 'confirm' ? 'confirm.title' : 'confirm.withdrawTitle', { step: t(`checklist:steps.${step.id}.title`) });
  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth data-testid="confirm-dialog">
      <DialogTitle>{title}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <Typography variant="body2">{t(mode === 'confirm' ? 'confirm.body' : 'confirm.withdrawBody')}</Typography>
          <ActingAccount acting={acting} />
          {mode === 'confirm' && (
            <TextField
              label={t('confirm.note')}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              multiline
              minRows={2}
              slotProps={{ htmlInput: { maxLength: 500, 'data-testid': 'confirm-note' } }}
            />
          )}
        </Stack>
      </DialogContent>
      <DialogActions sx={{ flexWrap: 'wrap', gap: 1, px: 3, pb: 2 }}>
        {error && (
          <Box sx={{ width: '100%' }}>
            <ErrorAlert error={error} />
          </Box>
        )}
        <Button onClick={onClose}>{t('common:actions.cancel')}</Button>
        <Button variant="contained" disabled={!acting.profile} onClick={() => void submit()} data-testid="confirm-submit">
          {t(mode === 'confirm' ? 'confirm.submit' : 'confirm.withdrawSubmit')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
