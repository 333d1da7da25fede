import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sidText, type LabDirectory } from './lab-directory';
import { configDn, orgDn, repoRoot, schemaDn, type ForestSpec } from './lab-config';
import { formatGuid, propertySets } from './schema-extension';

/** The lab's transcription of Grant-CsOUPermission's published tables [S6] (powershell/grant-csoupermission.json). */
interface PublishedTables {
  tables: Array<{ objectTypes: string[]; rows: Array<{ group: string; permissions: string[]; appliesTo: string }> }>;
  reading: {
    words: Record<string, { right: string; object?: string; classIsObject?: boolean }>;
    prefixes: Record<string, string>;
    appliesTo: Record<string, { class?: string }>;
  };
}

export type LabOuObjectType = 'User' | 'Computer' | 'Contact' | 'AppContact' | 'InetOrgPerson' | 'Device';

const publishedTables = (): PublishedTables =>
  JSON.parse(readFileSync(join(repoRoot, 'test/lab/powershell/grant-csoupermission.json'), 'utf8')) as PublishedTables;

/**
 * Access control in the lab, written as SDDL text (Samba parses it), so the lab depends neither
 * on the console's security-descriptor codec nor on its recipes: Grant-CsOUPermission as the lab
 * reads the published table (OU=Delegated, OU=UM Contacts, OU=Lync Granted), a hand delegation
 * broader than the grant (OU=Hand Delegated), the protected DACLs of OU=Blocked and
 * OU=Sealed,OU=Delegated, exchucutil's read grants, and the rights that let Organization
 * Management run the lab's Exchange cmdlets.
 */
export class LabAcl {
  private readonly sids = new Map<string, string>();
  private readonly guids = new Map<string, string>();

  constructor(
    private readonly dir: LabDirectory,
    private readonly forest: ForestSpec,
  ) {}

  async sid(group: string): Promise<string> {
    const cached = this.sids.get(group);
    if (cached) return cached;
    const [entry] = await this.dir.search(`DC=${this.forest.dnsName.split('.').join(',DC=')}`, `(sAMAccountName=${group})`, ['objectSid']);
    if (!entry) throw new Error(`lab: group ${group} not found`);
    const sid = sidText(entry.objectSid as Buffer);
    this.sids.set(group, sid);
    return sid;
  }

  private async schemaGuid(ldapName: string): Promise<string> {
    const key = `schema:${ldapName}`;
    if (!this.guids.has(key)) {
      const [entry] = await this.dir.search(schemaDn(this.forest), `(lDAPDisplayName=${ldapName})`, ['schemaIDGUID']);
      if (!entry) throw new Error(`lab: schema object ${ldapName} not found`);
      this.guids.set(key, formatGuid(entry.schemaIDGUID as Buffer));
    }
    return this.guids.get(key)!;
  }

  /** A property set or right by cn, else an attribute by lDAPDisplayName (how the table's "Read X" / "Write X" name things). */
  private async namedGuid(name: string): Promise<string> {
    if (name in propertySets) return propertySets[name as keyof typeof propertySets];
    const [right] = await this.dir.search(`CN=Extended-Rights,${configDn(this.forest)}`, `(cn=${name})`, ['rightsGuid']);
    return right ? String(right.rightsGuid).toLowerCase() : this.schemaGuid(name);
  }

  /**
   * Grant-CsOUPermission's entries for these types as SDDL, one entry per permission as the
   * published table lists it [S6] (the lab's reading; the real byte layout is OPEN): "This object
   * only" is the OU itself, "Descendant <class> objects" inherit-only for that class, and a class
   * named as the object of Create/Delete child (Device's "Contact") this OU and those below.
   */
  async publishedAces(types: LabOuObjectType[]): Promise<string[]> {
    const { tables, reading } = publishedTables();
    const aces = new Set<string>();
    for (const type of types) {
      const table = tables.find((t) => t.objectTypes.includes(type));
      if (!table) throw new Error(`lab: no published table for ${type}`);
      for (const row of table.rows) {
        const sid = await this.sid(row.group);
        const cls = reading.appliesTo[row.appliesTo]?.class;
        for (const permission of row.permissions) {
          const word = reading.words[permission];
          const prefix = Object.keys(reading.prefixes).find((p) => permission.startsWith(p));
          const right = word?.right ?? (prefix ? reading.prefixes[prefix] : undefined);
          if (!right) throw new Error(`lab: cannot read the permission ${permission}`);
          const name = word ? word.object : permission.slice(prefix!.length);
          const object = word?.classIsObject && cls ? await this.schemaGuid(cls) : name ? await this.namedGuid(name) : '';
          const inherited = cls && !word?.classIsObject ? await this.schemaGuid(cls) : '';
          const flags = !cls ? '' : word?.classIsObject ? 'CI' : 'CIIO';
          aces.add(`(${object || inherited ? 'OA' : 'A'};${flags};${right};${object};${inherited};${sid})`);
        }
      }
    }
    return [...aces];
  }

