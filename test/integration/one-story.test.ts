import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Checklist } from '@shared/models/checklist';
import type { GatewayPlan } from '@shared/models/gateways';
import type { Topology } from '@shared/models/topology';
import { createTestServices } from './support/test-services';

/**
 * Topology, the checklist and gateway setup tell one story about the Exchange resource forest
 * (fabrikam.test: dial plan Kaohsiung, gateways for pool01 and sba01 only, lab.md), and every
 * problem they show leads to where it is fixed.
 */
const { services } = createTestServices();
let topology: Topology;
let checklist: Checklist;
let fabrikamPlan: GatewayPlan;

beforeAll(async () => {
  await services.connections.connect('lab');
  await services.connections.connect('lab-fabrikam');
  topology = await services.topology.get({ refresh: true });
  checklist = await services.checklist.get();
  // Gateway setup for the resource forest with nothing else said: the Lync forest is found as the topology finds it.
  fabrikamPlan = await services.gateways.plan({ profile: 'lab-fabrikam' });
}, 180_000);
afterAll(async () => {
  await services.shutdown();
});

const step = (id: string) => checklist.steps.find((s) => s.id === id)!;

describe('the resource forest, three ways', () => {
  it('gateway setup serves the forest with the Lync pools, as exchucutil -Forest does [S8]', () => {
    expect([fabrikamPlan.forest, fabrikamPlan.lyncForest]).toEqual(['fabrikam.test', 'contoso.test']);
    expect(fabrikamPlan.warnings.map((w) => w.code)).not.toContain('no-pools');
  });

  it('the pools without a gateway in Fabrikam are the same in the topology, the checklist and gateway setup', () => {
    const fromTopology = topology.findings
      .filter((f) => f.code === 'pool-without-gateway' && f.params.org === 'Fabrikam')
      .map((f) => f.params.pool)
      .sort();
    const fromChecklist = step('exchucutil')
      .evidence.filter((e) => e.code === 'pool-no-gateway' && e.params.org === 'Fabrikam')
      .map((e) => e.params.pool)
      .sort();
    const fromSetup = fabrikamPlan.items
      .filter((i) => i.kind === 'gateway' && i.status === 'missing')
      .map((i) => (i.kind === 'gateway' ? i.pool.fqdn : ''))
      .sort();
    expect(fromTopology).toEqual(['dir01.contoso.test', 'ocs01.contoso.test', 'pool02.contoso.test']);
    expect(fromChecklist).toEqual(fromTopology);
    expect(fromSetup).toEqual(fromTopology);
  });

  it("the checklist covers the resource forest's dial plan like the topology does", () => {
    expect(checklist.dialPlans.map((d) => `${d.name}@${d.forest}`)).toContain('Kaohsiung@fabrikam.test');
    // Kaohsiung is SIPSecured while Lync requires encryption: a finding, and a failed check of step 4 [S9].
    expect(topology.findings.some((f) => f.code === 'voip-security-incompatible' && f.subject.name === 'Kaohsiung')).toBe(true);
    expect(
      step('voip-security')
        .evidence.filter((e) => !e.ok)
        .map((e) => e.params.dialPlan),
    ).toContain('Kaohsiung');
    // A forest trust the directory cannot show [S27].
    expect(step('deploy-exchange-um').evidence.find((e) => e.code === 'forest-trust-manual')?.params).toEqual({
      exchange: 'fabrikam.test',
      lync: 'contoso.test',
    });
  });
});

describe('every problem leads to where it is fixed', () => {
  it('each finding has a fix: a screen filled in, or the commands', () => {
    expect(topology.findings.every((f) => f.fix)).toBe(true);
    const sa = topology.findings.find((f) => f.code === 'dial-plan-without-sa-contact' && f.subject.name === 'Tokyo')!;
    expect(sa.fix).toEqual({ kind: 'contact', contactKind: 'SA', target: sa.subject, number: '+81355550100' });
    const fabrikamPool = topology.findings.find((f) => f.code === 'pool-without-gateway' && f.params.org === 'Fabrikam')!;
    expect(fabrikamPool.fix).toEqual({ kind: 'gateways', exchangeForest: 'fabrikam.test', lyncForest: 'contoso.test' });
    const tokyoSecurity = topology.findings.find((f) => f.code === 'voip-security-incompatible' && f.subject.name === 'Tokyo')!;
    expect(tokyoSecurity.fix).toEqual({ kind: 'elsewhere', shell: 'exchange', commands: ["Set-UMDialPlan -Identity 'Tokyo' -VoIPSecurity 'Secured'"] });
    const services2013 = topology.findings.find((f) => f.code === 'um-services-not-ready' && f.subject.name === 'Tokyo')!;
    expect(services2013.fix).toEqual({
      kind: 'elsewhere',
      shell: 'exchange',
      commands: [
        "Set-UMService -Identity 'EX15' -DialPlans 'Redmond','Tokyo'",
        "Set-UMCallRouterSettings -Server 'EX15' -DialPlans 'Redmond','Tokyo' -UMStartupMode 'Dual'",
      ],
    });
    expect(topology.findings.find((f) => f.code === 'lync-dial-plan-name-mismatch')!.fix).toEqual({
      kind: 'elsewhere',
      shell: 'lync',
      commands: ["New-CsDialPlan -Identity 'Tokyo.contoso.test'"],
    });
  });

  it('each failed check of the checklist that the console can fix opens its screen filled in', () => {
    const failed = checklist.steps.flatMap((s) => s.evidence.filter((e) => !e.ok && !e.informational).map((e) => ({ step: s.id, e })));
    const withoutFix = failed.filter(({ e }) => !e.fix).map(({ step, e }) => `${step}:${e.code}`);
    // Only the step where no single change is right: enabling users is bulk enablement's screen (the step's own Fix).
    expect([...new Set(withoutFix)]).toEqual(['enable-users:ev-users-waiting']);
    expect(
      step('enterprise-voice')
        .evidence.filter((e) => e.code === 'ou-blocks-lync')
        .map((e) => e.fix),
    ).toEqual([
      { kind: 'grant', forest: 'contoso.test', ou: 'OU=Blocked,OU=Lab,DC=contoso,DC=test', types: ['User', 'Contact'] },
      { kind: 'grant', forest: 'contoso.test', ou: 'OU=Sealed,OU=Delegated,OU=Lab,DC=contoso,DC=test', types: ['User', 'Contact'] },
    ]);
    expect(step('sip-addresses').evidence[0]!.fix).toMatchObject({
      kind: 'elsewhere',
      shell: 'exchange',
      commands: expect.arrayContaining(["Set-Mailbox -Identity 'u00027@contoso.test' -EmailAddresses @{Add='sip:u00027@contoso.test'}"]),
    });
    // Steps done elsewhere no longer send the admin to the topology, which cannot do them.
    expect(checklist.steps.filter((s) => s.fix === 'topology')).toEqual([]);
  });
});
