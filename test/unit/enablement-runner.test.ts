import { describe, expect, it } from 'vitest';
import type { PsResult } from '../../shared/models/powershell';
import type { JobEndpoint, RowResult } from '../../shared/models/enablement';
import { runEnablement, type RunDependencies, type RunRow } from '../../electron/services/enablement/job/enablement-runner';
import type { JobContext } from '../../electron/services/jobs/job-manager';

/** The runner against a stand-in shell: what it keeps of what Exchange answered. */
function stand(answers: Record<string, PsResult>) {
  const ended: RowResult[] = [];
  const audited: unknown[] = [];
  const deps = {
    powershell: {
      exchangeEndpoints: () => [{ index: 0, server: 'ex1.contoso.test', budget: 18, retryMs: 60_000 }],
      reserve: () => undefined,
      run: async (_p: string, _t: string, _c: string, parameters: Record<string, unknown>) => answers[String(parameters.Identity)]!,
    },
    connections: {},
    audit: {
      begin: (planned: object) => ({
        succeeded: (differs = {}) => audited.push({ ...planned, ...differs, outcome: 'succeeded' }),
        failed: (error: string | undefined, differs = {}) => audited.push({ ...planned, ...differs, outcome: 'failed', ...(error ? { error } : {}) }),
      }),
    },
    journal: { started: () => undefined, ended: (r: RowResult) => ended.push(r) },
    log: () => undefined,
  } as unknown as RunDependencies;
  const progress: Array<{ done?: number; failed?: number }> = [];
  const ctx = {
    jobId: 'enable-test01',
    signal: new AbortController().signal,
    progress: (p: { done?: number; failed?: number }) => progress.push(p),
    waitIfPaused: async () => undefined,
  } as unknown as JobContext;
  return { deps, ctx, ended, audited, progress };
}

/** A shell answer with nothing but what the test needs. */
const answer = (errors: string[]): PsResult => ({
  ok: errors.length === 0,
  output: [],
  errors: errors.map((message) => ({ message })),
  warnings: [],
  progress: [],
  information: [],
  durationMs: 1,
});

const values = {
  Identity: 'u1@contoso.test',
  Extensions: '00001',
  SIPResourceIdentifier: 'u1@contoso.test',
  UMMailboxPolicy: 'Redmond Default Policy',
  PIN: '',
  PINExpired: '',
  NotifyEmail: '',
};
const row = (line: number, dn: string): RunRow => ({
  line,
  identity: `u${line}`,
  values,
  inFile: { Identity: 'typo@contoso.test' },
  userDn: dn,
  policy: values.UMMailboxPolicy,
  policyDn: 'CN=p',
  extensions: ['00001'],
  sri: values.SIPResourceIdentifier,
  pin: '',
  pinExpired: '',
  notifyEmail: '',
  expectedExtensions: ['00001'],
  recheckFirst: false,
});

/** The stand-in with two Exchange servers, 4 sessions over them; ex2's calls break (a remoting transport error) while `ex2Down()` says so. */
function twoServers(ex2RetryMs: number, ex2Down: () => boolean) {
  const stood = stand({});
  const shell = stood.deps.powershell as unknown as Record<string, unknown>;
  shell.exchangeEndpoints = () => [
    { index: 0, server: 'ex1.contoso.test', budget: 18, retryMs: 60_000 },
    { index: 1, server: 'ex2.contoso.test', budget: 18, retryMs: ex2RetryMs },
  ];
  // A row whose call broke is read back first: the stand-in directory has nobody, so it runs again.
  (stood.deps as unknown as Record<string, unknown>).connections = { ensure: async () => ({ read: async () => undefined }) };
  const calls: Array<{ dn: string; endpoint: number }> = [];
  shell.run = async (_p: string, _t: string, _c: string, parameters: Record<string, unknown>, options: { endpoint?: number }) => {
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (options.endpoint === 1 && ex2Down()) {
      const broken = 'Connecting to remote server ex2.contoso.test failed: The WinRM client cannot complete the operation.';
      return { ...answer([broken]), errors: [{ message: broken, exceptionType: 'System.Management.Automation.Remoting.PSRemotingTransportException' }] };
    }
    calls.push({ dn: String(parameters.Identity), endpoint: options.endpoint ?? 0 });
    return answer([]);
  };
  const run = (rows: RunRow[], onEndpoints: (endpoints: JobEndpoint[]) => void) =>
    runEnablement(
      rows,
      stood.deps,
      {
        jobId: 'enable-test01',
        profile: 'p',
        actor: 'admin',
        dryRun: false,
        concurrency: 4,
        finished: [],
        total: rows.length,
        onResult: () => undefined,
        onEndpoints,
      },
      stood.ctx,
    );
  return { ...stood, calls, run };
}

