import type { PlanDocument, PlanStep } from '@shared/models/plans';
import { quote } from '@shared/powershell/render-command';
import { planHeadline } from '@shared/plans/plan-text';

const shellNames: Record<PlanStep['shell'], string> = {
  exchange: 'Exchange Management Shell (or a remote PowerShell session to Exchange)',
  lync: 'Lync Server Management Shell',
  directory: 'Active Directory module for Windows PowerShell (Import-Module ActiveDirectory)',
};

/** A comment line: a value with a line break in it must not end the comment and start a command. */
function comment(text: string): string {
  return `# ${text.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ')}`;
}

/**
 * The plan as a PowerShell script an admin can read and run by hand: the steps' command lines,
 * which the services render with renderCommand (values as single-quoted literals, where PowerShell
 * expands nothing [S78]). Secrets are never in it: each is asked for with Read-Host -AsSecureString
 * [S79] before the first command and turned back into the string the cmdlet takes only in memory.
 * Runs on Windows PowerShell 5.1; returned with a BOM, which 5.1 needs to read a script as UTF-8 (test/powershell-compat).
 */
export function planScript(plan: PlanDocument): string {
  const lines = [
    comment(`UM Integration Console change plan ${plan.id}: ${planHeadline(plan, 'en')}`),
    comment(`Prepared by ${plan.preparedBy.identity} (profile ${plan.preparedBy.profile}) at ${plan.preparedAt}`),
    comment(`Plan fingerprint (SHA-256): ${plan.hash}`),
    comment(`${plan.steps.length} command(s). Run them where each section says; nothing runs before every secret is entered.`),
    '',
    "$ErrorActionPreference = 'Stop'",
  ];
  const secrets = plan.steps.flatMap((s) => s.secrets);
  if (secrets.length > 0) {
    lines.push('', comment('Secrets are not in this file: enter each one.'));
    for (const secret of secrets) {
      lines.push(
        `$${secret.variable} = [Runtime.InteropServices.Marshal]::PtrToStringBSTR([Runtime.InteropServices.Marshal]::SecureStringToBSTR((Read-Host -AsSecureString -Prompt ${quote(secret.prompt)})))`,
      );
    }
  }
  let shell: PlanStep['shell'] | undefined;
  for (const step of plan.steps) {
    if (step.shell !== shell) {
      shell = step.shell;
      lines.push('', comment(`In the ${shellNames[shell]}:`));
    }
    lines.push(comment(step.target), step.command);
  }
  if (secrets.length > 0) lines.push('', ...secrets.map((s) => `Remove-Variable -Name ${quote(s.variable)}`));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
