import type { GatewayWarning } from '@shared/models/gateways';
import type {
  GatewayItemProblem,
  GatewayPlan,
  GatewayPlanGatewayItem,
  GatewayPlanHuntGroupItem,
  GatewayPlanItem,
  GatewayPlanPermissionItem,
  GatewayPoolRef,
  GatewayVerification,
  UmReadRight,
} from '@shared/models/gateways';
import type { DialPlan, ExchangeOrg, IpGateway, LyncPool } from '@shared/models/topology';
import { renderCommand } from '@shared/powershell/render-command';
import { childDn, normalizeDn, rdnValue } from '@shared/dn';
import { AccessRight, AceFlag, AceType, type Ace } from '../directory/security-descriptor/model';
import { keptByGetUcPool, messageWaitingFor } from '../topology/open-items';

/**
 * The pure part of the gateway setup: from what was read (the Exchange organisation, the Lync
 * pools, the DACLs of the three containers, the two groups' SIDs) to the list of items with
 * their status, and to the verification table. No I/O here, so every rule is unit-tested.
 */

/** The groups exchucutil grants read access to (docs/domain.md §4, step 1), found by sAMAccountName in the Lync forest's GC [S8]. */
export const LYNC_READ_GROUPS = ['RTCUniversalServerAdmins', 'RTCComponentUniversalServices'] as const;

/** Access mask bits of the two rights (MS-ADTS): ADS_RIGHT_ACTRL_DS_LIST and ADS_RIGHT_DS_READ_PROP. */
const rightBits: Record<UmReadRight, number> = { ListChildren: AccessRight.LC, ReadProperty: AccessRight.RP };

/** One place that grants read access, and what it grants. */
export interface GrantTarget {
  dn: string;
  name: string;
  rights: UmReadRight[];
  appliesTo: 'this-object' | 'this-object-and-descendants';
}

/**
 * Where exchucutil grants and what [S8]: ListChildren on the organisation container itself only,
 * and ListChildren + ReadProperty, inherited, on the dial plan and auto attendant containers — so
 * Lync can find the dial plans and auto attendants and nothing else. One signed build also grants
 * ListChildren + ReadProperty, inherited, on Administrative Groups (the servers): on request.
 */
export function umReadGrantTargets(orgDn: string, orgName: string, administrativeGroups = false): GrantTarget[] {
  return [
    { dn: orgDn, name: `Exchange organization ${orgName}`, rights: ['ListChildren'], appliesTo: 'this-object' },
    {
      dn: childDn('CN', 'UM DialPlan Container', orgDn),
      name: 'UM DialPlan Container',
      rights: ['ListChildren', 'ReadProperty'],
      appliesTo: 'this-object-and-descendants',
    },
    {
      dn: childDn('CN', 'UM AutoAttendant Container', orgDn),
      name: 'UM AutoAttendant Container',
      rights: ['ListChildren', 'ReadProperty'],
      appliesTo: 'this-object-and-descendants',
    },
    ...(administrativeGroups
      ? [
          {
            dn: childDn('CN', 'Administrative Groups', orgDn),
            name: 'Administrative Groups',
            rights: ['ListChildren', 'ReadProperty'] as UmReadRight[],
            appliesTo: 'this-object-and-descendants' as const,
          },
        ]
      : []),
  ];
}

/** The access entry a grant adds, exactly as Add-ADPermission writes it (InheritanceType None ⇒ no flags, All ⇒ container inherit). */
export function grantAce(sid: string, rights: readonly UmReadRight[], appliesTo: GrantTarget['appliesTo']): Ace {
  return {
    type: AceType.ACCESS_ALLOWED,
    flags: appliesTo === 'this-object' ? 0 : AceFlag.CONTAINER_INHERIT,
    mask: rights.reduce((mask, r) => mask | rightBits[r], 0),
    sid,
  };
}

