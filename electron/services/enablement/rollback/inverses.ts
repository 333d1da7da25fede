import type { BulkOperation, RowMessage, RowResult, UmState } from '@shared/models/enablement';
import { splitExtensions } from '../validation/uri-rules';

/**
 * How a row of a job is undone: the cmdlet that puts the mailbox back as `before` says it was,
 * sent only while the directory still shows what the row left (`left`); or why it cannot be.
 */
export type Inverse =
  { kind: 'undo'; cmdlet: 'Disable-UMMailbox'; parameters: Record<string, unknown>; left: UmState; restores: UmState } | { kind: 'cannot'; reason: RowMessage };

/** Outcomes of rows a job did not change: a rollback leaves them out. */
const unchanged = new Set<RowResult['outcome']>(['validated', 'already-done', 'failed', 'invalid', 'not-permitted', 'not-run', 'undone', 'skipped']);

const cannot = (code: string, params: Record<string, string> = {}): Inverse => ({ kind: 'cannot', reason: { code, severity: 'info', params } });

/** What an enable row left: recorded with its result, or (journals from before) its values as sent. */
function leftByEnable(result: RowResult): UmState {
  if (result.after) return result.after;
  const extensions = splitExtensions(result.values?.Extensions ?? '');
  const sri = result.values?.SIPResourceIdentifier;
  return {
    umEnabled: true,
    ...(result.values?.UMMailboxPolicy ? { policy: result.values.UMMailboxPolicy } : {}),
    ...(extensions.length ? { extensions } : {}),
    ...(sri ? { sipResourceIdentifier: sri } : {}),
  };
}

/**
 * Each operation's undo, in one place: from the row's result (and `before`, which every operation
 * but enable records) to the inverse. Undefined: the row changed nothing, so there is nothing to undo.
 */
export const inverses: Record<BulkOperation, (result: RowResult) => Inverse> = {
  // The user had no UM before Enable-UMMailbox (validation sends none that had). Disable-UMMailbox
  // clears the EUM addresses, policy and dial plan either way; the default (-KeepProperties $true)
  // keeps the rest of the UM properties (flags, PIN data), $false resets them too [S75][S64]:
  // how the user was before the job.
  enable: (result) =>
    result.userDn
      ? {
          kind: 'undo',
          cmdlet: 'Disable-UMMailbox',
          parameters: { Identity: result.userDn, KeepProperties: false },
          left: leftByEnable(result),
          // What Disable-UMMailbox puts back; the rest of `before` (Lync's line URI …) it leaves alone.
          restores: { umEnabled: false },
        }
      : cannot('rollback-no-user'),
  // No cmdlet reads a PIN back: Get-UMMailboxPIN shows only what is derived from it, and
  // Set-UMMailboxPIN sets a new one [S76]. The earlier PIN is known to nobody, so it cannot be restored.
  pin: () => cannot('rollback-pin'),
  voice: () => cannot('rollback-no-inverse', { operation: 'voice' }),
  change: () => cannot('rollback-no-inverse', { operation: 'change' }),
  disable: () => cannot('rollback-no-inverse', { operation: 'disable' }),
  move: () => cannot('rollback-no-inverse', { operation: 'move' }),
};

/** The inverse of a row of a job of this operation; undefined when the row changed nothing. */
export function inverseOf(operation: BulkOperation, result: RowResult): Inverse | undefined {
  if (unchanged.has(result.outcome)) return undefined;
  return inverses[operation](result);
}

const same = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
const sameSet = (a: string[] = [], b: string[] = []) => {
  const x = [...new Set(a.map((v) => v.toLowerCase()))].sort();
  const y = [...new Set(b.map((v) => v.toLowerCase()))].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
const shown = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : (v ?? '')) || '—';

/**
 * How the mailbox now differs from what the row left, naming what differs; undefined when it is
 * as the row left it. Only what the row recorded is compared.
 */
export function changedSince(now: UmState | undefined, left: UmState): RowMessage | undefined {
  const message = (code: string, field: keyof UmState) => ({
    code,
    severity: 'info' as const,
    params: { now: shown(now?.[field] as string | string[] | undefined), left: shown(left[field] as string | string[] | undefined) },
  });
  if (!now) return { code: 'rollback-user-gone', severity: 'info', params: {} };
  if (left.umEnabled !== undefined && now.umEnabled !== left.umEnabled)
    return { code: left.umEnabled ? 'rollback-changed-disabled' : 'rollback-changed-enabled', severity: 'info', params: {} };
  if (left.policy !== undefined && !same(now.policy, left.policy)) return message('rollback-changed-policy', 'policy');
  if (left.extensions !== undefined && !sameSet(now.extensions, left.extensions)) return message('rollback-changed-extensions', 'extensions');
  if (left.sipResourceIdentifier !== undefined && !same(now.sipResourceIdentifier, left.sipResourceIdentifier))
    return message('rollback-changed-sri', 'sipResourceIdentifier');
  if (left.enterpriseVoiceEnabled !== undefined && now.enterpriseVoiceEnabled !== left.enterpriseVoiceEnabled)
    return { code: 'rollback-changed-voice', severity: 'info', params: {} };
  if (left.lineUri !== undefined && !same(now.lineUri, left.lineUri)) return message('rollback-changed-line-uri', 'lineUri');
  return undefined;
}
