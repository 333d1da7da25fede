import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactCreate, ContactItem } from '@shared/models/contacts';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { createTestServices, openLabSession } from './support/test-services';
import { runCli } from './support/cli';

/**
 * SA/AA contacts against the lab: create, edit, move and delete as lab-umadmin over both routes;
 * refusals explained for lab-readonly and in OU=Blocked; escaping, uniqueness and concurrency.
 */
const { services } = createTestServices();
let admin: DirectorySession;
const root = 'DC=contoso,DC=test';
const umContacts = `OU=UM Contacts,OU=Lab,${root}`;
const branch = `OU=Branch,${umContacts}`;
let tokyoDn = '';
let tokyoAaDn = '';

beforeAll(async () => {
  admin = await openLabSession('lab');
  await services.connections.connect('lab-umadmin');
  const options = await services.contacts.options();
  tokyoDn = options.dialPlans.find((d) => d.name === 'Tokyo')!.dn;
  tokyoAaDn = options.autoAttendants.find((a) => a.name === 'TokyoAA')!.dn;
});
afterAll(async () => {
  // Leave the lab as seeded: remove anything these tests created.
  for (const entry of await admin.search(umContacts, {
    filter: '(|(msRTCSIP-PrimaryUserAddress=sip:it-*)(msRTCSIP-PrimaryUserAddress=sip:TokyoSA@contoso.test))',
    attributes: ['1.1'],
  }))
    await admin.delete(entry.dn);
  await admin.close();
  await services.shutdown();
});

const base = (patch: Partial<ContactCreate> = {}): ContactCreate => ({
  profile: 'lab-umadmin',
  kind: 'SA',
  targetDn: tokyoDn,
  name: 'Tokyo Subscriber Access',
  sipAddress: 'sip:TokyoSA@contoso.test',
  phoneNumber: '+81355550100',
  poolFqdn: 'pool01.contoso.test',
  ouDn: umContacts,
  route: 'ldap',
  ...patch,
});
const loadedOf = (c: ContactItem) => ({ name: c.displayName, sipAddress: c.sipAddress, phoneNumber: c.phoneNumber, poolFqdn: c.pool?.name, ou: c.ou });

