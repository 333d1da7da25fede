import { umStateSchema, type JobEndpoint, type RowOutcomeKind, type RowResult, type UmState } from '@shared/models/enablement';
import { rdnValue } from '@shared/dn';
import { countResults, describeCounts } from '@shared/enablement/job-counts';
import { rowMessageText } from '@shared/enablement/row-message-text';
import type { PsErrorRecord } from '@shared/models/powershell';
import { ApiError } from '@shared/errors';
import type { AuditLog } from '../../audit/audit-log';
import type { ConnectionManager } from '../../directory/connection-manager';
import type { JobContext } from '../../jobs/job-manager';
import { parseThrottling, throttlingBackoffMs, type Throttling } from '../../powershell/exchange-throttling';
import type { ExchangeEndpointPlan, PowerShellService } from '../../powershell/powershell-service';
import { doneOutcome } from '@shared/enablement/operations';
import { enableOperation } from '../operations/enable';
import type { Operation, RunRow } from '../operations/operation';
import { readUser } from '../validation/directory-facts';
import type { UserFacts } from '../validation/row-rules';
import type { JobJournal } from './job-journal';

export type { RunRow } from '../operations/operation';

export interface RunDependencies {
  powershell: PowerShellService;
  connections: ConnectionManager;
  audit: AuditLog;
  journal: JobJournal;
  log: (message: string) => void;
}

export interface RunOptions {
  jobId: string;
  /** What each row runs (enable, disable, …); enable unless given. */
  operation?: Operation;
  profile: string;
  /** The account the profile binds as: the audit's "who". */
  actor: string;
  dryRun: boolean;
  concurrency: number;
  /** Rows already finished (resume, or never sent): counted, not run. */
  finished: RowResult[];
  /** Every row of the job, for the closing count. */
  total: number;
  onResult: (result: RowResult) => void;
  /** Each Exchange endpoint's state, whenever it changes (sessions, throttling, drained). */
  onEndpoints?: (endpoints: JobEndpoint[]) => void;
}

const MAX_ATTEMPTS = 4;
/** Failures in a row after which an endpoint is drained (or, when it is the last one, the job stops). */
const ENDPOINT_FAILURES = 3;
const DIRECTORY_WAIT_MS = 15 * 60_000;
/** The longest a drained endpoint rests before it is tried again (each rest is twice the last, from its retryMs). */
const MAX_ENDPOINT_RETRY_MS = 10 * 60_000;

/** What a row in flight when a run stopped, and found done in the directory, says. */
export function doneBeforeInterruption(operation: Operation): string {
  if (operation.undo) return rowMessageText({ code: 'rollback-undone-confirmed', params: {} });
  return operation.name === 'enable'
    ? 'Enabled before the interruption; confirmed in the directory.'
    : `Done (${operation.name}) before the interruption; confirmed in the directory.`;
}

/** The UM state an enabled row left: its policy by name, the extensions and identifier validation expected. */
function enabledAs(row: RunRow): UmState {
  return {
    umEnabled: true,
    policy: row.policyDn ? rdnValue(row.policyDn) : row.policy,
    extensions: row.expectedExtensions,
    ...(row.expectedSri ? { sipResourceIdentifier: row.expectedSri } : {}),
  };
}

/** Failures that say nothing about the row: the directory or the shell went away. Retried after it is back. */
export function isTransientError(record: PsErrorRecord): boolean {
  const text = `${record.message} ${record.fullyQualifiedErrorId ?? ''} ${record.exceptionType ?? ''}`;
  return /server is unavailable|server is not operational|ServerDown|Unavailable\b|LdapException|connection (was )?(reset|refused|closed)|timed? ?out|Busy/i.test(
    text,
  );
}

/**
 * A failure of the endpoint, not of the row: the remote session broke or the server does not
 * answer (a remoting transport error that is not throttling), or the shell died, timed out or
 * could not start.
 */
