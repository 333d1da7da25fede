import type { RowValues, ValidatedRow } from '@shared/models/enablement';
import type { ExchangeOrg } from '@shared/models/topology';
import type { DirectorySession } from '../../directory/directory-session';
import { findHolders, findUsers } from './directory-facts';
import { checkRow, crossRowMessages, holderKey, normalizeSri, type PlanFacts, type PolicyFacts, type RowClaim, type RowFacts, type UserFacts } from './row-rules';

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

  constructor(org: ExchangeOrg) {
    for (const plan of org.dialPlans) {
      const pilots = [...plan.accessNumbers, ...org.autoAttendants.filter((a) => a.dialPlanDn?.toLowerCase() === plan.dn.toLowerCase()).flatMap((a) => a.pilotNumbers)];
      this.plans.set(plan.dn.toLowerCase(), {
        dn: plan.dn,
        name: plan.name,
        uriType: plan.uriType,
        digits: plan.digits,
        phoneContext: plan.phoneContext,
        contexts: [plan.phoneContext, ...plan.equivalentPhoneContexts].filter((c): c is string => !!c),
        pilots,
      });
    }
    this.policies = org.mailboxPolicies.map((p) => ({ dn: p.dn, name: p.name, dialPlanDn: p.dialPlanDn, minPinLength: p.minPinLength }));
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
}

/**
 * Validates rows against the directory with lookups batched over all rows and cached, so an edit
 * re-checks everything (uniqueness within the file needs all rows) but looks up only what is new.
 */
export class RowValidator {
  private readonly users = new Map<string, UserFacts[]>();
  private readonly holders = new Map<string, string[]>();
  private readonly askedHolders = new Set<string>();

  constructor(
    private readonly session: DirectorySession,
    private readonly base: string,
    private readonly org: OrgFacts,
    private readonly options: { proposeExtensions: boolean },
  ) {}

  async validate(rows: SourceRow[]): Promise<ValidatedRow[]> {
    const newIdentities = rows.map((r) => r.values.Identity.trim()).filter((id) => id && !this.users.has(id.toLowerCase()));
    if (newIdentities.length) for (const [id, found] of await findUsers(this.session, this.base, newIdentities)) this.users.set(id, found);

    const factsOf = (row: SourceRow): RowFacts => {
      const { policy, ambiguous } = this.org.policy(row.values.UMMailboxPolicy);
      return { users: this.users.get(row.values.Identity.trim().toLowerCase()) ?? [], policy, policyAmbiguous: ambiguous, plan: this.org.plan(policy?.dialPlanDn), holders: this.holders };
    };
    // First pass without holders tells which addresses each row claims; then one batched lookup.
    const firstPass = rows.map((row) => {
      const facts = factsOf(row);
      return { row, facts, verdict: checkRow(row.values, facts, this.options) };
    });
    const wanted = firstPass.flatMap(({ row, facts, verdict }) => (facts.plan ? claimedAddresses(row, verdict.extensions).flatMap((a) => facts.plan!.contexts.map((c) => holderKey(a, c))) : []));
    const toAsk = [...new Set(wanted)].filter((k) => !this.askedHolders.has(k));
    if (toAsk.length) {
      const found = await findHolders(this.session, this.base, toAsk);
      for (const key of toAsk) {
        this.askedHolders.add(key);
        this.holders.set(key, found.get(key) ?? []);
      }
    }

    const checked = rows.map((row) => {
      const facts = factsOf(row);
      return { row, facts, verdict: checkRow(row.values, facts, this.options) };
    });
    const claims: RowClaim[] = checked
      .filter(({ verdict }) => verdict.status !== 'already-done')
      .map(({ row, facts, verdict }) => ({ line: row.line, userDn: facts.users.length === 1 ? facts.users[0]!.dn : undefined, contexts: facts.plan?.contexts ?? [], addresses: claimedAddresses(row, verdict.extensions) }));
    const across = crossRowMessages(claims);

    return checked.map(({ row, facts, verdict }) => {
      const extra = across.get(row.line) ?? [];
      const messages = [...verdict.messages, ...extra];
      const status = verdict.status === 'ready' && extra.length > 0 ? 'invalid' : verdict.status;
      const user = facts.users.length === 1 ? facts.users[0]! : undefined;
      const values = verdict.proposedExtension ? { ...row.values, Extensions: verdict.proposedExtension } : row.values;
      return {
        line: row.line,
        values: { ...values, PIN: maskPin(values.PIN) },
        status,
        messages,
        ...(user ? { user: { dn: user.dn, ...(user.displayName ? { displayName: user.displayName } : {}), ...(user.sipProxy ? { sipAddress: user.sipProxy } : {}) } } : {}),
        ...(facts.plan ? { dialPlan: facts.plan.name } : {}),
        ...(facts.policy ? { policyDn: facts.policy.dn } : {}),
        extensions: verdict.extensions,
        edited: row.edited || !!verdict.proposedExtension,
      };
    });
  }

  /** Forgets what was looked up about these identities (their rows are re-read on the next validate). */
  forgetUsers(identities: string[]): void {
    for (const id of identities) this.users.delete(id.trim().toLowerCase());
  }
}

function claimedAddresses(row: SourceRow, extensions: string[]): string[] {
  const sri = normalizeSri(row.values.SIPResourceIdentifier);
  return [...extensions.filter((e) => /^\d+$/.test(e)), ...(sri ? [sri] : [])];
}

/** The PIN as the grid shows it: one dot per digit, never the digits. */
export function maskPin(pin: string): string {
  return pin ? '•'.repeat(Math.min(pin.length, 24)) : '';
}
