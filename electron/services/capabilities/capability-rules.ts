import type { ActingAction, Capability, CapabilityReason, CapabilityVerdict } from '@shared/models/capabilities';
import { actingActions, type writeActions } from '@shared/models/capabilities';
import type { ChecklistStepId } from '@shared/models/checklist';

/**
 * Who may do what, in one table: the write actions the console makes and the eleven steps of the
 * integration (docs/domain.md §1), each with the groups Microsoft names. Every entry of `needs`
 * must be met, each by any of its groups (nested membership counts; AD computes it in
 * tokenGroups). The checklist shows these as each step's roles; the acting-account picker ranks
 * connected profiles by them.
 */
export interface Requirement {
  /** The forest whose account matters: Exchange's (its organisation is written) or Lync's (its RTC groups). */
  forest: 'exchange' | 'lync';
  needs: string[][];
  /**
   * `group`: holding the groups is enough. `per-ou`: the OU written decides in the end — holding
   * them is `likely`, lacking them `unlikely` (a delegation on the OU could allow it); both are
   * checked at preview.
   */
  decidedBy: 'group' | 'per-ou';
  source: string;
}

const ORG_ADMINS = ['Organization Management', 'Exchange Organization Administrators'];

/** The write actions. */
const writeRequirements: Record<(typeof writeActions)[number], Requirement> = {
  // "To run ocsumutil.exe successfully, the user must belong to both of these groups" [S27][S1];
  // New-CsExUmContact needs RTCUniversalUserAdmins and OU permission on the contacts' OU [S3][S25].
  'contacts.write': { forest: 'lync', needs: [['RTCUniversalServerAdmins'], ['RTCUniversalUserAdmins']], decidedBy: 'group', source: 'S27' },
  // Grant-CsOUPermission: "user rights equivalent to Domain Admins group membership" [S7]; AD
  // itself asks for Modify permissions (WRITE_DAC) on the OU, which a delegation can give and
  // sDRightsEffective shows per OU [S41].
  'permissions.write': { forest: 'lync', needs: [['Domain Admins', 'Enterprise Admins', 'Administrators']], decidedBy: 'per-ou', source: 'S7' },
  // exchucutil.ps1: "the Exchange Organization Management role or … the Exchange Organization
  // Administrators security group" [S21] (it also adds permission entries, which UM Management cannot).
  'gateways.setup': { forest: 'exchange', needs: [ORG_ADMINS], decidedBy: 'group', source: 'S21' },
  // Enable-UMMailbox: the UM Mailboxes role, assigned to Organization Management and UM Management [S38][S42].
  'users.enable': { forest: 'exchange', needs: [['Organization Management', 'UM Management']], decidedBy: 'group', source: 'S43' },
};

/** The integration steps (domain.md §1, S27), each with who may do it. */
export const stepRequirements: Record<ChecklistStepId, Requirement> = {
  'deploy-exchange-um': { forest: 'exchange', needs: [['Enterprise Admins', ...ORG_ADMINS]], decidedBy: 'group', source: 'S27' },
  'um-certificates': { forest: 'exchange', needs: [['Administrators', 'Domain Admins']], decidedBy: 'group', source: 'S27' },
  // UM dial plans: Organization Management or UM Management [S43].
  'sip-dial-plan': { forest: 'exchange', needs: [[...ORG_ADMINS, 'UM Management']], decidedBy: 'group', source: 'S43' },
  'voip-security': { forest: 'exchange', needs: [[...ORG_ADMINS, 'UM Management']], decidedBy: 'group', source: 'S43' },
  // The UM service: Organization Management or Server Management; the Call Router: also UM Management [S43].
  'um-servers-in-dial-plan': {
    forest: 'exchange',
    needs: [['Organization Management', 'Server Management', 'Administrators']],
    decidedBy: 'group',
    source: 'S43',
  },
  'sip-addresses': {
    forest: 'exchange',
    needs: [['Recipient Management', 'Organization Management', 'RTCUniversalUserAdmins']],
    decidedBy: 'group',
    source: 'S27',
  },
  exchucutil: writeRequirements['gateways.setup'],
  'lync-dial-plan-names': { forest: 'lync', needs: [['RTCUniversalServerAdmins']], decidedBy: 'group', source: 'S27' },
  'ocsumutil-contacts': writeRequirements['contacts.write'],
  'enterprise-voice': { forest: 'lync', needs: [['RTCUniversalServerAdmins'], ['RTCUniversalUserAdmins']], decidedBy: 'group', source: 'S27' },
  'enable-users': writeRequirements['users.enable'],
};

/** The requirement behind an acting action. */
export function requirementOf(action: ActingAction): Requirement {
  if (action.startsWith('checklist.confirm:')) return stepRequirements[action.slice('checklist.confirm:'.length) as ChecklistStepId];
  return writeRequirements[action as keyof typeof writeRequirements];
}

/** What a forest holds, as far as the rules care. */
export interface ForestHoldings {
  exchange: boolean;
  lync: boolean;
}

/**
 * Whether an account with these groups, in a forest holding this, can do what a requirement asks:
 * the verdict, why, and which groups meet it or are missing.
 */
export function judge(requirement: Requirement, groups: readonly string[] | undefined, holds: ForestHoldings): Capability {
  const names = new Set((groups ?? []).map((g) => g.toLowerCase()));
  const via = requirement.needs.map((anyOf) => anyOf.find((g) => names.has(g.toLowerCase())));
  const missing = requirement.needs.filter((_anyOf, i) => !via[i]).map((anyOf) => anyOf.join(' or '));
  const base = { needs: requirement.needs, via: via.filter((g): g is string => !!g), missing, source: requirement.source };
  const verdict = (v: CapabilityVerdict, reason: CapabilityReason): Capability => ({ verdict: v, reason, ...base });
  if (!groups) return verdict('no', 'account-unreadable');
  if (requirement.forest === 'exchange' && !holds.exchange) return verdict('no', 'no-exchange-org');
  if (requirement.forest === 'lync' && !holds.lync) return verdict('no', 'not-lync-forest');
  const held = missing.length === 0;
  if (requirement.decidedBy === 'per-ou') return held ? verdict('likely', 'holds-groups-per-ou') : verdict('unlikely', 'delegation-per-ou');
  return held ? verdict('yes', 'holds-groups') : verdict('no', 'missing-groups');
}

/** Every acting action judged for one account. */
export function judgeAll(groups: readonly string[] | undefined, holds: ForestHoldings): Record<ActingAction, Capability> {
  return Object.fromEntries(actingActions.map((action) => [action, judge(requirementOf(action), groups, holds)])) as Record<ActingAction, Capability>;
}
