import { z } from 'zod';
import { umContactSchema } from './topology';
import { actorSchema } from './audit';
import { profileNameSchema } from './profile';

export const contactProblemCodes = [
  'target-missing',
  'target-other-forest',
  'pool-missing',
  'duplicate-number',
  'duplicate-sip',
  'kind-unknown',
  'lync-dial-plan-name-mismatch',
  'not-enterprise-voice',
  'hosted-shape',
] as const;

/** Something wrong with one SA/AA contact; texts from the shared contacts locale by code. */
export const contactProblemSchema = z.object({
  code: z.enum(contactProblemCodes),
  severity: z.enum(['error', 'warning', 'info']),
  params: z.record(z.string(), z.string()),
});
export type ContactProblem = z.infer<typeof contactProblemSchema>;

export const contactItemSchema = umContactSchema.extend({
  /** The profile that reaches the contact's forest (edits go through it). */
  profile: z.string(),
  /** uSNChanged when read: an edit is refused if the contact changed since. */
  version: z.string(),
  problems: z.array(contactProblemSchema),
});
export type ContactItem = z.infer<typeof contactItemSchema>;

export const contactRouteSchema = z.enum(['ldap', 'powershell']);
export type ContactRoute = z.infer<typeof contactRouteSchema>;

export const contactOptionsSchema = z.object({
  forests: z.array(
    z.object({
      profile: z.string(),
      forest: z.string(),
      ous: z.array(z.object({ dn: z.string(), path: z.string() })),
      /** Where a contact may be homed: Standard Edition servers and Front End pools of Lync 2010/2013 (S1, S25). */
      pools: z.array(z.object({ fqdn: z.string(), kind: z.string(), product: z.string() })),
      /** Working SA/AA contacts a new one can be modelled on ("create like this one"). */
      templates: z.array(z.object({ dn: z.string(), name: z.string(), kind: z.enum(['SA', 'AA']), sipAddress: z.string() })),
      sipDomain: z.string(),
      powershell: z.boolean(),
    }),
  ),
  dialPlans: z.array(
    z.object({
      dn: z.string(),
      name: z.string(),
      forest: z.string(),
      uriType: z.string(),
      phoneContext: z.string().optional(),
      accessNumbers: z.array(z.string()),
      /** OcsUmUtil's check: before Exchange 2010 SP1 a Lync dial plan must be named as the phone context. */
      nameCheck: z.object({ applies: z.boolean(), satisfied: z.boolean().optional(), servers: z.string() }),
    }),
  ),
  autoAttendants: z.array(
    z.object({ dn: z.string(), name: z.string(), forest: z.string(), dialPlan: z.string().optional(), pilotNumbers: z.array(z.string()) }),
  ),
});
export type ContactOptions = z.infer<typeof contactOptionsSchema>;

const sip = z.string().min(5).max(320);
const phone = z.string().min(2).max(32);
const name = z.string().trim().min(1).max(64);

export const contactCreateSchema = z.object({
  profile: profileNameSchema,
  kind: z.enum(['SA', 'AA']),
  /** The dial plan (SA) or auto attendant (AA). */
  targetDn: z.string().min(3).max(2048),
  name,
  sipAddress: sip,
  phoneNumber: phone,
  poolFqdn: z.string().min(1).max(253),
  ouDn: z.string().min(3).max(2048),
  route: contactRouteSchema.default('ldap'),
  /** Model the new contact on this existing one's attribute shape (LDAP route only). */
  likeDn: z.string().min(3).max(2048).optional(),
});
export type ContactCreate = z.infer<typeof contactCreateSchema>;

/** The new contact's values and the contact to model it on. */
export const contactShapeRequestSchema = contactCreateSchema.omit({ route: true, ouDn: true }).extend({ likeDn: z.string().min(3).max(2048) });
export type ContactShapeRequest = z.infer<typeof contactShapeRequestSchema>;

/** What "create like this one" would write differently from the console's recipe, shown before writing. */
export const contactShapePreviewSchema = z.object({
  template: z.object({ dn: z.string(), name: z.string() }),
  cnForm: z.enum(['guid', 'name']),
  differences: z.array(z.object({ attribute: z.string(), recipe: z.array(z.string()).optional(), learned: z.array(z.string()).optional() })),
  /** Attributes of the template that are not part of a contact's UM shape and are not copied. */
  notCopied: z.array(z.string()),
});
export type ContactShapePreview = z.infer<typeof contactShapePreviewSchema>;

