import { describe, expect, it } from 'vitest';
import type { DialPlan, ExchangeServer, ForestTopology, IpGateway } from '@shared/models/topology';
import { findingText } from '@shared/findings/finding-text';
import { parseExchangeVersion } from '../../electron/services/topology/exchange-version';
import { computeFindings } from '../../electron/services/topology/findings';
import { classifyUmContact, contactCnForm, decodePoolVersion, poolKind } from '../../electron/services/topology/open-items';
import { resolveLinks } from '../../electron/services/topology/resolve-links';

const org = 'CN=Org,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=x,DC=test';
const dialPlan = (name: string, patch: Partial<DialPlan> = {}): DialPlan => ({
  dn: `CN=${name},CN=UM DialPlan Container,${org}`,
  name,
  uriType: 'SipName',
  digits: 5,
  voipSecurity: 'SIPSecured',
  phoneContext: `${name}.x.test`,
  accessNumbers: ['+100'],
  pilotIdentifiers: [],
  sipResourceIdentifierRequired: true,
  equivalentPhoneContexts: [],
  mailboxPolicyDns: [],
  autoAttendantDns: [],
  huntGroupDns: [],
  serverDns: [],
  contactDns: [],
  umEnabledUsers: 0,
  ...patch,
});
const gateway = (name: string, outcalls: boolean, plans: string[]): IpGateway => {
  const dn = `CN=${name},CN=UM IPGateway Container,${org}`;
  return {
    dn,
    name,
    address: `${name}.x.test`,
    outcallsAllowed: outcalls,
    messageWaitingAllowed: outcalls,
    status: 'Enabled',
    huntGroups: plans.map((p) => ({
      dn: `CN=${p},${dn}`,
      name: p,
      identity: `${name}\\${p}`,
      gatewayDn: dn,
      dialPlanDn: `CN=${p},CN=UM DialPlan Container,${org}`,
    })),
  };
};
const forest = (dialPlans: DialPlan[], gateways: IpGateway[], pools: string[]): ForestTopology => {
  for (const dp of dialPlans)
    dp.huntGroupDns = gateways
      .flatMap((g) => g.huntGroups)
      .filter((h) => h.dialPlanDn === dp.dn)
      .map((h) => h.dn);
  return {
    profile: 'p',
    forest: 'x.test',
    dcHost: 'dc',
    domains: [],
    exchange: { dn: org, name: 'Org', servers: [], dialPlans, gateways, autoAttendants: [], mailboxPolicies: [] },
    lync: {
      pools: pools.map((p) => ({ dn: `CN=${p},CN=Pools`, fqdn: `${p}.x.test`, kind: 'enterprise', product: 'Lync Server 2013', poolData: [], gateways: [] })),
    },
    contacts: [],
  };
};
const codes = (f: ForestTopology) =>
  computeFindings(resolveLinks([f]))
    .map((x) => `${x.code}:${x.subject.name}`)
    .sort();

describe('findings', () => {
  it('flags a dial plan reachable through two gateways that both allow outcalls, not one that allows them once', () => {
    const twice = forest([dialPlan('A')], [gateway('pool1', true, ['A']), gateway('pool2', true, ['A'])], ['pool1', 'pool2']);
    expect(codes(twice)).toContain('dial-plan-multiple-outcall-gateways:A');
    const once = forest([dialPlan('A')], [gateway('pool1', true, ['A']), gateway('pool2', false, ['A'])], ['pool1', 'pool2']);
    expect(codes(once)).not.toContain('dial-plan-multiple-outcall-gateways:A');
  });

  it("flags a SIP dial plan missing its hunt group on a pool's gateway", () => {
    const f = forest([dialPlan('A'), dialPlan('B')], [gateway('pool1', true, ['A'])], ['pool1']);
    expect(codes(f)).toContain('sip-dial-plan-without-hunt-group:B');
    expect(codes(f)).not.toContain('sip-dial-plan-without-hunt-group:A');
  });

  it('does not guess what it cannot see: no pool or contact checks without the Lync forest', () => {
    const f = forest([dialPlan('A', { voipSecurity: 'Unsecured' })], [], []);
    f.lync = undefined;
    expect(codes(f)).toEqual(['sip-dial-plan-unsecured:A']);
  });

  it('treats TelExtn on its own and does not also call it Unsecured', () => {
    const f = forest([dialPlan('T', { uriType: 'TelExtn', voipSecurity: 'Unsecured' })], [], ['pool1']);
    expect(codes(f)).toEqual(['pool-without-gateway:pool1.x.test', 'telextn-dial-plan:T']);
  });

  it("compares each SIP or E.164 dial plan's VoIP security with Lync's media encryption when the Lync shell read it [S9]", () => {
    const f = forest([dialPlan('S', { voipSecurity: 'SIPSecured' }), dialPlan('X', { voipSecurity: 'Secured' })], [], []);
    f.lync!.mediaConfigurations = [{ identity: 'Global', encryptionLevel: 'RequireEncryption' }];
    expect(codes(f)).toEqual(['voip-security-incompatible:S']);
    f.lync!.mediaConfigurations = [{ identity: 'Global', encryptionLevel: 'SupportEncryption' }];
    expect(codes(f)).toEqual([]);
    f.lync!.mediaConfigurations = [{ identity: 'Global', encryptionLevel: 'DoNotSupportEncryption' }];
    expect(codes(f)).toEqual(['voip-security-incompatible:X']);
  });

  it('wants every Exchange 2013 Mailbox and Client Access server in each SIP dial plan, in Dual mode [S9]', () => {
    const plan = dialPlan('S');
    const f = forest([plan, dialPlan('E', { uriType: 'E164' })], [], []);
    const server = (name: string, patch: Partial<ExchangeServer>): ExchangeServer => ({
      dn: `CN=${name},CN=Servers,${org}`,
      name,
      versionLabel: 'Exchange 2013',
      major: 15,
      minor: 0,
      beforeExchange2010Sp1: false,
      roles: ['Mailbox', 'ClientAccess'],
      dialPlanDns: [plan.dn],
      umStartupMode: 'Dual',
      callRouter: { dialPlanDns: [plan.dn], startupMode: 'Dual' },
      ...patch,
    });
    f.exchange!.servers = [server('A', {})];
    expect(codes(f)).toEqual([]);
    f.exchange!.servers = [server('A', {}), server('B', { dialPlanDns: [], callRouter: { dialPlanDns: [plan.dn], startupMode: 'TCP' } })];
    const [finding] = computeFindings(resolveLinks([f]));
    expect(finding).toMatchObject({
      code: 'um-services-not-ready',
      params: { dialPlan: 'S', notInPlan: 'B (UM service)', notDual: 'B (UM Call Router: TCP)' },
    });
    // A 2010 UM server is only asked to be linked where it serves.
    f.exchange!.servers = [server('A', {}), server('U', { major: 14, roles: ['UnifiedMessaging'], dialPlanDns: [], callRouter: undefined })];
    expect(codes(f)).toEqual([]);
  });

  it('explains each finding in both languages with its values filled in', () => {
    const [finding] = computeFindings(resolveLinks([forest([dialPlan('A', { voipSecurity: 'Unsecured', uriType: 'E164' })], [], [])]));
    expect(findingText(finding!, 'en').title).toBe('A is Unsecured');
    expect(findingText(finding!, 'zh-TW').explanation).toContain('撥號對應表 A (E164)');
  });
});