describe('over LDAP (as OcsUmUtil did)', () => {
  let created: ContactItem;

  it('creates an SA contact with the recipe, which the topology then finds', async () => {
    const result = await services.contacts.create(base());
    expect(result.route).toBe('ldap');
    expect(result.dn).toBe(`CN=Tokyo Subscriber Access,${umContacts}`);
    created = result.contact!;
    expect(created).toMatchObject({
      kind: 'SA',
      kindSource: 'target-class',
      sipAddress: 'sip:TokyoSA@contoso.test',
      phoneNumber: '+81355550100',
      pool: { name: 'pool01.contoso.test' },
      dialPlan: { name: 'Tokyo' },
    });
    // Tokyo's Lync dial plan name does not match, and EXUM01 is before 2010 SP1: warned, not refused.
    expect(result.warnings.map((w) => w.code)).toContain('lync-dial-plan-name-mismatch');
    const raw = await admin.read(result.dn, ['*']);
    expect(raw?.get('msRTCSIP-SourceObjectType')).toBe(String(0x90000000 | 0));
    expect(raw?.get('msDS-SourceObjectDN')).toBe(tokyoDn);
    expect(raw?.getAll('proxyAddresses')).toEqual(['sip:TokyoSA@contoso.test']);
    const topology = await services.topology.get();
    expect(topology.findings.map((f) => `${f.code}:${f.subject.name}`)).not.toContain('dial-plan-without-sa-contact:Tokyo');
    // The result and the audit entry name the acting account and its forest alike.
    expect(result.actor).toEqual({ profile: 'lab-umadmin', identity: expect.stringMatching(/lab-umadmin/i), forest: 'contoso.test' });
    expect(services.audit.list({ target: result.dn })[0]).toMatchObject({
      action: 'contact.create',
      outcome: 'succeeded',
      route: 'ldap',
      actor: { profile: 'lab-umadmin', forest: 'contoso.test' },
    });
  });

  it('edits the name, SIP address and number', async () => {
    const result = await services.contacts.update({
      profile: 'lab-umadmin',
      dn: created.dn,
      expectedVersion: created.version,
      loaded: loadedOf(created),
      changes: { name: 'Tokyo OVA', phoneNumber: '+81355550190' },
      route: 'ldap',
    });
    expect(result.contact).toMatchObject({ displayName: 'Tokyo OVA', phoneNumber: '+81355550190' });
    expect((await admin.read(created.dn, ['msRTCSIP-Line']))?.get('msRTCSIP-Line')).toBe('tel:+81355550190');
    created = result.contact!;
  });

  it('refuses to overwrite a contact changed since it was loaded, and says what changed', async () => {
    const stale = created;
    await admin.modify(created.dn, [{ operation: 'replace', attribute: 'displayName', values: 'Changed elsewhere' }]);
    const error = await services.contacts
      .update({ profile: 'lab-umadmin', dn: stale.dn, expectedVersion: stale.version, loaded: loadedOf(stale), changes: { name: 'Mine' }, route: 'ldap' })
      .catch((e) => e);
    expect(error.code).toBe('CONFLICT');
    expect(error.details.changed).toEqual([{ field: 'name', loaded: 'Tokyo OVA', current: 'Changed elsewhere' }]);
    expect((await admin.read(stale.dn, ['displayName']))?.get('displayName')).toBe('Changed elsewhere');
    created = (await services.contacts.list(true)).find((c) => c.dn === stale.dn)!;
  });

  it('moves the contact to another pool', async () => {
    const result = await services.contacts.move({
      profile: 'lab-umadmin',
      dn: created.dn,
      expectedVersion: created.version,
      loaded: loadedOf(created),
      targetPoolFqdn: 'pool02.contoso.test',
      route: 'ldap',
    });
    expect(result.contact).toMatchObject({ pool: { name: 'pool02.contoso.test' } });
    created = result.contact!;
  });

  it('explains why lab-umadmin may not move it to another OU (no right to write its name), and an admin may', async () => {
    const refused = await services.contacts
      .move({ profile: 'lab-umadmin', dn: created.dn, expectedVersion: created.version, loaded: loadedOf(created), targetOuDn: branch, route: 'ldap' })
      .catch((e) => e);
    expect(refused.code).toBe('ACCESS_DENIED');
    expect(refused.message).toContain('Moving a contact between OUs needs');
    expect(await admin.read(created.dn, ['1.1'])).toBeDefined();
    await services.connections.connect('lab');
    const moved = await services.contacts.move({
      profile: 'lab',
      dn: created.dn,
      expectedVersion: created.version,
      loaded: loadedOf(created),
      targetOuDn: branch,
      route: 'ldap',
    });
    expect(moved.dn).toBe(`CN=Tokyo Subscriber Access,${branch}`);
    expect(moved.contact).toMatchObject({ ou: 'contoso.test/Lab/UM Contacts/Branch', pool: { name: 'pool02.contoso.test' } });
    created = moved.contact!;
  });

  it('deletes it', async () => {
    await services.contacts.delete({ profile: 'lab-umadmin', dn: created.dn, expectedVersion: created.version, loaded: loadedOf(created), route: 'ldap' });
    expect(await admin.read(created.dn, ['1.1'])).toBeUndefined();
    expect(services.audit.list({ target: created.dn })[0]).toMatchObject({ action: 'contact.delete', outcome: 'succeeded' });
  });

  it('escapes a hostile name in the DN and keeps it exact', async () => {
    const name = 'Smith, "AA" #1+ <x>;';
    const result = await services.contacts.create(
      base({ kind: 'AA', targetDn: tokyoAaDn, name, sipAddress: 'sip:it-hostile@contoso.test', phoneNumber: '+81355550123' }),
    );
    expect(result.dn).toBe(`CN=Smith\\, \\"AA\\" #1\\+ \\<x\\>\\;,${umContacts}`);
    expect((await admin.read(result.dn, ['displayName', 'cn']))?.get('cn')).toBe(name);
    expect(result.contact).toMatchObject({ displayName: name, kind: 'AA', target: { name: 'TokyoAA' } });
    await services.contacts.delete({ profile: 'lab-umadmin', dn: result.dn, expectedVersion: result.contact!.version, loaded: {}, route: 'ldap' });
  });

  it('checks SIP addresses across users and contacts and numbers across contacts', async () => {
    await expect(services.contacts.create(base({ sipAddress: 'sip:u00010@contoso.test' }))).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: expect.stringContaining('u00010'),
    });
    await expect(services.contacts.create(base({ sipAddress: 'sip:it-dup@contoso.test', phoneNumber: '+14255550100' }))).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: expect.stringContaining('Redmond Subscriber Access'),
    });
    await expect(services.contacts.create(base({ sipAddress: 'TokyoSA@contoso.test' }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(services.contacts.create(base({ sipAddress: 'sip:it-x@contoso.test', phoneNumber: '0123' }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe("OcsUmUtil's choices, and a contact created like an existing one", () => {
  it('offers SIP URI dial plans only, and Lync 2010/2013 Front End pools and Standard Edition servers only [S1][S25]', async () => {
    const options = await services.contacts.options();
    expect(options.dialPlans.map((d) => d.name).sort()).toEqual(['Redmond', 'Tokyo']);
    expect(options.forests.find((f) => f.forest === 'contoso.test')!.pools.map((p) => `${p.fqdn}:${p.kind}`)).toEqual([
      'pool01.contoso.test:enterprise',
      'pool02.contoso.test:standard',
    ]);
    for (const pool of ['dir01.contoso.test', 'sba01.contoso.test', 'ocs01.contoso.test']) {
      await expect(services.contacts.create(base({ sipAddress: 'sip:it-pool@contoso.test', poolFqdn: pool }))).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        details: { field: 'poolFqdn' },
      });
    }
  });

  it('learns the shape of a working contact, shows the differences, and writes that shape', async () => {
    await services.connections.connect('lab-fabrikam');
    const options = await services.contacts.options();
    const template = options.forests.find((f) => f.forest === 'contoso.test')!.templates.find((t) => t.sipAddress === 'sip:KaohsiungSA@contoso.test')!;
    expect(template).toMatchObject({ kind: 'SA' });
    const values = {
      profile: 'lab-umadmin',
      kind: 'SA' as const,
      targetDn: tokyoDn,
      name: 'Tokyo Subscriber Access',
      sipAddress: 'sip:TokyoSA@contoso.test',
      phoneNumber: '+81355550100',
      poolFqdn: 'pool01.contoso.test',
    };
    const preview = await services.contacts.shape({ ...values, likeDn: template.dn });
    const diff = Object.fromEntries(preview.differences.map((d) => [d.attribute, d]));
    expect(diff.description).toEqual({
      attribute: 'description',
      recipe: ['Exchange UM Subscriber Access'],
      learned: ['Exchange UM Subscriber Access (Tokyo)'],
    });
    expect(diff['msRTCSIP-OptionFlags']).toEqual({ attribute: 'msRTCSIP-OptionFlags', recipe: ['384'], learned: ['385'] });
    expect(diff['msDS-SourceObjectDN']).toEqual({ attribute: 'msDS-SourceObjectDN', recipe: [tokyoDn] });
    expect(diff.otherIpPhone).toBeUndefined();
    const created = await services.contacts.create({ ...values, ouDn: umContacts, route: 'ldap', likeDn: template.dn });
    const raw = await admin.read(created.dn, ['description', 'msRTCSIP-OptionFlags', 'otherIpPhone', 'msDS-SourceObjectDN']);
    expect([raw?.get('description'), raw?.get('msRTCSIP-OptionFlags'), raw?.getAll('otherIpPhone'), raw?.has('msDS-SourceObjectDN')]).toEqual([
      'Exchange UM Subscriber Access (Tokyo)',
      '385',
      ['sip:TokyoSA@contoso.test;opaque=app:exum:Tokyo.contoso.test'],
      false,
    ]);
    // Found and classified the tolerant way: the dial plan from otherIpPhone, SA by its access number.
    expect(created.contact).toMatchObject({ kind: 'SA', kindSource: 'otherIpPhone', target: { name: 'Tokyo' } });
    expect(services.audit.list({ target: created.dn })[0]).toMatchObject({ action: 'contact.create', after: { like: template.dn } });
    await admin.delete(created.dn);
    await services.connections.disconnect('lab-fabrikam');
  });
});

describe('through the Lync shell (New/Set/Move/Remove-CsExUmContact)', () => {
  it('creates, edits, moves and removes, and says which route it used', async () => {
    const created = await services.contacts.create(
      base({ route: 'powershell', sipAddress: 'sip:it-ps@contoso.test', kind: 'AA', targetDn: tokyoAaDn, name: 'Tokyo AA', phoneNumber: '+81355550123' }),
    );
    expect(created.route).toBe('powershell');
    expect(created.command).toBe(
      "New-CsExUmContact -SipAddress 'sip:it-ps@contoso.test' -RegistrarPool 'pool01.contoso.test' -OU 'OU=UM Contacts,OU=Lab,DC=contoso,DC=test' -DisplayNumber '+81355550123' -AutoAttendant $true -Description 'Tokyo AA'",
    );
    expect(created.dn).toMatch(/^CN=\{[0-9a-f-]{36}\},OU=UM Contacts/);
    // New-CsExUmContact is for hosted UM [S3]: it links no UM object, so the console matches the auto
    // attendant by its number, says what shape the contact has, and warned when it was created.
    expect(created.warnings.map((w) => w.code)).toContain('hosted-cmdlet');
    expect(created.contact).toMatchObject({ kind: 'AA', kindSource: 'number', cnForm: 'guid', target: { name: 'TokyoAA' } });
    expect(created.contact!.problems.map((p) => p.code)).toContain('hosted-shape');
    const updated = await services.contacts.update({
      profile: 'lab-umadmin',
      dn: created.dn,
      expectedVersion: created.contact!.version,
      loaded: loadedOf(created.contact!),
      changes: { phoneNumber: '+81355550124' },
      route: 'powershell',
    });
    expect(updated.command).toBe("Set-CsExUmContact -Identity 'sip:it-ps@contoso.test' -DisplayNumber '+81355550124'");
    const moved = await services.contacts.move({
      profile: 'lab-umadmin',
      dn: created.dn,
      expectedVersion: updated.contact!.version,
      loaded: {},
      targetPoolFqdn: 'pool02.contoso.test',
      route: 'powershell',
    });
    expect(moved.command).toBe("Move-CsExUmContact -Identity 'sip:it-ps@contoso.test' -Target 'pool02.contoso.test'");
    expect(moved.contact?.pool?.name).toBe('pool02.contoso.test');
    const removed = await services.contacts.delete({
      profile: 'lab-umadmin',
      dn: created.dn,
      expectedVersion: moved.contact!.version,
      loaded: {},
      route: 'powershell',
    });
    expect(removed.command).toBe("Remove-CsExUmContact -Identity 'sip:it-ps@contoso.test'");
    expect(await admin.read(created.dn, ['1.1'])).toBeUndefined();
  });
});

describe('refusals explained in admin terms', () => {
  it('tells lab-readonly which groups it lacks, and writes nothing', async () => {
    await services.connections.connect('lab-readonly');
    const error = await services.contacts.create(base({ profile: 'lab-readonly', sipAddress: 'sip:it-ro@contoso.test' })).catch((e) => e);
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.message).toContain('lab-readonly may not create contacts in contoso.test/Lab/UM Contacts');
    expect(error.details.missingGroups).toEqual(['RTCUniversalServerAdmins', 'RTCUniversalUserAdmins']);
    expect(services.audit.list({ action: 'contact.create' }).find((e) => e.actor.profile === 'lab-readonly')).toBeUndefined();
  });

  it('explains that OU=Blocked allows nothing and that a Contact grant does not allow creating contacts', async () => {
    const blocked = await services.contacts.create(base({ ouDn: `OU=Blocked,OU=Lab,${root}`, sipAddress: 'sip:it-bl@contoso.test' })).catch((e) => e);
    expect(blocked.code).toBe('ACCESS_DENIED');
    expect(blocked.message).toContain('contoso.test/Lab/Blocked');
    const delegated = await services.contacts.create(base({ ouDn: `OU=Delegated,OU=Lab,${root}`, sipAddress: 'sip:it-de@contoso.test' })).catch((e) => e);
    expect(delegated.code).toBe('ACCESS_DENIED');
    expect(delegated.message).toContain('The Contact grant alone');
  });

  it('refuses lab-readonly an edit of the seeded SA contact', async () => {
    const seeded = (await services.contacts.list(true)).find((c) => c.sipAddress === 'sip:RedmondSA@contoso.test')!;
    const error = await services.contacts
      .update({ profile: 'lab-readonly', dn: seeded.dn, expectedVersion: seeded.version, loaded: loadedOf(seeded), changes: { name: 'x' }, route: 'ldap' })
      .catch((e) => e);
    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.message).toContain('change displayName');
  });
});

describe("safeguards OcsUmUtil's users expect: warned (may go ahead) or refused (nothing written)", () => {
  const redmondDn = () => services.contacts.options().then((o) => o.dialPlans.find((d) => d.name === 'Redmond')!.dn);
  const codes = (r: { warnings: Array<{ code: string }> }) => r.warnings.map((w) => w.code);

  it("warns of a number that is not one of the dial plan's access numbers, and creates the contact when asked to", async () => {
    const values = base({ sipAddress: 'sip:it-did@contoso.test', phoneNumber: '+81355550190' });
    const checked = await services.contacts.check({ ...values, kind: 'SA' });
    expect(checked.refusals).toEqual([]);
    expect(checked.warnings).toContainEqual({ code: 'number-not-access-number', params: { number: '+81355550190', target: 'Tokyo', numbers: '+81355550100' } });
    const created = await services.contacts.create(values);
    expect(codes(created)).toContain('number-not-access-number');
    expect(created.contact).toMatchObject({ phoneNumber: '+81355550190', target: { name: 'Tokyo' } });
    await admin.delete(created.dn);
  });

  it("warns of a number that is not the auto attendant's pilot number", async () => {
    const checked = await services.contacts.check({
      profile: 'lab-umadmin',
      kind: 'AA',
      targetDn: tokyoAaDn,
      name: 'TokyoAA Auto Attendant',
      sipAddress: 'sip:it-aa@contoso.test',
      phoneNumber: '+81355550191',
      poolFqdn: 'pool01.contoso.test',
      ouDn: umContacts,
      route: 'ldap',
    });
    expect(checked.warnings).toContainEqual({
      code: 'number-not-pilot-number',
      params: { number: '+81355550191', target: 'TokyoAA', numbers: '+81355550123' },
    });
    const exchanges = await services.contacts.check({
      profile: 'lab-umadmin',
      kind: 'AA',
      targetDn: tokyoAaDn,
      name: 'TokyoAA Auto Attendant',
      sipAddress: 'sip:it-aa@contoso.test',
      phoneNumber: '+81355550123',
      poolFqdn: 'pool01.contoso.test',
      ouDn: umContacts,
      route: 'ldap',
    });
    expect(codes(exchanges)).not.toContain('number-not-pilot-number');
  });

  it('refuses a number another Exchange UM contact has [S3], naming that contact, as a number in use (not a name)', async () => {
    const values = base({ sipAddress: 'sip:it-dupnum@contoso.test', phoneNumber: '+14255550100' });
    const checked = await services.contacts.check({ ...values, kind: 'SA' });
    expect(checked.refusals).toEqual([
      expect.objectContaining({
        code: 'number-taken',
        field: 'phoneNumber',
        params: expect.objectContaining({ number: '+14255550100', holder: 'Redmond Subscriber Access' }),
      }),
    ]);
    const error = await services.contacts.create(values).catch((e) => e);
    expect(error).toMatchObject({ code: 'ALREADY_EXISTS', details: { field: 'phoneNumber', refusal: { code: 'number-taken' } } });
    expect(error.message).toContain('is already the number of Redmond Subscriber Access');
    expect(await admin.search(umContacts, { filter: '(msRTCSIP-PrimaryUserAddress=sip:it-dupnum@contoso.test)', attributes: ['1.1'] })).toEqual([]);
  });

  it('refuses a name another object has in the OU (it is the CN), before writing', async () => {
    const values = base({
      kind: 'SA',
      targetDn: await redmondDn(),
      name: 'Redmond Subscriber Access',
      sipAddress: 'sip:it-samename@contoso.test',
      phoneNumber: '+14255550101',
    });
    const checked = await services.contacts.check(values);
    expect(checked.refusals).toEqual([
      expect.objectContaining({ code: 'name-taken', field: 'name', params: expect.objectContaining({ ou: 'contoso.test/Lab/UM Contacts' }) }),
    ]);
    await expect(services.contacts.create(values)).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      details: { field: 'name', refusal: { code: 'name-taken' } },
    });
    // The Lync shell names contacts CN={GUID} [S3]: the same name is no clash there.
    expect((await services.contacts.check({ ...values, route: 'powershell' })).refusals).toEqual([]);
  });

  it('warns of a second SA contact for a dial plan, and creates it for another access number', async () => {
    const values = base({
      kind: 'SA',
      targetDn: await redmondDn(),
      name: 'Redmond Subscriber Access 2',
      sipAddress: 'sip:it-second@contoso.test',
      phoneNumber: '+14255550101',
    });
    const checked = await services.contacts.check(values);
    expect(checked.refusals).toEqual([]);
    expect(checked.warnings).toContainEqual({
      code: 'dial-plan-has-sa-contact',
      params: { target: 'Redmond', others: 'Redmond Subscriber Access (+14255550100)' },
    });
    expect(codes(checked)).not.toContain('number-not-access-number');
    const created = await services.contacts.create(values);
    expect(codes(created)).toContain('dial-plan-has-sa-contact');
    await admin.delete(created.dn);
  });

  it("warns of a dial plan whose VoIP security Lync's required encryption cannot use: SIPSecured Tokyo, and Tokyo made Unsecured [S4][S9]", async () => {
    const values = { ...base({ sipAddress: 'sip:it-sec@contoso.test' }), kind: 'SA' as const };
    await services.topology.get({ refresh: true });
    expect((await services.contacts.check(values)).warnings).toContainEqual({
      code: 'voip-security-incompatible',
      params: expect.objectContaining({ dialPlan: 'Tokyo', security: 'SIPSecured', encryptionLevel: 'RequireEncryption', required: 'Secured' }),
    });
    // msExchUMDialPlanVoipSecurity 2 = Unsecured (forest-reader.ts).
    await admin.modify(tokyoDn, [{ operation: 'replace', attribute: 'msExchUMDialPlanVoipSecurity', values: '2' }]);
    try {
      await services.topology.get({ refresh: true });
      const unsecured = await services.contacts.check(values);
      expect(unsecured.warnings).toContainEqual({
        code: 'voip-security-incompatible',
        params: expect.objectContaining({ dialPlan: 'Tokyo', security: 'Unsecured', required: 'Secured' }),
      });
      expect(unsecured.refusals).toEqual([]);
      // Warned, not refused: the contact is right, the fix is on the dial plan.
      const created = await services.contacts.create(values);
      expect(codes(created)).toContain('voip-security-incompatible');
      await admin.delete(created.dn);
    } finally {
      await admin.modify(tokyoDn, [{ operation: 'replace', attribute: 'msExchUMDialPlanVoipSecurity', values: '1' }]);
      await services.topology.get({ refresh: true });
    }
  });

  it('edits the pool, over LDAP and as Move-CsExUmContact [S25], to the pools OcsUmUtil offers only', async () => {
    const created = await services.contacts.create(base({ sipAddress: 'sip:it-pool-edit@contoso.test' }));
    const ldap = await services.contacts.update({
      profile: 'lab-umadmin',
      dn: created.dn,
      expectedVersion: created.contact!.version,
      loaded: loadedOf(created.contact!),
      changes: { name: 'Tokyo SA (pool02)', poolFqdn: 'pool02.contoso.test' },
      route: 'ldap',
    });
    expect(ldap.contact).toMatchObject({ displayName: 'Tokyo SA (pool02)', pool: { name: 'pool02.contoso.test' } });
    expect(services.audit.list({ target: created.dn }).map((e) => e.action)).toEqual(expect.arrayContaining(['contact.update', 'contact.move-pool']));
    const shell = await services.contacts.update({
      profile: 'lab-umadmin',
      dn: created.dn,
      expectedVersion: ldap.contact!.version,
      loaded: loadedOf(ldap.contact!),
      changes: { poolFqdn: 'pool01.contoso.test' },
      route: 'powershell',
    });
    expect(shell.command).toBe("Move-CsExUmContact -Identity 'sip:it-pool-edit@contoso.test' -Target 'pool01.contoso.test'");
    expect(shell.contact).toMatchObject({ pool: { name: 'pool01.contoso.test' } });
    for (const [pool, reason] of [
      ['sba01.contoso.test', 'branch'],
      ['dir01.contoso.test', 'director'],
      ['ocs01.contoso.test', 'legacy'],
    ]) {
      const current = (await services.contacts.list(true)).find((c) => c.dn === created.dn)!;
      const checked = await services.contacts.check({
        profile: 'lab-umadmin',
        dn: current.dn,
        name: current.displayName!,
        sipAddress: current.sipAddress!,
        phoneNumber: current.phoneNumber!,
        poolFqdn: pool!,
        route: 'ldap',
      });
      expect(checked.refusals).toEqual([expect.objectContaining({ code: 'pool-not-allowed', field: 'poolFqdn', params: expect.objectContaining({ reason }) })]);
      await expect(
        services.contacts.update({
          profile: 'lab-umadmin',
          dn: current.dn,
          expectedVersion: current.version,
          loaded: loadedOf(current),
          changes: { poolFqdn: pool },
          route: 'ldap',
        }),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'poolFqdn' } });
      expect((await services.contacts.list(true)).find((c) => c.dn === created.dn)!.pool?.name).toBe('pool01.contoso.test');
    }
    await admin.delete(created.dn);
  });

  it('never refuses an edit for a value it keeps', async () => {
    const created = await services.contacts.create(base({ sipAddress: 'sip:it-keep@contoso.test', phoneNumber: '+81355550192' }));
    // Another contact gets the same number behind the console's back: the list flags it; a rename still goes through.
    await admin.modify(created.dn, [{ operation: 'replace', attribute: 'telephoneNumber', values: '+14255550100' }]);
    const current = (await services.contacts.list(true)).find((c) => c.dn === created.dn)!;
    const renamed = await services.contacts.update({
      profile: 'lab-umadmin',
      dn: current.dn,
      expectedVersion: current.version,
      loaded: loadedOf(current),
      changes: { name: 'it keep', sipAddress: current.sipAddress, phoneNumber: current.phoneNumber },
      route: 'ldap',
    });
    expect(renamed.contact?.displayName).toBe('it keep');
    await admin.delete(created.dn);
  });
});

