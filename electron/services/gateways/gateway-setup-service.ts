import type {
  GatewaySetupRequest,
  GatewayApplyItem,
  GatewayApplyResult,
  GatewayItemProblem,
  GatewayPlan,
  GatewayPlanGatewayItem,
  GatewayPlanHuntGroupItem,
  GatewayPlanPermissionItem,
} from '@shared/models/gateways';
import { ApiError, errorCodes, isApiError, type ErrorCode } from '@shared/errors';
import type { ForestTopology } from '@shared/models/topology';
import type { Actor } from '@shared/models/audit';
import { actorOf } from '../capabilities/capabilities-service';
import { renderCommand } from '@shared/powershell/render-command';
import type { AuditLog, PlannedAuditEntry } from '../audit/audit-log';
import type { ConnectionManager } from '../directory/connection-manager';
import type { DirectorySession } from '../directory/directory-session';
import { childDn, dnEquals } from '@shared/dn';
import { daclSddl, readObjectDacl, writeExplicitDacl, type ReadDacl } from '../directory/dacl';
import { resolveGroupSid } from '../directory/account-rights';
import { addAces } from '../directory/security-descriptor/ace-list';
import { PowerShellCommandError, type PowerShellService } from '../powershell/powershell-service';
import type { TopologyService } from '../topology/topology-service';
import { lyncForestFor } from '../topology/deployment';
import { keptByGetUcPool } from '../topology/open-items';
import {
  grantAce,
  isGrantCovered,
  LYNC_READ_GROUPS,
  outcallsEligible,
  planGatewaySetup,
  umReadGrantTargets,
  verifyGatewaySetup,
  type GatewaySetupFacts,
  type GrantTargetFacts,
  type GroupFacts,
} from './gateway-plan';

/** The services the gateway setup reads and writes through. */
export interface GatewaySetupDeps {
  connections: ConnectionManager;
  topology: TopologyService;
  powershell: PowerShellService;
  audit: AuditLog;
}

/** What New-UMIPGateway returns, as far as the setup reads it. */
interface CreatedGateway {
  DistinguishedName?: unknown;
  OutcallsAllowed?: unknown;
  MessageWaitingIndicatorAllowed?: unknown;
}

/**
 * What exchucutil.ps1 does, without its faults (domain.md §4): a plan first; then only the
 * missing gateways, hunt groups and read permissions are created — hunt groups are never
 * deleted, existing gateways' outcall and message-waiting settings are never touched, one
 * failure does not stop the rest, every item is reported and every write audited — and the
 * result is read back into a verification table.
 */
export class GatewaySetupService {
  private readonly running = new Set<string>();

  constructor(private readonly deps: GatewaySetupDeps) {}

  /** The preview: every item with its status; nothing is written. */
  async plan(request: GatewaySetupRequest): Promise<GatewayPlan> {
    const { facts } = await this.readFacts(request);
    return planGatewaySetup(facts);
  }

  /** Creates what the plan says is missing, reports every item, then re-reads the result. */
  async apply(request: GatewaySetupRequest): Promise<GatewayApplyResult> {
    const { profile } = request;
    if (this.running.has(profile)) throw new ApiError('CONFLICT', `A gateway setup is already running for profile ${profile}; wait for it to finish.`);
    this.running.add(profile);
    try {
      return await this.applyOnce(request);
    } finally {
      this.running.delete(profile);
    }
  }

