import type { AceView, OuNode, OuObjectTypeName, PermissionPreview, PermissionScan, PermissionTest, PermissionWriteResult } from '@shared/models/permissions';
import { renderCommand } from '@shared/powershell/render-command';
import type { AuditEntry } from '@shared/models/audit';
import { ApiError } from '@shared/errors';
import type { AuditLog } from '../audit/audit-log';
import type { ConnectionManager } from '../directory/connection-manager';
import { guidToString, sidToString } from '../directory/dir-entry';
import type { DirEntry } from '../directory/dir-entry';
import type { DirectorySession } from '../directory/directory-session';
import { dnEquals, isDnWithin, parentDn, rdnValue } from '../directory/ldap-escape';
import { SdFlags, SdFlagsControl } from '../directory/sd-flags-control';
import type { PowerShellService } from '../powershell/powershell-service';
import { formatOu } from '../topology/forest-reader';
import { ouObjectTypes, recipeEntryKey, recipeFor, type OuObjectType } from './ou-permission-recipes';
import { resolveRecipe, type ResolvedEntry } from './recipe-resolver';
import { AceFlag, AceType, aceKey, addAces, canonicalizeAces, encodeDaclWrite, parseSecurityDescriptor, removeAces, SdControl, toSddl, type Ace, type SecurityDescriptor } from './security-descriptor';

const daclOnly = () => [new SdFlagsControl(SdFlags.DACL)];

/** Access mask bits by their SDDL codes, in the order Windows' editor lists them. */
const rightCodes: Array<[number, string]> = [
  [0x10000000, 'GA'],
  [0x80000000, 'GR'],
  [0x40000000, 'GW'],
  [0x20000000, 'GX'],
  [0x1, 'CC'],
  [0x2, 'DC'],
  [0x4, 'LC'],
  [0x8, 'SW'],
  [0x10, 'RP'],
  [0x20, 'WP'],
  [0x40, 'DT'],
  [0x80, 'LO'],
  [0x100, 'CR'],
  [0x10000, 'SD'],
  [0x20000, 'RC'],
  [0x40000, 'WD'],
  [0x80000, 'WO'],
];

const wellKnownSids: Record<string, string> = {
  'S-1-1-0': 'Everyone',
  'S-1-3-0': 'CREATOR OWNER',
  'S-1-5-9': 'ENTERPRISE DOMAIN CONTROLLERS',
  'S-1-5-10': 'SELF',
  'S-1-5-11': 'Authenticated Users',
  'S-1-5-18': 'SYSTEM',
  'S-1-5-32-544': 'Administrators',
  'S-1-5-32-548': 'Account Operators',
  'S-1-5-32-550': 'Print Operators',
  'S-1-5-32-554': 'Pre-Windows 2000 Compatible Access',
  'S-1-5-32-560': 'Windows Authorization Access Group',
  'S-1-5-32-561': 'Terminal Server License Servers',
};

/** An object's DACL as read: the parsed descriptor, its entries, the bytes (for audit and restore), and whether inheritance is off. */
export interface ReadDacl {
  sd: SecurityDescriptor;
  aces: Ace[];
  binary: Buffer;
  protected: boolean;
}

/**
 * Reads an object's DACL alone (SD flags: DACL), which needs only "Read permissions", not the
 * SACL privilege. Undefined when the object does not exist or its permissions cannot be read.
 * Shared with the gateway setup, which grants read access on Exchange containers.
 */
export async function readObjectDacl(session: DirectorySession, dn: string): Promise<ReadDacl | undefined> {
  const entry = await session.read(dn, ['nTSecurityDescriptor'], daclOnly());
  const binary = entry?.getBuffer('nTSecurityDescriptor');
  if (!entry || !binary) return undefined;
  const sd = parseSecurityDescriptor(binary);
  return { sd, aces: sd.dacl?.aces ?? [], binary, protected: (sd.control & SdControl.DACL_PROTECTED) !== 0 };
}

/**
 * Writes an object's explicit entries back as a DACL-only write in canonical order, so owner,
 * group and SACL stay as they are and the DC recomputes the inherited entries. Shared with the
 * gateway setup.
 */
