import { z } from 'zod';
import { method } from './method';
import { gatewayApplyResultSchema, gatewayPlanSchema } from '../models/gateways';
import { profileNameSchema } from '../models/profile';

export const gatewaysApi = {
  'gateways.plan': method(
    z.object({ profile: profileNameSchema }).strict(),
    gatewayPlanSchema,
    'What exchucutil.ps1 would change: UM IP gateways per Lync pool, hunt groups per SIP dial plan, read permissions for Lync — each item missing, present or blocked.',
  ),
  'gateways.apply': method(
    z.object({ profile: profileNameSchema }).strict(),
    gatewayApplyResultSchema,
    'Create only what is missing (never deletes, never turns outcalls back on), report every item, then re-read the result.',
  ),
};