  private async applyOnce(request: GatewaySetupRequest): Promise<GatewayApplyResult> {
    const { profile } = request;
    const startedAt = new Date().toISOString();
    const { session, facts } = await this.readFacts(request);
    const plan = planGatewaySetup(facts);
    const actor = actorOf(profile, session);
    const results = new Map<string, GatewayApplyItem>();
    const set = (item: GatewayApplyItem) => results.set(item.id, item);

    // Step 1 (as exchucutil): read permissions, one DACL write per container for what it lacks.
    const permissions = plan.items.filter((i): i is GatewayPlanPermissionItem => i.kind === 'permission');
    for (const target of umReadGrantTargets(facts.organization.dn, facts.organization.name, request.administrativeGroups ?? false)) {
      const items = permissions.filter((i) => dnEquals(i.targetDn, target.dn));
      for (const item of items) if (item.status !== 'missing') set(settled(item));
      const missing = items.filter((i) => i.status === 'missing');
      if (missing.length === 0) continue;
      for (const outcome of await this.grant(session, actor, target.dn, target.name, missing)) set(outcome);
    }

    // Step 2 and 3: per pool its gateway, then its hunt groups.
    let gatewayOutcome: GatewayApplyItem | undefined;
    for (const item of plan.items) {
      if (item.kind === 'gateway') {
        gatewayOutcome =
          item.status !== 'missing'
            ? settled(item)
            : item.existingDn && item.change
              ? await this.changeOutcalls(profile, actor, item)
              : await this.createGateway(profile, actor, facts, item);
        set(gatewayOutcome);
      } else if (item.kind === 'hunt-group') {
        if (item.status !== 'missing') set(settled(item));
        else if (gatewayOutcome?.kind === 'gateway' && gatewayOutcome.status === 'missing' && !gatewayOutcome.existingDn) {
          set({
            ...item,
            outcome: 'skipped',
            message: `Its gateway "${item.gatewayName}" was not created (${gatewayOutcome.message ?? 'failed'}), so the hunt group was not attempted.`,
          });
        } else {
          const gatewayDn = gatewayOutcome?.kind === 'gateway' ? gatewayOutcome.existingDn : undefined;
          set(await this.createHuntGroup(profile, actor, facts, item, gatewayDn));
        }
      }
    }

    const items = plan.items.map((i) => results.get(i.id)!);
    // The verification is a fresh read; the topology cache is dropped afterwards so screens reload.
    let verification: GatewayApplyResult['verification'];
    let after: GatewaySetupFacts;
    try {
      after = (await this.readFacts(request)).facts;
      verification = verifyGatewaySetup(after);
    } finally {
      this.deps.topology.invalidate('gateways.apply');
    }
    const created = items.filter((i) => i.outcome === 'created').length;
    // A gateway that was created but whose settings could not be set still counts as a change.
    const changed = created > 0 || items.some((i) => i.kind === 'gateway' && i.status === 'missing' && i.outcome === 'failed' && i.existingDn);
    const pools = after.pools.map((p) => p.fqdn).sort();
    return {
      profile,
      forest: facts.forest,
      actor,
      startedAt,
      finishedAt: new Date().toISOString(),
      items,
      counts: {
        created,
        alreadyPresent: items.filter((i) => i.outcome === 'already-present').length,
        failed: items.filter((i) => i.outcome === 'failed').length,
        skipped: items.filter((i) => i.outcome === 'skipped').length,
      },
      verification,
      frontEndRestart: {
        required: changed,
        pools,
        message: changed
          ? `Restart the Lync Front End service (RTCSRV) on every Front End server of ${pools.join(', ')}: Lync reads UM gateways and its permissions on Exchange only when the service starts (Stop-CsWindowsService -Name RTCSRV, then Start-CsWindowsService -Name RTCSRV).`
          : `Nothing was changed in this run. If an earlier run (or exchucutil.ps1) made changes and the Lync Front End service (RTCSRV) has not been restarted since, restart it on ${pools.join(', ') || 'the pools'}.`,
      },
      warnings: plan.warnings,
    };
  }

