import type { RowMessage } from '@shared/models/enablement';
import { checkExtensions, checkIdentity, eumNumbers, splitExtensions } from '../validation/row-rules';
import { isNumber } from '../validation/uri-rules';
import { error, info, statusOf, type Operation, type OperationCall, type RunRow } from './operation';

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
/** The user's extensions: its EUM numbers that are plain numbers (the SIP or E.164 identifier is not one). */
const numbersOf = (eum: string[]) => eum.filter(isNumber);

/**
 * Bulk change of a UM-enabled mailbox: its UM mailbox policy with Set-UMMailbox -UMMailboxPolicy
 * [S72], its extensions with Set-Mailbox -EmailAddresses (Set-UMMailbox has no -Extensions: they
 * are EUM proxy addresses) [S72][S66]. A new policy must be of the mailbox's own dial plan: another
 * dial plan means disabling and enabling again, the move operation [S74]. New extensions follow
 * enable's rules on that plan: digit count, pilot numbers, uniqueness in its phone contexts [S11].
 */
export const changeOperation: Operation = {
  name: 'change',
  exchangeCmdlets: ['Set-UMMailbox', 'Set-Mailbox'],
  check(values, facts) {
    const messages: RowMessage[] = [];
    const none = { extensions: [] as string[], sent: { extensions: [] as string[], sri: '' } };
    const user = checkIdentity(values, facts, messages);
    if (!user) return { status: 'invalid', messages, ...none };
    const identity = values.Identity.trim();
    // Set-UMMailbox refuses a mailbox that is not UM-enabled [S72].
    if (!user.umEnabled) return { status: 'invalid', messages: [error('change-not-enabled', { identity })], ...none };
    const policyName = values.UMMailboxPolicy.trim();
    const wanted = splitExtensions(values.Extensions);
    if (!policyName && wanted.length === 0) return { status: 'invalid', messages: [error('change-nothing')], ...none };
    if (facts.policyAmbiguous) return { status: 'invalid', messages: [error('policy-ambiguous', { policy: policyName })], ...none };
    if (!facts.policy)
      return { status: 'invalid', messages: [error(policyName ? 'policy-not-found' : 'pin-policy-unknown', { policy: policyName, identity })], ...none };
    const plan = facts.plan;
    if (!plan) return { status: 'invalid', messages: [error('policy-without-dial-plan', { policy: facts.policy.name })], ...none };
    const currentPlan = facts.current?.plan;
    if (currentPlan && currentPlan.dn.toLowerCase() !== plan.dn.toLowerCase())
      return {
        status: 'invalid',
        messages: [error('change-other-dial-plan', { policy: facts.policy.name, dialPlan: plan.name, current: currentPlan.name })],
        ...none,
      };
    const current = numbersOf(eumNumbers(user));
    const extensions = wanted.length ? wanted : current;
    const sent = { extensions: wanted, sri: '' };
    const samePolicy = facts.current?.policy?.dn.toLowerCase() === facts.policy.dn.toLowerCase();
    if (samePolicy && sameSet(extensions, current))
      return { status: 'already-done', messages: [info('change-already', { policy: facts.policy.name, extensions: current.join(', ') })], extensions, sent };
    if (wanted.length) messages.push(...checkExtensions(wanted, plan, facts.holders, user.dn));
    return { status: statusOf(messages), messages, extensions: wanted.length ? wanted : [], sent };
  },
  calls(row, dryRun) {
    if (dryRun) return [];
    const calls: OperationCall[] = [];
    if (row.policy && row.policy.toLowerCase() !== (row.before?.policy ?? '').toLowerCase())
      calls.push({ shell: 'exchange', cmdlet: 'Set-UMMailbox', parameters: { Identity: row.userDn, UMMailboxPolicy: row.policy } });
    const old = row.before?.extensions ?? [];
    if (row.extensions.length && !sameSet(row.extensions, old)) {
      const eum = (numbers: string[]) => numbers.map((n) => `eum:${n};phone-context=${row.phoneContext ?? ''}`);
      // Add and remove only these, leaving every other address as it is [S66].
      calls.push({
        shell: 'exchange',
        cmdlet: 'Set-Mailbox',
        parameters: {
          Identity: row.userDn,
          EmailAddresses: { Add: eum(row.extensions.filter((e) => !old.includes(e))), Remove: eum(old.filter((e) => !row.extensions.includes(e))) },
        },
      });
    }
    return calls;
  },
  // Each call sets a value, so running a row again is harmless: only a finished row counts as done.
  settle(user, row) {
    const policyDone = !row.policyDn || user.policyDn?.toLowerCase() === row.policyDn.toLowerCase();
    const extensionsDone = !row.extensions.length || sameSet(numbersOf(eumNumbers(user)), row.extensions);
    return user.umEnabled && policyDone && extensionsDone ? 'done' : 'not-done';
  },
  requested: (row: RunRow) => ({ policy: row.policy || undefined, extensions: row.extensions.length ? row.extensions : undefined }),
  after: (row: RunRow) => ({
    umEnabled: true,
    policy: row.policy || row.before?.policy,
    extensions: row.extensions.length ? row.extensions : row.before?.extensions,
  }),
};