export async function writeExplicitDacl(session: DirectorySession, dn: string, control: number, aces: Ace[]): Promise<void> {
  const value = encodeDaclWrite({ revision: 1, control, dacl: { revision: 4, aces: canonicalizeAces(aces.filter((a) => !(a.flags & AceFlag.INHERITED))) } });
  await session.modify(dn, [{ operation: 'replace', attribute: 'nTSecurityDescriptor', values: value }], daclOnly());
}

/**
 * Grant-CsOUPermission, Test-CsOUPermission and Revoke-CsOUPermission through a GUI: the recipes
 * resolved against the forest, a preview of exactly the entries that change, DACL-only writes in
 * canonical order, every change audited with the DACL before and after, and one-click restore.
 */
export class OuPermissionsService {
  private readonly names = new WeakMap<DirectorySession, Promise<Map<string, string>>>();

  constructor(
    private readonly connections: ConnectionManager,
    private readonly powershell: PowerShellService,
    private readonly audit: AuditLog,
  ) {}

  async ous(profile: string): Promise<OuNode[]> {
    const session = await this.connections.ensure(profile);
    const entries = await session.search(session.rootDse.defaultNamingContext, { filter: '(objectClass=organizationalUnit)', attributes: ['ou', 'nTSecurityDescriptor'], controls: daclOnly() });
    return entries.map((e) => toOuNode(e)).sort((a, b) => a.path.localeCompare(b.path));
  }

  async preview(profile: string, ouDn: string, types: OuObjectType[], action: 'grant' | 'revoke'): Promise<PermissionPreview> {
    const session = await this.connections.ensure(profile);
    const dacl = await this.readDacl(session, ouDn);
    const recipe = await resolveRecipe(session, types);
    const plan = action === 'grant' ? planGrant(dacl.aces, recipe) : planRevoke(dacl.aces, recipe, await this.stillNeeded(session, dacl.aces, types));
    const view = await this.viewer(session);
    return {
      ou: await this.ouNode(session, ouDn, dacl),
      action,
      types,
      current: dacl.aces.map(view),
      changes: plan.changes.map(view),
      unchanged: plan.unchanged.map(view),
      commands: commandsFor(action, ouDn, types),
      warnings: await this.warnings(session, ouDn, dacl),
    };
  }

  async grant(profile: string, ouDn: string, types: OuObjectType[], route: 'ldap' | 'powershell'): Promise<PermissionWriteResult> {
    const session = await this.connections.ensure(profile);
    const before = await this.readDacl(session, ouDn);
    const recipe = await resolveRecipe(session, types);
    const { changes } = planGrant(before.aces, recipe);
    return this.write(profile, session, ouDn, 'permissions.grant', types, route, before, changes, () => addAces(before.aces, changes).aces);
  }

  async revoke(profile: string, ouDn: string, types: OuObjectType[], route: 'ldap' | 'powershell'): Promise<PermissionWriteResult> {
    const session = await this.connections.ensure(profile);
    const before = await this.readDacl(session, ouDn);
    const recipe = await resolveRecipe(session, types);
    const { changes } = planRevoke(before.aces, recipe, await this.stillNeeded(session, before.aces, types));
    return this.write(profile, session, ouDn, 'permissions.revoke', types, route, before, changes, () => removeAces(before.aces, changes).aces);
  }

  async test(profile: string, ouDn: string, types: OuObjectType[]): Promise<PermissionTest> {
    const session = await this.connections.ensure(profile);
    const dacl = await this.readDacl(session, ouDn);
    const view = await this.viewer(session);
    const statuses = [];
    for (const type of types) {
      const recipe = await resolveRecipe(session, [type]);
      const missing = missingEntries(dacl.aces, recipe);
      statuses.push({ type, status: statusOf(missing, recipe), missing: missing.map((r) => view(r.ace)) });
    }
    return { ou: await this.ouNode(session, ouDn, dacl), types: statuses, warnings: await this.warnings(session, ouDn, dacl) };
  }

