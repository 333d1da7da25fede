import type {
  AutoAttendant,
  DialPlan,
  Finding,
  ForestTopology,
  HuntGroup,
  IpGateway,
  LyncPool,
  MailboxPolicy,
  Topology,
  UmContact,
  ExchangeServer,
} from '@shared/models/topology';

export type NodeKind =
  | 'forest'
  | 'exchange'
  | 'dialPlans'
  | 'dialPlan'
  | 'gateways'
  | 'gateway'
  | 'huntGroups'
  | 'huntGroup'
  | 'autoAttendants'
  | 'autoAttendant'
  | 'policies'
  | 'policy'
  | 'servers'
  | 'server'
  | 'lync'
  | 'pools'
  | 'pool'
  | 'lyncDialPlans'
  | 'lyncDialPlan'
  | 'contacts'
  | 'contact';

/** What a node stands for; the details pane renders by kind. */
export type NodeObject =
  | { kind: 'forest'; forest: ForestTopology }
  | { kind: 'dialPlan'; value: DialPlan }
  | { kind: 'gateway'; value: IpGateway }
  | { kind: 'huntGroup'; value: HuntGroup }
  | { kind: 'autoAttendant'; value: AutoAttendant }
  | { kind: 'policy'; value: MailboxPolicy }
  | { kind: 'server'; value: ExchangeServer }
  | { kind: 'pool'; value: LyncPool }
  | { kind: 'contact'; value: UmContact }
  | { kind: 'lyncDialPlan'; value: { identity: string } }
  | { kind: 'folder' };

export interface TreeNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** A short hint after the label: URI type and digits, an address, a count. */
  hint?: string;
  dn?: string;
  profile: string;
  forest: string;
  object: NodeObject;
  findings: Finding[];
  children: TreeNode[];
}

const norm = (dn: string) => dn.toLowerCase().replace(/\s*,\s*/g, ',');

/**
 * Turns the topology into the tree the screen shows: forest → Exchange organisation (dial plans
 * with their policies, auto attendants, hunt groups and contacts; gateways with hunt groups;
 * servers) and Lync (pools, Lync dial plans, SA/AA contacts). Findings hang on their subjects.
 */
export function buildTree(topology: Topology, folderLabel: (kind: NodeKind) => string): TreeNode[] {
  const findingsFor = (dn: string) => topology.findings.filter((f) => norm(f.subject.dn) === norm(dn));
  const profileOf = (forest: string) => topology.forests.find((f) => f.forest === forest)?.profile ?? '';
  return topology.forests.map((f) => forestNode(f, topology, folderLabel, findingsFor, profileOf));
}

