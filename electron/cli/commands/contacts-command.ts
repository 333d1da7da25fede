import type { Command } from 'commander';
import type { ContactCreate, ContactItem, ContactOptions, ContactUpdate, ContactWarning } from '@shared/models/contacts';
import { proposeContactDefaults } from '@shared/contacts/contact-values';
import { ApiError } from '@shared/errors';
import type { CliContext, CommandRunner } from '../cli-context';
import { table } from '../cli-context';
import { parentDn } from '@shared/dn';

/** `contacts list|create|update|delete`: OcsUmUtil from a terminal. */
export function registerContactsCommand(program: Command, run: CommandRunner): void {
  const contacts = program.command('contacts').description('Subscriber Access and Auto Attendant contacts');

  contacts
    .command('list')
    .description('List every SA/AA contact in the forests of the --profile options, with problems')
    .action(
      run(async (ctx) => {
        await ctx.connectAll();
        const list = await ctx.call('contacts.list', { refresh: true });
        ctx.print(list, () =>
          table(
            ['Type', 'Name', 'SIP address', 'Number', 'Dial plan / AA', 'Pool', 'OU', 'Problems'],
            list.map((c) => [
              c.kind,
              c.displayName,
              c.sipAddress,
              c.phoneNumber,
              c.target?.name ?? c.targetDn ?? '',
              c.pool?.name,
              c.ou,
              c.problems.map((p) => p.code).join(', '),
            ]),
          ),
        );
      }),
    );

  addContactCreateOptions(contacts.command('create').description('Create an SA contact for a dial plan or an AA contact for an auto attendant')).action(
    run(async (ctx, o) => {
      const result = await ctx.call('contacts.create', await contactCreateFromOptions(ctx, o));
      ctx.print(result, () =>
        [
          `Created ${result.dn} (${result.route === 'ldap' ? 'LDAP' : 'Lync PowerShell'})`,
          ...(result.command ? [`  ${result.command}`] : []),
          ...warningLines(result.warnings),
        ].join('\n'),
      );
    }),
  );

  withContactChanges(withContactFinder(contacts.command('update').description('Change, or move to another pool or OU, the contact found by --sip or --dn')))
    .option('--ou <dn>', 'move to this OU')
    .action(
      run(async (ctx, o) => {
        await ctx.connectAll();
        const contact = await findContact(ctx, o);
        const route = contactRoute(o);
        let result = undefined as Awaited<ReturnType<typeof ctx.call<'contacts.update'>>> | undefined;
        if (o.name || o.newSip || o.phone || o.pool) result = await ctx.call('contacts.update', contactUpdateFromOptions(contact, o));
        if (o.ou) {
          const current = result?.contact ?? contact;
          result = await ctx.call('contacts.move', {
            profile: contact.profile,
            dn: current.dn,
            expectedVersion: current.version,
            loaded: {},
            targetOuDn: o.ou as string,
            route,
          });
        }
        if (!result) throw new ApiError('INVALID_INPUT', 'Nothing to change: give --name, --new-sip, --phone, --pool or --ou.');
        ctx.print(result, () => [`Updated ${result!.dn}`, ...(result!.command ? [`  ${result!.command}`] : []), ...warningLines(result!.warnings)].join('\n'));
      }),
    );

  withContactFinder(contacts.command('delete').description('Delete the contact found by --sip or --dn')).action(
    run(async (ctx, o) => {
      await ctx.connectAll();
      const contact = await findContact(ctx, o);
      const result = await ctx.call('contacts.delete', {
        profile: contact.profile,
        dn: contact.dn,
        expectedVersion: contact.version,
        loaded: {},
        route: contactRoute(o),
      });
      ctx.print(result, () => `Deleted ${result.dn}`);
    }),
  );
}

/** Warnings did not stop the write (contacts-service.ts says why each is a warning); shown by code with their values. */
function warningLines(warnings: ContactWarning[]): string[] {
  return warnings.map((w) =>
    `  Warning: ${w.code} ${Object.entries(w.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`.trimEnd(),
  );
}

/** The options that describe a new contact (`contacts create`, `plan export contacts create`), with the defaults OcsUmUtil would propose. */
export function addContactCreateOptions(command: Command): Command {
  return command
    .requiredOption('--type <type>', 'SA or AA')
    .option('--dial-plan <name>', 'the UM dial plan (SA)')
    .option('--auto-attendant <name>', 'the auto attendant (AA)')
    .option('--name <name>', 'display name (default: "<dial plan> Subscriber Access" or "<auto attendant> Auto Attendant")')
    .option('--sip <uri>', 'SIP address, sip:name@domain (default: proposed from the dial plan or auto attendant name)')
    .option('--phone <number>', 'E.164 number, +…')
    .option('--pilot', "use Exchange UM's number: the dial plan's access number or the auto attendant's pilot number")
    .option('--pool <fqdn>', 'the Lync pool that registers the contact (default: the first pool)')
    .option('--ou <dn>', 'the OU to create it in (default: where the existing UM contacts are)')
    .option('--route <route>', 'ldap (as OcsUmUtil) or powershell (New-CsExUmContact)', 'ldap');
}

