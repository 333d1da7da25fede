import { z } from 'zod';
import { method } from './method';
import { checklistSchema } from '../models/checklist';
import { exportedFileSchema } from '../models/enablement';
import { languageSchema } from '../models/settings';

const scope = { dialPlanDn: z.string().min(3).max(2048).optional(), refresh: z.boolean().default(true) };

export const checklistApi = {
  'checklist.get': method(z.object(scope).strict(), checklistSchema, 'The 11 integration steps, each checked against the directory, for one dial plan or all.'),
  'checklist.report': method(z.object({ ...scope, language: languageSchema }).strict(), exportedFileSchema, 'The checklist as a self-contained HTML report for a change ticket.'),
};
