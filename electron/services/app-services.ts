import type { Transport } from '@shared/models/app';
import { EventBus } from './core/event-bus';
import type { Logger } from './core/logger';
import { ConnectionManager } from './directory/connection-manager';
import { JobManager } from './jobs/job-manager';
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
  /** Overrides the lab descriptor lookup (tests). */
  lab?: LabDescriptor | null;
}

/** Every main-process service, wired once per process and shared by all transports. */
export interface AppServices {
  readonly environment: ServiceEnvironment;
  readonly bus: EventBus;
  readonly profiles: ProfileService;
  readonly connections: ConnectionManager;
  readonly jobs: JobManager;
  readonly lab: LabDescriptor | undefined;
  shutdown(): Promise<void>;
}

export function createServices(environment: ServiceEnvironment): AppServices {
  const env = environment.env ?? process.env;
  const lab = environment.lab === null ? undefined : (environment.lab ?? readLabDescriptor(env));
  const bus = new EventBus();
  const profiles = new ProfileService(environment.settings, environment.vault, lab, env);
  const connections = new ConnectionManager(profiles, bus);
  const jobs = new JobManager(bus);
  return {
    environment,
    bus,
    profiles,
    connections,
    jobs,
    lab,
    async shutdown() {
      await jobs.cancelAll();
      await connections.closeAll();
    },
  };
}
