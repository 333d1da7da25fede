/** The SDDL text form of a security descriptor (MS-DTYP §2.5.1). */
import {
  AccessRight,
  ACL_REVISION_DS,
  type Ace,
  AceType,
  type Acl,
  SdControl,
  type SecurityDescriptor,
  SecurityDescriptorError,
  canonicalGuid,
  canonicalSid,
  err,
  hex2,
  isObjectLayout,
  typeLabel,
} from './model';

/** Two-letter SID aliases. `rid` entries are relative to the domain (or, with `root`, the forest root domain). */
const sidAliases: Array<{ alias: string; sid?: string; rid?: number; root?: boolean }> = [
  { alias: 'WD', sid: 'S-1-1-0' },
  { alias: 'CO', sid: 'S-1-3-0' },
  { alias: 'CG', sid: 'S-1-3-1' },
  { alias: 'OW', sid: 'S-1-3-4' },
  { alias: 'NU', sid: 'S-1-5-2' },
  { alias: 'IU', sid: 'S-1-5-4' },
  { alias: 'SU', sid: 'S-1-5-6' },
  { alias: 'AN', sid: 'S-1-5-7' },
  { alias: 'ED', sid: 'S-1-5-9' },
  { alias: 'PS', sid: 'S-1-5-10' },
  { alias: 'AU', sid: 'S-1-5-11' },
  { alias: 'RC', sid: 'S-1-5-12' },
  { alias: 'SY', sid: 'S-1-5-18' },
  { alias: 'LS', sid: 'S-1-5-19' },
  { alias: 'NS', sid: 'S-1-5-20' },
  { alias: 'WR', sid: 'S-1-5-33' },
  { alias: 'BA', sid: 'S-1-5-32-544' },
  { alias: 'BU', sid: 'S-1-5-32-545' },
  { alias: 'BG', sid: 'S-1-5-32-546' },
  { alias: 'PU', sid: 'S-1-5-32-547' },
  { alias: 'AO', sid: 'S-1-5-32-548' },
  { alias: 'SO', sid: 'S-1-5-32-549' },
  { alias: 'PO', sid: 'S-1-5-32-550' },
  { alias: 'BO', sid: 'S-1-5-32-551' },
  { alias: 'RE', sid: 'S-1-5-32-552' },
  { alias: 'RU', sid: 'S-1-5-32-554' },
  { alias: 'RD', sid: 'S-1-5-32-555' },
  { alias: 'NO', sid: 'S-1-5-32-556' },
  { alias: 'MU', sid: 'S-1-5-32-558' },
  { alias: 'LU', sid: 'S-1-5-32-559' },
  { alias: 'IS', sid: 'S-1-5-32-568' },
  { alias: 'CY', sid: 'S-1-5-32-569' },
  { alias: 'ER', sid: 'S-1-5-32-573' },
  { alias: 'CD', sid: 'S-1-5-32-574' },
  { alias: 'RA', sid: 'S-1-5-32-575' },
  { alias: 'ES', sid: 'S-1-5-32-576' },
  { alias: 'MS', sid: 'S-1-5-32-577' },
  { alias: 'HA', sid: 'S-1-5-32-578' },
  { alias: 'AA', sid: 'S-1-5-32-579' },
  { alias: 'RM', sid: 'S-1-5-32-580' },
  { alias: 'UD', sid: 'S-1-5-84-0-0-0-0-0' },
  { alias: 'AC', sid: 'S-1-15-2-1' },
  { alias: 'LW', sid: 'S-1-16-4096' },
  { alias: 'ME', sid: 'S-1-16-8192' },
  { alias: 'MP', sid: 'S-1-16-8448' },
  { alias: 'HI', sid: 'S-1-16-12288' },
  { alias: 'SI', sid: 'S-1-16-16384' },
  { alias: 'AS', sid: 'S-1-18-1' },
  { alias: 'SS', sid: 'S-1-18-2' },
  { alias: 'RO', rid: 498, root: true },
  { alias: 'LA', rid: 500 },
  { alias: 'LG', rid: 501 },
  { alias: 'DA', rid: 512 },
  { alias: 'DU', rid: 513 },
  { alias: 'DG', rid: 514 },
  { alias: 'DC', rid: 515 },
  { alias: 'DD', rid: 516 },
  { alias: 'CA', rid: 517 },
  { alias: 'SA', rid: 518, root: true },
  { alias: 'EA', rid: 519, root: true },
  { alias: 'PA', rid: 520 },
  { alias: 'CN', rid: 522 },
  { alias: 'AP', rid: 525 },
  { alias: 'KA', rid: 526 },
  { alias: 'EK', rid: 527, root: true },
  { alias: 'RS', rid: 553 },
];
const aliasByName = new Map(sidAliases.map((a) => [a.alias, a]));
const aliasBySid = new Map(sidAliases.filter((a) => a.sid).map((a) => [a.sid!, a.alias]));