/** The values the admin loaded; a change since is shown field by field on conflict. */
const loaded = z.object({
  name: z.string().optional(),
  sipAddress: z.string().optional(),
  phoneNumber: z.string().optional(),
  poolFqdn: z.string().optional(),
  ou: z.string().optional(),
});

export const contactUpdateSchema = z.object({
  profile: profileNameSchema,
  dn: z.string().min(3).max(2048),
  expectedVersion: z.string().min(1).max(32),
  loaded,
  /** A new pool is a move, as Move-CsExUmContact makes it [S25]. */
  changes: z.object({ name: name.optional(), sipAddress: sip.optional(), phoneNumber: phone.optional(), poolFqdn: z.string().min(1).max(253).optional() }),
  route: contactRouteSchema.default('ldap'),
});
export type ContactUpdate = z.infer<typeof contactUpdateSchema>;

export const contactMoveSchema = z.object({
  profile: profileNameSchema,
  dn: z.string().min(3).max(2048),
  expectedVersion: z.string().min(1).max(32),
  loaded,
  targetOuDn: z.string().min(3).max(2048).optional(),
  targetPoolFqdn: z.string().min(1).max(253).optional(),
  route: contactRouteSchema.default('ldap'),
});
export type ContactMove = z.infer<typeof contactMoveSchema>;

export const contactDeleteSchema = z.object({
  profile: profileNameSchema,
  dn: z.string().min(3).max(2048),
  expectedVersion: z.string().min(1).max(32),
  loaded,
  route: contactRouteSchema.default('ldap'),
});
export type ContactDelete = z.infer<typeof contactDeleteSchema>;

/**
 * What the admin is warned of before a contact is written, and may still go ahead with, because
 * Microsoft allows it (the reasons are with each check in contacts-service.ts). Texts from the
 * contacts locale by code (warnings).
 */
export const contactWarningCodes = [
  'number-not-access-number',
  'number-not-pilot-number',
  'dial-plan-has-sa-contact',
  'auto-attendant-has-aa-contact',
  'sip-dial-plan-unsecured',
  'voip-security-incompatible',
  'lync-dial-plan-name-mismatch',
  'missing-groups',
  'hosted-cmdlet',
] as const;
export const contactWarningSchema = z.object({ code: z.enum(contactWarningCodes), params: z.record(z.string(), z.string()) });
export type ContactWarning = z.infer<typeof contactWarningSchema>;

/** What stops a write because Lync or AD does not allow it; texts from the contacts locale by code (refusals). */
export const contactRefusalCodes = ['sip-taken', 'number-taken', 'name-taken', 'pool-not-allowed'] as const;
export const contactRefusalSchema = z.object({
  code: z.enum(contactRefusalCodes),
  field: z.enum(['name', 'sipAddress', 'phoneNumber', 'poolFqdn']),
  /** The admin's explanation in English (the CLI's and the error's text). */
  message: z.string(),
  params: z.record(z.string(), z.string()),
});
export type ContactRefusal = z.infer<typeof contactRefusalSchema>;

/**
 * A contact's values checked before writing: a new one (kind, target, OU and route as create
 * takes them) or an edit (`dn`, whose own values never count against it).
 */
export const contactCheckSchema = z.object({
  profile: profileNameSchema,
  dn: z.string().min(3).max(2048).optional(),
  kind: z.enum(['SA', 'AA']).optional(),
  targetDn: z.string().min(3).max(2048).optional(),
  name,
  sipAddress: sip,
  phoneNumber: phone,
  poolFqdn: z.string().min(1).max(253).optional(),
  ouDn: z.string().min(3).max(2048).optional(),
  route: contactRouteSchema.default('ldap'),
  likeDn: z.string().min(3).max(2048).optional(),
});
export type ContactCheck = z.infer<typeof contactCheckSchema>;

export const contactCheckResultSchema = z.object({ warnings: z.array(contactWarningSchema), refusals: z.array(contactRefusalSchema) });
export type ContactCheckResult = z.infer<typeof contactCheckResultSchema>;

export const contactWriteResultSchema = z.object({
  route: contactRouteSchema,
  /** The contact after the change (absent after a delete). */
  contact: contactItemSchema.optional(),
  dn: z.string(),
  /** Things the admin should know that did not stop the change (e.g. the dial plan name check). */
  warnings: z.array(contactWarningSchema),
  /** The command line that did it, when the Lync shell did. */
  command: z.string().optional(),
  /** Who it was done as: the acting profile, its account and forest (as the audit entry names it). */
  actor: actorSchema,
});
export type ContactWriteResult = z.infer<typeof contactWriteResultSchema>;
