import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeFilterValue, filter } from '../../electron/services/directory/ldap-escape';
import { childDn, dnEquals, escapeDnValue, formatDn, isDnWithin, parentDn, parseDn, rdnValue } from '../../shared/dn';

describe('RFC 4515 filter values', () => {
  it('escapes the five special characters and nothing else', () => {
    expect(escapeFilterValue('a*b(c)d\\e\0f')).toBe('a\\2ab\\28c\\29d\\5ce\\00f');
    expect(escapeFilterValue('陳大文 O\'Brien "x" $(whoami); ,+=<>#')).toBe('陳大文 O\'Brien "x" $\\28whoami\\29; ,+=<>#');
  });

  it('cannot be broken out of by any value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const escaped = escapeFilterValue(value);
        expect(escaped).not.toMatch(/[()*\0]/);
        expect(escaped.replace(/\\[0-9a-f]{2}/g, '')).not.toContain('\\');
      }),
    );
  });

  it('builds filters from templates with escaped holes', () => {
    expect(filter`(&(objectClass=user)(sAMAccountName=${'*)(uid=*'}))`).toBe('(&(objectClass=user)(sAMAccountName=\\2a\\29\\28uid=\\2a))');
  });
});

describe('RFC 4514 distinguished names', () => {
  it('escapes a hostile contact name', () => {
    const name = 'Smith, "AA" #1+ <x>;';
    const dn = childDn('CN', name, 'OU=UM Contacts,DC=contoso,DC=test');
    expect(dn).toBe('CN=Smith\\, \\"AA\\" #1\\+ \\<x\\>\\;,OU=UM Contacts,DC=contoso,DC=test');
    expect(rdnValue(dn)).toBe(name);
    expect(parentDn(dn)).toBe('OU=UM Contacts,DC=contoso,DC=test');
  });

  it('escapes leading # and spaces, trailing spaces, backslash and control characters', () => {
    expect(escapeDnValue('#lead')).toBe('\\#lead');
    expect(escapeDnValue(' both ')).toBe('\\ both\\ ');
    expect(escapeDnValue('back\\slash')).toBe('back\\5cslash');
    expect(escapeDnValue('line\nbreak\r\0')).toBe('line\\0abreak\\0d\\00');
    expect(escapeDnValue('a=b')).toBe('a\\=b');
  });

  it('round-trips any value through escape and parse', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (value) => {
        const dn = childDn('CN', value, 'OU=x,DC=contoso,DC=test');
        const parsed = parseDn(dn);
        expect(parsed[0]?.value).toBe(value);
        expect(parsed).toHaveLength(4);
      }),
    );
  });

  it("parses hex escapes, #hex values and AD's own escaping", () => {
    expect(parseDn('CN=\\E9\\99\\B3 x,DC=t')).toEqual([
      { type: 'CN', value: '陳 x' },
      { type: 'DC', value: 't' },
    ]);
    expect(parseDn('CN=#414243,DC=t')[0]?.value).toBe('ABC');
    expect(parseDn('CN=a\\\\b,DC=t')[0]?.value).toBe('a\\b');
    expect(parseDn('CN=trailing\\ ,DC=t')[0]?.value).toBe('trailing ');
    expect(parseDn('CN=unescaped  , DC=t')[0]?.value).toBe('unescaped');
  });

  it('compares DNs case- and escaping-insensitively', () => {
    expect(dnEquals('CN=Foo\\,Bar,DC=Contoso,DC=Test', 'cn=foo\\2cbar,dc=contoso,dc=test')).toBe(true);
    expect(isDnWithin('CN=x,OU=Lab,DC=contoso,DC=test', 'ou=lab,dc=contoso,dc=test')).toBe(true);
    expect(isDnWithin('CN=x,OU=Laboratory,DC=contoso,DC=test', 'OU=Lab,DC=contoso,DC=test')).toBe(false);
  });

  it('is not fooled by a crafted DN', () => {
    // An object named "x,OU=Lab" directly under the domain: its DN ends in the text ",OU=Lab,DC=…".
    expect(isDnWithin('CN=x\\,OU=Lab,DC=contoso,DC=test', 'OU=Lab,DC=contoso,DC=test')).toBe(false);
    expect(isDnWithin('CN=x\\2c OU=Lab,DC=contoso,DC=test', 'OU=Lab,DC=contoso,DC=test')).toBe(false);
    // A multi-valued RDN is not its first component.
    expect(isDnWithin('CN=x,OU=Lab+CN=y,DC=contoso,DC=test', 'OU=Lab,DC=contoso,DC=test')).toBe(false);
    expect(dnEquals('OU=Lab+CN=y,DC=contoso,DC=test', 'OU=Lab,DC=contoso,DC=test')).toBe(false);
    expect(isDnWithin('CN=x,OU=Lab,DC=contoso,DC=test', 'OU=Lab,DC=contoso,DC=test,DC=extra')).toBe(false);
    expect(isDnWithin('not a dn', 'OU=Lab,DC=contoso,DC=test')).toBe(false);
  });

  it('rejects malformed DNs', () => {
    expect(() => parseDn('no equals sign')).toThrow();
    expect(() => parseDn('CN=dangling\\')).toThrow();
    expect(formatDn([{ type: 'OU', value: 'a,b' }])).toBe('OU=a\\,b');
  });
});
