import { method } from './method';
import { gatewayApplyResultSchema, gatewayPlanSchema, gatewaySetupRequestSchema } from '../models/gateways';

export const gatewaysApi = {
  'gateways.plan': method(
    gatewaySetupRequestSchema.strict(),
    gatewayPlanSchema,
    'What exchucutil.ps1 would change: UM IP gateways per Lync pool, hunt groups per SIP dial plan, read permissions for Lync — each item missing, present or blocked.',
  ),
  'gateways.apply': method(
    gatewaySetupRequestSchema.strict(),
    gatewayApplyResultSchema,
    'Create only what is missing (never deletes; changes outcalls only as chosen), report every item, then re-read the result.',
  ),
};
