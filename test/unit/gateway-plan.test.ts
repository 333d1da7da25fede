import { describe, expect, it } from 'vitest';
import type { DialPlan, ExchangeOrg, HuntGroup, IpGateway, LyncPool } from '@shared/models/topology';
import {
  gatewayNameForPool,
  grantAce,
  isGrantCovered,
  pilotIdentifierFor,
  planGatewaySetup,
  umReadGrantTargets,
  verifyGatewaySetup,
  type GatewaySetupFacts,
} from '../../electron/services/gateways/gateway-plan';
import { AceFlag, AceType, type Ace } from '../../electron/services/directory/security-descriptor/model';
import { toSddl } from '../../electron/services/directory/security-descriptor/sddl';

/** The pure rules of the gateway setup (what exchucutil.ps1 does, without its faults). */

const ORG = 'CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=test';
const GW = `CN=UM IPGateway Container,${ORG}`;
const POOLS = 'CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=contoso,DC=test';
const SERVER_ADMINS = 'S-1-5-21-1-2-3-1105';
const COMPONENT = 'S-1-5-21-1-2-3-1111';

function dialPlan(name: string, uriType: DialPlan['uriType'], phoneContext: string | null = `${name}.contoso.test`): DialPlan {
  return {
    dn: `CN=${name},CN=UM DialPlan Container,${ORG}`,
    name,
    uriType,
    voipSecurity: 'Secured',
    ...(phoneContext ? { phoneContext } : {}),
    accessNumbers: [],
    pilotIdentifiers: [],
    sipResourceIdentifierRequired: true,
    equivalentPhoneContexts: [],
    mailboxPolicyDns: [],
    autoAttendantDns: [],
    huntGroupDns: [],
    serverDns: [],
    contactDns: [],
    umEnabledUsers: 0,
  };
}

function huntGroup(gateway: string, name: string, plan: string | undefined, pilot?: string): HuntGroup {
  return {
    dn: `CN=${name},CN=${gateway},${GW}`,
    name,
    identity: `${gateway}\\${name}`,
    gatewayDn: `CN=${gateway},${GW}`,
    ...(pilot ? { pilotIdentifier: pilot } : {}),
    ...(plan ? { dialPlanDn: `CN=${plan},CN=UM DialPlan Container,${ORG}` } : {}),
  };
}

function gateway(name: string, address: string, outcalls: boolean, mwi: boolean, huntGroups: HuntGroup[]): IpGateway {
  return { dn: `CN=${name},${GW}`, name, address, outcallsAllowed: outcalls, messageWaitingAllowed: mwi, status: 'Enabled', huntGroups };
}

function pool(cn: string, fqdn: string, kind: LyncPool['kind']): LyncPool {
  return {
    dn: `CN=${cn},${POOLS}`,
    fqdn,
    kind,
    version: String(0x60000),
    versionMajor: 6,
    product: 'Lync Server 2013',
    poolData: kind === 'branch' ? ['ExtendedType=RemoteRegistrar'] : [],
    gateways: [],
  };
}

/** The seeded lab: pool01 and sba01 have gateways with hunt groups for both SIP dial plans; pool02 has none. */
function seededOrg(): ExchangeOrg {
  return {
    dn: ORG,
    name: 'Contoso',
    servers: [],
    dialPlans: [dialPlan('Redmond', 'SipName'), dialPlan('Tokyo', 'SipName'), dialPlan('Taipei', 'E164'), dialPlan('Legacy', 'TelExtn')],
    gateways: [
      gateway('pool01', 'pool01.contoso.test', true, true, [
        huntGroup('pool01', 'Redmond', 'Redmond', 'Redmond'),
        huntGroup('pool01', 'Tokyo', 'Tokyo', 'Tokyo'),
      ]),
      gateway('sba01', 'sba01.contoso.test', false, false, [
        huntGroup('sba01', 'Redmond', 'Redmond', 'Redmond'),
        huntGroup('sba01', 'Tokyo', 'Tokyo', 'Tokyo'),
      ]),
    ],
    autoAttendants: [],
    mailboxPolicies: [],
  };
}

const seededPools = () => [
  pool('1:1', 'pool01.contoso.test', 'enterprise'),
  pool('1:2', 'pool02.contoso.test', 'standard'),
  pool('1:3', 'sba01.contoso.test', 'branch'),
];

