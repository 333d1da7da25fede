import type { Command } from 'commander';
import { ApiError } from '@shared/errors';
import { ouObjectTypeSchema, type OuObjectTypeName } from '@shared/models/permissions';
import type { CliContext, CommandRunner } from '../cli-context';
import { table } from '../cli-context';

/** Parses --type Contact,User into the object types Grant-CsOUPermission knows. */
function parseTypes(value: unknown): OuObjectTypeName[] {
  const names = String(value ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const known = ouObjectTypeSchema.options;
  const types = names.map((name) => {
    const match = known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!match) throw new ApiError('INVALID_INPUT', `--type: "${name}" is not an object type. Use ${known.join(', ')}.`);
    return match;
  });
  if (types.length === 0) throw new ApiError('INVALID_INPUT', `--type needs at least one of ${known.join(', ')}.`);
  return [...new Set(types)];
}

/** `permissions test|grant|revoke`: Test/Grant/Revoke-CsOUPermission from a terminal, with the preview printed. */
export function registerPermissionsCommand(program: Command, run: CommandRunner): void {
  const permissions = program.command('permissions').description('Lync OU permissions (Grant-, Test-, Revoke-CsOUPermission)');
  const withTarget = (command: Command) =>
    command.requiredOption('--ou <dn>', 'the OU, as a distinguished name').requiredOption('--type <types>', 'object types, comma-separated: User, Computer, Contact, AppContact, InetOrgPerson, Device');

  withTarget(permissions.command('test').description('Whether each type is granted, partly granted (and what is missing) or not granted')).action(
    run(async (ctx, o) => {
      const [profile] = ctx.profiles();
      const types = parseTypes(o.type);
      await ctx.connect(profile!);
      const result = await ctx.call('permissions.test', { profile: profile!, ou: String(o.ou), types });
      ctx.print(result, () =>
        [
          table(['Type', 'Status', 'Missing entries'], result.types.map((t) => [t.type, t.status, t.missing.map((m) => `${m.trustee} ${m.rights.join('+')} ${m.object ?? ''}`.trim()).join('; ')])),
          ...result.warnings.map((w) => `Warning: ${w.code} ${Object.values(w.params).join(' / ')}`),
        ].join('\n'),
      );
    }),
  );

  for (const action of ['grant', 'revoke'] as const) {
    withTarget(permissions.command(action).description(action === 'grant' ? 'Add the missing entries (idempotent)' : 'Remove exactly the entries the grant adds'))
      .option('--route <route>', 'ldap (write the DACL) or powershell (the Lync cmdlet)', 'ldap')
      .action(
        run(async (ctx, o) => {
          const [profile] = ctx.profiles();
          const types = parseTypes(o.type);
          if (o.route !== 'ldap' && o.route !== 'powershell') throw new ApiError('INVALID_INPUT', '--route must be ldap or powershell.');
          await ctx.connect(profile!);
          const result = await ctx.call(`permissions.${action}`, { profile: profile!, ou: String(o.ou), types, route: o.route });
          ctx.print(result, () =>
            result.changed.length === 0
              ? `Nothing to ${action}: ${result.ou} already ${action === 'grant' ? 'has every entry' : 'has none of the entries'}.`
              : [`${action === 'grant' ? 'Added' : 'Removed'} ${result.changed.length} entries on ${result.ou} (audit ${result.auditId}):`, table(['Trustee', 'Rights', 'Object', 'Applies to'], result.changed.map((c) => [c.trustee, c.rights.join(' '), c.object, c.appliesToClass ? `${c.appliesTo}: ${c.appliesToClass}` : c.appliesTo]))].join('\n'),
          );
        }),
      );
  }
}
