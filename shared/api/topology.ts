import { z } from 'zod';
import { method } from './method';
import { profileNameSchema } from '../models/profile';
import { topologySchema } from '../models/topology';

export const topologyApi = {
  'topology.get': method(
    z.object({ profiles: z.array(profileNameSchema).max(16).optional(), refresh: z.boolean().default(false) }).strict(),
    topologySchema,
    'The topology of the connected forests (or the named profiles) with its findings.',
  ),
  'topology.object': method(
    z.object({ profile: profileNameSchema, dn: z.string().min(3).max(2048) }).strict(),
    z.object({ dn: z.string(), attributes: z.record(z.string(), z.array(z.string())) }),
    'Every attribute of one directory object, for the raw view.',
  ),
};