/** The DACL entries exchucutil leaves, for both groups. */
function grantedAces(target: ReturnType<typeof umReadGrantTargets>[number]): Ace[] {
  return [SERVER_ADMINS, COMPONENT].map((sid) => grantAce(sid, target.rights, target.appliesTo));
}

function facts(overrides: Partial<GatewaySetupFacts> = {}): GatewaySetupFacts {
  const organization = overrides.organization ?? seededOrg();
  return {
    profile: 'lab',
    forest: 'contoso.test',
    readAt: '2026-01-01T00:00:00.000Z',
    netbios: 'CONTOSO',
    organization,
    pools: seededPools(),
    grants: umReadGrantTargets(organization.dn, organization.name).map((target) => ({ target, aces: grantedAces(target) })),
    groups: [
      { name: 'RTCUniversalServerAdmins', sid: SERVER_ADMINS },
      { name: 'RTCComponentUniversalServices', sid: COMPONENT },
    ],
    ...overrides,
  };
}

const missingIds = (plan: ReturnType<typeof planGatewaySetup>) => plan.items.filter((i) => i.status === 'missing').map((i) => i.id);

describe('the plan on the seeded topology', () => {
  const plan = planGatewaySetup(facts());

  it('finds exactly the seeded gap: a gateway for pool02 named after its pool CN, and a hunt group per SIP dial plan on it', () => {
    expect(missingIds(plan)).toEqual(['gateway:pool02.contoso.test', 'hunt-group:pool02.contoso.test:redmond', 'hunt-group:pool02.contoso.test:tokyo']);
    expect(plan.counts).toEqual({ missing: 3, present: 12, blocked: 0 });
    const created = plan.items.find((i) => i.id === 'gateway:pool02.contoso.test');
    // pool01's gateway already places the outcalls for Redmond and Tokyo: the new one gets them off.
    expect(created).toMatchObject({
      kind: 'gateway',
      name: '1:2',
      address: 'pool02.contoso.test',
      outcallsAllowed: false,
      messageWaitingAllowed: true,
      commands: ["New-UMIPGateway -Name '1:2' -Address 'pool02.contoso.test'", "Set-UMIPGateway -Identity '1:2' -OutcallsAllowed $false"],
    });
    expect(plan.items.find((i) => i.id === 'hunt-group:pool02.contoso.test:tokyo')).toMatchObject({
      name: 'Tokyo',
      gatewayName: '1:2',
      pilotIdentifier: 'Tokyo',
      commands: ["New-UMHuntGroup -Name 'Tokyo' -UMIPGateway '1:2' -UMDialPlan 'Tokyo' -PilotIdentifier 'Tokyo'"],
    });
  });

  it('only SIP URI dial plans get hunt groups, in name order', () => {
    expect(plan.sipDialPlans.map((d) => `${d.name}:${d.pilotIdentifier}`)).toEqual(['Redmond:Redmond', 'Tokyo:Tokyo']);
    expect(plan.items.some((i) => i.kind === 'hunt-group' && ['Taipei', 'Legacy'].includes(i.dialPlan.name))).toBe(false);
  });

  it('runs permissions first, then each pool (by FQDN) with its gateway before its hunt groups', () => {
    expect(plan.items.map((i) => i.kind)).toEqual([
      'permission',
      'permission',
      'permission',
      'permission',
      'permission',
      'permission',
      ...Array(3).fill(['gateway', 'hunt-group', 'hunt-group']).flat(),
    ]);
    expect(plan.items.filter((i) => i.kind === 'gateway').map((i) => (i.kind === 'gateway' ? i.pool.fqdn : ''))).toEqual([
      'pool01.contoso.test',
      'pool02.contoso.test',
      'sba01.contoso.test',
    ]);
  });

  it('reports the existing branch gateway as it is, without a command', () => {
    expect(plan.items.find((i) => i.id === 'gateway:sba01.contoso.test')).toMatchObject({
      status: 'present',
      name: 'sba01',
      outcallsAllowed: false,
      messageWaitingAllowed: false,
      commands: [],
      pool: { branch: true, cn: '1:3' },
    });
  });

  it('keeps outcalls on one gateway per dial plan: no new second outcall gateway, so no warning', () => {
    expect(plan.warnings.filter((w) => w.code === 'multiple-outcall-gateways')).toEqual([]);
  });

  it('a new gateway gets outcalls when no gateway serving the SIP dial plans allows them yet', () => {
    const organization = seededOrg();
    for (const g of organization.gateways) g.outcallsAllowed = false;
    const fresh = planGatewaySetup(facts({ organization }));
    expect(fresh.items.find((i) => i.id === 'gateway:pool02.contoso.test')).toMatchObject({
      outcallsAllowed: true,
      messageWaitingAllowed: true,
      commands: ["New-UMIPGateway -Name '1:2' -Address 'pool02.contoso.test'"],
    });
  });
});

