import type { Transport } from '@shared/models/app';
import { EventBus } from './core/event-bus';
import type { Logger } from './core/logger';
import { ConnectionManager } from './directory/connection-manager';
import { JobManager } from './jobs/job-manager';
import { PowerShellHistory } from './powershell/powershell-history';
import { PowerShellService } from './powershell/powershell-service';
import { TopologyService } from './topology/topology-service';
import { AuditLog } from './audit/audit-log';
import { ContactsService } from './contacts/contacts-service';
import { OuPermissionsService } from './permissions/ou-permissions-service';
import { EnablementService } from './enablement/enablement-service';
import { RollbackService } from './enablement/rollback/rollback-service';
import { ChecklistService } from './checklist/checklist-service';
import { PlansService } from './plans/plans-service';
import { GatewaySetupService } from './gateways/gateway-setup-service';
import { CapabilitiesService } from './capabilities/capabilities-service';
import { readLabDescriptor, type LabDescriptor } from './profiles/lab-descriptor';
import { ProfileService } from './profiles/profile-service';
import type { SecretVault } from './profiles/secret-vault';
import type { SettingsStore } from './settings/settings-schema';

/** What a transport supplies when it starts the services: its adapters and where data goes. */
export interface ServiceEnvironment {
  transport: Transport;
  settings: SettingsStore;
  vault: SecretVault;
  logger: Logger;
  /** A writable folder for the audit log, job journals and the PowerShell history. */
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  electronVersion?: string;
  /**
   * The lab, when the transport has looked it up (null: none). Left out, the descriptor is read
   * from the environment as for a run from source: the web host and the CLI are never packaged
   * (electron-builder.yml leaves them out); the desktop app decides for itself in main.ts.
   */
  lab?: LabDescriptor | null;
}

/** Every main-process service, wired once per process and shared by all transports. */
export interface AppServices {
  readonly environment: ServiceEnvironment;
  readonly bus: EventBus;
  readonly profiles: ProfileService;
  readonly connections: ConnectionManager;
  readonly jobs: JobManager;
  readonly powershell: PowerShellService;
  readonly topology: TopologyService;
  readonly audit: AuditLog;
  readonly contacts: ContactsService;
  readonly permissions: OuPermissionsService;
  readonly enablement: EnablementService;
  readonly rollback: RollbackService;
  readonly checklist: ChecklistService;
  readonly gateways: GatewaySetupService;
  readonly plans: PlansService;
  readonly capabilities: CapabilitiesService;
  readonly lab: LabDescriptor | undefined;
  shutdown(): Promise<void>;
}

export function createServices(environment: ServiceEnvironment): AppServices {
  const env = environment.env ?? process.env;
  const lab = environment.lab === null ? undefined : (environment.lab ?? readLabDescriptor(env, { packaged: false }));
  const bus = new EventBus();
  const profiles = new ProfileService(environment.settings, environment.vault, lab, env);
  const connections = new ConnectionManager(profiles, bus);
  const capabilities = new CapabilitiesService(connections);
  const jobs = new JobManager(bus);
  const powershell = new PowerShellService(profiles, lab, new PowerShellHistory(environment.dataDir, bus), {
    poolSize: positiveInt(env.UMC_PS_POOL_SIZE, 2),
    callTimeoutMs: positiveInt(env.UMC_PS_TIMEOUT_MS, 120_000),
    startTimeoutMs: positiveInt(env.UMC_PS_START_TIMEOUT_MS, 60_000),
    ...(env.UMC_ENDPOINT_RETRY_MS ? { endpointRetryMs: positiveInt(env.UMC_ENDPOINT_RETRY_MS, 60_000) } : {}),
    healthCheckAfterMs: 60_000,
    env,
  });
  connections.onClose((profile) => powershell.closeProfile(profile));
  const topology = new TopologyService(connections, profiles, powershell, bus);
  const audit = new AuditLog(environment.dataDir);
  const contacts = new ContactsService(connections, profiles, topology, powershell, audit);
  const permissions = new OuPermissionsService(connections, powershell, audit);
  contacts.describeOuGrants = (session, ou) => permissions.describeGrants(session, ou);
  const enablement = new EnablementService({
    connections,
    topology,
    powershell,
    jobManager: jobs,
    audit,
    logger: environment.logger,
    dataDir: environment.dataDir,
    bus,
  });
  const rollback = new RollbackService({
    connections,
    topology,
    powershell,
    jobManager: jobs,
    audit,
    logger: environment.logger,
    dataDir: environment.dataDir,
    jobs: enablement,
  });
  const gateways = new GatewaySetupService({ connections, topology, powershell, audit });
  const plans = new PlansService({ connections, topology, contacts, permissions, gateways, enablement });
  const checklist = new ChecklistService({
    connections,
    topology,
    permissions,
    gatewayPlan: (request) => gateways.plan(request),
    capabilities,
    powershell,
    profiles,
    audit,
    dataDir: environment.dataDir,
  });
  return {
    environment,
    bus,
    profiles,
    connections,
    jobs,
    powershell,
    topology,
    audit,
    contacts,
    permissions,
    enablement,
    rollback,
    checklist,
    gateways,
    plans,
    capabilities,
    lab,
    async shutdown() {
      await jobs.cancelAll();
      await connections.closeAll();
      await powershell.shutdown();
    },
  };
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