  /**
   * Reads the forests once: the Exchange forest's organisation and the DACLs of the containers to
   * grant on; the Lync forest's pools (with Directors, when its Lync shell can say) and its two
   * groups' SIDs — the same forest, or another one as exchucutil's -Forest reads it [S8].
   */
  private async readFacts(request: GatewaySetupRequest): Promise<{ session: DirectorySession; facts: GatewaySetupFacts }> {
    const { profile } = request;
    const session = await this.deps.connections.ensure(profile);
    // Without a Lync profile, every connected forest is read, so the Lync forest is found as the
    // topology and the checklist find it (deployment.ts): an Exchange resource forest serves the
    // connected forest with the Lync pools, as exchucutil -Forest does [S8].
    const connected = this.deps.connections
      .list()
      .filter((s) => s.status === 'connected')
      .map((s) => s.profile);
    const requested = request.lyncProfile ? [profile, request.lyncProfile] : [profile, ...connected];
    const topology = await this.deps.topology.get({ profiles: [...new Set(requested)], refresh: true });
    const forestOf = (name: string) => {
      const found = topology.forests.find((f) => f.profile === name);
      if (found) return found;
      const failure = topology.failures.find((f) => f.profile === name);
      throw failure ? new ApiError(toErrorCode(failure.code), failure.message) : new ApiError('NOT_CONNECTED', `Profile ${name} could not be read.`);
    };
    const forest = forestOf(profile);
    let lyncForest: ForestTopology;
    if (request.lyncProfile) {
      const lyncSession = await this.deps.connections.ensure(request.lyncProfile);
      // Two profiles on one forest read it once: the topology keeps the first.
      lyncForest =
        topology.forests.find((f) => f.profile === request.lyncProfile) ??
        topology.forests.find((f) => f.forest === lyncSession.rootDse.forestDnsName) ??
        forestOf(request.lyncProfile);
    } else {
      lyncForest = lyncForestFor(topology.forests, forest) ?? forest;
    }
    const lyncSession = await this.deps.connections.ensure(lyncForest.profile);
    const organization = forest.exchange;
    if (!organization) {
      throw new ApiError(
        'NOT_FOUND',
        `Forest ${forest.forest} has no Exchange organization (CN=Microsoft Exchange,CN=Services in the configuration partition). Connect the profile of the forest where Exchange UM runs.`,
      );
    }
    const pools = lyncForest.lync?.pools ?? [];
    if (request.outcallsPool !== undefined) {
      const pool = pools.find((p) => p.fqdn.toLowerCase() === request.outcallsPool!.toLowerCase() && keptByGetUcPool(p));
      if (!pool)
        throw new ApiError('INVALID_INPUT', `${request.outcallsPool} is not a Lync pool of ${lyncForest.forest}; choose the outcall gateway among its pools.`, {
          field: 'outcallsPool',
        });
      const { eligible, reason } = outcallsEligible(pool);
      if (!eligible) {
        throw new ApiError(
          'INVALID_INPUT',
          reason === 'director'
            ? `${pool.fqdn} is a Director pool: Microsoft says never to allow outgoing traffic through a Director's gateway.`
            : `${pool.fqdn} is a Survivable Branch Appliance: its gateway places no outcalls.`,
          { field: 'outcallsPool' },
        );
      }
    }
    const groups: GroupFacts[] = [];
    for (const name of LYNC_READ_GROUPS) {
      try {
        groups.push({ name, sid: await resolveGroupSid(lyncSession, name) });
      } catch (error) {
        const problem = problemOf(error);
        groups.push({
          name,
          problem:
            problem.code === 'NOT_FOUND'
              ? {
                  code: 'NOT_FOUND',
                  message: `Forest ${lyncForest.forest} has no group ${name}. The RTC groups exist once the forest is prepared for Lync (Enable-CsAdForest); when Exchange runs in a resource forest, choose the Lync forest's profile as the Lync forest.`,
                }
              : problem,
        });
      }
    }
    const grants: GrantTargetFacts[] = [];
    for (const target of umReadGrantTargets(organization.dn, organization.name, request.administrativeGroups ?? false)) {
      try {
        const dacl = await readObjectDacl(session, target.dn);
        grants.push(
          dacl
            ? { target, aces: dacl.aces }
            : { target, problem: { code: 'NOT_FOUND', message: `${target.dn} does not exist, or ${session.identity} may not read its permissions.` } },
        );
      } catch (error) {
        grants.push({ target, problem: problemOf(error) });
      }
    }
    // The groups' domain names the trustee in Add-ADPermission (LYNCDOMAIN\group across forests).
    const domain = lyncForest.domains.find((d) => dnEquals(d.dn, lyncSession.rootDse.defaultNamingContext));
    return {
      session,
      facts: {
        profile,
        forest: forest.forest,
        lyncForest: lyncForest.forest,
        readAt: topology.readAt,
        ...(domain?.netbios ? { netbios: domain.netbios } : {}),
        organization,
        pools,
        grants,
        groups,
        ...(request.outcallsPool ? { outcallsPool: request.outcallsPool } : {}),
        directorsKnown: !!lyncForest.lync?.topologyRead,
      },
    };
  }

