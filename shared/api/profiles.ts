import { z } from 'zod';
import { method } from './method';
import { profileNameSchema, profileSchema, profileSummarySchema } from '../models/profile';
import { connectionStateSchema } from '../models/connection';
import { profileCapabilitiesSchema } from '../models/capabilities';

export const profilesApi = {
  'profiles.list': method(z.object({}).strict(), z.array(profileSummarySchema), 'Saved and built-in connection profiles, without secrets.'),
  'profiles.save': method(profileSchema.strict(), profileSummarySchema, 'Create or replace a saved profile (built-in lab profiles cannot be changed).'),
  'profiles.delete': method(
    z.object({ name: profileNameSchema }).strict(),
    z.object({ deleted: z.boolean() }),
    'Delete a saved profile and its stored secret.',
  ),
  'profiles.forgetSecret': method(
    z.object({ name: profileNameSchema }).strict(),
    z.object({ forgotten: z.boolean() }),
    'Remove a remembered password from the vault.',
  ),

  'connections.list': method(z.object({}).strict(), z.array(connectionStateSchema), 'Every profile that is connected or was tried this session.'),
  'connections.connect': method(
    z
      .object({
        profile: profileNameSchema,
        /** Typed by the admin; used for this session and, with remember, sealed in the vault. */
        password: z.string().min(1).max(1024).optional(),
        remember: z.boolean().default(false),
      })
      .strict(),
    connectionStateSchema,
    "Bind to the profile's DC and read its RootDSE.",
  ),
  'connections.disconnect': method(
    z.object({ profile: profileNameSchema }).strict(),
    connectionStateSchema,
    "Close the profile's directory and PowerShell sessions.",
  ),
  'connections.capabilities': method(
    z.object({}).strict(),
    z.array(profileCapabilitiesSchema),
    'Per connected profile (account and forest): whether it holds what each write the console makes needs, from its groups and the rights Microsoft names.',
  ),
};
