import type { RowMessage, RowResult, RowValues, UmState } from '@shared/models/enablement';
import { countResults, describeCounts } from '@shared/enablement/job-counts';
import { rowMessageText } from '@shared/enablement/row-message-text';
import { rdnValue } from '@shared/dn';
import { ApiError } from '@shared/errors';
import type { AuditLog } from '../../audit/audit-log';
import type { ConnectionManager } from '../../directory/connection-manager';
import type { JobContext } from '../../jobs/job-manager';
import { parseThrottling, throttlingBackoffMs } from '../../powershell/exchange-throttling';
import type { PowerShellService } from '../../powershell/powershell-service';
import type { UserFacts } from '../validation/row-rules';
import { eumNumbers } from '../validation/row-rules';
import { readUsers } from '../validation/directory-facts';
import type { JobJournal } from '../job/job-journal';
import { changedSince, type Inverse } from './inverses';

/** One row to undo: the user, the inverse, and whether it was in flight when an earlier run stopped. */
export interface UndoRow {
  line: number;
  identity: string;
  userDn: string;
  values?: RowValues;
  inverse: Extract<Inverse, { kind: 'undo' }>;
  recheckFirst: boolean;
}

export interface RollbackRunDependencies {
  powershell: PowerShellService;
  connections: ConnectionManager;
  audit: AuditLog;
  journal: JobJournal;
  log: (message: string) => void;
}

export interface RollbackRunOptions {
  jobId: string;
  /** The job being undone. */
  rollbackOf: string;
  profile: string;
  actor: string;
  concurrency: number;
  finished: RowResult[];
  total: number;
  onResult: (result: RowResult) => void;
}

const MAX_ATTEMPTS = 4;
const DIRECTORY_TRIES = 10;

/** A mailbox's UM state as the directory shows it, in the shape a job records. */
export function umStateOf(user: UserFacts | undefined): UmState | undefined {
  if (!user) return undefined;
  const numbers = eumNumbers(user);
  const sri = numbers.find((n) => !/^\d+$/.test(n));
  return {
    umEnabled: user.umEnabled,
    ...(user.policyDn ? { policy: rdnValue(user.policyDn) } : {}),
    extensions: numbers.filter((n) => /^\d+$/.test(n)),
    ...(sri ? { sipResourceIdentifier: sri } : {}),
    ...(user.lineUri ? { lineUri: user.lineUri } : {}),
  };
}

/**
 * Undoes each row with bounded concurrency; pause and cancel take effect between rows. Right
 * before its inverse is sent, each row's mailbox is read again: one that is no longer as the job
 * left it is skipped with what differs. A row whose outcome is unknown (the shell died mid-call,
 * or it was in flight when an earlier run stopped) is settled by the directory before anything is
 * sent again, so every row is undone at most once. Each row is journalled as it starts and ends.
 */
