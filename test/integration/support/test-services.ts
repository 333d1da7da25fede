import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSettings } from '../../../electron/adapters/file-settings';
import { createServices, type AppServices } from '../../../electron/services/app-services';
import { createDispatcher, type Dispatch } from '../../../electron/services/core/dispatch';
import type { Logger } from '../../../electron/services/core/logger';
import { DirectorySession } from '../../../electron/services/directory/directory-session';
import { createHandlers } from '../../../electron/services/handlers';
import { readLabDescriptor, type LabDescriptor } from '../../../electron/services/profiles/lab-descriptor';
import { noVault } from '../../../electron/services/profiles/secret-vault';

export const quietLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The running lab's descriptor (located by support/lab-location.ts); fails loudly when the lab is not up (run npm run lab -- up). */
export function requireLab(): LabDescriptor {
  const lab = readLabDescriptor(process.env, { packaged: false });
  if (!lab) throw new Error('The lab is not up: run `npm run lab -- up --forests 2` first (npm test does this).');
  return lab;
}

/** Services exactly as the web host builds them, with settings in a fresh temporary folder. */
export function createTestServices(
  env: NodeJS.ProcessEnv = process.env,
  dataDir = mkdtempSync(join(tmpdir(), 'umc-it-')),
): { services: AppServices; dispatch: Dispatch; dataDir: string } {
  const services = createServices({
    transport: 'web',
    settings: createFileSettings(dataDir, quietLogger),
    vault: noVault,
    logger: quietLogger,
    dataDir,
    env,
    lab: requireLab(),
  });
  return { services, dispatch: createDispatcher(createHandlers(services), quietLogger), dataDir };
}

/** A directory session of its own (not the connection manager's) for checking what tests did. */
export async function openLabSession(profile = 'lab'): Promise<DirectorySession> {
  const { services } = createTestServices();
  const session = await DirectorySession.open(services.profiles.get(profile).directory, services.profiles.resolveSecret(profile)!);
  await services.shutdown();
  return session;
}
