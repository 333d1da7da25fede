import type { RowMessage, RowStatus, RowValues } from '@shared/models/enablement';
import type { UriType } from '@shared/models/topology';
import { rdnValue } from '@shared/dn';
import type { IdentityKeys, IdentityMatch } from './identity-resolution';
import { checkPin, type PinPolicy } from './pin-rules';
import { isE164Shaped, isNumber, isSmtpAddress, normalizeSri, splitExtensions } from './uri-rules';

export { normalizeSri, splitExtensions } from './uri-rules';

/**
 * Exchange's Enable-UMMailbox rules (domain.md §3) as pure functions over what the directory
 * lookups found, so every rule is unit-tested without a directory and the lab module, the
 * validation and the run agree. The order is Exchange 2013's own [S11 EnableUMMailboxBase.DoValidate,
 * UMCommon.Utils.ValidateExtensionsAndSipResourceIdentifier], so the first error of a row is the
 * one Enable-UMMailbox would give; the console lists the others too, so one pass fixes a row.
 */

/**
 * What the directory says about a recipient a row names (or that holds an address), as the rules
 * and a job need it. The other keys -Identity may match (GUIDs, legacyExchangeDN, every proxy
 * address…) are read too, but only to resolve the identity (DirectoryUser, directory-facts.ts):
 * a validated file keeps one of these per user, and 100,000 rows can name 100,000 users.
 */
export interface UserFacts extends Pick<IdentityKeys, 'dn' | 'name' | 'alias' | 'upn' | 'displayName'> {
  hasMailbox: boolean;
  umEnabled: boolean;
  policyDn?: string;
  /** EUM proxy addresses, without the prefix: `12345;phone-context=…`. */
  eumAddresses: string[];
  /** The user's sip: proxy address without `sip:` (the one Exchange compares with [S11]). */
  sipProxy?: string;
  /** Lync's SIP address (msRTCSIP-PrimaryUserAddress) without `sip:`. */
  lyncAddress?: string;
  telephoneNumber?: string;
  /** Lync's line URI (msRTCSIP-Line), e.g. tel:+14255550123;ext=123. */
  lineUri?: string;
  /** Lync Enterprise Voice (bit 128 of msRTCSIP-OptionFlags). */
  enterpriseVoiceEnabled?: boolean;
}

/** A number some dial plan or auto attendant answers on, and whose it is. */
export interface PilotNumber {
  number: string;
  owner: string;
}

export interface PlanFacts {
  dn: string;
  name: string;
  uriType: UriType;
  digits?: number;
  phoneContext?: string;
  /** The plan's own phone context and those of its equivalent dial plans [S11][S15]. */
  contexts: string[];
  /** SipResourceIdentifierRequired (E.164 plans may turn it off) [S11]. */
  sipResourceIdentifierRequired: boolean;
  /** PilotIdentifierList of every dial plan and pilot numbers of every auto attendant: what an E.164 value may not equal [S11]. */
  pilots: PilotNumber[];
  /** The same plus this plan's access (subscriber access) numbers: what a plain extension is compared with for a warning only. */
  nearPilots: PilotNumber[];
}

export interface PolicyFacts extends PinPolicy {
  dn: string;
  dialPlanDn?: string;
}

/** Who holds which address, forest-wide (lower-case keys; values are DNs). */
export interface Holders {
  /** `address;phone-context=context` → holders of that EUM proxy. */
  eum: Map<string, string[]>;
  /** address → holders of `eum:<address>;phone-context=<any>` [S11 LookupByEumSipResourceIdentifierPrefix]. */
  eumAnyContext: Map<string, string[]>;
  /** address → holders of `sip:<address>` [S11 LookupBySipExtension]. */
  sip: Map<string, string[]>;
}

export interface RowFacts {
  /** Every mailbox user the identity resolved to (0, 1 or more), in the first phase that found any. */
  users: UserFacts[];
  matchedBy?: IdentityMatch;
  /** Nothing matched a documented form, but these users have the value as their display name. */
  displayNameOnly?: UserFacts[];
  policy?: PolicyFacts;
  /** Several policies have this name (only possible across forests or by display name). */
  policyAmbiguous?: boolean;
  plan?: PlanFacts;
  /** The UM mailbox policy the user has now, and its dial plan (the operations after enable read them). */
  current?: { policy?: PolicyFacts; plan?: PlanFacts };
  holders: Holders;
}

