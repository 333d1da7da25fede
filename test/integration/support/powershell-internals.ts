import type { ShellTarget } from '@shared/models/powershell';
import type { AppServices } from '../../../electron/services/app-services';
import type { BridgeEndpoint } from '../../../electron/services/powershell/powershell-session';

/** What a test reads of a running session past its private fields: its node-powershell shell and its ping. */
interface SessionInternals {
  shell: { history: unknown[] };
  ping: (timeoutMs: number) => Promise<boolean>;
}

/** Every running session of the services, for tests that inspect what node-powershell holds. */
export function runningSessions(services: AppServices): SessionInternals[] {
  const pools = (services.powershell as unknown as { pools: Map<string, { pool: { sessions: SessionInternals[] } }> }).pools;
  return [...pools.values()].flatMap(({ pool }) => pool.sessions);
}

/** The endpoint (credential included) the service would send in a profile's Initialize request, for tests that talk to the bridge directly. */
export function bridgeEndpoint(services: AppServices, profile: string, target: ShellTarget): BridgeEndpoint {
  const service = services.powershell as unknown as { endpointFor: (profile: unknown, target: ShellTarget) => BridgeEndpoint };
  return service.endpointFor(services.profiles.get(profile), target);
}
