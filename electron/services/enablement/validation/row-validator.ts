import type { UmState, RowMessage, RowValues, ValidatedRow } from '@shared/models/enablement';
import type { DirectorySession } from '../../directory/directory-session';
import type { ExchangeFacts } from '../../topology/forest-reader';
import { ANY_CONTEXT, type RowClaim } from './cross-row-rules';
import { findHolders, findUsers, type UserLookup } from './directory-facts';
import type { ForestDomain } from './identity-resolution';
import { enableOperation } from '../operations/enable';
import type { Operation } from '../operations/operation';
import {
  eumNumbers,
  holderKey,
  type Holders,
  type PilotNumber,
  type PlanFacts,
  type PolicyFacts,
  type RowFacts,
  type RowVerdict,
  type UserFacts,
} from './row-rules';
import { isNumber } from './uri-rules';

/** One row as the validator sees it: where it is in the file and its values (edits applied). */
export interface SourceRow {
  line: number;
  values: RowValues;
  edited: boolean;
}

/** The dial plans and mailbox policies of the Exchange organisation, as the rules need them. */
export class OrgFacts {
  private readonly plans = new Map<string, PlanFacts>();
  private readonly policies: PolicyFacts[];

  constructor(org: ExchangeFacts) {
    // Exchange compares an E.164 value with the PilotIdentifierList of every dial plan and the
    // pilot numbers of every auto attendant, whichever plan the mailbox is on [S11 IsPhoneNumberPilotNumberInAnyAAOrDP].
    const pilots: PilotNumber[] = [
      ...org.dialPlans.flatMap((d) => d.pilotIdentifiers.map((number) => ({ number, owner: d.name }))),
      ...org.autoAttendants.flatMap((a) => a.pilotNumbers.map((number) => ({ number, owner: a.name }))),
    ];
    for (const plan of org.dialPlans) {
      this.plans.set(plan.dn.toLowerCase(), {
        dn: plan.dn,
        name: plan.name,
        uriType: plan.uriType,
        digits: plan.digits,
        phoneContext: plan.phoneContext,
        contexts: [plan.phoneContext, ...plan.equivalentPhoneContexts].filter((c): c is string => !!c),
        sipResourceIdentifierRequired: plan.sipResourceIdentifierRequired,
        pilots,
        nearPilots: [...pilots, ...plan.accessNumbers.map((number) => ({ number, owner: plan.name }))],
      });
    }
    this.policies = org.mailboxPolicies.map((p) => ({
      dn: p.dn,
      name: p.name,
      dialPlanDn: p.dialPlanDn,
      minPinLength: p.minPinLength,
      allowCommonPatterns: p.allowCommonPatterns,
    }));
  }

  /** A policy by name or DN, as -UMMailboxPolicy takes it. */
  policy(identity: string): { policy?: PolicyFacts; ambiguous: boolean } {
    const wanted = identity.trim().toLowerCase();
    const found = this.policies.filter((p) => p.name.toLowerCase() === wanted || p.dn.toLowerCase() === wanted);
    return { policy: found.length === 1 ? found[0] : undefined, ambiguous: found.length > 1 };
  }

  plan(dn: string | undefined): PlanFacts | undefined {
    return dn ? this.plans.get(dn.toLowerCase()) : undefined;
  }

  /** The policy a user has (msExchUMTemplateLink), and its dial plan. */
  current(user: Pick<UserFacts, 'policyDn'>): { policy?: PolicyFacts; plan?: PlanFacts } {
    const policy = user.policyDn ? this.policies.find((p) => p.dn.toLowerCase() === user.policyDn!.toLowerCase()) : undefined;
    return { ...(policy ? { policy } : {}), ...(policy?.dialPlanDn ? { plan: this.plan(policy.dialPlanDn) } : {}) };
  }
}

/**
 * The user as the directory has it before a job changes it, for the journal and a rollback: UM
 * state, policy name, EUM numbers (extensions, and the SIP resource identifier that is not a
 * plain number), Lync's line URI. Never a PIN.
 */
export function beforeOf(user: UserFacts, org: OrgFacts): UmState {
  const numbers = eumNumbers(user);
  const policy = org.current(user).policy;
  const sri = numbers.find((n) => !isNumber(n));
  return {
    umEnabled: user.umEnabled,
    ...(policy ? { policy: policy.name } : {}),
    extensions: numbers.filter(isNumber),
    ...(sri ? { sipResourceIdentifier: sri } : {}),
    ...(user.lineUri ? { lineUri: user.lineUri } : {}),
    ...(user.lyncAddress ? { enterpriseVoiceEnabled: !!user.enterpriseVoiceEnabled } : {}),
  };
}

