import { Alert, Box, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, Stack, TextField, Typography } from '@mui/material';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '@shared/errors';
import { useApi, toApiError } from '../../api/api-context';
import { useConnections } from '../../app/connections';
import { ErrorAlert } from '../../components/error-alert';

interface PresentedCertificate {
  subject: string;
  issuer: string;
  subjectAltName?: string;
  validTo: string;
  fingerprint256: string;
}

/**
 * Connects a profile. Tries without asking first (remembered, environment or lab password); asks
 * for the password only when main says one is needed. An untrusted certificate is shown with its
 * subject, issuer and fingerprint, with the option to trust a CA file — checking stays on.
 */
export function ConnectDialogHost() {
  const { t } = useTranslation('settings');
  const api = useApi();
  const { info, profiles, setConnectRequestHandler, reloadProfiles } = useConnections();
  const [profileName, setProfileName] = useState<string>();
  const [needsPassword, setNeedsPassword] = useState(false);
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [caFile, setCaFile] = useState('');

  const profile = profiles.find((p) => p.name === profileName);
  const certificate = error?.code === 'CERT_UNTRUSTED' ? ((error.details as { certificate?: PresentedCertificate })?.certificate ?? undefined) : undefined;

  const close = () => {
    setProfileName(undefined);
    setPassword('');
    setError(undefined);
    setNeedsPassword(false);
  };

  const attempt = async (name: string, typed?: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.call('connections.connect', { profile: name, ...(typed ? { password: typed, remember } : {}) });
      close();
    } catch (e) {
      const apiError = toApiError(e);
      const kerberos = profiles.find((p) => p.name === name)?.directory.authentication === 'kerberos';
      if (apiError.code === 'SECRET_REQUIRED') setNeedsPassword(true);
      else setError(apiError);
      // A Kerberos profile never asks for a password: the ticket is the logged-on user's.
      if (apiError.code === 'AUTH_FAILED' && !kerberos) setNeedsPassword(true);
    } finally {
      setBusy(false);
      setPassword('');
    }
  };

  useEffect(() => {
    setConnectRequestHandler((name) => {
      setProfileName(name);
      setNeedsPassword(false);
      setError(undefined);
      setCaFile(profiles.find((p) => p.name === name)?.directory.caFile ?? '');
      void attempt(name);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [profiles]);

  const trustCaAndRetry = async () => {
    if (!profile || profile.builtIn) return;
    const { builtIn: _b, secretSource: _s, ...saved } = profile;
    try {
      await api.call('profiles.save', { ...saved, directory: { ...saved.directory, caFile: caFile || undefined } });
    } catch (e) {
      // The CA file could not be saved with the profile: say why, in the dialog.
      setError(toApiError(e));
      return;
    }
    await reloadProfiles();
    await attempt(profile.name);
  };

  const open = !!profileName && (needsPassword || !!error);
  return (
    <Dialog open={open} onClose={close} maxWidth="sm" fullWidth data-testid="connect-dialog">
      <DialogTitle>{t('connect.title', { profile: profileName })}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <Typography variant="body2" color="text.secondary">
            {t('connect.account')}: <b>{profile?.directory.authentication === 'kerberos' ? t('profiles.kerberosAccount') : profile?.directory.bindIdentity}</b>{' '}
            @ {profile?.directory.host}:{profile?.directory.port}
          </Typography>
          {certificate ? (
            <Alert severity="warning" data-testid="certificate-untrusted">
              <Typography variant="subtitle2">{t('connect.untrusted.title')}</Typography>
              <Typography variant="body2" sx={{ mb: 1 }}>
                {t('connect.untrusted.body')}
              </Typography>
              <Box
                component="dl"
                sx={{
                  m: 0,
                  display: 'grid',
                  gridTemplateColumns: 'max-content 1fr',
                  columnGap: 2,
                  rowGap: 0.5,
                  fontSize: 13,
                  '& dd': { m: 0, wordBreak: 'break-all' },
                }}
              >
                <dt>{t('connect.untrusted.subject')}</dt>
                <dd>{certificate.subject}</dd>
                <dt>{t('connect.untrusted.issuer')}</dt>
                <dd>{certificate.issuer}</dd>
                <dt>{t('connect.untrusted.names')}</dt>
                <dd>{certificate.subjectAltName}</dd>
                <dt>{t('connect.untrusted.validTo')}</dt>
                <dd>{certificate.validTo}</dd>
                <dt>{t('connect.untrusted.fingerprint')}</dt>
                <dd>{certificate.fingerprint256}</dd>
              </Box>
              {!profile?.builtIn && (
                <Stack direction="row" spacing={1} sx={{ mt: 1 }}>
                  <TextField size="small" fullWidth label={t('connect.untrusted.caFile')} value={caFile} onChange={(e) => setCaFile(e.target.value)} />
                  <Button variant="outlined" onClick={() => void trustCaAndRetry()} disabled={!caFile || busy}>
                    {t('connect.untrusted.trustAndRetry')}
                  </Button>
                </Stack>
              )}
            </Alert>
          ) : (
            <ErrorAlert error={error} testId="connect-error" />
          )}
          {needsPassword && (
            <>
              <TextField
                type="password"
                label={t('connect.password')}
                value={password}
                autoFocus
                autoComplete="off"
                onChange={(e) => setPassword(e.target.value)}
                onKeyDown={(e) => e.key === 'Enter' && password && profileName && void attempt(profileName, password)}
                slotProps={{ htmlInput: { 'data-testid': 'connect-password' } }}
              />
              {info.canRememberSecrets ? (
                <FormControlLabel control={<Checkbox checked={remember} onChange={(e) => setRemember(e.target.checked)} />} label={t('connect.remember')} />
              ) : (
                <Typography variant="caption" color="text.secondary">
                  {t('connect.cannotRemember')}
                </Typography>
              )}
            </>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>{t('common:actions.cancel')}</Button>
        <Button
          variant="contained"
          disabled={busy || (needsPassword && !password)}
          onClick={() => profileName && void attempt(profileName, password || undefined)}
          data-testid="connect-submit"
        >
          {needsPassword ? t('common:connection.connect') : t('common:actions.retry')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
