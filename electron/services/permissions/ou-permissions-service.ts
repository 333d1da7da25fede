import type {
  AceView,
  BlockedChild,
  OuNode,
  OuObjectTypeName,
  PermissionHistoryEntry,
  PermissionPreview,
  PermissionScan,
  PermissionTest,
  PermissionWriteResult,
  RestorePreview,
} from '@shared/models/permissions';
import { renderCommand } from '@shared/powershell/render-command';
import type { AuditIntegrity, AuditRecord } from '@shared/models/audit';
import { actorOf } from '../capabilities/capabilities-service';
import { canChangePermissions } from '../directory/account-rights';
import { ApiError } from '@shared/errors';
import { describeAuditProblem, type AuditLog } from '../audit/audit-log';
import type { ConnectionManager } from '../directory/connection-manager';
import { guidToString, sidToString } from '../directory/dir-entry';
import type { DirEntry } from '../directory/dir-entry';
import type { DirectorySession } from '../directory/directory-session';
import { displayDn, dnEquals, isDnWithin, parentDn, rdnValue } from '@shared/dn';
import { SdFlags, SdFlagsControl } from '../directory/sd-flags-control';
import type { PowerShellService } from '../powershell/powershell-service';
import { deniedBy, planGrantAces, planRevokeAces, type CoverageSchema, type RevokePlan } from './ace-coverage';
import { ouObjectTypes, recipeEntryKey, recipeFor, type OuObjectType } from './ou-permission-recipes';
import { coverageSchema, resolveRecipe, type ResolvedEntry } from './recipe-resolver';
import { aceSddl, changedSinceRead, daclSddl, daclVersion, readObjectDacl, writeExplicitDacl, type ReadDacl } from '../directory/dacl';
import { AccessRight, AceFlag, AceType, SdControl, type AccessRightCode, type Ace, type SecurityDescriptor } from '../directory/security-descriptor/model';
import { aceKey, addAces, removeAces } from '../directory/security-descriptor/ace-list';
import { parseSecurityDescriptor } from '../directory/security-descriptor/binary';

const daclOnly = () => [new SdFlagsControl(SdFlags.DACL)];

/** Access mask bits by their SDDL codes, in the order Windows' editor lists them: generic rights first, then by bit. */
const editorOrder: AccessRightCode[] = ['GA', 'GR', 'GW', 'GX', 'CC', 'DC', 'LC', 'SW', 'RP', 'WP', 'DT', 'LO', 'CR', 'SD', 'RC', 'WD', 'WO'];
const rightCodes: Array<[number, string]> = editorOrder.map((code) => [AccessRight[code], code]);

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

