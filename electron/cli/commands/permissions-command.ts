import type { Command } from 'commander';
import { ApiError } from '@shared/errors';
import { ouObjectTypeSchema, type BlockedChild, type OuObjectTypeName, type PermissionWriteResult } from '@shared/models/permissions';
import type { CommandRunner } from '../cli-context';
import { table } from '../cli-context';

/** Parses --type Contact,User into the object types Grant-CsOUPermission knows. */
export function parseTypes(value: unknown): OuObjectTypeName[] {
  const names = String(value ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const known = ouObjectTypeSchema.options;
  const types = names.map((name) => {
    const match = known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!match) throw new ApiError('INVALID_INPUT', `--type: "${name}" is not an object type. Use ${known.join(', ')}.`);
    return match;
  });
  if (types.length === 0) throw new ApiError('INVALID_INPUT', `--type needs at least one of ${known.join(', ')}.`);
  return [...new Set(types)];
}

/** The OU and object types a permissions command acts on (`permissions …`, `plan export permissions`). */
export function withPermissionTarget(command: Command): Command {
  return command
    .requiredOption('--ou <dn>', 'the OU, as a distinguished name')
    .requiredOption('--type <types>', 'object types, comma-separated: User, Computer, Contact, AppContact, InetOrgPerson, Device');
}

/** --route of a grant or revoke: ldap (write the DACL) or powershell (the Lync cmdlet). */
export function withPermissionRoute(command: Command): Command {
  return command.option('--route <route>', 'ldap (write the DACL) or powershell (the Lync cmdlet)', 'ldap');
}

/** The route given, checked. */
export function permissionRoute(o: Record<string, unknown>): 'ldap' | 'powershell' {
  if (o.route !== 'ldap' && o.route !== 'powershell') throw new ApiError('INVALID_INPUT', '--route must be ldap or powershell.');
  return o.route;
}

/** `permissions test|grant|revoke`: Test/Grant/Revoke-CsOUPermission from a terminal, with the preview printed. */
export function registerPermissionsCommand(program: Command, run: CommandRunner): void {
  const permissions = program.command('permissions').description('Lync OU permissions (Grant-, Test-, Revoke-CsOUPermission)');

  withPermissionTarget(permissions.command('test').description('Whether each type is granted, partly granted (and what is missing) or not granted')).action(
    run(async (ctx, o) => {
      const [profile] = ctx.profiles();
      const types = parseTypes(o.type);
      await ctx.connect(profile!);
      const result = await ctx.call('permissions.test', { profile: profile!, ou: String(o.ou), types });
      ctx.print(result, () =>
        [
          table(
            ['Type', 'Status', 'Missing entries'],
            result.types.map((t) => [t.type, t.status, t.missing.map((m) => `${m.trustee} ${m.rights.join('+')} ${m.object ?? ''}`.trim()).join('; ')]),
          ),
          ...blockedChildrenLines(result.blockedChildren),
          ...result.warnings.map((w) => `Warning: ${w.code} ${Object.values(w.params).join(' / ')}`),
        ].join('\n'),
      );
    }),
  );

  for (const action of ['grant', 'revoke'] as const) {
    const command = withPermissionRoute(
      withPermissionTarget(
        permissions
          .command(action)
          .description(
            action === 'grant'
              ? "Add what the OU's entries do not allow yet (idempotent)"
              : 'Remove the entries that are part of the grant; broader delegations stay',
          ),
      ),
    );
    if (action === 'grant')
      command.option(
        '--include-blocked-children',
        'also grant the OUs below whose inheritance is blocked (a grant does not reach them), each audited on its own',
      );
    command.action(
      run(async (ctx, o) => {
        const [profile] = ctx.profiles();
        const types = parseTypes(o.type);
        const route = permissionRoute(o);
        await ctx.connect(profile!);
        const ou = String(o.ou);
        let children: string[] | undefined;
        if (action === 'grant' && o.includeBlockedChildren) {
          const test = await ctx.call('permissions.test', { profile: profile!, ou, types });
          children = test.blockedChildren.map((c) => c.ou.dn);
        }
        const result =
          action === 'grant'
            ? await ctx.call('permissions.grant', { profile: profile!, ou, types, route, ...(children ? { children } : {}) })
            : await ctx.call('permissions.revoke', { profile: profile!, ou, types, route });
        ctx.print(result, () => [result, ...(result.children ?? [])].map((r) => describeWrite(action, r)).join('\n'));
      }),
    );
  }
}

/** One OU's write, in a sentence and a table. */
function describeWrite(action: 'grant' | 'revoke', result: PermissionWriteResult): string {
  if (result.changed.length === 0)
    return `Nothing to ${action}: ${result.ou} already ${action === 'grant' ? 'allows every entry' : "has none of the grant's entries"}.`;
  return [
    `${action === 'grant' ? 'Added' : 'Removed'} ${result.changed.length} entries on ${result.ou} (audit ${result.auditId}):`,
    table(
      ['Trustee', 'Rights', 'Object', 'Applies to'],
      result.changed.map((c) => [c.trustee, c.rights.join(' '), c.object, c.appliesToClass ? `${c.appliesTo}: ${c.appliesToClass}` : c.appliesTo]),
    ),
  ].join('\n');
}

/** The OUs below that block inheritance, with their own state (a grant here does not reach them). */
function blockedChildrenLines(children: BlockedChild[]): string[] {
  if (children.length === 0) return [];
  return [
    'OUs below with inheritance blocked (grant them with --include-blocked-children):',
    table(
      ['OU', ...children[0]!.types.map((t) => t.type)],
      children.map((c) => [c.ou.path, ...c.types.map((t) => t.status)]),
    ),
  ];
}
