import { mkdirSync } from 'node:fs';
import type { Transport } from '@shared/models/app';
import { createServices, type AppServices } from '../services/app-services';
import { createDispatcher, type Dispatch } from '../services/core/dispatch';
import { createConsoleLogger, type Logger } from '../services/core/logger';
import { defaultDataDir } from '../services/core/paths';
import { noVault } from '../services/profiles/secret-vault';
import { createHandlers } from '../services/handlers';
import { createFileSettings } from './file-settings';

const MINIMUM_NODE_MAJOR = 22;

/** Stops early with a clear message on an older Node (npm scripts use the project's own Node 22). */
export function assertNodeVersion(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MINIMUM_NODE_MAJOR) {
    process.stderr.write(
      `UM Integration Console needs Node.js ${MINIMUM_NODE_MAJOR} or later (this is ${process.versions.node}). Run it through npm (npx um-console, npm run web), which uses the project's Node.\n`,
    );
    process.exit(2);
  }
}

/**
 * The services as the web host and the CLI run them: settings in a conf file, no password vault
 * (passwords come from a prompt or the environment and are never written).
 */
export function createNodeServices(
  transport: Exclude<Transport, 'electron'>,
  options: { quiet?: boolean; env?: NodeJS.ProcessEnv } = {},
): {
  services: AppServices;
  dispatch: Dispatch;
  logger: Logger;
} {
  const env = options.env ?? process.env;
  const logger = createConsoleLogger(transport === 'cli' ? 'um-console' : 'web-host', options.quiet);
  const dataDir = defaultDataDir(env);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const services = createServices({ transport, settings: createFileSettings(dataDir, logger), vault: noVault, logger, dataDir, env });
  const dispatch = createDispatcher(createHandlers(services), logger);
  return { services, dispatch, logger };
}
