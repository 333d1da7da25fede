import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findHolders, findUsers } from '../../electron/services/enablement/validation/directory-facts';
import { holderKey } from '../../electron/services/enablement/validation/row-rules';
import { freshUsers, planUser } from '../lab/seed-accounts';
import { benchServices, plainEnableLoop, printResult, round } from './bench-support';

/**
 * Needs the big lab: `npm run lab -- up --users 20000 --forests 2` (and `npm run lab -- reset`
 * before each run, since the enablement part enables users).
 *
 * 1. Validation of 10,000 rows: the console's batched lookups vs the same lookups one row at a
 *    time (user by identity, then its extension and SIP identifier, forest-wide through the global
 *    catalog), in the same run: time and LDAP round trips.
 * 2. Enablement of 2,000 rows: the console's journalled job vs a plain
 *    `Import-Csv | ForEach-Object { Enable-UMMailbox @row }` pwsh loop against the same lab module,
 *    each on its own 2,000 users.
 */
const VALIDATE_ROWS = Number(process.env.BENCH_VALIDATE_ROWS ?? 10_000);
const ENABLE_ROWS = Number(process.env.BENCH_ENABLE_ROWS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const profile = 'lab-exchadmin';
const policy = 'Redmond Default Policy';
const context = 'Redmond.contoso.test';

const services = benchServices();
const lab = services.lab!;
await services.connections.connect(profile);
const session = await services.connections.ensure(profile);
const domains = [{ dn: session.rootDse.defaultNamingContext, dnsName: 'contoso.test', netbios: 'CONTOSO' }];

const row = (i: number) => {
  const upn = `${planUser(i).sam}@contoso.test`;
  return { Identity: upn, UMMailboxPolicy: policy, Extensions: String(i).padStart(5, '0').slice(-5), SIPResourceIdentifier: upn };
};
const toCsv = (rows: Array<Record<string, string>>) =>
  `Identity,UMMailboxPolicy,Extensions,SIPResourceIdentifier\r\n${rows.map((r) => [r.Identity, r.UMMailboxPolicy, r.Extensions, r.SIPResourceIdentifier].join(',')).join('\r\n')}\r\n`;

// ---- 1. validation -------------------------------------------------------------------------
const validationRows = Array.from({ length: VALIDATE_ROWS }, (_, n) => row(n + 100));
const summary = await services.enablement.import({ fileName: 'bench-validate.csv', content: Buffer.from(toCsv(validationRows)).toString('base64') });
const batchedStarted = process.hrtime.bigint();
const batched = await services.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, proposeExtensions: false });
const batchedSeconds = Number(process.hrtime.bigint() - batchedStarted) / 1e9;

const perRowBefore = session.stats.roundTrips;
const perRowStarted = process.hrtime.bigint();
for (const r of validationRows) {
  await findUsers(session, [r.Identity], domains);
  await findHolders(session, { eum: [holderKey(r.Extensions, context)], sip: [] });
  await findHolders(session, { eum: [], sip: [r.SIPResourceIdentifier] });
}
const perRowSeconds = Number(process.hrtime.bigint() - perRowStarted) / 1e9;
const perRowTrips = session.stats.roundTrips - perRowBefore;

// ---- 2. enablement -------------------------------------------------------------------------
const plainUsers = freshUsers(100, ENABLE_ROWS);
const consoleUsers = freshUsers(plainUsers.at(-1)! + 1, ENABLE_ROWS);
const dir = mkdtempSync(join(tmpdir(), 'umc-bench-enable-'));
const plainCsv = join(dir, 'plain.csv');
writeFileSync(plainCsv, toCsv(plainUsers.map(row)));

async function consoleJob(): Promise<{ seconds: number; failed: number }> {
  const imported = await services.enablement.import({ fileName: 'bench-enable.csv', content: Buffer.from(toCsv(consoleUsers.map(row))).toString('base64') });
  const validation = await services.enablement.validate({ importId: imported.importId, profile, mapping: imported.mapping, proposeExtensions: false });
  if (validation.counts.ready !== ENABLE_ROWS) throw new Error(`expected ${ENABLE_ROWS} ready rows, got ${JSON.stringify(validation.counts)}`);
  // Warm the sessions, as the plain loop's pwsh is started before its clock starts.
  services.powershell.reserve(profile, 'exchange', CONCURRENCY);
  await Promise.all(Array.from({ length: CONCURRENCY }, () => services.powershell.invoke(profile, 'exchange', 'Get-UMDialPlan', {})));
  const started = process.hrtime.bigint();
  const job = await services.enablement.start({ importId: imported.importId, dryRun: false, concurrency: CONCURRENCY });
  const done = await services.enablement.wait(job.jobId);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, failed: done.progress.failed };
}

const plain = plainEnableLoop(lab, plainCsv);
const job = await consoleJob();
await services.shutdown();

printResult({
  benchmark: 'enablement: batched validation vs per-row lookups; journalled job vs a plain Import-Csv | Enable-UMMailbox loop',
  validation: {
    rows: VALIDATE_ROWS,
    batched: { seconds: round(batchedSeconds), ldapRoundTrips: batched.stats.ldapRoundTrips, counts: batched.counts },
    perRow: { seconds: round(perRowSeconds), ldapRoundTrips: perRowTrips },
    roundTripsFewerBy: round(perRowTrips / Math.max(1, batched.stats.ldapRoundTrips), 1),
    target: 'round trips at least 20x fewer than per-row',
  },
  enablement: {
    rows: ENABLE_ROWS,
    plainLoop: { seconds: round(plain.seconds), rowsPerSecond: round(ENABLE_ROWS / plain.seconds, 1), failed: plain.failed },
    console: { concurrency: CONCURRENCY, seconds: round(job.seconds), rowsPerSecond: round(ENABLE_ROWS / job.seconds, 1), failed: job.failed },
    consoleFasterBy: round(plain.seconds / job.seconds),
    target: 'console at least as fast as the plain loop',
  },
});