  /** Adds the missing entries to one container's DACL (a DACL-only write), re-checking against a fresh read. */
  private async grant(session: DirectorySession, actor: Actor, dn: string, name: string, items: GatewayPlanPermissionItem[]): Promise<GatewayApplyItem[]> {
    let before: ReadDacl | undefined;
    // The entry names the DACL as read, once it has been read.
    const planned = (): PlannedAuditEntry => ({
      actor,
      action: 'gateways.grant-read',
      target: dn,
      route: 'ldap',
      before: before ? daclRecord(before, items) : undefined,
    });
    const meanwhile = new Set<string>();
    try {
      before = await readObjectDacl(session, dn);
      if (!before) throw new ApiError('NOT_FOUND', `${dn} does not exist, or ${actor.identity} may not read its permissions.`);
      const current = before;
      // Re-checked against this read: an entry granted since the plan was read is not added twice.
      for (const item of items) if (isGrantCovered(current.aces, grantAce(item.trusteeSid!, item.rights, item.appliesTo))) meanwhile.add(item.id);
      const additions = items.filter((i) => !meanwhile.has(i.id)).map((i) => grantAce(i.trusteeSid!, i.rights, i.appliesTo));
      if (additions.length === 0) return items.map((i) => ({ ...i, outcome: 'already-present' as const, message: 'Granted meanwhile by someone else.' }));
      await writeExplicitDacl(session, dn, current, addAces(current.aces, additions).aces);
    } catch (error) {
      const problem = problemOf(error);
      const message =
        problem.code === 'ACCESS_DENIED'
          ? `${actor.identity} may not change the permissions of ${name} (${dn}). That needs "Modify permissions" there: Exchange Organization Management has it through the organization's permissions, as do Domain and Enterprise Admins. Nothing was written on ${name}.`
          : problem.message;
      const audit = this.deps.audit.begin(planned()).failed(message);
      return items.map((i) => ({ ...i, outcome: 'failed' as const, code: problem.code, message, auditId: audit.id }));
    }
    const after = await readObjectDacl(session, dn).catch(() => undefined);
    const audit = this.deps.audit.begin(planned()).succeeded({ after: after ? daclRecord(after, items) : undefined });
    return items.map((i) =>
      meanwhile.has(i.id)
        ? { ...i, outcome: 'already-present' as const, message: 'Granted meanwhile by someone else.' }
        : { ...i, outcome: 'created' as const, auditId: audit.id },
    );
  }

  /** New-UMIPGateway, then — only for the gateway just made — Set-UMIPGateway where its settings differ from the plan's. */
  private async createGateway(profile: string, actor: Actor, facts: GatewaySetupFacts, item: GatewayPlanGatewayItem): Promise<GatewayApplyItem> {
    const expectedDn = childDn('CN', item.name, childDn('CN', 'UM IPGateway Container', facts.organization.dn));
    const parameters = { Name: item.name, Address: item.address };
    const creating = this.deps.audit.begin({
      actor,
      action: 'gateways.create-gateway',
      target: expectedDn,
      route: 'powershell',
      before: { exists: false },
      after: parameters,
    });
    let created: CreatedGateway;
    try {
      const output = await this.deps.powershell.invoke(profile, 'exchange', 'New-UMIPGateway', parameters);
      created = (output[0] ?? {}) as CreatedGateway;
    } catch (error) {
      const problem = powershellProblem(error, actor.identity, 'create UM IP gateways');
      creating.failed(problem.message);
      return { ...item, outcome: 'failed', code: problem.code, message: problem.message };
    }
    const dn = typeof created.DistinguishedName === 'string' && created.DistinguishedName ? created.DistinguishedName : expectedDn;
    const state = { outcallsAllowed: asBool(created.OutcallsAllowed), messageWaitingAllowed: asBool(created.MessageWaitingIndicatorAllowed) };
    const createdAudit = creating.succeeded({ target: dn, after: { ...parameters, ...state } });
    const done: GatewayApplyItem = { ...item, existingDn: dn, outcome: 'created', auditId: createdAudit.id };

    const wanted = { outcallsAllowed: item.outcallsAllowed, messageWaitingAllowed: item.messageWaitingAllowed };
    const change: Record<string, unknown> = {};
    if (state.outcallsAllowed !== wanted.outcallsAllowed) change.OutcallsAllowed = wanted.outcallsAllowed;
    if (state.messageWaitingAllowed !== wanted.messageWaitingAllowed) change.MessageWaitingIndicatorAllowed = wanted.messageWaitingAllowed;
    if (Object.keys(change).length === 0) return done;
    const setParameters = { Identity: item.name, ...change };
    const setting = this.deps.audit.begin({ actor, action: 'gateways.set-gateway', target: dn, route: 'powershell', before: state, after: wanted });
    try {
      await this.deps.powershell.invoke(profile, 'exchange', 'Set-UMIPGateway', setParameters);
      return { ...done, auditId: setting.succeeded().id };
    } catch (error) {
      const problem = powershellProblem(error, actor.identity, 'change UM IP gateways');
      setting.failed(problem.message);
      return {
        ...done,
        outcome: 'failed',
        code: problem.code,
        message: `The gateway was created, but its settings could not be set (${problem.message}). Set them by hand: ${renderCommand('Set-UMIPGateway', setParameters)}`,
      };
    }
  }

