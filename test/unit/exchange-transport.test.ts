import { describe, expect, it } from 'vitest';
import { basicOverHttp, exchangeConnectionUri, profileSchema, type ExchangeEndpoint } from '@shared/models/profile';

/** Basic authentication only over HTTPS, with profiles saved before the transport existed still loading. */
describe('Exchange endpoint transport', () => {
  const saved = { name: 'corp', directory: { host: 'dc1.corp.example', port: 636, security: 'ldaps', bindIdentity: 'admin@corp.example' } };

  it('reads a profile saved before the transport field as http, Basic included, so it still loads', () => {
    const parsed = profileSchema.parse({ ...saved, exchange: { kind: 'remote', server: 'ex1.corp.example', authentication: 'Basic' } });
    expect(parsed.exchange).toMatchObject({ kind: 'remote', transport: 'http', authentication: 'Basic' });
    expect(basicOverHttp(parsed.exchange)).toBe(true);
  });

  it('refuses Basic over http only', () => {
    const remote = (authentication: 'Kerberos' | 'Negotiate' | 'Basic', transport: 'http' | 'https'): ExchangeEndpoint => ({
      kind: 'remote',
      server: 'ex1.corp.example',
      authentication,
      transport,
      useProfileCredential: true,
    });
    expect(basicOverHttp(remote('Basic', 'http'))).toBe(true);
    expect(basicOverHttp(remote('Basic', 'https'))).toBe(false);
    expect(basicOverHttp(remote('Kerberos', 'http'))).toBe(false);
    expect(basicOverHttp(remote('Negotiate', 'http'))).toBe(false);
    expect(basicOverHttp({ kind: 'lab', modulePath: '/lab/UmLab' })).toBe(false);
    expect(basicOverHttp(undefined)).toBe(false);
  });

  it('connects to the scheme the profile names', () => {
    expect(exchangeConnectionUri({ kind: 'remote', server: 'ex1.corp.example', authentication: 'Basic', transport: 'https', useProfileCredential: true })).toBe(
      'https://ex1.corp.example/PowerShell/',
    );
    expect(
      exchangeConnectionUri({ kind: 'remote', server: 'ex1.corp.example', authentication: 'Kerberos', transport: 'http', useProfileCredential: false }),
    ).toBe('http://ex1.corp.example/PowerShell/');
  });
});
