import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiError } from '@shared/errors';
import { bulkOperationSchema, type BulkOperation } from '@shared/models/enablement';
import type { ExportedPlan, PlanCheck, PlanContactOperation } from '@shared/models/plans';
import { languageSchema } from '@shared/models/settings';
import type { CliContext, CommandRunner } from '../cli-context';
import { promptHidden, table } from '../cli-context';
import {
  addContactCreateOptions,
  contactCreateFromOptions,
  contactLoaded,
  contactRoute,
  contactUpdateFromOptions,
  findContact,
  withContactChanges,
  withContactFinder,
} from './contacts-command';
import { bulkCsvHelp, bulkOperation, csvImportRequest, validateRequest, withCsvOptions } from './enable-command';
import { gatewayRequest, withGatewayChoices } from './gateways-command';
import { parseTypes, permissionRoute, withPermissionRoute, withPermissionTarget } from './permissions-command';

/**
 * `plan export bulk|enable|contacts|permissions|gateways` writes a change plan instead of applying
 * the write, with the options of the command that would apply it: the plan (JSON), its PowerShell
 * script and its HTML summary for the change ticket. `plan apply
 * --file F` applies an approved plan only if it is intact and the directory still matches it.
 */
export function registerPlanCommand(program: Command, run: CommandRunner): void {
  const plan = program.command('plan').description('Change plans: export a write for approval instead of applying it; apply an approved plan');
  const exportCommand = plan.command('export').description('Write a change plan (plan JSON, PowerShell script, HTML summary) instead of applying');
  const common = (command: Command) =>
    command.option('--out <dir>', 'the folder to write the three files to', '.').option('--language <language>', "the summary's language: en or zh-TW", 'en');

  /** A bulk plan: the file imported and validated for the operation as `bulk` does, then its ready rows planned. */
  const exportBulk = async (ctx: CliContext, o: Record<string, unknown>, operation: BulkOperation) => {
    const [profile] = ctx.profiles();
    const csvImport = csvImportRequest({ ...o, csv: o.csv ?? o.file });
    await ctx.connect(profile!);
    const summary = await ctx.call('enablement.import', csvImport);
    await ctx.call('enablement.validate', validateRequest(summary, profile!, operation, o));
    await writePlan(ctx, o, await ctx.call('plans.export', { request: { kind: 'enablement', importId: summary.importId }, language: language(o) }));
  };
  common(
    withCsvOptions(
      exportCommand
        .command('bulk')
        .description('Plan a bulk operation from a CSV file (enable, voice, change, pin, disable or move): the rows validation finds ready')
        .requiredOption('--operation <name>', `what each row does: ${bulkOperationSchema.options.join(', ')}`)
        .option('--csv <file>', bulkCsvHelp)
        .option('--file <file>', 'the CSV file (the same as --csv)'),
    ),
  ).action(
    run((ctx, o) => {
      if (!o.csv && !o.file) throw new ApiError('INVALID_INPUT', 'Give the CSV file with --file (or --csv).');
      return exportBulk(ctx, o, bulkOperation(o));
    }),
  );
  common(
    withCsvOptions(
      exportCommand
        .command('enable')
        .description('Plan bulk UM enablement from a CSV file (the same as `plan export bulk --operation enable`)')
        .requiredOption('--csv <file>', 'the CSV file, as for `enable`'),
    ),
  ).action(run((ctx, o) => exportBulk(ctx, o, 'enable')));

  const contacts = exportCommand.command('contacts').description('Plan SA/AA contact changes');
  const exportContact = async (ctx: CliContext, o: Record<string, unknown>, operation: PlanContactOperation) =>
    writePlan(ctx, o, await ctx.call('plans.export', { request: { kind: 'contacts', operations: [operation] }, language: language(o) }));
  common(addContactCreateOptions(contacts.command('create').description('Plan the creation of an SA or AA contact'))).action(
    run(async (ctx, o) => exportContact(ctx, o, { op: 'create', input: await contactCreateFromOptions(ctx, o) })),
  );
  common(withContactChanges(withContactFinder(contacts.command('edit').description('Plan a change of the contact found by --sip or --dn')))).action(
    run(async (ctx, o) => {
      await ctx.connectAll();
      if (!o.name && !o.newSip && !o.phone && !o.pool) throw new ApiError('INVALID_INPUT', 'Nothing to change: give --name, --new-sip, --phone or --pool.');
      await exportContact(ctx, o, { op: 'update', input: contactUpdateFromOptions(await findContact(ctx, o), o) });
    }),
  );
  common(
    withContactFinder(contacts.command('move').description('Plan a move of the contact found by --sip or --dn to another OU or pool'))
      .option('--ou <dn>', 'move to this OU')
      .option('--pool <fqdn>', 'move to this pool'),
  ).action(
    run(async (ctx, o) => {
      await ctx.connectAll();
      if (!o.ou && !o.pool) throw new ApiError('INVALID_INPUT', 'Where to: give --ou or --pool.');
      const contact = await findContact(ctx, o);
      await exportContact(ctx, o, {
        op: 'move',
        input: {
          profile: contact.profile,
          dn: contact.dn,
          expectedVersion: contact.version,
          loaded: contactLoaded(contact),
          ...(o.ou ? { targetOuDn: String(o.ou) } : {}),
          ...(o.pool ? { targetPoolFqdn: String(o.pool) } : {}),
          route: contactRoute(o),
        },
      });
    }),
  );
  common(withContactFinder(contacts.command('delete').description('Plan the deletion of the contact found by --sip or --dn'))).action(
    run(async (ctx, o) => {
      await ctx.connectAll();
      const contact = await findContact(ctx, o);
      await exportContact(ctx, o, {
        op: 'delete',
        input: { profile: contact.profile, dn: contact.dn, expectedVersion: contact.version, loaded: contactLoaded(contact), route: contactRoute(o) },
      });
    }),
  );

  const permissions = exportCommand
    .command('permissions')
    .description('Plan a grant or revoke of the Lync OU permissions, as `permissions grant|revoke` would run it');
  for (const action of ['grant', 'revoke'] as const)
    common(withPermissionRoute(withPermissionTarget(permissions.command(action).description(`Plan \`permissions ${action}\``)))).action(
      run(async (ctx, o) => {
        const [profile] = ctx.profiles();
        const types = parseTypes(o.type);
        const route = permissionRoute(o);
        await ctx.connect(profile!);
        const request = { kind: 'permissions' as const, profile: profile!, ou: String(o.ou), types, action, route };
        await writePlan(ctx, o, await ctx.call('plans.export', { request, language: language(o) }));
      }),
    );

  common(
    withGatewayChoices(
      exportCommand
        .command('gateways')
        .description("Plan the UM IP gateways, hunt groups and Lync read permissions `gateways apply` would create (exchucutil.ps1's job)"),
    ),
  ).action(
    run(async (ctx, o) => {
      const request = await gatewayRequest(ctx, o);
      await writePlan(ctx, o, await ctx.call('plans.export', { request: { kind: 'gateways', request }, language: language(o) }));
    }),
  );

  plan
    .command('apply')
    .description('Apply an approved plan: refused, with what differs, if the plan was edited or the directory changed since it was exported')
    .requiredOption('--file <file>', 'the plan (.json) as exported; without --profile, the profile it was prepared with is used')
    .option('--check', 'only compare the plan with the directory; apply nothing', false)
    .action(
      run(async (ctx, o) => {
        const content = readInput(String(o.file)).toString('utf8');
        // Without --profile, the profile the plan was prepared with (main checks the plan itself).
        if (ctx.options.profile.length === 0) ctx.options.profile.push(...planProfile(content));
        await ctx.connectAll();
        const check = await ctx.call('plans.check', { content });
        if (o.check) {
          ctx.print(check, () => renderCheck(check));
          if (check.state !== 'matches') process.exitCode = 1;
          return;
        }
        const secrets: Record<string, string> = {};
        // Asked for only when the plan can be applied; otherwise the apply below says why not, with the differences.
        for (const secret of check.state === 'matches' ? check.secrets : []) {
          if (!process.stdin.isTTY) throw new ApiError('SECRET_REQUIRED', `The plan needs ${secret.prompt}: run interactively to enter it.`);
          secrets[secret.variable] = await promptHidden(`${secret.prompt}: `);
        }
        const result = await ctx.call('plans.apply', { content, secrets });
        ctx.print(result, () =>
          [
            `Applied plan ${result.planId}${result.jobId ? ` (job ${result.jobId})` : ''}:`,
            table(
              ['Object', 'Outcome', 'Message'],
              result.steps.map((s) => [s.target, s.outcome, s.message]),
            ),
          ].join('\n'),
        );
        if (result.steps.some((s) => s.outcome !== 'done')) process.exitCode = 1;
      }),
    );
}

