import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BulkOperation, EnablementJob } from '@shared/models/enablement';
import type { AppServices } from '../../electron/services/app-services';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { forests } from '../lab/lab-config';
import { dialPlanDn, phoneContext } from '../lab/seed-topology';
import { createTestServices, openLabSession, requireLab } from './support/test-services';
import { resetLab } from './support/lab-control';
import { runCli } from './support/cli';

/**
 * Rolling back a bulk job against the lab: the rows it enabled are disabled again with
 * Disable-UMMailbox -KeepProperties $false, a row someone changed since is skipped with what
 * differs, a second rollback sends nothing, and a rollback killed mid-run carries on without
 * sending a row twice; then the same for a job of every other operation (disable, change, voice,
 * move), each put back exactly as before, and a move's rollback whose shell is killed between its
 * two halves. Users u00390–u00397 (Lync users the seed left without UM); each test ends with the
 * lab reset.
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

/** The calls of this cmdlet the lab module logged. */
function labCalls(cmdlet: string): Array<{ parameters: Record<string, unknown> }> {
  const log = requireLab().callLog!;
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { cmdlet: string; parameters: Record<string, unknown> })
    .filter((c) => c.cmdlet === cmdlet);
}
const disableCalls = () => labCalls('Disable-UMMailbox');

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

  it('a row someone undoes while its call is on its way ends already done, not failed', async () => {
    const i = 397;
    const { services: slow } = createTestServices({ ...process.env, UMLAB_DELAY: 'Disable-UMMailbox=4000' });
    try {
      await slow.connections.connect(profile);
      const job = await enable(slow, [i]);
      // The shared services' lab shell lost its DC at the last reset (the reset restarts it): a new one.
      await services.powershell.closeProfile(profile);
      const before = disableCalls().length;
      const started = await slow.rollback.start({ jobId: job.jobId, concurrency: 1 });
      // The lab logs the rollback's Disable-UMMailbox, then holds it for 4 s: someone disables the mailbox meanwhile.
      await until(() => disableCalls().length > before);
      const other = await services.powershell.run(profile, 'exchange', 'Disable-UMMailbox', { Identity: `${sam(i)}@contoso.test`, Confirm: false });
      expect(other.ok, JSON.stringify(other.errors)).toBe(true);
      const done = await slow.enablement.wait(started.jobId);
      // Exchange refused it as already disabled; the directory shows the mailbox as the rollback wanted it.
      expect(done.results.map((r) => r.outcome)).toEqual(['already-done']);
      expect(await umState(i)).toMatchObject({ enabled: false, eum: [] });
    } finally {
      await slow.shutdown();
    }
  }, 180_000);
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
    expect(dry.json()).toMatchObject({ jobId, operation: 'enable', dryRun: true, total: 8, undo: 8, skipped: 0 });
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
    expect(second.status, `${second.stderr} ${second.stdout}`).toBe(0);
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

