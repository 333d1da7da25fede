import { z } from 'zod';
import { method } from './method';
import {
  contactCheckResultSchema,
  contactCheckSchema,
  contactCreateSchema,
  contactDeleteSchema,
  contactItemSchema,
  contactMoveSchema,
  contactOptionsSchema,
  contactShapePreviewSchema,
  contactShapeRequestSchema,
  contactUpdateSchema,
  contactWriteResultSchema,
} from '../models/contacts';
import { profileNameSchema } from '../models/profile';

export const contactsApi = {
  'contacts.list': method(
    z.object({ refresh: z.boolean().default(false) }).strict(),
    z.array(contactItemSchema),
    'Every SA/AA contact in the connected forests, with its problems.',
  ),
  'contacts.options': method(z.object({}).strict(), contactOptionsSchema, 'What the create form offers: OUs, pools, dial plans, auto attendants.'),
  'contacts.shape': method(
    contactShapeRequestSchema.strict(),
    contactShapePreviewSchema,
    "What creating a contact like an existing one would write differently from the console's recipe.",
  ),
  'contacts.check': method(
    contactCheckSchema.strict(),
    contactCheckResultSchema,
    "What a contact's values would be warned of or refused for, before anything is written.",
  ),
  'contacts.create': method(contactCreateSchema.strict(), contactWriteResultSchema, 'Create an SA or AA contact (LDAP or New-CsExUmContact).'),
  'contacts.update': method(
    contactUpdateSchema.strict(),
    contactWriteResultSchema,
    "Change a contact's name, SIP address, number or pool, if it is unchanged since loaded.",
  ),
  'contacts.move': method(contactMoveSchema.strict(), contactWriteResultSchema, 'Move a contact to another OU and/or pool.'),
  'contacts.delete': method(contactDeleteSchema.strict(), contactWriteResultSchema, 'Delete a contact, if it is unchanged since loaded.'),
  'contacts.createOu': method(
    z.object({ profile: profileNameSchema, parentDn: z.string().min(3).max(2048), name: z.string().trim().min(1).max(64) }).strict(),
    z.object({ dn: z.string(), path: z.string() }),
    'Create an organizational unit for contacts (the OU picker\'s "new OU").',
  ),
};
