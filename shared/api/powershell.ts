import { z } from 'zod';
import { method } from './method';
import { profileNameSchema } from '../models/profile';
import { psHistoryEntrySchema, psSessionStatusSchema, shellTargetSchema } from '../models/powershell';

export const powershellApi = {
  'powershell.history': method(z.object({ limit: z.number().int().min(1).max(2000).default(500) }).strict(), z.array(psHistoryEntrySchema), 'Commands the console ran, newest first, secrets redacted.'),
  'powershell.clearHistory': method(z.object({}).strict(), z.object({ cleared: z.boolean() }), 'Empty the PowerShell view.'),
  'powershell.status': method(z.object({}).strict(), z.array(psSessionStatusSchema), 'The supervised sessions per profile and shell.'),
  'powershell.test': method(
    z.object({ profile: profileNameSchema, target: shellTargetSchema }).strict(),
    z.object({ ok: z.boolean(), endpoint: z.string(), durationMs: z.number(), message: z.string() }),
    'Open the profile\'s Exchange or Lync shell and run a harmless read.',
  ),
};