  /** Tests every OU under a base in one search, so a whole subtree costs one round trip. */
  async scan(profile: string, baseDn: string, types: OuObjectType[]): Promise<PermissionScan> {
    const session = await this.connections.ensure(profile);
    const entries = await session.search(baseDn, { filter: '(objectClass=organizationalUnit)', attributes: ['ou', 'nTSecurityDescriptor'], controls: daclOnly() });
    const recipes = new Map<OuObjectType, ResolvedEntry[]>();
    for (const type of types) recipes.set(type, await resolveRecipe(session, [type]));
    const ous = entries
      .map((e) => {
        const aces = parseSecurityDescriptor(e.getBuffer('nTSecurityDescriptor')!).dacl?.aces ?? [];
        return {
          ou: toOuNode(e),
          types: types.map((type) => {
            const recipe = recipes.get(type)!;
            const missing = missingEntries(aces, recipe);
            return { type, status: statusOf(missing, recipe), missingCount: missing.length };
          }),
        };
      })
      .sort((a, b) => a.ou.path.localeCompare(b.ou.path));
    const granted = ous.filter((o) => o.types.some((t) => t.status !== 'not-granted'));
    const warnings = ous
      .filter((o) => o.ou.protected && granted.some((g) => g.ou.dn !== o.ou.dn && isDnWithin(o.ou.dn, g.ou.dn)))
      .map((o) => ({ code: 'child-blocks-inheritance' as const, params: { ou: o.ou.path, parent: granted.find((g) => isDnWithin(o.ou.dn, g.ou.dn) && g.ou.dn !== o.ou.dn)!.ou.path } }));
    return { base: baseDn, ous, warnings };
  }

  history(ouDn?: string, limit = 100): AuditEntry[] {
    return this.audit.list({ limit: 10_000 }).filter((e) => e.action.startsWith('permissions.') && (!ouDn || dnEquals(e.target, ouDn))).slice(0, limit);
  }

  /** Writes back the DACL an audited change replaced; refuses if the OU changed since, unless forced. */
  async restore(auditId: string, force: boolean): Promise<PermissionWriteResult> {
    const entry = this.audit.get(auditId);
    if (!entry || !entry.action.startsWith('permissions.') || entry.outcome !== 'succeeded') throw new ApiError('NOT_FOUND', `There is no successful permissions change ${auditId} in the audit log.`);
    const before = entry.before as { dacl?: string } | undefined;
    const after = entry.after as { dacl?: string } | undefined;
    if (!before?.dacl || !after?.dacl) throw new ApiError('INVALID_INPUT', 'That audit entry does not hold the DACL needed to restore it.');
    const session = await this.connections.ensure(entry.actor.profile);
    const current = await this.readDacl(session, entry.target);
    const explicitKeys = (aces: Ace[]) => aces.filter((a) => !(a.flags & AceFlag.INHERITED)).map(aceKey).sort().join('\n');
    const expected = parseSecurityDescriptor(Buffer.from(after.dacl, 'base64'));
    if (!force && explicitKeys(current.aces) !== explicitKeys(expected.dacl?.aces ?? [])) {
      throw new ApiError('CONFLICT', `The DACL of ${formatOu(entry.target)} changed after that entry; restoring would also undo the later changes. Restore the newer entries first, or restore anyway.`, { auditId });
    }
    const target = parseSecurityDescriptor(Buffer.from(before.dacl, 'base64'));
    const changed = [...removeAces(current.aces, target.dacl?.aces ?? []).aces, ...removeAces(target.dacl?.aces ?? [], current.aces).aces].filter((a) => !(a.flags & AceFlag.INHERITED));
    return this.write(entry.actor.profile, session, entry.target, 'permissions.restore', [], 'ldap', current, changed, () => target.dacl?.aces ?? [], target.control & SdControl.DACL_PROTECTED);
  }

  /** For the contacts service: what Lync grants an OU has, in a sentence. */
  async describeGrants(session: DirectorySession, ouDn: string): Promise<string | undefined> {
    const dacl = await this.readDacl(session, ouDn);
    const granted: string[] = [];
    for (const type of ouObjectTypes) if (missingEntries(dacl.aces, await resolveRecipe(session, [type])).length === 0) granted.push(type);
    const where = formatOu(ouDn);
    const parts = [granted.length ? `${where} has Grant-CsOUPermission for ${granted.join(', ')}.` : `${where} has no Grant-CsOUPermission grant.`];
    if (dacl.protected) parts.push('Its DACL is protected (inheritance off), so grants on parent OUs do not reach it.');
    return parts.join(' ');
  }

