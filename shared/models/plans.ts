import { z } from 'zod';
import { actorSchema } from './audit';
import { contactCreateSchema, contactDeleteSchema, contactMoveSchema, contactUpdateSchema } from './contacts';
import { bulkOperationSchema, columnMappingSchema } from './enablement';
import { gatewaySetupRequestSchema } from './gateways';
import { ouObjectTypeSchema } from './permissions';
import { profileNameSchema } from './profile';

/** The writes a plan can hold, one kind per plan. */
export const planKindSchema = z.enum(['enablement', 'contacts', 'permissions', 'gateways']);
export type PlanKind = z.infer<typeof planKindSchema>;

/** One row of a bulk job as validated: the file's values for the operation, never its PIN (only whether it had one). */
export const planEnablementRowSchema = z.object({
  line: z.number().int(),
  Identity: z.string(),
  Extensions: z.string(),
  SIPResourceIdentifier: z.string(),
  UMMailboxPolicy: z.string(),
  PINExpired: z.string(),
  NotifyEmail: z.string(),
  /** Lync's line URI (voice). */
  LineURI: z.string().optional(),
  /** The file gave a PIN: the script asks for it, an apply in the console needs it again. */
  pin: z.boolean(),
});
export type PlanEnablementRow = z.infer<typeof planEnablementRowSchema>;

/** Contacts to create, edit, move or delete, each as the contacts service takes it. */
export const planContactOperationsSchema = z
  .array(
    z.discriminatedUnion('op', [
      z.object({ op: z.literal('create'), input: contactCreateSchema }),
      z.object({ op: z.literal('update'), input: contactUpdateSchema }),
      z.object({ op: z.literal('move'), input: contactMoveSchema }),
      z.object({ op: z.literal('delete'), input: contactDeleteSchema }),
    ]),
  )
  .min(1)
  .max(200);
export type PlanContactOperation = z.infer<typeof planContactOperationsSchema>[number];

/** What the plan asks the console to do, in the same terms as the services' own requests. */
export const planIntentSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('enablement'),
    /** The bulk operation its rows run (absent in plans made before there were others: enable). */
    operation: bulkOperationSchema.optional(),
    mapping: columnMappingSchema,
    proposeExtensions: z.boolean(),
    allowSipMismatch: z.boolean(),
    rows: z.array(planEnablementRowSchema).min(1).max(100_000),
  }),
  z.object({ kind: z.literal('contacts'), operations: planContactOperationsSchema }),
  z.object({
    kind: z.literal('permissions'),
    action: z.enum(['grant', 'revoke']),
    ou: z.string().min(3).max(2048),
    types: z.array(ouObjectTypeSchema).min(1).max(6),
    route: z.enum(['ldap', 'powershell']),
  }),
  z.object({ kind: z.literal('gateways'), request: gatewaySetupRequestSchema }),
]);
export type PlanIntent = z.infer<typeof planIntentSchema>;

/** One command of the script, as the console would run it. */
export const planStepSchema = z.object({
  shell: z.enum(['exchange', 'lync', 'directory']),
  /** The object it writes. */
  target: z.string(),
  /** The command line, values single-quoted; secrets as `$variables` the script asks for first. */
  command: z.string(),
  /** Secrets the command needs: the script reads each with Read-Host -AsSecureString. */
  secrets: z.array(z.object({ variable: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), prompt: z.string() })).default([]),
});
export type PlanStep = z.infer<typeof planStepSchema>;

/** One value of the directory the plan depends on: the plan applies only while every one is as recorded. */
export const planFactSchema = z.object({ object: z.string(), attribute: z.string(), value: z.string() });
export type PlanFact = z.infer<typeof planFactSchema>;

export const planDocumentSchema = z.object({
  format: z.literal('umc-plan/1'),
  id: z.string().regex(/^plan-[0-9a-f]{12}$/),
  kind: planKindSchema,
  profile: profileNameSchema,
  preparedBy: actorSchema,
  preparedAt: z.string(),
  intent: planIntentSchema,
  steps: z.array(planStepSchema),
  /** The directory as the plan saw it: for each object read or written, the values that matter to the change. */
  facts: z.array(planFactSchema),
  /** SHA-256 (hex) over the plan without this field: a plan edited after export is refused. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type PlanDocument = z.infer<typeof planDocumentSchema>;

/** An exported plan: the plan itself, the script for the shell and the summary for the change ticket. */
export const exportedPlanSchema = z.object({
  plan: planDocumentSchema,
  /** File names and contents; the script is UTF-8 with BOM for Windows PowerShell 5.1. */
  files: z.array(z.object({ name: z.string(), mediaType: z.string(), content: z.string() })),
});
export type ExportedPlan = z.infer<typeof exportedPlanSchema>;

/** A fact that is no longer as the plan recorded it. */
export const planDifferenceSchema = z.object({ object: z.string(), attribute: z.string(), planned: z.string(), now: z.string() });
export type PlanDifference = z.infer<typeof planDifferenceSchema>;

/** What an imported plan is: intact or not, and whether the directory still matches it. */
export const planCheckSchema = z.object({
  plan: planDocumentSchema.optional(),
  /** Why the plan cannot be applied as it is: edited after export, or the directory changed. */
  state: z.enum(['matches', 'changed', 'tampered']),
  differences: z.array(planDifferenceSchema),
  /** Secrets the apply needs again (the plan never holds them): the steps' variables. */
  secrets: z.array(z.object({ variable: z.string(), prompt: z.string() })),
});
export type PlanCheck = z.infer<typeof planCheckSchema>;

export const planApplyResultSchema = z.object({
  planId: z.string(),
  /** What each step became. */
  steps: z.array(z.object({ target: z.string(), outcome: z.enum(['done', 'failed', 'skipped']), message: z.string().optional() })),
  /** The bulk job that ran the rows (its journal and results export as for any job). */
  jobId: z.string().optional(),
});
export type PlanApplyResult = z.infer<typeof planApplyResultSchema>;
