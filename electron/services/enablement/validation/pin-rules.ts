import type { RowMessage } from '@shared/models/enablement';
import { isNumber } from './uri-rules';

/**
 * The PIN rules of a UM mailbox policy, exactly as Exchange 2013 applies them when a PIN is given
 * to Enable-UMMailbox [S11 UMCommon.UmPasswordManager.IsWeak], with the length limit of the
 * documentation [S12].
 */

/** What the rules need from the UM mailbox policy. */
export interface PinPolicy {
  name: string;
  /** MinPINLength; Exchange's default is 6 [S13]. */
  minPinLength?: number;
  /** AllowCommonPatterns; default false [S13][S22]. */
  allowCommonPatterns: boolean;
}

/** The PIN length Exchange's schema gives a policy that does not set one [S13]. */
export const DEFAULT_MIN_PIN_LENGTH = 6;

/**
 * A "common pattern" as Exchange's NotComplex defines it: the whole PIN steps by the same
 * difference from digit to digit, and that difference is 0 (repeated: 111111), +1 or −1
 * (sequential: 123456, 654321). Nothing wraps round (9012 is not sequential) and a one-digit
 * PIN is no pattern [S11].
 */
export function commonPattern(pin: string): 'repeated' | 'sequential' | undefined {
  if (pin.length < 2) return undefined;
  const step = pin.charCodeAt(1) - pin.charCodeAt(0);
  for (let i = 2; i < pin.length; i++) if (pin.charCodeAt(i) - pin.charCodeAt(i - 1) !== step) return undefined;
  if (step === 0) return 'repeated';
  return step === 1 || step === -1 ? 'sequential' : undefined;
}

/**
 * "The suffix of the mailbox extension" as Exchange's IsUserExtension defines it: read from the
 * end, every digit of the PIN equals the mailbox's extension — so the PIN is the extension's last
 * digits (or all of it), never longer than it [S11].
 */
export function isSuffixOf(pin: string, extension: string): boolean {
  return pin.length > 0 && pin.length <= extension.length && extension.endsWith(pin);
}

/**
 * The mailbox's "extension" the suffix rule compares with: Exchange's UMExtension, the primary
 * EUM address. Enable-UMMailbox writes the SIP resource identifier first (so it is the primary)
 * and the extensions after it, and checks the PIN against that in-memory user [S11
 * Utils.UMPopulate, UMMailbox.AddProxy, UpdateUMMailboxRequest]: with an identifier it is the
 * identifier, otherwise the first extension.
 */
export function primaryUmAddress(sri: string | undefined, extensions: string[]): string | undefined {
  return sri || extensions[0];
}

const error = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'error', params });
const warning = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'warning', params });

/**
 * Checks a PIN in Exchange's order — length and digits, common patterns (only when the policy
 * does not allow them), the suffix of the mailbox's UM address — and returns the first refusal,
 * as Exchange reports one. An empty PIN is fine: Exchange generates one and expires it [S12].
 * A PIN that is the end of a numeric extension while the identifier is the primary address is
 * accepted by Exchange; it is said as a warning, since callers can guess it.
 */
export function checkPin(pin: string, policy: PinPolicy, sri: string | undefined, extensions: string[]): RowMessage[] {
  if (!pin) return [];
  const min = Math.max(4, policy.minPinLength ?? DEFAULT_MIN_PIN_LENGTH);
  // 4–24 digits [S12], at least MinPINLength [S13]; Exchange tests the length, then the digits [S11].
  if (pin.length < min || pin.length > 24 || !isNumber(pin)) return [error('pin-invalid', { min: String(min), policy: policy.name })];
  const pattern = policy.allowCommonPatterns ? undefined : commonPattern(pin);
  if (pattern) return [error(pattern === 'repeated' ? 'pin-repeated' : 'pin-sequential', { policy: policy.name })];
  const primary = primaryUmAddress(sri, extensions);
  if (primary && isSuffixOf(pin, primary)) return [error('pin-extension-suffix', { address: primary })];
  const extension = extensions.find((e) => isSuffixOf(pin, e));
  if (extension) return [warning('pin-numeric-extension-suffix', { extension, address: primary ?? '' })];
  return [];
}
