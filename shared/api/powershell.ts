import { z } from 'zod';
import { method } from './method';
import { profileNameSchema } from '../models/profile';
import { psHistoryEntrySchema, psSessionStatusSchema, psShellPlanSchema, psShellSchema, shellTargetSchema } from '../models/powershell';

export const powershellApi = {
  'powershell.history': method(
    z.object({ limit: z.number().int().min(1).max(2000).default(500) }).strict(),
    z.array(psHistoryEntrySchema),
    'Commands the console ran, newest first, secrets redacted.',
  ),
  'powershell.clearHistory': method(z.object({}).strict(), z.object({ cleared: z.boolean() }), 'Empty the PowerShell view.'),
  'powershell.status': method(z.object({}).strict(), z.array(psSessionStatusSchema), 'The supervised sessions per profile and shell.'),
  'powershell.shells': method(
    z.object({}).strict(),
    z.array(psShellPlanSchema),
    "For every profile's Exchange and Lync endpoint: which PowerShell (pwsh 7 or Windows PowerShell 5.1) it will use, where, why, and its version.",
  ),
  'powershell.test': method(
    z.object({ profile: profileNameSchema, target: shellTargetSchema }).strict(),
    z.object({ ok: z.boolean(), endpoint: z.string(), durationMs: z.number(), message: z.string(), shell: psShellSchema.optional() }),
    "Open the profile's Exchange or Lync shell and run a harmless read.",
  ),
};
