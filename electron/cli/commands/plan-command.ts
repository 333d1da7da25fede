import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ApiError } from '@shared/errors';
import { csvEncodingSchema } from '@shared/models/enablement';
import type { ExportedPlan, PlanCheck } from '@shared/models/plans';
import { languageSchema } from '@shared/models/settings';
import type { CliContext, CommandRunner } from '../cli-context';
import { promptHidden, table } from '../cli-context';
import { addContactCreateOptions, contactCreateFromOptions } from './contacts-command';
import { csvImportRequest } from './enable-command';

/**
 * `plan export enable|contacts create` writes a change plan instead of applying the write: the
 * plan (JSON), its PowerShell script and its HTML summary for the change ticket. `plan apply
 * --file F` applies an approved plan only if it is intact and the directory still matches it.
 */
export function registerPlanCommand(program: Command, run: CommandRunner): void {
  const plan = program.command('plan').description('Change plans: export a write for approval instead of applying it; apply an approved plan');
  const exportCommand = plan.command('export').description('Write a change plan (plan JSON, PowerShell script, HTML summary) instead of applying');
  const common = (command: Command) =>
    command.option('--out <dir>', 'the folder to write the three files to', '.').option('--language <language>', "the summary's language: en or zh-TW", 'en');

  common(
    exportCommand
      .command('enable')
      .description('Plan bulk UM enablement from a CSV file: the rows validation finds ready')
      .requiredOption('--csv <file>', 'the CSV file, as for `enable`')
      .option('--encoding <encoding>', `override the detected encoding: ${csvEncodingSchema.options.join(', ')}`)
      .option('--delimiter <delimiter>', 'override the detected delimiter: comma, semicolon or tab')
      .option('--propose-extensions', 'fill missing extensions from the Lync line URI or telephoneNumber', false)
      .option('--allow-sip-mismatch', "accept SIP resource identifiers that are not the user's Lync SIP address", false),
  ).action(
    run(async (ctx, o) => {
      const [profile] = ctx.profiles();
      const csvImport = csvImportRequest(o);
      await ctx.connect(profile!);
      const summary = await ctx.call('enablement.import', csvImport);
      await ctx.call('enablement.validate', {
        importId: summary.importId,
        profile: profile!,
        mapping: summary.mapping,
        proposeExtensions: Boolean(o.proposeExtensions),
        allowSipMismatch: Boolean(o.allowSipMismatch),
      });
      await writePlan(ctx, o, await ctx.call('plans.export', { request: { kind: 'enablement', importId: summary.importId }, language: language(o) }));
    }),
  );

  const contacts = exportCommand.command('contacts').description('Plan SA/AA contact changes');
  common(addContactCreateOptions(contacts.command('create').description('Plan the creation of an SA or AA contact'))).action(
    run(async (ctx, o) => {
      const input = await contactCreateFromOptions(ctx, o);
      await writePlan(ctx, o, await ctx.call('plans.export', { request: { kind: 'contacts', operations: [{ op: 'create', input }] }, language: language(o) }));
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
