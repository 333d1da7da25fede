import { Alert, Box, Button, Checkbox, Chip, Divider, FormControlLabel, FormGroup, Radio, RadioGroup, Stack, Tooltip, Typography } from '@mui/material';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ouObjectTypeSchema, type OuNode, type OuObjectTypeName, type PermissionPreview, type PermissionWriteResult } from '@shared/models/permissions';
import type { ApiError } from '@shared/errors';
import { toApiError, useApi, useCall } from '../../api/api-context';
import { formatActor, sentenceGap } from '../../components/acting-account';
import { CodeBlock } from '../../components/code-block';
import { ExportPlanButton } from '../../components/export-plan-button';
import { ErrorAlert } from '../../components/error-alert';
import { AceTable } from './ace-table';
import { BlockedChildrenChoice, BlockedChildrenNotice, statusColor } from './blocked-children';
import { PermissionHistory } from './permission-history';
import { monospaceFont } from '../../app/theme';
import { LoadingBar } from '../../components/loading-bar';

const allTypes = ouObjectTypeSchema.options;

/**
 * One OU: what is granted per object type, whether the acting account may change it at all, a
 * preview of a grant or revoke beside the DACL, apply, history. With `initialTypes` (a fix) the
 * types are ticked, and with `autoPreview` the grant preview opens at once.
 */
