import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '../../..');

/** Puts the lab back to its seeded state (a test that changed users leaves nothing behind). */
export function resetLab(): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/lab/lab.ts', 'reset'], { cwd: repo, encoding: 'utf8', env: process.env });
  if (result.status !== 0) throw new Error(`lab reset failed: ${result.stderr}`);
}

/** Stops the contoso DC, keeps it down for downMs, starts it again; resolves when it answers. */
export function bounceDc(downMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/lab/samba-restart.ts', 'contoso', String(downMs)], {
      cwd: repo,
      env: process.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`DC restart failed: ${stderr}`))));
  });
}

/** `npm run lab -- realistic …|off` or `lab exchange down|up <server>`: the lab's Exchange endpoints (test/lab/exchange-endpoints.ts). */
export function labExchange(...args: string[]): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/lab/lab.ts', ...args], { cwd: repo, encoding: 'utf8', env: process.env });
  if (result.status !== 0) throw new Error(`lab ${args.join(' ')} failed: ${result.stderr}`);
}
