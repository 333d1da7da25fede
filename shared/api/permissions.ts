import { z } from 'zod';
import { method } from './method';
import { auditIntegritySchema } from '../models/audit';
import {
  ouNodeSchema,
  ouObjectTypeSchema,
  permissionHistoryEntrySchema,
  permissionPreviewSchema,
  permissionScanSchema,
  permissionTestSchema,
  permissionWriteResultSchema,
  restorePreviewSchema,
} from '../models/permissions';
import { profileNameSchema } from '../models/profile';

const dn = z.string().min(3).max(2048);
const types = z.array(ouObjectTypeSchema).min(1).max(6);
const route = z.enum(['ldap', 'powershell']).default('ldap');
/** The preview's daclVersion: the write is refused (CONFLICT) if the OU's DACL changed since that preview. */
const daclVersion = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .optional();

export const permissionsApi = {
  'permissions.ous': method(z.object({ profile: profileNameSchema }).strict(), z.array(ouNodeSchema), "The domain's OUs, with which ones block inheritance."),
  'permissions.preview': method(
    z.object({ profile: profileNameSchema, ou: dn, types, action: z.enum(['grant', 'revoke']) }).strict(),
    permissionPreviewSchema,
    "Exactly which entries a grant would add or a revoke remove, beside the OU's DACL.",
  ),
  'permissions.grant': method(
    z.object({ profile: profileNameSchema, ou: dn, types, route, children: z.array(dn).max(200).optional(), daclVersion }).strict(),
    permissionWriteResultSchema,
    'Grant-CsOUPermission: add what is not allowed yet (idempotent); `children` grants OUs below that block inheritance in the same step.',
  ),
  'permissions.revoke': method(
    z.object({ profile: profileNameSchema, ou: dn, types, route, daclVersion }).strict(),
    permissionWriteResultSchema,
    'Revoke-CsOUPermission: remove the entries that are part of the grant; broader delegations stay.',
  ),
  'permissions.test': method(
    z.object({ profile: profileNameSchema, ou: dn, types }).strict(),
    permissionTestSchema,
    'Test-CsOUPermission per type, by what the entries allow: granted, partly granted (what is missing) or not granted; with the blocked-inheritance OUs below.',
  ),
  'permissions.scan': method(z.object({ profile: profileNameSchema, base: dn, types }).strict(), permissionScanSchema, 'Test every OU of a subtree.'),
  'permissions.history': method(
    z.object({ ou: dn.optional(), limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    z.object({ entries: z.array(permissionHistoryEntrySchema), integrity: auditIntegritySchema }),
    'Changes made to OU permissions, newest first, each with its integrity check and the undo that reverted it, and whether the audit log as a whole is as the console wrote it.',
  ),
  'permissions.restorePreview': method(
    z.object({ auditId: z.string().min(1).max(64), profile: profileNameSchema.optional() }).strict(),
    restorePreviewSchema,
    'What undoing an audited change would do, as access entries: what it puts back and takes away, and what changed on the OU since that change.',
  ),
  'permissions.restore': method(
    z
      .object({
        auditId: z.string().min(1).max(64),
        /** The profile to act as (default: the one that made the change); it must be in the OU's forest. */
        profile: profileNameSchema.optional(),
        /** The undo preview's daclVersion: refused (CONFLICT) if the OU's DACL changed since that preview. */
        daclVersion,
        /** Undo even though the OU changed after that entry (the preview lists what else that reverts). */
        force: z.boolean().default(false),
      })
      .strict(),
    permissionWriteResultSchema,
    'Put back the DACL an audited change replaced: only from an entry whose integrity checks out, only on an OU or container; refused if the OU changed after that entry unless forced, or since the undo preview.',
  ),
};
