import { Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  basicOverHttp,
  EXCHANGE_SESSION_BUDGET,
  exchangeServerOf,
  profileSchema,
  type ExchangeEndpoint,
  type LyncEndpoint,
  type Profile,
} from '@shared/models/profile';
import type { ApiError } from '@shared/errors';
import { useApi, toApiError } from '../../api/api-context';
import { ErrorAlert } from '../../components/error-alert';

const blank: Profile = {
  name: '',
  directory: { host: '', port: 636, security: 'ldaps', authentication: 'password', bindIdentity: '', timeoutMs: 15_000 },
};

type ExchangeKind = 'none' | ExchangeEndpoint['kind'];
type LyncKind = 'none' | LyncEndpoint['kind'];

/** Creates or edits a saved profile; the same zod schema as main validates it before it is sent. */
export function ProfileEditor({ initial, onClose, onSaved }: { initial?: Profile; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation('settings');
  const api = useApi();
  const [profile, setProfile] = useState<Profile>(initial ?? blank);
  const [error, setError] = useState<ApiError>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const dir = profile.directory;
  const setDir = (patch: Partial<Profile['directory']>) => setProfile((p) => ({ ...p, directory: { ...p.directory, ...patch } }));

  const exchangeKind: ExchangeKind = profile.exchange?.kind ?? 'none';
  const lyncKind: LyncKind = profile.lync?.kind ?? 'none';
  // More Exchange servers (same connection settings) for bulk jobs, and the sessions per server.
  const [moreServers, setMoreServers] = useState((initial?.additionalExchange ?? []).map(exchangeServerOf).join(', '));
  const [sessionBudget, setSessionBudget] = useState(initial?.exchange?.sessionBudget ? String(initial.exchange.sessionBudget) : '');

  const kerberos = dir.authentication === 'kerberos';

  /** A remote Exchange endpoint with the sessions the admin allows it, and the other servers as copies of it. */
  const exchangeEndpoints = (): Pick<Profile, 'exchange' | 'additionalExchange'> => {
    if (profile.exchange?.kind !== 'remote') return { exchange: profile.exchange, additionalExchange: profile.additionalExchange };
    const main = { ...profile.exchange, sessionBudget: sessionBudget.trim() ? Number(sessionBudget) : undefined };
    const servers = moreServers.split(/[\s,;]+/).filter(Boolean);
    return { exchange: main, additionalExchange: servers.length ? servers.map((server) => ({ ...main, server })) : undefined };
  };

  const save = async () => {
    const parsed = profileSchema.safeParse({
      ...profile,
      ...exchangeEndpoints(),
      label: profile.label || undefined,
      directory: { ...dir, caFile: dir.caFile || undefined, bindIdentity: kerberos ? undefined : dir.bindIdentity },
    });
    if (!parsed.success) {
      setFieldErrors(Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message])));
      return;
    }
    if (!kerberos && !dir.bindIdentity) {
      setFieldErrors({ 'directory.bindIdentity': t('editor.bindIdentityRequired') });
      return;
    }
    // Main refuses Basic over http when the endpoint is used; saving one is refused here first.
    if (basicOverHttp(parsed.data.exchange)) {
      setFieldErrors({ 'exchange.transport': t('editor.basicNeedsHttps') });
      return;
    }
    try {
      await api.call('profiles.save', parsed.data);
      onSaved();
    } catch (e) {
      setError(toApiError(e));
    }
  };

  const fe = (path: string) => ({ error: !!fieldErrors[path], helperText: fieldErrors[path] });

  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth data-testid="profile-editor">
      <DialogTitle>{initial ? t('editor.titleEdit', { name: initial.name }) : t('editor.titleNew')}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <ErrorAlert error={error} />
          <Stack direction="row" spacing={2}>
            <TextField
              label={t('editor.name')}
              value={profile.name}
              disabled={!!initial}
              onChange={(e) => setProfile({ ...profile, name: e.target.value })}
              {...fe('name')}
              sx={{ flex: 1 }}
            />
            <TextField
              label={t('editor.label')}
              value={profile.label ?? ''}
              onChange={(e) => setProfile({ ...profile, label: e.target.value })}
              sx={{ flex: 2 }}
            />
          </Stack>
          <Stack direction="row" spacing={2}>
            <TextField
              label={t('editor.host')}
              value={dir.host}
              onChange={(e) => setDir({ host: e.target.value.trim() })}
              {...fe('directory.host')}
              sx={{ flex: 3 }}
            />
            <TextField
              label={t('editor.port')}
              type="number"
              value={dir.port}
              onChange={(e) => setDir({ port: Number(e.target.value) })}
              {...fe('directory.port')}
              sx={{ flex: 1 }}
            />
            <TextField
              select
              label={t('editor.security')}
              value={dir.security}
              onChange={(e) => {
                const security = e.target.value as Profile['directory']['security'];
                setDir({ security, port: security === 'ldaps' ? (dir.port === 389 ? 636 : dir.port) : dir.port === 636 ? 389 : dir.port });
              }}
              sx={{ flex: 2 }}
            >
              <MenuItem value="ldaps">{t('editor.ldaps')}</MenuItem>
              <MenuItem value="starttls">{t('editor.starttls')}</MenuItem>
            </TextField>
          </Stack>
          <Stack direction="row" spacing={2}>
            <TextField
              select
              label={t('editor.signIn')}
              value={dir.authentication}
              onChange={(e) => setDir({ authentication: e.target.value as Profile['directory']['authentication'] })}
              sx={{ flex: 2 }}
              data-testid="profile-authentication"
            >
              <MenuItem value="password">{t('editor.signInPassword')}</MenuItem>
              <MenuItem value="kerberos">{t('editor.signInKerberos')}</MenuItem>
            </TextField>
            {kerberos ? (
              <Typography variant="body2" color="text.secondary" sx={{ flex: 3, alignSelf: 'center' }}>
                {t('editor.kerberosHelp')}
              </Typography>
            ) : (
              <TextField
                label={t('editor.bindIdentity')}
                value={dir.bindIdentity ?? ''}
                onChange={(e) => setDir({ bindIdentity: e.target.value })}
                {...fe('directory.bindIdentity')}
                sx={{ flex: 3 }}
              />
            )}
          </Stack>
          <Stack direction="row" spacing={2}>
            <TextField
              label={t('editor.caFile')}
              value={dir.caFile ?? ''}
              onChange={(e) => setDir({ caFile: e.target.value })}
              {...fe('directory.caFile')}
              sx={{ flex: 3 }}
            />
            <TextField
              label={t('editor.timeout')}
              type="number"
              value={dir.timeoutMs}
              onChange={(e) => setDir({ timeoutMs: Number(e.target.value) })}
              {...fe('directory.timeoutMs')}
              sx={{ flex: 1 }}
            />
          </Stack>

          <Typography variant="subtitle2">{t('editor.exchange')}</Typography>
          <Stack direction="row" spacing={2}>
            <TextField
              select
              value={exchangeKind}
              sx={{ flex: 2 }}
              onChange={(e) => {
                const kind = e.target.value as ExchangeKind;
                setProfile({
                  ...profile,
                  exchange:
                    kind === 'remote'
                      ? { kind, server: '', authentication: 'Kerberos', transport: 'http', useProfileCredential: false }
                      : kind === 'lab'
                        ? { kind, modulePath: '' }
                        : undefined,
                });
              }}
            >
              <MenuItem value="none">{t('editor.endpointNone')}</MenuItem>
              <MenuItem value="remote">{t('editor.exchangeRemote')}</MenuItem>
              <MenuItem value="lab">{t('editor.lab')}</MenuItem>
            </TextField>
            {profile.exchange?.kind === 'remote' && (
              <>
                <TextField
                  label={t('editor.exchangeServer')}
                  value={profile.exchange.server}
                  {...fe('exchange.server')}
                  onChange={(e) =>
                    setProfile({
                      ...profile,
                      exchange: { ...(profile.exchange as Extract<ExchangeEndpoint, { kind: 'remote' }>), server: e.target.value.trim() },
                    })
                  }
                  sx={{ flex: 2 }}
                />
                <TextField
                  select
                  label={t('editor.authentication')}
                  value={profile.exchange.authentication}
                  onChange={(e) =>
                    setProfile({
                      ...profile,
                      exchange: { ...(profile.exchange as Extract<ExchangeEndpoint, { kind: 'remote' }>), authentication: e.target.value as 'Kerberos' },
                    })
                  }
                  sx={{ flex: 1, minWidth: 140 }}
                  data-testid="exchange-authentication"
                >
                  {['Kerberos', 'Negotiate', 'Basic'].map((a) => (
                    <MenuItem key={a} value={a}>
                      {a}
                    </MenuItem>
                  ))}
                </TextField>
                <TextField
                  select
                  label={t('editor.transport')}
                  value={profile.exchange.transport}
                  onChange={(e) =>
                    setProfile({
                      ...profile,
                      exchange: { ...(profile.exchange as Extract<ExchangeEndpoint, { kind: 'remote' }>), transport: e.target.value as 'http' | 'https' },
                    })
                  }
                  error={!!fieldErrors['exchange.transport']}
                  sx={{ flex: 1, minWidth: 120 }}
                  data-testid="exchange-transport"
                >
                  <MenuItem value="http">{t('editor.transportHttp')}</MenuItem>
                  <MenuItem value="https">{t('editor.transportHttps')}</MenuItem>
                </TextField>
                {!kerberos && (
                  <FormControlLabel
                    control={
                      <Checkbox
                        checked={profile.exchange.useProfileCredential}
                        onChange={(e) =>
                          setProfile({
                            ...profile,
                            exchange: { ...(profile.exchange as Extract<ExchangeEndpoint, { kind: 'remote' }>), useProfileCredential: e.target.checked },
                          })
                        }
                      />
                    }
                    label={t('editor.useProfileCredential')}
                  />
                )}
              </>
            )}
            {profile.exchange?.kind === 'lab' && (
              <TextField
                label={t('editor.modulePath')}
                value={profile.exchange.modulePath}
                onChange={(e) =>
                  setProfile({ ...profile, exchange: { ...(profile.exchange as Extract<ExchangeEndpoint, { kind: 'lab' }>), modulePath: e.target.value } })
                }
                sx={{ flex: 4 }}
              />
            )}
          </Stack>
          {profile.exchange?.kind === 'remote' && (
            <Stack direction="row" spacing={2}>
              <TextField
                label={t('editor.moreExchangeServers')}
                value={moreServers}
                onChange={(e) => setMoreServers(e.target.value)}
                error={Object.keys(fieldErrors).some((k) => k.startsWith('additionalExchange'))}
                helperText={t('editor.moreExchangeServersHelp')}
                sx={{ flex: 3 }}
                data-testid="exchange-more-servers"
              />
              <TextField
                label={t('editor.sessionBudget')}
                value={sessionBudget}
                onChange={(e) => setSessionBudget(e.target.value.replace(/\D/g, ''))}
                placeholder={String(EXCHANGE_SESSION_BUDGET)}
                {...fe('exchange.sessionBudget')}
                helperText={fieldErrors['exchange.sessionBudget'] ?? t('editor.sessionBudgetHelp', { count: EXCHANGE_SESSION_BUDGET })}
                sx={{ flex: 2 }}
                data-testid="exchange-session-budget"
              />
            </Stack>
          )}
          {fieldErrors['exchange.transport'] && (
            <Typography variant="body2" color="error" data-testid="exchange-transport-error">
              {fieldErrors['exchange.transport']}
            </Typography>
          )}

          <Typography variant="subtitle2">{t('editor.lync')}</Typography>
          <Stack direction="row" spacing={2}>
            <TextField
              select
              value={lyncKind}
              sx={{ flex: 2 }}
              onChange={(e) => {
                const kind = e.target.value as LyncKind;
                setProfile({
                  ...profile,
                  lync:
                    kind === 'local'
                      ? { kind }
                      : kind === 'remote'
                        ? { kind, pool: '', useProfileCredential: false }
                        : kind === 'lab'
                          ? { kind, modulePath: '' }
                          : undefined,
                });
              }}
            >
              <MenuItem value="none">{t('editor.endpointNone')}</MenuItem>
              <MenuItem value="local">{t('editor.lyncLocal')}</MenuItem>
              <MenuItem value="remote">{t('editor.lyncRemote')}</MenuItem>
              <MenuItem value="lab">{t('editor.lab')}</MenuItem>
            </TextField>
            {profile.lync?.kind === 'remote' && (
              <>
                <TextField
                  label={t('editor.lyncPool')}
                  value={profile.lync.pool}
                  {...fe('lync.pool')}
                  onChange={(e) =>
                    setProfile({ ...profile, lync: { ...(profile.lync as Extract<LyncEndpoint, { kind: 'remote' }>), pool: e.target.value.trim() } })
                  }
                  sx={{ flex: 3 }}
                />
                {!kerberos && (
                  <FormControlLabel
                    control={
                      <Checkbox
                        checked={profile.lync.useProfileCredential}
                        onChange={(e) =>
                          setProfile({
                            ...profile,
                            lync: { ...(profile.lync as Extract<LyncEndpoint, { kind: 'remote' }>), useProfileCredential: e.target.checked },
                          })
                        }
                      />
                    }
                    label={t('editor.useProfileCredential')}
                  />
                )}
              </>
            )}
            {profile.lync?.kind === 'lab' && (
              <TextField
                label={t('editor.modulePath')}
                value={profile.lync.modulePath}
                onChange={(e) => setProfile({ ...profile, lync: { kind: 'lab', modulePath: e.target.value } })}
                sx={{ flex: 4 }}
              />
            )}
          </Stack>
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('common:actions.cancel')}</Button>
        <Button variant="contained" onClick={() => void save()} data-testid="profile-save">
          {t('common:actions.save')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
