import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServices } from '../../electron/services/app-services';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { LAB_PASSWORD } from '../../electron/services/profiles/lab-profiles';
import { freshUsers, planUser } from '../lab/seed-accounts';
import { labExchange, resetLab } from './support/lab-control';
import { createTestServices, openLabSession, requireLab } from './support/test-services';

/**
 * Bulk enablement against the lab's Exchange endpoints in realistic mode (latency, Exchange's
 * session and cmdlet budgets, an outage): throttling is absorbed and a failed endpoint drained,
 * and every row is enabled exactly once — in the job's journal, in the directory and in the
 * lab's call log.
 */
const lab = requireLab();
const [ex1, ex2] = lab.exchangeServers ?? [];
const users = 'OU=Users,OU=Lab,DC=contoso,DC=test';
let admin: DirectorySession;

beforeAll(async () => {
  resetLab();
  admin = await openLabSession('lab');
}, 120_000);
afterAll(async () => {
  await admin?.close();
  resetLab();
}, 120_000);

const sam = (i: number) => planUser(i).sam;
// Users the seed left without UM, within the default lab's 500 (beforeAll resets the lab), a set per test.
const budgetUsers = freshUsers(100, 24);
const drainUsers = freshUsers(budgetUsers.at(-1)! + 1, 24);
const overUsers = freshUsers(drainUsers.at(-1)! + 1, 2);
const comebackUsers = freshUsers(overUsers.at(-1)! + 1, 40);
const csv = (ids: number[]) =>
  `Identity,UMMailboxPolicy,Extensions,SIPResourceIdentifier\r\n${ids
    .map((i) => `${sam(i)}@contoso.test,Redmond Default Policy,${String(i).padStart(5, '0').slice(-5)},${sam(i)}@contoso.test`)
    .join('\r\n')}\r\n`;

/** The Enable-UMMailbox calls the lab logged from a byte offset on: who, on which server. */
function enableCalls(offset: number): Array<{ identity: string; server?: string }> {
  return readFileSync(lab.callLog!)
    .subarray(offset)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { cmdlet: string; server?: string; parameters: { Identity: string } })
    .filter((c) => c.cmdlet === 'Enable-UMMailbox')
    .map((c) => ({ identity: c.parameters.Identity, ...(c.server ? { server: c.server } : {}) }));
}

/** Saves and connects lab-two-servers: lab-exchadmin with both of the lab's Exchange servers, ex1 first. */
async function connectTwoServers(s: AppServices): Promise<void> {
  s.profiles.save({
    ...s.profiles.get('lab-exchadmin'),
    name: 'lab-two-servers',
    label: 'Lab — two Exchange servers',
    exchange: { kind: 'lab', modulePath: lab.modulePath, server: ex1! },
    additionalExchange: [{ kind: 'lab', modulePath: lab.modulePath, server: ex2! }],
  });
  s.profiles.rememberSecret('lab-two-servers', LAB_PASSWORD, false);
  await s.connections.connect('lab-two-servers');
}

/** Imports and validates the rows (realistic mode still off), then runs them with realistic mode on. */
async function runThrottled(s: AppServices, profile: string, ids: number[], concurrency: number, during?: () => void) {
  const summary = await s.enablement.import({ fileName: 'throttled.csv', content: Buffer.from(csv(ids)).toString('base64') });
  const validation = await s.enablement.validate({ importId: summary.importId, profile, mapping: summary.mapping, proposeExtensions: false });
  expect(validation.counts.ready).toBe(ids.length);
  const offset = statSync(lab.callLog!).size;
  during?.();
  const job = await s.enablement.start({ importId: summary.importId, dryRun: false, concurrency });
  return { job, offset };
}

