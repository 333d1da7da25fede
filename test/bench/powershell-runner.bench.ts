import { spawnSync } from 'node:child_process';
import { findPwsh } from '../../electron/services/powershell/pwsh-locations';
import { LAB_PASSWORD } from '../../electron/services/profiles/lab-profiles';
import { planUser } from '../lab/seed-accounts';
import { benchServices, printResult, round } from './bench-support';

/**
 * 1,000 Get-UMMailbox calls through the console's PowerShell runner against the lab module,
 * compared with the same 1,000 calls in one plain pwsh loop, in the same run. The runner is
 * measured both one call at a time and with its session pool busy (calls in flight = pool size).
 */
const CALLS = Number(process.env.BENCH_CALLS ?? 1000);
const services = benchServices();
const lab = services.lab!;
const identities: string[] = [];
for (let i = 1; identities.length < 40; i++) if (planUser(i).umEnabled) identities.push(`${planUser(i).sam}@contoso.test`);
const identity = (n: number) => identities[n % identities.length]!;

function plainLoop(): { seconds: number } {
  const script = `
$ErrorActionPreference = 'Stop'
Import-Module '${lab.modulePath}'
$cred = [pscredential]::new('lab-exchadmin@contoso.test', (ConvertTo-SecureString $env:BENCH_PASSWORD -AsPlainText -Force))
Connect-UmLab -Server ${lab.forests[0]!.host} -CaDirectory '${lab.caDirectory}' -Credential $cred -CallLog '${lab.callLog}'
$ids = @(${identities.map((i) => `'${i}'`).join(',')})
$null = Get-UMMailbox -Identity $ids[0]
$watch = [Diagnostics.Stopwatch]::StartNew()
for ($n = 0; $n -lt ${CALLS}; $n++) { $null = Get-UMMailbox -Identity $ids[$n % $ids.Count] }
$watch.Elapsed.TotalSeconds`;
  const result = spawnSync(findPwsh()!, ['-NoProfile', '-NonInteractive', '-Command', script], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_PASSWORD: LAB_PASSWORD },
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return { seconds: Number(result.stdout.trim().split('\n').pop()) };
}

async function runner(concurrency: number): Promise<{ seconds: number }> {
  // Warm every session first: starting pwsh is measured elsewhere, not per call.
  await Promise.all(
    Array.from({ length: concurrency }, (_, n) => services.powershell.invoke('lab-exchadmin', 'exchange', 'Get-UMMailbox', { Identity: identity(n) })),
  );
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < CALLS) {
        const n = next++;
        await services.powershell.invoke('lab-exchadmin', 'exchange', 'Get-UMMailbox', { Identity: identity(n) });
      }
    }),
  );
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const plain = plainLoop();
const startedAt = process.hrtime.bigint();
await services.powershell.invoke('lab-exchadmin', 'exchange', 'Get-UMDialPlan', {});
const sessionStartMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
const sequential = await runner(1);
const pooled = await runner(2);
await services.shutdown();

const rate = (s: number) => round(CALLS / s, 1);
printResult({
  benchmark: 'powershell-runner: Get-UMMailbox through the runner vs a plain pwsh loop',
  calls: CALLS,
  plainLoop: { seconds: round(plain.seconds), callsPerSecond: rate(plain.seconds) },
  runnerSequential: {
    seconds: round(sequential.seconds),
    callsPerSecond: rate(sequential.seconds),
    timesSlowerThanPlain: round(sequential.seconds / plain.seconds),
  },
  runnerPool2: { seconds: round(pooled.seconds), callsPerSecond: rate(pooled.seconds), timesSlowerThanPlain: round(pooled.seconds / plain.seconds) },
  sessionStartMs: round(sessionStartMs),
  target: 'runner within 1.5x of the plain loop',
});
