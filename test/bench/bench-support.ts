import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSettings } from '../../electron/adapters/file-settings';
import { createServices, type AppServices } from '../../electron/services/app-services';
import { readLabDescriptor, type LabDescriptor } from '../../electron/services/profiles/lab-descriptor';
import { LAB_PASSWORD } from '../../electron/services/profiles/lab-profiles';
import { findPwsh } from '../../electron/services/powershell/pwsh-locations';
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

/**
 * The admin's loop the console is measured against: one pwsh, one lab session as lab-exchadmin,
 * `Import-Csv | ForEach-Object { Enable-UMMailbox @row }`, timed inside pwsh. `connect` adds
 * Connect-UmLab parameters (e.g. the Exchange server the session stands in for).
 */
export function plainEnableLoop(lab: LabDescriptor, csvPath: string, connect = ''): { seconds: number; failed: number } {
  return plainCsvLoop(
    lab,
    csvPath,
    `$row = @{ Identity = $_.Identity; UMMailboxPolicy = $_.UMMailboxPolicy; Extensions = $_.Extensions; SIPResourceIdentifier = $_.SIPResourceIdentifier }
  $null = Enable-UMMailbox @row -ErrorVariable problem 2>$null`,
    connect,
  );
}

/** The same loop with another cmdlet call per row (`perRow` sets $problem through -ErrorVariable). */
export function plainCsvLoop(lab: LabDescriptor, csvPath: string, perRow: string, connect = ''): { seconds: number; failed: number } {
  const script = `
$ErrorActionPreference = 'Continue'
Import-Module '${lab.modulePath}'
$cred = [pscredential]::new('lab-exchadmin@contoso.test', (ConvertTo-SecureString $env:BENCH_PASSWORD -AsPlainText -Force))
Connect-UmLab -Server ${lab.forests[0]!.host} -CaDirectory '${lab.caDirectory}' -Credential $cred ${connect}
$failed = 0
$watch = [Diagnostics.Stopwatch]::StartNew()
Import-Csv '${csvPath}' | ForEach-Object {
  ${perRow}
  if ($problem) { $failed++ }
}
"$($watch.Elapsed.TotalSeconds) $failed"`;
  const result = spawnSync(findPwsh()!, ['-NoProfile', '-NonInteractive', '-Command', script], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_PASSWORD: LAB_PASSWORD },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  const [seconds, failed] = result.stdout.trim().split('\n').pop()!.split(' ');
  return { seconds: Number(seconds), failed: Number(failed) };
}