/** Every row ended once in the journal as enabled, the directory shows each user enabled once, and Exchange ran it once. */
async function expectEnabledOnce(s: AppServices, dataDir: string, jobId: string, ids: number[], offset: number): Promise<void> {
  const ends = readFileSync(join(dataDir, 'enablement-jobs', jobId, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { t: string; line: number; outcome?: string })
    .filter((r) => r.t === 'end');
  expect(ends.map((e) => e.outcome)).toEqual(ids.map(() => 'enabled'));
  expect(new Set(ends.map((e) => e.line)).size).toBe(ids.length);
  const calls = enableCalls(offset);
  for (const i of ids) {
    const [entry] = await admin.search(users, { filter: `(sAMAccountName=${sam(i)})`, attributes: ['msExchUMEnabledFlags', 'proxyAddresses'] });
    expect((entry!.getInt('msExchUMEnabledFlags')! & 1) === 1, sam(i)).toBe(true);
    expect(
      entry!.getAll('proxyAddresses').filter((p) => /^eum:/i.test(p)),
      sam(i),
    ).toHaveLength(2);
    expect(
      calls.filter((c) => c.identity.startsWith(`CN=${sam(i)},`)),
      sam(i),
    ).toHaveLength(1);
  }
  expect(s.enablement.job(jobId).results.every((r) => r.outcome === 'enabled')).toBe(true);
}

describe('realistic Exchange: throttling absorbed, a failed endpoint drained, every row enabled exactly once', () => {
  it("a job over the lab server's session and cmdlet budgets waits as Exchange says and finishes", async () => {
    const { services: s, dataDir } = createTestServices();
    try {
      await s.connections.connect('lab-exchadmin');
      const ids = budgetUsers;
      // 3 sessions and 4 cmdlets per 2 seconds per user on the server; the job asks for 6 sessions.
      const { job, offset } = await runThrottled(s, 'lab-exchadmin', ids, 6, () =>
        labExchange('realistic', '--latency', 'Enable-UMMailbox=100', '--sessions', '3', '--cmdlets', '4/2'),
      );
      const done = await s.enablement.wait(job.jobId);
      expect(done.progress.state).toBe('completed');
      await expectEnabledOnce(s, dataDir, job.jobId, ids, offset);
      const [endpoint] = done.endpoints!;
      expect(endpoint).toMatchObject({ server: ex1, budget: 18, state: 'running' });
      // The server refused the sessions past 3: the job kept the 3 it had.
      expect(endpoint!.sessions).toBe(3);
      // The cmdlet budget refused calls, and each was waited out and run again.
      expect(endpoint!.throttled).toBeGreaterThan(0);
    } finally {
      await s.shutdown();
      labExchange('realistic', 'off');
    }
  }, 180_000);

  it('an endpoint that goes down mid-job is drained; its rows are checked in the directory and finish on the other', async () => {
    const { services: s, dataDir } = createTestServices();
    try {
      await connectTwoServers(s);
      const ids = drainUsers;
      const { job, offset } = await runThrottled(s, 'lab-two-servers', ids, 4, () => labExchange('realistic', '--latency', 'Enable-UMMailbox=250'));
      // Down once the second server has enabled a user (its sessions take a while to start).
      while (!enableCalls(offset).some((c) => c.server === ex2)) await new Promise((r) => setTimeout(r, 50));
      labExchange('exchange', 'down', ex2!);
      const done = await s.enablement.wait(job.jobId);
      expect(done.progress.state).toBe('completed');
      await expectEnabledOnce(s, dataDir, job.jobId, ids, offset);
      expect(done.endpoints!.map((e) => [e.server, e.state])).toEqual([
        [ex1, 'running'],
        [ex2, 'drained'],
      ]);
      // The rest ran on the first server.
      expect(enableCalls(offset).filter((c) => c.server === ex1).length).toBeGreaterThan(ids.length / 2);
    } finally {
      await s.shutdown();
      labExchange('exchange', 'up', ex2!);
      labExchange('realistic', 'off');
    }
  }, 180_000);

  it('a drained endpoint that answers again is tried on one session after its rest and takes rows again', async () => {
    // A rest of 2 s instead of a minute, so the job is still running when it ends.
    const { services: s, dataDir } = createTestServices({ ...process.env, UMC_ENDPOINT_RETRY_MS: '2000' });
    try {
      await connectTwoServers(s);
      const ids = comebackUsers;
      const { job, offset } = await runThrottled(s, 'lab-two-servers', ids, 4, () => labExchange('realistic', '--latency', 'Enable-UMMailbox=400'));
      while (!enableCalls(offset).some((c) => c.server === ex2)) await new Promise((r) => setTimeout(r, 50));
      labExchange('exchange', 'down', ex2!);
      // Drained, with the time it is tried again; the server comes back before that.
      const endpointOf = () => s.enablement.job(job.jobId).endpoints?.find((e) => e.server === ex2);
      while (!endpointOf()?.retryAt) await new Promise((r) => setTimeout(r, 50));
      expect(endpointOf()).toMatchObject({ state: 'drained', sessions: 0 });
      const down = enableCalls(offset).filter((c) => c.server === ex2).length;
      labExchange('exchange', 'up', ex2!);
      const done = await s.enablement.wait(job.jobId);
      expect(done.progress.state).toBe('completed');
      await expectEnabledOnce(s, dataDir, job.jobId, ids, offset);
      expect(done.endpoints!.map((e) => [e.server, e.state, e.sessions])).toEqual([
        [ex1, 'running', 2],
        [ex2, 'running', 2],
      ]);
      // It ran rows again after it came back.
      expect(enableCalls(offset).filter((c) => c.server === ex2).length).toBeGreaterThan(down);
    } finally {
      await s.shutdown();
      labExchange('exchange', 'up', ex2!);
      labExchange('realistic', 'off');
    }
  }, 180_000);

  it('refuses a concurrency beyond the sessions the endpoints allow, before anything runs', async () => {
    const { services: s } = createTestServices();
    try {
      await s.connections.connect('lab-exchadmin');
      const summary = await s.enablement.import({ fileName: 'over.csv', content: Buffer.from(csv(overUsers)).toString('base64') });
      await s.enablement.validate({ importId: summary.importId, profile: 'lab-exchadmin', mapping: summary.mapping, proposeExtensions: false });
      const offset = statSync(lab.callLog!).size;
      await expect(s.enablement.start({ importId: summary.importId, dryRun: false, concurrency: 19 })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining(`${ex1}: 18`),
      });
      expect(enableCalls(offset)).toEqual([]);
    } finally {
      await s.shutdown();
    }
  }, 120_000);
});