describe('gateways', () => {
  it('a new gateway for a branch appliance gets outcalls and message waiting off', () => {
    const org = seededOrg();
    org.gateways = org.gateways.filter((g) => g.name !== 'sba01');
    const item = planGatewaySetup(facts({ organization: org })).items.find((i) => i.id === 'gateway:sba01.contoso.test');
    expect(item).toMatchObject({ status: 'missing', name: '1:3', outcallsAllowed: false, messageWaitingAllowed: false });
    expect(item?.commands).toEqual([
      "New-UMIPGateway -Name '1:3' -Address 'sba01.contoso.test'",
      "Set-UMIPGateway -Identity '1:3' -OutcallsAllowed $false -MessageWaitingIndicatorAllowed $false",
    ]);
  });

  it('matches existing gateways by address (case and spaces aside), never by name, and leaves their outcalls alone', () => {
    const org = seededOrg();
    org.gateways.push(gateway('Hand made', ' POOL02.contoso.test ', false, true, []));
    const plan = planGatewaySetup(facts({ organization: org }));
    expect(plan.items.find((i) => i.id === 'gateway:pool02.contoso.test')).toMatchObject({
      status: 'present',
      name: 'Hand made',
      outcallsAllowed: false,
      commands: [],
    });
    expect(missingIds(plan)).toEqual(['hunt-group:pool02.contoso.test:redmond', 'hunt-group:pool02.contoso.test:tokyo']);
    expect(plan.items.find((i) => i.id === 'hunt-group:pool02.contoso.test:redmond')).toMatchObject({ gatewayName: 'Hand made' });
  });

  it('a gateway name taken by another address blocks the gateway and its hunt groups', () => {
    const org = seededOrg();
    org.gateways.push(gateway('1:2', 'elsewhere.contoso.test', true, true, []));
    const plan = planGatewaySetup(facts({ organization: org }));
    expect(plan.items.find((i) => i.id === 'gateway:pool02.contoso.test')).toMatchObject({ status: 'blocked', problem: { code: 'CONFLICT' } });
    expect(plan.items.filter((i) => i.kind === 'hunt-group' && i.poolFqdn === 'pool02.contoso.test').map((i) => i.status)).toEqual(['blocked', 'blocked']);
    expect(plan.counts).toMatchObject({ missing: 0, blocked: 3 });
  });

  it('warns about an existing branch gateway that allows outcalls, without planning to change it', () => {
    const org = seededOrg();
    org.gateways[1]!.outcallsAllowed = true;
    const plan = planGatewaySetup(facts({ organization: org }));
    expect(plan.items.find((i) => i.id === 'gateway:sba01.contoso.test')).toMatchObject({ status: 'present', outcallsAllowed: true, commands: [] });
    expect(plan.warnings.some((w) => w.code === 'branch-gateway-allows' && w.params.pool === 'sba01.contoso.test' && w.text.includes('allows outcalls'))).toBe(
      true,
    );
  });

  it('names the gateway after the pool CN', () => {
    expect(gatewayNameForPool({ dn: `CN=1:2,${POOLS}`, fqdn: 'pool02.contoso.test' })).toBe('1:2');
    expect(gatewayNameForPool({ dn: '', fqdn: 'pool02.contoso.test' })).toBe('pool02');
  });
});

