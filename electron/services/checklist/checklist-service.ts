import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Checklist, ChecklistConfirmation, ChecklistStep, ChecklistStepId, Evidence, FixScreen, RoleCheck, StepStatus } from '@shared/models/checklist';
import { checklistStepIds } from '@shared/models/checklist';
import type { GatewayPlan, GatewaySetupRequest } from '@shared/models/gateways';
import type { DialPlan, ExchangeServer, Finding, FindingCode, ForestTopology, ObjectRef, Topology } from '@shared/models/topology';
import { ApiError } from '@shared/errors';
import type { ExportedFile } from '@shared/models/enablement';
import type { Language } from '@shared/models/settings';
import type { ConnectionManager } from '../directory/connection-manager';
import { checklistReportHtml } from './checklist-report';
import { whoAmI, type BoundAccount } from '../directory/account-rights';
import { normalizeDn } from '@shared/dn';
import type { AuditLog } from '../audit/audit-log';
import type { OuPermissionsService } from '../permissions/ou-permissions-service';
import type { PowerShellService } from '../powershell/powershell-service';
import type { ProfileService } from '../profiles/profile-service';
import type { TopologyService } from '../topology/topology-service';
import { securityFor, umServicesFor } from '../topology/um-servers';

/** Which groups may do each step (domain.md §1); every entry must be met, each by any of its groups. */
const stepRoles: Record<ChecklistStepId, { forest: 'exchange' | 'lync'; roles: string[][] }> = {
  'deploy-exchange-um': { forest: 'exchange', roles: [['Enterprise Admins', 'Organization Management', 'Exchange Organization Administrators']] },
  'um-certificates': { forest: 'exchange', roles: [['Administrators', 'Domain Admins']] },
  'sip-dial-plan': { forest: 'exchange', roles: [['Organization Management', 'Exchange Organization Administrators']] },
  'voip-security': { forest: 'exchange', roles: [['Organization Management', 'Exchange Organization Administrators']] },
  'um-servers-in-dial-plan': { forest: 'exchange', roles: [['Organization Management', 'Server Management', 'Administrators']] },
  'sip-addresses': { forest: 'exchange', roles: [['Recipient Management', 'Organization Management', 'RTCUniversalUserAdmins']] },
  exchucutil: { forest: 'exchange', roles: [['Organization Management', 'Exchange Organization Administrators'], ['Recipient Management', 'Organization Management']] },
  'lync-dial-plan-names': { forest: 'lync', roles: [['RTCUniversalServerAdmins']] },
  'ocsumutil-contacts': { forest: 'lync', roles: [['RTCUniversalServerAdmins'], ['RTCUniversalUserAdmins']] },
  'enterprise-voice': { forest: 'lync', roles: [['RTCUniversalServerAdmins'], ['RTCUniversalUserAdmins']] },
  'enable-users': { forest: 'exchange', roles: [['Recipient Management', 'Organization Management']] },
};

const fixes: Partial<Record<ChecklistStepId, FixScreen>> = {
  exchucutil: 'gateways',
  'lync-dial-plan-names': 'topology',
  'ocsumutil-contacts': 'contacts',
  'enterprise-voice': 'permissions',
  'enable-users': 'enablement',
  'sip-addresses': 'topology',
};