describe('rolling back the other operations', () => {
  const upn = (i: number) => `${sam(i)}@contoso.test`;
  const ext = (i: number) => String(i).padStart(5, '0');
  const redmondContext = phoneContext('Redmond', forests.contoso);
  const b64 = (text: string) => Buffer.from(text).toString('base64');

  /** Runs a bulk job of the operation over these rows (header first) and answers with the finished job. */
  async function bulk(operation: BulkOperation, rows: string[][], s: AppServices = services): Promise<EnablementJob> {
    const summary = await s.enablement.import({ fileName: `${operation}.csv`, content: b64(rows.map((r) => r.join(',')).join('\r\n') + '\r\n') });
    const validation = await s.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, operation, proposeExtensions: false });
    expect(validation.counts.ready, JSON.stringify(validation.rows.map((r) => r.messages))).toBe(rows.length - 1);
    const job = await s.enablement.wait((await s.enablement.start({ importId: summary.importId, dryRun: false, concurrency: 2 })).jobId);
    expect(job.counts.changed ?? job.counts.enabled, job.progress.message).toBe(rows.length - 1);
    return job;
  }
  /** A user's UM state in a form that compares exactly: EUM addresses sorted, case as stored. */
  const exactly = async (i: number) => {
    const state = await umState(i);
    return { ...state, eum: [...state.eum].sort() };
  };
  async function voiceState(i: number): Promise<{ line?: string; voice: boolean }> {
    const [entry] = await admin.search(users, { filter: `(sAMAccountName=${sam(i)})`, attributes: ['msRTCSIP-Line', 'msRTCSIP-OptionFlags'] });
    return { line: entry?.get('msRTCSIP-Line'), voice: ((entry?.getInt('msRTCSIP-OptionFlags') ?? 0) & 128) === 128 };
  }
  const rollBack = async (jobId: string, s: AppServices = services) => s.enablement.wait((await s.rollback.start({ jobId, concurrency: 2 })).jobId);
  const skippedOf = (job: EnablementJob) => job.results.filter((r) => r.outcome === 'skipped').map((r) => [r.identity, r.messages.join(' ')]);

  it('disable: enables the mailboxes again as they were, with a new PIN said; one enabled again by someone else is skipped', async () => {
    const [a, b, c] = [390, 391, 392];
    await enable(services, [a, b, c]);
    const before = await Promise.all([a, b, c].map(exactly));
    const job = await bulk('disable', [['Identity'], ...[a, b, c].map((i) => [upn(i)])]);
    // Someone enables c again, on another extension.
    expect(
      (
        await services.powershell.run(profile, 'exchange', 'Enable-UMMailbox', {
          Identity: dn(c),
          UMMailboxPolicy: redmond,
          Extensions: ['12392'],
          SIPResourceIdentifier: upn(c),
        })
      ).ok,
    ).toBe(true);

    const preview = await services.rollback.preview(job.jobId);
    expect(preview).toMatchObject({ operation: 'disable', total: 3, undo: 2, skipped: 1 });
    expect(preview.rows.map((r) => [r.action, r.reason?.code ?? r.note?.code])).toEqual([
      ['undo', 'rollback-new-pin'],
      ['undo', 'rollback-new-pin'],
      ['skip', 'rollback-changed-enabled'],
    ]);
    const enables = labCalls('Enable-UMMailbox').length;
    const rollback = await rollBack(job.jobId);
    expect(rollback.counts).toMatchObject({ undone: 2, skipped: 1, failed: 0, remaining: 0 });
    expect(await exactly(a)).toEqual(before[0]);
    expect(await exactly(b)).toEqual(before[1]);
    expect((await umState(c)).eum).toContain(`eum:12392;phone-context=${redmondContext}`);
    const sent = labCalls('Enable-UMMailbox').slice(enables);
    // In either order (two at once): each mailbox enabled again as before, without a PIN.
    expect(sent.map((e) => e.parameters).sort((x, y) => String(x.Identity).localeCompare(String(y.Identity)))).toEqual(
      [a, b].map((i) => ({ Identity: dn(i), UMMailboxPolicy: redmond, Extensions: [ext(i)], SIPResourceIdentifier: upn(i) })),
    );
    expect(rollback.results.find((r) => r.identity === upn(a))!.messages.join(' ')).toMatch(/new PIN/);
    expect(skippedOf(rollback)).toEqual([[upn(c), 'UM-enabled again after the job. Left as it is.']]);

    // Twice: nothing left, nothing sent.
    const second = await rollBack(job.jobId);
    expect(second.counts).toMatchObject({ undone: 0, skipped: 3 });
    expect(labCalls('Enable-UMMailbox').length).toBe(enables + 2);
  }, 180_000);

  it('change: puts back the policy and the extensions the job changed, through Set-UMMailbox and Set-Mailbox; an extension edited since is skipped, named', async () => {
    const salesPolicy = `CN=Redmond Sales Policy,CN=UM Mailbox Policies,${dialPlanDn('Redmond', forests.contoso).split(',').slice(2).join(',')}`;
    const [a, b, c] = [393, 394, 395];
    await enable(services, [a, b, c]);
    const before = await Promise.all([a, b, c].map(exactly));
    // A second policy on Redmond (the lab seeds one per dial plan), added once a read found the DC the reset restarted.
    await admin.add(salesPolicy, {
      objectClass: 'msExchUMRecipientTemplate',
      msExchUMMailboxPolicyDialPlanLink: dialPlanDn('Redmond', forests.contoso),
      msExchUMPinPolicyMinPasswordLength: '6',
      msExchUMPinPolicyDisallowCommonPatterns: '0',
    });
    const job = await bulk('change', [
      ['Identity', 'UMMailboxPolicy', 'Extensions'],
      [upn(a), 'Redmond Sales Policy', ''],
      [upn(b), '', `7${ext(b).slice(1)}`],
      [upn(c), 'Redmond Sales Policy', `7${ext(c).slice(1)}`],
    ]);
    // Someone gives c another extension after the job.
    const edited = `eum:6${ext(c).slice(1)};phone-context=${redmondContext}`;
    expect(
      (
        await services.powershell.run(profile, 'exchange', 'Set-Mailbox', {
          Identity: dn(c),
          EmailAddresses: { Add: [edited], Remove: [`eum:7${ext(c).slice(1)};phone-context=${redmondContext}`] },
        })
      ).ok,
    ).toBe(true);

    const preview = await services.rollback.preview(job.jobId);
    expect(preview).toMatchObject({ operation: 'change', undo: 2, skipped: 1 });
    expect(preview.rows[2]!.reason).toMatchObject({ code: 'rollback-changed-extensions', params: { now: `6${ext(c).slice(1)}`, left: `7${ext(c).slice(1)}` } });
    const [policies, mailboxes] = [labCalls('Set-UMMailbox').length, labCalls('Set-Mailbox').length];
    const rollback = await rollBack(job.jobId);
    expect(rollback.counts).toMatchObject({ undone: 2, skipped: 1, failed: 0 });
    expect(await exactly(a)).toEqual(before[0]);
    expect(await exactly(b)).toEqual(before[1]);
    expect(await exactly(c)).not.toEqual(before[2]);
    // Only what the job changed: a's policy (no Set-Mailbox), b's extension (no Set-UMMailbox).
    expect(
      labCalls('Set-UMMailbox')
        .slice(policies)
        .map((x) => x.parameters),
    ).toEqual([{ Identity: dn(a), UMMailboxPolicy: redmond }]);
    expect(
      labCalls('Set-Mailbox')
        .slice(mailboxes)
        .map((x) => x.parameters.Identity),
    ).toEqual([dn(b)]);
    expect(skippedOf(rollback)[0]![1]).toContain(`Its extensions are now 6${ext(c).slice(1)}; the job set 7${ext(c).slice(1)}`);
  }, 180_000);

  it('voice: sets Enterprise Voice and the line URI back through the Lync shell, clearing one the user did not have; one changed since is skipped', async () => {
    const [a, b, c] = [396, 397, 390];
    // b had neither Enterprise Voice nor a line URI before the job.
    const [seeded] = await admin.search(users, { filter: `(sAMAccountName=${sam(b)})`, attributes: ['msRTCSIP-OptionFlags'] });
    await admin.modify(dn(b), [
      { operation: 'replace', attribute: 'msRTCSIP-Line', values: [] },
      { operation: 'replace', attribute: 'msRTCSIP-OptionFlags', values: String(seeded!.getInt('msRTCSIP-OptionFlags')! & ~128) },
    ]);
    const before = await Promise.all([a, b, c].map(voiceState));
    expect(before[1]).toEqual({ line: undefined, voice: false });
    const job = await bulk('voice', [
      ['Identity', 'LineURI'],
      ...[a, b, c].map((i) => [upn(i), `tel:+14255559${String(i).padStart(3, '0')};ext=9${String(i).padStart(3, '0')}`]),
    ]);
    expect((await services.powershell.run(profile, 'lync', 'Set-CsUser', { Identity: dn(c), LineURI: 'tel:+14255558390' })).ok).toBe(true);

    const preview = await services.rollback.preview(job.jobId);
    expect(preview).toMatchObject({ operation: 'voice', undo: 2, skipped: 1 });
    const sets = labCalls('Set-CsUser').length;
    const rollback = await rollBack(job.jobId);
    expect(rollback.counts).toMatchObject({ undone: 2, skipped: 1, failed: 0 });
    expect(await voiceState(a)).toEqual(before[0]);
    expect(await voiceState(b)).toEqual(before[1]);
    expect(await voiceState(c)).toEqual({ line: 'tel:+14255558390', voice: true });
    expect(
      labCalls('Set-CsUser')
        .slice(sets)
        .find((x) => x.parameters.Identity === dn(b))!.parameters,
    ).toMatchObject({ EnterpriseVoiceEnabled: false });
    expect(skippedOf(rollback)[0]![1]).toContain('Its line URI is now tel:+14255558390');
  }, 180_000);

  it('move: disables and enables each mailbox back on its old dial plan with its extension and identifier; one changed since on the new plan is skipped', async () => {
    const [a, b] = [391, 392];
    await enable(services, [a, b]);
    const before = await Promise.all([a, b].map(exactly));
    const job = await bulk('move', [['Identity', 'UMMailboxPolicy'], ...[a, b].map((i) => [upn(i), 'Tokyo Default Policy'])]);
    expect((await umState(a)).policy).toMatch(/^CN=Tokyo Default Policy,/);
    const tokyo = phoneContext('Tokyo', forests.contoso);
    expect(
      (await services.powershell.run(profile, 'exchange', 'Set-Mailbox', { Identity: dn(b), EmailAddresses: { Add: [`eum:7392;phone-context=${tokyo}`] } })).ok,
    ).toBe(true);

    const preview = await services.rollback.preview(job.jobId);
    expect(preview).toMatchObject({ operation: 'move', undo: 1, skipped: 1 });
    expect(preview.rows[0]!.note?.code).toBe('rollback-new-pin');
    expect(preview.rows[1]!.reason?.code).toBe('rollback-changed-extensions');
    const rollback = await rollBack(job.jobId);
    expect(rollback.counts).toMatchObject({ undone: 1, skipped: 1, failed: 0 });
    expect(await exactly(a)).toEqual(before[0]);
    expect((await umState(b)).policy).toMatch(/^CN=Tokyo Default Policy,/);
  }, 180_000);

  it('pin: a PIN reset cannot be undone: every row is listed with why, and nothing is sent', async () => {
    const ids = [396, 397];
    await enable(services, ids);
    const job = await bulk('pin', [['Identity'], ...ids.map((i) => [upn(i)])]);
    const preview = await services.rollback.preview(job.jobId);
    expect(preview).toMatchObject({ operation: 'pin', total: 2, undo: 0, skipped: 2 });
    expect(preview.rows.map((r) => r.reason?.code)).toEqual(['rollback-pin', 'rollback-pin']);
    const pins = labCalls('Set-UMMailboxPIN').length;
    const rollback = await rollBack(job.jobId);
    expect(rollback.counts).toMatchObject({ undone: 0, skipped: 2, failed: 0 });
    expect(rollback.results[0]!.messages[0]).toMatch(/A PIN reset cannot be undone/);
    expect(labCalls('Set-UMMailboxPIN').length).toBe(pins);
  }, 120_000);

  it("a move's rollback whose shell is killed between its disable and its enable: the re-check finds the mailbox disabled and runs only the enable, each row once", async () => {
    const ids = [393, 394, 395];
    const { services: s, dataDir: dir } = createTestServices({ ...process.env, UMLAB_DELAY: 'Enable-UMMailbox=2500' });
    try {
      await s.connections.connect(profile);
      await enable(s, ids);
      const before = await Promise.all(ids.map(exactly));
      const job = await bulk('move', [['Identity', 'UMMailboxPolicy'], ...ids.map((i) => [upn(i), 'Tokyo Default Policy'])], s);
      const [disables, enables] = [disableCalls().length, labCalls('Enable-UMMailbox').length];
      const started = await s.rollback.start({ jobId: job.jobId, concurrency: 1 });
      // The first row's disable is done and its enable is under way: kill the shell.
      await until(() => disableCalls().length > disables);
      for (const t = Date.now(); (await umState(ids[0]!)).enabled;) {
        if (Date.now() - t > 60_000) throw new Error('the first row was never disabled');
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const pool of s.powershell.status()) for (const session of pool.sessions) if (session.pid) process.kill(session.pid, 'SIGKILL');
      const rollback = await s.enablement.wait(started.jobId);
      expect(rollback.results.map((r) => r.outcome)).toEqual(['undone', 'undone', 'undone']);
      expect(rollback.results[0]!.attempts).toBeGreaterThan(1);
      expect(journalEnds(dir, started.jobId)).toHaveLength(ids.length);
      for (const [n, i] of ids.entries()) expect(await exactly(i), sam(i)).toEqual(before[n]);
      // Each mailbox disabled once; the first row's enable was cut off by the kill, so it may have been sent twice, but took effect once.
      expect(disableCalls().length - disables).toBe(ids.length);
      expect(labCalls('Enable-UMMailbox').length - enables).toBeLessThanOrEqual(ids.length + 1);
    } finally {
      await s.shutdown();
    }
  }, 240_000);
});
