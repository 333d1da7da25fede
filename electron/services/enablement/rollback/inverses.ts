import type { BulkOperation, RowMessage, RowResult, UmState } from '@shared/models/enablement';
import { rdnValue } from '@shared/dn';
import { enableParameters } from '../operations/enable';
import type { OperationCall } from '../operations/operation';
import { eumNumbers, type UserFacts } from '../validation/row-rules';
import { isNumber, splitExtensions } from '../validation/uri-rules';

/**
 * How a row of a job is undone: the calls that put the user back as `before` says it was, sent
 * only while the directory still shows what the row left (`left`); afterwards the directory must
 * show `restores`. `note` is what the admin should know of a row undone. Or why it cannot be.
 */
export type Inverse = { kind: 'undo'; calls: OperationCall[]; left: UmState; restores: UmState; note?: RowMessage } | { kind: 'cannot'; reason: RowMessage };
export type Undo = Extract<Inverse, { kind: 'undo' }>;

/** Outcomes of rows a job did not change: a rollback leaves them out. */
const unchanged = new Set<RowResult['outcome']>(['validated', 'already-done', 'failed', 'invalid', 'not-permitted', 'not-run', 'undone', 'skipped']);

const message = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'info', params });
const cannot = (code: string, params: Record<string, string> = {}): Inverse => ({ kind: 'cannot', reason: message(code, params) });
const same = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
const sameSet = (a: string[] = [], b: string[] = []) => {
  const x = [...new Set(a.map((v) => v.toLowerCase()))].sort();
  const y = [...new Set(b.map((v) => v.toLowerCase()))].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

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

/** The UM part of a state: what Enable-UMMailbox sets and a rollback of a disable or move restores. */
function umPart(state: UmState): UmState {
  return {
    umEnabled: true,
    ...(state.policy ? { policy: state.policy } : {}),
    extensions: state.extensions ?? [],
    ...(state.sipResourceIdentifier ? { sipResourceIdentifier: state.sipResourceIdentifier } : {}),
  };
}

/**
 * Enable-UMMailbox as the mailbox was before the job: its policy, extensions and SIP resource
 * identifier (Disable-UMMailbox cleared them, whatever -KeepProperties said [S64]). No -PIN: nobody
 * knows the earlier one [S76], so Exchange generates a new PIN and mails it to the user [S81].
 */
function enableAsBefore(userDn: string, before: UmState): OperationCall {
  const parameters = enableParameters(
    { userDn, policy: before.policy!, extensions: before.extensions ?? [], sri: before.sipResourceIdentifier ?? '', pin: '', pinExpired: '', notifyEmail: '' },
    false,
  );
  return { shell: 'exchange', cmdlet: 'Enable-UMMailbox', parameters };
}
const newPin = message('rollback-new-pin');

/** The rows of the operations after enable need the user as validation read it, and as the row left it. */
type Recorded = RowResult & { userDn: string; before: UmState; after: UmState };
const recorded = (result: RowResult): result is Recorded => !!result.userDn && !!result.before && !!result.after;

/**
 * Each operation's undo, in one place: from the row's result (its `before`, what validation read,
 * and `after`, what the row left) to the inverse. `phoneContext` is the one of the user's EUM
 * addresses now: what an extension a rollback writes back ends with.
 */
export const inverses: Record<BulkOperation, (result: RowResult, phoneContext?: string) => Inverse> = {
  // The user had no UM before Enable-UMMailbox (validation sends none that had). Disable-UMMailbox
  // clears the EUM addresses, policy and dial plan either way; the default (-KeepProperties $true)
  // keeps the rest of the UM properties (flags, PIN data), $false resets them too [S70][S64]:
  // how the user was before the job.
  enable: (result) =>
    result.userDn
      ? {
          kind: 'undo',
          calls: [{ shell: 'exchange', cmdlet: 'Disable-UMMailbox', parameters: { Identity: result.userDn, KeepProperties: false } }],
          left: leftByEnable(result),
          // What Disable-UMMailbox puts back; the rest of `before` (Lync's line URI …) it leaves alone.
          restores: { umEnabled: false },
        }
      : cannot('rollback-no-user'),
  // The disable sent no -KeepProperties, so Exchange kept the UM flags and PIN data but cleared
  // the EUM addresses, policy and dial plan [S70][S64]: enabling again with what `before` had
  // brings those back, with a new PIN [S81].
  disable: (result) => {
    if (!recorded(result) || !result.before.umEnabled || !result.before.policy) return cannot('rollback-no-record');
    return { kind: 'undo', calls: [enableAsBefore(result.userDn, result.before)], left: { umEnabled: false }, restores: umPart(result.before), note: newPin };
  },
  // Back only what the job changed: the policy with Set-UMMailbox, the extensions with Set-Mailbox
  // -EmailAddresses @{Add=…; Remove=…}, which leaves every other address as it is [S66].
  change: (result, phoneContext) => {
    if (!recorded(result)) return cannot('rollback-no-record');
    const { userDn, before, after } = result;
    const calls: OperationCall[] = [];
    const left: UmState = { umEnabled: true };
    const restores: UmState = { umEnabled: true };
    if (after.policy && before.policy && !same(after.policy, before.policy)) {
      calls.push({ shell: 'exchange', cmdlet: 'Set-UMMailbox', parameters: { Identity: userDn, UMMailboxPolicy: before.policy } });
      left.policy = after.policy;
      restores.policy = before.policy;
    }
    const set = after.extensions ?? [];
    const old = before.extensions ?? [];
    if (after.extensions && !sameSet(set, old)) {
      const eum = (numbers: string[]) => numbers.map((n) => `eum:${n};phone-context=${phoneContext ?? ''}`);
      calls.push({
        shell: 'exchange',
        cmdlet: 'Set-Mailbox',
        parameters: { Identity: userDn, EmailAddresses: { Add: eum(old.filter((e) => !set.includes(e))), Remove: eum(set.filter((e) => !old.includes(e))) } },
      });
      left.extensions = set;
      restores.extensions = old;
    }
    return calls.length ? { kind: 'undo', calls, left, restores } : cannot('rollback-no-record');
  },
  // Set-CsUser back to the Enterprise Voice setting and line URI before; a user that had no line
  // URI gets -LineURI $null, as Microsoft clears one [S82]. Through the Lync shell [S65].
  voice: (result) => {
    if (!recorded(result) || result.before.enterpriseVoiceEnabled === undefined) return cannot('rollback-no-record');
    const { userDn, before, after } = result;
    return {
      kind: 'undo',
      calls: [
        {
          shell: 'lync',
          cmdlet: 'Set-CsUser',
          parameters: { Identity: userDn, EnterpriseVoiceEnabled: before.enterpriseVoiceEnabled, LineURI: before.lineUri ?? null },
        },
      ],
      left: { enterpriseVoiceEnabled: true, lineUri: after.lineUri ?? '' },
      restores: { enterpriseVoiceEnabled: before.enterpriseVoiceEnabled, lineUri: before.lineUri ?? '' },
    };
  },
  // The way back to the old dial plan is the way there: Disable-UMMailbox, then Enable-UMMailbox
  // with the old policy, extensions and identifier [S74], as one step; a new PIN [S81].
  move: (result) => {
    if (!recorded(result) || !result.before.policy) return cannot('rollback-no-record');
    const { userDn, before, after } = result;
    return {
      kind: 'undo',
      calls: [{ shell: 'exchange', cmdlet: 'Disable-UMMailbox', parameters: { Identity: userDn, Confirm: false } }, enableAsBefore(userDn, before)],
      left: umPart(after),
      restores: umPart(before),
      note: newPin,
    };
  },
  // No cmdlet reads a PIN back: Get-UMMailboxPIN shows only what is derived from it, and
  // Set-UMMailboxPIN sets a new one [S76]. The earlier PIN is known to nobody, so it cannot be restored.
  pin: () => cannot('rollback-pin'),
};

/** The inverse of a row of a job of this operation; undefined when the row changed nothing. */
export function inverseOf(operation: BulkOperation, result: RowResult, phoneContext?: string): Inverse | undefined {
  if (unchanged.has(result.outcome)) return undefined;
  return inverses[operation](result, phoneContext);
}

/** A mailbox's UM (and Lync voice) state as the directory shows it, in the shape a job records. */
export function umStateOf(user: UserFacts | undefined): UmState | undefined {
  if (!user) return undefined;
  const numbers = eumNumbers(user);
  const sri = numbers.find((n) => !isNumber(n));
  return {
    umEnabled: user.umEnabled,
    ...(user.policyDn ? { policy: rdnValue(user.policyDn) } : {}),
    extensions: numbers.filter(isNumber),
    ...(sri ? { sipResourceIdentifier: sri } : {}),
    ...(user.lineUri ? { lineUri: user.lineUri } : {}),
    ...(user.lyncAddress ? { enterpriseVoiceEnabled: !!user.enterpriseVoiceEnabled } : {}),
  };
}

/** The phone context of the user's EUM addresses (that of its dial plan), if it has any. */
export function phoneContextOf(user: UserFacts | undefined): string | undefined {
  return user?.eumAddresses.map((a) => /;phone-context=(.+)$/i.exec(a)?.[1]).find(Boolean);
}

/**
 * Where a rollback interrupted between its calls can stand: a move's undo disabled the mailbox
 * but did not enable it again yet. The rest of it runs.
 */
export function isHalfway(inverse: Undo, now: UmState | undefined): boolean {
  return inverse.calls.length > 1 && inverse.calls[0]!.cmdlet === 'Disable-UMMailbox' && now?.umEnabled === false;
}

const shown = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : (v ?? '')) || '—';

