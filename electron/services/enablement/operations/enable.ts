import { checkRow, isEnabledAs, parseBoolean } from '../validation/row-rules';
import type { Operation, RunRow } from './operation';

/** What an enable row asked for, for the audit: never the PIN; the Lync override when the admin gave one. */
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

/**
 * Enable-UMMailbox's parameters for a row (-ValidateOnly in a dry run): what the runner sends (the
 * PIN from memory only), and what a change plan's script shows (where the PIN is a variable the
 * script asks for).
 */
export function enableParameters(
  row: Pick<RunRow, 'userDn' | 'policy' | 'extensions' | 'sri' | 'pinExpired' | 'notifyEmail'> & { pin: unknown },
  dryRun: boolean,
): Record<string, unknown> {
  const parameters: Record<string, unknown> = { Identity: row.userDn, UMMailboxPolicy: row.policy };
  if (row.extensions.length) parameters.Extensions = row.extensions;
  if (row.sri) parameters.SIPResourceIdentifier = row.sri;
  if (row.pin) parameters.PIN = row.pin;
  const expired = parseBoolean(row.pinExpired);
  if (expired !== undefined) parameters.PINExpired = expired;
  if (row.notifyEmail) parameters.NotifyEmail = row.notifyEmail;
  if (dryRun) parameters.ValidateOnly = true;
  return parameters;
}

/** Bulk UM enablement: Exchange's Enable-UMMailbox rules (row-rules.ts), one Enable-UMMailbox per row. */
export const enableOperation: Operation = {
  name: 'enable',
  exchangeCmdlets: ['Enable-UMMailbox'],
  check: checkRow,
  calls: (row, dryRun) => [{ shell: 'exchange', cmdlet: 'Enable-UMMailbox', parameters: enableParameters(row, dryRun) }],
  settle(user, row) {
    if (!user.umEnabled) return 'not-done';
    return isEnabledAs(user, row.policyDn, row.expectedExtensions, row.expectedSri) ? 'done' : 'different';
  },
  alreadyDone: /AlreadyUmEnabled|already enabled/i,
  requested,
  after: (row) => ({ umEnabled: true, ...requested(row) }),
};
