import { describe, expect, it } from 'vitest';
import type { DialPlan, Finding, ForestTopology, IpGateway, Topology, UmContact } from '@shared/models/topology';
import { buildTree, filterTree, findingsBelow, locate, type TreeNode } from '../../renderer/src/features/topology/tree-model';

const org = 'CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=test';
const dpDn = (name: string) => `CN=${name},CN=UM DialPlan Container,${org}`;
const gwDn = 'CN=pool01.contoso.test,CN=UM IPGateway Container,' + org;
const hgDn = `CN=Redmond,${gwDn}`;
const aaDn = `CN=Main AA,CN=UM AutoAttendant Container,${org}`;
const policyDn = `CN=Redmond Policy,CN=UM Mailbox Policies,${org}`;
const poolDn = 'CN=pool01,CN=Pools,CN=RTC Service,CN=Services,CN=Configuration,DC=contoso,DC=test';
const contactDn = 'CN=Redmond SA,OU=UM,DC=contoso,DC=test';

const dialPlan = (name: string, patch: Partial<DialPlan> = {}): DialPlan => ({
  dn: dpDn(name),
  name,
  uriType: 'SipName',
  digits: 5,
  voipSecurity: 'SIPSecured',
  accessNumbers: [],
  pilotIdentifiers: [],
  sipResourceIdentifierRequired: false,
  equivalentPhoneContexts: [],
  mailboxPolicyDns: [],
  autoAttendantDns: [],
  huntGroupDns: [],
  serverDns: [],
  contactDns: [],
  umEnabledUsers: 0,
  ...patch,
});
const gateway: IpGateway = {
  dn: gwDn,
  name: 'pool01.contoso.test',
  address: 'pool01.contoso.test',
  outcallsAllowed: true,
  messageWaitingAllowed: true,
  status: 'Enabled',
  huntGroups: [
    {
      dn: hgDn,
      name: 'Redmond',
      identity: 'pool01.contoso.test\\Redmond',
      gatewayDn: gwDn,
      pilotIdentifier: 'sip:redmond@contoso.test',
      dialPlanDn: dpDn('Redmond'),
    },
  ],
};
const contact: UmContact = {
  dn: contactDn,
  forest: 'contoso.test',
  kind: 'SA',
  kindSource: 'target-class',
  displayName: 'Redmond SA',
  sipAddress: 'redmond-sa@contoso.test',
  phoneNumber: '+14255550100',
  dialPlan: { dn: dpDn('Redmond'), name: 'Redmond', forest: 'contoso.test' },
  otherIpPhone: [],
  otherTelephone: [],
  enterpriseVoice: true,
  ou: 'contoso.test/UM',
  cnForm: 'name',
};
const forest = (patch: Partial<ForestTopology> = {}): ForestTopology => ({
  profile: 'lab',
  forest: 'contoso.test',
  dcHost: 'dc01.contoso.test',
  domains: [],
  exchange: {
    dn: org,
    name: 'Contoso',
    servers: [{ dn: `CN=EX15,${org}`, name: 'EX15', versionLabel: 'Exchange 2013', beforeExchange2010Sp1: false, roles: ['Mailbox'], dialPlanDns: [] }],
    dialPlans: [
      dialPlan('Redmond', { mailboxPolicyDns: [policyDn], autoAttendantDns: [aaDn], huntGroupDns: [hgDn] }),
      dialPlan('Tokyo', { uriType: 'TelExtn', digits: undefined }),
    ],
    gateways: [gateway],
    autoAttendants: [{ dn: aaDn, name: 'Main AA', dialPlanDn: dpDn('Redmond'), pilotNumbers: ['+14255550111', '+14255550112'] }],
    mailboxPolicies: [{ dn: policyDn, name: 'Redmond Policy', dialPlanDn: dpDn('Redmond'), allowCommonPatterns: false }],
  },
  lync: { pools: [{ dn: poolDn, fqdn: 'pool01.contoso.test', kind: 'enterprise', product: 'Lync Server 2013', poolData: [], gateways: [] }] },
  contacts: [contact],
  ...patch,
});
const finding = (id: string, dn: string, severity: Finding['severity'] = 'warning'): Finding =>
  ({
    id,
    code: 'sip-dial-plan-unsecured',
    severity,
    forest: 'contoso.test',
    subject: { dn, name: id, forest: 'contoso.test' },
    params: {},
    related: [],
    fix: { kind: 'none' },
  }) as unknown as Finding;
