import { randomBytes } from 'node:crypto';
import {
  emptyRowValues,
  type BulkOperation,
  type EnablementJob,
  type FinishedJob,
  type RollbackPreview,
  type RollbackRow,
  type RowMessage,
  type RowResult,
} from '@shared/models/enablement';
import { countResults } from '@shared/enablement/job-counts';
import { rowMessageText } from '@shared/enablement/row-message-text';
import { ApiError } from '@shared/errors';
import type { AuditLog } from '../../audit/audit-log';
import type { Logger } from '../../core/logger';
import type { ConnectionManager } from '../../directory/connection-manager';
import type { JobManager } from '../../jobs/job-manager';
import type { PowerShellService } from '../../powershell/powershell-service';
import { JobJournal, type JobDefinition, type JournalState } from '../job/job-journal';
import { startJournalledJob } from '../job/journalled-job';
import type { TopologyService } from '../../topology/topology-service';
import { runEnablement, type RunRow } from '../job/enablement-runner';
import { readUsers } from '../validation/directory-facts';
import { changedSince, inverseOf, phoneContextOf, umStateOf, type Inverse, type Undo } from './inverses';
import { undoOperation } from './undo-operation';

/** The job list and job view of bulk jobs: a rollback is shown, read and exported like any job. */
interface JobViews {
  track(definition: JobDefinition, results: Map<number, RowResult>): void;
  job(jobId: string): EnablementJob;
}

/** A row of the job being undone, with its inverse and, when it is to be skipped, why. */
interface PlannedRow {
  result: RowResult;
  inverse: Inverse;
  skip?: RowMessage;
}

interface Plan {
  original: JournalState;
  operation: BulkOperation;
  rows: PlannedRow[];
  /** An unfinished rollback of the same job: a start carries it on. */
  resumes?: JournalState;
}

/** A row to undo as the bulk pipeline runs it: its inverse's calls, checked against what the job left. */
function undoRow(result: RowResult, inverse: Undo, inFlight: boolean): RunRow {
  const values = result.values ?? emptyRowValues(result.identity);
  return {
    line: result.line,
    identity: result.identity,
    values,
    inFile: {},
    userDn: result.userDn!,
    policy: '',
    policyDn: '',
    extensions: [],
    sri: '',
    pin: '',
    pinExpired: '',
    notifyEmail: '',
    expectedExtensions: [],
    recheckFirst: inFlight,
    // What the row's result records as the user before the rollback: what the job left.
    before: inverse.left,
  };
}

/** A journal's operation: one written before bulk operations existed is an enablement. */
const operationOf = (definition: JobDefinition): BulkOperation => definition.operation ?? 'enable';

/**
 * Rolling back a finished or cancelled bulk job: each row it changed is undone by its operation's
 * inverse (inverses.ts), unless the directory shows the mailbox changed since — then it is skipped
 * with what differs. The rollback is a job like the others, run by the bulk runner as an undo
 * operation (undo-operation.ts): journalled (resumable after a kill, every row undone at most
 * once), audited, listed, exported.
 */
export class RollbackService {
  constructor(
    private readonly deps: {
      connections: ConnectionManager;
      topology: TopologyService;
      powershell: PowerShellService;
      jobManager: JobManager;
      audit: AuditLog;
      logger: Logger;
      dataDir: string;
      jobs: JobViews;
    },
  ) {}

  /** Real jobs that ended (completed, cancelled or stopped), newest first: rollbacks among them, marked. */
  finished(limit = 20): FinishedJob[] {
    return JobJournal.list(this.deps.dataDir)
      .filter((j) => !j.definition.dryRun && !this.deps.jobManager.isRunning(j.definition.jobId) && j.results.size > 0)
      .slice(0, limit)
      .map((j) => ({
        jobId: j.definition.jobId,
        fileName: j.definition.fileName,
        profile: j.definition.profile,
        createdAt: j.definition.createdAt,
        state: j.finishedState === 'completed' ? 'completed' : 'cancelled',
        ...(j.definition.operation ? { operation: j.definition.operation } : {}),
        counts: countResults([...j.results.values()], j.definition.lines.length),
        ...(j.definition.rollbackOf ? { rollbackOf: j.definition.rollbackOf } : {}),
      }));
  }