describe('pools as Get-UCPool keeps them, message waiting and outcalls as exchucutil and Microsoft want [S8][S10]', () => {
  const older = (cn: string, fqdn: string, major: number): LyncPool => ({
    ...pool(cn, fqdn, 'enterprise'),
    version: String(major << 16),
    versionMajor: major,
    product: `v${major}`,
  });

  it('skips pools older than OCS 2007 and turns message waiting off before Lync 2010', () => {
    const plan = planGatewaySetup(facts({ pools: [...seededPools(), older('ocs', 'ocs.contoso.test', 4), older('lcs', 'lcs.contoso.test', 2)] }));
    expect(plan.items.some((i) => i.id === 'gateway:lcs.contoso.test')).toBe(false);
    expect(plan.items.find((i) => i.id === 'gateway:ocs.contoso.test')).toMatchObject({
      status: 'missing',
      messageWaitingAllowed: false,
      outcallsAllowed: false,
    });
    expect(plan.items.find((i) => i.id === 'gateway:ocs.contoso.test')!.commands[1]).toBe(
      "Set-UMIPGateway -Identity 'ocs' -OutcallsAllowed $false -MessageWaitingIndicatorAllowed $false",
    );
  });

  it("never gives a Director's gateway outcalls, and offers it only as an ineligible candidate", () => {
    const organization = seededOrg();
    for (const g of organization.gateways) g.outcallsAllowed = false;
    const plan = planGatewaySetup(facts({ organization, pools: [pool('1:0', 'dir.contoso.test', 'director'), ...seededPools()] }));
    expect(plan.items.find((i) => i.id === 'gateway:dir.contoso.test')).toMatchObject({ outcallsAllowed: false, messageWaitingAllowed: true });
    // With no gateway allowing outcalls, the first eligible new gateway gets them — not the Director's.
    expect(plan.items.find((i) => i.id === 'gateway:pool02.contoso.test')).toMatchObject({ outcallsAllowed: true });
    expect(plan.outcalls.candidates.find((c) => c.fqdn === 'dir.contoso.test')).toEqual({
      fqdn: 'dir.contoso.test',
      kind: 'director',
      eligible: false,
      reason: 'director',
    });
  });

  it('warns when a Director gateway already allows outcalls, and that Directors are unknown without the Lync shell', () => {
    const organization = seededOrg();
    organization.gateways.push(gateway('1:0', 'dir.contoso.test', true, true, []));
    const plan = planGatewaySetup(facts({ organization, pools: [pool('1:0', 'dir.contoso.test', 'director'), ...seededPools()], directorsKnown: false }));
    expect(plan.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['director-gateway-allows', 'directors-unknown']));
  });

  it("the admin's choice: outcalls on the chosen pool's gateway, off on every other, changes planned for existing ones", () => {
    const plan = planGatewaySetup(facts({ outcallsPool: 'pool02.contoso.test' }));
    expect(plan.outcalls.chosen).toBe('pool02.contoso.test');
    expect(plan.items.find((i) => i.id === 'gateway:pool02.contoso.test')).toMatchObject({
      status: 'missing',
      outcallsAllowed: true,
      commands: ["New-UMIPGateway -Name '1:2' -Address 'pool02.contoso.test'"],
    });
    expect(plan.items.find((i) => i.id === 'gateway:pool01.contoso.test')).toMatchObject({
      status: 'missing',
      existingDn: expect.any(String),
      change: { outcallsAllowed: false },
      commands: ["Set-UMIPGateway -Identity 'pool01' -OutcallsAllowed $false"],
    });
    expect(plan.items.find((i) => i.id === 'gateway:sba01.contoso.test')).toMatchObject({ status: 'present' });
    expect(plan.warnings.filter((w) => w.code === 'multiple-outcall-gateways')).toEqual([]);
  });

  it('grants on Administrative Groups too when asked, as one signed build does', () => {
    expect(umReadGrantTargets(ORG, 'Contoso', true).map((t) => t.name)).toEqual([
      'Exchange organization Contoso',
      'UM DialPlan Container',
      'UM AutoAttendant Container',
      'Administrative Groups',
    ]);
    expect(umReadGrantTargets(ORG, 'Contoso')).toHaveLength(3);
  });
});

