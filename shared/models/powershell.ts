import { z } from 'zod';

export const shellTargetSchema = z.enum(['exchange', 'lync']);
export type ShellTarget = z.infer<typeof shellTargetSchema>;

/** A PowerShell error record as the bridge reports it (never re-worded on the way). */
export const psErrorRecordSchema = z.object({
  message: z.string(),
  fullyQualifiedErrorId: z.string().nullable().optional(),
  category: z.string().nullable().optional(),
  reason: z.string().nullable().optional(),
  target: z.string().nullable().optional(),
  exceptionType: z.string().nullable().optional(),
});
export type PsErrorRecord = z.infer<typeof psErrorRecordSchema>;

export const psProgressSchema = z.object({ activity: z.string().nullable(), status: z.string().nullable(), percent: z.number().nullable() });

/** What one cmdlet call returned: output objects and every stream the cmdlet wrote. */
export const psResultSchema = z.object({
  ok: z.boolean(),
  output: z.array(z.unknown()),
  errors: z.array(psErrorRecordSchema),
  warnings: z.array(z.string()).default([]),
  progress: z.array(psProgressSchema).default([]),
  information: z.array(z.string()).default([]),
  durationMs: z.number().optional(),
});
export type PsResult = z.infer<typeof psResultSchema>;

/** One line of the PowerShell view: a command the console ran, secrets redacted. */
export const psHistoryEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  profile: z.string(),
  target: shellTargetSchema,
  command: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  /** The same call as a line an admin can paste into the Exchange or Lync shell. */
  script: z.string(),
  durationMs: z.number(),
  ok: z.boolean(),
  errors: z.array(psErrorRecordSchema),
  warnings: z.array(z.string()),
  outputCount: z.number().int(),
  /** Set when the call never completed: timeout, cancel, or the session died. */
  failure: z.enum(['timeout', 'cancelled', 'session-died', 'unavailable']).optional(),
});
export type PsHistoryEntry = z.infer<typeof psHistoryEntrySchema>;

/**
 * The PowerShell that serves (or will serve) an endpoint: pwsh 7 or Windows PowerShell 5.1, where
 * it is, why it was chosen, and — once it ran — the edition and version it reported.
 */
export const psShellSchema = z.object({
  kind: z.enum(['pwsh', 'windows-powershell']),
  path: z.string(),
  reason: z.enum(['override', 'lync-module-needs-windows-powershell', 'pwsh-found', 'pwsh-absent-fallback']),
  edition: z.string().optional(),
  version: z.string().optional(),
});
export type PsShell = z.infer<typeof psShellSchema>;

/** Per profile and shell target: the endpoint and the PowerShell it will use, or why there is none. */
export const psShellPlanSchema = z.object({
  profile: z.string(),
  target: shellTargetSchema,
  endpoint: z.string(),
  shell: psShellSchema.optional(),
  problem: z.string().optional(),
});
export type PsShellPlan = z.infer<typeof psShellPlanSchema>;

export const psSessionStatusSchema = z.object({
  profile: z.string(),
  target: shellTargetSchema,
  endpoint: z.string(),
  shell: psShellSchema.optional(),
  sessions: z.array(
    z.object({ pid: z.number().optional(), state: z.enum(['starting', 'idle', 'busy', 'dead']), calls: z.number().int(), startedAt: z.string() }),
  ),
  restarts: z.number().int(),
  queued: z.number().int(),
});
export type PsSessionStatus = z.infer<typeof psSessionStatusSchema>;