  /** What rolling back the job would do now: the rows it would undo, and those it would skip and why. */
  async preview(jobId: string): Promise<RollbackPreview> {
    const plan = await this.plan(jobId);
    const rows: RollbackRow[] = plan.rows.map(({ result, inverse, skip }) => {
      const done = plan.resumes?.results.get(result.line);
      const reason = done ? { code: 'rollback-already-undone', severity: 'info' as const, params: { jobId: plan.resumes!.definition.jobId } } : skip;
      return {
        line: result.line,
        identity: result.identity,
        ...(result.userDn ? { userDn: result.userDn } : {}),
        action: reason ? 'skip' : 'undo',
        ...(reason ? { reason } : {}),
        ...(!reason && inverse.kind === 'undo' && inverse.note ? { note: inverse.note } : {}),
      };
    });
    const undo = rows.filter((r) => r.action === 'undo').length;
    return {
      jobId,
      operation: plan.operation,
      fileName: plan.original.definition.fileName,
      profile: plan.original.definition.profile,
      total: rows.length,
      undo,
      skipped: rows.length - undo,
      rows,
      ...(plan.resumes ? { resumes: plan.resumes.definition.jobId } : {}),
    };
  }

  /** Starts the rollback of a job, or carries on its unfinished one; answers with the rollback job. */
  async start(input: { jobId: string; concurrency: number }): Promise<EnablementJob> {
    const plan = await this.plan(input.jobId);
    const { original, resumes } = plan;
    const session = await this.deps.connections.ensure(original.definition.profile);
    const definition: JobDefinition = resumes?.definition ?? {
      jobId: `rollback-${randomBytes(6).toString('hex')}`,
      createdAt: new Date().toISOString(),
      fileName: original.definition.fileName,
      fileHash: `rollback-of-${input.jobId}`,
      profile: original.definition.profile,
      actor: session.identity,
      mapping: original.definition.mapping,
      encoding: original.definition.encoding,
      delimiter: original.definition.delimiter,
      dryRun: false,
      concurrency: input.concurrency,
      proposeExtensions: false,
      lines: plan.rows.map((r) => r.result.line),
      edits: [],
      pinEditedLines: [],
      rollbackOf: input.jobId,
    };
    const journal = resumes ? JobJournal.reopen(this.deps.dataDir, definition.jobId) : JobJournal.create(this.deps.dataDir, definition);
    const results = new Map(resumes?.results ?? []);
    this.deps.jobs.track(definition, results);

    const toRun: RunRow[] = [];
    const undos = new Map<number, Undo>();
    for (const { result, inverse, skip } of plan.rows) {
      if (results.has(result.line)) continue;
      const inFlight = resumes?.inFlight.has(result.line) ?? false;
      // Skipped now unless it was in flight: then the directory decides whether its inverse took effect.
      if (inverse.kind === 'undo' && (!skip || inFlight)) {
        undos.set(result.line, inverse);
        toRun.push(undoRow(result, inverse, inFlight));
        continue;
      }
      const skipped: RowResult = {
        line: result.line,
        identity: result.identity,
        outcome: 'skipped',
        messages: [rowMessageText(skip ?? { code: 'rollback-no-inverse', params: {} })],
        attempts: 0,
        at: new Date().toISOString(),
        ...(result.values ? { values: result.values } : {}),
        ...(result.userDn ? { userDn: result.userDn } : {}),
      };
      journal.ended(skipped);
      results.set(result.line, skipped);
    }

    startJournalledJob(
      this.deps.jobManager,
      journal,
      `Roll back: ${definition.fileName}`,
      (ctx) =>
        runEnablement(
          toRun,
          { powershell: this.deps.powershell, connections: this.deps.connections, audit: this.deps.audit, journal, log: (m) => this.deps.logger.info(m) },
          {
            jobId: definition.jobId,
            operation: undoOperation(plan.operation, undos),
            profile: definition.profile,
            actor: session.identity,
            dryRun: false,
            concurrency: definition.concurrency,
            finished: [...results.values()],
            total: definition.lines.length,
            onResult: (r) => results.set(r.line, r),
          },
          ctx,
        ),
      // The dial plans' counts of UM-enabled users changed: the topology reads them again.
      () => this.deps.topology.invalidate(`rollback ${definition.jobId}`),
    );
    return this.deps.jobs.job(definition.jobId);
  }

