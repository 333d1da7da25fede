/**
 * Distinguished names (RFC 4514), the one toolkit the main process, the CLI and the renderer use:
 * escape, parse, compose, compare, "within", and the admin's display form. Pure (no Node APIs) so
 * the renderer can use it too. Never split a DN with a regular expression: escaped commas, hex
 * escapes and multi-valued RDNs all fool one.
 */

const hex = (code: number) => `\\${code.toString(16).padStart(2, '0')}`;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Escapes one attribute value for a DN (RFC 4514 §2.4): `"` `+` `,` `;` `<` `>` and `=` are
 * backslash-escaped, `\` becomes `\5c`, a leading `#` or space and a trailing space too, and control
 * characters (NUL, CR, LF …) become `\hh` — Active Directory rejects them raw.
 */
export function escapeDnValue(value: string): string {
  // Most values need nothing escaped: return them as they are, without building a copy.
  if (!needsEscape.test(value) && value[0] !== '#' && value[0] !== ' ' && !value.endsWith(' ')) return value;
  let out = '';
  const chars = Array.from(value);
  chars.forEach((ch, i) => {
    const code = ch.codePointAt(0)!;
    // Backslash as \5c rather than \\: ldapts splits a ModifyDN target at the first comma not
    // preceded by a backslash, which `\\,` would fool.
    if (code < 0x20 || code === 0x7f || ch === '\\') out += hex(code);
    else if ('"+,;<>='.includes(ch)) out += `\\${ch}`;
    else if (i === 0 && (ch === '#' || ch === ' ')) out += `\\${ch}`;
    else if (i === chars.length - 1 && ch === ' ') out += '\\ ';
    else out += ch;
  });
  return out;
}

/** A character that escapeDnValue escapes wherever it is. */
const needsEscape = /[\x00-\x1f\x7f\\"+,;<>=]/;

export interface Rdn {
  type: string;
  value: string;
  /** The further components of a multi-valued RDN (`a=1+b=2` → `b=2`), as written. AD uses none. */
  more?: string;
}

/**
 * Parses a DN into its RDNs with values unescaped. Of a multi-valued RDN (`a=1+b=2`) the first
 * component is parsed and the rest kept as written (`more`), so that no comparison mistakes
 * `CN=a+OU=x` for `CN=a`. Throws on malformed input.
 */
export function parseDn(dn: string): Rdn[] {
  const rdns: Rdn[] = [];
  let i = 0;
  const n = dn.length;
  const skipSpaces = () => {
    while (i < n && dn[i] === ' ') i++;
  };
  // The further components of a multi-valued RDN, kept as written.
  const moreOf = () => {
    if (i >= n || dn[i] !== '+') return '';
    const start = i + 1;
    while (i < n && dn[i] !== ',' && dn[i] !== ';') i += dn[i] === '\\' ? 2 : 1;
    return dn.slice(start, i);
  };
  while (i < n) {
    skipSpaces();
    const typeStart = i;
    while (i < n && dn[i] !== '=') i++;
    const type = dn.slice(typeStart, i);
    if (i >= n || !type.trim()) throw new Error(`Not a valid DN: ${dn}`);
    i++; // '='
    skipSpaces();
    // The common case, a value with no escape at all: the text itself, less trailing spaces.
    const valueStart = i;
    while (i < n && dn[i] !== ',' && dn[i] !== ';' && dn[i] !== '+' && dn[i] !== '\\') i++;
    if (dn[valueStart] !== '#' && (i >= n || dn[i] !== '\\')) {
      let end = i;
      while (end > valueStart && dn[end - 1] === ' ') end--;
      const more = moreOf();
      const text = dn.slice(valueStart, end);
      rdns.push(more ? { type: type.trim(), value: text, more } : { type: type.trim(), value: text });
      if (i < n) i++; // ',' or ';'
      continue;
    }
    i = valueStart;
    // Each unit is one byte with a flag saying whether it was escaped, so that unescaped
    // trailing spaces (not part of the value) can be told from escaped ones (part of it).
    const units: Array<{ byte: number; escaped: boolean }> = [];
    const pushText = (s: string, escaped: boolean) => {
      for (const byte of utf8.encode(s)) units.push({ byte, escaped });
    };
    if (dn[i] === '#') {
      i++;
      let hexText = '';
      while (i < n && /[0-9a-fA-F]/.test(dn[i]!)) hexText += dn[i++];
      for (let k = 0; k + 1 < hexText.length; k += 2) units.push({ byte: parseInt(hexText.slice(k, k + 2), 16), escaped: true });
    } else {
      while (i < n && dn[i] !== ',' && dn[i] !== ';' && dn[i] !== '+') {
        const ch = dn[i]!;
        if (ch !== '\\') {
          pushText(ch, false);
          i++;
          continue;
        }
        const next = dn.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(next)) {
          units.push({ byte: parseInt(next, 16), escaped: true });
          i += 3;
        } else if (i + 1 < n) {
          const escapedChar = String.fromCodePoint(dn.codePointAt(i + 1)!);
          pushText(escapedChar, true);
          i += 1 + escapedChar.length;
        } else {
          throw new Error(`Not a valid DN (dangling escape): ${dn}`);
        }
      }
      while (units.length > 0 && !units[units.length - 1]!.escaped && units[units.length - 1]!.byte === 0x20) units.pop();
    }
    const value = utf8Decoder.decode(Uint8Array.from(units.map((u) => u.byte)));
    const more = moreOf();
    rdns.push(more ? { type: type.trim(), value, more } : { type: type.trim(), value });
    if (i < n) i++; // ',' or ';'
  }
  return rdns;
}

