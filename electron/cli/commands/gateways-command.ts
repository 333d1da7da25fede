import type { Command } from 'commander';
import type { GatewayApplyItem, GatewayApplyResult, GatewayPlan, GatewayPlanItem } from '@shared/models/gateways';
import type { CliContext, CommandRunner } from '../cli-context';
import { table } from '../cli-context';

const kindLabel: Record<GatewayPlanItem['kind'], string> = { gateway: 'Gateway', 'hunt-group': 'Hunt group', permission: 'Permission' };
const onOff = (value: boolean | undefined) => (value === undefined ? '' : value ? 'on' : 'off');

/** What an item is about, in a few words for a table cell. */
function itemTarget(item: GatewayPlanItem): string {
  switch (item.kind) {
    case 'gateway':
      return `${item.name} → ${item.address}${item.pool.branch ? ' (branch)' : item.pool.kind === 'director' ? ' (Director)' : ''}${item.change ? `: outcalls ${onOff(item.change.outcallsAllowed)}` : ''}`;
    case 'hunt-group':
      return `${item.gatewayName}\\${item.name} (dial plan ${item.dialPlan.name}${item.pilotIdentifier ? `, pilot ${item.pilotIdentifier}` : ''})`;
    case 'permission':
      return `${item.trustee}: ${item.rights.join('+')} on ${item.targetName}${item.appliesTo === 'this-object' ? '' : ' (inherited)'}`;
  }
}

/** The plan as a table, with the Exchange shell commands for what is missing. */
export function renderGatewayPlan(plan: GatewayPlan): string {
  const lines = [
    `Gateway setup for Exchange organization ${plan.organization.name} (forest ${plan.forest}, profile ${plan.profile})${plan.lyncForest !== plan.forest ? `, Lync forest ${plan.lyncForest}` : ''}`,
    `SIP dial plans: ${plan.sipDialPlans.map((d) => `${d.name}${d.pilotIdentifier ? ` (pilot ${d.pilotIdentifier})` : ''}`).join(', ') || 'none'}`,
    plan.outcalls.chosen
      ? `Outcalls: through the gateway of ${plan.outcalls.chosen} only.`
      : `Outcalls: no gateway chosen (--outcalls <pool>). Candidates: ${
          plan.outcalls.candidates
            .filter((c) => c.eligible)
            .map((c) => `${c.fqdn}${c.allowsNow ? ' (allows now)' : ''}`)
            .join(', ') || 'none'
        }.`,
    '',
    table(
      ['Status', 'Kind', 'Item', 'Note'],
      plan.items.map((i) => [i.status === 'missing' ? 'create' : i.status, kindLabel[i.kind], itemTarget(i), i.problem?.message]),
    ),
    '',
    `${plan.counts.missing} to create, ${plan.counts.present} already in place, ${plan.counts.blocked} blocked.`,
  ];
  const commands = plan.items.filter((i) => i.status === 'missing').flatMap((i) => i.commands);
  if (commands.length) lines.push('', 'The same in the Exchange shell:', ...commands.map((c) => `  ${c}`));
  for (const w of plan.warnings) lines.push(`Warning: ${w.text}`);
  if (plan.counts.missing > 0) lines.push('', 'Run `um-console gateways apply` to create what is missing.');
  return lines.join('\n');
}

/** The outcome per item, the verification table and the Front End reminder. */
export function renderGatewayApply(result: GatewayApplyResult): string {
  const outcomeRow = (i: GatewayApplyItem) => [i.outcome, kindLabel[i.kind], itemTarget(i), i.message ?? (i.code ? i.code : '')];
  const v = result.verification;
  const lines = [
    `Gateway setup applied on forest ${result.forest} (profile ${result.profile})`,
    '',
    table(['Outcome', 'Kind', 'Item', 'Message'], result.items.map(outcomeRow)),
    '',
    `${result.counts.created} created, ${result.counts.alreadyPresent} already present, ${result.counts.failed} failed, ${result.counts.skipped} skipped.`,
    '',
    'Verification (read back from the directory):',
    table(
      ['Pool', 'Kind', 'Gateway', 'Address', 'Outcalls', 'MWI', 'Hunt groups', 'Missing for'],
      v.pools.map((p) => [
        p.pool.fqdn,
        p.pool.branch ? 'branch' : p.pool.kind,
        p.gatewayName ?? '(none)',
        p.address,
        onOff(p.outcallsAllowed),
        onOff(p.messageWaitingAllowed),
        p.huntGroups.map((h) => `${h.name}${h.dialPlan && h.dialPlan !== h.name ? ` (${h.dialPlan})` : ''}`).join(', '),
        p.missingDialPlans.join(', '),
      ]),
    ),
    '',
    table(
      ['Object', 'Group', 'Rights', 'Applies to', 'Present'],
      v.permissions.map((p) => [
        p.targetName,
        p.trustee,
        p.rights.join('+'),
        p.appliesTo === 'this-object' ? 'this object only' : 'this object and below',
        p.present === undefined ? 'unknown' : p.present ? 'yes' : 'NO',
      ]),
    ),
    '',
    `${result.frontEndRestart.required ? 'Required: ' : ''}${result.frontEndRestart.message}`,
  ];
  for (const w of result.warnings) lines.push(`Warning: ${w.text}`);
  return lines.join('\n');
}

/** The options `gateways plan|apply` and `plan export gateways` take: the Exchange profile (--profile), the Lync forest's, and the admin's choices. */
export function withGatewayChoices(command: Command): Command {
  return command
    .option('--lync-profile <name>', "the Lync forest's profile when Lync lives in another forest (exchucutil's -Forest)")
    .option('--outcalls <pool>', 'the pool (FQDN) whose gateway places outcalls; every other gateway gets them off')
    .option('--administrative-groups', 'also grant read access on Administrative Groups, as one exchucutil build does');
}

/** The setup request of those options, once their profiles are connected. */
export async function gatewayRequest(ctx: CliContext, o: Record<string, unknown>) {
  const [profile] = ctx.profiles();
  await ctx.connect(profile!);
  const lyncProfile = typeof o.lyncProfile === 'string' ? o.lyncProfile : undefined;
  if (lyncProfile) await ctx.connect(lyncProfile);
  return {
    profile: profile!,
    ...(lyncProfile ? { lyncProfile } : {}),
    ...(typeof o.outcalls === 'string' ? { outcallsPool: o.outcalls } : {}),
    administrativeGroups: o.administrativeGroups === true,
  };
}

/** `gateways plan|apply`: exchucutil.ps1's job from a terminal — preview first, then create only what is missing. */
export function registerGatewaysCommand(program: Command, run: CommandRunner): void {
  const gateways = program
    .command('gateways')
    .description('UM IP gateways, hunt groups and Lync read permissions (what exchucutil.ps1 does, without its faults)');

  withGatewayChoices(gateways.command('plan').description('Show what is missing, what is in place and what is blocked; changes nothing')).action(
    run(async (ctx, o) => {
      const plan = await ctx.call('gateways.plan', await gatewayRequest(ctx, o));
      ctx.print(plan, () => renderGatewayPlan(plan));
    }),
  );

  withGatewayChoices(
    gateways
      .command('apply')
      .description('Create only what is missing (never deletes hunt groups; changes outcalls only as chosen), then verify; exit 1 when an item failed'),
  ).action(
    run(async (ctx, o) => {
      const result = await ctx.call('gateways.apply', await gatewayRequest(ctx, o));
      ctx.print(result, () => renderGatewayApply(result));
      if (result.counts.failed > 0) process.exitCode = 1;
    }),
  );
}