const topology = (patch: Partial<Topology> = {}): Topology => ({
  readAt: '2024-01-01T00:00:00Z',
  forests: [forest()],
  findings: [],
  failures: [],
  stats: { ldapRoundTrips: 1, powershellCalls: 0, milliseconds: 1 },
  ...patch,
});
const label = (kind: string) => `[${kind}]`;
const child = (node: TreeNode, kind: string) => node.children.find((c) => c.kind === kind)!;

describe('buildTree', () => {
  it('builds forest → Exchange organisation (dial plans, gateways, auto attendants, policies, servers) and Lync (pools, contacts)', () => {
    const [root, ...rest] = buildTree(topology(), label);
    expect(rest).toEqual([]);
    expect(root).toMatchObject({ id: 'forest:contoso.test', kind: 'forest', label: 'contoso.test', hint: 'lab', profile: 'lab' });
    expect(root!.children.map((c) => c.kind)).toEqual(['exchange', 'lync']);
    const exchange = child(root!, 'exchange');
    expect(exchange.label).toBe('Contoso');
    expect(exchange.children.map((c) => [c.kind, c.label, c.hint])).toEqual([
      ['dialPlans', '[dialPlans]', '2'],
      ['gateways', '[gateways]', '1'],
      ['autoAttendants', '[autoAttendants]', '1'],
      ['policies', '[policies]', '1'],
      ['servers', '[servers]', '1'],
    ]);
    const lync = child(root!, 'lync');
    expect(lync.label).toBe('[lync]');
    // No Lync dial plans read: no folder for them.
    expect(lync.children.map((c) => c.kind)).toEqual(['pools', 'contacts']);
    expect(child(lync, 'pools').children[0]).toMatchObject({ kind: 'pool', label: 'pool01.contoso.test', hint: 'enterprise', dn: poolDn });
  });

  it('hangs policies, auto attendants, hunt groups and SA contacts under the dial plan they belong to', () => {
    const [root] = buildTree(topology(), label);
    const plans = child(child(root!, 'exchange'), 'dialPlans');
    const redmond = plans.children.find((c) => c.label === 'Redmond')!;
    expect(redmond.hint).toBe('SipName · 5 · SIPSecured');
    expect(redmond.children.map((c) => [c.kind, c.children.map((x) => x.label)])).toEqual([
      ['policies', ['Redmond Policy']],
      ['autoAttendants', ['Main AA']],
      ['huntGroups', ['pool01.contoso.test\\Redmond']],
      ['contacts', ['Redmond SA']],
    ]);
    expect(child(redmond, 'autoAttendants').children[0]!.hint).toBe('+14255550111, +14255550112');
    expect(child(redmond, 'contacts').children[0]).toMatchObject({ kind: 'contact', hint: 'SA · +14255550100', profile: 'lab' });
    const tokyo = plans.children.find((c) => c.label === 'Tokyo')!;
    expect(tokyo.hint).toBe('TelExtn · ? · SIPSecured');
    expect(tokyo.children.every((c) => c.children.length === 0)).toBe(true);
  });

  it('matches DNs regardless of case and spaces after commas', () => {
    const messy = forest();
    messy.exchange!.dialPlans[0]!.huntGroupDns = [hgDn.toUpperCase().replace(/,/g, ', ')];
    const [root] = buildTree(topology({ forests: [messy] }), label);
    const redmond = child(child(root!, 'exchange'), 'dialPlans').children[0]!;
    expect(child(redmond, 'huntGroups').children.map((c) => c.label)).toEqual(['pool01.contoso.test\\Redmond']);
  });

  it('adds the Lync dial plans folder between pools and contacts when they were read', () => {
    const withPlans = forest({ lync: { ...forest().lync!, dialPlans: [{ identity: 'Site:Redmond' }] } });
    const [root] = buildTree(topology({ forests: [withPlans] }), label);
    const lync = child(root!, 'lync');
    expect(lync.children.map((c) => c.kind)).toEqual(['pools', 'lyncDialPlans', 'contacts']);
    expect(child(lync, 'lyncDialPlans').children[0]).toMatchObject({ id: 'lyncdp:contoso.test:Site:Redmond', kind: 'lyncDialPlan', dn: undefined });
  });

  it('leaves out the Exchange or Lync branch a forest does not have', () => {
    const resource = forest({ forest: 'fabrikam.test', profile: 'lab-fabrikam', lync: undefined, contacts: [] });
    const [root] = buildTree(topology({ forests: [resource] }), label);
    expect(root!.children.map((c) => c.kind)).toEqual(['exchange']);
  });

  it('attaches findings to their subjects and counts them below a node once', () => {
    const findings = [finding('f1', dpDn('Redmond'), 'error'), finding('f2', hgDn.toLowerCase()), finding('f3', poolDn)];
    const [root] = buildTree(topology({ findings }), label);
    const redmond = child(child(root!, 'exchange'), 'dialPlans').children[0]!;
    expect(redmond.findings.map((f) => f.id)).toEqual(['f1']);
    // The hunt group shows under its dial plan and under its gateway: both carry f2.
    expect(child(redmond, 'huntGroups').children[0]!.findings.map((f) => f.id)).toEqual(['f2']);
    expect(child(child(root!, 'exchange'), 'gateways').children[0]!.children[0]!.findings.map((f) => f.id)).toEqual(['f2']);
    expect(
      findingsBelow(root!)
        .map((f) => f.id)
        .sort(),
    ).toEqual(['f1', 'f2', 'f3']);
    expect(
      findingsBelow(redmond)
        .map((f) => f.id)
        .sort(),
    ).toEqual(['f1', 'f2']);
  });

  it('gives a contact the profile of its own forest', () => {
    const fabrikamContact: UmContact = {
      ...contact,
      dn: 'CN=AA,DC=fabrikam,DC=test',
      forest: 'fabrikam.test',
      dialPlan: undefined,
      displayName: undefined,
      sipAddress: 'aa@fabrikam.test',
      phoneNumber: undefined,
      kind: 'AA',
    };
    const forests = [
      forest({ contacts: [fabrikamContact] }),
      forest({ forest: 'fabrikam.test', profile: 'lab-fabrikam', exchange: undefined, lync: undefined, contacts: [] }),
    ];
    const [root] = buildTree(topology({ forests }), label);
    const node = child(child(root!, 'lync'), 'contacts').children[0]!;
    expect(node).toMatchObject({ profile: 'lab-fabrikam', forest: 'fabrikam.test', label: 'aa@fabrikam.test', hint: 'AA' });
  });
});