  private async write(
    profile: string,
    session: DirectorySession,
    ouDn: string,
    action: string,
    types: OuObjectType[],
    route: 'ldap' | 'powershell',
    before: ReadDacl,
    changes: Ace[],
    nextAces: () => Ace[],
    protectedFlag?: number,
  ): Promise<PermissionWriteResult> {
    const domainSid = await this.domainSid(session);
    const view = await this.viewer(session);
    const commands = action === 'permissions.restore' ? [] : commandsFor(action === 'permissions.grant' ? 'grant' : 'revoke', ouDn, types);
    const sddlBefore = toSddl({ revision: 1, control: before.sd.control, dacl: { revision: before.sd.dacl?.revision ?? 4, aces: before.aces } }, { domainSid });
    if (changes.length === 0) {
      // Idempotent: nothing to add or remove means nothing is written, and nothing audited.
      return { route, ou: ouDn, changed: [], commands, sddlBefore, sddlAfter: sddlBefore };
    }
    const actor = { profile, identity: session.endpoint.bindIdentity };
    const record = (outcome: 'succeeded' | 'failed', after?: ReadDacl, error?: string) =>
      this.audit.record({
        actor,
        action,
        target: ouDn,
        route,
        before: { sddl: sddlBefore, dacl: before.binary.toString('base64'), types },
        after: after ? { sddl: toSddl({ revision: 1, control: after.sd.control, dacl: { revision: after.sd.dacl?.revision ?? 4, aces: after.aces } }, { domainSid }), dacl: after.binary.toString('base64'), types } : undefined,
        outcome,
        error,
      });
    try {
      if (route === 'ldap') {
        const control = protectedFlag === undefined ? before.sd.control : (before.sd.control & ~SdControl.DACL_PROTECTED) | protectedFlag;
        await writeExplicitDacl(session, ouDn, control, nextAces());
      } else {
        for (let i = 0; i < types.length; i += 3) {
          await this.powershell.invoke(profile, 'lync', action === 'permissions.grant' ? 'Grant-CsOUPermission' : 'Revoke-CsOUPermission', { OU: ouDn, ObjectType: types.slice(i, i + 3) });
        }
      }
    } catch (error) {
      record('failed', undefined, error instanceof Error ? error.message : String(error));
      if (error instanceof ApiError && error.code === 'ACCESS_DENIED') {
        throw new ApiError('ACCESS_DENIED', `${session.endpoint.bindIdentity} may not change the permissions of ${formatOu(ouDn)}. Changing OU permissions needs "Modify permissions" on the OU: Domain Admins have it, or a delegation. Nothing was written.`);
      }
      throw error;
    }
    const after = await this.readDacl(session, ouDn);
    const audit = record('succeeded', after);
    return { route, ou: ouDn, changed: changes.map(view), auditId: audit.id, commands, sddlBefore, sddlAfter: toSddl({ revision: 1, control: after.sd.control, dacl: { revision: 4, aces: after.aces } }, { domainSid }) };
  }

  private async readDacl(session: DirectorySession, dn: string): Promise<ReadDacl> {
    const dacl = await readObjectDacl(session, dn);
    if (!dacl) throw new ApiError('NOT_FOUND', `The OU does not exist or its permissions cannot be read: ${dn}.`);
    return dacl;
  }

  private async ouNode(session: DirectorySession, dn: string, dacl: ReadDacl): Promise<OuNode> {
    return { dn, name: rdnValue(dn), path: formatOu(dn), parentDn: parentDn(dn), protected: dacl.protected };
  }

  /**
   * The other types whose entries must survive a revoke: fully granted, and not indistinguishable
   * from what is revoked (AppContact's recipe is Contact's; revoking one revokes both).
   */
  private otherGranted(aces: Ace[], revoking: OuObjectType[], all: Map<OuObjectType, ResolvedEntry[]>): OuObjectType[] {
    const revoked = new Set(revoking.flatMap((t) => all.get(t)!.map((r) => aceKey(r.ace))));
    return ouObjectTypes.filter((t) => {
      if (revoking.includes(t)) return false;
      const recipe = all.get(t)!;
      const distinct = recipe.some((r) => !revoked.has(aceKey(r.ace)));
      return distinct && missingEntries(aces, recipe).length === 0;
    });
  }