/**
 * How the mailbox now differs from what the row left, naming what differs; undefined when it is
 * as the row left it. Only what the row recorded is compared.
 */
export function changedSince(now: UmState | undefined, left: UmState): RowMessage | undefined {
  const differs = (code: string, field: keyof UmState) =>
    message(code, { now: shown(now?.[field] as string | string[] | undefined), left: shown(left[field] as string | string[] | undefined) });
  if (!now) return message('rollback-user-gone');
  if (left.umEnabled !== undefined && now.umEnabled !== left.umEnabled)
    return message(left.umEnabled ? 'rollback-changed-disabled' : 'rollback-changed-enabled');
  if (left.policy !== undefined && !same(now.policy, left.policy)) return differs('rollback-changed-policy', 'policy');
  if (left.extensions !== undefined && !sameSet(now.extensions, left.extensions)) return differs('rollback-changed-extensions', 'extensions');
  if (left.sipResourceIdentifier !== undefined && !same(now.sipResourceIdentifier, left.sipResourceIdentifier))
    return differs('rollback-changed-sri', 'sipResourceIdentifier');
  if (left.enterpriseVoiceEnabled !== undefined && now.enterpriseVoiceEnabled !== left.enterpriseVoiceEnabled) return message('rollback-changed-voice');
  if (left.lineUri !== undefined && !same(now.lineUri, left.lineUri)) return differs('rollback-changed-line-uri', 'lineUri');
  return undefined;
}
