import { z } from 'zod';
import { method } from './method';
import { appInfoSchema } from '../models/app';
import { uiPreferencesSchema } from '../models/settings';

const empty = z.object({}).strict();

export const appApi = {
  'app.info': method(empty, appInfoSchema, 'What is running: version, transport, platform, lab availability.'),
  'settings.getUi': method(empty, uiPreferencesSchema, 'The remembered language and theme.'),
  'settings.setUi': method(uiPreferencesSchema.partial().strict(), uiPreferencesSchema, 'Change and remember the language or theme.'),
};
