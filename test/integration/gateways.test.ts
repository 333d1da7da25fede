import { readFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '@shared/contract';
import type { GatewayApplyItem, GatewayApplyResult, GatewayPlan, GatewayPlanItem } from '@shared/models/gateways';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { escapeFilterValue } from '../../electron/services/directory/ldap-escape';
import { dnEquals, normalizeDn, parseDn } from '../../shared/dn';
import { readObjectDacl, writeExplicitDacl } from '../../electron/services/directory/dacl';
import { resolveGroupSid } from '../../electron/services/directory/account-rights';
import { aceKey } from '../../electron/services/directory/security-descriptor/ace-list';
import { AceFlag, type Ace } from '../../electron/services/directory/security-descriptor/model';
import { createTestServices, openLabSession, requireLab } from './support/test-services';
import { runCli } from './support/cli';

/**
 * The gateway setup (exchucutil.ps1 without its faults) against the lab, with real pwsh. The lab
 * is shared, so the test works on objects of its own where it can (three extra pools, marked by
 * their display name) and puts back everything it changes: it deletes the gateways and hunt
 * groups it made and writes back the DACLs it read before.
 */
const lab = requireLab();
const { services } = createTestServices();
const pid = process.pid;
const root = 'DC=contoso,DC=test';
const config = `CN=Configuration,${root}`;
const org = `CN=Contoso,CN=Microsoft Exchange,CN=Services,${config}`;
const gatewayContainer = `CN=UM IPGateway Container,${org}`;
const poolsContainer = `CN=Pools,CN=RTC Service,CN=Services,${config}`;
const dialPlanContainer = `CN=UM DialPlan Container,${org}`;
const autoAttendantContainer = `CN=UM AutoAttendant Container,${org}`;
const marker = 'it-gateways-';
const callLog = lab.callLog!;

/** Three pools of the test's own: A has a gateway with outcalls off and a hand-made hunt group, B is a branch appliance, C has a pilot identifier conflict. */
const poolA = { cn: `9:${pid}1`, fqdn: `itgw${pid}a.contoso.test`, data: ['PoolType=Standard'], gateway: `it-gw-${pid}-a` };
const poolB = { cn: `9:${pid}2`, fqdn: `itgw${pid}b.contoso.test`, data: ['ExtendedType=RemoteRegistrar'] };
const poolC = { cn: `9:${pid}3`, fqdn: `itgw${pid}c.contoso.test`, data: ['PoolType=Standard'], gateway: `it-gw-${pid}-c` };
const testPools = [poolA, poolB, poolC];
const poolDn = (cn: string) => `CN=${cn},${poolsContainer}`;

let admin: DirectorySession;
let sids: { serverAdmins: string; component: string };
/** The three containers' DACLs as found, to be written back. */
const dacls = new Map<string, { control: number; explicit: Ace[] }>();
/** Gateways and hunt groups that existed before the test; nothing is deleted by difference until this is read. */
let objectsBefore: Set<string> | undefined;
let seededPlan: GatewayPlan;
/** The seeded gateways' outcall settings, put back after the test changed them by choice. */
const outcallsBefore = new Map<string, string>();
const events: Array<{ name: EventName; reason?: string }> = [];

const byId = (items: Array<GatewayPlanItem | GatewayApplyItem>, id: string) => {
  const item = items.find((i) => i.id === id);
  if (!item) throw new Error(`no item ${id} in ${items.map((i) => i.id).join(', ')}`);
  return item;
};
const ids = (items: Array<GatewayPlanItem | GatewayApplyItem>, match: (i: GatewayPlanItem | GatewayApplyItem) => boolean) =>
  items
    .filter(match)
    .map((i) => i.id)
    .sort();
const gw = (fqdn: string) => `gateway:${fqdn}`;
const hg = (fqdn: string, plan: string) => `hunt-group:${fqdn}:${plan.toLowerCase()}`;
const perm = (dn: string, group: string) => `permission:${normalizeDn(dn)}:${group.toLowerCase()}`;

async function umObjects(): Promise<string[]> {
  const entries = await admin.search(gatewayContainer, { filter: '(|(objectClass=msExchUMIPGateway)(objectClass=msExchUMHuntGroup))', attributes: ['1.1'] });
  return entries.map((e) => normalizeDn(e.dn));
}

/** The explicit entries in their order: the lab gets back the same list, not just the same set. */
const explicitKeys = (aces: Ace[]) => aces.filter((a) => !(a.flags & AceFlag.INHERITED)).map(aceKey);

/** The calls the lab's cmdlets logged from a byte offset on: cmdlet and parameters as received. */
function callsSince(offset: number): Array<{ cmdlet: string; parameters: Record<string, unknown> }> {
  // The offset is in bytes (the log holds non-ASCII values), so slice the bytes, then decode.
  return readFileSync(callLog)
    .subarray(offset)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { cmdlet: string; parameters: Record<string, unknown> });
}
const callLogSize = () => statSync(callLog).size;
const writesOf = <T extends { cmdlet: string }>(calls: T[]) => calls.filter((c) => /^(New|Set|Remove)-UM(IPGateway|HuntGroup)$/.test(c.cmdlet));