describe('runEnablement', () => {
  it('keeps every error Exchange wrote for a row, in order, with the values the row ran with', async () => {
    const { deps, ctx, ended, audited } = stand({
      'CN=a': answer(['The extension is taken.', 'The PIN is too weak.']),
      'CN=b': answer([]),
    });
    const invalid: RowResult = { line: 4, identity: 'x', outcome: 'invalid', messages: ['No mailbox.'], attempts: 0 };
    const message = await runEnablement(
      [row(2, 'CN=a'), row(3, 'CN=b')],
      deps,
      { jobId: 'enable-test01', profile: 'p', actor: 'admin', dryRun: false, concurrency: 1, finished: [invalid], total: 3, onResult: () => undefined },
      ctx,
    );
    expect(ended.find((r) => r.line === 2)).toMatchObject({
      outcome: 'failed',
      messages: ['The extension is taken.', 'The PIN is too weak.'],
      values,
      userDn: 'CN=a',
      inFile: { Identity: 'typo@contoso.test' },
    });
    expect(ended.find((r) => r.line === 3)).toMatchObject({ outcome: 'enabled', messages: [] });
    expect(audited).toEqual([
      expect.objectContaining({ target: 'CN=a', outcome: 'failed', error: 'The extension is taken. The PIN is too weak.' }),
      expect.objectContaining({ target: 'CN=b', outcome: 'succeeded' }),
    ]);
    // The invalid row was never sent: finished, not failed.
    expect(message).toBe('3 rows: 1 enabled, 1 failed, 1 invalid.');
  });

  it('waits out a cmdlet Exchange throttled and runs the same row again, not counted as an attempt', async () => {
    const { deps, ctx, ended } = stand({});
    const quota =
      'Processing data from remote server ex1.contoso.test failed with the following error message: The WS-Management service cannot process the request. The user load quota of 2 requests per 5 seconds has been exceeded. Send future requests at a slower rate or raise the quota for this user. The next request from this user will not be approved for at least 50 milliseconds.';
    const calls: string[] = [];
    (deps.powershell as unknown as { run: unknown }).run = async (_p: string, _t: string, _c: string, parameters: Record<string, unknown>) => {
      calls.push(String(parameters.Identity));
      return calls.length === 1
        ? { ...answer([quota]), errors: [{ message: quota, exceptionType: 'System.Management.Automation.Remoting.PSRemotingTransportException' }] }
        : answer([]);
    };
    const endpoints: unknown[] = [];
    await runEnablement(
      [row(2, 'CN=a')],
      deps,
      {
        jobId: 'enable-test01',
        profile: 'p',
        actor: 'admin',
        dryRun: false,
        concurrency: 1,
        finished: [],
        total: 1,
        onResult: () => undefined,
        onEndpoints: (e) => endpoints.push(e),
      },
      ctx,
    );
    expect(calls).toEqual(['CN=a', 'CN=a']);
    expect(ended).toMatchObject([{ line: 2, outcome: 'enabled', attempts: 1 }]);
    expect(endpoints).toContainEqual([expect.objectContaining({ server: 'ex1.contoso.test', state: 'throttled', throttled: 1 })]);
    expect(endpoints.at(-1)).toEqual([{ server: 'ex1.contoso.test', sessions: 1, budget: 18, state: 'running', throttled: 1 }]);
  });

  it("reports progress with only Exchange's refusals as failed", async () => {
    const { deps, ctx, progress } = stand({ 'CN=a': answer([]) });
    const finished: RowResult[] = [
      { line: 3, identity: 'x', outcome: 'invalid', messages: ['No mailbox.'], attempts: 0 },
      { line: 4, identity: 'y', outcome: 'not-permitted', messages: ['No rights.'], attempts: 0 },
      { line: 5, identity: 'z', outcome: 'already-done', messages: [], attempts: 0 },
    ];
    await runEnablement(
      [row(2, 'CN=a')],
      deps,
      { jobId: 'enable-test01', profile: 'p', actor: 'admin', dryRun: true, concurrency: 1, finished, total: 4, onResult: () => undefined },
      ctx,
    );
    expect(progress.at(-1)).toEqual({ done: 4, failed: 0 });
  });

  it('rests a drained endpoint, tries it again on one session, and gives it its sessions back once it answers', async () => {
    let ex2Down = true;
    const { ended, calls, run } = twoServers(100, () => ex2Down);
    const endpoints: JobEndpoint[][] = [];
    const rows = Array.from({ length: 60 }, (_, i) => row(i + 2, `CN=u${i}`));
    const message = await run(rows, (e) => {
      endpoints.push(e);
      // Back once the job has said when it will try it again.
      if (e[1]?.state === 'drained' && e[1].retryAt) ex2Down = false;
    });
    expect(message).toBe('60 rows: 60 enabled.');
    expect(ended.map((r) => r.outcome)).toEqual(rows.map(() => 'enabled'));
    expect(new Set(calls.map((c) => c.dn)).size).toBe(60);
    expect(calls).toHaveLength(60);
    const ex2 = endpoints.map((e) => e[1]!);
    const drained = ex2.findIndex((e) => e.state === 'drained' && e.retryAt);
    expect(drained).toBeGreaterThan(-1);
    // Tried again on one session, then all of its share.
    expect(ex2.slice(drained).map((e) => `${e.state}:${e.sessions}`)).toEqual(expect.arrayContaining(['running:1', 'running:2']));
    expect(calls.filter((c) => c.endpoint === 1).length).toBeGreaterThan(0);
    expect(endpoints.at(-1)!.map((e) => [e.server, e.state, e.sessions])).toEqual([
      ['ex1.contoso.test', 'running', 2],
      ['ex2.contoso.test', 'running', 2],
    ]);
  });

  it('does not try a drained endpoint again once the job is over, and says no time for it', async () => {
    const { run } = twoServers(60_000, () => true);
    const endpoints: JobEndpoint[][] = [];
    const started = Date.now();
    await run(
      Array.from({ length: 12 }, (_, i) => row(i + 2, `CN=u${i}`)),
      (e) => endpoints.push(e),
    );
    // The minute's rest did not hold the job's end.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(endpoints.some((e) => e[1]!.retryAt)).toBe(true);
    expect(endpoints.at(-1)!.map((e) => e.state)).toEqual(['running', 'drained']);
    expect(endpoints.at(-1)![1]!.retryAt).toBeUndefined();
  });
});