/** Builds a DN from RDNs, escaping every value. */
export function formatDn(rdns: Rdn[]): string {
  return rdns.map((r) => `${r.type}=${escapeDnValue(r.value)}${r.more ? `+${r.more}` : ''}`).join(',');
}

/** `CN=<escaped name>,<parent>` — the only way the console composes a child DN. */
export function childDn(type: string, value: string, parent: string): string {
  return `${type}=${escapeDnValue(value)},${parent}`;
}

/** The parent of a DN, or '' for a top-level DN. */
export function parentDn(dn: string): string {
  const rdns = parseDn(dn);
  return formatDn(rdns.slice(1));
}

/** The value of the first RDN (the object's name), unescaped. */
export function rdnValue(dn: string): string {
  return parseDn(dn)[0]?.value ?? '';
}

/** A canonical form for comparing DNs: parsed, lower-cased, re-escaped. */
export function normalizeDn(dn: string): string {
  return formatDn(parseDn(dn).map((r) => ({ type: r.type.toLowerCase(), value: r.value.toLowerCase(), more: r.more?.toLowerCase() })));
}

export function dnEquals(a: string, b: string): boolean {
  try {
    return normalizeDn(a) === normalizeDn(b);
  } catch {
    return false;
  }
}

/**
 * True when `dn` is `ancestor` or lies below it, compared RDN by RDN: a string suffix test would
 * take `CN=x\,OU=Target,DC=contoso` (an object named "x,OU=Target" directly under the domain)
 * for an object inside OU=Target.
 */
export function isDnWithin(dn: string, ancestor: string): boolean {
  let d: Rdn[];
  let a: Rdn[];
  try {
    d = parseDn(dn);
    a = parseDn(ancestor);
  } catch {
    return false;
  }
  if (a.length > d.length) return false;
  const tail = d.slice(d.length - a.length);
  const same = (x: Rdn, y: Rdn) =>
    x.type.toLowerCase() === y.type.toLowerCase() &&
    x.value.toLowerCase() === y.value.toLowerCase() &&
    (x.more ?? '').toLowerCase() === (y.more ?? '').toLowerCase();
  return tail.every((r, i) => same(r, a[i]!));
}

/** `DC=contoso,DC=test` → `contoso.test`. */
export function dnToDnsName(dn: string): string {
  return parseDn(dn)
    .filter((r) => r.type.toLowerCase() === 'dc')
    .map((r) => r.value)
    .join('.');
}

/** The domain's DNS name, then the names down to the object. */
function domainAndPath(dn: string): { domain: string; path: string[] } {
  const rdns = parseDn(dn);
  const domain = rdns
    .filter((r) => r.type.toLowerCase() === 'dc')
    .map((r) => r.value)
    .join('.');
  const path = rdns
    .filter((r) => r.type.toLowerCase() !== 'dc')
    .map((r) => r.value)
    .reverse();
  return { domain, path };
}

/** A DN as an admin reads it: `contoso.test/Lab/Users` (the domain, then the path down). */
export function displayDn(dn: string): string {
  const { domain, path } = domainAndPath(dn);
  return [domain, ...path].join('/');
}

/** `contoso.test/Lab/Users/u00001` for `CN=u00001,OU=Users,OU=Lab,DC=contoso,DC=test`, as AD writes canonicalName (a `/` in a name escaped). */
export function canonicalName(dn: string): string {
  const { domain, path } = domainAndPath(dn);
  return [domain, ...path.map((name) => name.replace(/\//g, '\\/'))].join('/');
}

/** The DNS name of the domain a DN lives in, lower-cased (`CN=x,DC=Contoso,DC=Test` → `contoso.test`); '' when it cannot be parsed. */
export function domainOfDn(dn: string): string {
  try {
    return dnToDnsName(dn).toLowerCase();
  } catch {
    return '';
  }
}
