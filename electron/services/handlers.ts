import { appInfoSchema } from '@shared/models/app';
import { ApiError } from '@shared/errors';
import { version as appVersion, productName } from '../../package.json';
import type { AppServices } from './app-services';
import type { HandlerTable } from './core/dispatch';

/**
 * The one handler table: every API method, implemented once on top of the services and carried
 * unchanged by Electron IPC, the web host and the CLI.
 */
export function createHandlers(services: AppServices): HandlerTable {
  const { profiles, connections, jobs, powershell, topology, contacts, permissions, enablement, checklist, capabilities, environment } = services;
  const { settings } = environment;
  return {
    'app.info': async () =>
      appInfoSchema.parse({
        name: productName,
        version: appVersion,
        transport: environment.transport,
        platform: process.platform,
        nodeVersion: process.versions.node,
        electronVersion: environment.electronVersion,
        canRememberSecrets: environment.vault.canPersist,
        labAvailable: services.lab !== undefined,
      }),
    'settings.getUi': async () => settings.read().ui,
    'settings.setUi': async (patch) => {
      const next = settings.update((s) => ({ ...s, ui: { ...s.ui, ...patch } })).ui;
      services.bus.emit('settings.changed', next);
      return next;
    },

    'profiles.list': async () => profiles.list(),
    'profiles.save': async (profile) => profiles.save(profile),
    'profiles.delete': async ({ name }) => {
      await connections.disconnect(name);
      return { deleted: profiles.delete(name) };
    },
    'profiles.forgetSecret': async ({ name }) => ({ forgotten: profiles.forgetSecret(name) }),

    'connections.list': async () => connections.list(),
    'connections.connect': async ({ profile, password, remember }) => connections.connect(profile, password, remember),
    'connections.disconnect': async ({ profile }) => connections.disconnect(profile),
    'connections.capabilities': async () => capabilities.list(),

    'jobs.list': async () => jobs.list(),
    'jobs.pause': async ({ jobId }) => jobs.pause(jobId),
    'jobs.resume': async ({ jobId }) => jobs.resume(jobId),
    'jobs.cancel': async ({ jobId }) => jobs.cancel(jobId),

    'powershell.history': async ({ limit }) => powershell.history.list(limit),
    'powershell.clearHistory': async () => {
      powershell.history.clear();
      return { cleared: true };
    },
    'powershell.status': async () => powershell.status(),
    'powershell.shells': async () => powershell.shells(),
    'topology.get': async ({ profiles: names, refresh }) => topology.get({ profiles: names, refresh }),
    'topology.object': async ({ profile, dn }) => topology.rawObject(profile, dn),

    'contacts.list': async ({ refresh }) => contacts.list(refresh),
    'contacts.options': async () => contacts.options(),
    'contacts.shape': async (input) => contacts.shape(input),
    'contacts.check': async (input) => contacts.check(input),
    'contacts.create': async (input) => contacts.create(input),
    'contacts.update': async (input) => contacts.update(input),
    'contacts.move': async (input) => contacts.move(input),
    'contacts.delete': async (input) => contacts.delete(input),
    'contacts.createOu': async ({ profile, parentDn, name }) => contacts.createOu(profile, parentDn, name),

    'permissions.ous': async ({ profile }) => permissions.ous(profile),
    'permissions.preview': async ({ profile, ou, types, action }) => permissions.preview(profile, ou, types, action),
    'permissions.grant': async ({ profile, ou, types, route, children, daclVersion }) => permissions.grant(profile, ou, types, route, children, daclVersion),
    'permissions.revoke': async ({ profile, ou, types, route, daclVersion }) => permissions.revoke(profile, ou, types, route, daclVersion),
    'permissions.test': async ({ profile, ou, types }) => permissions.test(profile, ou, types),
    'permissions.scan': async ({ profile, base, types }) => permissions.scan(profile, base, types),
    'permissions.history': async ({ ou, limit }) => ({ entries: permissions.history(ou, limit), integrity: permissions.auditIntegrity() }),
    'permissions.restorePreview': async ({ auditId, profile }) => permissions.restorePreview(auditId, profile),
    'permissions.restore': async ({ auditId, force, profile, daclVersion }) => permissions.restore(auditId, force, profile, daclVersion),
    'checklist.get': async ({ dialPlanDn, refresh }) => checklist.get({ ...(dialPlanDn ? { dialPlanDn } : {}), refresh }),
    'checklist.confirm': async (input) => checklist.confirm(input),
    'checklist.unconfirm': async (input) => checklist.unconfirm(input),
    'checklist.report': async ({ dialPlanDn, refresh, language }) => checklist.report({ ...(dialPlanDn ? { dialPlanDn } : {}), refresh }, language),

    'enablement.import': async (input) => enablement.import(input),
    'enablement.validate': async ({ until, ...input }) => enablement.startValidation(input, until),
    'enablement.validation': async ({ importId }) => enablement.validation(importId),
    'enablement.cancelValidation': async ({ importId }) => enablement.cancelValidation(importId),
    'enablement.rows': async (input) => enablement.rows(input),
    'enablement.edit': async (input) => enablement.edit(input),
    'enablement.start': async (input) => enablement.start(input),
    'enablement.job': async ({ jobId }) => enablement.job(jobId),
    'enablement.export': async ({ jobId, format }) => enablement.export(jobId, format),
    'enablement.afterDryRun': async (input) => ({ lines: enablement.afterDryRun(input) }),
    'enablement.session': async () => enablement.session(),
    'enablement.unfinished': async () => enablement.unfinished().map(({ fileHash: _hash, ...job }) => job),
    'enablement.finished': async ({ limit }) => services.rollback.finished(limit),
    'enablement.rollbackPreview': async ({ jobId }) => services.rollback.preview(jobId),
    'enablement.rollback': async (input) => services.rollback.start(input),
    'gateways.plan': async (request) => services.gateways.plan(request),
    'gateways.apply': async (request) => services.gateways.apply(request),
    'plans.export': async ({ request, language }) => services.plans.export(request, language),
    'plans.check': async ({ content, secrets }) => services.plans.check(content, secrets),
    'plans.apply': async ({ content, secrets }) => services.plans.apply(content, secrets),

    'powershell.test': async ({ profile, target }) => {
      const started = Date.now();
      const probe = target === 'exchange' ? 'Get-UMDialPlan' : 'Get-CsPool';
      try {
        const output = await powershell.invoke(profile, target, probe, {});
        const status = powershell.status().find((s) => s.profile === profile && s.target === target);
        const shell = status?.shell;
        const ran = shell ? ` in ${shell.kind === 'windows-powershell' ? 'Windows PowerShell' : 'PowerShell'} ${shell.version ?? ''} (${shell.path})` : '';
        return {
          ok: true,
          endpoint: status?.endpoint ?? '',
          durationMs: Date.now() - started,
          message: `${probe} returned ${output.length} object(s)${ran}.`,
          shell,
        };
      } catch (error) {
        if (!(error instanceof ApiError) || error.code === 'INTERNAL') throw error;
        return { ok: false, endpoint: '', durationMs: Date.now() - started, message: error.message };
      }
    },
  };
}
