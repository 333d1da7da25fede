import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EnablementJob } from '@shared/models/enablement';
import type { AppServices } from '../../electron/services/app-services';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { createTestServices, openLabSession, requireLab } from './support/test-services';
import { resetLab } from './support/lab-control';
import { runCli } from './support/cli';

/**
 * Rolling back a bulk job against the lab: the rows it enabled are disabled again with
 * Disable-UMMailbox -KeepProperties $false, a row someone changed since is skipped with what
 * differs, a second rollback sends nothing, and a rollback killed mid-run carries on without
 * sending a row twice. Users u00390–u00397 (Lync users the seed left without UM); each test ends
 * with the lab reset.
 */
const profile = 'lab-exchadmin';
const users = 'OU=Users,OU=Lab,DC=contoso,DC=test';
const redmond = 'Redmond Default Policy';
let services: AppServices;
let dataDir: string;
let admin: DirectorySession;

beforeAll(async () => {
  resetLab();
  ({ services, dataDir } = createTestServices());
  await services.connections.connect(profile);
  admin = await openLabSession('lab');
}, 120_000);
afterEach(() => resetLab(), 120_000);
afterAll(async () => {
  await admin?.close();
  await services?.shutdown();
}, 120_000);

const sam = (i: number) => `u${String(i).padStart(5, '0')}`;
const dn = (i: number) => `CN=${sam(i)},${users}`;
const csv = (ids: number[]) =>
  [
    'Identity,UMMailboxPolicy,Extensions,SIPResourceIdentifier',
    ...ids.map((i) => `${sam(i)}@contoso.test,${redmond},${String(i).padStart(5, '0')},${sam(i)}@contoso.test`),
  ].join('\r\n') + '\r\n';

/** Enables these users through a bulk job and answers with the finished job. */
async function enable(s: AppServices, ids: number[]): Promise<EnablementJob> {
  const summary = await s.enablement.import({ fileName: 'batch.csv', content: Buffer.from(csv(ids)).toString('base64') });
  const validation = await s.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, proposeExtensions: false });
  expect(validation.counts.ready).toBe(ids.length);
  const job = await s.enablement.wait((await s.enablement.start({ importId: summary.importId, dryRun: false, concurrency: 2 })).jobId);
  expect(job.counts.enabled).toBe(ids.length);
  return job;
}

async function umState(i: number): Promise<{ enabled: boolean; eum: string[]; policy?: string }> {
  const [entry] = await admin.search(users, {
    filter: `(sAMAccountName=${sam(i)})`,
    attributes: ['msExchUMEnabledFlags', 'proxyAddresses', 'msExchUMTemplateLink'],
  });
  return {
    enabled: ((entry?.getInt('msExchUMEnabledFlags') ?? 0) & 1) === 1,
    eum: entry?.getAll('proxyAddresses').filter((p) => /^eum:/i.test(p)) ?? [],
    policy: entry?.get('msExchUMTemplateLink'),
  };
}

/** The Disable-UMMailbox calls the lab module logged. */
function disableCalls(): Array<{ parameters: Record<string, unknown> }> {
  const log = requireLab().callLog!;
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { cmdlet: string; parameters: Record<string, unknown> })
    .filter((c) => c.cmdlet === 'Disable-UMMailbox');
}

