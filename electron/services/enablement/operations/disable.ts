import type { RowMessage } from '@shared/models/enablement';
import { checkIdentity } from '../validation/row-rules';
import { info, verdictOf, type Operation } from './operation';

/**
 * Bulk disable: Disable-UMMailbox for each row's user [S70]. Exchange refuses a user that is not
 * UM-enabled [S70]; the console calls such a row already done (there is nothing to disable), so a
 * row the previous run of a job disabled reads as done when the job is resumed. Disable-UMMailbox
 * is given no -KeepProperties: Exchange's default keeps the UM properties on the mailbox [S70].
 */
export const disableOperation: Operation = {
  name: 'disable',
  exchangeCmdlets: ['Disable-UMMailbox'],
  check(values, facts) {
    const messages: RowMessage[] = [];
    const user = checkIdentity(values, facts, messages);
    if (!user) return verdictOf('invalid', messages);
    if (!user.umEnabled) return verdictOf('already-done', [info('disable-not-enabled', { identity: values.Identity.trim() })]);
    return verdictOf('ready', messages);
  },
  calls: (row, dryRun) => (dryRun ? [] : [{ shell: 'exchange', cmdlet: 'Disable-UMMailbox', parameters: { Identity: row.userDn, Confirm: false } }]),
  settle: (user) => (user.umEnabled ? 'not-done' : 'done'),
  alreadyDone: /UserAlreadyUmDisabled|UserNotUmEnabled|isn't enabled for Unified Messaging/i,
  requested: () => ({ umEnabled: false }),
  after: () => ({ umEnabled: false }),
};
