import { z } from 'zod';
import { errorCodes } from '../errors';
import { actorSchema } from './audit';
import { profileNameSchema } from './profile';
import { poolKindSchema } from './topology';

/**
 * Gateway setup: what exchucutil.ps1 does (docs/domain.md §4) as a plan an admin reads first, then
 * an apply that adds only what is missing, never deletes, changes outcalls only where the admin
 * chose, goes on past a failure and reports every item, followed by a re-read of the result.
 */

/** What the admin asks for: the Exchange forest's profile, the Lync forest's when it is another (exchucutil -Forest), and choices. */
export const gatewaySetupRequestSchema = z.object({
  profile: profileNameSchema,
  /** The Lync forest's profile when Lync lives in another forest: its pools and RTC groups are used [S8]. */
  lyncProfile: profileNameSchema.optional(),
  /** The pool whose gateway places outcalls; every other gateway gets them off [S10][S21]. */
  outcallsPool: z.string().min(1).max(253).optional(),
  /** Also grant read access on Administrative Groups, as one signed exchucutil build does [S8]. */
  administrativeGroups: z.boolean().default(false),
});
export type GatewaySetupRequest = z.input<typeof gatewaySetupRequestSchema>;

/** Something the admin should know that the setup does not change: a code for the UI's words, the English text for the CLI. */
export const gatewayWarningSchema = z.object({
  code: z.enum(['no-sip-dial-plan', 'no-pools', 'branch-gateway-allows', 'multiple-outcall-gateways', 'director-gateway-allows', 'directors-unknown']),
  params: z.record(z.string(), z.string()),
  text: z.string(),
});
export type GatewayWarning = z.infer<typeof gatewayWarningSchema>;

/** What the plan found for one item: to be created, already in place, or cannot be done as things are. */
export const gatewayPlanStatusSchema = z.enum(['missing', 'present', 'blocked']);
export type GatewayPlanStatus = z.infer<typeof gatewayPlanStatusSchema>;

/** Why an item is blocked or failed, with the console's error code. */
export const gatewayItemProblemSchema = z.object({ code: z.enum(errorCodes), message: z.string() });
export type GatewayItemProblem = z.infer<typeof gatewayItemProblemSchema>;

/** Read rights exchucutil grants, by their Exchange (Add-ADPermission) names. */
export const umReadRightSchema = z.enum(['ListChildren', 'ReadProperty']);
export type UmReadRight = z.infer<typeof umReadRightSchema>;

const poolRefSchema = z.object({
  dn: z.string(),
  fqdn: z.string(),
  /** The pool object's CN (`1:2`), which exchucutil names the gateway after. */
  cn: z.string(),
  kind: poolKindSchema,
  /** A Survivable Branch Appliance (ExtendedType=RemoteRegistrar): its gateway gets outcalls and message waiting off. */
  branch: z.boolean(),
});
export type GatewayPoolRef = z.infer<typeof poolRefSchema>;

const itemCommon = z.object({
  /** Stable across runs: `gateway:<pool fqdn>`, `hunt-group:<pool fqdn>:<dial plan>`, `permission:<dn>:<group>`. */
  id: z.string(),
  status: gatewayPlanStatusSchema,
  /** One English line for the CLI and logs; the renderer builds its own text from the fields. */
  summary: z.string(),
  /** The same change in the Exchange shell (empty when nothing is to be done). */
  commands: z.array(z.string()),
  /** Set when status is blocked. */
  problem: gatewayItemProblemSchema.optional(),
});

export const gatewayPlanGatewaySchema = itemCommon.extend({
  kind: z.literal('gateway'),
  pool: poolRefSchema,
  /** The existing gateway's name, or the name the new one gets. */
  name: z.string(),
  address: z.string(),
  /** The existing gateway (status present). */
  existingDn: z.string().optional(),
  /** For a new gateway the settings it gets; for an existing one its settings now. */
  outcallsAllowed: z.boolean(),
  messageWaitingAllowed: z.boolean(),
  /** An existing gateway whose outcalls the admin's choice changes (status missing until done). */
  change: z.object({ outcallsAllowed: z.boolean() }).optional(),
});

export const gatewayPlanHuntGroupSchema = itemCommon.extend({
  kind: z.literal('hunt-group'),
  poolFqdn: z.string(),
  gatewayName: z.string(),
  dialPlan: z.object({ dn: z.string(), name: z.string() }),
  /** The hunt group to create (dial plan name), or the existing one that serves the dial plan (which may be hand-made). */
  name: z.string(),
  pilotIdentifier: z.string().optional(),
  existingDn: z.string().optional(),
});

export const gatewayPlanPermissionSchema = itemCommon.extend({
  kind: z.literal('permission'),
  targetDn: z.string(),
  /** "Exchange organization Contoso", "UM DialPlan Container", … */
  targetName: z.string(),
  trustee: z.string(),
  trusteeSid: z.string().optional(),
  rights: z.array(umReadRightSchema),
  /** exchucutil: ListChildren on the organization itself only; ListChildren + ReadProperty inherited on the two UM containers. */
  appliesTo: z.enum(['this-object', 'this-object-and-descendants']),
});

