import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Checklist, ChecklistConfirmation, ChecklistStep, ChecklistStepId, Evidence, FixScreen, RoleCheck, StepStatus } from '@shared/models/checklist';
import { checklistStepIds } from '@shared/models/checklist';
import { verdictRank, type ProfileCapabilities } from '@shared/models/capabilities';
import type { FixAction } from '@shared/models/fix';
import type { GatewayPlan, GatewaySetupRequest } from '@shared/models/gateways';
import type { DialPlan, ExchangeServer, Finding, FindingCode, ForestTopology, ObjectRef, Topology } from '@shared/models/topology';
import { ApiError } from '@shared/errors';
import type { ExportedFile } from '@shared/models/enablement';
import type { Language } from '@shared/models/settings';
import type { ConnectionManager } from '../directory/connection-manager';
import { checklistReportHtml } from './checklist-report';
import { actorOf, type CapabilitiesService } from '../capabilities/capabilities-service';
import { stepRequirements } from '../capabilities/capability-rules';
import { normalizeDn } from '@shared/dn';
import type { AuditLog } from '../audit/audit-log';
import type { OuPermissionsService } from '../permissions/ou-permissions-service';
import type { PowerShellService } from '../powershell/powershell-service';
import type { ProfileService } from '../profiles/profile-service';
import type { TopologyService } from '../topology/topology-service';
import { securityFor, umServicesFor } from '../topology/um-servers';
import { exchangeSides, lyncForestOf, type ExchangeSide } from '../topology/deployment';
import {
  certificateFix,
  contactFix,
  gatewaysFix,
  grantFix,
  lyncDialPlanFix,
  sipAddressFix,
  sipDialPlanFix,
  umServicesFix,
  voipSecurityFix,
} from '../topology/fix-actions';

/**
 * The screen that does a step's work. Steps the console does not change (VoIP security, SIP
 * addresses, Lync dial plans, …) have none: their failed checks carry the commands instead.
 */
const fixes: Partial<Record<ChecklistStepId, FixScreen>> = {
  exchucutil: 'gateways',
  'ocsumutil-contacts': 'contacts',
  'enterprise-voice': 'permissions',
  'enable-users': 'enablement',
};

/** What the Lync forest's users look like to the steps about users (6, 10, 11), in one paged search. */
interface UserCounts {
  ev: number;
  evWithoutSip: number;
  withoutSipSample: ObjectRef[];
  /** The sample's identities and Lync SIP addresses, for the command that adds the sip: proxy. */
  withoutSipAddresses: Array<{ identity: string; sipAddress: string }>;
  umEnabled: number;
  waiting: number;
  waitingSample: ObjectRef[];
}

const EV_FLAG = 128; // msRTCSIP-OptionFlags: Enterprise Voice
const SAMPLE = 10;

/**
 * The integration checklist of domain.md §1, each step checked against the directory on every
 * refresh: a status with the reason, the evidence (objects, counts, what is missing), the roles
 * it needs and whether the connected account holds them, and the screen that fixes it.
 */
export interface ChecklistDeps {
  connections: ConnectionManager;
  topology: TopologyService;
  permissions: OuPermissionsService;
  /** Gateway setup's plan (what exchucutil would still change), for step 7. */
  gatewayPlan: (request: GatewaySetupRequest) => Promise<GatewayPlan>;
  /** Who each connected profile is and what it may do: the roles each step shows. */
  capabilities: CapabilitiesService;
  powershell: PowerShellService;
  profiles: ProfileService;
  audit: AuditLog;
  /** Where the admin's confirmations are kept. */
  dataDir: string;
}

export class ChecklistService {
  private readonly connections: ConnectionManager;
  private readonly topology: TopologyService;
  private readonly permissions: OuPermissionsService;
  private readonly gatewayPlan: ChecklistDeps['gatewayPlan'];

  constructor(private readonly deps: ChecklistDeps) {
    ({ connections: this.connections, topology: this.topology, permissions: this.permissions, gatewayPlan: this.gatewayPlan } = deps);
  }

  /** Marks a step the console cannot see as done by hand: kept with who and when, and audited. */
  async confirm(input: { stepId: ChecklistStepId; profile: string; note?: string }): Promise<ChecklistConfirmation> {
    const session = await this.connections.ensure(input.profile);
    const actor = actorOf(input.profile, session);
    const confirmation: ChecklistConfirmation = {
      stepId: input.stepId,
      by: actor.identity,
      profile: input.profile,
      forest: actor.forest,
      ...osUser(),
      at: new Date().toISOString(),
      ...(input.note ? { note: input.note } : {}),
    };
    const all = this.readConfirmations();
    this.deps.audit
      .begin({ actor, action: 'checklist.confirm', target: input.stepId, route: 'ldap', before: all[input.stepId], after: confirmation })
      .succeeded();
    this.writeConfirmations({ ...all, [input.stepId]: confirmation });
    return confirmation;
  }