describe('the list', () => {
  it('groups data a table needs and flags problems: a duplicate number, a dial plan in a forest not connected', async () => {
    const dup = await services.contacts.create(
      base({ kind: 'SA', targetDn: tokyoDn, name: 'it dup', sipAddress: 'sip:it-dup2@contoso.test', phoneNumber: '+81355550100' }),
    );
    await admin.modify(dup.dn, [{ operation: 'replace', attribute: 'telephoneNumber', values: '+14255550100' }]);
    const list = await services.contacts.list(true);
    const redmond = list.find((c) => c.sipAddress === 'sip:RedmondSA@contoso.test')!;
    expect(redmond.problems.map((p) => p.code)).toContain('duplicate-number');
    const kaohsiung = list.find((c) => c.sipAddress === 'sip:KaohsiungSA@contoso.test')!;
    expect(kaohsiung.problems).toContainEqual(expect.objectContaining({ code: 'target-other-forest', severity: 'info' }));
    await admin.delete(dup.dn);
  });
});

describe('um-console contacts', () => {
  it('creates with --pilot, lists, updates and deletes by --sip', () => {
    const env = { UMC_DATA_DIR: services.environment.dataDir };
    const created = runCli(
      [
        'contacts',
        'create',
        '--profile',
        'lab-umadmin',
        '--type',
        'AA',
        '--auto-attendant',
        'TokyoAA',
        '--sip',
        'sip:it-cli@contoso.test',
        '--pilot',
        '--pool',
        'pool01.contoso.test',
        '--ou',
        umContacts,
        '--json',
      ],
      env,
    );
    expect(created.status, created.stdout + created.stderr).toBe(0);
    expect(created.json()).toMatchObject({ route: 'ldap', contact: { kind: 'AA', phoneNumber: '+81355550123', displayName: 'TokyoAA Auto Attendant' } });
    const listed = runCli(['contacts', 'list', '--profile', 'lab-umadmin', '--json'], env);
    expect((listed.json() as ContactItem[]).map((c) => c.sipAddress)).toContain('sip:it-cli@contoso.test');
    const updated = runCli(['contacts', 'update', '--profile', 'lab-umadmin', '--sip', 'sip:it-cli@contoso.test', '--name', 'Tokyo AA (CLI)', '--json'], env);
    expect(updated.json()).toMatchObject({ contact: { displayName: 'Tokyo AA (CLI)' } });
    const moved = runCli(
      ['contacts', 'update', '--profile', 'lab-umadmin', '--sip', 'sip:it-cli@contoso.test', '--pool', 'pool02.contoso.test', '--json'],
      env,
    );
    expect(moved.json()).toMatchObject({ contact: { pool: { name: 'pool02.contoso.test' } } });
    const deleted = runCli(['contacts', 'delete', '--profile', 'lab-umadmin', '--sip', 'sip:it-cli@contoso.test', '--json'], env);
    expect(deleted.status).toBe(0);
    const refused = runCli(
      [
        'contacts',
        'create',
        '--profile',
        'lab-readonly',
        '--type',
        'SA',
        '--dial-plan',
        'Tokyo',
        '--sip',
        'sip:it-cli2@contoso.test',
        '--pilot',
        '--ou',
        umContacts,
        '--json',
      ],
      env,
    );
    expect(refused.status).toBe(1);
    expect(refused.json()).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
  });
});