function isEndpointFailure(record: PsErrorRecord): boolean {
  return /PSRemotingTransportException/.test(record.exceptionType ?? '') && !parseThrottling(record.message);
}

/** An endpoint as the job uses it: its workers (one session each), failures in a row, throttling, draining. */
interface Endpoint extends ExchangeEndpointPlan {
  workers: number;
  failures: number;
  drained: boolean;
  /** Back from draining on one session: the first answer gives it its workers again, the first failure drains it again. */
  probing: boolean;
  /** Times drained in this run: each rest before it is tried again is twice the last. */
  drains: number;
  /** While drained: when it is tried again (ms since the epoch), and the timer that will. */
  retryAt?: number;
  retry?: ReturnType<typeof setTimeout>;
  throttledUntil: number;
  throttled: number;
}

/**
 * Spreads `concurrency` sessions over the endpoints, one at a time to the endpoint with the fewest,
 * never past an endpoint's budget: the job's concurrency is at most the sum of the budgets.
 */
export function spreadSessions(plans: Array<Pick<ExchangeEndpointPlan, 'budget'>>, concurrency: number): number[] {
  const counts = plans.map(() => 0);
  for (let n = 0; n < concurrency; n++) {
    let best = -1;
    for (let i = 0; i < plans.length; i++) if (counts[i]! < plans[i]!.budget && (best < 0 || counts[i]! < counts[best]!)) best = i;
    if (best < 0) break;
    counts[best]!++;
  }
  return counts;
}

/**
 * Runs the operation's cmdlet(s) for each row (Enable-UMMailbox for an enable job) with bounded concurrency, pause and cancel (both take effect
 * between rows; rows in flight finish). Each row is journalled as it starts and ends. A row whose
 * outcome is unknown — the shell died or timed out mid-call, or it was in flight when an earlier
 * run stopped — is settled by reading the user from the directory before anything is retried, so
 * every row is changed exactly once. A directory outage pauses the work until the DC answers.
 */