describe('hunt groups', () => {
  it('a hand-made hunt group for the dial plan (any name, any pilot) counts: nothing is created beside it', () => {
    const org = seededOrg();
    org.gateways[0]!.huntGroups = [huntGroup('pool01', 'Reception', 'Redmond', '4000'), huntGroup('pool01', 'Tokyo', 'Tokyo', 'Tokyo')];
    const item = planGatewaySetup(facts({ organization: org })).items.find((i) => i.id === 'hunt-group:pool01.contoso.test:redmond');
    expect(item).toMatchObject({ status: 'present', name: 'Reception', pilotIdentifier: '4000', commands: [] });
  });

  it('a pilot identifier in use on the gateway blocks the hunt group with CONFLICT, the others go ahead', () => {
    const org = seededOrg();
    org.gateways[0]!.huntGroups = [huntGroup('pool01', 'Night', 'Redmond', 'Tokyo')];
    const plan = planGatewaySetup(facts({ organization: org }));
    const item = plan.items.find((i) => i.id === 'hunt-group:pool01.contoso.test:tokyo');
    expect(item).toMatchObject({ status: 'blocked', problem: { code: 'CONFLICT' } });
    expect(item?.problem?.message).toContain('"Night"');
    expect(missingIds(plan)).toContain('gateway:pool02.contoso.test');
  });

  it('a hunt group with the dial plan name but another dial plan blocks it', () => {
    const org = seededOrg();
    org.gateways[0]!.huntGroups = [huntGroup('pool01', 'Redmond', 'Redmond', 'Redmond'), huntGroup('pool01', 'Tokyo', 'Taipei', 'T')];
    const item = planGatewaySetup(facts({ organization: org })).items.find((i) => i.id === 'hunt-group:pool01.contoso.test:tokyo');
    expect(item).toMatchObject({ status: 'blocked', problem: { code: 'CONFLICT' } });
    expect(item?.problem?.message).toContain('dial plan Taipei');
  });

  it('a SIP dial plan without a phone context is blocked (no pilot identifier), and the pilot is the first label', () => {
    const org = seededOrg();
    org.dialPlans.push(dialPlan('Oslo', 'SipName', null));
    const item = planGatewaySetup(facts({ organization: org })).items.find((i) => i.id === 'hunt-group:pool02.contoso.test:oslo');
    expect(item).toMatchObject({ status: 'blocked', problem: { code: 'INVALID_INPUT' } });
    expect(pilotIdentifierFor({ phoneContext: 'Redmond.contoso.test' })).toBe('Redmond');
    expect(pilotIdentifierFor({})).toBeUndefined();
  });

  it('no SIP dial plan and no pools are said, not failed', () => {
    const org = seededOrg();
    org.dialPlans = org.dialPlans.filter((d) => d.uriType !== 'SipName');
    const plan = planGatewaySetup(facts({ organization: org, pools: [] }));
    expect(plan.items.every((i) => i.kind === 'permission')).toBe(true);
    expect(plan.warnings.map((w) => w.text).join('\n')).toMatch(/no SIP URI dial plan[\s\S]*no Lync pools/);
  });
});