const aceTypeCodes: Array<[string, number]> = [
  ['A', 0x00],
  ['D', 0x01],
  ['AU', 0x02],
  ['AL', 0x03],
  ['OA', 0x05],
  ['OD', 0x06],
  ['OU', 0x07],
  ['OL', 0x08],
  ['ML', 0x11],
];
const aceTypeByCode = new Map(aceTypeCodes);
const aceCodeByType = new Map(aceTypeCodes.map(([code, type]) => [type, code]));

const aceFlagCodes: Array<[string, number]> = [
  ['OI', 0x01],
  ['CI', 0x02],
  ['NP', 0x04],
  ['IO', 0x08],
  ['ID', 0x10],
  ['SA', 0x40],
  ['FA', 0x80],
];
const aceFlagByCode = new Map(aceFlagCodes);

/** Rights printed as letter pairs, in the order Windows prints them (ascending bit). */
const rightBits: Array<[string, number]> = Object.entries(AccessRight).sort(([, x], [, y]) => x - y);
/** Mandatory-label policy bits, printed for ML ACEs. */
const labelBits: Array<[string, number]> = [
  ['NW', 0x1],
  ['NR', 0x2],
  ['NX', 0x4],
];
/** Accepted on input only: whole-mask aliases for files and registry keys. */
const inputOnlyRights: Array<[string, number]> = [
  ['FA', 0x1f01ff],
  ['FR', 0x120089],
  ['FW', 0x120116],
  ['FX', 0x1200a0],
  ['KA', 0xf003f],
  ['KR', 0x20019],
  ['KW', 0x20006],
  ['KX', 0x20019],
];
const rightByCode = new Map([...rightBits, ...labelBits, ...inputOnlyRights]);

const daclFlagBits = { P: SdControl.DACL_PROTECTED, AR: SdControl.DACL_AUTO_INHERIT_REQ, AI: SdControl.DACL_AUTO_INHERITED };
const saclFlagBits = { P: SdControl.SACL_PROTECTED, AR: SdControl.SACL_AUTO_INHERIT_REQ, AI: SdControl.SACL_AUTO_INHERITED };

export interface SddlOptions {
  /** Domain SID for the domain-relative aliases (DA, DU, CA, …); without it those SIDs print in full. */
  domainSid?: string;
  /** Forest root domain SID for EA, SA, EK and RO; defaults to domainSid (as Samba does). */
  rootDomainSid?: string;
}

function optionSid(sid: string | undefined, what: string): string | undefined {
  if (sid === undefined) return undefined;
  const canonical = canonicalSid(sid);
  if (canonical === undefined) throw err(`The ${what} is not a valid SID: ${JSON.stringify(sid)}`);
  return canonical;
}