function forestNode(
  f: ForestTopology,
  topology: Topology,
  folderLabel: (kind: NodeKind) => string,
  findingsFor: (dn: string) => Finding[],
  profileOf: (forest: string) => string,
): TreeNode {
  const base = { profile: f.profile, forest: f.forest };
  const folder = (id: string, kind: NodeKind, children: TreeNode[], hint?: string): TreeNode => ({
    ...base,
    id,
    kind,
    label: folderLabel(kind),
    hint: hint ?? String(children.length),
    object: { kind: 'folder' },
    findings: [],
    children,
  });
  const leaf = (id: string, kind: NodeKind, label: string, dn: string | undefined, object: NodeObject, hint?: string, children: TreeNode[] = []): TreeNode => ({
    ...base,
    id,
    kind,
    label,
    hint,
    dn,
    object,
    findings: dn ? findingsFor(dn) : [],
    children,
  });
  const allContacts = topology.forests.flatMap((x) => x.contacts);
  const children: TreeNode[] = [];
  const org = f.exchange;
  if (org) {
    const byDn = <T extends { dn: string }>(items: T[], dns: string[]) => items.filter((i) => dns.some((d) => norm(d) === norm(i.dn)));
    const allHuntGroups = org.gateways.flatMap((g) => g.huntGroups);
    const dialPlans = org.dialPlans.map((dp) => {
      const id = `dp:${dp.dn}`;
      const contacts = allContacts.filter((c) => c.dialPlan && norm(c.dialPlan.dn) === norm(dp.dn));
      return leaf(id, 'dialPlan', dp.name, dp.dn, { kind: 'dialPlan', value: dp }, `${dp.uriType} · ${dp.digits ?? '?'} · ${dp.voipSecurity}`, [
        folder(
          `${id}|policies`,
          'policies',
          byDn(org.mailboxPolicies, dp.mailboxPolicyDns).map((p) => leaf(`${id}|policy:${p.dn}`, 'policy', p.name, p.dn, { kind: 'policy', value: p })),
        ),
        folder(
          `${id}|aas`,
          'autoAttendants',
          byDn(org.autoAttendants, dp.autoAttendantDns).map((a) =>
            leaf(`${id}|aa:${a.dn}`, 'autoAttendant', a.name, a.dn, { kind: 'autoAttendant', value: a }, a.pilotNumbers.join(', ')),
          ),
        ),
        folder(
          `${id}|hgs`,
          'huntGroups',
          byDn(allHuntGroups, dp.huntGroupDns).map((h) =>
            leaf(`${id}|hg:${h.dn}`, 'huntGroup', h.identity, h.dn, { kind: 'huntGroup', value: h }, h.pilotIdentifier),
          ),
        ),
        folder(
          `${id}|contacts`,
          'contacts',
          contacts.map((c) => contactNode(c, `${id}|contact:${c.dn}`, findingsFor, profileOf)),
        ),
      ]);
    });
    const gateways = org.gateways.map((g) =>
      leaf(
        `gw:${g.dn}`,
        'gateway',
        g.name,
        g.dn,
        { kind: 'gateway', value: g },
        g.address,
        g.huntGroups.map((h) => leaf(`gw:${g.dn}|hg:${h.dn}`, 'huntGroup', h.name, h.dn, { kind: 'huntGroup', value: h }, h.pilotIdentifier)),
      ),
    );
    children.push(
      leaf(`org:${org.dn}`, 'exchange', org.name, org.dn, { kind: 'folder' }, undefined, [
        folder(`org:${org.dn}|dialPlans`, 'dialPlans', dialPlans),
        folder(`org:${org.dn}|gateways`, 'gateways', gateways),
        folder(
          `org:${org.dn}|aas`,
          'autoAttendants',
          org.autoAttendants.map((a) => leaf(`aa:${a.dn}`, 'autoAttendant', a.name, a.dn, { kind: 'autoAttendant', value: a }, a.pilotNumbers.join(', '))),
        ),
        folder(
          `org:${org.dn}|policies`,
          'policies',
          org.mailboxPolicies.map((p) => leaf(`policy:${p.dn}`, 'policy', p.name, p.dn, { kind: 'policy', value: p })),
        ),
        folder(
          `org:${org.dn}|servers`,
          'servers',
          org.servers.map((s) => leaf(`server:${s.dn}`, 'server', s.name, s.dn, { kind: 'server', value: s }, s.versionLabel)),
        ),
      ]),
    );
  }
  if (f.lync) {
    const lyncChildren = [
      folder(
        `lync:${f.forest}|pools`,
        'pools',
        f.lync.pools.map((p) => leaf(`pool:${p.dn}`, 'pool', p.fqdn, p.dn, { kind: 'pool', value: p }, p.kind === 'unknown' ? undefined : p.kind)),
      ),
      folder(
        `lync:${f.forest}|contacts`,
        'contacts',
        f.contacts.map((c) => contactNode(c, `contact:${c.dn}`, findingsFor, profileOf)),
      ),
    ];
    if (f.lync.dialPlans) {
      lyncChildren.splice(
        1,
        0,
        folder(
          `lync:${f.forest}|dialPlans`,
          'lyncDialPlans',
          f.lync.dialPlans.map((d) => leaf(`lyncdp:${f.forest}:${d.identity}`, 'lyncDialPlan', d.identity, undefined, { kind: 'lyncDialPlan', value: d })),
        ),
      );
    }
    children.push({
      ...base,
      id: `lync:${f.forest}`,
      kind: 'lync',
      label: folderLabel('lync'),
      object: { kind: 'folder' },
      findings: [],
      children: lyncChildren,
    });
  }
  return leaf(`forest:${f.forest}`, 'forest', f.forest, undefined, { kind: 'forest', forest: f }, f.profile, children);
}

function contactNode(c: UmContact, id: string, findingsFor: (dn: string) => Finding[], profileOf: (forest: string) => string): TreeNode {
  return {
    profile: profileOf(c.forest),
    forest: c.forest,
    id,
    kind: 'contact',
    label: c.displayName ?? c.sipAddress ?? c.dn,
    hint: [c.kind, c.phoneNumber].filter(Boolean).join(' · '),
    dn: c.dn,
    object: { kind: 'contact', value: c },
    findings: findingsFor(c.dn),
    children: [],
  };
}

/** Every finding at or below a node (the badge a collapsed branch shows). */
export function findingsBelow(node: TreeNode): Finding[] {
  const seen = new Map<string, Finding>();
  const walk = (n: TreeNode) => {
    for (const f of n.findings) seen.set(f.id, f);
    n.children.forEach(walk);
  };
  walk(node);
  return [...seen.values()];
}

/** The tree cut down to nodes whose label or hint matches, with their ancestors; and the ids to expand. */
export function filterTree(nodes: TreeNode[], text: string): { nodes: TreeNode[]; expand: string[] } {
  const needle = text.trim().toLowerCase();
  if (!needle) return { nodes, expand: [] };
  const expand: string[] = [];
  const visit = (node: TreeNode): TreeNode | undefined => {
    const children = node.children.map(visit).filter((c): c is TreeNode => !!c);
    const hit = `${node.label} ${node.hint ?? ''}`.toLowerCase().includes(needle);
    if (!hit && children.length === 0) return undefined;
    if (children.length > 0) expand.push(node.id);
    return { ...node, children: hit && children.length === 0 ? node.children : children };
  };
  return { nodes: nodes.map(visit).filter((n): n is TreeNode => !!n), expand };
}

/** Finds a node by id, and the ids of its ancestors (to expand the path to it). */
export function locate(nodes: TreeNode[], predicate: (n: TreeNode) => boolean): { node: TreeNode; path: string[] } | undefined {
  for (const node of nodes) {
    if (predicate(node)) return { node, path: [] };
    const inner = locate(node.children, predicate);
    if (inner) return { node: inner.node, path: [node.id, ...inner.path] };
  }
  return undefined;
}
