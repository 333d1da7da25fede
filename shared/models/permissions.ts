import { z } from 'zod';
import { actorSchema, auditRecordSchema } from './audit';

export const ouObjectTypeSchema = z.enum(['User', 'Computer', 'Contact', 'AppContact', 'InetOrgPerson', 'Device']);
export type OuObjectTypeName = z.infer<typeof ouObjectTypeSchema>;

/** One access entry as an admin reads it (and as SDDL, for the exact form). */
export const aceViewSchema = z.object({
  key: z.string(),
  kind: z.enum(['allow', 'deny', 'audit', 'other']),
  trustee: z.string(),
  sid: z.string(),
  /** SDDL right codes (RP, WP, CR, …); the UI names them in the admin's language. */
  rights: z.array(z.string()),
  /** The property set, extended right, attribute or class the entry is about. */
  object: z.string().optional(),
  /** Where it applies: this object only, this object and all below, everything below, or objects of one class below. */
  appliesTo: z.enum(['this', 'this-and-descendants', 'descendants', 'descendants-of-class']),
  appliesToClass: z.string().optional(),
  inherited: z.boolean(),
  sddl: z.string(),
});
export type AceView = z.infer<typeof aceViewSchema>;

export const ouNodeSchema = z.object({ dn: z.string(), name: z.string(), path: z.string(), parentDn: z.string(), protected: z.boolean() });
export type OuNode = z.infer<typeof ouNodeSchema>;

export const permissionWarningSchema = z.object({
  code: z.enum(['inheritance-off', 'child-blocks-inheritance', 'broader-entries-remain', 'deny-in-the-way']),
  params: z.record(z.string(), z.string()),
});

export const typeStatusSchema = z.object({ type: ouObjectTypeSchema, status: z.enum(['granted', 'partial', 'not-granted']), missing: z.array(aceViewSchema) });

/** An OU below the one tested or granted whose inheritance is blocked: a grant does not reach it, so it has its own state. */
export const blockedChildSchema = z.object({
  ou: ouNodeSchema,
  types: z.array(typeStatusSchema.omit({ missing: true }).extend({ missingCount: z.number().int() })),
  /** In a grant preview: how many entries granting it in the same step would add. */
  changes: z.number().int().optional(),
  /** In a grant preview: the same grant of it in the Lync shell. */
  commands: z.array(z.string()).optional(),
});
export type BlockedChild = z.infer<typeof blockedChildSchema>;

export const permissionPreviewSchema = z.object({
  ou: ouNodeSchema,
  action: z.enum(['grant', 'revoke']),
  types: z.array(ouObjectTypeSchema),
  /** The OU's DACL now. */
  current: z.array(aceViewSchema),
  /** What the action adds (grant) or removes (revoke). */
  changes: z.array(aceViewSchema),
  /** Recipe entries already in place (grant) or still needed by other granted types (revoke). */
  unchanged: z.array(aceViewSchema),
  /** Revoke: merged entries that also carry other rights, rewritten to keep only those. */
  rewrites: z.array(z.object({ from: aceViewSchema, to: aceViewSchema })),
  /** Revoke: broader entries left alone (a hand delegation, or inherited) that still allow part of what is revoked. */
  broader: z.array(aceViewSchema),
  /** The same action in the Lync shell. */
  commands: z.array(z.string()),
  warnings: z.array(permissionWarningSchema),
  /** Grant: OUs below with inheritance blocked, which the admin can grant in the same step. */
  blockedChildren: z.array(blockedChildSchema),
  /** A fingerprint of the DACL the preview was made from; the grant or revoke sends it back and is refused if the DACL changed since. */
  daclVersion: z.string(),
  /** Whether the account previewing may change this OU's permissions ("Modify permissions", from AD's sDRightsEffective [S41]). */
  writable: z.boolean(),
});
export type PermissionPreview = z.infer<typeof permissionPreviewSchema>;

export const permissionTestSchema = z.object({
  ou: ouNodeSchema,
  types: z.array(typeStatusSchema),
  warnings: z.array(permissionWarningSchema),
  blockedChildren: z.array(blockedChildSchema),
  /** Whether the account testing may change this OU's permissions, so a grant is marked before the admin picks types [S41]. */
  writable: z.boolean(),
});
export type PermissionTest = z.infer<typeof permissionTestSchema>;

export const permissionScanSchema = z.object({
  base: z.string(),
  ous: z.array(z.object({ ou: ouNodeSchema, types: z.array(typeStatusSchema.omit({ missing: true }).extend({ missingCount: z.number().int() })) })),
  warnings: z.array(permissionWarningSchema),
});
export type PermissionScan = z.infer<typeof permissionScanSchema>;

const writeResultSchema = z.object({
  route: z.enum(['ldap', 'powershell']),
  ou: z.string(),
  /** Who the change was made as; its audit entry names the same. */
  actor: actorSchema,
  /** Entries added or removed; empty when there was nothing to do (nothing was written). */
  changed: z.array(aceViewSchema),
  auditId: z.string().optional(),
  commands: z.array(z.string()),
  sddlBefore: z.string(),
  sddlAfter: z.string(),
});
export const permissionWriteResultSchema = writeResultSchema.extend({
  /** OUs below with inheritance blocked that were granted in the same step, each written and audited on its own. */
  children: z.array(writeResultSchema).optional(),
});
export type PermissionWriteResult = z.infer<typeof permissionWriteResultSchema>;

/** A permissions change in the OU's history, with the later undo of it, if any. */
export const permissionHistoryEntrySchema = auditRecordSchema.extend({
  undoneBy: z.object({ id: z.string(), at: z.string(), actor: actorSchema }).optional(),
});
export type PermissionHistoryEntry = z.infer<typeof permissionHistoryEntrySchema>;

/**
 * What undoing an audited change would do, read before anything is written: the OU's explicit
 * entries now and after the undo, the entries it puts back and takes away, and — when the OU was
 * changed after that entry — exactly what else the undo would revert.
 */
export const restorePreviewSchema = z.object({
  auditId: z.string(),
  /** The change being undone: when, what, by whom. */
  entry: z.object({ at: z.string(), action: z.string(), actor: actorSchema, types: z.array(z.string()) }),
  ou: ouNodeSchema,
  /** The OU's explicit entries now, and as the undo leaves them (inherited entries come from the parent, unchanged). */
  now: z.array(aceViewSchema),
  after: z.array(aceViewSchema),
  /** In the DACL the change replaced and not there now: the undo adds them back. */
  putBack: z.array(aceViewSchema),
  /** There now and not in the DACL the change replaced: the undo removes them. */
  takenAway: z.array(aceViewSchema),
  /** Inheritance from the parent now and after the undo (off = the DACL is protected). */
  inheritance: z.object({ now: z.boolean(), after: z.boolean() }),
  /** Set when the OU changed after that entry: entries added or removed since, which the undo would also revert. */
  changedSince: z.object({ added: z.array(aceViewSchema), removed: z.array(aceViewSchema) }).optional(),
  /** The entry was undone already. */
  undoneBy: permissionHistoryEntrySchema.shape.undoneBy,
  /** The DACL this preview was made from; the undo is refused (CONFLICT) if it changes before the write. */
  daclVersion: z.string(),
  /** Whether the acting account may change this OU's permissions [S41]. */
  writable: z.boolean(),
  /** Who the undo will be made as. */
  actor: actorSchema,
});
export type RestorePreview = z.infer<typeof restorePreviewSchema>;
