import { Alert, Box, Chip, FormControl, FormHelperText, InputLabel, ListItemText, MenuItem, Select, Stack, type SxProps, type Theme } from '@mui/material';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Actor } from '@shared/models/audit';
import { defaultActingProfile, type ActingAction, type Capability, type CapabilityVerdict } from '@shared/models/capabilities';
import { useConnections } from '../app/connections';

/**
 * The account a write acts as, shown and chosen on every screen that writes.
 *
 * A connected profile is an account in one forest. Main tells, per connected profile, whether its
 * account holds what each write needs (`connections.capabilities`, rules in
 * electron/services/capabilities/capability-rules.ts, each with its Microsoft source). This file
 * turns that into one hook and one component:
 *
 * ```tsx
 * const acting = useActingAccount('contacts.write');               // pick the profile
 * <ActingAccount acting={acting} />                                 // show it, let the admin change it
 * await api.call('contacts.create', { profile: acting.profile!, … }) // write as it
 * <Alert>{t('done', { as: formatActor(result.actor, t) })}</Alert>   // name it in the result
 * ```
 *
 * `useActingAccount(action, options?)`
 * - `action`: what the screen writes — `'contacts.write'`, `'permissions.write'`,
 *   `'gateways.setup'`, `'users.enable'`, or `` `checklist.confirm:${stepId}` `` (ActingAction).
 * - `options.forests`: only profiles in these forests may act (the forest whose objects are
 *   written, e.g. an OU's forest for an undo); others are not offered.
 * - `options.preferForest`: start with the best profile of this forest when there is one (a fix
 *   that names the Exchange forest); the admin can still pick any other.
 * - `options.preferred`: start with this profile when it is connected (e.g. from the URL).
 * - Returns `{ action, profile, setProfile, options, chosen, loading }`. `profile` is undefined
 *   while the capabilities load or when nothing is connected; by default it is the connected
 *   profile that can do the action best (`defaultActingProfile`: yes > likely > unlikely > no,
 *   then connection order) — never a read-only account when another can do it — and it follows
 *   connections coming and going until the admin picks one.
 *
 * `<ActingAccount acting={…} testId? sx? />`: a select labelled "Acting as" (never "Forest": it
 * picks an account) listing every offered profile as "account (forest)" with what it can do, and
 * under it why — a warning when the chosen account cannot (or only with a delegation), shown
 * before the admin fills in the form. Test ids: `acting-account` (the select, with
 * `data-profile` and `data-verdict`), `acting-option-<profile>` (with `data-verdict`),
 * `acting-account-warning`.
 *
 * `formatActor(actor, t)`: an Actor ({ profile, identity, forest }, as write results and audit
 * entries carry it) as "identity (forest)", for results and histories.
 */
export interface ActingOption {
  profile: string;
  identity: string;
  account: string;
  forest: string;
  capability: Capability;
}