export interface RowOptions {
  proposeExtensions: boolean;
  /** The admin accepted an identifier that is not the user's Lync SIP address: for this row, or for the whole job. */
  sipMismatchOverride?: 'row' | 'job';
}

export interface RowVerdict {
  status: RowStatus;
  messages: RowMessage[];
  /** The extensions Exchange will use: given, proposed, or taken from telephoneNumber. */
  extensions: string[];
  /** The SIP resource identifier Exchange will use: given (normalised) or, on a SIP URI plan, the sip: proxy. */
  sri?: string;
  /** What Enable-UMMailbox is sent: normalised, and empty where Exchange derives the value itself. */
  sent: { extensions: string[]; sri: string };
  /** A proposed extension (when asked for) that the row should take as its value. */
  proposedExtension?: string;
}

const error = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'error', params });
const warning = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'warning', params });
const info = (code: string, params: Record<string, string> = {}): RowMessage => ({ code, severity: 'info', params });

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

/** How an admin should name a user instead of by display name: the alias, else the UPN, else the name. */
export function betterIdentity(user: Pick<UserFacts, 'alias' | 'upn' | 'name' | 'dn'>): string {
  return user.alias ?? user.upn ?? user.name ?? rdnValue(user.dn);
}

/**
 * -Identity, as the documentation lists it [S14]; never by display name: the one mailbox user the
 * row names, or undefined with the reason added to `messages`. Every operation starts with it.
 */
export function checkIdentity(
  values: Pick<RowValues, 'Identity'>,
  facts: Pick<RowFacts, 'users' | 'displayNameOnly'>,
  messages: RowMessage[],
): UserFacts | undefined {
  const identity = values.Identity.trim();
  if (!identity) return (messages.push(error('identity-missing')), undefined);
  if (facts.users.length === 0) {
    // Mailboxes first: they are what the admin meant to name.
    const byDisplayName = [...(facts.displayNameOnly ?? [])].sort((a, b) => Number(b.hasMailbox) - Number(a.hasMailbox));
    if (byDisplayName.length) {
      const matches = byDisplayName
        .slice(0, 5)
        .map((u) => u.name ?? rdnValue(u.dn))
        .join('; ');
      messages.push(
        error('identity-display-name-only', { identity, matches, count: String(byDisplayName.length), suggestion: betterIdentity(byDisplayName[0]!) }),
      );
    } else messages.push(error('user-not-found', { identity }));
    return undefined;
  }
  if (facts.users.length > 1)
    return (
      messages.push(
        error('user-ambiguous', {
          identity,
          matches: facts.users
            .map((u) => u.name ?? rdnValue(u.dn))
            .slice(0, 5)
            .join('; '),
          count: String(facts.users.length),
        }),
      ),
      undefined
    );
  const user = facts.users[0]!;
  if (!user.hasMailbox) return (messages.push(error('no-mailbox', { identity })), undefined);
  return user;
}

/**
 * Checks one row on its own (everything except uniqueness within the file, which needs all rows),
 * in Exchange's order.
 */
