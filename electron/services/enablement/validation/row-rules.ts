import type { RowMessage, RowStatus, RowValues } from '@shared/models/enablement';
import type { UriType } from '@shared/models/topology';
import { rdnValue } from '../../directory/ldap-escape';

/**
 * Exchange's Enable-UMMailbox rules (domain.md §3) as pure functions over what the directory
 * lookups found, so every rule is unit-tested without a directory and the lab module, the
 * validation and the run agree.
 */

/** What the directory says about the user a row names. */
export interface UserFacts {
  dn: string;
  displayName?: string;
  sam?: string;
  hasMailbox: boolean;
  umEnabled: boolean;
  policyDn?: string;
  /** EUM proxy addresses, without the prefix: `12345;phone-context=…`. */
  eumAddresses: string[];
  /** The user's sip: proxy address without `sip:`. */
  sipProxy?: string;
  telephoneNumber?: string;
  /** Lync's line URI (msRTCSIP-Line), e.g. tel:+14255550123;ext=123. */
  lineUri?: string;
}

export interface PlanFacts {
  dn: string;
  name: string;
  uriType: UriType;
  digits?: number;
  phoneContext?: string;
  /** The plan's own phone context and those of its equivalent dial plans. */
  contexts: string[];
  /** Pilot numbers of the dial plan and of its auto attendants. */
  pilots: string[];
}

export interface PolicyFacts {
  dn: string;
  name: string;
  dialPlanDn?: string;
  minPinLength?: number;
}

export interface RowFacts {
  /** Every user the identity matched (0, 1 or more). */
  users: UserFacts[];
  policy?: PolicyFacts;
  /** Several policies have this name (only possible across forests or by display name). */
  policyAmbiguous?: boolean;
  plan?: PlanFacts;
  /** address;phone-context (lower case) → DNs of directory objects holding it as an EUM proxy. */
  holders: Map<string, string[]>;
}

export interface RowVerdict {
  status: RowStatus;
  messages: RowMessage[];
  /** The extensions Exchange will use: given, proposed, or taken from telephoneNumber. */
  extensions: string[];
  /** A proposed extension (when asked for) that the row should take as its value. */
  proposedExtension?: string;
}

const error = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'error', params });
const warning = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'warning', params });
const info = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'info', params });

/** Splits an Extensions cell: several extensions are separated by `;` (also `,` or spaces). */
export function splitExtensions(cell: string): string[] {
  return cell
    .split(/[;,\s]+/)
    .map((e) => e.trim())
    .filter(Boolean);
}

/** The SIP resource identifier without `sip:`, as Exchange stores it. */
export function normalizeSri(value: string): string {
  return value.trim().replace(/^sip:/i, '');
}

/** The numbers and SIP identifiers of a user's EUM proxies, without their phone contexts. */
export function eumNumbers(user: Pick<UserFacts, 'eumAddresses'>): string[] {
  return user.eumAddresses.map((a) => a.split(';')[0]!);
}

/** Enabled for UM with this policy and (at least) these extensions and SIP identifier: what "already done" means. */
export function isEnabledAs(user: Pick<UserFacts, 'umEnabled' | 'policyDn' | 'eumAddresses'>, policyDn: string, extensions: string[], sri = ''): boolean {
  if (!user.umEnabled || user.policyDn?.toLowerCase() !== policyDn.toLowerCase()) return false;
  const current = eumNumbers(user);
  return extensions.every((e) => current.includes(e)) && (!sri || current.some((c) => c.toLowerCase() === sri.toLowerCase()));
}

/** The key a holder map uses for an EUM address in a phone context. */
export function holderKey(address: string, context: string): string {
  return `${address};phone-context=${context}`.toLowerCase();
}

/** Reads true/false as admins write it in spreadsheets; undefined when it is neither. */
export function parseBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['true', '$true', 'yes', 'y', '1'].includes(v)) return true;
  if (['false', '$false', 'no', 'n', '0'].includes(v)) return false;
  return undefined;
}

/**
 * A missing extension proposed from Lync's line URI (`;ext=` or its last N digits), else from
 * telephoneNumber's last N digits — what admins derive by hand today.
 */
export function proposeExtension(user: UserFacts, digits: number | undefined): { extension: string; source: 'line-uri' | 'telephone-number' } | undefined {
  if (!digits) return undefined;
  const line = user.lineUri?.replace(/^tel:/i, '');
  if (line) {
    const ext = /;ext=(\d+)/i.exec(line)?.[1];
    if (ext && ext.length === digits) return { extension: ext, source: 'line-uri' };
    const number = line.split(';')[0]!.replace(/\D/g, '');
    if (number.length >= digits) return { extension: number.slice(-digits), source: 'line-uri' };
  }
  const phone = user.telephoneNumber?.replace(/\D/g, '');
  if (phone && phone.length >= digits) return { extension: phone.slice(-digits), source: 'telephone-number' };
  return undefined;
}