/**
 * Removes what an earlier, killed run of this test left: only pools carrying the test's marker
 * and the gateways whose address is one of those pools. Nothing else is touched.
 */
async function removeLeftovers(): Promise<void> {
  for (const pool of await admin.search(poolsContainer, { scope: 'one', filter: `(msRTCSIP-PoolDisplayName=${marker}*)`, attributes: ['dNSHostName'] })) {
    const fqdn = pool.get('dNSHostName');
    if (fqdn) {
      for (const gateway of await admin.search(gatewayContainer, {
        scope: 'one',
        filter: `(msExchUMIPGatewayAddress=${escapeFilterValue(fqdn)})`,
        attributes: ['1.1'],
      })) {
        for (const child of await admin.search(gateway.dn, { scope: 'one', filter: '(objectClass=*)', attributes: ['1.1'] })) await admin.delete(child.dn);
        await admin.delete(gateway.dn);
      }
    }
    await admin.delete(pool.dn);
  }
}

/** Deletes the gateways and hunt groups that were not there when the test started (children first), then the test's pools. */
async function removeCreated(): Promise<void> {
  if (objectsBefore) {
    const before = objectsBefore;
    const added = (await umObjects()).filter((dn) => !before.has(dn)).sort((a, b) => parseDn(b).length - parseDn(a).length);
    for (const dn of added) await admin.delete(dn);
  }
  await removeLeftovers();
}

beforeAll(async () => {
  admin = await openLabSession('lab');
  await removeLeftovers();
  objectsBefore = new Set(await umObjects());
  for (const dn of [org, dialPlanContainer, autoAttendantContainer]) {
    const dacl = (await readObjectDacl(admin, dn))!;
    dacls.set(dn, { control: dacl.sd.control, explicit: dacl.aces.filter((a) => !(a.flags & AceFlag.INHERITED)) });
  }
  sids = { serverAdmins: await resolveGroupSid(admin, 'RTCUniversalServerAdmins'), component: await resolveGroupSid(admin, 'RTCComponentUniversalServices') };
  services.bus.subscribe((name, payload) => events.push({ name, reason: (payload as { reason?: string }).reason }));

  // The plan on the lab as seeded, before the test changes anything.
  seededPlan = await services.gateways.plan({ profile: 'lab' });
  for (const g of await admin.search(gatewayContainer, { scope: 'one', filter: '(objectClass=msExchUMIPGateway)', attributes: ['msExchUMOutcallsAllowed'] }))
    outcallsBefore.set(g.dn, g.get('msExchUMOutcallsAllowed')!);

  // The test's own pools, and the state around them.
  for (const p of testPools) {
    await admin.add(poolDn(p.cn), {
      objectClass: 'msRTCSIP-Pool',
      dNSHostName: p.fqdn,
      'msRTCSIP-PoolData': p.data,
      'msRTCSIP-PoolDisplayName': `${marker}${pid}`,
    });
  }
  const exchange = (cmdlet: string, parameters: Record<string, unknown>) => services.powershell.invoke('lab', 'exchange', cmdlet, parameters);
  await exchange('New-UMIPGateway', { Name: poolA.gateway, Address: poolA.fqdn });
  await exchange('Set-UMIPGateway', { Identity: poolA.gateway, OutcallsAllowed: false });
  await exchange('New-UMHuntGroup', { Name: 'Reception', UMIPGateway: poolA.gateway, UMDialPlan: 'Redmond', PilotIdentifier: '4000' });
  await exchange('New-UMIPGateway', { Name: poolC.gateway, Address: poolC.fqdn });
  // A hand-made hunt group that holds the pilot identifier the Tokyo hunt group needs on C.
  await exchange('New-UMHuntGroup', { Name: 'Night', UMIPGateway: poolC.gateway, UMDialPlan: 'Redmond', PilotIdentifier: 'Tokyo' });

  // Two read grants go missing: RTCUniversalServerAdmins on the organization, RTCComponentUniversalServices on the auto attendants.
  for (const [dn, sid] of [
    [org, sids.serverAdmins],
    [autoAttendantContainer, sids.component],
  ] as const) {
    const found = dacls.get(dn)!;
    await writeExplicitDacl(
      admin,
      dn,
      (await readObjectDacl(admin, dn))!,
      found.explicit.filter((a) => a.sid !== sid),
      found.control,
    );
  }
});