export interface ActingAccountState {
  action: ActingAction;
  profile: string | undefined;
  setProfile: (profile: string) => void;
  options: ActingOption[];
  chosen: ActingOption | undefined;
  loading: boolean;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function useActingAccount(action: ActingAction, options: { forests?: string[]; preferForest?: string; preferred?: string } = {}): ActingAccountState {
  const { capabilities } = useConnections();
  const [picked, setPicked] = useState<string | undefined>(options.preferred);
  const offered = (capabilities ?? []).filter((c) => !options.forests?.length || options.forests.some((f) => same(f, c.forest)));
  const list: ActingOption[] = offered.map((c) => ({
    profile: c.profile,
    identity: c.identity,
    account: c.account,
    forest: c.forest,
    capability: c.actions[action],
  }));
  const fallback = (options.preferForest ? defaultActingProfile(offered, action, [options.preferForest]) : undefined) ?? defaultActingProfile(offered, action);
  const profile = picked && list.some((o) => o.profile === picked) ? picked : fallback;
  return { action, profile, setProfile: setPicked, options: list, chosen: list.find((o) => o.profile === profile), loading: capabilities === undefined };
}

const verdictColor: Record<CapabilityVerdict, 'success' | 'info' | 'warning' | 'error'> = { yes: 'success', likely: 'info', unlikely: 'warning', no: 'error' };

/** The picker and what the chosen account can do; see the module comment for the API. */
export function ActingAccount({ acting, testId = 'acting-account', sx }: { acting: ActingAccountState; testId?: string; sx?: SxProps<Theme> }) {
  const { t, i18n } = useTranslation();
  const chosen = acting.chosen;
  const verdict = chosen?.capability.verdict;
  const labelId = `${testId}-label`;
  return (
    <Stack spacing={1} sx={sx}>
      <FormControl size="small" sx={{ minWidth: 280, maxWidth: 560 }} disabled={acting.options.length === 0}>
        <InputLabel id={labelId} shrink>
          {t('acting.label')}
        </InputLabel>
        <Select
          labelId={labelId}
          label={t('acting.label')}
          notched
          displayEmpty
          value={acting.profile ?? ''}
          onChange={(e) => acting.setProfile(e.target.value)}
          data-testid={testId}
          data-profile={acting.profile ?? ''}
          data-verdict={verdict ?? ''}
          renderValue={() =>
            chosen ? (
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', minWidth: 0 }}>
                <Box component="span" sx={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
                  {t('acting.option', { account: chosen.identity, forest: chosen.forest })}
                </Box>
                <Chip
                  size="small"
                  variant="outlined"
                  color={verdictColor[chosen.capability.verdict]}
                  label={t(`acting.verdicts.${chosen.capability.verdict}`)}
                  sx={{ flexShrink: 0 }}
                />
              </Stack>
            ) : (
              <Box component="span" sx={{ color: 'text.secondary' }}>
                {acting.loading ? t('acting.loading') : t('acting.none')}
              </Box>
            )
          }
        >
          {acting.options.map((o) => (
            <MenuItem key={o.profile} value={o.profile} data-testid={`acting-option-${o.profile}`} data-verdict={o.capability.verdict}>
              <ListItemText primary={t('acting.option', { account: o.identity, forest: o.forest })} secondary={t('acting.profile', { profile: o.profile })} />
              <Chip
                size="small"
                variant="outlined"
                color={verdictColor[o.capability.verdict]}
                label={t(`acting.verdicts.${o.capability.verdict}`)}
                sx={{ ml: 2 }}
              />
            </MenuItem>
          ))}
        </Select>
        {chosen && (verdict === 'yes' || verdict === 'likely') && (
          <FormHelperText data-testid={`${testId}-reason`}>{capabilityText(chosen, acting.action, t)}</FormHelperText>
        )}
      </FormControl>
      {chosen && (verdict === 'no' || verdict === 'unlikely') && (
        <Alert severity={verdict === 'no' ? 'error' : 'warning'} data-testid={`${testId}-warning`} sx={{ maxWidth: 900 }}>
          {`${capabilityText(chosen, acting.action, t)}${sentenceGap(i18n.language)}${t('acting.pickAnother')}`}
        </Alert>
      )}
    </Stack>
  );
}

const actionKeys: Record<string, string> = {
  'contacts.write': 'contacts',
  'permissions.write': 'permissions',
  'gateways.setup': 'gateways',
  'users.enable': 'enable',
};

/** Why the chosen account can or cannot do the action, in the admin's language, with the groups it holds or lacks. */
export function capabilityText(option: Pick<ActingOption, 'identity' | 'forest' | 'capability'>, action: ActingAction, t: TFunction): string {
  const { capability } = option;
  const or = t('common:acting.or');
  const missing = capability.needs.filter((anyOf) => !anyOf.some((g) => capability.via.includes(g))).map((anyOf) => anyOf.join(or));
  return t(`common:acting.reasons.${capability.reason}`, {
    account: option.identity,
    forest: option.forest,
    action: t(`common:acting.actions.${actionKeys[action] ?? 'confirm'}`),
    via: capability.via.join(t('common:acting.and')),
    missing: missing.join(t('common:acting.and')),
  });
}

/**
 * What goes between two sentences joined in one message: a space in English, nothing in Chinese,
 * whose full stop (。) already separates them. (An empty locale string would fall back to English's.)
 */
export function sentenceGap(language: string): string {
  return language.startsWith('zh') ? '' : ' ';
}

/** An Actor (who a write was made as) for results and histories: "identity (forest)". */
export function formatActor(actor: Actor, t: TFunction): string {
  return actor.forest ? t('common:acting.option', { account: actor.identity, forest: actor.forest }) : actor.identity;
}