const isPilot = (extension: string, pilots: string[], digits: number) =>
  pilots.find((p) => {
    const d = p.replace(/\D/g, '');
    return d === extension || (d.length >= digits && d.slice(-digits) === extension);
  });

/**
 * Checks one row on its own (everything except uniqueness within the file, which needs all rows).
 * Mirrors the order Exchange checks in, so the first error is the one Enable-UMMailbox would give.
 */
export function checkRow(values: RowValues, facts: RowFacts, options: { proposeExtensions: boolean }): RowVerdict {
  const messages: RowMessage[] = [];
  const done = (status: RowStatus, extensions: string[] = [], proposedExtension?: string): RowVerdict => ({ status, messages, extensions, ...(proposedExtension ? { proposedExtension } : {}) });
  const identity = values.Identity.trim();
  if (!identity) return (messages.push(error('identity-missing')), done('invalid'));
  if (facts.users.length === 0) return (messages.push(error('user-not-found', { identity })), done('invalid'));
  if (facts.users.length > 1) return (messages.push(error('user-ambiguous', { identity, matches: facts.users.map((u) => u.displayName ?? u.dn).slice(0, 5).join('; '), count: String(facts.users.length) })), done('invalid'));
  const user = facts.users[0]!;
  if (!user.hasMailbox) return (messages.push(error('no-mailbox', { identity })), done('invalid'));

  const policyName = values.UMMailboxPolicy.trim();
  if (!policyName) return (messages.push(error('policy-missing')), done('invalid'));
  if (facts.policyAmbiguous) return (messages.push(error('policy-ambiguous', { policy: policyName })), done('invalid'));
  if (!facts.policy) return (messages.push(error('policy-not-found', { policy: policyName })), done('invalid'));
  const plan = facts.plan;
  if (!plan) return (messages.push(error('policy-without-dial-plan', { policy: facts.policy.name })), done('invalid'));
  const digits = plan.digits;

  // Extensions: given; or proposed (when asked); or Exchange takes the last N digits of telephoneNumber.
  let extensions = splitExtensions(values.Extensions);
  let proposed: string | undefined;
  if (extensions.length === 0) {
    const proposal = proposeExtension(user, digits);
    if (options.proposeExtensions && proposal) {
      proposed = proposal.extension;
      extensions = [proposal.extension];
      messages.push(info(proposal.source === 'line-uri' ? 'extension-proposed-line-uri' : 'extension-proposed-telephone', { extension: proposal.extension }));
    } else {
      const phone = user.telephoneNumber?.replace(/\D/g, '') ?? '';
      if (digits && phone.length >= digits) {
        extensions = [phone.slice(-digits)];
        messages.push(info('extension-from-telephone', { extension: extensions[0]!, telephoneNumber: user.telephoneNumber ?? '' }));
      } else {
        messages.push(error('extension-required', { dialPlan: plan.name }));
      }
    }
  }

  // Already enabled: the same settings mean the row is done; anything else needs a disable first.
  if (user.umEnabled) {
    const current = eumNumbers(user);
    if (isEnabledAs(user, facts.policy.dn, extensions, normalizeSri(values.SIPResourceIdentifier))) {
      messages.length = 0;
      messages.push(info('already-enabled-same', { policy: facts.policy.name, extensions: current.filter((c) => /^\d+$/.test(c)).join(', ') }));
      return done('already-done', extensions);
    }
    messages.push(error('already-enabled-different', { policy: user.policyDn ? rdnValue(user.policyDn) : '', extensions: current.join(', ') }));
    return done('invalid', extensions);
  }

  for (const extension of extensions) {
    if (!/^\d+$/.test(extension) || (digits !== undefined && extension.length !== digits)) messages.push(error('extension-invalid', { extension, digits: String(digits ?? '?'), dialPlan: plan.name }));
  }
  if (new Set(extensions).size !== extensions.length) messages.push(error('extension-repeated'));

  // The SIP resource identifier, by the dial plan's URI type.
  const sri = normalizeSri(values.SIPResourceIdentifier);
  if (plan.uriType === 'TelExtn' && sri) messages.push(error('sri-not-allowed', { dialPlan: plan.name }));
  if (plan.uriType === 'E164') {
    if (!sri) messages.push(error('sri-required-e164', { dialPlan: plan.name }));
    else if (!/^\+[1-9]\d{1,14}$/.test(sri)) messages.push(error('sri-not-e164', { sri }));
  }
  if (plan.uriType === 'SipName') {
    if (!sri) messages.push(error('sri-required-sip', { dialPlan: plan.name, sipAddress: user.sipProxy ?? '' }));
    else if (!user.sipProxy) messages.push(error('sip-proxy-missing', { identity }));
    else if (user.sipProxy.toLowerCase() !== sri.toLowerCase()) messages.push(error('sri-mismatch', { sri, sipAddress: user.sipProxy }));
  }

  // Unique in the dial plan and its equivalents, and not a pilot number.
  for (const extension of extensions) {
    if (!/^\d+$/.test(extension)) continue;
    const pilot = digits ? isPilot(extension, plan.pilots, digits) : undefined;
    if (pilot) messages.push(error('extension-is-pilot', { extension, pilot }));
    const holder = firstHolder(facts.holders, extension, plan.contexts, user.dn);
    if (holder) messages.push(error('extension-taken', { extension, holder: rdnValue(holder) }));
  }
  if (sri) {
    const holder = firstHolder(facts.holders, sri, plan.contexts, user.dn);
    if (holder) messages.push(error('sri-taken', { sri, holder: rdnValue(holder) }));
  }

  // PIN, against the policy; omitted means Exchange generates one and expires it.
  const pin = values.PIN;
  const minPin = Math.max(4, facts.policy.minPinLength ?? 4);
  if (pin) {
    if (!/^\d+$/.test(pin) || pin.length < minPin || pin.length > 24) messages.push(error('pin-invalid', { min: String(minPin), policy: facts.policy.name }));
  }
  if (values.PINExpired.trim() && parseBoolean(values.PINExpired) === undefined) messages.push(error('pin-expired-invalid', { value: values.PINExpired }));
  if (values.NotifyEmail.trim() && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(values.NotifyEmail.trim())) messages.push(error('notify-email-invalid', { value: values.NotifyEmail }));
  // Worth knowing, not blocking: only said about rows that are otherwise fine.
  if (!user.sipProxy && plan.uriType !== 'SipName' && !messages.some((m) => m.severity === 'error')) messages.push(warning('no-sip-proxy', { identity }));

  return done(messages.some((m) => m.severity === 'error') ? 'invalid' : 'ready', extensions, proposed);
}