describe('permissions', () => {
  it("are exactly exchucutil's entries (the SDDL the lab seeds)", () => {
    const [org, dialPlans, autoAttendants] = umReadGrantTargets(ORG, 'Contoso');
    const sddl = (ace: Ace) => toSddl({ revision: 1, control: 0, dacl: { revision: 4, aces: [ace] } }).replace(/^D:/, '');
    expect(sddl(grantAce(SERVER_ADMINS, org!.rights, org!.appliesTo))).toBe(`(A;;LC;;;${SERVER_ADMINS})`);
    expect(sddl(grantAce(COMPONENT, dialPlans!.rights, dialPlans!.appliesTo))).toBe(`(A;CI;LCRP;;;${COMPONENT})`);
    expect(autoAttendants!.dn).toBe(`CN=UM AutoAttendant Container,${ORG}`);
  });

  it('plans only the missing entries, with the Add-ADPermission command', () => {
    const f = facts();
    f.grants[2]!.aces = f.grants[2]!.aces!.filter((a) => a.sid !== COMPONENT);
    const plan = planGatewaySetup(f);
    const missing = plan.items.filter((i) => i.kind === 'permission' && i.status === 'missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({
      trustee: 'RTCComponentUniversalServices',
      targetName: 'UM AutoAttendant Container',
      rights: ['ListChildren', 'ReadProperty'],
      appliesTo: 'this-object-and-descendants',
    });
    expect(missing[0]!.commands).toEqual([
      `Add-ADPermission -Identity 'CN=UM AutoAttendant Container,${ORG}' -User 'CONTOSO\\RTCComponentUniversalServices' -AccessRights 'ListChildren','ReadProperty' -InheritanceType 'All'`,
    ]);
  });

  it('a missing group or an unreadable container blocks its entries instead of failing the plan', () => {
    const f = facts();
    f.groups[1] = { name: 'RTCComponentUniversalServices', problem: { code: 'NOT_FOUND', message: 'no such group' } };
    f.grants[1] = { target: f.grants[1]!.target, problem: { code: 'NOT_FOUND', message: 'no container' } };
    const plan = planGatewaySetup(f);
    const permissions = plan.items.filter((i) => i.kind === 'permission');
    expect(permissions.map((i) => `${i.status}:${i.problem?.message ?? ''}`)).toEqual([
      'present:',
      'blocked:no such group',
      'blocked:no container',
      'blocked:no such group',
      'present:',
      'blocked:no such group',
    ]);
  });

  describe('isGrantCovered', () => {
    const wantInherited = grantAce(SERVER_ADMINS, ['ListChildren', 'ReadProperty'], 'this-object-and-descendants');
    const wantHere = grantAce(SERVER_ADMINS, ['ListChildren'], 'this-object');
    const ace = (flags: number, mask: number, sid = SERVER_ADMINS, type: number = AceType.ACCESS_ALLOWED, extra: Partial<Ace> = {}): Ace => ({
      type,
      flags,
      mask,
      sid,
      ...extra,
    });

    it('accepts the exact entry, its inherited copy and a broader entry', () => {
      expect(isGrantCovered([wantInherited], wantInherited)).toBe(true);
      expect(isGrantCovered([ace(AceFlag.CONTAINER_INHERIT | AceFlag.INHERITED, 0x14)], wantInherited)).toBe(true);
      expect(isGrantCovered([ace(AceFlag.CONTAINER_INHERIT, 0x20094)], wantInherited)).toBe(true);
      expect(isGrantCovered([ace(AceFlag.CONTAINER_INHERIT, 0x4)], wantHere)).toBe(true);
    });

    it('refuses what does not give the same reach', () => {
      expect(isGrantCovered([ace(0, 0x14)], wantInherited)).toBe(false); // this object only
      expect(isGrantCovered([ace(AceFlag.CONTAINER_INHERIT | AceFlag.INHERIT_ONLY, 0x14)], wantInherited)).toBe(false);
      expect(isGrantCovered([ace(AceFlag.CONTAINER_INHERIT | AceFlag.NO_PROPAGATE_INHERIT, 0x14)], wantInherited)).toBe(false);
      expect(isGrantCovered([ace(AceFlag.CONTAINER_INHERIT, 0x4)], wantInherited)).toBe(false); // ReadProperty missing
      expect(isGrantCovered([ace(AceFlag.CONTAINER_INHERIT, 0x14, COMPONENT)], wantInherited)).toBe(false);
      expect(
        isGrantCovered(
          [ace(AceFlag.CONTAINER_INHERIT, 0x14, SERVER_ADMINS, AceType.ACCESS_ALLOWED_OBJECT, { objectType: 'bf967a86-0de6-11d0-a285-00aa003049e2' })],
          wantInherited,
        ),
      ).toBe(false);
      expect(isGrantCovered([ace(AceFlag.CONTAINER_INHERIT, 0x14, SERVER_ADMINS, AceType.ACCESS_DENIED)], wantInherited)).toBe(false);
    });
  });
});

describe('the verification table', () => {
  it("shows each pool's gateway as it is, its hunt groups and the dial plans it lacks, and each entry present or not", () => {
    const f = facts();
    f.grants[0]!.aces = [];
    f.groups[1] = { name: 'RTCComponentUniversalServices', problem: { code: 'NOT_FOUND', message: 'gone' } };
    const v = verifyGatewaySetup(f);
    expect(
      v.pools.map(
        (p) =>
          `${p.pool.fqdn}:${p.gatewayName ?? '-'}:${p.outcallsAllowed ?? '-'}:${p.messageWaitingAllowed ?? '-'}:${p.huntGroups.map((h) => h.name).join('+')}:${p.missingDialPlans.join('+')}`,
      ),
    ).toEqual([
      'pool01.contoso.test:pool01:true:true:Redmond+Tokyo:',
      'pool02.contoso.test:-:-:-::Redmond+Tokyo',
      'sba01.contoso.test:sba01:false:false:Redmond+Tokyo:',
    ]);
    expect(v.permissions.map((p) => p.present)).toEqual([false, undefined, true, undefined, true, undefined]);
  });
});
