import { bulkOperationSchema, type BulkOperation } from '../../shared/models/enablement';
import { operationFields } from '../../shared/enablement/operations';
import { planUser } from '../lab/seed-accounts';
import { benchServices, printResult, round } from './bench-support';

/**
 * Validation of one file of the lab's users for each bulk operation (issue 15), against the
 * validation of the same users for enable, the baseline, in the same run: time and LDAP round
 * trips. Every operation goes through the same batched lookups, so none should cost more than
 * enable; nothing is run (validation only), so the lab is left as it was. Works on the default
 * lab (`npm run lab -- up`); BENCH_ROWS rows (default 400) of users u00100 … .
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const profile = 'lab-exchadmin';
const services = benchServices();
await services.connections.connect(profile);

/** One value per field an operation reads; the rest of each row is ignored by the mapping. */
const cell: Record<string, (i: number) => string> = {
  Identity: (i) => `${planUser(i).sam}@contoso.test`,
  UMMailboxPolicy: () => 'Hsinchu Default Policy',
  Extensions: (i) => String(i).padStart(5, '0'),
  SIPResourceIdentifier: () => '',
  PIN: () => '',
  PINExpired: () => '',
  NotifyEmail: () => '',
  LineURI: (i) => `tel:+14255559${String(i).padStart(3, '0')};ext=9${String(i).padStart(4, '0')}`,
};

async function validate(operation: BulkOperation): Promise<{ ms: number; ldapRoundTrips: number; ready: number }> {
  const fields = operationFields[operation].fields;
  const rows = Array.from({ length: ROWS }, (_, n) => fields.map((f) => cell[f]!(n + 100)).join(','));
  const content = Buffer.from(`${fields.join(',')}\r\n${rows.join('\r\n')}\r\n`).toString('base64');
  const best = { ms: Infinity, ldapRoundTrips: 0, ready: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const summary = await services.enablement.import({ fileName: `${operation}.csv`, content });
    const started = performance.now();
    const result = await services.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, operation, proposeExtensions: false });
    const ms = performance.now() - started;
    if (ms < best.ms) Object.assign(best, { ms, ldapRoundTrips: result.stats.ldapRoundTrips, ready: result.counts.ready + result.counts.alreadyDone });
  }
  return { ...best, ms: round(best.ms, 0) };
}

const baseline = await validate('enable');
const operations: Record<string, unknown> = {};
for (const operation of bulkOperationSchema.options.filter((o) => o !== 'enable')) {
  const measured = await validate(operation);
  operations[operation] = { ...measured, timeVsEnable: round(measured.ms / Math.max(1, baseline.ms)) };
}
printResult({ benchmark: 'bulk-operations validation', rows: ROWS, rounds: ROUNDS, baseline: { enable: baseline }, operations });
await services.shutdown();