function firstHolder(holders: Map<string, string[]>, address: string, contexts: string[], self: string): string | undefined {
  for (const context of contexts) {
    const found = holders.get(holderKey(address, context))?.find((dn) => dn.toLowerCase() !== self.toLowerCase());
    if (found) return found;
  }
  return undefined;
}

/** One row's part in the checks across rows: who it enables and which numbers it claims where. */
export interface RowClaim {
  line: number;
  userDn?: string;
  contexts: string[];
  addresses: string[];
}

/**
 * Checks across rows: the same user twice, and the same extension or SIP resource identifier
 * claimed by two rows in one dial plan (or equivalent plans). Every row involved is flagged,
 * naming the other lines — which one is right is the admin's call.
 */
export function crossRowMessages(claims: RowClaim[]): Map<number, RowMessage[]> {
  const out = new Map<number, RowMessage[]>();
  const add = (line: number, message: RowMessage) => out.set(line, [...(out.get(line) ?? []), message]);
  const byUser = new Map<string, number[]>();
  for (const c of claims) if (c.userDn) byUser.set(c.userDn.toLowerCase(), [...(byUser.get(c.userDn.toLowerCase()) ?? []), c.line]);
  for (const lines of byUser.values()) {
    if (lines.length < 2) continue;
    for (const line of lines) add(line, error('duplicate-user', { lines: lines.filter((l) => l !== line).join(', ') }));
  }
  const byAddress = new Map<string, Array<{ line: number; address: string; user?: string }>>();
  for (const c of claims) {
    for (const address of new Set(c.addresses)) {
      for (const context of c.contexts) {
        const key = holderKey(address, context);
        byAddress.set(key, [...(byAddress.get(key) ?? []), { line: c.line, address, user: c.userDn?.toLowerCase() }]);
      }
    }
  }
  const flagged = new Set<string>();
  for (const entries of byAddress.values()) {
    const users = new Set(entries.map((e) => e.user ?? `line:${e.line}`));
    if (users.size < 2) continue;
    for (const entry of entries) {
      const key = `${entry.line}|${entry.address}`;
      if (flagged.has(key)) continue;
      flagged.add(key);
      const others = [...new Set(entries.filter((e) => e.line !== entry.line).map((e) => e.line))].join(', ');
      add(entry.line, error('duplicate-in-file', { value: entry.address, lines: others }));
    }
  }
  return out;
}
