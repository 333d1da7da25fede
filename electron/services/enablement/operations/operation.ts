import type { BulkOperation, UmState, RowMessage, RowValues, ValidatedRow } from '@shared/models/enablement';
import type { ShellTarget } from '@shared/models/powershell';
import type { RowFacts, RowOptions, RowVerdict, UserFacts } from '../validation/row-rules';
import { splitExtensions } from '../validation/uri-rules';

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
  /** The user as validation read it (journalled with the result, for a rollback; never a PIN). */
  before?: UmState;
  /** The phone context of the row's dial plan, for the EUM addresses a change writes. */
  phoneContext?: string;
  /** The user as the latest re-check read it: a step of the row already done is not run again. */
  readBack?: UserFacts;
}

/** The row as it is run or judged: the validated values, with the policy and the notification address as the file gave them, trimmed. */
export function asRunValues(row: ValidatedRow, values: RowValues): RowValues {
  return { ...row.values, UMMailboxPolicy: values.UMMailboxPolicy.trim(), NotifyEmail: values.NotifyEmail.trim() };
}

/**
 * A ready row as the runner runs it — and as a change plan shows it: what validation showed is
 * what is sent (normalised extensions and identifier); the PIN is the caller's (memory only).
 */
export function runRowOf(row: ValidatedRow, asRun: RowValues, run: Pick<RunRow, 'identity' | 'inFile' | 'pin' | 'recheckFirst'>): RunRow {
  const overridden = row.messages.find((m) => m.overridden)?.overridden;
  return {
    line: row.line,
    ...run,
    values: asRun,
    userDn: row.user!.dn,
    policy: asRun.UMMailboxPolicy,
    policyDn: row.policyDn ?? '',
    extensions: splitExtensions(asRun.Extensions),
    sri: asRun.SIPResourceIdentifier,
    pinExpired: asRun.PINExpired,
    notifyEmail: asRun.NotifyEmail,
    expectedExtensions: row.extensions,
    ...(row.sipResourceIdentifier ? { expectedSri: row.sipResourceIdentifier } : {}),
    ...(overridden ? { sipMismatchOverride: { scope: overridden, lyncAddress: row.user?.lyncAddress ?? '' } } : {}),
    ...(row.before ? { before: row.before } : {}),
    ...(row.phoneContext ? { phoneContext: row.phoneContext } : {}),
  };
}

/** One cmdlet call a row makes, in the shell that has the cmdlet. */
export interface OperationCall {
  shell: ShellTarget;
  cmdlet: string;
  parameters: Record<string, unknown>;
}

/**
 * One bulk operation on the pipeline of bulk enablement (import, mapping, batched validation,
 * journal, resume, export). Its fields are in shared/enablement/operations.ts; here are its row
 * rules, what a row runs, and how a re-check reads from the directory whether a row is done.
 */
export interface Operation {
  name: BulkOperation;
  /** The row rules, pure, over what the batched lookups found: the row's status and messages. */
  check(values: RowValues, facts: RowFacts, options: RowOptions): RowVerdict;
  /**
   * The calls a row makes, in order (a move is two: disable, then enable). A dry run of enable
   * asks Exchange with -ValidateOnly; the other cmdlets have no such switch, so a dry run of them
   * makes no call and their rows are judged by validation alone (`dryRun` then gives none).
   * `user` is the directory's answer when the row was just re-checked: a step already done is skipped.
   */
  calls(row: RunRow, dryRun: boolean, user?: UserFacts): OperationCall[];
  /**
   * Whether the directory shows the row done, not done, or changed some other way — for a row
   * whose call may or may not have reached Exchange. `undefined` when the directory cannot tell
   * (a PIN is not readable): the row is then run again.
   */
  settle(user: UserFacts, row: RunRow): 'done' | 'not-done' | 'different' | undefined;
  /** An error of the cmdlet that means the row needed nothing (settled by a re-check). */
  alreadyDone?: RegExp;
  /**
   * The Exchange cmdlets the acting account's session must hold for this operation, asked before
   * any run (enable-rights.ts): an Exchange session holds only its RBAC roles' cmdlets [S38].
   * Empty for Lync's Set-CsUser, which Lync's own roles allow or refuse when it runs.
   */
  exchangeCmdlets: string[];
  /** What the audit records a row asked for (never a PIN). */
  requested(row: RunRow): Record<string, unknown>;
  /** What the audit records as the user's state after a row succeeded (its UM part is kept with the row's result). */
  after(row: RunRow): Record<string, unknown>;
  /**
   * Set for a rollback's undo (rollback/undo-operation.ts): its rows finish as `undone`, audited as
   * enablement.rollback. Each row's user is read just before it runs: a row the directory shows
   * changed since the job (`changedSince` says how) is left alone and finishes as `skipped`.
   */
  undo?: {
    changedSince(user: UserFacts | undefined, row: RunRow): string | undefined;
    /** What the admin should know of a row undone (a mailbox enabled again has a new PIN). */
    note(row: RunRow): string | undefined;
  };
}

export const error = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'error', params });
export const info = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'info', params });

/** A verdict that sends nothing but the identity: what rows of the operations without extensions give. */
export function verdictOf(status: RowVerdict['status'], messages: RowMessage[]): RowVerdict {
  return { status, messages, extensions: [], sent: { extensions: [], sri: '' } };
}

/** A verdict's status from its messages: invalid with any error, else ready. */
export function statusOf(messages: RowMessage[]): RowVerdict['status'] {
  return messages.some((m) => m.severity === 'error') ? 'invalid' : 'ready';
}