describe('filterTree', () => {
  const tree = buildTree(topology(), label);

  it('returns the tree unchanged for an empty or blank filter', () => {
    expect(filterTree(tree, '')).toEqual({ nodes: tree, expand: [] });
    expect(filterTree(tree, '   ')).toEqual({ nodes: tree, expand: [] });
  });

  it('keeps matches (label or hint, any case) with their ancestors, and expands the path', () => {
    const { nodes, expand } = filterTree(tree, 'main aa');
    const exchange = child(nodes[0]!, 'exchange');
    expect(nodes[0]!.children.map((c) => c.kind)).toEqual(['exchange']);
    expect(exchange.children.map((c) => c.kind)).toEqual(['dialPlans', 'autoAttendants']);
    expect(expand).toContain('forest:contoso.test');
    expect(expand).toContain(exchange.id);
    const byHint = filterTree(tree, '+14255550112');
    expect(locate(byHint.nodes, (n) => n.label === 'Main AA')).toBeTruthy();
  });

  it('keeps all children of a matching node that has no matching descendants', () => {
    const { nodes } = filterTree(tree, 'Redmond');
    const redmond = locate(nodes, (n) => n.kind === 'dialPlan' && n.label === 'Redmond')!.node;
    // Its hunt group and policy match too, so only those remain under it.
    expect(redmond.children.map((c) => c.kind)).toEqual(['policies', 'huntGroups', 'contacts']);
    const gateway = filterTree(tree, 'pool01.contoso.test');
    const pool = locate(gateway.nodes, (n) => n.kind === 'pool')!.node;
    expect(pool.children).toEqual([]);
  });

  it('returns nothing when nothing matches', () => {
    expect(filterTree(tree, 'no such thing')).toEqual({ nodes: [], expand: [] });
  });
});

describe('locate', () => {
  const tree = buildTree(topology(), label);

  it('finds a node and the ids of its ancestors', () => {
    const found = locate(tree, (n) => n.dn === aaDn && n.id.startsWith('aa:'))!;
    expect(found.node.label).toBe('Main AA');
    expect(found.path).toEqual(['forest:contoso.test', `org:${org}`, `org:${org}|aas`]);
  });

  it('returns the first match in tree order and undefined when none', () => {
    expect(locate(tree, (n) => n.dn === aaDn)!.path).toContain(`dp:${dpDn('Redmond')}`);
    expect(locate(tree, () => false)).toBeUndefined();
  });
});
