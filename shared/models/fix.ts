import { z } from 'zod';
import { ouObjectTypeSchema } from './permissions';

/**
 * Where a problem's fix is done: a screen of the console that can do it, opened already filled in
 * (the contact dialog, gateway setup, an OU-permission grant), or — when the console cannot make
 * the change — the shell commands that do, for the admin to copy ("done elsewhere").
 */
export const fixActionSchema = z.discriminatedUnion('kind', [
  /** A new SA or AA contact for a dial plan or an auto attendant, with the number to use. */
  z.object({
    kind: z.literal('contact'),
    contactKind: z.enum(['SA', 'AA']),
    target: z.object({ dn: z.string(), name: z.string(), forest: z.string() }),
    number: z.string().optional(),
  }),
  /** Gateway setup for one Exchange organisation (by its forest), against the Lync forest it serves. */
  z.object({ kind: z.literal('gateways'), exchangeForest: z.string(), lyncForest: z.string().optional() }),
  /** Grant-CsOUPermission on one OU, for these object types. */
  z.object({ kind: z.literal('grant'), forest: z.string(), ou: z.string(), types: z.array(ouObjectTypeSchema).min(1) }),
  /** Not something the console changes: the commands, in the shell that runs them. */
  z.object({
    kind: z.literal('elsewhere'),
    shell: z.enum(['exchange', 'lync']),
    commands: z.array(z.string()).min(1),
    /** Parameters whose value only the admin can give: the commands hold a '<…>' placeholder there. */
    fillIn: z.array(z.string()).optional(),
  }),
]);
export type FixAction = z.infer<typeof fixActionSchema>;