  /** The recipe entries the other still-granted types need (none when no other type is granted). */
  private async stillNeeded(session: DirectorySession, aces: Ace[], revoking: OuObjectType[]): Promise<ResolvedEntry[]> {
    const others = this.otherGranted(aces, revoking, await this.allRecipes(session));
    return others.length === 0 ? [] : resolveRecipe(session, others);
  }

  private async allRecipes(session: DirectorySession): Promise<Map<OuObjectType, ResolvedEntry[]>> {
    const all = new Map<OuObjectType, ResolvedEntry[]>();
    for (const type of ouObjectTypes) all.set(type, await resolveRecipe(session, [type]));
    return all;
  }

  private async warnings(session: DirectorySession, ouDn: string, dacl: ReadDacl): Promise<PermissionPreview['warnings']> {
    const warnings: PermissionPreview['warnings'] = [];
    if (dacl.protected) warnings.push({ code: 'inheritance-off', params: { ou: formatOu(ouDn) } });
    const children = await session.search(ouDn, { scope: 'sub', filter: '(objectClass=organizationalUnit)', attributes: ['nTSecurityDescriptor'], controls: daclOnly() });
    for (const child of children) {
      if (dnEquals(child.dn, ouDn)) continue;
      const sd = parseSecurityDescriptor(child.getBuffer('nTSecurityDescriptor')!);
      if (sd.control & SdControl.DACL_PROTECTED) warnings.push({ code: 'child-blocks-inheritance', params: { ou: formatOu(child.dn), parent: formatOu(ouDn) } });
    }
    return warnings;
  }

  private async domainSid(session: DirectorySession): Promise<string> {
    const domain = await session.read(session.rootDse.defaultNamingContext, ['objectSid']);
    return sidToString(domain!.getBuffer('objectSid')!);
  }

  /** Renders ACEs for people: trustee names, right names, property set / attribute / class names. */
  private async viewer(session: DirectorySession): Promise<(ace: Ace) => AceView> {
    const names = await this.nameMap(session);
    const domainSid = await this.domainSid(session);
    return (ace) => {
      const objectName = ace.objectType ? (names.get(ace.objectType) ?? ace.objectType) : undefined;
      const inheritedName = ace.inheritedObjectType ? (names.get(ace.inheritedObjectType) ?? ace.inheritedObjectType) : undefined;
      const flags = ace.flags;
      const appliesTo: AceView['appliesTo'] =
        inheritedName !== undefined ? 'descendants-of-class' : !(flags & AceFlag.CONTAINER_INHERIT) ? 'this' : flags & AceFlag.INHERIT_ONLY ? 'descendants' : 'this-and-descendants';
      let sddl: string;
      try {
        sddl = toSddl({ revision: 1, control: 0, dacl: { revision: 4, aces: [ace] } }, { domainSid }).replace(/^D:/, '');
      } catch {
        sddl = '(not expressible in SDDL)';
      }
      return {
        key: aceKey(ace),
        kind: ace.type === AceType.ACCESS_ALLOWED || ace.type === AceType.ACCESS_ALLOWED_OBJECT ? 'allow' : ace.type === AceType.ACCESS_DENIED || ace.type === AceType.ACCESS_DENIED_OBJECT ? 'deny' : ace.type === 0x02 || ace.type === 0x07 ? 'audit' : 'other',
        trustee: names.get(ace.sid) ?? wellKnownSids[ace.sid] ?? ace.sid,
        sid: ace.sid,
        rights: rightCodes.filter(([bit]) => (ace.mask >>> 0) & bit).map(([, code]) => code),
        object: objectName,
        appliesTo,
        ...(inheritedName !== undefined ? { appliesToClass: inheritedName } : {}),
        inherited: (flags & AceFlag.INHERITED) !== 0,
        sddl,
      };
    };
  }

