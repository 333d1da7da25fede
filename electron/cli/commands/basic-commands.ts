import type { Command } from 'commander';
import type { CommandRunner } from '../cli-context';
import { table } from '../cli-context';

/** `info`, `profiles list` and `connect`: what is configured and whether it answers. */
export function registerBasicCommands(program: Command, run: CommandRunner): void {
  program
    .command('info')
    .description('Show the console version and whether the lab is available')
    .action(
      run(async (ctx) => {
        const info = await ctx.call('app.info', {});
        ctx.print(info, () =>
          table(
            ['Key', 'Value'],
            Object.entries(info)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]) => [k, String(v)]),
          ),
        );
      }),
    );

  const profiles = program.command('profiles').description('Connection profiles');
  profiles
    .command('list')
    .description('List saved and built-in profiles (never their passwords)')
    .action(
      run(async (ctx) => {
        const list = await ctx.call('profiles.list', {});
        ctx.print(list, () =>
          table(
            ['Name', 'DC', 'Security', 'Bind as', 'Password from', 'Built-in'],
            list.map((p) => [
              p.name,
              `${p.directory.host}:${p.directory.port}`,
              p.directory.security,
              p.directory.bindIdentity ?? 'the logged-on user (Kerberos)',
              p.secretSource,
              p.builtIn ? 'yes' : '',
            ]),
          ),
        );
      }),
    );

  program
    .command('connect')
    .description('Bind to each --profile and report the forest it reaches')
    .action(
      run(async (ctx) => {
        await ctx.connectAll();
        const states = await ctx.call('connections.list', {});
        ctx.print(states, () =>
          table(
            ['Profile', 'Status', 'Forest', 'DC', 'Bound as'],
            states.map((s) => [s.profile, s.status, s.forest, s.dcHost, s.boundAs]),
          ),
        );
      }),
    );
}