  /** Set-UMIPGateway -OutcallsAllowed on an existing gateway, as the admin chose. */
  private async changeOutcalls(profile: string, actor: Actor, item: GatewayPlanGatewayItem): Promise<GatewayApplyItem> {
    const parameters = { Identity: item.name, OutcallsAllowed: item.change!.outcallsAllowed };
    const changing = this.deps.audit.begin({
      actor,
      action: 'gateways.set-gateway',
      target: item.existingDn!,
      route: 'powershell',
      before: { outcallsAllowed: item.outcallsAllowed },
      after: item.change,
    });
    try {
      await this.deps.powershell.invoke(profile, 'exchange', 'Set-UMIPGateway', parameters);
      return { ...item, outcome: 'created', message: `Outcalls turned ${item.change!.outcallsAllowed ? 'on' : 'off'}.`, auditId: changing.succeeded().id };
    } catch (error) {
      const problem = powershellProblem(error, actor.identity, 'change UM IP gateways');
      return { ...item, outcome: 'failed', code: problem.code, message: problem.message, auditId: changing.failed(problem.message).id };
    }
  }

  /** New-UMHuntGroup for one dial plan on one gateway. */
  private async createHuntGroup(
    profile: string,
    actor: Actor,
    facts: GatewaySetupFacts,
    item: GatewayPlanHuntGroupItem,
    gatewayDn: string | undefined,
  ): Promise<GatewayApplyItem> {
    const parameters = {
      Name: item.name,
      UMIPGateway: item.gatewayName,
      UMDialPlan: item.dialPlan.name,
      ...(item.pilotIdentifier ? { PilotIdentifier: item.pilotIdentifier } : {}),
    };
    const target = childDn('CN', item.name, gatewayDn ?? childDn('CN', item.gatewayName, childDn('CN', 'UM IPGateway Container', facts.organization.dn)));
    const creating = this.deps.audit.begin({
      actor,
      action: 'gateways.create-hunt-group',
      target,
      route: 'powershell',
      before: { exists: false },
      after: parameters,
    });
    try {
      const output = await this.deps.powershell.invoke(profile, 'exchange', 'New-UMHuntGroup', parameters);
      const dn = (output[0] as { DistinguishedName?: unknown } | undefined)?.DistinguishedName;
      const made = typeof dn === 'string' && dn ? dn : undefined;
      const audit = creating.succeeded(made ? { target: made } : {});
      return { ...item, outcome: 'created', ...(made ? { existingDn: made } : {}), auditId: audit.id };
    } catch (error) {
      const problem = powershellProblem(error, actor.identity, 'create hunt groups');
      return { ...item, outcome: 'failed', code: problem.code, message: problem.message, auditId: creating.failed(problem.message).id };
    }
  }
}

/** An item apply does not write: present stays, blocked is reported as failed with its reason. */
function settled(item: GatewayPlanPermissionItem | GatewayPlanGatewayItem | GatewayPlanHuntGroupItem): GatewayApplyItem {
  if (item.status === 'present') return { ...item, outcome: 'already-present' };
  return { ...item, outcome: 'failed', ...(item.problem ? { code: item.problem.code, message: item.problem.message } : { message: 'Blocked.' }) };
}

function daclRecord(dacl: ReadDacl, items: GatewayPlanPermissionItem[]): { sddl: string; dacl: string; groups: string[] } {
  let sddl: string;
  try {
    sddl = daclSddl(dacl);
  } catch {
    sddl = '(not expressible in SDDL)';
  }
  return { sddl, dacl: dacl.binary.toString('base64'), groups: items.map((i) => i.trustee) };
}

function problemOf(error: unknown): GatewayItemProblem {
  if (isApiError(error)) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** A cmdlet failure in admin terms; a refusal by Active Directory becomes ACCESS_DENIED with what is needed. */
function powershellProblem(error: unknown, identity: string, what: string): GatewayItemProblem {
  if (error instanceof PowerShellCommandError && error.records.some((r) => r.category === 'PermissionDenied')) {
    return { code: 'ACCESS_DENIED', message: `${identity} may not ${what}: ${error.message} This needs Exchange Organization Management (or UM Management).` };
  }
  if (isApiError(error) && error.code === 'TIMEOUT') {
    return { code: 'TIMEOUT', message: `${error.message} The change may still have been made; run the plan again to see.` };
  }
  return problemOf(error);
}

function asBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

function toErrorCode(code: string): ErrorCode {
  return errorCodes.find((c) => c === code) ?? 'DIRECTORY_ERROR';
}