function journalEnds(dir: string, jobId: string): Array<{ line: number; outcome: string }> {
  const file = join(dir, 'enablement-jobs', jobId, 'journal.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"t":"end"'))
    .map((l) => JSON.parse(l) as { line: number; outcome: string });
}

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('rolling back a bulk enablement', () => {
  it('disables the rows the job enabled, skips the ones changed since with what differs, journals and audits; a second rollback sends nothing', async () => {
    const ids = [390, 391, 392, 393, 394, 395];
    const job = await enable(services, ids);
    // Someone else, after the job: u00392 moved to the Tokyo policy (in the directory), u00393 disabled in Exchange.
    const tokyo = (await umState(392)).policy!.replace('CN=Redmond Default Policy', 'CN=Tokyo Default Policy');
    await admin.modify(dn(392), [{ operation: 'replace', attribute: 'msExchUMTemplateLink', values: [tokyo] }]);
    expect((await services.powershell.run(profile, 'exchange', 'Disable-UMMailbox', { Identity: dn(393) })).ok).toBe(true);
    const before = disableCalls().length;

    const preview = await services.rollback.preview(job.jobId);
    expect(preview).toMatchObject({ jobId: job.jobId, total: 6, undo: 4, skipped: 2 });
    const skipped = preview.rows.filter((r) => r.action === 'skip');
    expect(skipped.map((r) => [r.identity, r.reason?.code, r.reason?.params])).toEqual([
      [`${sam(392)}@contoso.test`, 'rollback-changed-policy', { now: 'Tokyo Default Policy', left: redmond }],
      [`${sam(393)}@contoso.test`, 'rollback-changed-disabled', {}],
    ]);
    expect(disableCalls().length).toBe(before); // a preview sends nothing

    const rollback = await services.enablement.wait((await services.rollback.start({ jobId: job.jobId, concurrency: 2 })).jobId);
    expect(rollback.progress.state).toBe('completed');
    expect(rollback.counts).toMatchObject({ total: 6, undone: 4, skipped: 2, failed: 0, remaining: 0 });
    for (const i of [390, 391, 394, 395]) expect(await umState(i), sam(i)).toEqual({ enabled: false, eum: [] });
    expect(await umState(392)).toMatchObject({ enabled: true, policy: tokyo });
    expect(rollback.results.find((r) => r.identity.startsWith(sam(392)))!.messages[0]).toMatch(/Tokyo Default Policy.*Redmond Default Policy/);
    // Exactly the four, each with -KeepProperties $false.
    const sent = disableCalls().slice(before);
    expect(sent.map((c) => c.parameters.Identity).sort()).toEqual([390, 391, 394, 395].map(dn));
    expect(sent.every((c) => c.parameters.KeepProperties === false)).toBe(true);

    // Journalled like any job, listed, exported, audited.
    expect(
      journalEnds(dataDir, rollback.jobId)
        .map((e) => e.outcome)
        .sort(),
    ).toEqual(['skipped', 'skipped', 'undone', 'undone', 'undone', 'undone']);
    expect(services.rollback.finished()[0]).toMatchObject({ jobId: rollback.jobId, rollbackOf: job.jobId, state: 'completed' });
    expect(services.enablement.export(rollback.jobId, 'csv').content).toContain('Changed after the job');
    const audited = services.audit.read().entries.filter((e) => e.jobId === rollback.jobId);
    expect(audited.map((e) => [e.action, e.target, e.outcome]).sort()).toEqual([390, 391, 394, 395].map((i) => ['enablement.rollback', dn(i), 'succeeded']));

    // The second time: nothing to undo, nothing sent.
    const again = await services.rollback.preview(job.jobId);
    expect(again.undo).toBe(0);
    expect(again.rows.filter((r) => r.reason?.code === 'rollback-already-undone')).toHaveLength(4);
    const second = await services.enablement.wait((await services.rollback.start({ jobId: job.jobId, concurrency: 2 })).jobId);
    expect(second.counts).toMatchObject({ undone: 0, skipped: 6 });
    expect(disableCalls().length).toBe(before + 4);
  }, 180_000);

  it('refuses what cannot be rolled back with a clear error, and changes nothing', async () => {
    const ids = [396];
    const job = await enable(services, ids);
    const rollback = await services.enablement.wait((await services.rollback.start({ jobId: job.jobId, concurrency: 1 })).jobId);
    const calls = disableCalls().length;
    await expect(services.rollback.preview(rollback.jobId)).rejects.toMatchObject({ code: 'CONFLICT', message: /cannot be rolled back/ });
    await expect(services.rollback.start({ jobId: 'enable-000000nothere', concurrency: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(services.rollback.preview('../../etc')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A dry run changed nothing.
    const summary = await services.enablement.import({ fileName: 'dry.csv', content: Buffer.from(csv([397])).toString('base64') });
    await services.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, proposeExtensions: false });
    const dry = await services.enablement.wait((await services.enablement.start({ importId: summary.importId, dryRun: true, concurrency: 1 })).jobId);
    await expect(services.rollback.start({ jobId: dry.jobId, concurrency: 1 })).rejects.toMatchObject({ code: 'CONFLICT', message: /dry run/ });
    expect(disableCalls().length).toBe(calls);
  }, 120_000);
});

describe('a rollback killed mid-run (CLI)', () => {
  it('carries on when run again: every row undone exactly once, none sent twice', async () => {
    const ids = [390, 391, 392, 393, 394, 395, 396, 397];
    const dir = mkdtempSync(join(tmpdir(), 'umc-rollback-'));
    const env = { UMC_DATA_DIR: join(dir, 'data'), UMC_PASSWORD: 'Lab-Passw0rd!' };
    const file = join(dir, 'batch.csv');
    writeFileSync(file, csv(ids));
    const enabled = runCli(['enable', '--csv', file, '--profile', profile, '--json'], env);
    expect(enabled.status, enabled.stderr).toBe(0);
    const { jobId } = enabled.json() as { jobId: string };

    const dry = runCli(['rollback', '--job', jobId, '--dry-run', '--json'], env);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.json()).toMatchObject({ jobId, dryRun: true, total: 8, undo: 8, skipped: 0 });
    const before = disableCalls().length;

    const cli = join(import.meta.dirname, '../../out/main/cli.js');
    const child = spawn(process.execPath, [cli, 'rollback', '--job', jobId, '--json'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        UMC_LAB_DIR: process.env.UMC_LAB_DIR,
        UMC_LAB_STATE: process.env.UMC_LAB_STATE,
        ...env,
        UMLAB_DELAY: 'Disable-UMMailbox=400',
      },
      stdio: 'ignore',
    });
    const root = join(dir, 'data', 'enablement-jobs');
    const rollbackId = () => readdirSync(root).find((d) => d.startsWith('rollback-'));
    await until(() => {
      const id = rollbackId();
      return !!id && existsSync(join(root, id, 'journal.jsonl')) && journalEnds(join(dir, 'data'), id).length >= 3;
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const second = runCli(['rollback', '--job', jobId, '--json'], env);
    expect(second.status, second.stderr).toBe(0);
    const out = second.json() as { jobId: string; counts: { undone: number; skipped: number } };
    expect(out.jobId).toBe(rollbackId());
    expect(out.counts).toMatchObject({ undone: 8, skipped: 0 });
    const ends = journalEnds(join(dir, 'data'), out.jobId);
    expect(ends.map((e) => e.line).sort()).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    // Each user once, but for a call cut off by the kill before it took effect (sent again after the directory said so).
    const sent = disableCalls()
      .slice(before)
      .map((c) => c.parameters.Identity);
    expect(new Set(sent).size).toBe(8);
    expect(sent.length).toBeLessThanOrEqual(8 + 2);
    for (const i of ids) expect(await umState(i), sam(i)).toEqual({ enabled: false, eum: [] });

    const nothing = runCli(['rollback', '--job', out.jobId, '--json'], env);
    expect(nothing.status).toBe(1);
    expect((nothing.json() as { error: { code: string } }).error.code).toBe('CONFLICT');
  }, 240_000);
});