  /**
   * The rows of the job that changed a mailbox, each with its inverse, checked against the
   * directory now. A row an earlier rollback undid is skipped as such; so is one that cannot be
   * undone, and one whose mailbox is no longer as the job left it.
   */
  private async plan(jobId: string): Promise<Plan> {
    const original = JobJournal.read(this.deps.dataDir, jobId);
    if (!original) throw new ApiError('NOT_FOUND', `There is no job ${jobId}.`);
    if (original.definition.rollbackOf)
      throw new ApiError('CONFLICT', `Job ${jobId} is a rollback (of ${original.definition.rollbackOf}); a rollback cannot be rolled back.`);
    if (original.definition.dryRun) throw new ApiError('CONFLICT', `Job ${jobId} was a dry run: it changed nothing, so there is nothing to roll back.`);
    if (this.deps.jobManager.isRunning(jobId)) throw new ApiError('CONFLICT', `Job ${jobId} is still running or paused; cancel it before rolling it back.`);
    const rollbacks = JobJournal.list(this.deps.dataDir).filter((j) => j.definition.rollbackOf === jobId);
    const running = rollbacks.find((j) => this.deps.jobManager.isRunning(j.definition.jobId));
    if (running) throw new ApiError('CONFLICT', `Rollback ${running.definition.jobId} of job ${jobId} is still running or paused.`);
    const resumes = rollbacks.find((j) => j.finishedState !== 'completed' && j.results.size < j.definition.lines.length);
    /** Lines an earlier rollback undid, and which. */
    const undoneBy = new Map<number, string>();
    for (const r of rollbacks)
      if (r !== resumes) for (const result of r.results.values()) if (result.outcome === 'undone') undoneBy.set(result.line, r.definition.jobId);

    const operation = operationOf(original.definition);
    const changed = [...original.results.values()].sort((a, b) => a.line - b.line).filter((result) => inverseOf(operation, result));
    if (changed.length === 0) throw new ApiError('INVALID_INPUT', `Job ${jobId} changed no mailbox: there is nothing to roll back.`);

    const session = await this.deps.connections.ensure(original.definition.profile);
    const users = await readUsers(
      session,
      changed.filter((r) => r.userDn && operation !== 'pin').map((r) => r.userDn!),
    );
    const rows = changed.map((result): PlannedRow => {
      const user = result.userDn ? users.get(result.userDn.toLowerCase()) : undefined;
      // A change's undo writes extensions back in the phone context of the user's EUM addresses.
      const inverse = inverseOf(operation, result, phoneContextOf(user))!;
      const by = undoneBy.get(result.line);
      if (by) return { result, inverse, skip: { code: 'rollback-already-undone', severity: 'info', params: { jobId: by } } };
      if (inverse.kind === 'cannot') return { result, inverse, skip: inverse.reason };
      const skip = changedSince(umStateOf(user), inverse.left);
      return { result, inverse, ...(skip ? { skip } : {}) };
    });
    return { original, operation, rows, ...(resumes ? { resumes } : {}) };
  }
}
