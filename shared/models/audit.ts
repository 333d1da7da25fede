import { z } from 'zod';

/** One change the console made (or tried to make), as the audit log keeps it. */
export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  /** The profile and the account it binds as. */
  actor: z.object({ profile: z.string(), identity: z.string() }),
  action: z.string(),
  target: z.string(),
  route: z.enum(['ldap', 'powershell']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  outcome: z.enum(['succeeded', 'failed']),
  error: z.string().optional(),
  /** For a batch (bulk enablement), the job it belongs to. */
  jobId: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
