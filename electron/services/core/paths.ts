import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the web host and CLI keep settings, the audit log and job journals: UMC_DATA_DIR, else
 * the platform's per-user config folder. The Electron app uses its userData folder instead.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.UMC_DATA_DIR) return env.UMC_DATA_DIR;
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'UM Integration Console');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'um-integration-console');
}
