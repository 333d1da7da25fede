import { z } from 'zod';
import { method } from './method';
import { gatewaySetupRequestSchema } from '../models/gateways';
import { ouObjectTypeSchema } from '../models/permissions';
import { exportedPlanSchema, planApplyResultSchema, planCheckSchema, planContactOperationsSchema } from '../models/plans';
import { profileNameSchema } from '../models/profile';
import { languageSchema } from '../models/settings';

/** The write to plan, as each screen would ask for it (a bulk job by its validated import). */
export const planExportRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('enablement'), importId: z.string().min(1).max(64) }),
  z.object({ kind: z.literal('contacts'), operations: planContactOperationsSchema }),
  z.object({
    kind: z.literal('permissions'),
    profile: profileNameSchema,
    ou: z.string().min(3).max(2048),
    types: z.array(ouObjectTypeSchema).min(1).max(6),
    action: z.enum(['grant', 'revoke']),
    route: z.enum(['ldap', 'powershell']).default('ldap'),
  }),
  z.object({ kind: z.literal('gateways'), request: gatewaySetupRequestSchema }),
]);
export type PlanExportRequest = z.output<typeof planExportRequestSchema>;

/** A plan file's text (JSON), as read from the file the admin chose. */
const planContent = z
  .string()
  .min(2)
  .max(64 * 1024 * 1024);
/** Secrets the plan's steps ask for (its PINs), by variable name; used for the apply only, never kept. */
const secrets = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.string().min(1).max(256)).default({});

export const plansApi = {
  'plans.export': method(
    z.object({ request: planExportRequestSchema, language: languageSchema.default('en') }).strict(),
    exportedPlanSchema,
    'Export a planned write instead of applying it: the plan (JSON), a PowerShell script of its commands and an HTML summary for the change ticket.',
  ),
  'plans.check': method(
    z.object({ content: planContent, secrets }).strict(),
    planCheckSchema,
    'Read an approved plan and the directory again: whether the plan is intact and every value it depends on is still as it was.',
  ),
  'plans.apply': method(
    z.object({ content: planContent, secrets }).strict(),
    planApplyResultSchema,
    'Apply an approved plan, exactly its steps through the normal services; refused (CONFLICT, with the differences) if it was edited or the directory changed.',
  ),
};