/** The contacts.create request those options describe. */
export async function contactCreateFromOptions(ctx: CliContext, o: Record<string, unknown>): Promise<ContactCreate> {
  const type = String(o.type).toUpperCase();
  if (type !== 'SA' && type !== 'AA') throw new ApiError('INVALID_INPUT', '--type must be SA or AA.');
  await ctx.connectAll();
  const options = await ctx.call('contacts.options', {});
  const forest = options.forests.find((f) => ctx.profiles().includes(f.profile)) ?? options.forests[0];
  if (!forest) throw new ApiError('NOT_FOUND', 'None of the given profiles reaches a forest with Lync pools.');
  const target =
    type === 'SA' ? findByName(options.dialPlans, o.dialPlan, '--dial-plan') : findByName(options.autoAttendants, o.autoAttendant, '--auto-attendant');
  const numbers = 'accessNumbers' in target ? target.accessNumbers : target.pilotNumbers;
  const phone = o.pilot ? numbers[0] : (o.phone as string | undefined);
  if (!phone) throw new ApiError('INVALID_INPUT', `Give --phone +… or --pilot (Exchange UM has ${numbers.join(', ') || 'no number'} for ${target.name}).`);
  const list = await ctx.call('contacts.list', {});
  const proposed = proposeContactDefaults(type, target.name, forest.sipDomain, list);
  return {
    profile: forest.profile,
    kind: type,
    targetDn: target.dn,
    name: (o.name as string | undefined) ?? proposed.name,
    sipAddress: (o.sip as string | undefined) ?? proposed.sipAddress,
    phoneNumber: phone,
    poolFqdn: (o.pool as string | undefined) ?? forest.pools[0]?.fqdn ?? '',
    ouDn: (o.ou as string | undefined) ?? defaultOu(list, forest),
    route: o.route === 'powershell' ? 'powershell' : 'ldap',
  };
}

function findByName<T extends { name: string }>(items: T[], name: unknown, flag: string): T {
  const found = items.filter((i) => typeof name === 'string' && i.name.toLowerCase() === name.toLowerCase());
  if (found.length !== 1) throw new ApiError('INVALID_INPUT', `${flag} must name one of: ${items.map((i) => i.name).join(', ')}.`);
  return found[0]!;
}

/** How a command finds an existing contact (`contacts update|delete`, `plan export contacts edit|move|delete`), and its --route. */
export function withContactFinder(command: Command): Command {
  return command
    .option('--sip <uri>', 'find the contact by its SIP address')
    .option('--dn <dn>', 'find the contact by its distinguished name')
    .option('--route <route>', 'ldap or powershell', 'ldap');
}

/** The values an edit may change (`contacts update`, `plan export contacts edit`). */
export function withContactChanges(command: Command): Command {
  return command
    .option('--name <name>', 'new display name')
    .option('--new-sip <uri>', 'new SIP address')
    .option('--phone <number>', 'new E.164 number')
    .option('--pool <fqdn>', 'move to this pool');
}

export function contactRoute(o: Record<string, unknown>): 'ldap' | 'powershell' {
  return o.route === 'powershell' ? 'powershell' : 'ldap';
}

/** The contact's values as the command found them: a change since is refused, field by field. */
export function contactLoaded(contact: ContactItem): ContactUpdate['loaded'] {
  return { name: contact.displayName, sipAddress: contact.sipAddress, phoneNumber: contact.phoneNumber, poolFqdn: contact.pool?.name, ou: contact.ou };
}

/** The edit the options ask for, of the contact found. */
export function contactUpdateFromOptions(contact: ContactItem, o: Record<string, unknown>): ContactUpdate {
  return {
    profile: contact.profile,
    dn: contact.dn,
    expectedVersion: contact.version,
    loaded: contactLoaded(contact),
    changes: {
      name: o.name as string | undefined,
      sipAddress: o.newSip as string | undefined,
      phoneNumber: o.phone as string | undefined,
      poolFqdn: o.pool as string | undefined,
    },
    route: contactRoute(o),
  };
}

export async function findContact(ctx: CliContext, o: Record<string, unknown>): Promise<ContactItem> {
  if (!o.sip && !o.dn) throw new ApiError('INVALID_INPUT', 'Find the contact with --sip sip:… or --dn "CN=…".');
  const list = await ctx.call('contacts.list', { refresh: true });
  const found = list.filter(
    (c) => (o.sip && c.sipAddress?.toLowerCase() === String(o.sip).toLowerCase()) || (o.dn && c.dn.toLowerCase() === String(o.dn).toLowerCase()),
  );
  if (found.length !== 1) throw new ApiError('NOT_FOUND', `No single SA/AA contact matches ${String(o.sip ?? o.dn)}.`);
  return found[0]!;
}

function defaultOu(list: ContactItem[], forest: ContactOptions['forests'][number]): string {
  const parents = list.filter((c) => c.forest === forest.forest).map((c) => parentDn(c.dn));
  const best = parents.sort((a, b) => parents.filter((p) => p === b).length - parents.filter((p) => p === a).length)[0];
  if (!best) throw new ApiError('INVALID_INPUT', 'Give --ou "OU=…" (there are no UM contacts yet to take their OU from).');
  return best;
}
