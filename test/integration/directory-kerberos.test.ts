import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AppServices } from '../../electron/services/app-services';
import { kerberosAvailable } from '../../electron/services/directory/kerberos-bind';
import type { Profile } from '@shared/models/profile';
import { LAB_PASSWORD } from '../lab/lab-config';
import { createTestServices, openLabSession, requireLab } from './support/test-services';

/**
 * "Sign in as the logged-on user": a SASL GSSAPI bind with a ticket from the lab's KDC (the Samba
 * DC), as an admin's kinit (or Windows logon) would hold it. No password reaches the console.
 */
const lab = requireLab();
const contoso = lab.forests.find((f) => f.role === 'lync-exchange')!;
const scratch = mkdtempSync(join(tmpdir(), 'umc-krb-'));
const saved = { KRB5_CONFIG: process.env.KRB5_CONFIG, KRB5CCNAME: process.env.KRB5CCNAME };
const opened: AppServices[] = [];

afterEach(() => {
  process.env.KRB5_CONFIG = saved.KRB5_CONFIG;
  process.env.KRB5CCNAME = saved.KRB5CCNAME;
});
afterAll(async () => {
  for (const s of opened) await s.shutdown();
});

/** A ticket cache of its own, holding a TGT for `account` (kinit reads the password on stdin). */
function ticketFor(account: string): string {
  const cache = `FILE:${join(scratch, `${account}-${Date.now()}.cc`)}`;
  const run = spawnSync('kinit', [`${account}@${contoso.dnsName.toUpperCase()}`], {
    input: `${LAB_PASSWORD}\n`,
    encoding: 'utf8',
    env: { ...process.env, KRB5_CONFIG: lab.krb5Config, KRB5CCNAME: cache },
  });
  if (run.status !== 0) throw new Error(`kinit failed: ${run.stderr}`);
  return cache;
}

/** The process's Kerberos environment, as an admin's session would have it. */
function useTicket(cache: string): void {
  process.env.KRB5_CONFIG = lab.krb5Config;
  process.env.KRB5CCNAME = cache;
}

function kerberosProfile(name: string, patch: Partial<Profile['directory']> = {}): Profile {
  return {
    name,
    directory: { host: contoso.host, port: contoso.ldapsPort, security: 'ldaps', caFile: lab.caFile, authentication: 'kerberos', timeoutMs: 15_000, ...patch },
    exchange: { kind: 'lab', modulePath: lab.modulePath },
  };
}

function services(): AppServices {
  const { services } = createTestServices();
  opened.push(services);
  return services;
}

describe('signing in with Kerberos', () => {
  it('has what it needs here: the addon, the lab KDC and kinit', () => {
    expect(kerberosAvailable()).toBe(true);
    expect(lab.krb5Config).toBeTruthy();
  });

  it("binds over LDAPS as the ticket's user with no password, reads the forest, and audits as that user", async () => {
    useTicket(ticketFor('lab-umadmin'));
    const s = services();
    const summary = s.profiles.save(kerberosProfile('krb-umadmin'));
    expect(summary.secretSource).toBe('kerberos');
    const state = await s.connections.connect('krb-umadmin');
    expect(state).toMatchObject({ status: 'connected', forest: 'contoso.test', boundAs: 'lab-umadmin@CONTOSO.TEST', dcHost: 'dc1.contoso.test' });
    const session = await s.connections.ensure('krb-umadmin');
    const found = await session.searchForest({ filter: '(sAMAccountName=u00001)', attributes: ['cn'] });
    expect(found).toMatchObject({ forestWide: true, entries: [{ dn: 'CN=u00001,OU=Users,OU=Lab,DC=contoso,DC=test' }] });
    // Rights come from the ticket's user: lab-umadmin is in both RTC admin groups.
    const topology = await s.topology.get({ profiles: ['krb-umadmin'] });
    expect(topology.forests.length).toBeGreaterThan(0);
    const confirmation = await s.checklist.confirm({ stepId: 'voip-security', profile: 'krb-umadmin', note: 'kerberos test' });
    expect(confirmation.by).toBe('lab-umadmin@CONTOSO.TEST');
    expect(s.audit.list({ limit: 5 }).find((e) => e.action === 'checklist.confirm')?.actor).toMatchObject({
      profile: 'krb-umadmin',
      identity: 'lab-umadmin@CONTOSO.TEST',
    });
    await s.checklist.unconfirm({ stepId: 'voip-security', profile: 'krb-umadmin' });
  });

  it('binds with StartTLS on port 389 as well', async () => {
    useTicket(ticketFor('lab-readonly'));
    const s = services();
    s.profiles.save(kerberosProfile('krb-starttls', { port: contoso.ldapPort, security: 'starttls' }));
    expect(await s.connections.connect('krb-starttls')).toMatchObject({ status: 'connected', boundAs: 'lab-readonly@CONTOSO.TEST' });
  });

  it('without a ticket: says so, and never asks for a password', async () => {
    const empty = join(scratch, 'empty.cc');
    writeFileSync(empty, '');
    useTicket(`FILE:${empty}`);
    const s = services();
    s.profiles.save(kerberosProfile('krb-noticket'));
    await expect(s.connections.connect('krb-noticket')).rejects.toMatchObject({ code: 'KERBEROS_NO_TICKET', message: expect.stringContaining('kinit') });
    expect(s.connections.state('krb-noticket')).toMatchObject({ status: 'failed', error: { code: 'KERBEROS_NO_TICKET' } });
  });

  it('a disabled account holding a valid ticket is refused by the DC, with the reason', async () => {
    const cache = ticketFor('lab-serveradmin');
    const admin = await openLabSession('lab');
    const dn = 'CN=lab-serveradmin,CN=Users,DC=contoso,DC=test';
    const before = (await admin.read(dn, ['userAccountControl']))!.get('userAccountControl')!;
    await admin.modify(dn, [{ operation: 'replace', attribute: 'userAccountControl', values: String(Number(before) | 0x2) }]);
    try {
      useTicket(cache);
      const s = services();
      s.profiles.save(kerberosProfile('krb-disabled'));
      await expect(s.connections.connect('krb-disabled')).rejects.toMatchObject({ code: 'ACCESS_DENIED', message: expect.stringContaining('disabled') });
    } finally {
      await admin.modify(dn, [{ operation: 'replace', attribute: 'userAccountControl', values: before }]);
      await admin.close();
    }
  });

  it('keeps no password, and tells the lab shell why it cannot sign in with a ticket', async () => {
    useTicket(ticketFor('lab-exchadmin'));
    const s = services();
    s.profiles.save(kerberosProfile('krb-shell'));
    await s.connections.connect('krb-shell');
    expect(s.profiles.resolveSecret('krb-shell')).toBeUndefined();
    await expect(s.powershell.invoke('krb-shell', 'exchange', 'Get-UMDialPlan', {})).rejects.toMatchObject({
      code: 'POWERSHELL_UNAVAILABLE',
      message: expect.stringContaining('Kerberos'),
    });
  });
});