/**
 * Whether the DACL already gives the trustee what the grant would: an allow entry for the same
 * SID with at least those rights that reaches this object (not inherit-only) and, for an
 * inherited grant, keeps reaching everything below (container-inherit, propagating). An
 * inherited copy counts, and so does a broader entry (Windows' ACL editor merges masks, so an
 * earlier exchucutil run may have left "List contents, Read all properties, …" in one entry).
 * Object-specific entries do not count: they grant on one property or class only.
 */
export function isGrantCovered(aces: readonly Ace[], wanted: Ace): boolean {
  return aces.some((a) => {
    const plainAllow = a.type === AceType.ACCESS_ALLOWED || (a.type === AceType.ACCESS_ALLOWED_OBJECT && !a.objectType && !a.inheritedObjectType);
    if (!plainAllow || a.raw !== undefined || a.sid.toUpperCase() !== wanted.sid.toUpperCase()) return false;
    if (((a.mask >>> 0) & wanted.mask) !== wanted.mask) return false;
    if (a.flags & AceFlag.INHERIT_ONLY) return false;
    if (wanted.flags & AceFlag.CONTAINER_INHERIT) return (a.flags & AceFlag.CONTAINER_INHERIT) !== 0 && !(a.flags & AceFlag.NO_PROPAGATE_INHERIT);
    return true;
  });
}

/**
 * exchucutil names a pool's gateway after the pool object's CN (domain.md §4) — on Lync
 * 2010/2013 that is `1:2`, on OCS 2007 the pool name. Kept in this one function so a different
 * rule changes in one place. Existing gateways are matched by address, never by name.
 */
export function gatewayNameForPool(pool: Pick<LyncPool, 'dn' | 'fqdn'>): string {
  return rdnValue(pool.dn) || pool.fqdn.split('.')[0]!;
}

/** exchucutil's pilot identifier for a SIP dial plan's hunt group: the first label of its phone context. */
export function pilotIdentifierFor(dialPlan: Pick<DialPlan, 'phoneContext'>): string | undefined {
  const label = dialPlan.phoneContext?.split('.')[0]?.trim();
  return label ? label : undefined;
}

/**
 * Whether a pool's gateway may place outcalls: never a Director's ("Do not allow outgoing traffic
 * through an IP gateway that connects to a pool of Lync Server Directors", S10) nor a branch
 * appliance's (exchucutil turns them off there, S8).
 */
export function outcallsEligible(pool: Pick<LyncPool, 'kind'>): { eligible: boolean; reason?: 'director' | 'branch' } {
  if (pool.kind === 'director') return { eligible: false, reason: 'director' };
  if (pool.kind === 'branch') return { eligible: false, reason: 'branch' };
  return { eligible: true };
}

/**
 * The settings a new gateway gets. Message waiting as exchucutil sets it: on for Lync 2010 and
 * later, off for older pools and branch appliances [S8]. Outcalls: on the gateway the admin chose
 * and nowhere else; without a choice, only when no gateway serving the dial plans allows them yet
 * (Microsoft wants one per dial plan, S10) — and never for a Director or a branch appliance.
 */
export function newGatewaySettings(
  pool: Pick<LyncPool, 'kind' | 'versionMajor' | 'fqdn'>,
  outcallsElsewhere = false,
  chosen?: string,
): { outcallsAllowed: boolean; messageWaitingAllowed: boolean } {
  const eligible = outcallsEligible(pool).eligible;
  const outcallsAllowed = chosen !== undefined ? eligible && sameText(pool.fqdn, chosen) : eligible && !outcallsElsewhere;
  return { outcallsAllowed, messageWaitingAllowed: messageWaitingFor(pool) };
}

/** A DACL read for one grant target, or why it could not be read. */
export interface GrantTargetFacts {
  target: GrantTarget;
  aces?: Ace[];
  problem?: GatewayItemProblem;
}

/** A group's SID, or why it could not be found. */
export interface GroupFacts {
  name: string;
  sid?: string;
  problem?: GatewayItemProblem;
}

