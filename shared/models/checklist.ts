import { z } from 'zod';
import { fixActionSchema } from './fix';
import { objectRefSchema } from './topology';

/** The eleven steps of domain.md §1, by id; their texts live in shared/locales/<lang>/checklist.json. */
export const checklistStepIds = [
  'deploy-exchange-um',
  'um-certificates',
  'sip-dial-plan',
  'voip-security',
  'um-servers-in-dial-plan',
  'sip-addresses',
  'exchucutil',
  'lync-dial-plan-names',
  'ocsumutil-contacts',
  'enterprise-voice',
  'enable-users',
] as const;
export const checklistStepIdSchema = z.enum(checklistStepIds);
export type ChecklistStepId = z.infer<typeof checklistStepIdSchema>;

/** `confirmed`: the console could not tell, and an admin confirmed the step by hand (who and when are kept). */
export const stepStatusSchema = z.enum(['done', 'partly', 'not-done', 'unknown', 'confirmed']);
export type StepStatus = z.infer<typeof stepStatusSchema>;

/** A line of evidence: a text code with values, and the objects it is about (a few, for links). */
export const evidenceSchema = z.object({
  code: z.string(),
  ok: z.boolean(),
  /** Something to know rather than a check: what the console cannot see (shown with an info mark). */
  informational: z.boolean().optional(),
  params: z.record(z.string(), z.string()),
  objects: z.array(objectRefSchema),
  /** For a check that failed: where it is fixed (a screen opened filled in, or the commands that do it). */
  fix: fixActionSchema.optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

/** A role a step needs: satisfied by membership (nested included) of any of these groups. */
export const roleCheckSchema = z.object({
  anyOf: z.array(z.string()),
  /** The forest whose account was checked. */
  forest: z.string().optional(),
  account: z.string().optional(),
  held: z.boolean().optional(),
  /** The group that grants it, when held. */
  via: z.string().optional(),
});
export type RoleCheck = z.infer<typeof roleCheckSchema>;

export const fixScreenSchema = z.enum(['contacts', 'permissions', 'enablement', 'gateways', 'topology']);
export type FixScreen = z.infer<typeof fixScreenSchema>;

export const checklistConfirmationSchema = z.object({
  stepId: checklistStepIdSchema,
  /** The account of the profile the admin acted as, and the operating-system user running the console. */
  by: z.string(),
  profile: z.string(),
  /** The forest of that account (absent in confirmations made before it was recorded). */
  forest: z.string().optional(),
  osUser: z.string().optional(),
  at: z.string(),
  note: z.string().max(500).optional(),
});
export type ChecklistConfirmation = z.infer<typeof checklistConfirmationSchema>;

export const checklistStepSchema = z.object({
  number: z.number().int().min(1).max(11),
  id: checklistStepIdSchema,
  status: stepStatusSchema,
  /** Why the status is what it is (a text code with values). */
  reason: z.object({ code: z.string(), params: z.record(z.string(), z.string()) }),
  evidence: z.array(evidenceSchema),
  roles: z.array(roleCheckSchema),
  fix: fixScreenSchema.optional(),
  /** A step the console cannot see can be confirmed by the admin. */
  confirmable: z.boolean(),
  /** Who confirmed it and when (also in the audit log). */
  confirmation: checklistConfirmationSchema.optional(),
});
export type ChecklistStep = z.infer<typeof checklistStepSchema>;

export const checklistSchema = z.object({
  readAt: z.string(),
  /** The dial plan the per-dial-plan steps were checked for; absent = every dial plan. */
  dialPlan: objectRefSchema.optional(),
  dialPlans: z.array(objectRefSchema.extend({ uriType: z.string() })),
  steps: z.array(checklistStepSchema),
  summary: z.object({ done: z.number().int(), partly: z.number().int(), notDone: z.number().int(), unknown: z.number().int(), confirmed: z.number().int() }),
});
export type Checklist = z.infer<typeof checklistSchema>;
