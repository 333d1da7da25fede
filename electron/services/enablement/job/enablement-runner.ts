import type { RowOutcomeKind, RowResult, RowValues } from '@shared/models/enablement';
import { countResults, describeCounts } from '@shared/enablement/job-counts';
import type { PsErrorRecord } from '@shared/models/powershell';
import { ApiError } from '@shared/errors';
import type { AuditLog } from '../../audit/audit-log';
import type { ConnectionManager } from '../../directory/connection-manager';
import type { JobContext } from '../../jobs/job-manager';
import type { PowerShellService } from '../../powershell/powershell-service';
import { readUser } from '../validation/directory-facts';
import { isEnabledAs, parseBoolean } from '../validation/row-rules';
import type { JobJournal } from './job-journal';

/** One row to run, with the real PIN (memory only) and what a finished row must look like. */
export interface RunRow {
  line: number;
  identity: string;
  /** The row as it is run (edits applied, extensions and identifier as sent, the PIN as dots): kept in its result. */
  values: RowValues;
  /** The file's values that differ from `values` (edits, a `sip:` removed): kept beside them in its result. */
  inFile: Partial<RowValues>;
  userDn: string;
  policy: string;
  policyDn: string;
  /** The extensions sent, normalised (empty: Exchange derives one from telephoneNumber). */
  extensions: string[];
  /** The SIP resource identifier sent, normalised (empty: none, or Exchange takes the sip: proxy). */
  sri: string;
  pin: string;
  pinExpired: string;
  notifyEmail: string;
  /** What validation expects the row to set: the proof a re-check looks for. */
  expectedExtensions: string[];
  expectedSri?: string;
  /** The Lync SIP address check the admin overrode for this row (for the job or the row): audited with the enablement. */
  sipMismatchOverride?: { scope: 'row' | 'job'; lyncAddress: string };
  /** In flight when an earlier run stopped: look at the directory before running it again. */
  recheckFirst: boolean;
}

export interface RunDependencies {
  powershell: PowerShellService;
  connections: ConnectionManager;
  audit: AuditLog;
  journal: JobJournal;
  log: (message: string) => void;
}

export interface RunOptions {
  jobId: string;
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
}

const MAX_ATTEMPTS = 4;
const DIRECTORY_WAIT_MS = 15 * 60_000;