afterAll(async () => {
  try {
    if (!admin) return;
    await removeCreated();
    for (const [dn, value] of outcallsBefore) {
      const now = await admin.read(dn, ['msExchUMOutcallsAllowed']);
      if (now && now.get('msExchUMOutcallsAllowed') !== value)
        await admin.modify(dn, [{ operation: 'replace', attribute: 'msExchUMOutcallsAllowed', values: value }]);
    }
    for (const [dn, found] of dacls) {
      const now = await readObjectDacl(admin, dn);
      if (now && explicitKeys(now.aces).join('\n') !== explicitKeys(found.explicit).join('\n'))
        await writeExplicitDacl(admin, dn, now, found.explicit, found.control);
    }
    // Prove the lab is as it was found.
    if (objectsBefore) expect(new Set(await umObjects())).toEqual(objectsBefore);
    for (const [dn, found] of dacls) expect(explicitKeys((await readObjectDacl(admin, dn))!.aces), dn).toEqual(explicitKeys(found.explicit));
    expect(await admin.search(poolsContainer, { scope: 'one', filter: `(msRTCSIP-PoolDisplayName=${marker}*)`, attributes: ['1.1'] })).toEqual([]);
  } finally {
    await admin?.close();
    await services.shutdown();
  }
});

describe('the plan', () => {
  it('on the seeded lab shows exactly the seeded gaps: pool02 and the Director have no gateway; the rest, permissions included, is in place', () => {
    expect(seededPlan.forest).toBe('contoso.test');
    expect(seededPlan.sipDialPlans.map((d) => `${d.name}:${d.pilotIdentifier}`)).toEqual(['Redmond:Redmond', 'Tokyo:Tokyo']);
    expect(ids(seededPlan.items, (i) => i.status === 'missing')).toEqual(
      [
        gw('dir01.contoso.test'),
        hg('dir01.contoso.test', 'Redmond'),
        hg('dir01.contoso.test', 'Tokyo'),
        gw('pool02.contoso.test'),
        hg('pool02.contoso.test', 'Redmond'),
        hg('pool02.contoso.test', 'Tokyo'),
      ].sort(),
    );
    expect(seededPlan.counts).toEqual({ missing: 6, present: 15, blocked: 0 });
    // pool01 already places the outcalls for both SIP dial plans: the new gateway gets them off (one outcall gateway per dial plan).
    expect(byId(seededPlan.items, gw('pool02.contoso.test'))).toMatchObject({
      name: '1:2',
      address: 'pool02.contoso.test',
      outcallsAllowed: false,
      messageWaitingAllowed: true,
    });
    // Get-UCPool keeps the Director, so exchucutil would give it a gateway [S8] — never with outcalls [S10].
    expect(byId(seededPlan.items, gw('dir01.contoso.test'))).toMatchObject({
      name: '1:4',
      outcallsAllowed: false,
      messageWaitingAllowed: true,
      pool: { kind: 'director' },
    });
    // The branch appliance's gateway exists in the seed (outcalls and message waiting off) and is reported as it is.
    expect(byId(seededPlan.items, gw('sba01.contoso.test'))).toMatchObject({
      status: 'present',
      name: '1:3',
      outcallsAllowed: false,
      messageWaitingAllowed: false,
      pool: { branch: true },
    });
    // The OCS 2007 R2 pool's gateway: message waiting off, as exchucutil sets it below 0x50000 [S8].
    expect(byId(seededPlan.items, gw('ocs01.contoso.test'))).toMatchObject({ status: 'present', name: 'ocs01', messageWaitingAllowed: false });
    expect(seededPlan.items.filter((i) => i.kind === 'permission').map((i) => i.status)).toEqual(Array(6).fill('present'));
    // Nobody chose yet; the Director and the branch appliance are no candidates.
    expect(seededPlan.outcalls.chosen).toBeUndefined();
    expect(seededPlan.outcalls.candidates.map((c) => `${c.fqdn}:${c.eligible}:${c.allowsNow ?? '-'}`)).toEqual([
      'dir01.contoso.test:false:-',
      'ocs01.contoso.test:true:true',
      'pool01.contoso.test:true:true',
      'pool02.contoso.test:true:-',
      'sba01.contoso.test:false:false',
    ]);
    expect(seededPlan.warnings.map((w) => w.code)).toEqual(['multiple-outcall-gateways', 'multiple-outcall-gateways']);
  });

  it("with the test's pools and two grants removed, shows what is missing, what stays and what is blocked", async () => {
    const plan = await services.gateways.plan({ profile: 'lab-exchadmin' });
    expect(ids(plan.items, (i) => i.status === 'missing')).toEqual(
      [
        gw('dir01.contoso.test'),
        hg('dir01.contoso.test', 'Redmond'),
        hg('dir01.contoso.test', 'Tokyo'),
        perm(org, 'RTCUniversalServerAdmins'),
        perm(autoAttendantContainer, 'RTCComponentUniversalServices'),
        gw('pool02.contoso.test'),
        hg('pool02.contoso.test', 'Redmond'),
        hg('pool02.contoso.test', 'Tokyo'),
        gw(poolB.fqdn),
        hg(poolB.fqdn, 'Redmond'),
        hg(poolB.fqdn, 'Tokyo'),
        hg(poolA.fqdn, 'Tokyo'),
      ].sort(),
    );
    // The branch appliance gets a gateway with outcalls and message waiting off.
    expect(byId(plan.items, gw(poolB.fqdn))).toMatchObject({ name: poolB.cn, outcallsAllowed: false, messageWaitingAllowed: false, pool: { branch: true } });
    expect(byId(plan.items, gw(poolB.fqdn)).commands[1]).toBe(
      `Set-UMIPGateway -Identity '${poolB.cn}' -OutcallsAllowed $false -MessageWaitingIndicatorAllowed $false`,
    );
    // A's gateway stays as it is, and its hand-made hunt group serves Redmond.
    expect(byId(plan.items, gw(poolA.fqdn))).toMatchObject({ status: 'present', name: poolA.gateway, outcallsAllowed: false, commands: [] });
    expect(byId(plan.items, hg(poolA.fqdn, 'Redmond'))).toMatchObject({ status: 'present', name: 'Reception', pilotIdentifier: '4000' });
    // C's Tokyo hunt group cannot get its pilot identifier.
    expect(ids(plan.items, (i) => i.status === 'blocked')).toEqual([hg(poolC.fqdn, 'Tokyo')]);
    expect(byId(plan.items, hg(poolC.fqdn, 'Tokyo'))).toMatchObject({ problem: { code: 'CONFLICT' } });
    expect(byId(plan.items, hg(poolC.fqdn, 'Tokyo')).problem!.message).toContain('"Night"');
  });

  it('in a forest without the RTC groups or pools, says so item by item instead of failing', async () => {
    // Told to read Lync from fabrikam itself (by default it would pair with the connected Lync forest, as the topology does).
    const plan = await services.gateways.plan({ profile: 'lab-fabrikam', lyncProfile: 'lab-fabrikam' });
    expect(plan.items.map((i) => `${i.kind}:${i.status}:${i.problem?.code}`)).toEqual(Array(6).fill('permission:blocked:NOT_FOUND'));
    expect(plan.items.find((i) => i.kind === 'permission' && i.trustee === 'RTCComponentUniversalServices')!.problem!.message).toContain(
      'has no group RTCComponentUniversalServices',
    );
    expect(plan.warnings.some((w) => w.code === 'no-pools')).toBe(true);
    const result = await services.gateways.apply({ profile: 'lab-fabrikam', lyncProfile: 'lab-fabrikam' });
    expect(result.counts).toEqual({ created: 0, alreadyPresent: 0, failed: 6, skipped: 0 });
    expect(result.verification.permissions.every((p) => p.present === undefined)).toBe(true);
  });

  it("with the Lync forest's profile, reads pools and groups from there, as exchucutil -Forest does [S8]", async () => {
    const plan = await services.gateways.plan({ profile: 'lab-fabrikam', lyncProfile: 'lab' });
    expect([plan.forest, plan.lyncForest]).toEqual(['fabrikam.test', 'contoso.test']);
    // fabrikam's organisation has gateways for pool01 and sba01 (Kaohsiung hunt groups); the others are missing.
    expect(byId(plan.items, gw('pool01.contoso.test'))).toMatchObject({ status: 'present' });
    expect(byId(plan.items, hg('pool02.contoso.test', 'Kaohsiung'))).toMatchObject({ status: 'missing', pilotIdentifier: 'Kaohsiung' });
    // The grants name the Lync forest's groups: their SIDs, and CONTOSO\<group> for Add-ADPermission.
    const grant = byId(plan.items, perm('CN=Fabrikam,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=fabrikam,DC=test', 'RTCUniversalServerAdmins'));
    expect(grant).toMatchObject({ status: 'missing', trusteeSid: sids.serverAdmins });
    expect(grant.commands[0]).toContain("-User 'CONTOSO\\RTCUniversalServerAdmins'");
  });

  it('refuses a Director or a branch appliance as the outcall gateway [S10]', async () => {
    await expect(services.gateways.plan({ profile: 'lab', outcallsPool: 'dir01.contoso.test' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('Director'),
    });
    await expect(services.gateways.plan({ profile: 'lab', outcallsPool: 'sba01.contoso.test' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('apply', () => {
  let result: GatewayApplyResult;

  it('as an account without rights: every write is refused, each item reports why, and none stops the others', async () => {
    const offset = callLogSize();
    const auditBefore = services.audit.list({ limit: 10_000 }).length;
    const refused = await services.gateways.apply({ profile: 'lab-readonly' });
    const outcome = (id: string) => {
      const item = byId(refused.items, id) as GatewayApplyItem;
      return `${item.outcome}:${item.code ?? ''}`;
    };
    expect(outcome(perm(org, 'RTCUniversalServerAdmins'))).toBe('failed:ACCESS_DENIED');
    expect(outcome(perm(autoAttendantContainer, 'RTCComponentUniversalServices'))).toBe('failed:ACCESS_DENIED');
    expect(outcome(gw('pool02.contoso.test'))).toBe('failed:ACCESS_DENIED');
    expect(outcome(hg('pool02.contoso.test', 'Redmond'))).toBe('skipped:');
    expect(outcome(gw(poolB.fqdn))).toBe('failed:ACCESS_DENIED');
    expect(outcome(hg(poolA.fqdn, 'Tokyo'))).toBe('failed:ACCESS_DENIED');
    expect(outcome(hg(poolC.fqdn, 'Tokyo'))).toBe('failed:CONFLICT');
    expect(outcome(gw('pool01.contoso.test'))).toBe('already-present:');
    expect(outcome(gw('dir01.contoso.test'))).toBe('failed:ACCESS_DENIED');
    expect(refused.counts).toEqual({ created: 0, alreadyPresent: 17, failed: 7, skipped: 6 });
    const denied = byId(refused.items, perm(org, 'RTCUniversalServerAdmins')) as GatewayApplyItem;
    expect(denied.message).toContain('lab-readonly@contoso.test may not change the permissions of Exchange organization Contoso');
    expect((byId(refused.items, gw(poolB.fqdn)) as GatewayApplyItem).message).toMatch(
      /lab-readonly@contoso.test may not create UM IP gateways: .*InsufficientAccessRights/,
    );
    // It tried each (the cmdlets ran and were refused), and nothing changed.
    expect(
      writesOf(callsSince(offset))
        .map((c) => c.cmdlet)
        .sort(),
    ).toEqual(['New-UMHuntGroup', 'New-UMIPGateway', 'New-UMIPGateway', 'New-UMIPGateway']);
    expect(refused.frontEndRestart.required).toBe(false);
    expect(refused.verification.permissions.filter((p) => !p.present)).toHaveLength(2);
    const all = services.audit.list({ limit: 10_000 });
    const audit = all.slice(0, all.length - auditBefore);
    expect(audit.map((a) => `${a.action}:${a.outcome}`).sort()).toEqual(
      [
        'gateways.create-gateway:failed',
        'gateways.create-gateway:failed',
        'gateways.create-gateway:failed',
        'gateways.create-hunt-group:failed',
        'gateways.grant-read:failed',
        'gateways.grant-read:failed',
      ].sort(),
    );
  });

  it('as Organization Management creates only what is missing and reports every item', async () => {
    const offset = callLogSize();
    events.length = 0;
    result = await services.gateways.apply({ profile: 'lab-exchadmin' });
    expect(ids(result.items, (i) => (i as GatewayApplyItem).outcome === 'created')).toEqual(
      [
        gw('dir01.contoso.test'),
        hg('dir01.contoso.test', 'Redmond'),
        hg('dir01.contoso.test', 'Tokyo'),
        perm(org, 'RTCUniversalServerAdmins'),
        perm(autoAttendantContainer, 'RTCComponentUniversalServices'),
        gw('pool02.contoso.test'),
        hg('pool02.contoso.test', 'Redmond'),
        hg('pool02.contoso.test', 'Tokyo'),
        gw(poolB.fqdn),
        hg(poolB.fqdn, 'Redmond'),
        hg(poolB.fqdn, 'Tokyo'),
        hg(poolA.fqdn, 'Tokyo'),
      ].sort(),
    );
    // The blocked item is reported as failed, the rest went ahead around it.
    expect(result.items.filter((i) => i.outcome === 'failed').map((i) => `${i.id}:${i.code}`)).toEqual([`${hg(poolC.fqdn, 'Tokyo')}:CONFLICT`]);
    expect(result.counts).toEqual({ created: 12, alreadyPresent: 17, failed: 1, skipped: 0 });
    expect(result.frontEndRestart).toMatchObject({
      required: true,
      pools: expect.arrayContaining(['pool01.contoso.test', 'pool02.contoso.test', 'sba01.contoso.test', poolB.fqdn]),
    });
    expect(result.frontEndRestart.message).toContain('Restart the Lync Front End service');

    // Exactly these cmdlets ran: Set-UMIPGateway only on gateways just made (the Director's and pool02's,
    // whose outcalls stay off; the branch one's), nothing removed.
    const writes = writesOf(callsSince(offset));
    expect(writes.filter((c) => c.cmdlet === 'New-UMIPGateway').map((c) => c.parameters)).toEqual([
      { Name: '1:4', Address: 'dir01.contoso.test' },
      { Name: poolB.cn, Address: poolB.fqdn },
      { Name: '1:2', Address: 'pool02.contoso.test' },
    ]);
    expect(writes.filter((c) => c.cmdlet === 'Set-UMIPGateway').map((c) => c.parameters)).toEqual([
      { Identity: '1:4', OutcallsAllowed: false },
      { Identity: poolB.cn, OutcallsAllowed: false, MessageWaitingIndicatorAllowed: false },
      { Identity: '1:2', OutcallsAllowed: false },
    ]);
    expect(
      writes
        .filter((c) => c.cmdlet === 'New-UMHuntGroup')
        .map((c) => `${c.parameters.UMIPGateway}\\${c.parameters.Name}:${c.parameters.UMDialPlan}:${c.parameters.PilotIdentifier}`),
    ).toEqual([
      '1:4\\Redmond:Redmond:Redmond',
      '1:4\\Tokyo:Tokyo:Tokyo',
      `${poolA.gateway}\\Tokyo:Tokyo:Tokyo`,
      `${poolB.cn}\\Redmond:Redmond:Redmond`,
      `${poolB.cn}\\Tokyo:Tokyo:Tokyo`,
      '1:2\\Redmond:Redmond:Redmond',
      '1:2\\Tokyo:Tokyo:Tokyo',
    ]);
    expect(writes).toHaveLength(13);
    expect(events).toContainEqual({ name: 'topology.changed', reason: 'gateways.apply' });
  });

  it('shows the verification table read back: gateways as they are, hunt groups, and every grant in place', () => {
    const row = (fqdn: string) => result.verification.pools.find((p) => p.pool.fqdn === fqdn)!;
    const text = (fqdn: string) => {
      const r = row(fqdn);
      return `${r.gatewayName}:${r.address}:${r.outcallsAllowed}:${r.messageWaitingAllowed}:${r.huntGroups.map((h) => `${h.name}(${h.dialPlan})`).join('+')}:${r.missingDialPlans.join('+')}`;
    };
    expect(text('pool01.contoso.test')).toBe('1:1:pool01.contoso.test:true:true:Redmond(Redmond)+Tokyo(Tokyo):');
    expect(text('pool02.contoso.test')).toBe('1:2:pool02.contoso.test:false:true:Redmond(Redmond)+Tokyo(Tokyo):');
    expect(text('sba01.contoso.test')).toBe('1:3:sba01.contoso.test:false:false:Redmond(Redmond)+Tokyo(Tokyo):');
    expect(text('dir01.contoso.test')).toBe('1:4:dir01.contoso.test:false:true:Redmond(Redmond)+Tokyo(Tokyo):');
    expect(text(poolB.fqdn)).toBe(`${poolB.cn}:${poolB.fqdn}:false:false:Redmond(Redmond)+Tokyo(Tokyo):`);
    // Outcalls stay off on A's gateway, and its hand-made hunt group survives beside the new one.
    expect(text(poolA.fqdn)).toBe(`${poolA.gateway}:${poolA.fqdn}:false:true:Reception(Redmond)+Tokyo(Tokyo):`);
    expect(text(poolC.fqdn)).toBe(`${poolC.gateway}:${poolC.fqdn}:true:true:Night(Redmond):Tokyo`);
    expect(result.verification.permissions.map((p) => p.present)).toEqual(Array(6).fill(true));
  });

  it('wrote what it says, as seen over LDAP, with the DACL before and after in the audit log', async () => {
    const branch = (
      await admin.search(gatewayContainer, {
        scope: 'one',
        filter: `(msExchUMIPGatewayAddress=${poolB.fqdn})`,
        attributes: ['cn', 'msExchUMOutcallsAllowed', 'msExchUMIPGatewayFlags2'],
      })
    )[0]!;
    expect([branch.get('cn'), branch.get('msExchUMOutcallsAllowed'), branch.get('msExchUMIPGatewayFlags2')]).toEqual([poolB.cn, 'FALSE', '0']);
    const a = (await admin.read(`CN=${poolA.gateway},${gatewayContainer}`, ['msExchUMOutcallsAllowed']))!;
    expect(a.get('msExchUMOutcallsAllowed')).toBe('FALSE');
    expect(await admin.read(`CN=Reception,CN=${poolA.gateway},${gatewayContainer}`, ['msExchUMPilotIdentifier'])).toBeDefined();
    expect((await admin.read(`CN=Night,CN=${poolC.gateway},${gatewayContainer}`, ['msExchUMPilotIdentifier']))?.get('msExchUMPilotIdentifier')).toBe('Tokyo');

    const orgDacl = (await readObjectDacl(admin, org))!;
    expect(orgDacl.aces.some((ace) => ace.sid === sids.serverAdmins && ace.flags === 0 && ace.mask === 0x4 && ace.type === 0)).toBe(true);
    const aaDacl = (await readObjectDacl(admin, autoAttendantContainer))!;
    expect(aaDacl.aces.some((ace) => ace.sid === sids.component && ace.flags === AceFlag.CONTAINER_INHERIT && ace.mask === 0x14)).toBe(true);

    const grants = services.audit.list({ action: 'gateways.grant-read' }).filter((e) => e.outcome === 'succeeded');
    expect(grants.map((e) => e.target).sort()).toEqual([autoAttendantContainer, org].sort());
    const orgEntry = grants.find((e) => dnEquals(e.target, org))!;
    expect(orgEntry.actor.identity).toBe('lab-exchadmin@contoso.test');
    expect((orgEntry.before as { sddl: string }).sddl).not.toContain(`(A;;LC;;;${sids.serverAdmins})`);
    expect((orgEntry.after as { sddl: string }).sddl).toContain(`(A;;LC;;;${sids.serverAdmins})`);
    const created = services.audit.list({ action: 'gateways.create-gateway' }).filter((e) => e.outcome === 'succeeded');
    expect(created.map((e) => (e.after as { Name: string }).Name).sort()).toEqual(['1:2', '1:4', poolB.cn].sort());
  });

  it('a second plan is empty and a second apply changes nothing (CLI, --json)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'umc-gw-cli-'));
    const plan = runCli(['gateways', 'plan', '--profile', 'lab', '--json'], { UMC_DATA_DIR: dataDir });
    expect(plan.status, plan.stderr).toBe(0);
    const second = plan.json() as GatewayPlan;
    expect(second.counts).toEqual({ missing: 0, present: 29, blocked: 1 });

    const offset = callLogSize();
    const apply = runCli(['gateways', 'apply', '--profile', 'lab', '--json'], { UMC_DATA_DIR: dataDir });
    // Exit 1: C's blocked hunt group is still reported as failed.
    expect(apply.status, apply.stderr).toBe(1);
    const again = apply.json() as GatewayApplyResult;
    expect(again.counts).toEqual({ created: 0, alreadyPresent: 29, failed: 1, skipped: 0 });
    expect(again.frontEndRestart.required).toBe(false);
    expect(writesOf(callsSince(offset))).toEqual([]);
  });

  it('prints a readable table without --json', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'umc-gw-cli-'));
    const plan = runCli(['gateways', 'plan', '--profile', 'lab'], { UMC_DATA_DIR: dataDir });
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^Status\s+Kind\s+Item\s+Note$/m);
    expect(plan.stdout).toMatch(/^blocked\s+Hunt group\s+it-gw-\d+-c\\Tokyo/m);
    expect(plan.stdout).toContain('0 to create, 29 already in place, 1 blocked.');
    const apply = runCli(['gateways', 'apply', '--profile', 'lab'], { UMC_DATA_DIR: dataDir });
    expect(apply.stdout).toMatch(/^Pool\s+Kind\s+Gateway\s+Address\s+Outcalls\s+MWI\s+Hunt groups\s+Missing for$/m);
    expect(apply.stdout).toMatch(/^pool02\.contoso\.test\s+standard\s+1:2\s+pool02\.contoso\.test\s+off\s+on\s+Redmond, Tokyo/m);
    expect(apply.stdout).toContain('Lync Front End service (RTCSRV)');
  });

  it("the admin's outcall choice: on for the chosen pool's gateway, off for every other, and nothing else changes (CLI)", () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'umc-gw-cli-'));
    const offset = callLogSize();
    const apply = runCli(['gateways', 'apply', '--profile', 'lab-exchadmin', '--outcalls', poolA.fqdn, '--json'], { UMC_DATA_DIR: dataDir });
    const chosen = apply.json() as GatewayApplyResult;
    const outcalls = (fqdn: string) => chosen.verification.pools.find((p) => p.pool.fqdn === fqdn)!.outcallsAllowed;
    expect([poolA.fqdn, 'pool01.contoso.test', 'ocs01.contoso.test', poolC.fqdn, 'dir01.contoso.test'].map(outcalls)).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(
      writesOf(callsSince(offset))
        .map((c) => `${c.cmdlet}:${String(c.parameters.Identity)}:${String(c.parameters.OutcallsAllowed)}`)
        .sort(),
    ).toEqual(
      [`Set-UMIPGateway:${poolA.gateway}:true`, 'Set-UMIPGateway:1:1:false', 'Set-UMIPGateway:ocs01:false', `Set-UMIPGateway:${poolC.gateway}:false`].sort(),
    );
  });
});
