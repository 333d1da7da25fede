import type { Checklist, ChecklistStep, ChecklistStepId, Evidence, FixScreen, RoleCheck, StepStatus } from '@shared/models/checklist';
import { checklistStepIds } from '@shared/models/checklist';
import type { GatewayPlan, GatewaySetupRequest } from '@shared/models/gateways';
import type { DialPlan, Finding, FindingCode, ForestTopology, ObjectRef, Topology } from '@shared/models/topology';
import { ApiError } from '@shared/errors';
import type { ExportedFile } from '@shared/models/enablement';
import type { Language } from '@shared/models/settings';
import type { ConnectionManager } from '../directory/connection-manager';
import { checklistReportHtml } from './checklist-report';
import { whoAmI, type BoundAccount } from '../directory/account-rights';
import { normalizeDn } from '../directory/ldap-escape';
import type { OuPermissionsService } from '../permissions/ou-permissions-service';
import type { TopologyService } from '../topology/topology-service';

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
export class ChecklistService {
  constructor(
    private readonly connections: ConnectionManager,
    private readonly topology: TopologyService,
    private readonly permissions: OuPermissionsService,
    /** Gateway setup's plan (what exchucutil would still change), for step 7. */
    private readonly gatewayPlan: (request: GatewaySetupRequest) => Promise<GatewayPlan>,
  ) {}

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
    const ctx: StepContext = { topology, exchangeForest, lyncForest, plans, chosen, users, blockedOus, ...(gatewayPlan ? { gatewayPlan } : {}), ...(gatewayPlanError ? { gatewayPlanError } : {}) };
    const steps = checklistStepIds.map((id, i): ChecklistStep => {
      const { status, reason, evidence } = evaluate(id, ctx);
      const spec = stepRoles[id];
      const forest = spec.forest === 'exchange' ? exchangeForest : lyncForest;
      const account = forest ? accounts.get(forest.forest) : undefined;
      const roles: RoleCheck[] = spec.roles.map((anyOf) => {
        const via = account?.groups.find((g) => anyOf.some((name) => name.toLowerCase() === g.name.toLowerCase()))?.name;
        return { anyOf, ...(forest ? { forest: forest.forest } : {}), ...(account ? { account: account.name, held: !!via } : {}), ...(via ? { via } : {}) };
      });
      return { number: i + 1, id, status, reason, evidence, roles, ...(fixes[id] ? { fix: fixes[id] } : {}) };
    });
    const count = (s: StepStatus) => steps.filter((step) => step.status === s).length;
    return {
      readAt: new Date().toISOString(),
      ...(chosen && exchangeForest ? { dialPlan: { dn: chosen.dn, name: chosen.name, forest: exchangeForest.forest } } : {}),
      dialPlans: dialPlans.map((d) => ({ dn: d.dn, name: d.name, forest: exchangeForest!.forest, uriType: d.uriType })),
      steps,
      summary: { done: count('done'), partly: count('partly'), notDone: count('not-done'), unknown: count('unknown') },
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

interface StepContext {
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
      if (otherForest) evidence.push(ev('forest-trust-manual', true, { exchange: forest, lync: ctx.lyncForest!.forest }));
      return fromChecks(evidence, { done: 'exchange-deployed', partly: 'exchange-no-servers', notDone: 'exchange-no-servers' });
    }
    case 'um-certificates':
      return verdict('unknown', 'certificates-not-in-directory', { servers: org!.servers.map((s) => s.name).join(', ') }, org!.servers.map((s) => ev('certificate-manual', true, { server: s.name }, [ref(s.dn, s.name)])));
    case 'sip-dial-plan': {
      if (ctx.chosen) return fromChecks([ev('dial-plan-uri-type', ctx.chosen.uriType === 'SipName', { dialPlan: ctx.chosen.name, uriType: ctx.chosen.uriType }, [ref(ctx.chosen.dn, ctx.chosen.name)])], { done: 'sip-dial-plan-exists', partly: 'not-sip-dial-plan', notDone: 'not-sip-dial-plan' }, { dialPlan: ctx.chosen.name });
      const evidence = [ev('sip-dial-plans', sipPlans.length > 0, { count: String(sipPlans.length), names: sipPlans.map((p) => p.name).join(', ') }, sipPlans.map((p) => ref(p.dn, p.name)))];
      return fromChecks(evidence, { done: 'sip-dial-plan-exists', partly: 'no-sip-dial-plan', notDone: 'no-sip-dial-plan' });
    }
    case 'voip-security': {
      const relevant = ctx.chosen ? ctx.plans : ctx.plans.filter((p) => p.uriType === 'SipName' || p.uriType === 'E164');
      const evidence = relevant.map((p) => ev('dial-plan-security', p.voipSecurity === 'SIPSecured' || p.voipSecurity === 'Secured', { dialPlan: p.name, security: p.voipSecurity }, [ref(p.dn, p.name)]));
      return fromChecks(evidence, { done: 'security-ok', partly: 'security-unsecured', notDone: 'security-unsecured' });
    }
    case 'um-servers-in-dial-plan': {
      const evidence = ctx.plans.map((p) => {
        const linked = org!.servers.filter((s) => s.dialPlanDns.some((d) => normalizeDn(d) === normalizeDn(p.dn)));
        const modern = org!.servers.filter((s) => (s.major ?? 0) >= 15);
        if (linked.length > 0) return ev('dial-plan-servers', true, { dialPlan: p.name, servers: linked.map((s) => s.name).join(', ') }, linked.map((s) => ref(s.dn, s.name)));
        return ev(modern.length > 0 ? 'dial-plan-startup-mode' : 'dial-plan-no-server', modern.length > 0, { dialPlan: p.name, servers: modern.map((s) => s.name).join(', ') }, [ref(p.dn, p.name)]);
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
      const evidence = [ev('ev-users', u.ev > 0, { count: String(u.ev) }), ev('ev-cms-manual', true)];
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