function planProfile(content: string): string[] {
  try {
    const profile = (JSON.parse(content.replace(/^\uFEFF/, '')) as { profile?: unknown }).profile;
    return typeof profile === 'string' ? [profile] : [];
  } catch {
    return [];
  }
}

function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ApiError('NOT_FOUND', `Cannot read ${path}: ${(error as Error).message}`);
  }
}

function language(o: Record<string, unknown>) {
  const parsed = languageSchema.safeParse(o.language);
  if (!parsed.success) throw new ApiError('INVALID_INPUT', `--language must be one of ${languageSchema.options.join(', ')}.`);
  return parsed.data;
}

async function writePlan(ctx: CliContext, o: Record<string, unknown>, exported: ExportedPlan): Promise<void> {
  const dir = resolve(String(o.out));
  mkdirSync(dir, { recursive: true });
  const files = exported.files.map((f) => {
    const path = join(dir, f.name);
    writeFileSync(path, f.content, 'utf8');
    return path;
  });
  ctx.print({ planId: exported.plan.id, hash: exported.plan.hash, steps: exported.plan.steps.length, files }, () =>
    [`Plan ${exported.plan.id} (${exported.plan.steps.length} commands), fingerprint ${exported.plan.hash}:`, ...files.map((f) => `  ${f}`)].join('\n'),
  );
}

function renderCheck(check: PlanCheck): string {
  if (check.state === 'tampered') return `Plan ${check.plan?.id}: changed after it was exported (its fingerprint does not match).`;
  if (check.state === 'matches') return `Plan ${check.plan?.id}: the directory matches; it can be applied.`;
  return [
    `Plan ${check.plan?.id}: the directory changed since it was exported.`,
    table(
      ['Object', 'Attribute', 'In the plan', 'Now'],
      check.differences.map((d) => [d.object, d.attribute, d.planned, d.now]),
    ),
  ].join('\n');
}
