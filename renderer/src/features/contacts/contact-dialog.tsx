import {
  Alert,
  AlertTitle,
  Autocomplete,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  MenuItem,
  Radio,
  RadioGroup,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isValidE164, isValidSipAddress, proposeContactDefaults } from '@shared/contacts/contact-values';
import type {
  ContactCheck,
  ContactCheckResult,
  ContactItem,
  ContactOptions,
  ContactRefusal,
  ContactRoute,
  ContactShapePreview,
  ContactWriteResult,
} from '@shared/models/contacts';
import type { ApiError } from '@shared/errors';
import type { ContactPrefill } from '@shared/routes/fix-routes';
import { toApiError, useApi } from '../../api/api-context';
import { ExportPlanButton } from '../../components/export-plan-button';
import { ActingAccount, useActingAccount } from '../../components/acting-account';
import { ContactError, RefusalAlert } from './contact-error';
import { useWarningText } from './contact-texts';
import { PoolSelect } from './pool-select';
import { ShapeDifferences } from './shape-differences';
import { NewOuDialog } from './new-ou-dialog';
import { dnEquals, parentDn } from '@shared/dn';

interface Props {
  options: ContactOptions;
  /** The contacts there are, so the proposed name and SIP address do not collide with theirs. */
  existing?: ContactItem[];
  /** Present when editing; the form then changes name, SIP address, number and pool. */
  contact?: ContactItem;
  /** A new contact opened by a fix ("Fix…", shared/routes/fix-routes.ts): its kind, dial plan or auto attendant, number. */
  prefill?: ContactPrefill;
  /** The account the contacts page acts as; the dialog starts with it and the admin may pick another here. */
  actingProfile?: string;
  onClose: () => void;
  onDone: (result: ContactWriteResult) => void;
}

/**
 * OcsUmUtil's dialog, done right: every field checked as typed, numbers offered from Exchange UM,
 * and the console's check (contacts.check) shown before writing — refusals on their field,
 * warnings above the buttons, which then say the admin goes ahead anyway.
 */
