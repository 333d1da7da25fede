import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUser } from '../../electron/services/enablement/validation/directory-facts';
import { freshUsers, planUser } from '../lab/seed-accounts';
import { benchServices, plainCsvLoop, printResult, round } from './bench-support';

/**
 * Rolling back a bulk enablement (issue 15 item 2), against the lab (`npm run lab -- reset` before
 * each run: it enables and disables users). Two jobs enable ROWS users each (set-up, not measured),
 * then, in the same run:
 * 1. the rollback preview of the first job (every mailbox read to see whether it changed since)
 *    vs the same reads one user at a time: time and LDAP round trips;
 * 2. the rollback of the first job (journalled, each row read again before Disable-UMMailbox)
 *    vs a plain `Import-Csv | ForEach-Object { Disable-UMMailbox -KeepProperties $false }` pwsh loop
 *    over the second job's users, which checks nothing.
 */
const ROWS = Number(process.env.BENCH_ROLLBACK_ROWS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const profile = 'lab-exchadmin';
const services = benchServices();
const lab = services.lab!;
await services.connections.connect(profile);
const session = await services.connections.ensure(profile);

const [first, second] = [freshUsers(1, ROWS * 2).slice(0, ROWS), freshUsers(1, ROWS * 2).slice(ROWS)];
const upn = (i: number) => `${planUser(i).sam}@contoso.test`;
const csv = (ids: number[]) =>
  `Identity,UMMailboxPolicy,Extensions,SIPResourceIdentifier\r\n${ids.map((i) => [upn(i), 'Redmond Default Policy', String(i).padStart(5, '0').slice(-5), upn(i)].join(',')).join('\r\n')}\r\n`;
async function enable(ids: number[]) {
  const summary = await services.enablement.import({ fileName: 'rollback-bench.csv', content: Buffer.from(csv(ids)).toString('base64') });
  await services.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, proposeExtensions: false });
  const job = await services.enablement.wait((await services.enablement.start({ importId: summary.importId, dryRun: false, concurrency: 4 })).jobId);
  if (job.counts.enabled !== ids.length) throw new Error(`set-up: ${job.progress.message}`);
  return job;
}
const jobA = await enable(first);
await enable(second);

// ---- 1. preview ---------------------------------------------------------------------------------
let trips = session.stats.roundTrips;
let started = performance.now();
const preview = await services.rollback.preview(jobA.jobId);
const previewResult = { seconds: (performance.now() - started) / 1000, ldapRoundTrips: session.stats.roundTrips - trips, undo: preview.undo };
trips = session.stats.roundTrips;
started = performance.now();
for (const r of jobA.results) await readUser(session, r.userDn!);
const oneByOne = { seconds: (performance.now() - started) / 1000, ldapRoundTrips: session.stats.roundTrips - trips };

// ---- 2. rollback --------------------------------------------------------------------------------
started = performance.now();
const rollback = await services.enablement.wait((await services.rollback.start({ jobId: jobA.jobId, concurrency: CONCURRENCY })).jobId);
const consoleSeconds = (performance.now() - started) / 1000;
const plainCsv = join(mkdtempSync(join(tmpdir(), 'umc-bench-')), 'disable.csv');
writeFileSync(plainCsv, `Identity\r\n${second.map(upn).join('\r\n')}\r\n`);
const plain = plainCsvLoop(
  lab,
  plainCsv,
  '$null = Disable-UMMailbox -Identity $_.Identity -KeepProperties $false -Confirm:$false -ErrorVariable problem 2>$null',
);

printResult({
  benchmark: `rollback: preview and rollback of a ${ROWS}-row enablement job vs one read per user and a plain Disable-UMMailbox loop`,
  rows: ROWS,
  preview: { console: { ...previewResult, seconds: round(previewResult.seconds) }, baselineOneReadPerUser: { ...oneByOne, seconds: round(oneByOne.seconds) } },
  rollback: {
    console: {
      seconds: round(consoleSeconds),
      concurrency: CONCURRENCY,
      undone: rollback.counts.undone,
      failed: rollback.counts.failed,
      rowsPerSecond: round(ROWS / consoleSeconds, 1),
    },
    baselinePlainLoop: { seconds: round(plain.seconds), failed: plain.failed, rowsPerSecond: round(ROWS / plain.seconds, 1) },
  },
  note: 'The console reads each mailbox again right before its Disable-UMMailbox (one LDAP read per row) and journals each row to disk; the plain loop checks nothing. Set-up enabled both halves through the console.',
});
await services.shutdown();
