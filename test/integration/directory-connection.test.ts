import { Client } from 'ldapts';
import { afterAll, describe, expect, it } from 'vitest';
import type { DirectoryEndpoint } from '@shared/models/profile';
import { toDirectoryError } from '../../electron/services/directory/directory-errors';
import { DirectorySession } from '../../electron/services/directory/directory-session';
import { LAB_PASSWORD } from '../../electron/services/profiles/lab-profiles';
import { requireLab } from './support/test-services';

/** Every way a bind can fail gets a clear, specific error an admin can act on. */
const lab = requireLab();
const contosoHost = lab.forests.find((f) => f.role === 'lync-exchange')!.host;
const endpoint: DirectoryEndpoint = {
  host: contosoHost,
  port: 636,
  security: 'ldaps',
  caFile: lab.caFile,
  authentication: 'password',
  bindIdentity: 'lab-readonly@contoso.test',
  timeoutMs: 5000,
};
const opened: DirectorySession[] = [];
const open = async (e: DirectoryEndpoint, password = LAB_PASSWORD) => {
  const session = await DirectorySession.open(e, password);
  opened.push(session);
  return session;
};
afterAll(async () => {
  for (const s of opened) await s.close();
});

describe('connecting to a DC', () => {
  it('binds over LDAPS and reads the RootDSE (naming contexts, forest root)', async () => {
    const session = await open(endpoint);
    expect(session.rootDse).toMatchObject({
      defaultNamingContext: 'DC=contoso,DC=test',
      rootDomainNamingContext: 'DC=contoso,DC=test',
      configurationNamingContext: 'CN=Configuration,DC=contoso,DC=test',
      forestDnsName: 'contoso.test',
      dnsHostName: 'dc1.contoso.test',
    });
  });

  it('binds with StartTLS on port 389, certificate checked', async () => {
    const session = await open({ ...endpoint, port: 389, security: 'starttls' });
    expect(session.rootDse.defaultNamingContext).toBe('DC=contoso,DC=test');
  });

  it('accepts DOMAIN\\user and DN bind identities as well as UPNs', async () => {
    await expect(open({ ...endpoint, bindIdentity: 'CN=lab-readonly,CN=Users,DC=contoso,DC=test' })).resolves.toBeDefined();
  });

  it('reports an untrusted certificate with subject, issuer and fingerprint, and does not connect', async () => {
    const failure = await DirectorySession.open({ ...endpoint, caFile: undefined }, LAB_PASSWORD).catch((e) => e);
    expect(failure.code).toBe('CERT_UNTRUSTED');
    expect(failure.details.certificate).toMatchObject({
      subject: expect.stringContaining('dc1.contoso.test'),
      issuer: expect.stringContaining('UM Lab Root CA'),
      fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
    });
  });

  it('also for StartTLS', async () => {
    const failure = await DirectorySession.open({ ...endpoint, port: 389, security: 'starttls', caFile: undefined }, LAB_PASSWORD).catch((e) => e);
    expect(failure.code).toBe('CERT_UNTRUSTED');
    expect(failure.details.reason).not.toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(failure.details.certificate.issuer).toContain('UM Lab Root CA');
  });

  it('refuses a certificate that does not name the host connected to', async () => {
    const failure = await DirectorySession.open({ ...endpoint, host: 'localhost' }, LAB_PASSWORD).catch((e) => e);
    expect(failure.code).toBe('CERT_UNTRUSTED');
    expect(failure.details.reason).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('reports a DC that does not answer', async () => {
    const failure = await DirectorySession.open({ ...endpoint, port: 1 }, LAB_PASSWORD).catch((e) => e);
    expect(failure.code).toBe('DC_UNREACHABLE');
    expect(failure.message).toContain(`${contosoHost}:1`);
  });

  it('reports an unreadable CA file', async () => {
    const failure = await DirectorySession.open({ ...endpoint, caFile: '/nonexistent/ca.pem' }, LAB_PASSWORD).catch((e) => e);
    expect(failure.code).toBe('INVALID_INPUT');
    expect(failure.message).toContain('/nonexistent/ca.pem');
  });

  it('explains "strong authentication required" (a simple bind without TLS)', async () => {
    const client = new Client({ url: `ldap://${contosoHost}:389` });
    const error = await client.bind('lab-readonly@contoso.test', LAB_PASSWORD).catch((e) => e);
    await client.unbind().catch(() => undefined);
    const mapped = toDirectoryError(error, `bind to ${contosoHost}:389`);
    expect(mapped.code).toBe('STRONG_AUTH_REQUIRED');
    expect(mapped.message).toContain('LDAPS');
  });

  it('never puts the password in an error', async () => {
    const failure = await DirectorySession.open(endpoint, 'Wrong-Secret-42').catch((e) => e);
    expect(failure.code).toBe('AUTH_FAILED');
    expect(JSON.stringify({ message: failure.message, details: failure.details })).not.toContain('Wrong-Secret-42');
  });
});
