/**
 * The shapes Exchange gives the values of a row: how a cell becomes what Enable-UMMailbox is sent,
 * and Exchange's own tests of a SIP resource identifier [S11 UMCommon.Utils.IsUriValid].
 */

/** Splits an Extensions cell: several extensions are separated by `;` (also `,` or spaces), each trimmed. */
export function splitExtensions(cell: string): string[] {
  return cell
    .split(/[;,\s]+/)
    .map((e) => e.trim())
    .filter(Boolean);
}

/**
 * The SIP resource identifier as it is sent: trimmed, without a `sip:` (any case) prefix.
 * Exchange stores and compares it without one [S11: the sip: proxy's AddressString] and its own
 * examples have none [S12]; sent raw, Exchange refuses it (see the lab's Enable-UMMailbox).
 */
export function normalizeSri(value: string): string {
  return value.trim().replace(/^sip:/i, '').trim();
}

/** E.164 as Exchange tests it: `+` and at least one digit, nothing else [S11 IsUriValid(E164)]. */
export function isE164Shaped(value: string): boolean {
  return /^\+\d+$/.test(value);
}

/** Digits only, as Exchange's IsNumber (`^\d+$`) [S11]. */
export function isNumber(value: string): boolean {
  return /^\d+$/.test(value);
}

// RFC 5321/5322 dot-atom local part and a host name: what SmtpAddress.IsValidSmtpAddress accepts
// for the plain addresses UM deals with. A `sip:` prefix puts a colon in the local part: invalid.
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
const SMTP = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}(?:\\.${LABEL})*$`);

/** A SIP URI dial plan's identifier must be a valid SMTP-style address, `user@domain` [S11 IsUriValid(SipName)]. */
export function isSmtpAddress(value: string): boolean {
  return value.length <= 320 && SMTP.test(value);
}
