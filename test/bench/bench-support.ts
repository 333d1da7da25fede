import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSettings } from '../../electron/adapters/file-settings';
import { createServices, type AppServices } from '../../electron/services/app-services';
import { readLabDescriptor } from '../../electron/services/profiles/lab-descriptor';
import { noVault } from '../../electron/services/profiles/secret-vault';
import { labLocationEnv } from '../lab/lab-config';

/**
 * Services against the running lab, as the web host builds them, told where the lab is (the
 * console has no default); benchmarks print JSON only.
 */
export function benchServices(env: NodeJS.ProcessEnv = { ...process.env, ...labLocationEnv() }): AppServices {
  const lab = readLabDescriptor(env, { packaged: false });
  if (!lab) throw new Error('The lab is not up: npm run lab -- up');
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const dataDir = mkdtempSync(join(tmpdir(), 'umc-bench-'));
  return createServices({ transport: 'cli', settings: createFileSettings(dataDir, quiet), vault: noVault, logger: quiet, dataDir, env, lab });
}

export function printResult(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