/** What a row asked Exchange for, for the audit: never the PIN; the Lync override when the admin gave one. */
function requested(row: RunRow): Record<string, unknown> {
  return {
    policy: row.policy,
    extensions: row.expectedExtensions,
    sipResourceIdentifier: row.expectedSri,
    ...(row.sipMismatchOverride
      ? { lyncSipAddressOverride: { scope: row.sipMismatchOverride.scope, lyncAddress: row.sipMismatchOverride.lyncAddress || undefined } }
      : {}),
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
 * Runs Enable-UMMailbox for each row with bounded concurrency, pause and cancel (both take effect
 * between rows; rows in flight finish). Each row is journalled as it starts and ends. A row whose
 * outcome is unknown — the shell died or timed out mid-call, or it was in flight when an earlier
 * run stopped — is settled by reading the user from the directory before anything is retried, so
 * every row is enabled exactly once. A directory outage pauses the work until the DC answers.
 */
export async function runEnablement(rows: RunRow[], deps: RunDependencies, options: RunOptions, ctx: JobContext): Promise<string> {
  const { powershell, journal } = deps;
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

  const finish = (row: RunRow, outcome: RowOutcomeKind, attempts: number, messages: string[] = []) => {
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
    };
    journal.ended(result);
    finishedRows.push(result);
    if (!options.dryRun && (outcome === 'enabled' || outcome === 'failed')) {
      const audited = deps.audit.begin({
        actor: { profile: options.profile, identity: options.actor },
        action: 'enablement.enable',
        target: row.userDn,
        route: 'powershell',
        before: { umEnabled: false },
        jobId: options.jobId,
      });
      if (outcome === 'enabled') audited.succeeded({ after: { umEnabled: true, ...requested(row) } });
      else audited.failed(message || undefined, { after: { umEnabled: false, requested: requested(row) } });
    }
    count(outcome);
    options.onResult(result);
    ctx.progress({ ...counts });
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

  /** Reads the user: is it enabled as this row wants? */
  const settled = async (row: RunRow): Promise<'enabled' | 'not-enabled' | 'enabled-differently'> => {
    for (;;) {
      try {
        const session = await deps.connections.ensure(options.profile);
        const user = await readUser(session, row.userDn);
        if (!user?.umEnabled) return 'not-enabled';
        return isEnabledAs(user, row.policyDn, row.expectedExtensions, row.expectedSri) ? 'enabled' : 'enabled-differently';
      } catch (error) {
        if (error instanceof ApiError && (error.code === 'DC_UNREACHABLE' || error.code === 'TIMEOUT' || error.code === 'NOT_CONNECTED')) {
          await waitForDirectory('re-checking a row');
          continue;
        }
        throw error;
      }
    }
  };

  const runRow = async (row: RunRow) => {
    let recheck = row.recheckFirst;
    for (let attempt = 1; ; attempt++) {
      if (outage) await outage;
      journal.started(row.line);
      if (recheck && !options.dryRun) {
        const state = await settled(row);
        if (state === 'enabled') return finish(row, 'enabled', attempt, ['Enabled before the interruption; confirmed in the directory.']);
        if (state === 'enabled-differently')
          return finish(row, 'failed', attempt, ['The mailbox was enabled with other settings while the job was interrupted; check it in Exchange.']);
      }
      const parameters: Record<string, unknown> = { Identity: row.userDn, UMMailboxPolicy: row.policy };
      if (row.extensions.length) parameters.Extensions = row.extensions;
      if (row.sri) parameters.SIPResourceIdentifier = row.sri;
      if (row.pin) parameters.PIN = row.pin;
      const expired = parseBoolean(row.pinExpired);
      if (expired !== undefined) parameters.PINExpired = expired;
      if (row.notifyEmail) parameters.NotifyEmail = row.notifyEmail;
      if (options.dryRun) parameters.ValidateOnly = true;
      try {
        powershell.reserve(options.profile, 'exchange', options.concurrency);
        const result = await powershell.run(options.profile, 'exchange', 'Enable-UMMailbox', parameters);
        if (result.ok) return finish(row, options.dryRun ? 'validated' : 'enabled', attempt);
        // Every error Exchange wrote, in its order: the first is not always the one that matters.
        const errors = result.errors.length ? result.errors : [{ message: 'Enable-UMMailbox failed without a message.' }];
        const messages = errors.map((e) => e.message);
        const first = errors[0]!;
        if (/AlreadyUmEnabled|already enabled/i.test(`${first.fullyQualifiedErrorId ?? ''} ${first.message}`) && !options.dryRun) {
          const state = await settled(row);
          return finish(row, state === 'enabled' ? 'already-done' : 'failed', attempt, messages);
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
        if (['POWERSHELL_SESSION_DIED', 'TIMEOUT', 'POWERSHELL_UNAVAILABLE'].includes(code) && attempt < MAX_ATTEMPTS) {
          // The call may or may not have reached Exchange: the directory decides.
          deps.log(`enablement ${options.jobId}: line ${row.line}: ${code}; re-checking before a retry`);
          recheck = true;
          continue;
        }
        return finish(row, 'failed', attempt, [message]);
      }
    }
  };

  const queue = [...rows];
  const worker = async () => {
    for (;;) {
      await ctx.waitIfPaused();
      if (ctx.signal.aborted) return;
      const row = queue.shift();
      if (!row) return;
      await runRow(row);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(options.concurrency, rows.length)) }, worker));
  const failure = results.find((r) => r.status === 'rejected');
  if (failure && !(failure.reason instanceof ApiError && failure.reason.code === 'CANCELLED')) throw failure.reason;
  return describeCounts(countResults(finishedRows, options.total));
}
