import type { AppServices } from '../../../electron/services/app-services';

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