function sidToSddl(sid: string, what: string, domain: string | undefined, root: string | undefined): string {
  const canonical = canonicalSid(String(sid));
  if (canonical === undefined) throw err(`${what} is not a valid SID: ${JSON.stringify(sid)}`);
  const wellKnown = aliasBySid.get(canonical);
  if (wellKnown) return wellKnown;
  const cut = canonical.lastIndexOf('-');
  const prefix = canonical.slice(0, cut);
  const rid = Number(canonical.slice(cut + 1));
  for (const a of sidAliases) {
    if (a.rid === rid && prefix === (a.root ? root : domain)) return a.alias;
  }
  return canonical;
}

function rightsToSddl(mask: number, type: number): string {
  const m = mask >>> 0;
  const table = type === AceType.SYSTEM_MANDATORY_LABEL ? labelBits : rightBits;
  let covered = 0;
  for (const [, bit] of table) covered |= bit;
  if ((m & ~covered) !== 0) return `0x${m.toString(16)}`;
  return table
    .filter(([, bit]) => (m & bit) >>> 0 !== 0)
    .map(([code]) => code)
    .join('');
}

function aceToSddl(ace: Ace, what: string, domain: string | undefined, root: string | undefined): string {
  if (ace.raw !== undefined) {
    throw err(`${what} (type ${typeLabel(ace.type)}) is kept as raw bytes and has no SDDL form`);
  }
  const code = aceCodeByType.get(ace.type);
  if (code === undefined) throw err(`${what} has type ${typeLabel(ace.type)}, which has no SDDL form here`);
  let flags = '';
  let left = ace.flags;
  for (const [name, bit] of aceFlagCodes) {
    if (ace.flags & bit) {
      flags += name;
      left &= ~bit;
    }
  }
  if (left !== 0) throw err(`${what} has ACE flag bits 0x${hex2(left)} that SDDL cannot express`);
  const guid = (g: string | undefined, field: string) => {
    if (g === undefined) return '';
    if (!isObjectLayout(ace.type)) throw err(`${what} is not an object ACE but has ${field}`);
    const canonical = canonicalGuid(g);
    if (canonical === undefined) throw err(`The ${field} of ${what} is not a valid GUID: ${JSON.stringify(g)}`);
    return canonical;
  };
  return `(${[
    code,
    flags,
    rightsToSddl(ace.mask, ace.type),
    guid(ace.objectType, 'objectType'),
    guid(ace.inheritedObjectType, 'inheritedObjectType'),
    sidToSddl(ace.sid, `The SID of ${what}`, domain, root),
  ].join(';')})`;
}

function aclToSddl(acl: Acl | null, control: number, which: 'DACL' | 'SACL', domain: string | undefined, root: string | undefined): string {
  const bits = which === 'DACL' ? daclFlagBits : saclFlagBits;
  let text = which === 'DACL' ? 'D:' : 'S:';
  for (const [flag, bit] of Object.entries(bits)) if (control & bit) text += flag;
  if (acl === null) return `${text}NO_ACCESS_CONTROL`;
  return text + acl.aces.map((ace, i) => aceToSddl(ace, `ACE ${i} in the ${which}`, domain, root)).join('');
}

/**
 * SDDL text for a descriptor, the way AD prints it: O:, G:, D:, S: parts, well-known SID aliases
 * (domain-relative ones when options.domainSid is given), rights as letter pairs when the mask
 * decomposes into them, else 0x-hex. Not expressible in SDDL and silently left out: ACL revision
 * and slack, byte layout, control bits other than P/AI/AR, and P/AI/AR of an absent ACL. Throws SecurityDescriptorError
 * for ACEs SDDL cannot express (raw ACEs, unknown flag bits).
 */
