import { describe, expect, it } from 'vitest';
import type { DialPlan, ForestTopology, IpGateway } from '@shared/models/topology';
import { findingText } from '@shared/findings/finding-text';
import { parseExchangeVersion } from '../../electron/services/topology/exchange-version';
import { computeFindings } from '../../electron/services/topology/findings';
import { classifyUmContact, contactCnForm, poolKindFromData } from '../../electron/services/topology/open-items';
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
    huntGroups: plans.map((p) => ({ dn: `CN=${p},${dn}`, name: p, identity: `${name}\\${p}`, gatewayDn: dn, dialPlanDn: `CN=${p},CN=UM DialPlan Container,${org}` })),
  };
};
const forest = (dialPlans: DialPlan[], gateways: IpGateway[], pools: string[]): ForestTopology => {
  for (const dp of dialPlans) dp.huntGroupDns = gateways.flatMap((g) => g.huntGroups).filter((h) => h.dialPlanDn === dp.dn).map((h) => h.dn);
  return {
    profile: 'p',
    forest: 'x.test',
    dcHost: 'dc',
    domains: [],
    exchange: { dn: org, name: 'Org', servers: [], dialPlans, gateways, autoAttendants: [], mailboxPolicies: [] },
    lync: { pools: pools.map((p) => ({ dn: `CN=${p},CN=Pools`, fqdn: `${p}.x.test`, kind: 'enterprise', poolData: [], gateways: [] })) },
    contacts: [],
  };
};
const codes = (f: ForestTopology) => computeFindings(resolveLinks([f])).map((x) => `${x.code}:${x.subject.name}`).sort();

describe('findings', () => {
  it('flags a dial plan reachable through two gateways that both allow outcalls, not one that allows them once', () => {
    const twice = forest([dialPlan('A')], [gateway('pool1', true, ['A']), gateway('pool2', true, ['A'])], ['pool1', 'pool2']);
    expect(codes(twice)).toContain('dial-plan-multiple-outcall-gateways:A');
    const once = forest([dialPlan('A')], [gateway('pool1', true, ['A']), gateway('pool2', false, ['A'])], ['pool1', 'pool2']);
    expect(codes(once)).not.toContain('dial-plan-multiple-outcall-gateways:A');
  });

  it('flags a SIP dial plan missing its hunt group on a pool\'s gateway', () => {
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

  it('explains each finding in both languages with its values filled in', () => {
    const [finding] = computeFindings(resolveLinks([forest([dialPlan('A', { voipSecurity: 'Unsecured', uriType: 'E164' })], [], [])]));
    expect(findingText(finding!, 'en').title).toBe('A is Unsecured');
    expect(findingText(finding!, 'zh-TW').explanation).toContain('撥號對應表 A（E164）');
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
    expect(poolKindFromData(['ExtendedType=RemoteRegistrar'])).toBe('branch');
    expect(poolKindFromData(['PoolType=Standard'])).toBe('standard');
    expect(poolKindFromData([])).toBe('unknown');
  });
});