/** Everything the plan and the verification are computed from. */
export interface GatewaySetupFacts {
  profile: string;
  forest: string;
  /** The forest the pools and RTC groups were read from (another forest with exchucutil -Forest, S8). */
  lyncForest?: string;
  readAt: string;
  /** NetBIOS name of the domain the groups live in, for the Add-ADPermission commands. */
  netbios?: string;
  organization: ExchangeOrg;
  pools: LyncPool[];
  grants: GrantTargetFacts[];
  groups: GroupFacts[];
  /** The pool whose gateway the admin chose to place outcalls (validated by the service). */
  outcallsPool?: string;
  /** Whether Lync's topology was read, so Directors are known (they show only there, S29). */
  directorsKnown?: boolean;
}

const byFqdn = (a: LyncPool, b: LyncPool) => a.fqdn.localeCompare(b.fqdn);
const sameText = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
const sameDn = (a: string | undefined, b: string | undefined) => !!a && !!b && normalizeDn(a) === normalizeDn(b);

/** Get-UCPool's pools, by FQDN [S8]. */
function ucPools(facts: GatewaySetupFacts): LyncPool[] {
  return facts.pools.filter((p) => keptByGetUcPool(p)).sort(byFqdn);
}

function poolRef(pool: LyncPool): GatewayPoolRef {
  return { dn: pool.dn, fqdn: pool.fqdn, cn: rdnValue(pool.dn), kind: pool.kind, branch: pool.kind === 'branch' };
}

/** The SIP URI dial plans, by name: each gets a hunt group on every gateway. */
export function sipDialPlans(org: ExchangeOrg): DialPlan[] {
  return org.dialPlans.filter((d) => d.uriType === 'SipName').sort((a, b) => a.name.localeCompare(b.name));
}

/** The gateway serving a pool: the one whose address is the pool's FQDN (exchucutil's test). */
export function gatewayForPool(org: ExchangeOrg, pool: Pick<LyncPool, 'fqdn'>): IpGateway | undefined {
  return org.gateways.find((g) => sameText(g.address.trim(), pool.fqdn));
}

/** Counts items by status. */
export function countPlan(items: readonly GatewayPlanItem[]): GatewayPlan['counts'] {
  return {
    missing: items.filter((i) => i.status === 'missing').length,
    present: items.filter((i) => i.status === 'present').length,
    blocked: items.filter((i) => i.status === 'blocked').length,
  };
}

/**
 * The plan: every permission entry, gateway and hunt group exchucutil would make, each either
 * missing (apply creates it), present (left alone — including hand-made hunt groups and existing
 * gateways' outcall settings) or blocked (a conflict or a missing prerequisite, with the reason).
 */