export function ContactDialog({ options, contact, prefill, actingProfile, existing = [], onClose, onDone }: Props) {
  const { t } = useTranslation('contacts');
  const api = useApi();
  const warningText = useWarningText();
  const editing = !!contact;
  // Contacts are written in a Lync forest [S27], by an account of it chosen here (an edit: of the contact's forest).
  const acting = useActingAccount('contacts.write', {
    forests: editing ? [contact.forest] : options.forests.map((f) => f.forest),
    ...(actingProfile ? { preferred: actingProfile } : {}),
  });
  const actingAs = acting.profile ?? '';
  const forest = acting.chosen
    ? options.forests.find((f) => f.forest.toLowerCase() === acting.chosen!.forest.toLowerCase())
    : options.forests.find((f) => f.profile === (contact?.profile ?? options.forests[0]?.profile));
  const [kind, setKind] = useState<'SA' | 'AA'>(contact?.kind === 'AA' ? 'AA' : (prefill?.kind ?? 'SA'));
  const [targetDn, setTargetDn] = useState(contact?.target?.dn ?? prefill?.targetDn ?? '');
  const [name, setName] = useState(contact?.displayName ?? '');
  const [sip, setSip] = useState(contact?.sipAddress ?? '');
  const [sipTouched, setSipTouched] = useState(editing);
  const [nameTouched, setNameTouched] = useState(editing);
  // A fix's number counts as typed: the defaults below do not replace it with the first access number.
  const [phone, setPhone] = useState(contact?.phoneNumber ?? prefill?.number ?? '');
  const [phoneTouched, setPhoneTouched] = useState(editing || !!prefill?.number);
  const [pool, setPool] = useState(contact ? (contact.pool?.name ?? '') : (forest?.pools[0]?.fqdn ?? ''));
  const [ouDn, setOuDn] = useState(contact ? parentDn(contact.dn) : defaultOu(forest));
  const [route, setRoute] = useState<ContactRoute>('ldap');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [newOuOpen, setNewOuOpen] = useState(false);
  const [likeDn, setLikeDn] = useState('');
  const [shape, setShape] = useState<ContactShapePreview>();
  const [extraOus, setExtraOus] = useState<Array<{ dn: string; path: string }>>([]);
  const [check, setCheck] = useState<{ key: string; result?: ContactCheckResult; error?: ApiError }>();

  const targets = kind === 'SA' ? options.dialPlans : options.autoAttendants;
  const target = targets.find((x) => x.dn === targetDn);
  const numbers = target ? ('accessNumbers' in target ? target.accessNumbers : target.pilotNumbers) : [];
  const dialPlan =
    kind === 'SA'
      ? options.dialPlans.find((d) => d.dn === targetDn)
      : options.dialPlans.find((d) => target && 'dialPlan' in target && d.name === target.dialPlan);
  const ous = useMemo(() => [...(forest?.ous ?? []), ...extraOus], [forest, extraOus]);

  // Defaults follow the chosen dial plan / auto attendant until the admin types their own.
  useEffect(() => {
    if (editing || !target || !forest) return;
    const proposed = proposeContactDefaults(kind, target.name, forest.sipDomain, existing);
    if (!nameTouched) setName(proposed.name);
    if (!sipTouched) setSip(proposed.sipAddress);
    if (!phoneTouched) setPhone(numbers[0] ?? '');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [targetDn, kind]);

  // Another forest's account: its pools and OUs.
  useEffect(() => {
    if (editing || !forest) return;
    if (!forest.pools.some((p) => p.fqdn === pool)) setPool(forest.pools[0]?.fqdn ?? '');
    if (!forest.ous.some((o) => o.dn === ouDn)) setOuDn(defaultOu(forest));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [forest?.forest]);

  const templates = (forest?.templates ?? []).filter((x) => x.kind === kind);
  const like = route === 'ldap' ? likeDn : '';

  // "Like this one": the differences from the console's recipe, fetched again whenever a value they depend on changes.
  useEffect(() => {
    setShape(undefined);
    if (editing || !like || !targetDn || !pool || !name || !isValidSipAddress(sip) || !isValidE164(phone)) return;
    let current = true;
    api
      .call('contacts.shape', { profile: actingAs, kind, targetDn, name, sipAddress: sip, phoneNumber: phone, poolFqdn: pool, likeDn: like })
      .then((preview) => current && setShape(preview))
      .catch((e: unknown) => current && setError(toApiError(e)));
    return () => {
      current = false;
    };
  }, [api, editing, like, actingAs, kind, targetDn, name, sip, phone, pool]);

  // The console's check of these values, asked again shortly after each change; an answer for older values is ignored.
  const checkInput = useMemo<ContactCheck | undefined>(() => {
    if (!actingAs || !name.trim() || !isValidSipAddress(sip) || !isValidE164(phone)) return undefined;
    const values = { name, sipAddress: sip, phoneNumber: phone, route, ...(pool ? { poolFqdn: pool } : {}) };
    if (editing) return { profile: actingAs, dn: contact.dn, ...values };
    return targetDn ? { profile: actingAs, kind, targetDn, ...values, ...(ouDn ? { ouDn } : {}), ...(like ? { likeDn: like } : {}) } : undefined;
  }, [editing, contact, actingAs, kind, targetDn, name, sip, phone, pool, ouDn, route, like]);
  const checkKey = JSON.stringify(checkInput ?? null);
  useEffect(() => {
    if (!checkInput) return;
    let current = true;
    const timer = setTimeout(() => {
      api
        .call('contacts.check', checkInput)
        .then((result) => current && setCheck({ key: checkKey, result }))
        .catch((e: unknown) => current && setCheck({ key: checkKey, error: toApiError(e) }));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, checkInput, checkKey]);
  const checked = check?.key === checkKey ? check.result : undefined;
  const checkFailed = check?.key === checkKey ? check.error : undefined;
  const refused = (field: ContactRefusal['field']) => checked?.refusals.find((r) => r.field === field);
  // "… anyway" only where the admin may go ahead: warnings, and nothing refused.
  const warned = (checked?.warnings.length ?? 0) > 0 && !checked?.refusals.length;
  // A number warning is also said at the number, where the admin types it.
  const numberWarning = checked?.warnings.find((w) => w.code === 'number-not-access-number' || w.code === 'number-not-pilot-number');

  const sipError = sip && !isValidSipAddress(sip) ? t('form.invalidSip') : undefined;
  const phoneError = phone && !isValidE164(phone) ? t('form.invalidPhone') : undefined;
  // The field says what is refused; the alert above the buttons says why.
  const fieldError = (field: ContactRefusal['field']) => {
    const refusal = refused(field);
    return refusal ? t(`refusals.titles.${refusal.code}`) : undefined;
  };
  // Nothing is written before the check of these very values has answered, so no warning goes unseen.
  const canSubmit =
    !busy &&
    !!actingAs &&
    acting.chosen?.capability.verdict !== 'no' &&
    !!name &&
    !!sip &&
    !!phone &&
    !sipError &&
    !phoneError &&
    (!!checked || !!checkFailed) &&
    !checked?.refusals.length &&
    (editing || (!!targetDn && !!pool && !!ouDn && (!like || !!shape)));

  // The edit as it is saved, and as its plan is exported.
  const update = editing
    ? {
        profile: actingAs,
        dn: contact.dn,
        expectedVersion: contact.version,
        loaded: { name: contact.displayName, sipAddress: contact.sipAddress, phoneNumber: contact.phoneNumber, poolFqdn: contact.pool?.name },
        changes: { name, sipAddress: sip, phoneNumber: phone, ...(pool !== (contact.pool?.name ?? '') ? { poolFqdn: pool } : {}) },
        route,
      }
    : undefined;
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const result = update
        ? await api.call('contacts.update', update)
        : await api.call('contacts.create', {
            profile: actingAs,
            kind,
            targetDn,
            name,
            sipAddress: sip,
            phoneNumber: phone,
            poolFqdn: pool,
            ouDn,
            route,
            ...(like ? { likeDn: like } : {}),
          });
      onDone(result);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    // Held at the top, not centred: the warnings that arrive below the fields as they are checked
    // would otherwise move every field up under the admin's pointer (a lost click on the pool list).
    <Dialog open onClose={onClose} maxWidth="md" fullWidth data-testid="contact-dialog" sx={{ '& .MuiDialog-container': { alignItems: 'flex-start' } }}>
      <DialogTitle>{editing ? t('form.titleEdit', { name: contact.displayName }) : t('form.titleNew')}</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <ContactError error={error ?? checkFailed} />
          <ActingAccount acting={acting} testId="contact-acting" />
          {!editing && (
            <>
              <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
                <Typography variant="body2">{t('form.type')}</Typography>
                <RadioGroup
                  row
                  value={kind}
                  onChange={(e) => {
                    setKind(e.target.value as 'SA' | 'AA');
                    setTargetDn('');
                    setPhone('');
                  }}
                >
                  <FormControlLabel value="SA" control={<Radio />} label={t('kinds.SA')} data-testid="contact-type-SA" />
                  <FormControlLabel value="AA" control={<Radio />} label={t('kinds.AA')} data-testid="contact-type-AA" />
                </RadioGroup>
              </Stack>
              <TextField
                select
                label={kind === 'SA' ? t('form.dialPlan') : t('form.autoAttendant')}
                value={targetDn}
                onChange={(e) => setTargetDn(e.target.value)}
                slotProps={{ htmlInput: { 'data-testid': 'contact-target' } }}
              >
                {targets.map((x) => (
                  <MenuItem key={x.dn} value={x.dn} data-testid={`contact-target-${x.name}`}>
                    {x.name} · {x.forest}
                    {'dialPlan' in x && x.dialPlan ? ` · ${t('groups.dialPlanOf', { name: x.dialPlan })}` : ''}
                  </MenuItem>
                ))}
              </TextField>
            </>
          )}
          {/* A failed name check is one of the check's warnings; here only that it applies and what is known. */}
          {dialPlan?.nameCheck.applies && dialPlan.nameCheck.satisfied !== false && (
            <Alert severity="info" data-testid="contact-name-check">
              {t(dialPlan.nameCheck.satisfied ? 'form.nameCheckOk' : 'form.nameCheckUnknown', {
                servers: dialPlan.nameCheck.servers,
                phoneContext: dialPlan.phoneContext,
              })}
            </Alert>
          )}
          <TextField
            label={t('form.name')}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setNameTouched(true);
            }}
            error={!!refused('name')}
            helperText={fieldError('name') ?? (editing ? undefined : t('form.nameHelp'))}
            slotProps={{ htmlInput: { maxLength: 64, 'data-testid': 'contact-name' } }}
          />
          <TextField
            label={t('form.sip')}
            value={sip}
            onChange={(e) => {
              setSip(e.target.value.trim());
              setSipTouched(true);
            }}
            error={!!sipError || !!refused('sipAddress')}
            helperText={sipError ?? fieldError('sipAddress') ?? t('form.sipHelp')}
            slotProps={{ htmlInput: { 'data-testid': 'contact-sip' } }}
          />
          <Stack direction="row" spacing={2}>
            <TextField
              label={t('form.phone')}
              value={phone}
              onChange={(e) => {
                setPhone(e.target.value.trim());
                setPhoneTouched(true);
              }}
              error={!!phoneError || !!refused('phoneNumber')}
              helperText={
                phoneError ??
                fieldError('phoneNumber') ??
                (numberWarning ? t(`form.numberHints.${numberWarning.code}`, numberWarning.params) : t('form.phoneHelp'))
              }
              sx={{ flex: 1 }}
              slotProps={{ htmlInput: { 'data-testid': 'contact-phone' } }}
            />
            {numbers.length > 0 && (
              <TextField
                select
                label={t('form.usePilot')}
                value={numbers.includes(phone) ? phone : ''}
                onChange={(e) => setPhone(e.target.value)}
                sx={{ flex: 1 }}
                slotProps={{ htmlInput: { 'data-testid': 'contact-pilot' } }}
              >
                {numbers.map((n) => (
                  <MenuItem key={n} value={n} data-testid={`contact-pilot-${n}`}>
                    {n}
                  </MenuItem>
                ))}
              </TextField>
            )}
          </Stack>
          <PoolSelect
            pools={forest?.pools ?? []}
            value={pool}
            current={contact?.pool?.name}
            onChange={setPool}
            label={t('form.pool')}
            error={!!refused('poolFqdn')}
            helperText={fieldError('poolFqdn') ?? t(editing ? 'form.poolHelpEdit' : 'form.poolHelp')}
            testId="contact-pool"
          />
          {!editing && (
            <>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
                <Autocomplete
                  sx={{ flex: 1 }}
                  options={ous}
                  value={ous.find((o) => dnEquals(o.dn, ouDn)) ?? null}
                  onChange={(_e, value) => setOuDn(value?.dn ?? '')}
                  getOptionLabel={(o) => o.path}
                  isOptionEqualToValue={(a, b) => a.dn === b.dn}
                  renderInput={(params) => (
                    <TextField
                      {...params}
                      label={t('form.ou')}
                      slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-testid': 'contact-ou' } }}
                    />
                  )}
                />
                <Button onClick={() => setNewOuOpen(true)} disabled={!ouDn} sx={{ mt: 1 }}>
                  {t('form.newOu')}
                </Button>
              </Stack>
            </>
          )}
          {checked?.refusals.map((r) => (
            <RefusalAlert key={r.code} refusal={r} />
          ))}
          {checked && checked.warnings.length > 0 && (
            <Alert severity="warning" data-testid="contact-warnings">
              <AlertTitle>{t('form.warningsTitle', { count: checked.warnings.length })}</AlertTitle>
              <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
                {checked.warnings.map((w) => (
                  <li key={`${w.code}:${JSON.stringify(w.params)}`} data-testid={`contact-warning-${w.code}`}>
                    {warningText(w)}
                  </li>
                ))}
              </Box>
            </Alert>
          )}
          {forest?.powershell && (
            <TextField
              select
              label={t('form.route')}
              value={route}
              onChange={(e) => setRoute(e.target.value as ContactRoute)}
              slotProps={{ htmlInput: { 'data-testid': 'contact-route' } }}
            >
              <MenuItem value="ldap">{t('form.routes.ldap')}</MenuItem>
              <MenuItem value="powershell">{t('form.routes.powershell')}</MenuItem>
            </TextField>
          )}
          {route === 'powershell' && (
            <Alert severity="warning" data-testid="contact-route-hosted">
              {t('form.routeHelpPowershell')}
            </Alert>
          )}
          {!editing && templates.length > 0 && (
            <TextField
              select
              label={t('form.like')}
              value={like}
              disabled={route !== 'ldap'}
              onChange={(e) => setLikeDn(e.target.value)}
              helperText={route === 'ldap' ? t('form.likeHelp') : t('form.likeLdapOnly')}
              slotProps={{ htmlInput: { 'data-testid': 'contact-like' }, select: { displayEmpty: true }, inputLabel: { shrink: true } }}
            >
              <MenuItem value="">{t('form.likeNone')}</MenuItem>
              {templates.map((x) => (
                <MenuItem key={x.dn} value={x.dn} data-testid={`contact-like-${x.sipAddress}`}>
                  {x.name} · {x.sipAddress}
                </MenuItem>
              ))}
            </TextField>
          )}
          {like && shape && <ShapeDifferences shape={shape} />}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('common:actions.cancel')}</Button>
        <ExportPlanButton
          disabled={!canSubmit || !!like}
          request={{
            kind: 'contacts',
            operations: [
              update
                ? { op: 'update', input: update }
                : { op: 'create', input: { profile: actingAs, kind, targetDn, name, sipAddress: sip, phoneNumber: phone, poolFqdn: pool, ouDn, route } },
            ],
          }}
        />
        <Button variant="contained" disabled={!canSubmit} onClick={() => void submit()} data-testid="contact-submit">
          {t(editing ? (warned ? 'form.saveAnyway' : 'form.save') : warned ? 'form.createAnyway' : 'form.create')}
        </Button>
      </DialogActions>
      {newOuOpen && forest && (
        <NewOuDialog
          profile={actingAs || forest.profile}
          parent={ous.find((o) => dnEquals(o.dn, ouDn)) ?? { dn: ouDn, path: ouDn }}
          onClose={() => setNewOuOpen(false)}
          onCreated={(ou) => {
            setExtraOus((x) => [...x, ou]);
            setOuDn(ou.dn);
            setNewOuOpen(false);
          }}
        />
      )}
    </Dialog>
  );
}

function defaultOu(forest: ContactOptions['forests'][number] | undefined): string {
  return forest?.ous.find((o) => /contact/i.test(o.path))?.dn ?? forest?.ous[0]?.dn ?? '';
}
