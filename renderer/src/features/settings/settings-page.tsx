import {
  Box,
  Button,
  Chip,
  IconButton,
  MenuItem,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Tooltip,
  Typography,
} from '@mui/material';
import AddIcon from '@mui/icons-material/Add';
import DeleteIcon from '@mui/icons-material/Delete';
import EditIcon from '@mui/icons-material/Edit';
import KeyOffIcon from '@mui/icons-material/KeyOff';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { languages, type Language, type ThemeMode } from '@shared/models/settings';
import type { Profile, ProfileSummary } from '@shared/models/profile';
import { useAction } from '../../api/api-context';
import { ErrorAlert } from '../../components/error-alert';
import { useConnections } from '../../app/connections';
import { usePreferences } from '../../app/preferences';
import type { ScreenProps } from '../../app/navigation';
import { Page } from '../../components/page';
import { PowerShellShells } from './powershell-shells';
import { ProfileEditor } from './profile-editor';
import { ShellTestButton } from './shell-test-button';

/** Profiles and connections, language and theme, and what is running. */
export function SettingsPage(_props: ScreenProps) {
  const { t } = useTranslation('settings');
  /** Disconnect, forget a password, delete a profile: a refusal shows above the profiles. */
  const action = useAction();
  const { info, profiles, states, reloadProfiles, requestConnect } = useConnections();
  const { preferences, update } = usePreferences();
  const [editing, setEditing] = useState<Profile | 'new'>();

  const statusOf = (name: string) => states.find((s) => s.profile === name)?.status ?? 'disconnected';

  const remove = async (p: ProfileSummary) => {
    if (!window.confirm(t('profiles.deleteConfirm', { name: p.name }))) return;
    if (await action.run((client) => client.call('profiles.delete', { name: p.name }))) await reloadProfiles();
  };

  return (
    <Page title={t('title')} testId="page-settings">
      <Stack spacing={3}>
        <ErrorAlert error={action.error} />
        <Paper variant="outlined" sx={{ p: 2 }}>
          <Stack direction="row" sx={{ alignItems: 'center', mb: 1 }}>
            <Typography variant="h6" sx={{ flexGrow: 1 }}>
              {t('profiles.title')}
            </Typography>
            <Button startIcon={<AddIcon />} onClick={() => setEditing('new')} data-testid="profile-new">
              {t('profiles.new')}
            </Button>
          </Stack>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {t('profiles.intro')}
          </Typography>
          {profiles.length === 0 ? (
            <Typography color="text.secondary">{t('profiles.empty')}</Typography>
          ) : (
            // In a narrow window the table scrolls sideways inside its card, not the whole screen.
            <Box sx={{ overflowX: 'auto' }}>
              <Table size="small" data-testid="profiles-table">
                <TableHead>
                  <TableRow>
                    <TableCell>{t('profiles.columns.name')}</TableCell>
                    <TableCell>{t('profiles.columns.dc')}</TableCell>
                    <TableCell>{t('profiles.columns.account')}</TableCell>
                    <TableCell>{t('profiles.columns.password')}</TableCell>
                    <TableCell>{t('profiles.columns.status')}</TableCell>
                    <TableCell align="right">{t('profiles.columns.actions')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {profiles.map((p) => {
                    const status = statusOf(p.name);
                    const { builtIn: _b, secretSource: _s, ...profile } = p;
                    return (
                      <TableRow key={p.name} data-testid={`profile-row-${p.name}`}>
                        <TableCell>
                          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                            <Box>
                              <Typography variant="body2" sx={{ fontWeight: 600 }}>
                                {p.name}
                              </Typography>
                              <Typography variant="caption" color="text.secondary">
                                {p.builtIn ? t(`profiles.labRoles.${p.name}`, { defaultValue: p.label }) : p.label}
                              </Typography>
                            </Box>
                            {p.builtIn && <Chip size="small" label={t('profiles.builtIn')} />}
                          </Stack>
                        </TableCell>
                        <TableCell>
                          {p.directory.host}:{p.directory.port} · {p.directory.security === 'ldaps' ? 'LDAPS' : 'StartTLS'}
                        </TableCell>
                        <TableCell>{p.directory.authentication === 'kerberos' ? t('profiles.kerberosAccount') : p.directory.bindIdentity}</TableCell>
                        <TableCell sx={{ whiteSpace: 'nowrap' }}>{t(`profiles.secretSource.${p.secretSource}`)}</TableCell>
                        <TableCell>
                          <Chip
                            size="small"
                            color={status === 'connected' ? 'success' : status === 'failed' ? 'error' : status === 'connecting' ? 'warning' : 'default'}
                            label={t(`common:connection.status.${status}`)}
                            data-testid={`profile-status-${p.name}`}
                          />
                        </TableCell>
                        <TableCell align="right">
                          {/* The buttons wrap onto a second line rather than push the table past the card. */}
                          <Stack direction="row" sx={{ flexWrap: 'wrap', justifyContent: 'flex-end', alignItems: 'center', gap: 0.5 }}>
                            {status === 'connected' ? (
                              <Button
                                size="small"
                                variant="outlined"
                                onClick={() => void action.run((client) => client.call('connections.disconnect', { profile: p.name }))}
                                data-testid={`disconnect-${p.name}`}
                              >
                                {t('common:connection.disconnect')}
                              </Button>
                            ) : (
                              <Button
                                size="small"
                                variant="contained"
                                disabled={status === 'connecting'}
                                onClick={() => requestConnect(p.name)}
                                data-testid={`connect-${p.name}`}
                              >
                                {t('common:connection.connect')}
                              </Button>
                            )}
                            {status === 'connected' && p.exchange && <ShellTestButton profile={p.name} target="exchange" />}
                            {status === 'connected' && p.lync && <ShellTestButton profile={p.name} target="lync" />}
                            {(p.secretSource === 'vault' || p.secretSource === 'session') && (
                              <Tooltip title={t('profiles.forgetPassword')}>
                                <IconButton
                                  size="small"
                                  onClick={() =>
                                    void action
                                      .run((client) => client.call('profiles.forgetSecret', { name: p.name }))
                                      .then(async (ok) => {
                                        if (ok) await reloadProfiles();
                                      })
                                  }
                                >
                                  <KeyOffIcon fontSize="small" />
                                </IconButton>
                              </Tooltip>
                            )}
                            {!p.builtIn && (
                              <>
                                <Tooltip title={t('common:actions.edit')}>
                                  <IconButton size="small" onClick={() => setEditing(profile)}>
                                    <EditIcon fontSize="small" />
                                  </IconButton>
                                </Tooltip>
                                <Tooltip title={t('common:actions.delete')}>
                                  <IconButton size="small" onClick={() => void remove(p)}>
                                    <DeleteIcon fontSize="small" />
                                  </IconButton>
                                </Tooltip>
                              </>
                            )}
                          </Stack>
                        </TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </Box>
          )}
        </Paper>

        <PowerShellShells profiles={profiles} />

        <Paper variant="outlined" sx={{ p: 2 }}>
          <Typography variant="h6" sx={{ mb: 2 }}>
            {t('appearance.title')}
          </Typography>
          <Stack direction="row" spacing={2}>
            <TextField
              select
              size="small"
              label={t('common:language.label')}
              value={preferences.language}
              onChange={(e) => void update({ language: e.target.value as Language })}
              sx={{ minWidth: 200 }}
            >
              {languages.map((l) => (
                <MenuItem key={l} value={l}>
                  {t(`common:language.${l}`)}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              select
              size="small"
              label={t('common:theme.label')}
              value={preferences.theme}
              onChange={(e) => void update({ theme: e.target.value as ThemeMode })}
              sx={{ minWidth: 200 }}
            >
              {(['system', 'light', 'dark'] as const).map((m) => (
                <MenuItem key={m} value={m}>
                  {t(`common:theme.${m}`)}
                </MenuItem>
              ))}
            </TextField>
          </Stack>
        </Paper>

        <Paper variant="outlined" sx={{ p: 2 }}>
          <Typography variant="h6" sx={{ mb: 1 }}>
            {t('about.title')}
          </Typography>
          <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 3, rowGap: 0.5, '& dd': { m: 0 } }}>
            <dt>{t('about.version')}</dt>
            <dd data-testid="app-version">{info.version}</dd>
            <dt>{t('about.transport')}</dt>
            <dd>{t(`about.transports.${info.transport}`)}</dd>
            <dt>{t('about.lab')}</dt>
            <dd>{info.labAvailable ? t('about.labYes') : t('about.labNo')}</dd>
          </Box>
        </Paper>
      </Stack>
      {editing && (
        <ProfileEditor
          initial={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            void reloadProfiles();
          }}
        />
      )}
    </Page>
  );
}