export async function runEnablement(rows: RunRow[], deps: RunDependencies, options: RunOptions, ctx: JobContext): Promise<string> {
  const { powershell, journal } = deps;
  const operation = options.operation ?? enableOperation;
  const succeeded = options.dryRun ? 'validated' : operation.undo ? 'undone' : doneOutcome(operation.name);
  /** What a row carried out left, for a rollback to check the user against: the UM part of what the audit records. */
  const left = (row: RunRow): UmState => (operation.name === 'enable' && !operation.undo ? enabledAs(row) : umStateSchema.parse(operation.after(row)));
  // The job's generic progress: rows finished, and of those the ones Exchange refused. Rows never
  // sent (invalid, not permitted) are finished, not failed; the screen shows the full breakdown.
  const counts = { done: 0, failed: 0 };
  const finishedRows = [...options.finished];
  for (const r of options.finished) count(r.outcome);
  ctx.progress({ ...counts });
  let outage: Promise<void> | undefined;

  function count(outcome: RowOutcomeKind) {
    if (outcome === 'failed') counts.failed++;
    else counts.done++;
  }

  const finish = (row: RunRow, outcome: RowOutcomeKind, attempts: number, messages: string[] = []): 'done' => {
    const message = messages.join(' ');
    const result: RowResult = {
      line: row.line,
      identity: row.identity,
      outcome,
      messages,
      attempts,
      at: new Date().toISOString(),
      values: row.values,
      userDn: row.userDn,
      ...(Object.keys(row.inFile).length ? { inFile: row.inFile } : {}),
      ...(row.before ? { before: row.before } : {}),
      ...(outcome === succeeded && !options.dryRun ? { after: left(row) } : {}),
    };
    journal.ended(result);
    finishedRows.push(result);
    if (!options.dryRun && (outcome === succeeded || outcome === 'failed')) {
      const before = row.before ?? { umEnabled: false };
      const audited = deps.audit.begin({
        actor: { profile: options.profile, identity: options.actor },
        action: operation.undo ? 'enablement.rollback' : `enablement.${operation.name}`,
        target: row.userDn,
        route: 'powershell',
        before,
        jobId: options.jobId,
      });
      if (outcome === succeeded) audited.succeeded({ after: operation.after(row) });
      else audited.failed(message || undefined, { after: { ...before, requested: operation.requested(row) } });
    }
    count(outcome);
    options.onResult(result);
    ctx.progress({ ...counts });
    return 'done';
  };

  /** Waits until the directory answers again (once for all workers), then gives the shell fresh sessions. */
  const waitForDirectory = (reason: string) => {
    outage ??= (async () => {
      deps.log(`enablement ${options.jobId}: ${reason}; waiting for the directory`);
      const started = Date.now();
      for (let delay = 1000; ; delay = Math.min(delay * 2, 15_000)) {
        if (ctx.signal.aborted) throw new ApiError('CANCELLED', 'The job was cancelled.');
        ctx.progress({ message: `Waiting for the directory to answer again (${Math.round((Date.now() - started) / 1000)} s): ${reason}` });
        try {
          const session = await deps.connections.ensure(options.profile);
          await session.read(session.rootDse.defaultNamingContext, ['objectClass']);
          break;
        } catch (error) {
          if (Date.now() - started > DIRECTORY_WAIT_MS)
            throw new ApiError(
              'DC_UNREACHABLE',
              `The directory did not answer for ${DIRECTORY_WAIT_MS / 60_000} minutes; the job stopped. Resume it when the DC is back.`,
              { cause: String(error) },
            );
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
      await powershell.recycle(options.profile, 'exchange');
      ctx.progress({ message: '' });
    })().finally(() => (outage = undefined));
    return outage;
  };

  /** Reads the row's user (undefined: gone), waiting out a directory outage. */
  const readBack = async (row: RunRow): Promise<UserFacts | undefined> => {
    for (;;) {
      try {
        const session = await deps.connections.ensure(options.profile);
        const user = await readUser(session, row.userDn);
        if (user) row.readBack = user;
        return user;
      } catch (error) {
        if (error instanceof ApiError && (error.code === 'DC_UNREACHABLE' || error.code === 'TIMEOUT' || error.code === 'NOT_CONNECTED')) {
          await waitForDirectory('re-checking a row');
          continue;
        }
        throw error;
      }
    }
  };
  /** Reads the user: is the row done as it wants? (undefined: the directory cannot tell; run it again.) */
  const settled = async (row: RunRow): Promise<'done' | 'not-done' | 'different' | undefined> => {
    const user = await readBack(row);
    return user ? operation.settle(user, row) : 'not-done';
  };

  // The profile's Exchange endpoints, each with its share of the job's sessions.
  const plans = powershell.exchangeEndpoints(options.profile);
  const shares = spreadSessions(plans, Math.max(1, Math.min(options.concurrency, rows.length)));
  const endpoints: Endpoint[] = plans.map((plan, i) => ({
    ...plan,
    workers: shares[i]!,
    failures: 0,
    drained: false,
    probing: false,
    drains: 0,
    throttledUntil: 0,
    throttled: 0,
  }));
  /** Set once the workers are done: no drained endpoint is tried again after that. */
  let ended = false;
  const reportEndpoints = () => {
    const now = Date.now();
    options.onEndpoints?.(
      endpoints.map((e) => ({
        server: e.server,
        sessions: e.drained ? 0 : e.probing ? 1 : e.workers,
        budget: e.budget,
        state: e.drained ? 'drained' : e.throttledUntil > now ? 'throttled' : 'running',
        ...(!e.drained && e.throttledUntil > now ? { waitSeconds: Math.ceil((e.throttledUntil - now) / 1000) } : {}),
        ...(e.drained && e.retryAt && !ended ? { retryAt: new Date(e.retryAt).toISOString() } : {}),
        throttled: e.throttled,
      })),
    );
    ctx.progress({});
  };
  /** Calls made per line (a throttling refusal is not an attempt: nothing ran). */
  const attempts = new Map<number, number>();
  const queue = [...rows];
  /** The workers running now, each on one endpoint with one session. */
  const running = new Set<Promise<void>>();
  /** The first error a worker threw (the job stops on it; a cancel is not one). */
  let failure: unknown;
  const spawn = (endpoint: Endpoint, count: number) => {
    for (let n = 0; n < count; n++) {
      const one: Promise<void> = worker(endpoint)
        .catch((error: unknown) => void (failure ??= error))
        .finally(() => running.delete(one));
      running.add(one);
    }
  };
  /** Set when every endpoint failed: the job stops; its journal lets a later run resume it. */
  let stopped: ApiError | undefined;

  /** Waits out a throttling refusal on this endpoint: at least what Exchange stated, with jitter. */
  const backOff = async (endpoint: Endpoint, throttling: Throttling, inARow: number) => {
    const waitMs = throttlingBackoffMs(throttling, inARow);
    endpoint.throttled++;
    endpoint.throttledUntil = Math.max(endpoint.throttledUntil, Date.now() + waitMs);
    deps.log(`enablement ${options.jobId}: ${endpoint.server} throttled (${throttling.budget}); waiting ${waitMs} ms`);
    reportEndpoints();
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    reportEndpoints();
  };

  /**
   * The endpoint failed this row's call. After ENDPOINT_FAILURES in a row (one, while it is being
   * tried again) it is drained and its rows go to the others, and after a rest one session tries
   * it again; when none is left the job stops with a message saying so.
   */
  const endpointFailed = (endpoint: Endpoint, message: string) => {
    endpoint.failures++;
    if ((endpoint.failures < ENDPOINT_FAILURES && !endpoint.probing) || endpoint.drained) return;
    endpoint.drained = true;
    endpoint.probing = false;
    deps.log(`enablement ${options.jobId}: ${endpoint.server} drained after ${endpoint.failures} failures: ${message}`);
    if (endpoints.every((e) => e.drained)) {
      stopped ??= new ApiError(
        'POWERSHELL_UNAVAILABLE',
        `Every Exchange endpoint failed (${endpoints.map((e) => e.server).join(', ')}); the job stopped. Resume it when Exchange answers: rows in flight are checked in the directory first. Last error: ${message}`,
      );
    } else {
      const rest = Math.min(endpoint.retryMs * 2 ** endpoint.drains, MAX_ENDPOINT_RETRY_MS);
      endpoint.drains++;
      endpoint.retryAt = Date.now() + rest;
      endpoint.retry = setTimeout(() => tryAgain(endpoint), rest);
    }
    reportEndpoints();
  };
  /** A drained endpoint's rest is over: one session takes rows on it again, if any are left. */
  const tryAgain = (endpoint: Endpoint) => {
    endpoint.retry = undefined;
    endpoint.retryAt = undefined;
    if (ended || stopped || ctx.signal.aborted || !queue.length) return reportEndpoints();
    deps.log(`enablement ${options.jobId}: trying ${endpoint.server} again on one session`);
    endpoint.drained = false;
    endpoint.failures = 0;
    endpoint.probing = true;
    spawn(endpoint, 1);
    reportEndpoints();
  };
  /** Exchange answered on this endpoint (the row succeeded, or failed for a reason of its own): it works. */
  const answered = (endpoint: Endpoint) => {
    endpoint.failures = 0;
    if (!endpoint.probing) return;
    endpoint.probing = false;
    deps.log(`enablement ${options.jobId}: ${endpoint.server} answers again; back to ${endpoint.workers} sessions`);
    spawn(endpoint, endpoint.workers - 1);
    reportEndpoints();
  };

  /** What an undo says of a row undone (a new PIN). */
  const notes = (row: RunRow): string[] => {
    const note = operation.undo?.note(row);
    return note ? [note] : [];
  };
  /**
   * Runs one row on one endpoint. `requeue`: the row goes back to the queue for any endpoint (this
   * one failed; an uncertain row is re-checked first); `retire`: Exchange refused this endpoint
   * another session, so this worker stops and its row waits for another.
   */
  const runRow = async (row: RunRow, endpoint: Endpoint): Promise<'done' | 'requeue' | 'retire'> => {
    let recheck = row.recheckFirst;
    /** In flight when an earlier run stopped: a call of that run may still land after the re-check. */
    const wasInFlight = row.recheckFirst;
    let throttledInARow = 0;
    /** An undo's row was read before its first call in this run (a retry goes on from there). */
    let looked = false;
    // Attempts count across endpoints: a row handed back goes on from where it was.
    for (let attempt = (attempts.get(row.line) ?? 0) + 1; ; attempt++) {
      attempts.set(row.line, attempt);
      if (outage) await outage;
      journal.started(row.line);
      if (operation.undo && !options.dryRun && !recheck && !looked) {
        // An undo's row is read right before it runs: one changed since the job is left alone.
        const changed = operation.undo.changedSince(await readBack(row), row);
        if (changed) return finish(row, 'skipped', attempt, [changed]);
      }
      looked = true;
      if (recheck && !options.dryRun) {
        const state = await settled(row);
        if (state === 'done') return finish(row, succeeded, attempt, [doneBeforeInterruption(operation), ...notes(row)]);
        if (state === 'different')
          return operation.undo
            ? finish(row, 'skipped', attempt, [operation.undo.changedSince(row.readBack, row) ?? ''])
            : finish(row, 'failed', attempt, ['The mailbox was changed with other settings while the job was interrupted; check it in Exchange.']);
        recheck = false;
        row.recheckFirst = false;
      }
      const calls = operation.calls(row, options.dryRun, row.readBack);
      if (calls.length === 0)
        return finish(row, succeeded, attempt, [`Checked against the directory only: ${operation.name} has no validate-only switch in Exchange.`]);
      try {
        powershell.reserve(options.profile, 'exchange', endpoint.workers, endpoint.index);
        let result: Awaited<ReturnType<typeof powershell.run>> | undefined;
        /** The calls of this row that succeeded before one failed (a move's disable before its enable). */
        const ran: string[] = [];
        for (const call of calls) {
          result = await powershell.run(
            options.profile,
            call.shell,
            call.cmdlet,
            call.parameters,
            call.shell === 'exchange' ? { endpoint: endpoint.index } : {},
          );
          if (!result.ok) break;
          ran.push(call.cmdlet);
        }
        if (result!.ok) {
          answered(endpoint);
          return finish(row, succeeded, attempt, notes(row));
        }
        // Every error Exchange wrote, in its order: the first is not always the one that matters.
        const errors = result!.errors.length ? result!.errors : [{ message: `${calls.map((c) => c.cmdlet).join(', ')} failed without a message.` }];
        const messages = [
          ...(ran.length ? [`${ran.join(', ')} succeeded before this failed; the user is left as it made it.`] : []),
          ...errors.map((e) => e.message),
        ];
        const first = errors[0]!;
        // Refused for the user's cmdlet budget before it ran: wait as told, try the same row again.
        const throttling = parseThrottling(first.message);
        if (throttling) {
          await backOff(endpoint, throttling, ++throttledInARow);
          if (ctx.signal.aborted) return 'requeue';
          attempt--;
          continue;
        }
        if (isEndpointFailure(first)) {
          // The remote session broke: whether the call reached Exchange is unknown, so the directory decides.
          endpointFailed(endpoint, first.message);
          row.recheckFirst = true;
          if (attempt < MAX_ATTEMPTS) return 'requeue';
          return finish(row, 'failed', attempt, messages);
        }
        // Exchange answered: the endpoint works.
        answered(endpoint);
        if (operation.alreadyDone?.test(`${first.fullyQualifiedErrorId ?? ''} ${first.message}`) && !options.dryRun) {
          const state = await settled(row);
          // Half done (a move's disable landed, its enable did not): what is left runs, from the read-back.
          if (state === 'not-done' && attempt < MAX_ATTEMPTS) continue;
          if (state !== 'done') return finish(row, 'failed', attempt, messages);
          // A remote session carries on with its command when the client that sent it is killed, so
          // the interrupted run's own call can land after the re-check: that row is this job's doing.
          return wasInFlight
            ? finish(row, succeeded, attempt, [doneBeforeInterruption(operation), ...notes(row)])
            : finish(row, 'already-done', attempt, messages);
        }
        if (isTransientError(first) && attempt < MAX_ATTEMPTS) {
          await waitForDirectory(first.message);
          recheck = true;
          continue;
        }
        return finish(row, 'failed', attempt, messages);
      } catch (error) {
        const code = error instanceof ApiError ? error.code : 'INTERNAL';
        const message = error instanceof Error ? error.message : String(error);
        // The session could not open because the user has all the sessions Exchange allows [S44].
        const throttling = code === 'POWERSHELL_UNAVAILABLE' ? parseThrottling(message) : undefined;
        if (throttling) {
          if (endpoint.workers > 1) {
            endpoint.workers--;
            deps.log(`enablement ${options.jobId}: ${endpoint.server} refused another session; ${endpoint.workers} left on it`);
            reportEndpoints();
            return 'retire';
          }
          await backOff(endpoint, throttling, ++throttledInARow);
          if (ctx.signal.aborted) return 'requeue';
          attempt--;
          continue;
        }
        if (['POWERSHELL_SESSION_DIED', 'TIMEOUT', 'POWERSHELL_UNAVAILABLE'].includes(code)) {
          // The call may or may not have reached Exchange: the directory decides.
          deps.log(`enablement ${options.jobId}: line ${row.line}: ${code} on ${endpoint.server}; re-checking before a retry`);
          endpointFailed(endpoint, message);
          row.recheckFirst = true;
          if (attempt < MAX_ATTEMPTS) return 'requeue';
        }
        return finish(row, 'failed', attempt, [message]);
      }
    }
  };

  const worker = async (endpoint: Endpoint) => {
    for (;;) {
      await ctx.waitIfPaused();
      if (ctx.signal.aborted || stopped || endpoint.drained) return;
      const row = queue.shift();
      if (!row) return;
      const outcome = await runRow(row, endpoint);
      // Nothing ran for a retired worker's row: it keeps its place. A row whose endpoint failed
      // goes to the back, so this endpoint does not take it again at once.
      if (outcome === 'retire') {
        queue.unshift(row);
        return;
      }
      if (outcome === 'requeue') queue.push(row);
    }
  };
  reportEndpoints();
  try {
    // A row handed back after the other workers found the queue empty gets a new round of workers.
    while (queue.length && !ctx.signal.aborted && !stopped && !failure && endpoints.some((e) => !e.drained)) {
      for (const e of endpoints) if (!e.drained) spawn(e, e.probing ? 1 : Math.max(1, e.workers));
      // Workers can join while these run (an endpoint tried again, or answering again).
      while (running.size) await Promise.race(running);
    }
  } finally {
    ended = true;
    // A rest still running is over: the last report says no time for it.
    const resting = endpoints.filter((e) => e.retry);
    for (const e of resting) clearTimeout(e.retry);
    if (resting.length) reportEndpoints();
  }
  if (failure && !(failure instanceof ApiError && failure.code === 'CANCELLED')) throw failure;
  if (stopped) throw stopped;
  return describeCounts(countResults(finishedRows, options.total));
}
