import { BerReader, BerWriter, BindResponse } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { keepServerSaslCredentials, ldapServicePrincipal } from '../../electron/services/directory/kerberos-bind';

/**
 * The two places where the Kerberos sign-in leans on ldapts' internals (issue #254: SASL
 * credentials as text). If an ldapts upgrade changes them, these fail before any bind does.
 */
describe('binary SASL credentials through ldapts', () => {
  const token = Buffer.from([0x60, 0x82, 0x02, 0x9a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0xff, 0x00, 0xc3]);

  it('keeps serverSaslCreds of a bind response as the bytes the DC sent', () => {
    keepServerSaslCredentials();
    // BindResponse ::= [APPLICATION 1] { resultCode 14, matchedDN "", diagnosticMessage "", serverSaslCreds [7] }
    const writer = new BerWriter();
    writer.writeEnumeration(14);
    writer.writeString('');
    writer.writeString('');
    writer.writeBuffer(token, 0x87);
    const response = new BindResponse({ messageId: 1 }) as BindResponse & { serverSaslCredentials?: Buffer };
    (response as unknown as { parseMessage(r: BerReader): void }).parseMessage(new BerReader(writer.buffer));
    expect(response.status).toBe(14);
    expect(response.serverSaslCredentials?.equals(token)).toBe(true);
  });

  it('leaves a simple bind response as it was', () => {
    keepServerSaslCredentials();
    const writer = new BerWriter();
    writer.writeEnumeration(49);
    writer.writeString('');
    writer.writeString('80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data 52e, v4563');
    const response = new BindResponse({ messageId: 2 }) as BindResponse & { serverSaslCredentials?: Buffer };
    (response as unknown as { parseMessage(r: BerReader): void }).parseMessage(new BerReader(writer.buffer));
    expect(response.status).toBe(49);
    expect(response.errorMessage).toContain('data 52e');
    expect(response.serverSaslCredentials).toBeUndefined();
  });
});

describe('the LDAP service principal', () => {
  it('is ldap/<fqdn> for SSPI on Windows and ldap@<fqdn> (host-based) for GSSAPI elsewhere', () => {
    expect(ldapServicePrincipal('dc1.contoso.test', 'win32')).toBe('ldap/dc1.contoso.test');
    expect(ldapServicePrincipal('dc1.contoso.test', 'linux')).toBe('ldap@dc1.contoso.test');
  });
});