export function checkRow(values: RowValues, facts: RowFacts, options: RowOptions): RowVerdict {
  const messages: RowMessage[] = [];
  let extensions: string[] = [];
  let sent = { extensions: [] as string[], sri: normalizeSri(values.SIPResourceIdentifier) };
  const done = (status: RowStatus, extra: Partial<RowVerdict> = {}): RowVerdict => ({ status, messages, extensions, sent, ...extra });

  const identity = values.Identity.trim();
  const user = checkIdentity(values, facts, messages);
  if (!user) return done('invalid');

  const policyName = values.UMMailboxPolicy.trim();
  if (!policyName) return (messages.push(error('policy-missing')), done('invalid'));
  if (facts.policyAmbiguous) return (messages.push(error('policy-ambiguous', { policy: policyName })), done('invalid'));
  if (!facts.policy) return (messages.push(error('policy-not-found', { policy: policyName })), done('invalid'));
  const plan = facts.plan;
  if (!plan) return (messages.push(error('policy-without-dial-plan', { policy: facts.policy.name })), done('invalid'));
  const digits = plan.digits;

  // Extensions: given; or proposed (when asked); or Exchange takes the last N digits of telephoneNumber [S11][S12].
  extensions = splitExtensions(values.Extensions);
  sent = { ...sent, extensions: [...extensions] };
  let proposed: string | undefined;
  if (extensions.length === 0) {
    const proposal = proposeExtension(user, digits);
    if (options.proposeExtensions && proposal) {
      proposed = proposal.extension;
      extensions = [proposal.extension];
      sent = { ...sent, extensions: [proposal.extension] };
      messages.push(info(proposal.source === 'line-uri' ? 'extension-proposed-line-uri' : 'extension-proposed-telephone', { extension: proposal.extension }));
    } else {
      const phone = user.telephoneNumber?.replace(/\D/g, '') ?? '';
      if (digits && phone.length >= digits) {
        extensions = [phone.slice(-digits)];
        messages.push(info('extension-from-telephone', { extension: extensions[0]!, telephoneNumber: user.telephoneNumber ?? '' }));
      }
    }
  }
  const withProposal = (extra: Partial<RowVerdict> = {}) => ({ ...(proposed ? { proposedExtension: proposed } : {}), ...extra });

  // On a SIP URI plan an omitted identifier is the user's sip: proxy; a given one must equal it [S11 DoValidate].
  let sri = sent.sri || undefined;
  if (plan.uriType === 'SipName' && user.sipProxy) {
    if (!sri) {
      sri = user.sipProxy;
      messages.push(info('sri-from-sip-proxy', { sipAddress: user.sipProxy }));
    } else if (sri.toLowerCase() !== user.sipProxy.toLowerCase()) {
      messages.push(error('sri-mismatch', { sri, sipAddress: user.sipProxy }));
    }
  }

  // Already enabled: the same settings mean the row is done; anything else needs a disable first [S11].
  if (user.umEnabled) {
    const current = eumNumbers(user);
    if (isEnabledAs(user, facts.policy.dn, extensions, sri)) {
      messages.length = 0;
      messages.push(info('already-enabled-same', { policy: facts.policy.name, extensions: current.filter(isNumber).join(', ') }));
      return done('already-done', withProposal({ ...(sri ? { sri } : {}) }));
    }
    messages.length = 0;
    messages.push(error('already-enabled-different', { policy: user.policyDn ? rdnValue(user.policyDn) : '', extensions: current.join(', ') }));
    return done('invalid', withProposal({ ...(sri ? { sri } : {}) }));
  }

  // By the dial plan's URI type [S11 ValidateExtensionsAndSipResourceIdentifier].
  if (plan.uriType === 'Unknown') {
    messages.push(error('dial-plan-uri-unknown', { dialPlan: plan.name }));
  } else if (plan.uriType === 'TelExtn') {
    if (sri) messages.push(error('sri-not-allowed', { dialPlan: plan.name }));
    if (extensions.length === 0) messages.push(error('extension-required', { dialPlan: plan.name }));
  } else if (plan.uriType === 'E164') {
    // Needed only when the plan says so (SipResourceIdentifierRequired, default true) [S11].
    if (!sri && plan.sipResourceIdentifierRequired) messages.push(error('sri-required-e164', { dialPlan: plan.name }));
    if (extensions.length === 0) messages.push(error('extension-required', { dialPlan: plan.name }));
    if (sri && !isE164Shaped(sri)) messages.push(error('sri-not-e164', { sri }));
  } else if (plan.uriType === 'SipName') {
    if (!sri) messages.push(error('sri-required-sip', { dialPlan: plan.name }));
    if (extensions.length === 0) messages.push(error('extension-required', { dialPlan: plan.name }));
    if (sri && !isSmtpAddress(sri)) messages.push(error('sri-not-sip-address', { sri }));
  }

  messages.push(...checkExtensions(extensions, plan, facts.holders, user.dn));

  // The identifier's uniqueness: forest-wide in any phone context on a SIP URI plan, as a number otherwise [S11].
  if (sri && plan.uriType === 'SipName' && isSmtpAddress(sri)) {
    const holder = otherHolder(facts.holders.eumAnyContext.get(sri.toLowerCase()), user.dn) ?? otherHolder(facts.holders.sip.get(sri.toLowerCase()), user.dn);
    if (holder) messages.push(error('sri-taken', { sri, holder: rdnValue(holder) }));
  }
  if (sri && plan.uriType === 'E164' && isE164Shaped(sri)) {
    const pilot = exactPilot(sri, plan.pilots);
    if (pilot) messages.push(error('sri-is-pilot', { sri, pilot: pilot.number, owner: pilot.owner, dialPlan: plan.name }));
    const holder = firstHolder(facts.holders.eum, sri, plan.contexts, user.dn);
    if (holder) messages.push(error('sri-taken', { sri, holder: rdnValue(holder) }));
  }

  // Lync integration, not an Exchange rule: the identifier is the user's Lync SIP address. The admin may override this one.
  if (sri && plan.uriType === 'SipName') {
    const lync = user.lyncAddress;
    if (!lync) messages.push(overridable(error('sri-no-lync-address', { sri, identity }), options.sipMismatchOverride));
    else if (lync.toLowerCase() !== sri.toLowerCase())
      messages.push(overridable(error('sri-not-lync-address', { sri, lyncAddress: lync }), options.sipMismatchOverride));
  }

  // PIN, against the policy; checked by Exchange after everything else [S11].
  messages.push(...checkPin(values.PIN, facts.policy, sri, extensions));
  if (values.PINExpired.trim() && parseBoolean(values.PINExpired) === undefined) messages.push(error('pin-expired-invalid', { value: values.PINExpired }));
  if (values.NotifyEmail.trim() && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(values.NotifyEmail.trim()))
    messages.push(error('notify-email-invalid', { value: values.NotifyEmail }));
  // Worth knowing, not blocking: only said about rows that are otherwise fine.
  if (!user.sipProxy && !messages.some((m) => m.severity === 'error')) messages.push(warning('no-sip-proxy', { identity }));

  return done(messages.some((m) => m.severity === 'error') ? 'invalid' : 'ready', withProposal({ ...(sri ? { sri } : {}) }));
}

