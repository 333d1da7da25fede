import { createHash } from 'node:crypto';
import type { PlanDocument } from '@shared/models/plans';
import { renderCommand, ScriptVariable } from '@shared/powershell/render-command';
import { enableParameters } from '../../electron/services/enablement/operations/enable';
import { planHash, readPlan } from '../../electron/services/plans/plan-document';
import { planScript } from '../../electron/services/plans/plan-script';
import { MAX_PLAN_ROWS } from '../../electron/services/plans/plans-service';
import { planSummaryHtml } from '../../electron/services/plans/plan-summary';
import { printResult, round } from './bench-support';

/**
 * Change plans (issue 15 item 3): the file work of the largest bulk plan (MAX_PLAN_ROWS rows,
 * every tenth with a PIN asked for), measured in the same run against a
 * baseline of the least any plan file needs: JSON.stringify and one SHA-256 of the same object
 * (export), JSON.parse (import). Reported: seconds for the plan's fingerprint (canonical JSON),
 * the script, the HTML summary, reading the plan back with its hash checked, and the file sizes.
 * The directory read of an apply is validation's, measured by validation-100k. Needs no lab.
 */
const rows = Number(process.env.BENCH_ROWS ?? MAX_PLAN_ROWS);

function time<T>(work: () => T): { value: T; seconds: number } {
  const started = process.hrtime.bigint();
  const value = work();
  return { value, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

const build = time(() => {
  const planRows = Array.from({ length: rows }, (_, i) => ({
    line: i + 2,
    Identity: `u${String(i).padStart(6, '0')}@contoso.test`,
    Extensions: String(10000 + i),
    SIPResourceIdentifier: '',
    UMMailboxPolicy: 'Redmond Default Policy',
    PINExpired: i % 10 === 0 ? 'true' : '',
    NotifyEmail: '',
    pin: i % 10 === 0,
  }));
  const steps = planRows.map((row) => {
    const secret = row.pin ? { variable: `pin_${row.line}`, prompt: `PIN for line ${row.line} (${row.Identity})` } : undefined;
    const parameters = enableParameters(
      {
        userDn: `CN=${row.Identity.split('@')[0]},OU=Users,OU=Lab,DC=contoso,DC=test`,
        policy: row.UMMailboxPolicy,
        extensions: [row.Extensions],
        sri: '',
        pin: secret ? new ScriptVariable(secret.variable) : '',
        pinExpired: row.PINExpired,
        notifyEmail: '',
      },
      false,
    );
    return { shell: 'exchange' as const, target: row.Identity, command: renderCommand('Enable-UMMailbox', parameters), secrets: secret ? [secret] : [] };
  });
  const facts = planRows.map((row) => ({
    object: row.Identity,
    attribute: 'validation',
    value: `ready · CN=${row.Identity.split('@')[0]},OU=Users,OU=Lab,DC=contoso,DC=test · dial plan Redmond · policy CN=Redmond Default Policy,CN=UM Mailbox Policies,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=test · extensions ${row.Extensions} · SIP resource identifier u${row.line}@contoso.test`,
  }));
  const unsigned: Omit<PlanDocument, 'hash'> = {
    format: 'umc-plan/1',
    id: 'plan-0123456789ab',
    kind: 'enablement',
    profile: 'lab-exchadmin',
    preparedBy: { profile: 'lab-exchadmin', identity: 'exchadmin@contoso.test' },
    preparedAt: new Date().toISOString(),
    intent: { kind: 'enablement', mapping: { Identity: 0 }, proposeExtensions: false, allowSipMismatch: false, rows: planRows },
    steps,
    facts,
  };
  return unsigned;
});

const unsigned = build.value;
const hash = time(() => planHash(unsigned));
const plan: PlanDocument = { ...unsigned, hash: hash.value };
const json = time(() => JSON.stringify(plan));
const script = time(() => planScript(plan));
const html = time(() => planSummaryHtml(plan, 'en'));
const read = time(() => readPlan(json.value));
if (read.value.tampered) throw new Error('The plan read back did not match its hash.');
const baselineExport = time(() => createHash('sha256').update(JSON.stringify(plan)).digest('hex'));
const baselineImport = time(() => JSON.parse(json.value) as unknown);
const mb = (text: string) => round(Buffer.byteLength(text) / 2 ** 20, 1);

printResult({
  benchmark: `plans: a bulk enablement plan of ${rows.toLocaleString('en-US')} rows exported (fingerprint, plan file, script, summary) and read back, vs JSON.stringify + SHA-256 and JSON.parse of the same plan`,
  rows,
  export: {
    stepsSeconds: round(build.seconds),
    fingerprintSeconds: round(hash.seconds),
    planFileSeconds: round(json.seconds),
    scriptSeconds: round(script.seconds),
    summarySeconds: round(html.seconds),
    totalSeconds: round(build.seconds + hash.seconds + json.seconds + script.seconds + html.seconds),
  },
  import: { readAndVerifySeconds: round(read.seconds) },
  baseline: { stringifyAndHashSeconds: round(baselineExport.seconds), parseSeconds: round(baselineImport.seconds) },
  fingerprintVsBaseline: round(hash.seconds / baselineExport.seconds, 1),
  readVsBaseline: round(read.seconds / baselineImport.seconds, 1),
  sizesMb: { plan: mb(json.value), script: mb(script.value), summary: mb(html.value) },
});