export function toSddl(sd: SecurityDescriptor, options: SddlOptions = {}): string {
  const domain = optionSid(options.domainSid, 'domain SID');
  const root = optionSid(options.rootDomainSid, 'root domain SID') ?? domain;
  let text = '';
  if (sd.owner !== undefined) text += `O:${sidToSddl(sd.owner, 'The owner', domain, root)}`;
  if (sd.group !== undefined) text += `G:${sidToSddl(sd.group, 'The group', domain, root)}`;
  if (sd.dacl !== undefined) text += aclToSddl(sd.dacl, sd.control, 'DACL', domain, root);
  if (sd.sacl !== undefined) text += aclToSddl(sd.sacl, sd.control, 'SACL', domain, root);
  return text;
}

/** Cursor over SDDL text with position-aware errors. */
class SddlReader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, at = this.pos): never {
    throw new SecurityDescriptorError(`Invalid SDDL at character ${at}: ${message}`, at);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  match(re: RegExp): string | undefined {
    const sticky = new RegExp(re.source, 'y' + re.flags.replace('y', ''));
    sticky.lastIndex = this.pos;
    const m = sticky.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  get done(): boolean {
    return this.pos >= this.text.length;
  }
}

function sddlSid(token: string, at: number, r: SddlReader, domain: string | undefined, root: string | undefined): string {
  if (/^S-/i.test(token)) {
    return canonicalSid(token) ?? r.fail(`${JSON.stringify(token)} is not a valid SID`, at);
  }
  const alias = aliasByName.get(token);
  if (!alias) return r.fail(`${JSON.stringify(token)} is neither a SID nor a known SID alias`, at);
  if (alias.sid) return alias.sid;
  const base = alias.root ? root : domain;
  if (base === undefined) return r.fail(`the alias ${token} is relative to the ${alias.root ? 'forest root ' : ''}domain; pass the domain SID`, at);
  return `${base}-${alias.rid}`;
}

function sddlRights(text: string, at: number, r: SddlReader): number {
  if (text === '') return 0;
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) return Number.parseInt(text.slice(2), 16) >>> 0;
  if (/^\d{1,10}$/.test(text)) {
    const n = Number(text);
    return n <= 0xffffffff ? n : r.fail(`access mask ${text} does not fit in 32 bits`, at);
  }
  if (text.length % 2 !== 0) return r.fail(`access rights ${JSON.stringify(text)} are not letter pairs or 0x-hex`, at);
  let mask = 0;
  for (let i = 0; i < text.length; i += 2) {
    const bit = rightByCode.get(text.slice(i, i + 2));
    if (bit === undefined) r.fail(`unknown access right ${JSON.stringify(text.slice(i, i + 2))}`, at + i);
    mask = (mask | bit) >>> 0;
  }
  return mask;
}

function sddlAce(body: string, at: number, r: SddlReader, domain: string | undefined, root: string | undefined): Ace {
  const fields = body.split(';');
  if (fields.length !== 6) {
    r.fail(`an ACE has 6 fields (type;flags;rights;object type;inherited object type;SID), this one has ${fields.length}`, at);
  }
  const starts: number[] = [];
  let p = at + 1;
  for (const f of fields) {
    starts.push(p);
    p += f.length + 1;
  }
  const field = (i: number) => fields[i]!.trim();
  const type = aceTypeByCode.get(field(0));
  if (type === undefined) r.fail(`unknown ACE type ${JSON.stringify(field(0))}`, starts[0]);
  let flags = 0;
  const flagText = field(1);
  if (flagText.length % 2 !== 0) r.fail(`ACE flags ${JSON.stringify(flagText)} are not letter pairs`, starts[1]);
  for (let i = 0; i < flagText.length; i += 2) {
    const bit = aceFlagByCode.get(flagText.slice(i, i + 2));
    if (bit === undefined) r.fail(`unknown ACE flag ${JSON.stringify(flagText.slice(i, i + 2))}`, starts[1]! + i);
    flags |= bit;
  }
  const ace: Ace = { type, flags, mask: sddlRights(field(2), starts[2]!, r), sid: '' };
  for (const [i, key] of [
    [3, 'objectType'],
    [4, 'inheritedObjectType'],
  ] as const) {
    const text = field(i);
    if (text === '') continue;
    if (!isObjectLayout(type)) r.fail(`a ${field(0)} ACE cannot have an ${key} GUID; use OA, OD, OU or OL`, starts[i]);
    ace[key] =
      (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text) ? canonicalGuid(text) : undefined) ??
      r.fail(`${JSON.stringify(text)} is not a GUID`, starts[i]);
  }
  if (field(5) === '') r.fail('the ACE has no SID', starts[5]);
  ace.sid = sddlSid(field(5), starts[5]!, r, domain, root);
  return ace;
}

