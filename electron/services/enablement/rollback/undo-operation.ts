import type { BulkOperation } from '@shared/models/enablement';
import { rowMessageText } from '@shared/enablement/row-message-text';
import { disableOperation } from '../operations/disable';
import { enableOperation } from '../operations/enable';
import { verdictOf, type Operation, type RunRow } from '../operations/operation';
import { changedSince, isHalfway, umStateOf, type Undo } from './inverses';

/**
 * A rollback as an operation of the bulk pipeline (job/enablement-runner.ts), so it runs like any
 * job: sessions over the Exchange endpoints, throttling back-off, journal, exactly once. Each row's
 * calls are its inverse's; the runner reads the user just before a row runs and leaves it alone
 * when it is no longer as the job left it; a row whose calls may or may not have reached Exchange
 * is settled by the directory: as the inverse restores (done), as the job left it or halfway
 * through a move's undo (not done: what is left runs), or else changed by someone (skipped).
 */
export function undoOperation(operation: BulkOperation, inverses: ReadonlyMap<number, Undo>): Operation {
  const inverseOf = (row: RunRow): Undo => inverses.get(row.line)!;
  return {
    // The operation whose rows it undoes.
    name: operation,
    exchangeCmdlets: [],
    // A rollback's rows are judged by its plan (rollback-service.ts), never by the row rules.
    check: () => verdictOf('invalid', []),
    calls(row, _dryRun, user) {
      const inverse = inverseOf(row);
      // A move's undo interrupted after its Disable-UMMailbox: only the enable is left.
      return isHalfway(inverse, umStateOf(user)) ? inverse.calls.slice(1) : inverse.calls;
    },
    settle(user, row) {
      const inverse = inverseOf(row);
      const now = umStateOf(user);
      if (!changedSince(now, inverse.restores)) return 'done';
      if (!changedSince(now, inverse.left) || isHalfway(inverse, now)) return 'not-done';
      return 'different';
    },
    // Disable-UMMailbox or Enable-UMMailbox refusing because the mailbox is already as the undo
    // wants it: the directory settles the row, as for the operations themselves.
    alreadyDone: alreadyAsWanted,
    requested: (row) => ({ restores: inverseOf(row).restores }),
    after: (row) => inverseOf(row).restores,
    undo: {
      changedSince(user, row) {
        const changed = changedSince(umStateOf(user), inverseOf(row).left);
        return changed && rowMessageText(changed);
      },
      note(row) {
        const note = inverseOf(row).note;
        return note && rowMessageText(note);
      },
    },
  };
}

/** The errors of the undos' cmdlets that mean the mailbox is already as wanted (their operations' own). */
const alreadyAsWanted = new RegExp([disableOperation.alreadyDone!, enableOperation.alreadyDone!].map((r) => r.source).join('|'), 'i');