export function planGatewaySetup(facts: GatewaySetupFacts): GatewayPlan {
  const org = facts.organization;
  const items: GatewayPlanItem[] = [];
  const warnings: GatewayWarning[] = [];
  const warn = (code: GatewayWarning['code'], params: Record<string, string>, text: string) => warnings.push({ code, params, text });

  for (const { target, aces, problem } of facts.grants) {
    for (const group of facts.groups) {
      const user = facts.netbios ? `${facts.netbios}\\${group.name}` : group.name;
      const command = renderCommand('Add-ADPermission', {
        Identity: target.dn,
        User: user,
        AccessRights: target.rights,
        InheritanceType: target.appliesTo === 'this-object' ? 'None' : 'All',
      });
      const base = {
        kind: 'permission' as const,
        id: `permission:${normalizeDn(target.dn)}:${group.name.toLowerCase()}`,
        targetDn: target.dn,
        targetName: target.name,
        trustee: group.name,
        ...(group.sid ? { trusteeSid: group.sid } : {}),
        rights: target.rights,
        appliesTo: target.appliesTo,
      };
      const what = `${group.name} ${target.rights.join(', ')} (${target.appliesTo === 'this-object' ? 'this object only' : 'this object and all below'}) on ${target.name}`;
      let item: GatewayPlanPermissionItem;
      if (group.problem || !group.sid) {
        item = {
          ...base,
          status: 'blocked',
          summary: `Cannot grant ${what}: ${group.problem?.message ?? 'the group was not found.'}`,
          commands: [command],
          problem: group.problem ?? { code: 'NOT_FOUND', message: `The group ${group.name} was not found.` },
        };
      } else if (!aces) {
        item = {
          ...base,
          status: 'blocked',
          summary: `Cannot grant ${what}: ${problem?.message ?? 'its permissions cannot be read.'}`,
          commands: [command],
          problem: problem ?? { code: 'NOT_FOUND', message: `${target.dn} cannot be read.` },
        };
      } else if (isGrantCovered(aces, grantAce(group.sid, target.rights, target.appliesTo))) {
        item = { ...base, status: 'present', summary: `${what}: already granted`, commands: [] };
      } else {
        item = { ...base, status: 'missing', summary: `Grant ${what}`, commands: [command] };
      }
      items.push(item);
    }
  }

  const plans = sipDialPlans(org);
  if (plans.length === 0)
    warn(
      'no-sip-dial-plan',
      { org: org.name },
      `Exchange organization ${org.name} has no SIP URI dial plan, so there are no hunt groups to create. Create one first (New-UMDialPlan -URIType SipName).`,
    );
  const pools = ucPools(facts);
  const lyncForest = facts.lyncForest ?? facts.forest;
  const chosen = facts.outcallsPool;
  if (pools.length === 0)
    warn(
      'no-pools',
      { forest: lyncForest },
      `Forest ${lyncForest} has no Lync pools in Active Directory (CN=Pools,CN=RTC Service), so there are no gateways to create. When Lync lives in another forest, choose its profile as the Lync forest (exchucutil's -Forest).`,
    );
  if (pools.length > 0 && facts.directorsKnown === false) {
    warn(
      'directors-unknown',
      { forest: lyncForest },
      `Directors show only in Lync's topology, which was not read (no Lync shell for ${lyncForest}). Microsoft says never to allow outcalls through a Director's gateway: check the pools before choosing the outcall gateway.`,
    );
  }

  // Gateways that will allow outcalls and serve each SIP dial plan, for the outcall warning.
  const outcallGateways = new Map<string, Set<string>>();
  const noteOutcalls = (plan: DialPlan, gateway: string) => {
    const set = outcallGateways.get(plan.dn) ?? new Set<string>();
    set.add(gateway);
    outcallGateways.set(plan.dn, set);
  };

  // Existing gateways that already allow outcalls for a SIP dial plan (a hunt group links them).
  // With a choice, the pools' gateways end as chosen and are counted in the loop below.
  const decided = (g: IpGateway) => chosen !== undefined && pools.some((p) => sameText(g.address.trim(), p.fqdn));
  for (const g of org.gateways.filter((g) => g.outcallsAllowed && !decided(g)))
    for (const plan of plans) if (g.huntGroups.some((h) => sameDn(h.dialPlanDn, plan.dn))) noteOutcalls(plan, g.name);
  const outcallsElsewhere = () => plans.some((plan) => (outcallGateways.get(plan.dn)?.size ?? 0) > 0);

  for (const pool of pools) {
    const ref = poolRef(pool);
    const existing = gatewayForPool(org, pool);
    let gateway: GatewayPlanGatewayItem;
    if (existing) {
      // The admin's outcall choice is the only thing the setup changes on an existing gateway.
      const wanted = chosen !== undefined ? outcallsEligible(pool).eligible && sameText(pool.fqdn, chosen) : undefined;
      const change = wanted !== undefined && wanted !== existing.outcallsAllowed ? { outcallsAllowed: wanted } : undefined;
      const setCommand = change ? renderCommand('Set-UMIPGateway', { Identity: existing.name, OutcallsAllowed: change.outcallsAllowed }) : undefined;
      gateway = {
        kind: 'gateway',
        id: `gateway:${pool.fqdn.toLowerCase()}`,
        status: change ? 'missing' : 'present',
        summary: change
          ? `Turn outcalls ${change.outcallsAllowed ? 'on' : 'off'} on UM IP gateway "${existing.name}" of ${pool.fqdn}, as chosen`
          : `${pool.fqdn} has UM IP gateway "${existing.name}" (outcalls ${existing.outcallsAllowed ? 'on' : 'off'}, message waiting ${existing.messageWaitingAllowed ? 'on' : 'off'}; left as they are)`,
        commands: setCommand ? [setCommand] : [],
        pool: ref,
        name: existing.name,
        address: existing.address,
        existingDn: existing.dn,
        outcallsAllowed: existing.outcallsAllowed,
        messageWaitingAllowed: existing.messageWaitingAllowed,
        ...(change ? { change } : {}),
      };
      if (pool.kind === 'director' && existing.outcallsAllowed && !change) {
        const command = renderCommand('Set-UMIPGateway', { Identity: existing.name, OutcallsAllowed: false });
        warn(
          'director-gateway-allows',
          { gateway: existing.name, pool: pool.fqdn, command },
          `Gateway "${existing.name}" of Director pool ${pool.fqdn} allows outcalls; Microsoft says never to allow outgoing traffic through a Director's gateway. Choose another outcall gateway, or: ${command}`,
        );
      }
      if (ref.branch && (existing.outcallsAllowed || existing.messageWaitingAllowed)) {
        const on = [existing.outcallsAllowed ? 'outcalls' : '', existing.messageWaitingAllowed ? 'message waiting' : ''].filter(Boolean).join(' and ');
        const command = renderCommand('Set-UMIPGateway', { Identity: existing.name, OutcallsAllowed: false, MessageWaitingIndicatorAllowed: false });
        warn(
          'branch-gateway-allows',
          { gateway: existing.name, pool: pool.fqdn, command },
          `Gateway "${existing.name}" of branch appliance ${pool.fqdn} allows ${on}; exchucutil turns both off for branch appliances. The setup leaves existing gateways as they are — if that was not intended: ${command}`,
        );
      }
    } else {
      const name = gatewayNameForPool(pool);
      const settings = newGatewaySettings(pool, outcallsElsewhere(), chosen);
      const clash = org.gateways.find((g) => sameText(g.name, name));
      // New-UMIPGateway turns both on; Set-UMIPGateway turns off what must be off.
      const commands = [renderCommand('New-UMIPGateway', { Name: name, Address: pool.fqdn })];
      const off = {
        ...(settings.outcallsAllowed ? {} : { OutcallsAllowed: false }),
        ...(settings.messageWaitingAllowed ? {} : { MessageWaitingIndicatorAllowed: false }),
      };
      if (Object.keys(off).length) commands.push(renderCommand('Set-UMIPGateway', { Identity: name, ...off }));
      const base = { kind: 'gateway' as const, id: `gateway:${pool.fqdn.toLowerCase()}`, commands, pool: ref, name, address: pool.fqdn, ...settings };
      const outcallsWhy = settings.outcallsAllowed
        ? 'outcalls on'
        : ref.branch
          ? 'outcalls off (branch appliance)'
          : pool.kind === 'director'
            ? 'outcalls off (Director pool)'
            : chosen !== undefined
              ? 'outcalls off (another gateway was chosen)'
              : 'outcalls off because another gateway already places the outcalls for these dial plans';
      const how = `${outcallsWhy}, message waiting ${settings.messageWaitingAllowed ? 'on' : `off (${ref.branch ? 'branch appliance' : 'before Lync 2010'})`}`;
      gateway = clash
        ? {
            ...base,
            status: 'blocked',
            summary: `Cannot create UM IP gateway "${name}" for ${pool.fqdn}: the name is taken`,
            problem: {
              code: 'CONFLICT',
              message: `A UM IP gateway named "${clash.name}" already exists with address ${clash.address || '(none)'}, so the gateway for ${pool.fqdn} cannot get that name. Rename or remove "${clash.name}", or create the gateway by hand: ${renderCommand('New-UMIPGateway', { Name: pool.fqdn, Address: pool.fqdn })}`,
            },
          }
        : { ...base, status: 'missing', summary: `Create UM IP gateway "${name}" for ${pool.fqdn} (${how})` };
    }
    items.push(gateway);

    for (const plan of plans) {
      const id = `hunt-group:${pool.fqdn.toLowerCase()}:${plan.name.toLowerCase()}`;
      const dialPlan = { dn: plan.dn, name: plan.name };
      const pilot = pilotIdentifierFor(plan);
      const base = { kind: 'hunt-group' as const, id, poolFqdn: pool.fqdn, gatewayName: gateway.name, dialPlan };
      const serving = existing?.huntGroups.find((h) => sameDn(h.dialPlanDn, plan.dn));
      let item: GatewayPlanHuntGroupItem;
      if (serving) {
        item = {
          ...base,
          status: 'present',
          summary: `Gateway "${gateway.name}" has hunt group "${serving.name}" for dial plan ${plan.name}`,
          commands: [],
          name: serving.name,
          ...(serving.pilotIdentifier ? { pilotIdentifier: serving.pilotIdentifier } : {}),
          existingDn: serving.dn,
        };
      } else {
        const command = renderCommand('New-UMHuntGroup', {
          Name: plan.name,
          UMIPGateway: gateway.name,
          UMDialPlan: plan.name,
          ...(pilot ? { PilotIdentifier: pilot } : {}),
        });
        const create = { ...base, name: plan.name, ...(pilot ? { pilotIdentifier: pilot } : {}), commands: [command] };
        const blocked = (message: string, code: GatewayItemProblem['code'] = 'CONFLICT'): GatewayPlanHuntGroupItem => ({
          ...create,
          status: 'blocked',
          summary: `Cannot create hunt group "${plan.name}" on gateway "${gateway.name}" for dial plan ${plan.name}`,
          problem: { code, message },
        });
        const nameClash = existing?.huntGroups.find((h) => sameText(h.name, plan.name));
        const pilotClash = pilot ? existing?.huntGroups.find((h) => sameText(h.pilotIdentifier, pilot)) : undefined;
        if (!pilot) {
          item = blocked(
            `Dial plan ${plan.name} has no phone context (msExchUMPhoneContext), so the hunt group's pilot identifier cannot be derived from it.`,
            'INVALID_INPUT',
          );
        } else if (gateway.status === 'blocked') {
          item = blocked(`Its gateway for ${pool.fqdn} cannot be created: ${gateway.problem?.message ?? ''}`.trim(), gateway.problem?.code ?? 'CONFLICT');
        } else if (nameClash) {
          item = blocked(
            `Gateway "${gateway.name}" already has a hunt group named "${nameClash.name}", linked to ${nameClash.dialPlanDn ? `dial plan ${rdnValue(nameClash.dialPlanDn)}` : 'no dial plan'}. Rename it, or create the hunt group for ${plan.name} by hand under another name.`,
          );
        } else if (pilotClash) {
          item = blocked(
            `The pilot identifier "${pilot}" is already used by hunt group "${pilotClash.name}" on gateway "${gateway.name}"${pilotClash.dialPlanDn ? ` (dial plan ${rdnValue(pilotClash.dialPlanDn)})` : ''}; pilot identifiers must be unique per gateway. Change that hunt group, or link it to dial plan ${plan.name} if it is meant to serve it.`,
          );
        } else {
          item = {
            ...create,
            status: 'missing',
            summary: `Create hunt group "${plan.name}" on gateway "${gateway.name}" for dial plan ${plan.name} (pilot identifier ${pilot})`,
          };
        }
      }
      items.push(item);
      const endsWithOutcalls = gateway.change?.outcallsAllowed ?? gateway.outcallsAllowed;
      if (item.status !== 'blocked' && gateway.status !== 'blocked' && endsWithOutcalls && (!existing || chosen !== undefined))
        noteOutcalls(plan, gateway.name);
    }
  }

  for (const plan of plans) {
    const names = [...(outcallGateways.get(plan.dn) ?? [])].sort();
    if (names.length > 1) {
      warn(
        'multiple-outcall-gateways',
        { dialPlan: plan.name, count: String(names.length), gateways: names.join(', ') },
        `Dial plan ${plan.name} will be reachable through ${names.length} gateways that allow outcalls (${names.join(', ')}). Microsoft recommends outcalls on one gateway only; turn them off on the others with Set-UMIPGateway -Identity '<gateway>' -OutcallsAllowed $false.`,
      );
    }
  }

  return {
    profile: facts.profile,
    forest: facts.forest,
    lyncForest,
    outcalls: {
      ...(chosen ? { chosen } : {}),
      candidates: pools.map((pool) => {
        const gateway = gatewayForPool(org, pool);
        const { eligible, reason } = outcallsEligible(pool);
        return {
          fqdn: pool.fqdn,
          kind: pool.kind,
          ...(pool.site ? { site: pool.site } : {}),
          ...(gateway ? { allowsNow: gateway.outcallsAllowed } : {}),
          eligible,
          ...(reason ? { reason } : {}),
        };
      }),
    },
    organization: { dn: org.dn, name: org.name },
    readAt: facts.readAt,
    sipDialPlans: plans.map((p) => ({
      dn: p.dn,
      name: p.name,
      ...(p.phoneContext ? { phoneContext: p.phoneContext } : {}),
      ...(pilotIdentifierFor(p) ? { pilotIdentifier: pilotIdentifierFor(p) } : {}),
    })),
    items,
    counts: countPlan(items),
    warnings,
  };
}