/**
 * Each extension: exactly N digits; not a pilot number; not held in this plan or an equivalent one
 * by anyone but the user [S11]. Enable and the change of a UM mailbox's extensions apply the same rules.
 */
export function checkExtensions(extensions: string[], plan: PlanFacts, holders: Holders, userDn: string): RowMessage[] {
  const messages: RowMessage[] = [];
  const digits = plan.digits;
  for (const extension of extensions) {
    if (!isNumber(extension) || (digits !== undefined && extension.length !== digits)) {
      messages.push(error('extension-invalid', { extension, digits: String(digits ?? '?'), dialPlan: plan.name }));
      continue;
    }
    const pilot = exactPilot(extension, plan.pilots);
    if (pilot) messages.push(error('extension-is-pilot', { extension, pilot: pilot.number, owner: pilot.owner, dialPlan: plan.name }));
    const holder = firstHolder(holders.eum, extension, plan.contexts, userDn);
    if (holder) messages.push(error('extension-taken', { extension, holder: rdnValue(holder), dialPlan: plan.name }));
    // Only an E.164-shaped value is compared with pilots, for equality; the same last digits are not an error [S11].
    const near = plan.nearPilots.find((p) => p.number.replace(/\D/g, '').endsWith(extension) && p.number.replace(/\D/g, '') !== extension);
    if (!pilot && near) messages.push(warning('extension-matches-pilot-digits', { extension, pilot: near.number, owner: near.owner }));
  }
  if (new Set(extensions).size !== extensions.length) messages.push(error('extension-repeated'));
  return messages;
}

/** The Lync check as the admin decided: an error, or (overridden for the row or the job) a recorded warning. */
function overridable(message: RowMessage, override: RowOptions['sipMismatchOverride']): RowMessage {
  return override ? { ...message, severity: 'warning', overridable: true, overridden: override } : { ...message, overridable: true };
}

function exactPilot(value: string, pilots: PilotNumber[]): PilotNumber | undefined {
  return isE164Shaped(value) ? pilots.find((p) => p.number === value) : undefined;
}

function otherHolder(holders: string[] | undefined, self: string): string | undefined {
  return holders?.find((dn) => dn.toLowerCase() !== self.toLowerCase());
}

function firstHolder(holders: Map<string, string[]>, address: string, contexts: string[], self: string): string | undefined {
  for (const context of contexts) {
    const found = otherHolder(holders.get(holderKey(address, context)), self);
    if (found) return found;
  }
  return undefined;
}
