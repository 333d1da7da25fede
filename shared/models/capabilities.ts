import { z } from 'zod';
import { errorEnvelopeSchema } from '../errors';
import { checklistStepIds } from './checklist';

/**
 * The writes the console makes as a connected profile (an account in one forest). Each has the
 * rights Microsoft names for it; `connections.capabilities` tells, per connected profile, whether
 * its account holds them, so every screen that writes can show who it acts as and mark what that
 * account cannot do before the admin fills in a form.
 */
export const writeActions = ['contacts.write', 'permissions.write', 'gateways.setup', 'users.enable'] as const;

/** A write action, or confirming one checklist step by hand (the step's own roles decide who should). */
export const actingActions = [...writeActions, ...checklistStepIds.map((id) => `checklist.confirm:${id}` as const)] as const;
export const actingActionSchema = z.enum(actingActions);
export type ActingAction = z.infer<typeof actingActionSchema>;

/**
 * - `yes`: the account holds what Microsoft names for the action.
 * - `likely`: it holds it, and the object written decides the rest (an OU's own permissions) — checked at preview.
 * - `unlikely`: it does not, and only a delegation on the object written could allow it — checked at preview.
 * - `no`: it does not hold what the action needs, or its forest does not hold what the action writes.
 */
export const capabilityVerdictSchema = z.enum(['yes', 'likely', 'unlikely', 'no']);
export type CapabilityVerdict = z.infer<typeof capabilityVerdictSchema>;

/** Why a verdict is what it is, as a code the renderer words (with the groups as values). */
export const capabilityReasonSchema = z.enum([
  /** Holds every group needed. */
  'holds-groups',
  /** Holds the group; whether the OU's permissions allow it shows at preview. */
  'holds-groups-per-ou',
  /** Lacks the group; a delegation of "Modify permissions" on the OU would do, which shows at preview. */
  'delegation-per-ou',
  /** Lacks one or more groups. */
  'missing-groups',
  /** The profile's forest has no Exchange organisation. */
  'no-exchange-org',
  /** The profile's forest is not prepared for Lync (no RTC groups or pools). */
  'not-lync-forest',
  /** Who the account is could not be read. */
  'account-unreadable',
]);
export type CapabilityReason = z.infer<typeof capabilityReasonSchema>;

export const capabilitySchema = z.object({
  verdict: capabilityVerdictSchema,
  reason: capabilityReasonSchema,
  /** What the action needs: every inner list must be met by one of its groups. */
  needs: z.array(z.array(z.string())),
  /** The groups of the account that meet it (nesting included), when held. */
  via: z.array(z.string()),
  /** The groups still missing (one name per unmet requirement, its alternatives joined by " or "). */
  missing: z.array(z.string()),
  /** The source that names the rights, as in docs/sources.md ([S27]). */
  source: z.string(),
});
export type Capability = z.infer<typeof capabilitySchema>;

/** One connected profile: who it is, in which forest, what the forest holds and what it can do. */
export const profileCapabilitiesSchema = z.object({
  profile: z.string(),
  forest: z.string(),
  /** The account's sAMAccountName as the directory names it (or the identity it bound with). */
  account: z.string(),
  /** The identity the profile binds with (user@domain, DOMAIN\user, a DN or a Kerberos principal). */
  identity: z.string(),
  /** What the forest holds: an Exchange organisation, and Lync (its RTC groups and pools). */
  holds: z.object({ exchange: z.boolean(), lync: z.boolean() }),
  actions: z.record(actingActionSchema, capabilitySchema),
  /** Set when the account or the forest could not be read; every verdict is then `no`. */
  error: errorEnvelopeSchema.optional(),
});
export type ProfileCapabilities = z.infer<typeof profileCapabilitiesSchema>;

/** Best first: the order a default acting profile is chosen in. */
export const verdictRank: Record<CapabilityVerdict, number> = { yes: 0, likely: 1, unlikely: 2, no: 3 };

/**
 * The profile a write acts as when the admin has not chosen: the connected profile that can do it
 * best (never a read-only one when another can), among the allowed forests, in connection order.
 */
export function defaultActingProfile(capabilities: readonly ProfileCapabilities[], action: ActingAction, forests?: readonly string[]): string | undefined {
  const allowed = capabilities.filter((c) => !forests?.length || forests.some((f) => f.toLowerCase() === c.forest.toLowerCase()));
  return [...allowed].sort((a, b) => verdictRank[a.actions[action].verdict] - verdictRank[b.actions[action].verdict])[0]?.profile;
}
