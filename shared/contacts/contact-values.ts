/**
 * Checks and defaults for the values of an SA/AA contact, shared by the form (renderer), the CLI
 * and the contacts service, so all three accept and propose the same thing.
 */

/** `sip:user@domain` with a plausible user part and host; what OcsUmUtil insisted on ("must begin sip:"). */
export function isValidSipAddress(value: string): boolean {
  return /^sip:[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/.test(value);
}

/** E.164: a plus, then 2–15 digits, the first not 0 (New-CsExUmContact's DisplayNumber rule). */
export function isValidE164(value: string): boolean {
  return /^\+[1-9]\d{1,14}$/.test(value);
}

/** The SIP address proposed for a new contact: <name without spaces>SA|AA@<domain>. */
export function proposeSipAddress(kind: 'SA' | 'AA', name: string, domain: string): string {
  const user = name.normalize('NFKD').replace(/[^A-Za-z0-9._-]/g, '') || 'um';
  return `sip:${user}${kind === 'SA' && !/sa$/i.test(user) ? 'SA' : ''}@${domain}`;
}
