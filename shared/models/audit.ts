import { z } from 'zod';

/**
 * Who made a change: the profile, the account it binds as, and the forest that account is in
 * (absent in entries written before the console recorded it). Results name it the same way.
 */
export const actorSchema = z.object({ profile: z.string(), identity: z.string(), forest: z.string().optional() });
export type Actor = z.infer<typeof actorSchema>;

/** One change the console made (or tried to make), as the audit log keeps it. */
export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: actorSchema,
  action: z.string(),
  target: z.string(),
  route: z.enum(['ldap', 'powershell']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  outcome: z.enum(['succeeded', 'failed']),
  error: z.string().optional(),
  /** For a batch (bulk enablement), the job it belongs to. */
  jobId: z.string().optional(),
  /** For an undo (a restore), the entry whose change it undid. */
  undoes: z.string().optional(),
  /**
   * The hash chain (absent in entries written before the log had one): the entry's place in the
   * log, the previous entry's hash, and the SHA-256 of this entry's line up to its hash. Editing,
   * removing or reordering entries breaks it.
   */
  seq: z.number().int().positive().optional(),
  prev: z.string().optional(),
  hash: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** What a caller records; the log adds the id, the time and the chain. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'seq' | 'prev' | 'hash'>;

/**
 * Whether an entry can be trusted, checked on every read: verified (its hash and its link to the
 * entry before hold), unverified (written before the log had hashes), tampered.
 */
export const auditEntryIntegritySchema = z.enum(['verified', 'unverified', 'tampered']);

/** An entry as read back, with its check. */
export const auditRecordSchema = auditEntrySchema.extend({ integrity: auditEntryIntegritySchema });
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/** One way the log was found altered, with where (line in the file, the entry's sequence number). */
export const auditProblemSchema = z.object({
  code: z.enum([
    /** The entry's content does not match its hash. */
    'edited',
    /** The entry does not follow the one before it: an entry was removed, or entries were reordered. */
    'broken-link',
    /** An entry without a hash after the log started carrying hashes. */
    'unhashed',
    /** The last entry the console wrote is missing or differs: entries were removed from the end. */
    'truncated',
    /** The record of the last entry written (next to the log) is missing while the log has chained entries. */
    'head-missing',
  ]),
  line: z.number().int().optional(),
  seq: z.number().int().optional(),
});
export type AuditProblem = z.infer<typeof auditProblemSchema>;

/** The whole log's check: intact or tampered (with what was found), and how many old entries could not be checked. */
export const auditIntegritySchema = z.object({
  status: z.enum(['intact', 'tampered']),
  problems: z.array(auditProblemSchema),
  /** Entries written before the log carried hashes: readable, but not restorable. */
  unverified: z.number().int(),
});
export type AuditIntegrity = z.infer<typeof auditIntegritySchema>;