  /** The explicit ACEs a new object of this class gets (its schema defaultSecurityDescriptor). */
  async defaultAces(ldapClass: string): Promise<string> {
    const [entry] = await this.dir.search(schemaDn(this.forest), `(lDAPDisplayName=${ldapClass})`, ['defaultSecurityDescriptor']);
    const sddl = String(entry?.defaultSecurityDescriptor ?? '');
    return sddl.replace(/^.*?D:[A-Z]*/, '').replace(/S:.*$/, '');
  }

  /** Sets an OU's DACL to its defaults plus Grant-CsOUPermission for these types, as the lab's cmdlet writes it. */
  async grantOu(ouDn: string, types: LabOuObjectType[]): Promise<void> {
    await this.dir.setDacl(ouDn, `D:AI${await this.defaultAces('organizationalUnit')}${(await this.publishedAces(types)).join('')}`);
  }

  /**
   * A delegation an administrator made by hand, broader than Grant-CsOUPermission's: generic read
   * on the OU and everything below for both read-only groups, all extended rights on the OU for
   * RTCHSUniversalServices, and write all properties on descendant users and contacts for
   * RTCUniversalUserAdmins. It allows everything the User and Contact tables list [S6].
   */
  async handDelegateOu(ouDn: string): Promise<void> {
    const readers = await Promise.all(['RTCUniversalServerReadOnlyGroup', 'RTCUniversalUserReadOnlyGroup'].map((g) => this.sid(g)));
    const services = await this.sid('RTCHSUniversalServices');
    const admins = await this.sid('RTCUniversalUserAdmins');
    const aces = [
      ...readers.map((s) => `(A;CI;GR;;;${s})`),
      `(A;;CR;;;${services})`,
      ...(await Promise.all(['user', 'contact'].map(async (c) => `(OA;CIIO;WP;;${await this.schemaGuid(c)};${admins})`))),
    ];
    await this.dir.setDacl(ouDn, `D:AI${await this.defaultAces('organizationalUnit')}${aces.join('')}`);
  }

  /** Protects an OU's DACL (inheritance off), keeping only its explicit default entries. */
  async protectOu(ouDn: string): Promise<void> {
    await this.dir.setDacl(ouDn, `D:PAI${await this.defaultAces('organizationalUnit')}`);
  }

  /** Adds explicit ACEs to an object whose current explicit ACEs are its class defaults. */
  async addAces(dn: string, ldapClass: string, aces: string[]): Promise<void> {
    await this.dir.setDacl(dn, `D:AI${await this.defaultAces(ldapClass)}${aces.join('')}`);
  }

  /** What exchucutil.ps1 grants RTC groups on the Exchange organization (domain.md §4, step 1). */
  async exchucutilReadGrants(): Promise<void> {
    const org = orgDn(this.forest);
    const groups = ['RTCUniversalServerAdmins', 'RTCComponentUniversalServices'];
    const sids = await Promise.all(groups.map((g) => this.sid(g)));
    const orgAces = sids.map((s) => `(A;;LC;;;${s})`);
    const orgMgmt = await this.sid('Organization Management');
    await this.addAces(org, 'msExchOrganizationContainer', [...orgAces, `(A;CI;GA;;;${orgMgmt})`]);
    for (const container of ['UM DialPlan Container', 'UM AutoAttendant Container']) {
      await this.addAces(
        `CN=${container},${org}`,
        'msExchContainer',
        sids.map((s) => `(A;CI;LCRP;;;${s})`),
      );
    }
  }
}
