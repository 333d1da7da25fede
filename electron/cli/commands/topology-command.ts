import type { Command } from 'commander';
import { findingText } from '@shared/findings/finding-text';
import type { Language } from '@shared/models/settings';
import type { CommandRunner } from '../cli-context';
import { table } from '../cli-context';

/** `topology`: the model of the forests named with --profile, and its findings. */
export function registerTopologyCommand(program: Command, run: CommandRunner): void {
  program
    .command('topology')
    .description('Read the forests of each --profile and print the UM/Lync topology with its findings')
    .option('--lang <language>', 'language of the finding texts (en or zh-TW)', 'en')
    .option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse exists (error, warning, info, none)', 'none')
    .action(
      run(async (ctx, options) => {
        const language = (options.lang === 'zh-TW' ? 'zh-TW' : 'en') as Language;
        await ctx.connectAll();
        const topology = await ctx.call('topology.get', { profiles: ctx.profiles(), refresh: true });
        const findings = topology.findings.map((f) => ({ ...f, text: findingText(f, language) }));
        ctx.print({ ...topology, findings }, () => {
          const lines: string[] = [];
          for (const forest of topology.forests) {
            lines.push(`Forest ${forest.forest} (profile ${forest.profile}, DC ${forest.dcHost})`);
            if (forest.exchange) {
              lines.push(`  Exchange organisation ${forest.exchange.name}`);
              lines.push(
                indent(
                  table(
                    ['Dial plan', 'URI type', 'Digits', 'VoIP security', 'Phone context', 'UM users', 'SA contacts'],
                    forest.exchange.dialPlans.map((d) => [d.name, d.uriType, d.digits, d.voipSecurity, d.phoneContext, d.umEnabledUsers, d.contactDns.length]),
                  ),
                  4,
                ),
              );
              lines.push(
                indent(
                  table(
                    ['IP gateway', 'Address', 'Outcalls', 'Hunt groups'],
                    forest.exchange.gateways.map((g) => [g.name, g.address, g.outcallsAllowed ? 'on' : 'off', g.huntGroups.map((h) => h.name).join(', ')]),
                  ),
                  4,
                ),
              );
              lines.push(
                indent(
                  table(
                    ['Exchange server', 'Version'],
                    forest.exchange.servers.map((s) => [s.name, s.versionLabel]),
                  ),
                  4,
                ),
              );
            }
            if (forest.lync)
              lines.push(
                indent(
                  table(
                    ['Lync pool', 'Kind', 'Gateways'],
                    forest.lync.pools.map((p) => [p.fqdn, p.kind, p.gateways.map((g) => `${g.name} (${g.forest})`).join(', ')]),
                  ),
                  2,
                ),
              );
            lines.push('');
          }
          lines.push(`Findings: ${findings.length}`);
          for (const f of findings) lines.push(`  [${f.text.severity}] ${f.text.title}\n      ${f.text.explanation}\n      Fix: ${f.text.fix}`);
          for (const failure of topology.failures) lines.push(`  Could not read ${failure.profile}: ${failure.message}`);
          return lines.join('\n');
        });
        const rank = { error: 0, warning: 1, info: 2 } as const;
        const threshold = rank[options.failOn as keyof typeof rank];
        if (threshold !== undefined && topology.findings.some((f) => rank[f.severity] <= threshold)) process.exitCode = 1;
        if (topology.failures.length > 0) process.exitCode = 1;
      }),
    );
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((l) => ' '.repeat(spaces) + l)
    .join('\n');
}
