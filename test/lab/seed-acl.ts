import { recipeFor, type OuObjectType, type RecipeEntry } from '../../electron/services/permissions/ou-permission-recipes';
import { sidText, type LabDirectory } from './lab-directory';
import { configDn, orgDn, schemaDn, type ForestSpec } from './lab-config';
import { formatGuid, propertySets } from './schema-extension';

/**
 * Access control in the lab, written as SDDL text (Samba parses it), so the lab does not depend
 * on the console's own security-descriptor codec: the Grant-CsOUPermission state of OU=Delegated
 * and OU=UM Contacts, the protected DACL of OU=Blocked, exchucutil's read grants, and the rights
 * that let Organization Management run the lab's Exchange cmdlets.
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

  private async rightsGuid(name: string): Promise<string> {
    if (name in propertySets) return propertySets[name as keyof typeof propertySets];
    const key = `right:${name}`;
    if (!this.guids.has(key)) {
      const [entry] = await this.dir.search(`CN=Extended-Rights,${configDn(this.forest)}`, `(cn=${name})`, ['rightsGuid']);
      if (!entry) throw new Error(`lab: extended right ${name} not found`);
      this.guids.set(key, String(entry.rightsGuid).toLowerCase());
    }
    return this.guids.get(key)!;
  }

  /** One recipe entry as an SDDL ACE string. */
  async aceFor(entry: RecipeEntry): Promise<string> {
    const objectGuid = !entry.target ? '' : entry.target.kind === 'attribute' || entry.target.kind === 'class' ? await this.schemaGuid(entry.target.name) : await this.rightsGuid(entry.target.name);
    const flags = entry.appliesTo === 'ou' ? '' : entry.appliesTo === 'ou-and-sub-ous' ? 'CI' : 'CIIO';
    const inherited = typeof entry.appliesTo === 'object' ? await this.schemaGuid(entry.appliesTo.descendantsOfClass) : '';
    const type = objectGuid || inherited ? 'OA' : 'A';
    return `(${type};${flags};${entry.rights.join('')};${objectGuid};${inherited};${await this.sid(entry.trustee)})`;
  }

  /** The explicit ACEs a new object of this class gets (its schema defaultSecurityDescriptor). */
  async defaultAces(ldapClass: string): Promise<string> {
    const [entry] = await this.dir.search(schemaDn(this.forest), `(lDAPDisplayName=${ldapClass})`, ['defaultSecurityDescriptor']);
    const sddl = String(entry?.defaultSecurityDescriptor ?? '');
    return sddl.replace(/^.*?D:[A-Z]*/, '').replace(/S:.*$/, '');
  }

  /** Sets an OU's DACL to its defaults plus Grant-CsOUPermission for these types. */
  async grantOu(ouDn: string, types: OuObjectType[]): Promise<void> {
    const aces = await Promise.all(recipeFor(types).map((e) => this.aceFor(e)));
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
      await this.addAces(`CN=${container},${org}`, 'msExchContainer', sids.map((s) => `(A;CI;LCRP;;;${s})`));
    }
  }
}
