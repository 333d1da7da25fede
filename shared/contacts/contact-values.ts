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

/**
 * The display name proposed for a new contact: "<dial plan> Subscriber Access" or "<auto attendant>
 * Auto Attendant". OcsUmUtil proposed the bare dial plan name and suggested naming an SA contact
 * "Subscriber Access" [S1 step 6]; the name says both, so an SA and an AA contact of the same dial
 * plan never share a name (it is also the contact's CN in its OU), and it reads like the seeded
 * and documented examples. In English whatever the console's language: it is a directory value
 * that Lync's and Exchange's tools show to every admin.
 */
export function proposeContactName(kind: 'SA' | 'AA', targetName: string): string {
  return `${targetName} ${kind === 'SA' ? 'Subscriber Access' : 'Auto Attendant'}`;
}

/**
 * A new contact's proposed name and SIP address, each made unique among the existing contacts
 * ("Redmond Subscriber Access 2", sip:RedmondSA2@…) so that a default never collides. Shared by
 * the form and the CLI so both propose the same.
 */
export function proposeContactDefaults(
  kind: 'SA' | 'AA',
  targetName: string,
  sipDomain: string,
  existing: Array<{ displayName?: string; sipAddress?: string }>,
): { name: string; sipAddress: string } {
  const name = proposeContactName(kind, targetName);
  const sip = proposeSipAddress(kind, targetName, sipDomain);
  const [user, domain] = sip.split('@') as [string, string];
  return {
    name: firstFree(
      (n) => (n === 1 ? name : `${name} ${n}`),
      existing.map((c) => c.displayName),
    ),
    sipAddress: firstFree(
      (n) => (n === 1 ? sip : `${user}${n}@${domain}`),
      existing.map((c) => c.sipAddress),
    ),
  };
}

/** candidate(1), candidate(2)… the first that is not taken (case-insensitive). */
function firstFree(candidate: (n: number) => string, taken: Array<string | undefined>): string {
  const lower = new Set(taken.filter((t): t is string => !!t).map((t) => t.toLowerCase()));
  let n = 1;
  while (lower.has(candidate(n).toLowerCase())) n++;
  return candidate(n);
}

/** Digits only, so +1 (425) 555-0100 and +14255550100 compare equal. */
export function numberDigits(value: string | undefined): string {
  return (value ?? '').replace(/\D/g, '');
}
