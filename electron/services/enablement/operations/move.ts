import type { RowMessage } from '@shared/models/enablement';
import { checkIdentity, checkRow, eumNumbers, isEnabledAs } from '../validation/row-rules';
import { isNumber } from '../validation/uri-rules';
import { enableParameters } from './enable';
import { error, info, type Operation, type OperationCall } from './operation';

/**
 * Bulk move to a UM mailbox policy of another dial plan. Exchange cannot change a mailbox's dial
 * plan in place: "you'll have to disable the user for Unified Messaging and then enable the user
 * for Unified Messaging on the new UM dial plan" [S74]. So a row is Disable-UMMailbox then
 * Enable-UMMailbox with the target policy [S74], as one journalled step: a row interrupted between
 * the two is settled by reading the directory, and only what is left is run. The enable half
 * follows enable's rules on the target plan (row-rules.ts checkRow), for the mailbox as it will be
 * once disabled. The extensions are the file's, else the mailbox's own where the target plan's
 * digit count allows [S74], else what Exchange derives from telephoneNumber; the SIP resource
 * identifier is the file's, else the mailbox's own when both plans have the same URI type.
 */
export const moveOperation: Operation = {
  name: 'move',
  exchangeCmdlets: ['Disable-UMMailbox', 'Enable-UMMailbox'],
  check(values, facts, options) {
    const messages: RowMessage[] = [];
    const none = { extensions: [] as string[], sent: { extensions: [] as string[], sri: '' } };
    const user = checkIdentity(values, facts, messages);
    if (!user) return { status: 'invalid', messages, ...none };
    const identity = values.Identity.trim();
    if (!user.umEnabled) return { status: 'invalid', messages: [error('move-not-enabled', { identity })], ...none };
    const current = facts.current?.plan;
    const target = facts.plan;
    const numbers = eumNumbers(user);
    const extensions = numbers.filter(isNumber);
    if (facts.policy && target && current && target.dn.toLowerCase() === current.dn.toLowerCase()) {
      if (isEnabledAs(user, facts.policy.dn, extensions))
        return { status: 'already-done', messages: [info('move-already', { policy: facts.policy.name, dialPlan: target.name })], extensions, sent: none.sent };
      return { status: 'invalid', messages: [error('move-same-dial-plan', { policy: facts.policy.name, dialPlan: target.name })], ...none };
    }
    const kept = target?.digits !== undefined ? extensions.filter((e) => e.length === target.digits) : [];
    const sri = numbers.find((n) => !isNumber(n));
    const enableValues = {
      ...values,
      Extensions: values.Extensions.trim() || kept.join(';'),
      SIPResourceIdentifier: values.SIPResourceIdentifier.trim() || (sri && current?.uriType === target?.uriType ? sri : ''),
    };
    // The mailbox as Enable-UMMailbox will find it once disabled: not UM-enabled, no EUM addresses.
    const verdict = checkRow(enableValues, { ...facts, users: [{ ...user, umEnabled: false, eumAddresses: [] }] }, options);
    return { ...verdict, sent: { extensions: verdict.sent.extensions.length ? verdict.sent.extensions : verdict.extensions, sri: verdict.sent.sri } };
  },
  calls(row, dryRun, user) {
    if (dryRun) return [];
    const calls: OperationCall[] = [];
    // Still enabled (on the old plan): disable first. A re-check that found it disabled leaves only the enable.
    if (user?.umEnabled !== false) calls.push({ shell: 'exchange', cmdlet: 'Disable-UMMailbox', parameters: { Identity: row.userDn, Confirm: false } });
    calls.push({ shell: 'exchange', cmdlet: 'Enable-UMMailbox', parameters: enableParameters(row, false) });
    return calls;
  },
  settle(user, row) {
    if (isEnabledAs(user, row.policyDn, row.expectedExtensions, row.expectedSri)) return 'done';
    // Disabled between the two halves, or not yet disabled: run what is left.
    if (!user.umEnabled || user.policyDn?.toLowerCase() !== row.policyDn.toLowerCase()) return 'not-done';
    return 'different';
  },
  requested: (row) => ({ policy: row.policy, extensions: row.expectedExtensions, sipResourceIdentifier: row.expectedSri }),
  after: (row) => ({ umEnabled: true, policy: row.policy, extensions: row.expectedExtensions, sipResourceIdentifier: row.expectedSri }),
};
