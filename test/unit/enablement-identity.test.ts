import { describe, expect, it } from 'vitest';
import { canonicalName } from '../../shared/dn';
import {
  identityFilterTerms,
  indexKeys,
  lookupKeys,
  matchesOf,
  parseGuid,
  resolveIdentity,
  type IdentityKeys,
} from '../../electron/services/enablement/validation/identity-resolution';
import { isE164Shaped, isSmtpAddress, normalizeSri } from '../../electron/services/enablement/validation/uri-rules';

const domains = [{ dn: 'DC=contoso,DC=test', dnsName: 'contoso.test', netbios: 'CONTOSO' }];
const u1: IdentityKeys = {
  dn: 'CN=u00001,OU=Users,OU=Lab,DC=contoso,DC=test',
  objectGuid: '0f8fad5b-d9cb-469f-a165-70867728950e',
  name: 'u00001',
  alias: 'user00001',
  sam: 'u00001',
  upn: 'u00001@contoso.test',
  mail: 'u00001@contoso.test',
  legacyExchangeDn: '/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=user00001',
  displayName: 'User 00001',
  proxyAddresses: ['SMTP:u00001@contoso.test', 'smtp:alias@contoso.test', 'X500:/o=Old/cn=u1', 'sip:u00001@contoso.test'],
};
const other: IdentityKeys = { dn: 'CN=User 00001,OU=Other,DC=contoso,DC=test', name: 'User 00001', sam: 'other', displayName: 'Someone', proxyAddresses: [] };

describe('-Identity as the documentation lists it [S14]', () => {
  it.each([
    ['u00001', 'name'],
    ['user00001', 'alias'],
    ['CN=u00001,OU=Users,OU=Lab,DC=contoso,DC=test', 'dn'],
    ['cn=U00001, ou=Users,ou=Lab,dc=contoso,dc=test', 'dn'],
    ['contoso.test/Lab/Users/u00001', 'canonical'],
    ['CONTOSO\\u00001', 'account'],
    ['alias@contoso.test', 'email'],
    ['U00001@CONTOSO.TEST', 'email'],
    ['{0F8FAD5B-D9CB-469F-A165-70867728950E}', 'guid'],
    ['/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=user00001', 'legacy-dn'],
    ['/o=Old/cn=u1', 'x500'],
  ])('%s resolves by %s', (identity, by) => {
    const result = resolveIdentity(identity, [u1], domains);
    expect(result.matches).toEqual([u1]);
    expect(result.matchedBy).toBe(by);
  });

  it('never resolves a display name, but says whose it is', () => {
    expect(resolveIdentity('User 00001', [u1], domains)).toEqual({ matches: [], displayNameOnly: [u1] });
  });

  it("takes the first phase that finds anything: an alias wins over another object's name", () => {
    const named = { ...other, name: 'user00001' };
    expect(resolveIdentity('user00001', [named, u1], domains).matches).toEqual([u1]);
    // Two names in the same phase are ambiguous.
    expect(resolveIdentity('u00001', [u1, { ...other, name: 'u00001' }], domains).matches).toHaveLength(2);
  });

  it('matches DOMAIN\\user only in that domain', () => {
    expect(resolveIdentity('FABRIKAM\\u00001', [u1], domains).matches).toEqual([]);
    expect(resolveIdentity('contoso.test\\u00001', [u1], domains).matchedBy).toBe('account');
  });

  it('builds one filter term per form, escaped, with the GUID as bytes', () => {
    const terms = identityFilterTerms('a*b)(c');
    expect(terms).toContain('(mailNickname=a\\2ab\\29\\28c)');
    expect(terms.join('')).not.toMatch(/[^\\]\*|\)\(c/);
    expect(identityFilterTerms('CN=x,DC=y')).toEqual(['(distinguishedName=CN=x,DC=y)']);
    expect(identityFilterTerms('0f8fad5b-d9cb-469f-a165-70867728950e')).toContain(
      '(objectGUID=\\5b\\ad\\8f\\0f\\cb\\d9\\9f\\46\\a1\\65\\70\\86\\77\\28\\95\\0e)',
    );
    expect(identityFilterTerms('   ')).toEqual([]);
  });

  it('finds candidates by index keys that agree with the matching', () => {
    const keys = new Set(indexKeys(u1));
    for (const identity of [
      'u00001',
      'user00001',
      'CONTOSO\\u00001',
      'contoso.test/Lab/Users/u00001',
      'cn=u00001,ou=users,ou=lab,dc=contoso,dc=test',
      '0f8fad5b-d9cb-469f-a165-70867728950e',
      'alias@contoso.test',
    ]) {
      expect(
        lookupKeys(identity).some((k) => keys.has(k)),
        identity,
      ).toBe(true);
      expect(matchesOf(identity, u1, domains).length, identity).toBeGreaterThan(0);
    }
  });

  it('writes canonical names and parses GUIDs as AD does', () => {
    expect(canonicalName('CN=u00001,OU=Users,OU=Lab,DC=contoso,DC=test')).toBe('contoso.test/Lab/Users/u00001');
    expect(parseGuid('0F8FAD5BD9CB469FA16570867728950E')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(parseGuid('not-a-guid')).toBeUndefined();
  });
});

describe('the shapes of a SIP resource identifier [S11 IsUriValid]', () => {
  it('strips sip: in any case and spaces, and nothing else', () => {
    expect(['sip:a@b.c', 'SIP:a@b.c', ' Sip: a@b.c ', 'a@b.c'].map(normalizeSri)).toEqual(['a@b.c', 'a@b.c', 'a@b.c', 'a@b.c']);
    expect(normalizeSri('tel:+1425')).toBe('tel:+1425');
  });
  it('tells user@domain from anything with a scheme or spaces', () => {
    expect(['tony@contoso.com', 'first.last@sub.contoso.com', "o'neil@contoso.com"].every(isSmtpAddress)).toBe(true);
    expect(['sip:tony@contoso.com', 'tony', 'tony@', '@contoso.com', 'to ny@contoso.com', 'a..b@c.d'].some(isSmtpAddress)).toBe(false);
  });
  it('takes E.164 as Exchange does: + and digits', () => {
    expect(['+14255550123', '+1'].every(isE164Shaped)).toBe(true);
    expect(['14255550123', '+', '+1 425', 'tel:+1425'].some(isE164Shaped)).toBe(false);
  });
});