export function OuPermissionsPanel({
  profile,
  ou,
  onChanged,
  initialTypes = [],
  autoPreview = false,
}: {
  profile: string;
  ou: OuNode;
  onChanged: () => void;
  initialTypes?: OuObjectTypeName[];
  autoPreview?: boolean;
}) {
  const { t, i18n } = useTranslation('permissions');
  const api = useApi();
  const test = useCall('permissions.test', { profile, ou: ou.dn, types: [...allTypes] }, ou.dn);
  const [types, setTypes] = useState<OuObjectTypeName[]>(initialTypes);
  const [route, setRoute] = useState<'ldap' | 'powershell'>('ldap');
  const [preview, setPreview] = useState<PermissionPreview>();
  const [busy, setBusy] = useState(false);
  // Each error is shown next to the button that caused it: the preview buttons, or Apply.
  const [error, setError] = useState<{ at: 'preview' | 'apply'; error: ApiError }>();
  const [done, setDone] = useState<PermissionWriteResult & { action: 'grant' | 'revoke' }>();
  // Blocked-inheritance OUs below that the admin chose to grant in the same step.
  const [children, setChildren] = useState<Set<string>>(new Set());
  const [historyKey, setHistoryKey] = useState(0);

  const toggle = (type: OuObjectTypeName) => {
    setPreview(undefined);
    setTypes((current) => (current.includes(type) ? current.filter((t) => t !== type) : allTypes.filter((t) => t === type || current.includes(t))));
  };
  const run = async <T,>(at: 'preview' | 'apply', work: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await work();
    } catch (e) {
      setError({ at, error: toApiError(e) });
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  const showPreview = (action: 'grant' | 'revoke') =>
    run('preview', async () => {
      setDone(undefined);
      setChildren(new Set());
      setPreview(await api.call('permissions.preview', { profile, ou: ou.dn, types, action }));
    });
  const apply = () =>
    run('apply', async () => {
      if (!preview) return;
      const included = preview.action === 'grant' ? preview.blockedChildren.filter((c) => children.has(c.ou.dn)).map((c) => c.ou.dn) : [];
      const result =
        preview.action === 'grant'
          ? await api.call('permissions.grant', {
              profile,
              ou: ou.dn,
              types: preview.types,
              route,
              daclVersion: preview.daclVersion,
              ...(included.length > 0 ? { children: included } : {}),
            })
          : await api.call('permissions.revoke', { profile, ou: ou.dn, types: preview.types, route, daclVersion: preview.daclVersion });
      setDone({ ...result, action: preview.action });
      setPreview(undefined);
      await test.reload();
      setHistoryKey((k) => k + 1);
      onChanged();
    });
  const previewed = useRef(false);
  useEffect(() => {
    // A fix asked for this grant: show its preview once, as if the admin had clicked Preview grant.
    if (autoPreview && !previewed.current && types.length > 0) {
      previewed.current = true;
      void showPreview('grant');
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [autoPreview]);
  const changedKeys = useMemo(() => new Set([...(preview?.changes ?? []), ...(preview?.rewrites.map((r) => r.from) ?? [])].map((c) => c.key)), [preview]);
  const toggleChild = (dn: string) =>
    setChildren((current) => {
      const next = new Set(current);
      if (next.has(dn)) next.delete(dn);
      else next.add(dn);
      return next;
    });
  const chosenChildren = preview?.blockedChildren.filter((c) => children.has(c.ou.dn)) ?? [];
  const entriesToWrite = (preview?.changes.length ?? 0) + (preview?.rewrites.length ?? 0) + chosenChildren.reduce((n, c) => n + (c.changes ?? 0), 0);
  const childEntries = done?.children?.reduce((n, c) => n + c.changed.length, 0) ?? 0;
  // Per child OU, the warning that it blocks inheritance is shown with its own state instead.
  const ouWarnings = test.data?.warnings.filter((w) => w.code !== 'child-blocks-inheritance') ?? [];

  return (
    <Stack spacing={2} data-testid="ou-panel">
      <Box>
        <Typography variant="h6" data-testid="ou-panel-title">
          {ou.path}
        </Typography>
        <Typography variant="caption" color="text.secondary" sx={{ fontFamily: monospaceFont, wordBreak: 'break-all' }}>
          {ou.dn}
        </Typography>
      </Box>
      <LoadingBar loading={test.loading} />
      <ErrorAlert error={test.error} />
      {ouWarnings.map((w, i) => (
        <Alert key={i} severity="warning" data-testid={`warning-${w.code}`}>
          {t(`warnings.${w.code}`, w.params)}
        </Alert>
      ))}
      {test.data && <BlockedChildrenNotice items={test.data.blockedChildren} />}
      {test.data && !test.data.writable && (
        <Alert severity="error" data-testid="ou-not-writable">
          {t('notWritable')}
        </Alert>
      )}

      <Box>
        <Typography variant="subtitle2" gutterBottom>
          {t('types.title')}
        </Typography>
        <FormGroup row>
          {allTypes.map((type) => {
            const status = test.data?.types.find((s) => s.type === type);
            return (
              <Stack key={type} direction="row" spacing={0.5} sx={{ alignItems: 'center', mr: 2, mb: 0.5 }}>
                <FormControlLabel
                  sx={{ mr: 0 }}
                  control={
                    <Checkbox
                      checked={types.includes(type)}
                      // Like the preview buttons: not while the OU's state loads (its warnings arrive above and move them).
                      disabled={test.loading}
                      onChange={() => toggle(type)}
                      slotProps={{ input: { 'aria-label': t(`types.${type}`) } }}
                      data-testid={`type-${type}`}
                    />
                  }
                  label={t(`types.${type}`)}
                />
                {status && (
                  <Tooltip
                    title={
                      status.missing.length > 0 && status.status === 'partial'
                        ? t('status.missing', {
                            count: status.missing.length,
                            entries: status.missing.map((m) => `${m.trustee} · ${m.object ?? ''}`).join('; '),
                          })
                        : ''
                    }
                  >
                    <Chip
                      size="small"
                      color={statusColor[status.status]}
                      variant={status.status === 'not-granted' ? 'outlined' : 'filled'}
                      label={t(`status.${status.status}`)}
                      data-testid={`status-${type}`}
                    />
                  </Tooltip>
                )}
              </Stack>
            );
          })}
        </FormGroup>
        <Typography variant="caption" color="text.secondary">
          {t('types.hint')}
        </Typography>
      </Box>

      <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
        {/* Not while the OU's state loads: its warnings arrive then and move these buttons, and a click that moves away under the pointer is lost. */}
        <Button variant="outlined" disabled={types.length === 0 || busy || test.loading} onClick={() => void showPreview('grant')} data-testid="preview-grant">
          {t('actions.previewGrant')}
        </Button>
        <Button
          variant="outlined"
          color="error"
          disabled={types.length === 0 || busy || test.loading}
          onClick={() => void showPreview('revoke')}
          data-testid="preview-revoke"
        >
          {t('actions.previewRevoke')}
        </Button>
      </Stack>
      <LoadingBar loading={busy} />
      {error?.at === 'preview' && <ErrorAlert error={error.error} />}
      {done && (
        <Alert severity="success" data-testid="permissions-done" onClose={() => setDone(undefined)}>
          {done.changed.length > 0
            ? t(`done.${done.action}`, { count: done.changed.length, route: t(`route.${done.route}`) })
            : childEntries === 0
              ? t('done.nothing')
              : ''}
          {childEntries > 0 && `${sentenceGap(i18n.language)}${t('done.children', { count: done.children!.length, entries: childEntries })}`}
          {sentenceGap(i18n.language)}
          {t('done.as', { actor: formatActor(done.actor, t) })}
        </Alert>
      )}

      {preview && (
        <Stack spacing={1.5} data-testid="permissions-preview">
          <Divider />
          <Typography variant="subtitle1">
            {t(`preview.title.${preview.action}`, {
              count: preview.changes.length,
              types: preview.types.map((ty) => t(`types.${ty}`)).join(t('listSeparator')),
            })}
          </Typography>
          {preview.warnings
            .filter((w) => w.code === 'deny-in-the-way')
            .map((w, i) => (
              <Alert key={i} severity="warning" data-testid={`preview-warning-${w.code}`}>
                {t(`warnings.${w.code}`, w.params)}
              </Alert>
            ))}
          {preview.changes.length === 0 && preview.rewrites.length === 0 ? (
            <Alert severity="info" data-testid="preview-nothing">
              {t(`preview.nothing.${preview.action}`)}
            </Alert>
          ) : (
            <Box sx={{ maxHeight: 320, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
              <AceTable aces={preview.changes} testId="preview-changes" />
            </Box>
          )}
          {preview.rewrites.length > 0 && (
            <>
              <Typography variant="body2">{t('preview.rewrites', { count: preview.rewrites.length })}</Typography>
              <Box sx={{ maxHeight: 200, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
                <AceTable aces={preview.rewrites.map((r) => r.to)} testId="preview-rewrites" />
              </Box>
            </>
          )}
          {preview.unchanged.length > 0 && (
            <Typography variant="body2" color="text.secondary" data-testid="preview-unchanged">
              {t(`preview.unchanged.${preview.action}`, { count: preview.unchanged.length })}
            </Typography>
          )}
          {preview.broader.length > 0 && (
            <Alert severity="warning" data-testid="preview-broader">
              {t('preview.broader', { count: preview.broader.length })}
              <Box sx={{ mt: 1, maxHeight: 200, overflow: 'auto', bgcolor: 'background.paper', borderRadius: 1 }}>
                <AceTable aces={preview.broader} testId="preview-broader-entries" />
              </Box>
            </Alert>
          )}
          <Typography variant="subtitle2">{t('preview.current', { count: preview.current.length })}</Typography>
          <Box sx={{ maxHeight: 320, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
            <AceTable aces={preview.current} highlight={changedKeys} tone={preview.action === 'revoke' ? 'error' : 'success'} testId="preview-current" />
          </Box>
          {preview.action === 'grant' && <BlockedChildrenChoice items={preview.blockedChildren} chosen={children} onToggle={toggleChild} />}
          <Typography variant="subtitle2">{t('preview.command')}</Typography>
          <CodeBlock text={[...preview.commands, ...chosenChildren.flatMap((c) => c.commands ?? [])].join('\n')} testId="preview-command" />
          <RadioGroup row value={route} onChange={(e) => setRoute(e.target.value as 'ldap' | 'powershell')}>
            <FormControlLabel value="ldap" control={<Radio />} label={t('route.ldap')} data-testid="route-ldap" />
            <FormControlLabel value="powershell" control={<Radio />} label={t('route.powershell')} data-testid="route-powershell" />
          </RadioGroup>
          {!preview.writable && (
            <Alert severity="error" data-testid="preview-not-writable">
              {t('notWritable')}
            </Alert>
          )}
          {error?.at === 'apply' && (
            <ErrorAlert
              error={error.error}
              action={
                // The OU's DACL changed since the preview: nothing was written; show it as it is now.
                error.error.code === 'CONFLICT' ? (
                  <Button color="inherit" size="small" onClick={() => void showPreview(preview.action)} data-testid="preview-again">
                    {t('actions.previewAgain')}
                  </Button>
                ) : undefined
              }
            />
          )}
          <Stack direction="row" spacing={1}>
            <Button
              variant="contained"
              color={preview.action === 'revoke' ? 'error' : 'primary'}
              disabled={busy || entriesToWrite === 0 || !preview.writable}
              onClick={() => void apply()}
              data-testid="permissions-apply"
            >
              {chosenChildren.length > 0
                ? t('actions.apply.grantWithChildren', { count: entriesToWrite, ous: chosenChildren.length + 1 })
                : t(`actions.apply.${preview.action}`, { count: entriesToWrite })}
            </Button>
            <ExportPlanButton
              disabled={busy || entriesToWrite === 0 || chosenChildren.length > 0}
              request={{ kind: 'permissions', profile, ou: ou.dn, types: preview.types, action: preview.action, route }}
            />
            <Button onClick={() => setPreview(undefined)}>{t('common:actions.cancel')}</Button>
          </Stack>
        </Stack>
      )}

      <Divider />
      <PermissionHistory
        key={historyKey}
        ou={ou.dn}
        profile={profile}
        onRestored={() => {
          setPreview(undefined);
          setDone(undefined);
          void test.reload();
          onChanged();
        }}
      />
    </Stack>
  );
}