/** The admin's decisions about the Lync SIP address check: for every row, or for some. */
export interface SipMismatchOverrides {
  job: boolean;
  lines: Set<number>;
}

/** One row checked on its own, and what it claims for the checks across rows (none when it is already done). */
export interface CheckedRow {
  row: ValidatedRow;
  claim?: RowClaim;
}

/**
 * Validates rows against the directory with lookups batched over the rows given and cached, so
 * the next rows (the file streams through in chunks) or an edited row look up only what is new.
 * Uniqueness within the file is not judged here: the claims go to a ClaimIndex (cross-row-rules.ts).
 */
export class RowValidator {
  private readonly users: UserLookup['resolved'] = new Map();
  private readonly holders: Holders = { eum: new Map(), eumAnyContext: new Map(), sip: new Map() };
  private forestWide = true;

  constructor(
    private readonly session: DirectorySession,
    private readonly domains: ForestDomain[],
    private readonly org: OrgFacts,
    private readonly options: { proposeExtensions: boolean },
    private readonly operation: Operation = enableOperation,
  ) {}

  async check(rows: SourceRow[], overrides: SipMismatchOverrides = { job: false, lines: new Set() }): Promise<CheckedRow[]> {
    const newIdentities = [...new Set(rows.map((r) => r.values.Identity.trim()).filter((id) => id && !this.users.has(id.toLowerCase())))];
    if (newIdentities.length) {
      const found = await findUsers(this.session, newIdentities, this.domains);
      this.forestWide &&= found.forestWide;
      for (const [id, result] of found.resolved) this.users.set(id, result);
    }

    const check = (row: SourceRow) => {
      const facts = this.factsOf(row);
      const sipMismatchOverride = overrides.job ? 'job' : overrides.lines.has(row.line) ? 'row' : undefined;
      return { row, facts, verdict: this.operation.check(row.values, facts, { ...this.options, ...(sipMismatchOverride ? { sipMismatchOverride } : {}) }) };
    };
    // A first pass tells which addresses each row claims; then one batched lookup of their holders.
    await this.lookUpHolders(rows.map(check));
    return rows.map(check).map(({ row, facts, verdict }): CheckedRow => {
      const user = facts.users.length === 1 ? facts.users[0]! : undefined;
      // The grid shows what Enable-UMMailbox is sent: the normalised extensions and identifier. An
      // invalid row is never sent: where its check stopped before reading the extensions (no such
      // user, a bad number), the file's own text stays, so the admin sees what to correct.
      const extensions = verdict.sent.extensions.length || verdict.status !== 'invalid' ? verdict.sent.extensions.join(';') : row.values.Extensions;
      // Every field named, in one literal: an object spread from another grows a second store for its fields, per row.
      const values: RowValues = {
        Identity: row.values.Identity,
        Extensions: extensions,
        SIPResourceIdentifier: verdict.sent.sri,
        UMMailboxPolicy: row.values.UMMailboxPolicy,
        PIN: maskPin(row.values.PIN),
        PINExpired: row.values.PINExpired,
        NotifyEmail: row.values.NotifyEmail,
        ...(row.values.LineURI !== undefined ? { LineURI: row.values.LineURI } : {}),
      };
      const validated: ValidatedRow = {
        line: row.line,
        values,
        status: verdict.status,
        messages: kept(verdict.messages),
        ...(user
          ? {
              user: {
                dn: user.dn,
                ...(user.displayName ? { displayName: user.displayName } : {}),
                ...(user.sipProxy ? { sipAddress: user.sipProxy } : {}),
                ...(user.lyncAddress ? { lyncAddress: user.lyncAddress } : {}),
              },
            }
          : {}),
        ...(facts.plan ? { dialPlan: facts.plan.name, uriType: facts.plan.uriType } : {}),
        ...(facts.plan?.phoneContext ? { phoneContext: facts.plan.phoneContext } : {}),
        ...(facts.policy ? { policyDn: facts.policy.dn } : {}),
        extensions: kept(verdict.extensions),
        ...(verdict.sri ? { sipResourceIdentifier: verdict.sri } : {}),
        ...(user ? { before: beforeOf(user, this.org) } : {}),
        edited: row.edited || !!verdict.proposedExtension,
      };
      return { row: validated, ...(verdict.status !== 'already-done' ? { claim: claimOf(row.line, facts, verdict) } : {}) };
    });
  }

  /** Forgets what was looked up about these identities (their rows are re-read on the next validate). */
  forgetUsers(identities: string[]): void {
    for (const id of identities) this.users.delete(id.trim().toLowerCase());
  }