describe('Exchange versions', () => {
  it.each([
    ['Version 8.1 (Build 240.6)', 'Exchange 2007 SP1', true],
    ['Version 14.0 (Build 639.21)', 'Exchange 2010 RTM', true],
    ['Version 14.1 (Build 218.15)', 'Exchange 2010 SP1', false],
    ['Version 14.3 (Build 123.4)', 'Exchange 2010 SP3', false],
    ['Version 15.0 (Build 1497.2)', 'Exchange 2013', false],
  ])('%s is %s', (serial, label, before) => {
    expect(parseExchangeVersion(serial)).toMatchObject({ label, beforeExchange2010Sp1: before });
  });

  it('reads the build as AD stores it (+30000) and as cmdlets show it [S11]', () => {
    expect(parseExchangeVersion('Version 15.0 (Build 31497.2)')).toMatchObject({ label: 'Exchange 2013', build: '1497.2' });
    expect(parseExchangeVersion('Version 8.1 (Build 30240.6)')).toMatchObject({ label: 'Exchange 2007 SP1', build: '240.6' });
    expect(parseExchangeVersion('Version 14.1 (Build 218.15)')).toMatchObject({ build: '218.15' });
  });

  it('says so when it cannot tell', () => {
    expect(parseExchangeVersion(undefined)).toMatchObject({ label: 'Unknown version', beforeExchange2010Sp1: false });
  });
});

describe('the open items, decided once', () => {
  it('classifies contacts by target class first, then otherIpPhone', () => {
    expect(classifyUmContact('dialPlan', ['AutoAttendant'])).toEqual({ kind: 'SA', source: 'target-class' });
    expect(classifyUmContact(undefined, ['AutoAttendant'])).toEqual({ kind: 'AA', source: 'otherIpPhone' });
    expect(classifyUmContact(undefined, ['SubscriberAccess'])).toEqual({ kind: 'SA', source: 'otherIpPhone' });
    expect(classifyUmContact(undefined, [])).toEqual({ kind: 'Unknown', source: 'none' });
  });

  it('reads both CN forms and the pool kinds', () => {
    expect(contactCnForm('CN={1b4e28ba-2fa1-11d2-883f-0016d3cca427},OU=x')).toBe('guid');
    expect(contactCnForm('CN=Redmond Subscriber Access,OU=x')).toBe('name');
    expect(poolKind({ poolData: ['ExtendedType=RemoteRegistrar'], poolType: 5 })).toBe('branch');
    expect(poolKind({ poolData: [], poolType: 5 })).toBe('standard');
    expect(poolKind({ poolData: [], poolType: 10 })).toBe('enterprise');
    expect(poolKind({ poolData: [], poolType: 10, services: ['Director:dir01.x.test', 'WebServer:dir01.x.test'] })).toBe('director');
    expect(poolKind({ poolData: [] })).toBe('unknown');
  });

  it('reads msRTCSIP-PoolVersion as Get-UCPool compares it (major << 16), and small numbers as majors', () => {
    expect(decodePoolVersion(String(0x60000))).toEqual({ major: 6, product: 'Lync Server 2013' });
    expect(decodePoolVersion(String(0x40000))).toEqual({ major: 4, product: 'Office Communications Server 2007 R2' });
    expect(decodePoolVersion('5')).toEqual({ major: 5, product: 'Lync Server 2010' });
    expect(decodePoolVersion(undefined)).toEqual({ product: 'Unknown version' });
    expect(decodePoolVersion('abc')).toEqual({ product: 'Unknown version' });
  });
});