  /** GUID → name for schema objects and extended rights, SID → name for the domain's groups. Read once per session. */
  private nameMap(session: DirectorySession): Promise<Map<string, string>> {
    let cached = this.names.get(session);
    if (!cached) {
      cached = (async () => {
        const names = new Map<string, string>();
        const dse = session.rootDse;
        for (const e of await session.search(dse.schemaNamingContext, { scope: 'one', filter: '(|(objectClass=attributeSchema)(objectClass=classSchema))', attributes: ['lDAPDisplayName', 'schemaIDGUID'] })) {
          const guid = e.getBuffer('schemaIDGUID');
          if (guid) names.set(guidToString(guid), e.get('lDAPDisplayName') ?? '');
        }
        for (const e of await session.search(`CN=Extended-Rights,${dse.configurationNamingContext}`, { scope: 'one', filter: '(objectClass=controlAccessRight)', attributes: ['cn', 'rightsGuid'] })) {
          const guid = e.get('rightsGuid');
          if (guid) names.set(guid.toLowerCase(), e.get('cn') ?? '');
        }
        for (const e of await session.search(dse.defaultNamingContext, { filter: '(objectClass=group)', attributes: ['sAMAccountName', 'objectSid'] })) {
          const sid = e.getBuffer('objectSid');
          if (sid) names.set(sidToString(sid), e.get('sAMAccountName') ?? '');
        }
        return names;
      })();
      this.names.set(session, cached);
      cached.catch(() => this.names.delete(session));
    }
    return cached;
  }
}

function toOuNode(e: DirEntry): OuNode {
  const sd = e.getBuffer('nTSecurityDescriptor');
  const control = sd ? sd.readUInt16LE(2) : 0;
  return { dn: e.dn, name: e.get('ou') ?? rdnValue(e.dn), path: formatOu(e.dn), parentDn: parentDn(e.dn), protected: (control & SdControl.DACL_PROTECTED) !== 0 };
}

/** An entry is in place if the DACL has it — or, for an inheritable one, its inherited copy. */
function isPresent(aces: Ace[], wanted: Ace): boolean {
  const key = aceKey(wanted);
  const inheritedKey = wanted.flags & AceFlag.CONTAINER_INHERIT ? aceKey({ ...wanted, flags: wanted.flags | AceFlag.INHERITED }) : undefined;
  return aces.some((a) => {
    const k = aceKey(a);
    return k === key || k === inheritedKey;
  });
}

function missingEntries(aces: Ace[], recipe: ResolvedEntry[]): ResolvedEntry[] {
  return recipe.filter((r) => !isPresent(aces, r.ace));
}

/**
 * Granted when nothing is missing; partly granted when some of the type's own entries are there;
 * otherwise not granted. The entries on the OU itself are shared by every type, so they alone do
 * not make, say, Computer "partly granted" on an OU granted for Contact.
 */
function statusOf(missing: ResolvedEntry[], recipe: ResolvedEntry[]): 'granted' | 'partial' | 'not-granted' {
  if (missing.length === 0) return 'granted';
  const shared = new Set(recipeFor([]).map(recipeEntryKey));
  const ownPresent = recipe.some((r) => !shared.has(recipeEntryKey(r.entry)) && !missing.includes(r));
  return ownPresent ? 'partial' : 'not-granted';
}

function planGrant(aces: Ace[], recipe: ResolvedEntry[]): { changes: Ace[]; unchanged: Ace[] } {
  const missing = missingEntries(aces, recipe);
  return { changes: missing.map((r) => r.ace), unchanged: recipe.filter((r) => !missing.includes(r)).map((r) => r.ace) };
}

/** Removes the recipe's explicit entries, except those other granted types still need. */
function planRevoke(aces: Ace[], recipe: ResolvedEntry[], keep: ResolvedEntry[]): { changes: Ace[]; unchanged: Ace[] } {
  const kept = new Set(keep.map((k) => aceKey(k.ace)));
  const explicit = new Set(aces.filter((a) => !(a.flags & AceFlag.INHERITED)).map(aceKey));
  const changes = recipe.filter((r) => explicit.has(aceKey(r.ace)) && !kept.has(aceKey(r.ace))).map((r) => r.ace);
  const unchanged = recipe.filter((r) => kept.has(aceKey(r.ace)) && explicit.has(aceKey(r.ace))).map((r) => r.ace);
  return { changes, unchanged };
}

/** The same change as Lync shell commands (the cmdlets take at most three types per call). */
function commandsFor(action: 'grant' | 'revoke', ouDn: string, types: OuObjectTypeName[]): string[] {
  const commands: string[] = [];
  for (let i = 0; i < types.length; i += 3) commands.push(renderCommand(action === 'grant' ? 'Grant-CsOUPermission' : 'Revoke-CsOUPermission', { OU: ouDn, ObjectType: types.slice(i, i + 3) }));
  return commands;
}

