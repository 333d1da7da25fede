import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const cli = join(import.meta.dirname, '../../../out/main/cli.js');

/** The variables that locate the lab (set by support/lab-location.ts), passed through so the CLI finds the same lab as the tests. */
function labEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(['UMC_LAB_DIR', 'UMC_LAB_STATE'].flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
}

/** Runs the built um-console as an admin's script would, with its own settings folder. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): { status: number; stdout: string; stderr: string; json: () => unknown } {
  if (!existsSync(cli)) throw new Error('The CLI is not built: run npm run build (npm test does this).');
  const result = spawnSync(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...labEnvironment(), ...env },
    encoding: 'utf8',
    input,
    timeout: 120_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, json: () => JSON.parse(result.stdout) };
}

/** Starts the built um-console in the background (to be killed mid-job), with the same environment as runCli. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  if (!existsSync(cli)) throw new Error('The CLI is not built: run npm run build (npm test does this).');
  return spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...labEnvironment(), ...env }, stdio: 'ignore' });
}