  /** Withdraws a confirmation (audited, as the profile the admin acts as). */
  async unconfirm(input: { stepId: ChecklistStepId; profile: string }): Promise<{ removed: boolean }> {
    const session = await this.connections.ensure(input.profile);
    const all = this.readConfirmations();
    const existing = all[input.stepId];
    if (!existing) return { removed: false };
    delete all[input.stepId];
    this.deps.audit
      .begin({ actor: actorOf(input.profile, session), action: 'checklist.unconfirm', target: input.stepId, route: 'ldap', before: existing })
      .succeeded();
    this.writeConfirmations(all);
    return { removed: true };
  }

  private confirmationsFile(): string {
    return join(this.deps.dataDir, 'checklist-confirmations.json');
  }

  private readConfirmations(): Partial<Record<ChecklistStepId, ChecklistConfirmation>> {
    try {
      return existsSync(this.confirmationsFile())
        ? (JSON.parse(readFileSync(this.confirmationsFile(), 'utf8')) as Partial<Record<ChecklistStepId, ChecklistConfirmation>>)
        : {};
    } catch {
      return {};
    }
  }

  private writeConfirmations(all: Partial<Record<ChecklistStepId, ChecklistConfirmation>>): void {
    writeFileSync(this.confirmationsFile(), `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  }

  /**
   * Step 2 where the Exchange shell can say: each UM service's certificate (Get-ExchangeCertificate,
   * S19) — assigned to UM / UMCallRouter, a subject that is not a wildcard [S9], not self-signed
   * [S20], valid. Undefined without an Exchange shell; a server the shell cannot read (Exchange
   * 2007 has no remote management) is reported as such.
   */
  private async readCertificates(forest: ForestTopology): Promise<CertificateFacts[] | undefined> {
    if (!this.deps.profiles.get(forest.profile).exchange) return undefined;
    const facts: CertificateFacts[] = [];
    for (const server of certificateServers(forest.exchange!.servers)) {
      try {
        const result = await this.deps.powershell.run(forest.profile, 'exchange', 'Get-ExchangeCertificate', { Server: server.server.name });
        facts.push(
          result.ok
            ? { ...server, certificates: result.output as ExchangeCertificate[] }
            : { ...server, error: result.errors[0]?.message ?? 'Get-ExchangeCertificate failed.' },
        );
      } catch (error) {
        facts.push({ ...server, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return facts;
  }

  async get(options: { dialPlanDn?: string; refresh?: boolean } = {}): Promise<Checklist> {
    const topology = await this.topology.get({ refresh: options.refresh ?? true });
    // Every connected Exchange organisation with the Lync forest it serves, as the topology and gateway setup pair them.
    const sides = exchangeSides(topology.forests);
    const lyncForest = lyncForestOf(topology.forests);
    const all = sides.flatMap((side) => side.org.dialPlans.map((plan) => ({ plan, side })));
    const chosen = options.dialPlanDn ? all.find((d) => normalizeDn(d.plan.dn) === normalizeDn(options.dialPlanDn!)) : undefined;
    if (options.dialPlanDn && !chosen) throw new ApiError('NOT_FOUND', 'That dial plan is not in a connected Exchange organisation; refresh the topology.');

    const users = lyncForest ? await this.countUsers(lyncForest) : undefined;
    const blockedOus = lyncForest ? await this.ousBlockingLync(lyncForest) : [];
    const orgs: OrgContext[] = [];
    for (const side of chosen ? [chosen.side] : sides) {
      const org: OrgContext = { ...side, plans: chosen ? [chosen.plan] : side.org.dialPlans };
      if (side.lync) {
        try {
          // The organisation against its Lync forest's pools and groups (exchucutil -Forest, S8).
          org.gatewayPlan = await this.gatewayPlan({ profile: side.forest.profile, lyncProfile: side.lync.profile });
        } catch (error) {
          org.gatewayPlanError = error instanceof Error ? error.message : String(error);
        }
      }
      const certificates = await this.readCertificates(side.forest);
      if (certificates) org.certificates = certificates;
      orgs.push(org);
    }
    const capabilities = await this.deps.capabilities.list();
    const confirmations = this.readConfirmations();
    const ctx: StepContext = {
      topology,
      orgs,
      ...(lyncForest ? { lyncForest } : {}),
      plans: orgs.flatMap((o) => o.plans),
      ...(chosen ? { chosen: chosen.plan } : {}),
      users,
      blockedOus,
    };
    const steps = checklistStepIds.map((id, i): ChecklistStep => {
      const evaluated = evaluate(id, ctx);
      // What the console cannot see, the admin may confirm; a confirmation stands until the directory says more.
      const confirmable = evaluated.status === 'unknown' && evaluated.reason.code !== 'no-exchange-forest' && evaluated.reason.code !== 'no-lync-forest';
      const confirmation = confirmable ? confirmations[id] : undefined;
      const { status, reason, evidence } = confirmation ? { ...evaluated, status: 'confirmed' as const } : evaluated;
      const forests = stepRequirements[id].forest === 'exchange' ? orgs.map((o) => o.forest.forest) : lyncForest ? [lyncForest.forest] : [];
      return {
        number: i + 1,
        id,
        status,
        reason,
        evidence,
        roles: rolesFor(id, capabilities, forests),
        ...(fixes[id] ? { fix: fixes[id] } : {}),
        confirmable,
        ...(confirmation ? { confirmation } : {}),
      };
    });
    const count = (s: StepStatus) => steps.filter((step) => step.status === s).length;
    return {
      readAt: new Date().toISOString(),
      ...(chosen ? { dialPlan: { dn: chosen.plan.dn, name: chosen.plan.name, forest: chosen.side.forest.forest } } : {}),
      dialPlans: all.map(({ plan, side }) => ({ dn: plan.dn, name: plan.name, forest: side.forest.forest, uriType: plan.uriType })),
      steps,
      summary: { done: count('done'), partly: count('partly'), notDone: count('not-done'), unknown: count('unknown'), confirmed: count('confirmed') },
    };
  }

  /** The checklist as an HTML report, in the admin's language. */
  async report(options: { dialPlanDn?: string; refresh?: boolean }, language: Language): Promise<ExportedFile> {
    const checklist = await this.get(options);
    const forests = (await this.topology.get({ refresh: false })).forests.map((f) => `${f.forest} (${f.profile})`);
    const html = checklistReportHtml(checklist, language, { forests });
    const stamp = checklist.readAt.slice(0, 10);
    const scope = checklist.dialPlan ? `-${checklist.dialPlan.name.replace(/[^\p{L}\p{N}_-]+/gu, '_')}` : '';
    return { fileName: `um-integration-checklist${scope}-${stamp}.html`, mimeType: 'text/html;charset=utf-8', content: html };
  }

  /** EV users, which lack a SIP address, and which are (not yet) enabled for UM — one paged search. */
  private async countUsers(forest: ForestTopology): Promise<UserCounts> {
    const session = await this.connections.ensure(forest.profile);
    const entries = await session.search(session.rootDse.defaultNamingContext, {
      filter: `(&(objectCategory=person)(objectClass=user)(msRTCSIP-OptionFlags:1.2.840.113556.1.4.803:=${EV_FLAG}))`,
      attributes: ['displayName', 'proxyAddresses', 'msExchUMEnabledFlags', 'msExchMailboxGuid', 'userPrincipalName', 'msRTCSIP-PrimaryUserAddress'],
    });
    const counts: UserCounts = {
      ev: entries.length,
      evWithoutSip: 0,
      withoutSipSample: [],
      withoutSipAddresses: [],
      umEnabled: 0,
      waiting: 0,
      waitingSample: [],
    };
    for (const e of entries) {
      const ref = { dn: e.dn, name: e.get('displayName') ?? e.dn, forest: forest.forest };
      const hasSip = e.getAll('proxyAddresses').some((p) => /^sip:/i.test(p));
      const enabled = ((e.getInt('msExchUMEnabledFlags') ?? 0) & 1) === 1;
      if (!hasSip) {
        counts.evWithoutSip++;
        if (counts.withoutSipSample.length < SAMPLE) {
          counts.withoutSipSample.push(ref);
          const sipAddress = e.get('msRTCSIP-PrimaryUserAddress');
          if (sipAddress) counts.withoutSipAddresses.push({ identity: e.get('userPrincipalName') ?? e.dn, sipAddress });
        }
      }
      if (enabled) {
        counts.umEnabled++;
      } else if (hasSip && e.getBuffer('msExchMailboxGuid')) {
        counts.waiting++;
        if (counts.waitingSample.length < SAMPLE) counts.waitingSample.push(ref);
      }
    }
    return counts;
  }

  /** OUs that block inheritance, hold users or contacts, and have no Grant-CsOUPermission for them. */
  private async ousBlockingLync(forest: ForestTopology): Promise<ObjectRef[]> {
    const session = await this.connections.ensure(forest.profile);
    const scan = await this.permissions.scan(forest.profile, session.rootDse.defaultNamingContext, ['User', 'Contact']);
    const blocked: ObjectRef[] = [];
    for (const o of scan.ous.filter((o) => o.ou.protected && o.types.some((t) => t.status !== 'granted'))) {
      const [member] = await session
        .search(o.ou.dn, { scope: 'one', filter: '(|(objectClass=user)(objectClass=contact))', attributes: ['1.1'], sizeLimit: 1 })
        .catch(() => []);
      if (member) blocked.push({ dn: o.ou.dn, name: o.ou.path, forest: forest.forest });
    }
    return blocked;
  }
}

/** What Get-ExchangeCertificate shows of a certificate [S19]. */
interface ExchangeCertificate {
  Thumbprint?: string;
  Subject?: string;
  Issuer?: string;
  Services?: string;
  IsSelfSigned?: boolean;
  Status?: string;
}

/** One UM service that needs a certificate, and what its server's store holds (or why it could not be read). */
interface CertificateFacts {
  server: ExchangeServer;
  /** The Exchange service name a certificate must be assigned to: UM (UM server or 2013 UM service), UMCallRouter (2013 Client Access). */
  services: Array<'UM' | 'UMCallRouter'>;
  certificates?: ExchangeCertificate[];
  error?: string;
}

/** The servers whose UM services talk TLS to Lync: 2007/2010 UM servers, 2013 Mailbox (UM) and Client Access (UMCallRouter) [S9]. */
function certificateServers(servers: ExchangeServer[]): Array<Omit<CertificateFacts, 'certificates' | 'error'>> {
  return servers.flatMap((server) => {
    const services: Array<'UM' | 'UMCallRouter'> = [];
    if ((server.major ?? 0) >= 15) {
      if (server.roles.includes('Mailbox')) services.push('UM');
      if (server.roles.includes('ClientAccess')) services.push('UMCallRouter');
    } else if (server.roles.includes('UnifiedMessaging')) services.push('UM');
    return services.length ? [{ server, services }] : [];
  });
}

function osUser(): { osUser?: string } {
  try {
    return { osUser: userInfo().username };
  } catch {
    return {};
  }
}

/** One Exchange organisation as the checklist sees it: the dial plans in scope, its gateway plan and certificates. */
interface OrgContext extends ExchangeSide {
  plans: DialPlan[];
  gatewayPlan?: GatewayPlan;
  gatewayPlanError?: string;
  certificates?: CertificateFacts[];
}

interface StepContext {
  topology: Topology;
  /** Every connected Exchange organisation (only the chosen dial plan's, with a dial plan chosen). */
  orgs: OrgContext[];
  lyncForest?: ForestTopology;
  /** The dial plans in scope, across the organisations. */
  plans: DialPlan[];
  chosen?: DialPlan;
  users?: UserCounts;
  blockedOus: ObjectRef[];
}

/**
 * A step's roles (capability-rules.ts), each checked against the connected account on the step's
 * forest(s) that comes closest to holding them — the same ranking the acting-account picker uses.
 */
function rolesFor(id: ChecklistStepId, capabilities: ProfileCapabilities[], forests: string[]): RoleCheck[] {
  const action = `checklist.confirm:${id}` as const;
  const candidates = capabilities.filter((c) => !c.error && forests.some((f) => f.toLowerCase() === c.forest.toLowerCase()));
  const best = [...candidates].sort(
    (a, b) => verdictRank[a.actions[action].verdict] - verdictRank[b.actions[action].verdict] || b.actions[action].via.length - a.actions[action].via.length,
  )[0];
  return stepRequirements[id].needs.map((anyOf) => {
    const via = best?.actions[action].via.find((g) => anyOf.includes(g));
    return {
      anyOf,
      ...(best ? { forest: best.forest, account: best.account, held: !!via } : forests[0] ? { forest: forests[0] } : {}),
      ...(via ? { via } : {}),
    };
  });
}

interface Verdict {
  status: StepStatus;
  reason: { code: string; params: Record<string, string> };
  evidence: Evidence[];
}

const ev = (code: string, ok: boolean, params: Record<string, string> = {}, objects: ObjectRef[] = [], fix?: FixAction): Evidence => ({
  code,
  ok,
  params,
  objects: objects.slice(0, SAMPLE),
  ...(fix && !ok ? { fix } : {}),
});
/** What the console cannot see: shown for the admin to check, never counted as a failure. */
const note = (code: string, params: Record<string, string> = {}, objects: ObjectRef[] = []): Evidence => ({
  ...ev(code, true, params, objects),
  informational: true,
});
const verdict = (status: StepStatus, code: string, params: Record<string, string>, evidence: Evidence[]): Verdict => ({
  status,
  reason: { code, params },
  evidence,
});

/** Done when every check passed, not done when none did, partly in between. */
function fromChecks(evidence: Evidence[], codes: { done: string; partly: string; notDone: string }, params: Record<string, string> = {}): Verdict {
  const passed = evidence.filter((e) => e.ok).length;
  if (evidence.length === 0) return verdict('unknown', 'nothing-to-check', params, evidence);
  if (passed === evidence.length) return verdict('done', codes.done, params, evidence);
  return verdict(
    passed === 0 ? 'not-done' : 'partly',
    passed === 0 ? codes.notDone : codes.partly,
    { ...params, missing: String(evidence.length - passed), total: String(evidence.length) },
    evidence,
  );
}

function findingsFor(ctx: StepContext, codes: FindingCode[]): Finding[] {
  const plans = new Set(ctx.plans.map((p) => normalizeDn(p.dn)));
  return ctx.topology.findings.filter(
    (f) => codes.includes(f.code) && (!ctx.chosen || plans.has(normalizeDn(f.subject.dn)) || f.code === 'pool-without-gateway'),
  );
}

function evaluate(id: ChecklistStepId, ctx: StepContext): Verdict {
  const refIn =
    (forest: string) =>
    (dn: string, name: string): ObjectRef => ({ dn, name, forest });
  const orgOf = (plan: DialPlan) => ctx.orgs.find((o) => o.org.dialPlans.some((d) => normalizeDn(d.dn) === normalizeDn(plan.dn)))!;
  const planRef = (plan: DialPlan) => refIn(orgOf(plan).forest.forest)(plan.dn, plan.name);
  const sipPlans = ctx.plans.filter((p) => p.uriType === 'SipName');
  if (ctx.orgs.length === 0 && id !== 'lync-dial-plan-names' && id !== 'enterprise-voice') return verdict('unknown', 'no-exchange-forest', {}, []);

  switch (id) {
    case 'deploy-exchange-um': {
      const evidence = ctx.orgs.flatMap(({ org, forest, lync }) => {
        const ref = refIn(forest.forest);
        const servers = org.servers;
        const lines = [
          ev('exchange-org', true, { org: org.name }, [ref(org.dn, org.name)]),
          ev(
            'um-servers',
            servers.length > 0,
            { count: String(servers.length), servers: servers.map((s) => `${s.name} (${s.versionLabel})`).join(', ') },
            servers.map((s) => ref(s.dn, s.name)),
          ),
        ];
        // A resource forest must trust the Lync forest [S27]; nothing in the directory shows it.
        if (lync && lync.forest !== forest.forest) lines.push(note('forest-trust-manual', { exchange: forest.forest, lync: lync.forest }));
        return lines;
      });
      return fromChecks(evidence, { done: 'exchange-deployed', partly: 'exchange-no-servers', notDone: 'exchange-no-servers' });
    }
    case 'um-certificates': {
      const evidence: Evidence[] = [];
      const unreadable: string[] = [];
      const manual: string[] = [];
      for (const { org, forest, certificates } of ctx.orgs) {
        const ref = refIn(forest.forest);
        if (!certificates) {
          for (const s of certificateServers(org.servers)) {
            manual.push(s.server.name);
            evidence.push(note('certificate-manual', { server: s.server.name }, [ref(s.server.dn, s.server.name)]));
          }
          continue;
        }
        for (const facts of certificates) {
          const objects = [ref(facts.server.dn, facts.server.name)];
          if (facts.error !== undefined) {
            unreadable.push(facts.server.name);
            evidence.push(note('certificate-unreadable', { server: facts.server.name, error: facts.error }, objects));
            continue;
          }
          for (const service of facts.services) {
            const assigned = (facts.certificates ?? []).filter((c) =>
              (c.Services ?? '').split(/[,\s]+/).some((s) => s.toLowerCase() === service.toLowerCase()),
            );
            const params = { server: facts.server.name, service };
            const fix = certificateFix(facts.server.name, service);
            if (assigned.length === 0) {
              evidence.push(ev('certificate-none', false, params, objects, fix));
              continue;
            }
            for (const c of assigned) {
              const details = { ...params, subject: c.Subject ?? '', issuer: c.Issuer ?? '', thumbprint: c.Thumbprint ?? '' };
              // A wildcard in the subject is not supported with Lync (a wildcard SAN is) [S9]; self-signed cannot be used [S20].
              if (/^CN=\*/i.test(c.Subject ?? '')) evidence.push(ev('certificate-wildcard', false, details, objects, fix));
              else if (c.IsSelfSigned) evidence.push(ev('certificate-self-signed', false, details, objects, fix));
              else if (c.Status && c.Status !== 'Valid') evidence.push(ev('certificate-invalid', false, { ...details, status: c.Status }, objects, fix));
              else evidence.push(ev('certificate-ok', true, details, objects));
            }
          }
        }
      }
      const failed = evidence.filter((e) => !e.ok).length;
      const checked = evidence.filter((e) => !e.informational).length;
      if (failed > 0)
        return verdict(failed === checked ? 'not-done' : 'partly', 'certificates-gaps', { missing: String(failed), total: String(checked) }, evidence);
      if (checked === 0 && manual.length > 0) return verdict('unknown', 'certificates-not-in-directory', { servers: manual.join(', ') }, evidence);
      if (unreadable.length > 0 || manual.length > 0)
        return verdict('unknown', 'certificates-unreadable', { servers: [...unreadable, ...manual].join(', ') }, evidence);
      return verdict('done', 'certificates-ok', {}, evidence);
    }
    case 'sip-dial-plan': {
      if (ctx.chosen) {
        const fix = ctx.chosen.uriType === 'SipName' ? undefined : sipDialPlanFix(ctx.chosen.digits);
        return fromChecks(
          [ev('dial-plan-uri-type', ctx.chosen.uriType === 'SipName', { dialPlan: ctx.chosen.name, uriType: ctx.chosen.uriType }, [planRef(ctx.chosen)], fix)],
          { done: 'sip-dial-plan-exists', partly: 'not-sip-dial-plan', notDone: 'not-sip-dial-plan' },
          { dialPlan: ctx.chosen.name },
        );
      }
      const evidence = [
        ev(
          'sip-dial-plans',
          sipPlans.length > 0,
          { count: String(sipPlans.length), names: sipPlans.map((p) => p.name).join(', ') },
          sipPlans.map(planRef),
          sipDialPlanFix(undefined),
        ),
      ];
      return fromChecks(evidence, { done: 'sip-dial-plan-exists', partly: 'no-sip-dial-plan', notDone: 'no-sip-dial-plan' });
    }
    case 'voip-security': {
      // Compared with Lync's media encryption through the Lync shell [S4][S9]; without it, only Unsecured is known to be wrong.
      const relevant = ctx.chosen ? ctx.plans : ctx.plans.filter((p) => p.uriType === 'SipName' || p.uriType === 'E164');
      const media = ctx.lyncForest?.lync?.mediaConfigurations;
      if (media?.length) {
        const evidence = relevant.flatMap((p) =>
          media.map((m) => {
            const allowed = securityFor(m.encryptionLevel);
            return ev(
              allowed ? 'dial-plan-security-vs-lync' : 'lync-encryption-unknown-value',
              !!allowed && allowed.includes(p.voipSecurity),
              { dialPlan: p.name, security: p.voipSecurity, scope: m.identity, encryptionLevel: m.encryptionLevel, required: allowed?.join(' / ') ?? '?' },
              [planRef(p)],
              allowed ? voipSecurityFix(p.name, allowed) : undefined,
            );
          }),
        );
        return fromChecks(evidence, { done: 'security-ok', partly: 'security-incompatible', notDone: 'security-incompatible' });
      }
      const evidence = relevant.map((p) =>
        ev(
          'dial-plan-security',
          p.voipSecurity !== 'Unsecured',
          { dialPlan: p.name, security: p.voipSecurity },
          [planRef(p)],
          voipSecurityFix(p.name, ['Secured']),
        ),
      );
      if (evidence.some((e) => !e.ok)) return fromChecks(evidence, { done: 'security-ok', partly: 'security-unsecured', notDone: 'security-unsecured' });
      return verdict(
        'unknown',
        ctx.lyncForest?.lync?.shellError ? 'lync-encryption-unreadable' : 'lync-encryption-unknown',
        { error: ctx.lyncForest?.lync?.shellError ?? '' },
        evidence,
      );
    }
    case 'um-servers-in-dial-plan': {
      // 2007 SP1/2010: a UM server serves the plan [S18]. 2013: every Mailbox and Client Access server's UM
      // service and Call Router list each SIP dial plan, in Dual mode [S9][S16][S17].
      const evidence = ctx.plans.flatMap((p) => {
        const { org, forest } = orgOf(p);
        const ref = refIn(forest.forest);
        const services = umServicesFor(org, p);
        if (services.length === 0) return [ev('dial-plan-no-server', false, { dialPlan: p.name }, [ref(p.dn, p.name)])];
        return services.map((s) => {
          const params = { dialPlan: p.name, server: s.server.name, version: s.server.versionLabel, mode: s.startupMode ?? '' };
          const objects = [ref(s.server.dn, s.server.name)];
          if (s.service === 'um-server') return ev('dial-plan-um-server', true, params, objects);
          const code =
            s.gaps.length === 0
              ? `dial-plan-${s.service}`
              : s.gaps.includes('not-in-dial-plan')
                ? `dial-plan-${s.service}-missing`
                : `dial-plan-${s.service}-not-dual`;
          return ev(code, s.gaps.length === 0, params, objects, umServicesFix(org, p, [s]));
        });
      });
      return fromChecks(evidence, { done: 'servers-linked', partly: 'servers-missing', notDone: 'servers-missing' });
    }
    case 'sip-addresses': {
      const u = ctx.users;
      if (!u) return verdict('unknown', 'no-lync-forest', {}, []);
      const evidence = [
        ev(
          'ev-users-sip',
          u.evWithoutSip === 0,
          { ev: String(u.ev), missing: String(u.evWithoutSip) },
          u.withoutSipSample,
          sipAddressFix(u.withoutSipAddresses),
        ),
      ];
      return verdict(
        u.evWithoutSip === 0 ? 'done' : u.evWithoutSip < u.ev ? 'partly' : 'not-done',
        u.evWithoutSip === 0 ? 'sip-addresses-ok' : 'sip-addresses-missing',
        { missing: String(u.evWithoutSip), ev: String(u.ev) },
        evidence,
      );
    }
    case 'exchucutil': {
      // Exactly what gateway setup would do, per organisation: its plan is the one definition of "exchucutil is done".
      if (!ctx.lyncForest) return verdict('unknown', 'no-lync-forest', {}, []);
      const failed = ctx.orgs.find((o) => !o.gatewayPlan);
      if (failed) return verdict('unknown', 'gateway-plan-unavailable', { error: failed.gatewayPlanError ?? '' }, []);
      const chosen = ctx.chosen ? normalizeDn(ctx.chosen.dn) : undefined;
      const evidence: Evidence[] = [];
      for (const { org, forest, lync, gatewayPlan } of ctx.orgs) {
        const ref = refIn(forest.forest);
        const fix = gatewaysFix(forest.forest, lync?.forest);
        for (const item of gatewayPlan!.items) {
          const ok = item.status === 'present';
          if (item.kind === 'gateway')
            evidence.push(
              ev(
                ok ? 'pool-gateway' : 'pool-no-gateway',
                ok,
                { pool: item.pool.fqdn, gateway: ok ? item.name : '', org: org.name },
                item.existingDn ? [ref(item.existingDn, item.name)] : [],
                fix,
              ),
            );
          else if (item.kind === 'hunt-group') {
            if (chosen && normalizeDn(item.dialPlan.dn) !== chosen) continue;
            evidence.push(
              ev(
                ok ? 'hunt-group' : 'hunt-group-missing',
                ok,
                { dialPlan: item.dialPlan.name, gateway: item.gatewayName, name: item.name, org: org.name },
                item.existingDn ? [ref(item.existingDn, `${item.gatewayName}\\${item.name}`)] : [],
                fix,
              ),
            );
          } else
            evidence.push(
              ev(
                ok ? 'um-read-permission' : 'um-read-permission-missing',
                ok,
                { group: item.trustee, container: item.targetName },
                [ref(item.targetDn, item.targetName)],
                fix,
              ),
            );
        }
      }
      return fromChecks(evidence, { done: 'exchucutil-done', partly: 'exchucutil-partly', notDone: 'exchucutil-not-run' });
    }
    case 'lync-dial-plan-names': {
      if (!ctx.lyncForest?.lync?.dialPlans) return verdict('unknown', 'lync-dial-plans-unknown', { error: ctx.lyncForest?.lync?.dialPlansError ?? '' }, []);
      const mismatches = findingsFor(ctx, ['lync-dial-plan-name-mismatch']);
      const evidence = ctx.plans
        .filter((p) => p.uriType !== 'TelExtn')
        .map((p) => {
          const mismatch = mismatches.find((m) => normalizeDn(m.subject.dn) === normalizeDn(p.dn));
          return ev(
            mismatch ? 'lync-name-mismatch' : 'lync-name-ok',
            !mismatch,
            { dialPlan: p.name, phoneContext: p.phoneContext ?? '', server: mismatch?.params.server ?? '' },
            [planRef(p)],
            p.phoneContext ? lyncDialPlanFix(p.phoneContext) : undefined,
          );
        });
      return fromChecks(evidence, { done: 'lync-names-ok', partly: 'lync-names-mismatch', notDone: 'lync-names-mismatch' });
    }
    case 'ocsumutil-contacts': {
      if (!ctx.lyncForest) return verdict('unknown', 'no-lync-forest', {}, []);
      const contacts = ctx.topology.forests.flatMap((f) => f.contacts);
      const evidence: Evidence[] = sipPlans.map((p) => {
        const sa = contacts.filter((c) => c.kind === 'SA' && c.target && normalizeDn(c.target.dn) === normalizeDn(p.dn));
        return ev(
          sa.length ? 'sa-contact' : 'sa-contact-missing',
          sa.length > 0,
          { dialPlan: p.name, contacts: sa.map((c) => c.sipAddress ?? c.displayName ?? '').join(', ') },
          sa.length ? sa.map((c) => ({ dn: c.dn, name: c.displayName ?? c.dn, forest: c.forest })) : [planRef(p)],
          contactFix('SA', planRef(p), p.accessNumbers[0]),
        );
      });
      for (const { org, forest } of ctx.orgs) {
        for (const aa of org.autoAttendants.filter((a) => sipPlans.some((p) => a.dialPlanDn && normalizeDn(p.dn) === normalizeDn(a.dialPlanDn)))) {
          const found = contacts.filter((c) => c.kind === 'AA' && c.target && normalizeDn(c.target.dn) === normalizeDn(aa.dn));
          const ref = refIn(forest.forest)(aa.dn, aa.name);
          evidence.push(
            ev(
              found.length ? 'aa-contact' : 'aa-contact-missing',
              found.length > 0,
              { autoAttendant: aa.name, contacts: found.map((c) => c.sipAddress ?? '').join(', ') },
              [ref],
              contactFix('AA', ref, aa.pilotNumbers[0]),
            ),
          );
        }
      }
      if (evidence.length === 0 && ctx.chosen) return verdict('done', 'contacts-not-needed', { dialPlan: ctx.chosen.name }, []);
      return fromChecks(evidence, { done: 'contacts-done', partly: 'contacts-missing', notDone: 'contacts-missing' });
    }
    case 'enterprise-voice': {
      const u = ctx.users;
      if (!u) return verdict('unknown', 'no-lync-forest', {}, []);
      const evidence = [ev('ev-users', u.ev > 0, { count: String(u.ev) }), note('ev-cms-manual')];
      if (ctx.blockedOus.length === 0) evidence.push(ev('ou-permissions-ok', true));
      // Each OU that blocks inheritance needs its own Grant-CsOUPermission [S7].
      for (const ou of ctx.blockedOus) evidence.push(ev('ou-blocks-lync', false, { ou: ou.name }, [ou], grantFix(ou.forest, ou.dn, ['User', 'Contact'])));
      return fromChecks(evidence, { done: 'ev-done', partly: 'ev-partly', notDone: 'ev-none' });
    }
    case 'enable-users': {
      const u = ctx.users;
      if (!u) return verdict('unknown', 'no-lync-forest', {}, []);
      const evidence: Evidence[] = [];
      for (const p of ctx.plans) {
        // The dial plan's own back-link count: mailboxes in its organisation's forest, a resource forest included.
        const inPlan = p.umEnabledUsers;
        // Across every dial plan this is information; for one chosen plan, none enabled is a gap.
        evidence.push(ev('um-users-in-plan', !ctx.chosen || inPlan > 0, { dialPlan: p.name, count: String(inPlan) }, [planRef(p)]));
      }
      evidence.push(ev('ev-users-waiting', u.waiting === 0, { count: String(u.waiting), enabled: String(u.umEnabled) }, u.waitingSample));
      const status: StepStatus = u.waiting === 0 && u.umEnabled > 0 ? 'done' : u.umEnabled > 0 ? 'partly' : 'not-done';
      return verdict(
        status,
        status === 'done' ? 'users-enabled' : status === 'partly' ? 'users-waiting' : 'users-none',
        { waiting: String(u.waiting), enabled: String(u.umEnabled) },
        evidence,
      );
    }
  }
}