  private factsOf(row: SourceRow): RowFacts {
    const found = this.users.get(row.values.Identity.trim().toLowerCase());
    const user = found?.users.length === 1 ? found.users[0]! : undefined;
    const current = user ? this.org.current(user) : undefined;
    // A change that names no policy keeps the user's own, and with it its dial plan's rules.
    const keep = this.operation.name !== 'enable' && !row.values.UMMailboxPolicy.trim();
    const { policy, ambiguous } = keep ? { policy: current?.policy, ambiguous: false } : this.org.policy(row.values.UMMailboxPolicy);
    return {
      ...(current ? { current } : {}),
      users: found?.users ?? [],
      ...(found?.matchedBy ? { matchedBy: found.matchedBy } : {}),
      displayNameOnly: found?.displayNameOnly ?? [],
      policy,
      policyAmbiguous: ambiguous,
      plan: this.org.plan(policy?.dialPlanDn),
      holders: this.holders,
    };
  }

  private async lookUpHolders(firstPass: Array<{ row: SourceRow; facts: RowFacts; verdict: RowVerdict }>): Promise<void> {
    const eum: string[] = [];
    const sip: string[] = [];
    for (const { row, facts, verdict } of firstPass) {
      for (const claim of claimOf(row.line, facts, verdict).claims) {
        for (const context of claim.contexts) {
          if (context === ANY_CONTEXT) sip.push(claim.address.toLowerCase());
          else eum.push(holderKey(claim.address, context));
        }
      }
    }
    // Asked before when its answer is held (an address nobody holds is held as `nobody`).
    const query = { eum: [...new Set(eum)].filter((k) => !this.holders.eum.has(k)), sip: [...new Set(sip)].filter((s) => !this.holders.eumAnyContext.has(s)) };
    if (query.eum.length + query.sip.length === 0) return;
    const found = await findHolders(this.session, query);
    this.forestWide &&= found.forestWide;
    for (const k of query.eum) this.holders.eum.set(k, found.eum.get(k) ?? nobody);
    for (const s of query.sip) {
      this.holders.eumAnyContext.set(s, found.eumAnyContext.get(s) ?? nobody);
      this.holders.sip.set(s, found.sip.get(s) ?? nobody);
    }
    // Exact EUM holders found through a SIP lookup are facts too.
    for (const [k, dns] of found.eum) if (!this.holders.eum.has(k)) this.holders.eum.set(k, dns);
  }

  /** Said once for the file: SIP URI plans and faxes [S9]; lookups that could not cover the forest. */
  /** Said once for the file, from its rows as they finally stand (the service calls it again once the account's rights are known). */
  notices(rows: Iterable<ValidatedRow>): RowMessage[] {
    const notices: RowMessage[] = [];
    // Only enabling puts a user on a dial plan; the other operations leave the fax question as it was.
    const onSip = this.operation.name === 'enable' ? [...rows].filter((r) => r.uriType === 'SipName' && r.status === 'ready') : [];
    if (onSip.length) {
      const plans = [...new Set(onSip.map((r) => r.dialPlan!))].sort();
      notices.push({ code: 'sip-uri-no-fax', severity: 'info', params: { count: String(onSip.length), dialPlans: plans.join(', ') } });
    }
    if (!this.forestWide) notices.push({ code: 'lookups-domain-only', severity: 'warning', params: { domain: this.session.rootDse.defaultNamingContext } });
    return notices;
  }
}

/** The addresses a row claims and where each must be unique: numbers in the plan and its equivalents, a SIP URI identifier anywhere [S11]. */
function claimOf(line: number, facts: RowFacts, verdict: RowVerdict): RowClaim {
  const plan = facts.plan;
  const userDn = facts.users.length === 1 ? facts.users[0]!.dn : undefined;
  if (!plan) return { line, ...(userDn ? { userDn } : {}), claims: [] };
  const claims = verdict.extensions.filter((e) => /^\d+$/.test(e)).map((address) => ({ address, contexts: plan.contexts }));
  if (verdict.sri) claims.push({ address: verdict.sri, contexts: plan.uriType === 'SipName' ? [ANY_CONTEXT] : plan.contexts });
  return { line, ...(userDn ? { userDn } : {}), claims };
}

/**
 * A list as a validated row keeps it: an exact copy (a list built by push holds room for more,
 * which a file of 100,000 rows pays 100,000 times), or one shared, frozen empty list.
 */
function kept<T>(list: T[]): T[] {
  return list.length ? list.slice() : (none as T[]);
}
const none: unknown[] = Object.freeze([]) as unknown as unknown[];

/** The holders of an address nobody holds: one shared, frozen list (most addresses of a file are free). */
const nobody: string[] = Object.freeze([]) as unknown as string[];

/** The PIN as the grid shows it: one dot per digit, never the digits. */
export function maskPin(pin: string): string {
  return pin ? '•'.repeat(Math.min(pin.length, 24)) : '';
}
