/**
 * The one place where values are made safe for LDAP filters (RFC 4515). Every filter the console
 * builds goes through here; DNs have their own toolkit in shared/dn.ts.
 */

const hex = (code: number) => `\\${code.toString(16).padStart(2, '0')}`;

/**
 * Escapes a value for use inside an LDAP filter assertion (RFC 4515 §3): `*`, `(`, `)`, `\` and
 * NUL become `\2a`, `\28`, `\29`, `\5c`, `\00`. Non-ASCII text stays UTF-8 as the RFC allows.
 */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    out += ch === '*' || ch === '(' || ch === ')' || ch === '\\' || code === 0 ? hex(code) : ch;
  }
  return out;
}

/**
 * Builds a filter from a template whose `${}` holes are escaped values, so a filter can be read
 * as written: filter`(&(objectClass=user)(sAMAccountName=${name}))`.
 */
export function filter(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce((acc, part, i) => acc + part + (i < values.length ? escapeFilterValue(String(values[i])) : ''), '');
}
