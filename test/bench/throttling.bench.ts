import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnablementJob } from '@shared/models/enablement';
import { LAB_PASSWORD } from '../../electron/services/profiles/lab-profiles';
import { labLocationEnv, labRoot } from '../lab/lab-config';
import { freshUsers, planUser } from '../lab/seed-accounts';
import { benchServices, plainEnableLoop, printResult, round } from './bench-support';

/**
 * Needs a lab with enough fresh users: `npm run lab -- up --users 6000 --forests 2`, and
 * `npm run lab -- reset` before each run (it enables users).
 *
 * Realistic Exchange (`npm run lab -- realistic --latency Enable-UMMailbox=500 --sessions 18`, set
 * and cleared by this benchmark): rows per second of a plain
 * `Import-Csv | ForEach-Object { Enable-UMMailbox @row }` loop in one pwsh against the first
 * server, on a couple of hundred rows, vs the console's job on 2,000 rows with one endpoint and
 * with two, in the same run; every user read back from the directory (lost: not enabled; doubled:
 * Enable-UMMailbox ran for it more than once in the lab's call log).
 */
const PLAIN_ROWS = Number(process.env.BENCH_PLAIN_ROWS ?? 200);
const JOB_ROWS = Number(process.env.BENCH_JOB_ROWS ?? 2_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 500);
const SESSIONS = 18;
const policy = 'Redmond Default Policy';
const one = 'lab-exchadmin';
const two = 'lab-bench-two-servers';

// 18 sessions or more start at once: on a loaded machine a pwsh start can take longer than the default minute.
const services = benchServices({ ...process.env, ...labLocationEnv(), UMC_PS_START_TIMEOUT_MS: '300000' });
const lab = services.lab!;
const [ex1, ex2] = lab.exchangeServers ?? [];
if (!ex1 || !ex2) throw new Error('The lab names no Exchange servers; bring it up again with this code (npm run lab -- up).');
const stored = JSON.parse(readFileSync(join(labRoot, 'parameters.json'), 'utf8')) as { users: number };

function labCommand(...args: string[]): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/lab/lab.ts', ...args], { encoding: 'utf8', env: process.env });
  if (result.status !== 0) throw new Error(`lab ${args.join(' ')}: ${result.stderr}`);
}

/** `count` fresh users from index `from`, within the users the lab was provisioned with. */
function freshWithin(from: number, count: number): number[] {
  const ids = freshUsers(from, count);
  if (ids.at(-1)! >= stored.users) throw new Error(`Not enough fresh users: bring the lab up with --users ${Math.ceil(ids.at(-1)! * 1.05)}.`);
  return ids;
}
const upn = (i: number) => `${planUser(i).sam}@contoso.test`;
const toCsv = (ids: number[]) =>
  `Identity,UMMailboxPolicy,Extensions,SIPResourceIdentifier\r\n${ids.map((i) => [upn(i), policy, String(i).padStart(5, '0').slice(-5), upn(i)].join(',')).join('\r\n')}\r\n`;

const plainUsers = freshWithin(0, PLAIN_ROWS);
const oneUsers = freshWithin(plainUsers.at(-1)! + 1, JOB_ROWS);
const twoUsers = freshWithin(oneUsers.at(-1)! + 1, JOB_ROWS);
const dir = mkdtempSync(join(tmpdir(), 'umc-bench-throttled-'));
const logStart = statSync(lab.callLog!).size;

services.profiles.save({
  ...services.profiles.get(one),
  name: two,
  label: 'Bench — two Exchange servers',
  exchange: { kind: 'lab', modulePath: lab.modulePath, server: ex1 },
  additionalExchange: [{ kind: 'lab', modulePath: lab.modulePath, server: ex2 }],
});
services.profiles.rememberSecret(two, LAB_PASSWORD, false);

/** The admin's loop: one pwsh, one session on the first server, one row after another. */
function plainLoop(): { seconds: number; failed: number } {
  const csv = join(dir, 'plain.csv');
  writeFileSync(csv, toCsv(plainUsers));
  return plainEnableLoop(lab, csv, `-CallLog '${lab.callLog}' -ExchangeServer '${ex1}' -EndpointsDirectory '${lab.exchangeEndpointsDirectory}'`);
}