/**
 * Parses SDDL (O:, G:, D:, S: parts in any order; ACL flags P, AI, AR, NO_ACCESS_CONTROL; ACE
 * types A, D, AU, AL, OA, OD, OU, OL, ML) into a model. ACLs get revision 4 as AD writes them.
 * Domain-relative aliases (DA, …) need domainSid; EA/SA/EK/RO use rootDomainSid, defaulting to
 * domainSid. Empty text is an empty descriptor. Throws SecurityDescriptorError naming the
 * character position on bad input.
 */
export function fromSddl(sddl: string, domainSid?: string, options: { rootDomainSid?: string } = {}): SecurityDescriptor {
  if (typeof sddl !== 'string') throw err('SDDL must be a string');
  const domain = optionSid(domainSid, 'domain SID');
  const root = optionSid(options.rootDomainSid, 'root domain SID') ?? domain;
  const r: SddlReader = new SddlReader(sddl);
  const sd: SecurityDescriptor = { revision: 1, control: SdControl.SELF_RELATIVE };
  const seen = new Set<string>();
  while (true) {
    r.skipSpace();
    if (r.done) break;
    const at = r.pos;
    const tag = r.match(/[OGDS]:/);
    if (tag === undefined) r.fail(`expected O:, G:, D: or S:, found ${JSON.stringify(sddl.slice(at, at + 10))}`);
    const letter = tag[0]!;
    if (seen.has(letter)) r.fail(`the ${tag} part appears twice`, at);
    seen.add(letter);
    r.skipSpace();
    if (letter === 'O' || letter === 'G') {
      const start = r.pos;
      const token = r.match(/S-\d+(?:-\d+)*/i) ?? r.match(/[A-Z]{2}/);
      if (token === undefined) r.fail(`expected a SID or SID alias after ${tag}`);
      sd[letter === 'O' ? 'owner' : 'group'] = sddlSid(token, start, r, domain, root);
      continue;
    }
    const bits = letter === 'D' ? daclFlagBits : saclFlagBits;
    let isNull = false;
    while (true) {
      const flag = r.match(/NO_ACCESS_CONTROL|P|AR|AI/);
      if (flag === undefined) break;
      if (flag === 'NO_ACCESS_CONTROL') isNull = true;
      else sd.control |= bits[flag as keyof typeof bits];
    }
    const aces: Ace[] = [];
    while (true) {
      r.skipSpace();
      if (r.text[r.pos] !== '(') break;
      const start = r.pos;
      const close = sddl.indexOf(')', start);
      if (close < 0) r.fail('this ACE has no closing parenthesis', start);
      const body = sddl.slice(start + 1, close);
      if (body.includes('(')) r.fail('conditional expressions and nested parentheses are not supported', start);
      aces.push(sddlAce(body, start, r, domain, root));
      r.pos = close + 1;
    }
    if (isNull && aces.length > 0) r.fail(`a NO_ACCESS_CONTROL ${letter === 'D' ? 'DACL' : 'SACL'} cannot have ACEs`, at);
    const acl: Acl | null = isNull ? null : { revision: ACL_REVISION_DS, aces };
    if (letter === 'D') {
      sd.dacl = acl;
      sd.control |= SdControl.DACL_PRESENT;
    } else {
      sd.sacl = acl;
      sd.control |= SdControl.SACL_PRESENT;
    }
  }
  return sd;
}