/**
 * The table shown after apply, from a fresh read: per pool its gateway (address, outcalls,
 * message waiting — as they are, whoever set them), its hunt groups and the SIP dial plans it
 * still lacks; per permission entry whether it is in place.
 */
export function verifyGatewaySetup(facts: GatewaySetupFacts): GatewayVerification {
  const org = facts.organization;
  const plans = sipDialPlans(org);
  const pools = ucPools(facts).map((pool) => {
    const gateway = gatewayForPool(org, pool);
    const huntGroups = (gateway?.huntGroups ?? []).map((h) => ({
      name: h.name,
      ...(h.dialPlanDn ? { dialPlan: org.dialPlans.find((d) => sameDn(d.dn, h.dialPlanDn))?.name ?? rdnValue(h.dialPlanDn) } : {}),
      ...(h.pilotIdentifier ? { pilotIdentifier: h.pilotIdentifier } : {}),
    }));
    const missingDialPlans = plans.filter((p) => !gateway?.huntGroups.some((h) => sameDn(h.dialPlanDn, p.dn))).map((p) => p.name);
    return {
      pool: poolRef(pool),
      ...(gateway
        ? {
            gatewayName: gateway.name,
            gatewayDn: gateway.dn,
            address: gateway.address,
            outcallsAllowed: gateway.outcallsAllowed,
            messageWaitingAllowed: gateway.messageWaitingAllowed,
          }
        : {}),
      huntGroups,
      missingDialPlans,
    };
  });
  const permissions = facts.grants.flatMap(({ target, aces }) =>
    facts.groups.map((group) => ({
      targetDn: target.dn,
      targetName: target.name,
      trustee: group.name,
      rights: target.rights,
      appliesTo: target.appliesTo,
      ...(aces && group.sid ? { present: isGrantCovered(aces, grantAce(group.sid, target.rights, target.appliesTo)) } : {}),
    })),
  );
  return { readAt: facts.readAt, pools, permissions };
}
