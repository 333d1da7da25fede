import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSettings } from '../../electron/adapters/file-settings';
import { createServices, type AppServices } from '../../electron/services/app-services';
import { readLabDescriptor } from '../../electron/services/profiles/lab-descriptor';
import { noVault } from '../../electron/services/profiles/secret-vault';

/** Services against the running lab, as the web host builds them; benchmarks print JSON only. */
export function benchServices(env: NodeJS.ProcessEnv = process.env): AppServices {
  const lab = readLabDescriptor(env);
  if (!lab) throw new Error('The lab is not up: npm run lab -- up');
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const dataDir = mkdtempSync(join(tmpdir(), 'umc-bench-'));
  return createServices({ transport: 'cli', settings: createFileSettings(dataDir, quiet), vault: noVault, logger: quiet, dataDir, env, lab });
}

export function printResult(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