/**
 * Grant-CsOUPermission, Test-CsOUPermission and Revoke-CsOUPermission through a GUI: the recipes
 * resolved against the forest, a preview of exactly the entries that change, DACL-only writes in
 * canonical order that never overwrite a change made since the preview, every change audited with
 * the DACL before and after, and one-click restore from an audit log that checks out.
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
    const entries = await session.search(session.rootDse.defaultNamingContext, {
      filter: '(objectClass=organizationalUnit)',
      attributes: ['ou', 'nTSecurityDescriptor'],
      controls: daclOnly(),
    });
    return entries.map((e) => toOuNode(e)).sort((a, b) => a.path.localeCompare(b.path));
  }

  async preview(profile: string, ouDn: string, types: OuObjectType[], action: 'grant' | 'revoke'): Promise<PermissionPreview> {
    const session = await this.connections.ensure(profile);
    const dacl = await this.readDacl(session, ouDn);
    const recipe = await resolveRecipe(session, types);
    const schema = await coverageSchema(session);
    const view = await this.viewer(session);
    const descendants = await this.ouDescendants(session, ouDn);
    const warnings = this.warnings(ouDn, dacl, descendants);
    const common = {
      ou: await this.ouNode(ouDn, dacl),
      action,
      types,
      current: dacl.aces.map(view),
      commands: commandsFor(action, ouDn, types),
      daclVersion: daclVersion(dacl),
      writable: await canChangePermissions(session, ouDn),
    };
    if (action === 'grant') {
      const plan = planGrant(dacl.aces, recipe, schema);
      // Adding allows does not help where a deny for the same group comes first.
      const denied = plan.changes.length === 0 ? [] : recipe.filter((r) => deniedBy(dacl.aces, r.ace, schema).length > 0);
      if (denied.length > 0) warnings.push({ code: 'deny-in-the-way', params: { count: String(denied.length) } });
      return {
        ...common,
        changes: plan.changes.map(view),
        unchanged: plan.unchanged.map(view),
        rewrites: [],
        broader: [],
        warnings,
        blockedChildren: await this.blockedChildren(session, descendants, types, true),
      };
    }
    const plan = await this.planRevoke(session, dacl.aces, recipe, types, schema);
    if (plan.broader.length > 0) warnings.push({ code: 'broader-entries-remain', params: { count: String(plan.broader.length) } });
    return {
      ...common,
      changes: plan.remove.map(view),
      unchanged: plan.kept.map(view),
      rewrites: plan.rewrite.map((r) => ({ from: view(r.from), to: view(r.to) })),
      broader: plan.broader.map(view),
      warnings,
      blockedChildren: [],
    };
  }

  /**
   * Grant-CsOUPermission: adds what the OU's entries do not already allow. With `children`
   * (OUs below it whose inheritance is blocked, which the grant cannot reach [S7]) each of them is
   * granted too, in the same step, each written and audited on its own. `previewed` is the
   * preview's daclVersion: if the OU's DACL changed since, nothing is written (CONFLICT). The
   * children are checked against their own read just before their write, not against the preview.
   */
  async grant(
    profile: string,
    ouDn: string,
    types: OuObjectType[],
    route: 'ldap' | 'powershell',
    children: string[] = [],
    previewed?: string,
  ): Promise<PermissionWriteResult> {
    for (const child of children) {
      if (dnEquals(child, ouDn) || !isDnWithin(child, ouDn))
        throw new ApiError('INVALID_INPUT', `${displayDn(child)} is not an OU below ${displayDn(ouDn)}; only OUs below the one granted can be included.`);
    }
    const result = await this.grantOne(profile, ouDn, types, route, previewed);
    if (children.length === 0) return result;
    const done: PermissionWriteResult[] = [];
    for (const child of children) done.push(await this.grantOne(profile, child, types, route));
    return { ...result, children: done };
  }

  private async grantOne(
    profile: string,
    ouDn: string,
    types: OuObjectType[],
    route: 'ldap' | 'powershell',
    previewed?: string,
  ): Promise<PermissionWriteResult> {
    const session = await this.connections.ensure(profile);
    const before = await this.readDacl(session, ouDn, previewed);
    const recipe = await resolveRecipe(session, types);
    const { changes } = planGrant(before.aces, recipe, await coverageSchema(session));
    return this.write(profile, session, ouDn, 'permissions.grant', types, route, before, changes, () => addAces(before.aces, changes).aces);
  }

  /** Revoke-CsOUPermission: removes the explicit entries that are part of the grant; broader entries stay (the preview names them). `previewed` as for grant. */
  async revoke(profile: string, ouDn: string, types: OuObjectType[], route: 'ldap' | 'powershell', previewed?: string): Promise<PermissionWriteResult> {
    const session = await this.connections.ensure(profile);
    const before = await this.readDacl(session, ouDn, previewed);
    const recipe = await resolveRecipe(session, types);
    const plan = await this.planRevoke(session, before.aces, recipe, types, await coverageSchema(session));
    const changes = [...plan.remove, ...plan.rewrite.map((r) => r.from)];
    return this.write(
      profile,
      session,
      ouDn,
      'permissions.revoke',
      types,
      route,
      before,
      changes,
      () =>
        addAces(
          removeAces(before.aces, changes).aces,
          plan.rewrite.map((r) => r.to),
        ).aces,
    );
  }

  /** Test-CsOUPermission per type, by what the entries allow; blocked-inheritance OUs below are listed with their own state. */
  async test(profile: string, ouDn: string, types: OuObjectType[]): Promise<PermissionTest> {
    const session = await this.connections.ensure(profile);
    const dacl = await this.readDacl(session, ouDn);
    const view = await this.viewer(session);
    const schema = await coverageSchema(session);
    const statuses = [];
    for (const type of types) {
      const recipe = await resolveRecipe(session, [type]);
      const missing = missingEntries(dacl.aces, recipe, schema);
      statuses.push({ type, status: statusOf(missing, recipe), missing: missing.map((r) => view(r.ace)) });
    }
    const descendants = await this.ouDescendants(session, ouDn);
    return {
      ou: await this.ouNode(ouDn, dacl),
      types: statuses,
      warnings: this.warnings(ouDn, dacl, descendants),
      blockedChildren: await this.blockedChildren(session, descendants, types, false),
      writable: await canChangePermissions(session, ouDn),
    };
  }

  /** Tests every OU under a base in one search, so a whole subtree costs one round trip. */
  async scan(profile: string, baseDn: string, types: OuObjectType[]): Promise<PermissionScan> {
    const session = await this.connections.ensure(profile);
    const entries = await session.search(baseDn, {
      filter: '(objectClass=organizationalUnit)',
      attributes: ['ou', 'nTSecurityDescriptor'],
      controls: daclOnly(),
    });
    const recipes = new Map<OuObjectType, ResolvedEntry[]>();
    for (const type of types) recipes.set(type, await resolveRecipe(session, [type]));
    const schema = await coverageSchema(session);
    const ous = entries
      .map((e) => {
        const aces = parseSecurityDescriptor(e.getBuffer('nTSecurityDescriptor')!).dacl?.aces ?? [];
        return {
          ou: toOuNode(e),
          types: types.map((type) => {
            const recipe = recipes.get(type)!;
            const missing = missingEntries(aces, recipe, schema);
            return { type, status: statusOf(missing, recipe), missingCount: missing.length };
          }),
        };
      })
      .sort((a, b) => a.ou.path.localeCompare(b.ou.path));
    const granted = ous.filter((o) => o.types.some((t) => t.status !== 'not-granted'));
    const warnings = ous
      .filter((o) => o.ou.protected && granted.some((g) => g.ou.dn !== o.ou.dn && isDnWithin(o.ou.dn, g.ou.dn)))
      .map((o) => ({
        code: 'child-blocks-inheritance' as const,
        params: { ou: o.ou.path, parent: granted.find((g) => isDnWithin(o.ou.dn, g.ou.dn) && g.ou.dn !== o.ou.dn)!.ou.path },
      }));
    return { base: baseDn, ous, warnings };
  }

  /** The OU's audited permission changes, newest first, each with its integrity check and the undo that reverted it. */
  history(ouDn?: string, limit = 100): PermissionHistoryEntry[] {
    const all = this.audit.list({ limit: 10_000 }).filter((e) => e.action.startsWith('permissions.'));
    const undos = new Map(all.filter((e) => e.undoes && e.outcome === 'succeeded').map((e) => [e.undoes!, e]));
    return all
      .filter((e) => !ouDn || dnEquals(e.target, ouDn))
      .slice(0, limit)
      .map((e) => {
        const undo = undos.get(e.id);
        return undo ? { ...e, undoneBy: { id: undo.id, at: undo.at, actor: undo.actor } } : e;
      });
  }

  /** Whether the audit log the history comes from is as the console wrote it. */
  auditIntegrity(): AuditIntegrity {
    return this.audit.verify();
  }

  /**
   * What undoing an audited change would do, before anything is written: the OU's explicit entries
   * now and after, what the undo puts back and takes away, and what changed on the OU since that
   * entry (the undo would revert that too). Shown as access entries, never as raw SDDL.
   */
  async restorePreview(auditId: string, profile?: string): Promise<RestorePreview> {
    const { entry, session, actingProfile } = await this.restorable(auditId, profile);
    const { before, after } = restoreDacls(entry);
    const current = await this.readDacl(session, entry.target);
    const view = await this.viewer(session);
    const explicit = (aces: Ace[]) => aces.filter((a) => !(a.flags & AceFlag.INHERITED));
    const minus = (a: Ace[], b: Ace[]) => {
      const keys = new Set(explicit(b).map(aceKey));
      return explicit(a).filter((x) => !keys.has(aceKey(x)));
    };
    const restored = before.dacl?.aces ?? [];
    const left = after.dacl?.aces ?? [];
    const added = minus(current.aces, left);
    const removed = minus(left, current.aces);
    const undoneBy = this.history(entry.target).find((e) => e.id === auditId)?.undoneBy;
    return {
      auditId,
      entry: { at: entry.at, action: entry.action, actor: entry.actor, types: (entry.before as { types?: string[] } | undefined)?.types ?? [] },
      ou: await this.ouNode(entry.target, current),
      now: explicit(current.aces).map(view),
      after: explicit(restored).map(view),
      putBack: minus(restored, current.aces).map(view),
      takenAway: minus(current.aces, restored).map(view),
      inheritance: { now: !current.protected, after: !(before.control & SdControl.DACL_PROTECTED) },
      ...(added.length + removed.length > 0 ? { changedSince: { added: added.map(view), removed: removed.map(view) } } : {}),
      ...(undoneBy ? { undoneBy } : {}),
      daclVersion: daclVersion(current),
      writable: await canChangePermissions(session, entry.target),
      actor: actorOf(actingProfile, session),
    };
  }

  /**
   * Writes back the DACL an audited change replaced. The DACL comes from a file on disk, so only
   * from an entry whose hash chain checks out in a log nobody altered, and only onto an OU or a
   * container; unless forced, only if the OU still has the DACL that change left; and, given the
   * undo preview's daclVersion, only if the OU is still as that preview showed it.
   */
  async restore(auditId: string, force: boolean, profile?: string, previewed?: string): Promise<PermissionWriteResult> {
    const { entry, session, actingProfile } = await this.restorable(auditId, profile);
    const { before: target, after: expected } = restoreDacls(entry);
    const current = await this.readDacl(session, entry.target, previewed);
    const explicitKeys = (aces: Ace[]) =>
      aces
        .filter((a) => !(a.flags & AceFlag.INHERITED))
        .map(aceKey)
        .sort()
        .join('\n');
    if (!force && explicitKeys(current.aces) !== explicitKeys(expected.dacl?.aces ?? [])) {
      throw new ApiError(
        'CONFLICT',
        `The DACL of ${displayDn(entry.target)} changed after that entry; restoring would also undo the later changes. Restore the newer entries first, or restore anyway.`,
        { auditId },
      );
    }
    const changed = [...removeAces(current.aces, target.dacl?.aces ?? []).aces, ...removeAces(target.dacl?.aces ?? [], current.aces).aces].filter(
      (a) => !(a.flags & AceFlag.INHERITED),
    );
    return this.write(actingProfile, session, entry.target, 'permissions.restore', [], 'ldap', current, changed, () => target.dacl?.aces ?? [], {
      protectedFlag: target.control & SdControl.DACL_PROTECTED,
      undoes: auditId,
    });
  }

  /**
   * The audited change an undo starts from, checked: an intact log, a verified successful
   * permissions entry holding both DACLs, an OU or container as its target, and the acting
   * profile (default: the one that made it) in the target's forest.
   */
  private async restorable(auditId: string, profile?: string): Promise<{ entry: AuditRecord; session: DirectorySession; actingProfile: string }> {
    const { entries, integrity } = this.audit.read();
    if (integrity.status === 'tampered') {
      throw new ApiError(
        'AUDIT_UNTRUSTED',
        `The audit log was altered after the console wrote it (${integrity.problems.map(describeAuditProblem).join('; ')}), so no DACL is restored from it. Nothing was written. Keep the file for investigation, and move audit.jsonl and audit-head.json out of the data folder to start a new log.`,
        { auditId, problems: integrity.problems },
      );
    }
    const entry = entries.find((e) => e.id === auditId);
    if (!entry || !entry.action.startsWith('permissions.') || entry.outcome !== 'succeeded')
      throw new ApiError('NOT_FOUND', `There is no successful permissions change ${auditId} in the audit log.`);
    if (entry.integrity !== 'verified') {
      throw new ApiError(
        'AUDIT_UNTRUSTED',
        'That entry was written before the audit log carried hashes, so whether it was changed since cannot be checked, and it is not restored. Nothing was written; its DACL is shown as SDDL if you want to restore it by hand.',
        { auditId },
      );
    }
    restoreDacls(entry);
    const actingProfile = profile ?? entry.actor.profile;
    const session = await this.connections.ensure(actingProfile);
    if (!isDnWithin(entry.target, session.rootDse.defaultNamingContext)) {
      throw new ApiError(
        'INVALID_INPUT',
        `${displayDn(entry.target)} is not in ${session.rootDse.forestDnsName}, the forest of profile ${actingProfile}; act as a profile of its own forest. Nothing was written.`,
        { field: 'profile' },
      );
    }
    await this.requireOuOrContainer(session, entry.target);
    return { entry, session, actingProfile };
  }

  /** For the contacts service: what Lync grants an OU has, in a sentence. */
  async describeGrants(session: DirectorySession, ouDn: string): Promise<string | undefined> {
    const dacl = await this.readDacl(session, ouDn);
    const schema = await coverageSchema(session);
    const granted: string[] = [];
    // By what the entries allow, so a grant written another way (or a broader delegation) counts.
    for (const type of ouObjectTypes) if (missingEntries(dacl.aces, await resolveRecipe(session, [type]), schema).length === 0) granted.push(type);
    const where = displayDn(ouDn);
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
    options: { protectedFlag?: number; undoes?: string } = {},
  ): Promise<PermissionWriteResult> {
    const { protectedFlag } = options;
    const domainSid = await this.domainSid(session);
    const view = await this.viewer(session);
    const commands = action === 'permissions.restore' ? [] : commandsFor(action === 'permissions.grant' ? 'grant' : 'revoke', ouDn, types);
    const sddlBefore = daclSddl(before, { domainSid });
    const actor = actorOf(profile, session);
    if (changes.length === 0) {
      // Idempotent: nothing to add or remove means nothing is written, and nothing audited.
      return { route, ou: ouDn, actor, changed: [], commands, sddlBefore, sddlAfter: sddlBefore };
    }
    const audited = this.audit.begin({
      actor,
      action,
      target: ouDn,
      route,
      before: { sddl: sddlBefore, dacl: before.binary.toString('base64'), types },
      ...(options.undoes ? { undoes: options.undoes } : {}),
    });
    try {
      if (route === 'ldap') {
        const control = protectedFlag === undefined ? before.sd.control : (before.sd.control & ~SdControl.DACL_PROTECTED) | protectedFlag;
        await writeExplicitDacl(session, ouDn, before, nextAces(), control);
      } else {
        for (let i = 0; i < types.length; i += 3) {
          await this.powershell.invoke(profile, 'lync', action === 'permissions.grant' ? 'Grant-CsOUPermission' : 'Revoke-CsOUPermission', {
            OU: ouDn,
            ObjectType: types.slice(i, i + 3),
          });
        }
      }
    } catch (error) {
      audited.failed(error instanceof Error ? error.message : String(error));
      if (error instanceof ApiError && error.code === 'CONFLICT') throw changedSinceRead(displayDn(ouDn));
      if (error instanceof ApiError && error.code === 'ACCESS_DENIED') {
        throw new ApiError(
          'ACCESS_DENIED',
          `${session.identity} may not change the permissions of ${displayDn(ouDn)}. Changing OU permissions needs "Modify permissions" on the OU: Domain Admins have it, or a delegation. Nothing was written.`,
        );
      }
      throw error;
    }
    const after = await this.readDacl(session, ouDn);
    const audit = audited.succeeded({ after: { sddl: daclSddl(after, { domainSid }), dacl: after.binary.toString('base64'), types } });
    // The cmdlet writes its own layout: report what it actually added or removed, not the plan.
    const changed = route === 'powershell' ? explicitDiff(before.aces, after.aces, action === 'permissions.grant') : changes;
    return { route, ou: ouDn, actor, changed: changed.map(view), auditId: audit.id, commands, sddlBefore, sddlAfter: daclSddl(after, { domainSid }) };
  }

  /** Reads the OU's DACL; with `previewed` (a preview's daclVersion), refuses one that changed since that preview. */
  private async readDacl(session: DirectorySession, dn: string, previewed?: string): Promise<ReadDacl> {
    const dacl = await readObjectDacl(session, dn);
    if (!dacl) throw new ApiError('NOT_FOUND', `The OU does not exist or its permissions cannot be read: ${dn}.`);
    if (previewed !== undefined && daclVersion(dacl) !== previewed) throw changedSinceRead(displayDn(dn), 'you previewed');
    return dacl;
  }

  /**
   * Restore writes only where Grant-CsOUPermission works, "container by container" [S5]: OUs and
   * containers (objectClass lists every class an object's class derives from, so their subclasses
   * count). Not the domain head, a user or anything else an edited audit entry might name.
   */
  private async requireOuOrContainer(session: DirectorySession, dn: string): Promise<void> {
    const entry = await session.read(dn, ['objectClass']);
    if (!entry) throw new ApiError('NOT_FOUND', `The object does not exist: ${dn}.`);
    const classes = entry.getAll('objectClass');
    if (!classes.some((c) => ['organizationalunit', 'container'].includes(c.toLowerCase()))) {
      throw new ApiError(
        'UNSUPPORTED',
        `Restore writes permissions back only on OUs and containers; ${dn} is ${classes.at(-1) ? `a ${classes.at(-1)}` : 'neither'}. Nothing was written.`,
        { dn, objectClass: classes },
      );
    }
  }

  private async ouNode(dn: string, dacl: ReadDacl): Promise<OuNode> {
    return { dn, name: rdnValue(dn), path: displayDn(dn), parentDn: parentDn(dn), protected: dacl.protected };
  }

  /**
   * What a revoke removes: the recipe's entries minus those other still-granted types need —
   * granted by what the entries allow, and not indistinguishable from what is revoked (AppContact's
   * recipe is Contact's; revoking one revokes both).
   */
  private async planRevoke(
    session: DirectorySession,
    aces: Ace[],
    recipe: ResolvedEntry[],
    revoking: OuObjectType[],
    schema: CoverageSchema,
  ): Promise<RevokePlan> {
    const all = await this.allRecipes(session);
    const revoked = new Set(revoking.flatMap((t) => all.get(t)!.map((r) => aceKey(r.ace))));
    const others = ouObjectTypes.filter((t) => {
      if (revoking.includes(t)) return false;
      const other = all.get(t)!;
      return other.some((r) => !revoked.has(aceKey(r.ace))) && missingEntries(aces, other, schema).length === 0;
    });
    const keep = others.length === 0 ? [] : await resolveRecipe(session, others);
    return planRevokeAces(
      aces,
      recipe.map((r) => r.ace),
      keep.map((k) => k.ace),
      schema,
    );
  }

  private async allRecipes(session: DirectorySession): Promise<Map<OuObjectType, ResolvedEntry[]>> {
    const all = new Map<OuObjectType, ResolvedEntry[]>();
    for (const type of ouObjectTypes) all.set(type, await resolveRecipe(session, [type]));
    return all;
  }

  /** The OUs below an OU, with their DACLs, in one search. */
  private async ouDescendants(session: DirectorySession, ouDn: string): Promise<Array<{ node: OuNode; aces: Ace[] }>> {
    const children = await session.search(ouDn, {
      scope: 'sub',
      filter: '(objectClass=organizationalUnit)',
      attributes: ['ou', 'nTSecurityDescriptor'],
      controls: daclOnly(),
    });
    return children
      .filter((c) => !dnEquals(c.dn, ouDn) && c.getBuffer('nTSecurityDescriptor'))
      .map((c) => ({ node: toOuNode(c), aces: parseSecurityDescriptor(c.getBuffer('nTSecurityDescriptor')!).dacl?.aces ?? [] }))
      .sort((a, b) => a.node.path.localeCompare(b.node.path));
  }

  /**
   * The OUs below that block inheritance — a grant here does not reach them, each needs its own
   * [S7] — with their own state per type and, for a grant preview, how many entries granting them
   * in the same step would add.
   */
  private async blockedChildren(
    session: DirectorySession,
    descendants: Array<{ node: OuNode; aces: Ace[] }>,
    types: OuObjectType[],
    withChanges: boolean,
  ): Promise<BlockedChild[]> {
    const blocked = descendants.filter((d) => d.node.protected);
    if (blocked.length === 0) return [];
    const schema = await coverageSchema(session);
    const recipes = new Map<OuObjectType, ResolvedEntry[]>();
    for (const type of types) recipes.set(type, await resolveRecipe(session, [type]));
    const all = withChanges ? await resolveRecipe(session, types) : [];
    return blocked.map((d) => ({
      ou: d.node,
      types: types.map((type) => {
        const recipe = recipes.get(type)!;
        const missing = missingEntries(d.aces, recipe, schema);
        return { type, status: statusOf(missing, recipe), missingCount: missing.length };
      }),
      ...(withChanges ? { changes: planGrant(d.aces, all, schema).changes.length, commands: commandsFor('grant', d.node.dn, types) } : {}),
    }));
  }

  private warnings(ouDn: string, dacl: ReadDacl, descendants: Array<{ node: OuNode }>): PermissionPreview['warnings'] {
    const warnings: PermissionPreview['warnings'] = [];
    if (dacl.protected) warnings.push({ code: 'inheritance-off', params: { ou: displayDn(ouDn) } });
    for (const child of descendants)
      if (child.node.protected) warnings.push({ code: 'child-blocks-inheritance', params: { ou: child.node.path, parent: displayDn(ouDn) } });
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
        inheritedName !== undefined
          ? 'descendants-of-class'
          : !(flags & AceFlag.CONTAINER_INHERIT)
            ? 'this'
            : flags & AceFlag.INHERIT_ONLY
              ? 'descendants'
              : 'this-and-descendants';
      const sddl = aceSddl(ace, { domainSid }) ?? '(not expressible in SDDL)';
      return {
        key: aceKey(ace),
        kind:
          ace.type === AceType.ACCESS_ALLOWED || ace.type === AceType.ACCESS_ALLOWED_OBJECT
            ? 'allow'
            : ace.type === AceType.ACCESS_DENIED || ace.type === AceType.ACCESS_DENIED_OBJECT
              ? 'deny'
              : ace.type === 0x02 || ace.type === 0x07
                ? 'audit'
                : 'other',
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
        for (const e of await session.search(dse.schemaNamingContext, {
          scope: 'one',
          filter: '(|(objectClass=attributeSchema)(objectClass=classSchema))',
          attributes: ['lDAPDisplayName', 'schemaIDGUID'],
        })) {
          const guid = e.getBuffer('schemaIDGUID');
          if (guid) names.set(guidToString(guid), e.get('lDAPDisplayName') ?? '');
        }
        for (const e of await session.search(`CN=Extended-Rights,${dse.configurationNamingContext}`, {
          scope: 'one',
          filter: '(objectClass=controlAccessRight)',
          attributes: ['cn', 'rightsGuid'],
        })) {
          const guid = e.get('rightsGuid');
          if (guid) names.set(guid.toLowerCase(), e.get('cn') ?? '');
        }
        // Groups through the global catalog, so the RTC groups of the forest root are named in a child domain too [S8].
        for (const e of (await session.searchForest({ filter: '(objectClass=group)', attributes: ['sAMAccountName', 'objectSid'] })).entries) {
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
  return {
    dn: e.dn,
    name: e.get('ou') ?? rdnValue(e.dn),
    path: displayDn(e.dn),
    parentDn: parentDn(e.dn),
    protected: (control & SdControl.DACL_PROTECTED) !== 0,
  };
}

/**
 * The recipe entries the DACL does not fully allow — by what its entries allow, explicit or
 * inherited, in any layout — each reduced to the rights still missing.
 */
function missingEntries(aces: Ace[], recipe: ResolvedEntry[], schema: CoverageSchema): ResolvedEntry[] {
  return planGrantAces(aces, recipe, schema).add.map((r) => ({ ...r, ace: r.add }));
}

/**
 * Granted when nothing is missing; partly granted when some of the type's own entries are allowed;
 * otherwise not granted. The entries on the OU itself are shared by every type, so they alone do
 * not make, say, Computer "partly granted" on an OU granted for Contact.
 */
function statusOf(missing: ResolvedEntry[], recipe: ResolvedEntry[]): 'granted' | 'partial' | 'not-granted' {
  if (missing.length === 0) return 'granted';
  const shared = new Set(recipeFor([]).map(recipeEntryKey));
  const missingKeys = new Set(missing.map((m) => recipeEntryKey(m.entry)));
  const ownPresent = recipe.some((r) => !shared.has(recipeEntryKey(r.entry)) && !missingKeys.has(recipeEntryKey(r.entry)));
  return ownPresent ? 'partial' : 'not-granted';
}

/** Adds only what is not allowed yet: per recipe entry, the missing rights in the recipe's shape. */
function planGrant(aces: Ace[], recipe: ResolvedEntry[], schema: CoverageSchema): { changes: Ace[]; unchanged: Ace[] } {
  const plan = planGrantAces(aces, recipe, schema);
  return { changes: plan.add.map((r) => r.add), unchanged: plan.inPlace.map((r) => r.ace) };
}

/** The explicit entries one DACL has and the other has not: added (after, not before) or removed (before, not after). */
function explicitDiff(before: Ace[], after: Ace[], added: boolean): Ace[] {
  const [from, to] = added ? [after, before] : [before, after];
  const other = new Set(to.filter((a) => !(a.flags & AceFlag.INHERITED)).map(aceKey));
  return from.filter((a) => !(a.flags & AceFlag.INHERITED) && !other.has(aceKey(a)));
}

/** The same change as Lync shell commands (the cmdlets take at most three types per call). */
function commandsFor(action: 'grant' | 'revoke', ouDn: string, types: OuObjectTypeName[]): string[] {
  const commands: string[] = [];
  for (let i = 0; i < types.length; i += 3)
    commands.push(renderCommand(action === 'grant' ? 'Grant-CsOUPermission' : 'Revoke-CsOUPermission', { OU: ouDn, ObjectType: types.slice(i, i + 3) }));
  return commands;
}

/** The DACLs an audited change replaced (before) and left (after), as its entry keeps them. */
function restoreDacls(entry: AuditRecord): { before: SecurityDescriptor; after: SecurityDescriptor } {
  const before = entry.before as { dacl?: string } | undefined;
  const after = entry.after as { dacl?: string } | undefined;
  if (!before?.dacl || !after?.dacl) throw new ApiError('INVALID_INPUT', 'That audit entry does not hold the DACL needed to restore it.');
  return { before: parseSecurityDescriptor(Buffer.from(before.dacl, 'base64')), after: parseSecurityDescriptor(Buffer.from(after.dacl, 'base64')) };
}