export async function runRollback(rows: UndoRow[], deps: RollbackRunDependencies, options: RollbackRunOptions, ctx: JobContext): Promise<string> {
  const { powershell, journal } = deps;
  const results = [...options.finished];
  const counts = { done: 0, failed: 0 };
  const count = (r: RowResult) => (r.outcome === 'failed' ? counts.failed++ : counts.done++);
  for (const r of options.finished) count(r);
  ctx.progress({ ...counts });

  const finish = (row: UndoRow, outcome: 'undone' | 'skipped' | 'failed', attempts: number, messages: string[], sent: boolean): void => {
    const result: RowResult = {
      line: row.line,
      identity: row.identity,
      outcome,
      messages,
      attempts,
      at: new Date().toISOString(),
      ...(row.values ? { values: row.values } : {}),
      userDn: row.userDn,
      ...(outcome === 'undone' ? { before: row.inverse.left, after: row.inverse.restores } : {}),
    };
    journal.ended(result);
    if (sent) {
      const audited = deps.audit.begin({
        actor: { profile: options.profile, identity: options.actor },
        action: 'enablement.rollback',
        target: row.userDn,
        route: 'powershell',
        before: { ...row.inverse.left, job: options.rollbackOf },
        jobId: options.jobId,
      });
      if (outcome === 'undone') audited.succeeded({ after: row.inverse.restores });
      else audited.failed(messages.join(' ') || undefined);
    }
    results.push(result);
    count(result);
    options.onResult(result);
    ctx.progress({ ...counts });
  };

  /** The mailbox now; a directory that does not answer is tried again a few times, then the job stops (resume it later). */
  const current = async (row: UndoRow): Promise<UmState | undefined> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const session = await deps.connections.ensure(options.profile);
        return umStateOf((await readUsers(session, [row.userDn])).get(row.userDn.toLowerCase()));
      } catch (error) {
        const code = error instanceof ApiError ? error.code : '';
        if (!['DC_UNREACHABLE', 'TIMEOUT', 'NOT_CONNECTED'].includes(code) || attempt >= DIRECTORY_TRIES || ctx.signal.aborted) throw error;
        ctx.progress({ message: `Waiting for the directory to answer again: ${(error as Error).message}` });
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** attempt, 15_000)));
        ctx.progress({ message: '' });
      }
    }
  };
  const text = (message: Pick<RowMessage, 'code' | 'params'>) => rowMessageText(message);

  const undo = async (row: UndoRow): Promise<void> => {
    let recheck = row.recheckFirst;
    let throttledInARow = 0;
    for (let attempt = 1; ; attempt++) {
      journal.started(row.line);
      const now = await current(row);
      // Sent before the interruption: the directory says whether it took effect.
      if (recheck && !changedSince(now, row.inverse.restores))
        return finish(row, 'undone', attempt, [text({ code: 'rollback-undone-confirmed', params: {} })], true);
      const changed = changedSince(now, row.inverse.left);
      if (changed) return finish(row, 'skipped', attempt, [text(changed)], false);
      try {
        const result = await powershell.run(options.profile, 'exchange', row.inverse.cmdlet, row.inverse.parameters);
        if (result.ok) return finish(row, 'undone', attempt, [], true);
        const messages = (result.errors.length ? result.errors : [{ message: `${row.inverse.cmdlet} failed without a message.` }]).map((e) => e.message);
        const throttling = parseThrottling(messages[0]!);
        if (throttling) {
          // Refused for the account's cmdlet budget before it ran [S44]: wait as told, then the same row again.
          await new Promise((resolve) => setTimeout(resolve, throttlingBackoffMs(throttling, ++throttledInARow)));
          attempt--;
          continue;
        }
        // Refused — perhaps because the call sent before an interruption took effect after all
        // (a killed console's shell finishes the command it had): the directory decides.
        if (recheck && !changedSince(await current(row), row.inverse.restores))
          return finish(row, 'undone', attempt, [text({ code: 'rollback-undone-confirmed', params: {} })], true);
        return finish(row, 'failed', attempt, messages, true);
      } catch (error) {
        const code = error instanceof ApiError ? error.code : 'INTERNAL';
        const message = error instanceof Error ? error.message : String(error);
        // The call may or may not have reached Exchange: the directory decides before it is sent again.
        if (['POWERSHELL_SESSION_DIED', 'TIMEOUT', 'POWERSHELL_UNAVAILABLE'].includes(code) && attempt < MAX_ATTEMPTS && !ctx.signal.aborted) {
          deps.log(`rollback ${options.jobId}: line ${row.line}: ${code}; re-checking before a retry`);
          recheck = true;
          continue;
        }
        return finish(row, 'failed', attempt, [message], true);
      }
    }
  };

  const queue = [...rows];
  powershell.reserve(options.profile, 'exchange', options.concurrency);
  const worker = async () => {
    for (;;) {
      await ctx.waitIfPaused();
      if (ctx.signal.aborted) return;
      const row = queue.shift();
      if (!row) return;
      await undo(row);
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(options.concurrency, rows.length)) }, worker));
  const failure = settled.find((r) => r.status === 'rejected');
  if (failure && !(failure.reason instanceof ApiError && failure.reason.code === 'CANCELLED')) throw failure.reason;
  return describeCounts(countResults(results, options.total));
}
