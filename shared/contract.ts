import { z } from 'zod';
import { appApi } from './api/app';
import { contactsApi } from './api/contacts';
import { permissionsApi } from './api/permissions';
import { enablementApi } from './api/enablement';
import { checklistApi } from './api/checklist';
import { gatewaysApi } from './api/gateways';
import { plansApi } from './api/plans';
import { jobsApi } from './api/jobs';
import { powershellApi } from './api/powershell';
import { profilesApi } from './api/profiles';
import { topologyApi } from './api/topology';
import { connectionStateSchema } from './models/connection';
import { validationStatusSchema } from './models/enablement';
import { jobProgressSchema } from './models/jobs';
import { psHistoryEntrySchema } from './models/powershell';
import { uiPreferencesSchema } from './models/settings';

/**
 * The one API contract. Main implements it once (electron/services/handlers.ts); Electron IPC,
 * the web host and the CLI carry it; the renderer calls it through renderer/src/api.
 */
export const api = {
  ...appApi,
  ...profilesApi,
  ...jobsApi,
  ...powershellApi,
  ...topologyApi,
  ...contactsApi,
  ...permissionsApi,
  ...enablementApi,
  ...checklistApi,
  ...gatewaysApi,
  ...plansApi,
};

export type Api = typeof api;
export type MethodName = keyof Api;
export type MethodInput<M extends MethodName> = z.input<Api[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Api[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Api[M]['output']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(api, name);
}

/** Events main pushes to every window / web client. */
export const events = {
  'connection.changed': connectionStateSchema,
  'job.progress': jobProgressSchema,
  /** How far the validation of an import got (after each chunk, and when it ends). */
  'enablement.validation': validationStatusSchema,
  'settings.changed': uiPreferencesSchema,
  'powershell.command': psHistoryEntrySchema,
  /** Something changed the directory objects the topology shows (a contact, a gateway). */
  'topology.changed': z.object({ reason: z.string() }),
};

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
