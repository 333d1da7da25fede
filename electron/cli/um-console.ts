import { Command } from 'commander';
import { ApiError } from '@shared/errors';
import { version } from '../../package.json';
import { assertNodeVersion } from '../adapters/node-services';
import { CliContext, type GlobalOptions } from './cli-context';
import { registerBasicCommands } from './commands/basic-commands';
import { registerTopologyCommand } from './commands/topology-command';
import { registerContactsCommand } from './commands/contacts-command';
import { registerPermissionsCommand } from './commands/permissions-command';
import { registerEnableCommand } from './commands/enable-command';
import { registerRollbackCommand } from './commands/rollback-command';
import { registerChecklistCommand } from './commands/checklist-command';
import { registerGatewaysCommand } from './commands/gateways-command';
import { registerPlanCommand } from './commands/plan-command';

/**
 * `um-console`: the console's services from a terminal, for scripts and scheduled runs. Every
 * command takes --profile NAME (repeatable) and --json; exit code 0 means success, 1 a failure
 * the output explains, 2 a usage error.
 */
const program = new Command('um-console')
  .version(version)
  .description('UM Integration Console: Exchange Unified Messaging with Lync Server 2013, from the command line')
  .option(
    '--profile <name>',
    'connection profile to use (repeat for several forests)',
    (value: string, previous: string[]) => [...previous, value],
    [] as string[],
  )
  .option('--json', 'print machine-readable JSON', false)
  .showHelpAfterError()
  .exitOverride();

function run(action: (ctx: CliContext, options: Record<string, unknown>) => Promise<void>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const options = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
    const ctx = new CliContext({ profile: options.profile ?? [], json: options.json ?? false });
    try {
      await action(ctx, options);
    } catch (error) {
      const envelope = error instanceof ApiError ? error.toEnvelope() : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
      if (ctx.options.json) process.stdout.write(`${JSON.stringify({ error: envelope }, null, 2)}\n`);
      else process.stderr.write(`Error (${envelope.code}): ${envelope.message}\n`);
      process.exitCode = Math.max(Number(process.exitCode ?? 0), 1);
    } finally {
      await ctx.close();
    }
  };
}

assertNodeVersion();
registerBasicCommands(program, run);
registerTopologyCommand(program, run);
registerContactsCommand(program, run);
registerPermissionsCommand(program, run);
registerEnableCommand(program, run);
registerRollbackCommand(program, run);
registerChecklistCommand(program, run);
registerGatewaysCommand(program, run);
registerPlanCommand(program, run);

program.parseAsync(process.argv).catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(0);
  process.exit(2);
});