export const gatewayPlanItemSchema = z.discriminatedUnion('kind', [gatewayPlanGatewaySchema, gatewayPlanHuntGroupSchema, gatewayPlanPermissionSchema]);
export type GatewayPlanItem = z.infer<typeof gatewayPlanItemSchema>;
export type GatewayPlanGatewayItem = z.infer<typeof gatewayPlanGatewaySchema>;
export type GatewayPlanHuntGroupItem = z.infer<typeof gatewayPlanHuntGroupSchema>;
export type GatewayPlanPermissionItem = z.infer<typeof gatewayPlanPermissionSchema>;

export const gatewayPlanCountsSchema = z.object({ missing: z.number().int(), present: z.number().int(), blocked: z.number().int() });

export const gatewayPlanSchema = z.object({
  profile: z.string(),
  forest: z.string(),
  organization: z.object({ dn: z.string(), name: z.string() }),
  readAt: z.string(),
  /** The SIP URI dial plans that get a hunt group on every gateway, with the pilot identifier each gets. */
  sipDialPlans: z.array(z.object({ dn: z.string(), name: z.string(), phoneContext: z.string().optional(), pilotIdentifier: z.string().optional() })),
  /** Every item, in the order apply runs them: permissions, then per pool its gateway and hunt groups. */
  items: z.array(gatewayPlanItemSchema),
  counts: gatewayPlanCountsSchema,
  /** Things an admin should know that the setup does not change (existing gateways' outcalls, no SIP dial plan, …). */
  warnings: z.array(gatewayWarningSchema),
  /** The Lync forest the pools and groups came from (the same forest unless a Lync profile was given). */
  lyncForest: z.string(),
  /**
   * Which gateway places outcalls: the admin's choice, or none yet; each pool's gateway as a
   * candidate — never a Director's or a branch appliance's [S10][S8].
   */
  outcalls: z.object({
    chosen: z.string().optional(),
    candidates: z.array(
      z.object({
        fqdn: z.string(),
        kind: poolKindSchema,
        site: z.string().optional(),
        allowsNow: z.boolean().optional(),
        eligible: z.boolean(),
        reason: z.enum(['director', 'branch']).optional(),
      }),
    ),
  }),
});
export type GatewayPlan = z.infer<typeof gatewayPlanSchema>;

/** What apply did with one item. */
export const gatewayApplyOutcomeSchema = z.enum(['created', 'already-present', 'failed', 'skipped']);
export type GatewayApplyOutcome = z.infer<typeof gatewayApplyOutcomeSchema>;

const outcomeFields = {
  outcome: gatewayApplyOutcomeSchema,
  /** Why it failed or was skipped, or a note on a partial success. */
  message: z.string().optional(),
  code: z.enum(errorCodes).optional(),
  /** The audit entry of the write, when one was made. */
  auditId: z.string().optional(),
};

export const gatewayApplyItemSchema = z.discriminatedUnion('kind', [
  gatewayPlanGatewaySchema.extend(outcomeFields),
  gatewayPlanHuntGroupSchema.extend(outcomeFields),
  gatewayPlanPermissionSchema.extend(outcomeFields),
]);
export type GatewayApplyItem = z.infer<typeof gatewayApplyItemSchema>;

/** One pool in the verification table, as re-read after apply. */
export const gatewayVerificationRowSchema = z.object({
  pool: poolRefSchema,
  gatewayName: z.string().optional(),
  gatewayDn: z.string().optional(),
  address: z.string().optional(),
  outcallsAllowed: z.boolean().optional(),
  messageWaitingAllowed: z.boolean().optional(),
  huntGroups: z.array(z.object({ name: z.string(), dialPlan: z.string().optional(), pilotIdentifier: z.string().optional() })),
  /** SIP dial plans the gateway has no hunt group for. */
  missingDialPlans: z.array(z.string()),
});
export type GatewayVerificationRow = z.infer<typeof gatewayVerificationRowSchema>;

export const permissionVerificationRowSchema = z.object({
  targetDn: z.string(),
  targetName: z.string(),
  trustee: z.string(),
  rights: z.array(umReadRightSchema),
  appliesTo: z.enum(['this-object', 'this-object-and-descendants']),
  /** Undefined when it could not be checked (group or container missing, DACL unreadable). */
  present: z.boolean().optional(),
});
export type PermissionVerificationRow = z.infer<typeof permissionVerificationRowSchema>;

export const gatewayVerificationSchema = z.object({
  readAt: z.string(),
  pools: z.array(gatewayVerificationRowSchema),
  permissions: z.array(permissionVerificationRowSchema),
});
export type GatewayVerification = z.infer<typeof gatewayVerificationSchema>;

export const gatewayApplyResultSchema = z.object({
  profile: z.string(),
  forest: z.string(),
  /** Who the changes were made as (the audit entries name the same). */
  actor: actorSchema,
  startedAt: z.string(),
  finishedAt: z.string(),
  items: z.array(gatewayApplyItemSchema),
  counts: z.object({ created: z.number().int(), alreadyPresent: z.number().int(), failed: z.number().int(), skipped: z.number().int() }),
  verification: gatewayVerificationSchema,
  /** Lync reads UM gateways and permissions when its Front End service starts. */
  frontEndRestart: z.object({ required: z.boolean(), pools: z.array(z.string()), message: z.string() }),
  warnings: z.array(gatewayWarningSchema),
});
export type GatewayApplyResult = z.infer<typeof gatewayApplyResultSchema>;