/** The machine's CPU time since boot, busy and in all, in seconds (the first line of /proc/stat, in USER_HZ = 1/100 s). */
function machineCpu(): { busy: number; total: number } {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = ticks[3]! + (ticks[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/**
 * Where the CPU went while a job ran, in cores (CPU seconds per second): the console's own process,
 * and the whole machine — the lab's Exchange stand-in (one pwsh per session) and Samba share the
 * same cores, so a busy machine with a quiet console means the lab, not the console, sets the pace.
 */
function cpuDuring<T>(work: () => Promise<T>): Promise<{ value: T; consoleCores: number; machineBusyCores: number }> {
  const machine = machineCpu();
  const own = process.cpuUsage();
  const started = process.hrtime.bigint();
  return work().then((value) => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(own);
    const after = machineCpu();
    return { value, consoleCores: round((used.user + used.system) / 1e6 / seconds, 2), machineBusyCores: round((after.busy - machine.busy) / seconds, 2) };
  });
}

/** The console's job over the profile's endpoints, each with its full session budget, sessions started before the clock. */
async function consoleJob(profile: string, ids: number[]): Promise<{ seconds: number; job: EnablementJob; consoleCores: number; machineBusyCores: number }> {
  await services.connections.connect(profile);
  const imported = await services.enablement.import({ fileName: `${profile}.csv`, content: Buffer.from(toCsv(ids)).toString('base64') });
  const validation = await services.enablement.validate({ importId: imported.importId, profile, mapping: imported.mapping, proposeExtensions: false });
  if (validation.counts.ready !== ids.length) throw new Error(`expected ${ids.length} ready rows, got ${JSON.stringify(validation.counts)}`);
  const endpoints = services.powershell.exchangeEndpoints(profile);
  // Warm the sessions, as the plain loop's pwsh is started before its clock starts.
  await Promise.all(
    endpoints.flatMap((e) => {
      services.powershell.reserve(profile, 'exchange', e.budget, e.index);
      return Array.from({ length: e.budget }, () => services.powershell.invoke(profile, 'exchange', 'Get-UMDialPlan', {}, { endpoint: e.index }));
    }),
  );
  const concurrency = endpoints.reduce((sum, e) => sum + e.budget, 0);
  const started = process.hrtime.bigint();
  const {
    value: done,
    consoleCores,
    machineBusyCores,
  } = await cpuDuring(async () => {
    const job = await services.enablement.start({ importId: imported.importId, dryRun: false, concurrency });
    return services.enablement.wait(job.jobId);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Its sessions end, so the next run's sessions on the same server are not refused for them.
  await services.powershell.closeProfile(profile);
  return { seconds, job: done, consoleCores, machineBusyCores };
}

/** Lost: not enabled in the directory; doubled: Enable-UMMailbox ran for the user more than once. */
async function accountFor(ids: number[]): Promise<{ lost: number; doubled: number }> {
  const session = await services.connections.ensure(one);
  const runs = new Map<string, number>();
  for (const line of readFileSync(lab.callLog!).subarray(logStart).toString('utf8').split('\n')) {
    if (!line.includes('"Enable-UMMailbox"')) continue;
    const identity = (JSON.parse(line) as { parameters: { Identity: string } }).parameters.Identity.toLowerCase();
    runs.set(identity, (runs.get(identity) ?? 0) + 1);
  }
  let lost = 0;
  let doubled = 0;
  for (const i of ids) {
    const [user] = await session.search(session.rootDse.defaultNamingContext, {
      filter: `(userPrincipalName=${upn(i)})`,
      attributes: ['msExchUMEnabledFlags', 'distinguishedName'],
    });
    if (!user || ((user.getInt('msExchUMEnabledFlags') ?? 0) & 1) !== 1) lost++;
    const dn = user?.dn.toLowerCase() ?? '';
    if ((runs.get(dn) ?? 0) + (runs.get(upn(i).toLowerCase()) ?? 0) > 1) doubled++;
  }
  return { lost, doubled };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
labCommand('realistic', '--latency', `Enable-UMMailbox=${LATENCY_MS}`, '--sessions', String(SESSIONS));
try {
  const loadBefore = load();
  const plainCpu = machineCpu();
  const plain = plainLoop();
  const plainBusyCores = round((machineCpu().busy - plainCpu.busy) / plain.seconds, 2);
  const oneRun = await consoleJob(one, oneUsers);
  const twoRun = await consoleJob(two, twoUsers);
  const loadAfter = load();
  const plainRate = PLAIN_ROWS / plain.seconds;
  const summary = async (run: Awaited<ReturnType<typeof consoleJob>>, ids: number[]) => {
    const rate = ids.length / run.seconds;
    return {
      rows: ids.length,
      endpoints: run.job.endpoints?.map((e) => ({ server: e.server, sessions: e.sessions, state: e.state })),
      concurrency: run.job.concurrency,
      seconds: round(run.seconds),
      rowsPerSecond: round(rate, 1),
      timesPlainLoop: round(rate / plainRate, 1),
      enabled: run.job.counts.enabled,
      failed: run.job.counts.failed,
      throttlingAbsorbed: run.job.endpoints?.reduce((sum, e) => sum + e.throttled, 0) ?? 0,
      cpuCores: { console: run.consoleCores, machineBusy: run.machineBusyCores },
      ...(await accountFor(ids)),
    };
  };
  const oneSummary = await summary(oneRun, oneUsers);
  const twoSummary = await summary(twoRun, twoUsers);
  printResult({
    benchmark:
      'throttling: realistic Exchange (latency, 18-session budget per endpoint); plain Import-Csv | Enable-UMMailbox loop vs the console job on 1 and 2 endpoints',
    realistic: { latencyMs: { 'Enable-UMMailbox': LATENCY_MS }, sessionsPerEndpoint: SESSIONS },
    machine: { cores: Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()), loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
    plainLoop: {
      rows: PLAIN_ROWS,
      seconds: round(plain.seconds),
      rowsPerSecond: round(plainRate, 2),
      failed: plain.failed,
      cpuCores: { machineBusy: plainBusyCores },
      ...(await accountFor(plainUsers)),
    },
    consoleOneEndpoint: oneSummary,
    consoleTwoEndpoints: twoSummary,
    twoEndpointsVsOne: round(twoSummary.rowsPerSecond / oneSummary.rowsPerSecond, 2),
    target: 'one endpoint at least 8x the plain loop; two endpoints near 2x one; 0 lost, 0 doubled, every throttling error absorbed',
  });
} finally {
  labCommand('realistic', 'off');
  await services.shutdown();
}
