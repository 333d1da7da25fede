import { z } from 'zod';
import { method } from './method';
import { checklistConfirmationSchema, checklistSchema, checklistStepIdSchema } from '../models/checklist';
import { profileNameSchema } from '../models/profile';
import { exportedFileSchema } from '../models/enablement';
import { languageSchema } from '../models/settings';

const scope = { dialPlanDn: z.string().min(3).max(2048).optional(), refresh: z.boolean().default(true) };

export const checklistApi = {
  'checklist.get': method(z.object(scope).strict(), checklistSchema, 'The 11 integration steps, each checked against the directory, for one dial plan or all.'),
  'checklist.confirm': method(
    z.object({ stepId: checklistStepIdSchema, profile: profileNameSchema, note: z.string().trim().max(500).optional() }).strict(),
    checklistConfirmationSchema,
    'Mark a step the console cannot see as confirmed by hand (audited: who, when, note).',
  ),
  'checklist.unconfirm': method(
    z.object({ stepId: checklistStepIdSchema, profile: profileNameSchema }).strict(),
    z.object({ removed: z.boolean() }),
    'Withdraw a confirmation (audited).',
  ),
  'checklist.report': method(
    z.object({ ...scope, language: languageSchema }).strict(),
    exportedFileSchema,
    'The checklist as a self-contained HTML report for a change ticket.',
  ),
};