/** What the Lync forest's users look like to the steps about users (6, 10, 11), in one paged search. */
interface UserCounts {
  ev: number;
  evWithoutSip: number;
  withoutSipSample: ObjectRef[];
  umEnabled: number;
  umEnabledInPlan: Map<string, number>;
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
    const confirmation: ChecklistConfirmation = { stepId: input.stepId, by: session.identity, profile: input.profile, ...osUser(), at: new Date().toISOString(), ...(input.note ? { note: input.note } : {}) };
    const all = this.readConfirmations();
    this.deps.audit.record({ actor: { profile: input.profile, identity: confirmation.by }, action: 'checklist.confirm', target: input.stepId, route: 'ldap', before: all[input.stepId], after: confirmation, outcome: 'succeeded' });
    this.writeConfirmations({ ...all, [input.stepId]: confirmation });
    return confirmation;
  }

  /** Withdraws a confirmation (audited). */
  async unconfirm(input: { stepId: ChecklistStepId; profile: string }): Promise<{ removed: boolean }> {
    const session = await this.connections.ensure(input.profile);
    const all = this.readConfirmations();
    const existing = all[input.stepId];
    if (!existing) return { removed: false };
    delete all[input.stepId];
    this.deps.audit.record({ actor: { profile: input.profile, identity: session.identity }, action: 'checklist.unconfirm', target: input.stepId, route: 'ldap', before: existing, outcome: 'succeeded' });
    this.writeConfirmations(all);
    return { removed: true };
  }

  private confirmationsFile(): string {
    return join(this.deps.dataDir, 'checklist-confirmations.json');
  }

  private readConfirmations(): Partial<Record<ChecklistStepId, ChecklistConfirmation>> {
    try {
      return existsSync(this.confirmationsFile()) ? (JSON.parse(readFileSync(this.confirmationsFile(), 'utf8')) as Partial<Record<ChecklistStepId, ChecklistConfirmation>>) : {};
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
        facts.push(result.ok ? { ...server, certificates: result.output as ExchangeCertificate[] } : { ...server, error: result.errors[0]?.message ?? 'Get-ExchangeCertificate failed.' });
      } catch (error) {
        facts.push({ ...server, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return facts;
  }

  async get(options: { dialPlanDn?: string; refresh?: boolean } = {}): Promise<Checklist> {
    const topology = await this.topology.get({ refresh: options.refresh ?? true });
    const exchangeForest = topology.forests.find((f) => f.exchange);
    const lyncForest = topology.forests.find((f) => f.lync && f.lync.pools.length > 0);
    const dialPlans = exchangeForest?.exchange?.dialPlans ?? [];
    const chosen = options.dialPlanDn ? dialPlans.find((d) => normalizeDn(d.dn) === normalizeDn(options.dialPlanDn!)) : undefined;
    if (options.dialPlanDn && !chosen) throw new ApiError('NOT_FOUND', 'That dial plan is not in the connected Exchange organisation; refresh the topology.');
    const plans = chosen ? [chosen] : dialPlans;

    const accounts = new Map<string, BoundAccount | undefined>();
    for (const f of [exchangeForest, lyncForest]) {
      if (!f || accounts.has(f.forest)) continue;
      accounts.set(f.forest, await whoAmI(await this.connections.ensure(f.profile)).catch(() => undefined));
    }
    const users = lyncForest ? await this.countUsers(lyncForest) : undefined;
    const blockedOus = lyncForest ? await this.ousBlockingLync(lyncForest) : [];

    let gatewayPlan: GatewayPlan | undefined;
    let gatewayPlanError: string | undefined;
    if (exchangeForest && lyncForest) {
      try {
        // The Exchange forest's organisation against the Lync forest's pools and groups (exchucutil -Forest, S8).
        gatewayPlan = await this.gatewayPlan({ profile: exchangeForest.profile, ...(lyncForest.profile !== exchangeForest.profile ? { lyncProfile: lyncForest.profile } : {}) });
      } catch (error) {
        gatewayPlanError = error instanceof Error ? error.message : String(error);
      }
    }
    const certificates = exchangeForest?.exchange ? await this.readCertificates(exchangeForest) : undefined;
    const confirmations = this.readConfirmations();
    const ctx: StepContext = { topology, exchangeForest, lyncForest, plans, chosen, users, blockedOus, ...(gatewayPlan ? { gatewayPlan } : {}), ...(gatewayPlanError ? { gatewayPlanError } : {}), ...(certificates ? { certificates } : {}) };
    const steps = checklistStepIds.map((id, i): ChecklistStep => {
      const evaluated = evaluate(id, ctx);
      // What the console cannot see, the admin may confirm; a confirmation stands until the directory says more.
      const confirmable = evaluated.status === 'unknown' && evaluated.reason.code !== 'no-exchange-forest' && evaluated.reason.code !== 'no-lync-forest';
      const confirmation = confirmable ? confirmations[id] : undefined;
      const { status, reason, evidence } = confirmation ? { ...evaluated, status: 'confirmed' as const } : evaluated;
      const spec = stepRoles[id];
      const forest = spec.forest === 'exchange' ? exchangeForest : lyncForest;
      const account = forest ? accounts.get(forest.forest) : undefined;
      const roles: RoleCheck[] = spec.roles.map((anyOf) => {
        const via = account?.groups.find((g) => anyOf.some((name) => name.toLowerCase() === g.name.toLowerCase()))?.name;
        return { anyOf, ...(forest ? { forest: forest.forest } : {}), ...(account ? { account: account.name, held: !!via } : {}), ...(via ? { via } : {}) };
      });
      return { number: i + 1, id, status, reason, evidence, roles, ...(fixes[id] ? { fix: fixes[id] } : {}), confirmable, ...(confirmation ? { confirmation } : {}) };
    });
    const count = (s: StepStatus) => steps.filter((step) => step.status === s).length;
    return {
      readAt: new Date().toISOString(),
      ...(chosen && exchangeForest ? { dialPlan: { dn: chosen.dn, name: chosen.name, forest: exchangeForest.forest } } : {}),
      dialPlans: dialPlans.map((d) => ({ dn: d.dn, name: d.name, forest: exchangeForest!.forest, uriType: d.uriType })),
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
      attributes: ['displayName', 'proxyAddresses', 'msExchUMEnabledFlags', 'msExchMailboxGuid', 'msExchUMRecipientDialPlanLink'],
    });
    const counts: UserCounts = { ev: entries.length, evWithoutSip: 0, withoutSipSample: [], umEnabled: 0, umEnabledInPlan: new Map(), waiting: 0, waitingSample: [] };
    for (const e of entries) {
      const ref = { dn: e.dn, name: e.get('displayName') ?? e.dn, forest: forest.forest };
      const hasSip = e.getAll('proxyAddresses').some((p) => /^sip:/i.test(p));
      const enabled = ((e.getInt('msExchUMEnabledFlags') ?? 0) & 1) === 1;
      if (!hasSip) {
        counts.evWithoutSip++;
        if (counts.withoutSipSample.length < SAMPLE) counts.withoutSipSample.push(ref);
      }
      if (enabled) {
        counts.umEnabled++;
        const plan = normalizeDn(e.get('msExchUMRecipientDialPlanLink') ?? '');
        counts.umEnabledInPlan.set(plan, (counts.umEnabledInPlan.get(plan) ?? 0) + 1);
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
      const [member] = await session.search(o.ou.dn, { scope: 'one', filter: '(|(objectClass=user)(objectClass=contact))', attributes: ['1.1'], sizeLimit: 1 }).catch(() => []);
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

interface StepContext {
  certificates?: CertificateFacts[];
  topology: Topology;
  gatewayPlan?: GatewayPlan;
  gatewayPlanError?: string;
  exchangeForest?: ForestTopology;
  lyncForest?: ForestTopology;
  plans: DialPlan[];
  chosen?: DialPlan;
  users?: UserCounts;
  blockedOus: ObjectRef[];
}

interface Verdict {
  status: StepStatus;
  reason: { code: string; params: Record<string, string> };
  evidence: Evidence[];
}

const ev = (code: string, ok: boolean, params: Record<string, string> = {}, objects: ObjectRef[] = []): Evidence => ({ code, ok, params, objects: objects.slice(0, SAMPLE) });
/** What the console cannot see: shown for the admin to check, never counted as a failure. */
const note = (code: string, params: Record<string, string> = {}, objects: ObjectRef[] = []): Evidence => ({ ...ev(code, true, params, objects), informational: true });
const verdict = (status: StepStatus, code: string, params: Record<string, string>, evidence: Evidence[]): Verdict => ({ status, reason: { code, params }, evidence });

/** Done when every check passed, not done when none did, partly in between. */
function fromChecks(evidence: Evidence[], codes: { done: string; partly: string; notDone: string }, params: Record<string, string> = {}): Verdict {
  const passed = evidence.filter((e) => e.ok).length;
  if (evidence.length === 0) return verdict('unknown', 'nothing-to-check', params, evidence);
  if (passed === evidence.length) return verdict('done', codes.done, params, evidence);
  return verdict(passed === 0 ? 'not-done' : 'partly', passed === 0 ? codes.notDone : codes.partly, { ...params, missing: String(evidence.length - passed), total: String(evidence.length) }, evidence);
}

function findingsFor(ctx: StepContext, codes: FindingCode[]): Finding[] {
  const plans = new Set(ctx.plans.map((p) => normalizeDn(p.dn)));
  return ctx.topology.findings.filter((f) => codes.includes(f.code) && (!ctx.chosen || plans.has(normalizeDn(f.subject.dn)) || f.code === 'pool-without-gateway'));
}

function evaluate(id: ChecklistStepId, ctx: StepContext): Verdict {
  const org = ctx.exchangeForest?.exchange;
  const forest = ctx.exchangeForest?.forest ?? '';
  const ref = (dn: string, name: string): ObjectRef => ({ dn, name, forest });
  const sipPlans = ctx.plans.filter((p) => p.uriType === 'SipName');
  if (!org && id !== 'lync-dial-plan-names' && id !== 'enterprise-voice') return verdict('unknown', 'no-exchange-forest', {}, []);

  switch (id) {
    case 'deploy-exchange-um': {
      const servers = org!.servers;
      const evidence = [ev('exchange-org', true, { org: org!.name }, [ref(org!.dn, org!.name)]), ev('um-servers', servers.length > 0, { count: String(servers.length), servers: servers.map((s) => `${s.name} (${s.versionLabel})`).join(', ') }, servers.map((s) => ref(s.dn, s.name)))];
      const otherForest = ctx.lyncForest && ctx.lyncForest.forest !== forest;
      if (otherForest) evidence.push(note('forest-trust-manual', { exchange: forest, lync: ctx.lyncForest!.forest }));
      return fromChecks(evidence, { done: 'exchange-deployed', partly: 'exchange-no-servers', notDone: 'exchange-no-servers' });
    }
    case 'um-certificates': {
      const servers = certificateServers(org!.servers);
      if (!ctx.certificates) return verdict('unknown', 'certificates-not-in-directory', { servers: servers.map((s) => s.server.name).join(', ') }, servers.map((s) => note('certificate-manual', { server: s.server.name }, [ref(s.server.dn, s.server.name)])));
      const evidence: Evidence[] = [];
      let unreadable = 0;
      for (const facts of ctx.certificates) {
        const objects = [ref(facts.server.dn, facts.server.name)];
        if (facts.error !== undefined) {
          unreadable++;
          evidence.push(note('certificate-unreadable', { server: facts.server.name, error: facts.error }, objects));
          continue;
        }
        for (const service of facts.services) {
          const assigned = (facts.certificates ?? []).filter((c) => (c.Services ?? '').split(/[,\s]+/).some((s) => s.toLowerCase() === service.toLowerCase()));
          const params = { server: facts.server.name, service };
          if (assigned.length === 0) {
            evidence.push(ev('certificate-none', false, params, objects));
            continue;
          }
          for (const c of assigned) {
            const details = { ...params, subject: c.Subject ?? '', issuer: c.Issuer ?? '', thumbprint: c.Thumbprint ?? '' };
            // A wildcard in the subject is not supported with Lync (a wildcard SAN is) [S9]; self-signed cannot be used [S20].
            if (/^CN=\*/i.test(c.Subject ?? '')) evidence.push(ev('certificate-wildcard', false, details, objects));
            else if (c.IsSelfSigned) evidence.push(ev('certificate-self-signed', false, details, objects));
            else if (c.Status && c.Status !== 'Valid') evidence.push(ev('certificate-invalid', false, { ...details, status: c.Status }, objects));
            else evidence.push(ev('certificate-ok', true, details, objects));
          }
        }
      }
      const failed = evidence.filter((e) => !e.ok).length;
      if (failed > 0) return verdict(failed === evidence.length ? 'not-done' : 'partly', 'certificates-gaps', { missing: String(failed), total: String(evidence.length) }, evidence);
      if (unreadable > 0) return verdict('unknown', 'certificates-unreadable', { servers: ctx.certificates.filter((c) => c.error !== undefined).map((c) => c.server.name).join(', ') }, evidence);
      return verdict('done', 'certificates-ok', {}, evidence);
    }
    case 'sip-dial-plan': {
      if (ctx.chosen) return fromChecks([ev('dial-plan-uri-type', ctx.chosen.uriType === 'SipName', { dialPlan: ctx.chosen.name, uriType: ctx.chosen.uriType }, [ref(ctx.chosen.dn, ctx.chosen.name)])], { done: 'sip-dial-plan-exists', partly: 'not-sip-dial-plan', notDone: 'not-sip-dial-plan' }, { dialPlan: ctx.chosen.name });
      const evidence = [ev('sip-dial-plans', sipPlans.length > 0, { count: String(sipPlans.length), names: sipPlans.map((p) => p.name).join(', ') }, sipPlans.map((p) => ref(p.dn, p.name)))];
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
            return ev(allowed ? 'dial-plan-security-vs-lync' : 'lync-encryption-unknown-value', !!allowed && allowed.includes(p.voipSecurity), { dialPlan: p.name, security: p.voipSecurity, scope: m.identity, encryptionLevel: m.encryptionLevel, required: allowed?.join(' / ') ?? '?' }, [ref(p.dn, p.name)]);
          }),
        );
        return fromChecks(evidence, { done: 'security-ok', partly: 'security-incompatible', notDone: 'security-incompatible' });
      }
      const evidence = relevant.map((p) => ev('dial-plan-security', p.voipSecurity !== 'Unsecured', { dialPlan: p.name, security: p.voipSecurity }, [ref(p.dn, p.name)]));
      if (evidence.some((e) => !e.ok)) return fromChecks(evidence, { done: 'security-ok', partly: 'security-unsecured', notDone: 'security-unsecured' });
      return verdict('unknown', ctx.lyncForest?.lync?.shellError ? 'lync-encryption-unreadable' : 'lync-encryption-unknown', { error: ctx.lyncForest?.lync?.shellError ?? '' }, evidence);
    }
    case 'um-servers-in-dial-plan': {
      // 2007 SP1/2010: a UM server serves the plan [S18]. 2013: every Mailbox and Client Access server's UM
      // service and Call Router list each SIP dial plan, in Dual mode [S9][S16][S17].
      const evidence = ctx.plans.flatMap((p) => {
        const services = umServicesFor(org!, p);
        if (services.length === 0) return [ev('dial-plan-no-server', false, { dialPlan: p.name }, [ref(p.dn, p.name)])];
        return services.map((s) => {
          const params = { dialPlan: p.name, server: s.server.name, version: s.server.versionLabel, mode: s.startupMode ?? '' };
          const objects = [ref(s.server.dn, s.server.name)];
          if (s.service === 'um-server') return ev('dial-plan-um-server', true, params, objects);
          const code = s.gaps.length === 0 ? `dial-plan-${s.service}` : s.gaps.includes('not-in-dial-plan') ? `dial-plan-${s.service}-missing` : `dial-plan-${s.service}-not-dual`;
          return ev(code, s.gaps.length === 0, params, objects);
        });
      });
      return fromChecks(evidence, { done: 'servers-linked', partly: 'servers-missing', notDone: 'servers-missing' });
    }
    case 'sip-addresses': {
      const u = ctx.users;
      if (!u) return verdict('unknown', 'no-lync-forest', {}, []);
      const evidence = [ev('ev-users-sip', u.evWithoutSip === 0, { ev: String(u.ev), missing: String(u.evWithoutSip) }, u.withoutSipSample)];
      return verdict(u.evWithoutSip === 0 ? 'done' : u.evWithoutSip < u.ev ? 'partly' : 'not-done', u.evWithoutSip === 0 ? 'sip-addresses-ok' : 'sip-addresses-missing', { missing: String(u.evWithoutSip), ev: String(u.ev) }, evidence);
    }
    case 'exchucutil': {
      // Exactly what gateway setup would do: its plan is the one definition of "exchucutil is done".
      if (!ctx.gatewayPlan) return verdict('unknown', ctx.lyncForest ? 'gateway-plan-unavailable' : 'no-lync-forest', { error: ctx.gatewayPlanError ?? '' }, []);
      const chosen = ctx.chosen ? normalizeDn(ctx.chosen.dn) : undefined;
      const evidence: Evidence[] = [];
      for (const item of ctx.gatewayPlan.items) {
        const ok = item.status === 'present';
        if (item.kind === 'gateway') evidence.push(ev(ok ? 'pool-gateway' : 'pool-no-gateway', ok, { pool: item.pool.fqdn, gateway: ok ? item.name : '' }, item.existingDn ? [ref(item.existingDn, item.name)] : []));
        else if (item.kind === 'hunt-group') {
          if (chosen && normalizeDn(item.dialPlan.dn) !== chosen) continue;
          evidence.push(ev(ok ? 'hunt-group' : 'hunt-group-missing', ok, { dialPlan: item.dialPlan.name, gateway: item.gatewayName, name: item.name }, item.existingDn ? [ref(item.existingDn, `${item.gatewayName}\\${item.name}`)] : []));
        } else evidence.push(ev(ok ? 'um-read-permission' : 'um-read-permission-missing', ok, { group: item.trustee, container: item.targetName }, [ref(item.targetDn, item.targetName)]));
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
          return ev(mismatch ? 'lync-name-mismatch' : 'lync-name-ok', !mismatch, { dialPlan: p.name, phoneContext: p.phoneContext ?? '', server: mismatch?.params.server ?? '' }, [ref(p.dn, p.name)]);
        });
      return fromChecks(evidence, { done: 'lync-names-ok', partly: 'lync-names-mismatch', notDone: 'lync-names-mismatch' });
    }
    case 'ocsumutil-contacts': {
      if (!ctx.lyncForest) return verdict('unknown', 'no-lync-forest', {}, []);
      const contacts = ctx.topology.forests.flatMap((f) => f.contacts);
      const evidence: Evidence[] = sipPlans.map((p) => {
        const sa = contacts.filter((c) => c.kind === 'SA' && c.target && normalizeDn(c.target.dn) === normalizeDn(p.dn));
        return ev(sa.length ? 'sa-contact' : 'sa-contact-missing', sa.length > 0, { dialPlan: p.name, contacts: sa.map((c) => c.sipAddress ?? c.displayName ?? '').join(', ') }, sa.length ? sa.map((c) => ({ dn: c.dn, name: c.displayName ?? c.dn, forest: c.forest })) : [ref(p.dn, p.name)]);
      });
      for (const aa of org!.autoAttendants.filter((a) => sipPlans.some((p) => a.dialPlanDn && normalizeDn(p.dn) === normalizeDn(a.dialPlanDn)))) {
        const found = contacts.filter((c) => c.kind === 'AA' && c.target && normalizeDn(c.target.dn) === normalizeDn(aa.dn));
        evidence.push(ev(found.length ? 'aa-contact' : 'aa-contact-missing', found.length > 0, { autoAttendant: aa.name, contacts: found.map((c) => c.sipAddress ?? '').join(', ') }, [ref(aa.dn, aa.name)]));
      }
      if (evidence.length === 0 && ctx.chosen) return verdict('done', 'contacts-not-needed', { dialPlan: ctx.chosen.name }, []);
      return fromChecks(evidence, { done: 'contacts-done', partly: 'contacts-missing', notDone: 'contacts-missing' });
    }
    case 'enterprise-voice': {
      const u = ctx.users;
      if (!u) return verdict('unknown', 'no-lync-forest', {}, []);
      const evidence = [ev('ev-users', u.ev > 0, { count: String(u.ev) }), note('ev-cms-manual')];
      evidence.push(ctx.blockedOus.length === 0 ? ev('ou-permissions-ok', true) : ev('ou-blocks-lync', false, { ous: ctx.blockedOus.map((o) => o.name).join(', ') }, ctx.blockedOus));
      return fromChecks(evidence, { done: 'ev-done', partly: 'ev-partly', notDone: 'ev-none' });
    }
    case 'enable-users': {
      const u = ctx.users;
      if (!u) return verdict('unknown', 'no-lync-forest', {}, []);
      const evidence: Evidence[] = [];
      for (const p of ctx.plans) {
        const inPlan = u.umEnabledInPlan.get(normalizeDn(p.dn)) ?? 0;
        // Across every dial plan this is information; for one chosen plan, none enabled is a gap.
        evidence.push(ev('um-users-in-plan', !ctx.chosen || inPlan > 0, { dialPlan: p.name, count: String(inPlan) }, [ref(p.dn, p.name)]));
      }
      evidence.push(ev('ev-users-waiting', u.waiting === 0, { count: String(u.waiting), enabled: String(u.umEnabled) }, u.waitingSample));
      const status: StepStatus = u.waiting === 0 && u.umEnabled > 0 ? 'done' : u.umEnabled > 0 ? 'partly' : 'not-done';
      return verdict(status, status === 'done' ? 'users-enabled' : status === 'partly' ? 'users-waiting' : 'users-none', { waiting: String(u.waiting), enabled: String(u.umEnabled) }, evidence);
    }
  }
}
