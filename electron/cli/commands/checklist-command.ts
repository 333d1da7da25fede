import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checklistStepText } from '@shared/checklist/checklist-text';
import { languageSchema } from '@shared/models/settings';
import { ApiError } from '@shared/errors';
import type { CommandRunner } from '../cli-context';
import { table } from '../cli-context';

/** `checklist`: the 11 integration steps checked against the directory, as a table, JSON or an HTML report. */
export function registerChecklistCommand(program: Command, run: CommandRunner): void {
  program
    .command('checklist')
    .description('Check every step of the Exchange UM / Lync integration against the directory (connect the Exchange and Lync forests with --profile)')
    .option('--dial-plan <name>', 'check the per-dial-plan steps for this UM dial plan only')
    .option('--report <file>', 'also write the checklist as an HTML report to this file')
    .option('--language <language>', 'report language: en or zh-TW', 'en')
    .action(
      run(async (ctx, o) => {
        const language = languageSchema.safeParse(o.language);
        if (!language.success) throw new ApiError('INVALID_INPUT', '--language must be en or zh-TW.');
        await ctx.connectAll();
        let dialPlanDn: string | undefined;
        if (o.dialPlan) {
          const all = await ctx.call('checklist.get', {});
          const match = all.dialPlans.find((d) => d.name.toLowerCase() === String(o.dialPlan).toLowerCase());
          if (!match) throw new ApiError('NOT_FOUND', `No UM dial plan "${String(o.dialPlan)}". Dial plans: ${all.dialPlans.map((d) => d.name).join(', ')}.`);
          dialPlanDn = match.dn;
        }
        const checklist = await ctx.call('checklist.get', { ...(dialPlanDn ? { dialPlanDn } : {}) });
        if (o.report) {
          const report = await ctx.call('checklist.report', { ...(dialPlanDn ? { dialPlanDn } : {}), refresh: false, language: language.data });
          writeFileSync(String(o.report), report.content);
        }
        ctx.print(checklist, () =>
          [
            table(
              ['#', 'Step', 'Status', 'Why'],
              checklist.steps.map((s) => {
                const text = checklistStepText(s, language.data);
                return [s.number, text.title, text.status, text.reason];
              }),
            ),
            '',
            `${checklist.summary.done} done, ${checklist.summary.partly} partly, ${checklist.summary.notDone} not done, ${checklist.summary.unknown} can't tell${o.report ? ` · report: ${String(o.report)}` : ''}`,
          ].join('\n'),
        );
      }),
    );
}
