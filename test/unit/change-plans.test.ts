import { describe, expect, it } from 'vitest';
import type { PlanDocument } from '@shared/models/plans';
import { Hashtable, renderCommand, ScriptVariable } from '@shared/powershell/render-command';
import { planHeadline } from '@shared/plans/plan-text';
import { enableParameters } from '../../electron/services/enablement/operations/enable';
import { planHash, readPlan } from '../../electron/services/plans/plan-document';
import { planScript } from '../../electron/services/plans/plan-script';
import { planSummaryHtml } from '../../electron/services/plans/plan-summary';
import { assertPlanRows, compareFacts, MAX_PLAN_ROWS } from '../../electron/services/plans/plans-service';

/** Change plans: the script (quoting, secrets as prompts), the summary (escaped), the plan file's integrity, the comparison. */

const hostile = `O'Brien $(Remove-Item C:\\ -Recurse) \`n "x" ‘y’\r\nStop-Computer`;

function plan(patch: Partial<PlanDocument> = {}): PlanDocument {
  const pin = new ScriptVariable('pin_2');
  const unsigned: Omit<PlanDocument, 'hash'> = {
    format: 'umc-plan/1',
    id: 'plan-0123456789ab',
    kind: 'enablement',
    profile: 'lab-exchadmin',
    preparedBy: { profile: 'lab-exchadmin', identity: 'CONTOSO\\exchadmin' },
    preparedAt: '2026-11-30T16:00:00.000Z',
    intent: {
      kind: 'enablement',
      mapping: { Identity: 0 },
      proposeExtensions: false,
      allowSipMismatch: false,
      rows: [
        {
          line: 2,
          Identity: hostile,
          Extensions: '',
          SIPResourceIdentifier: '',
          UMMailboxPolicy: 'Redmond Default Policy',
          PINExpired: '',
          NotifyEmail: '',
          pin: true,
        },
      ],
    },
    steps: [
      {
        shell: 'exchange',
        target: hostile,
        command: renderCommand(
          'Enable-UMMailbox',
          enableParameters(
            {
              userDn: `CN=${hostile},DC=contoso,DC=test`,
              policy: 'Redmond Default Policy',
              extensions: ['4401'],
              sri: '',
              pin,
              pinExpired: 'true',
              notifyEmail: '',
            },
            false,
          ),
        ),
        secrets: [{ variable: 'pin_2', prompt: `PIN for line 2 (${hostile})` }],
      },
    ],
    facts: [{ object: hostile, attribute: 'status', value: 'ready' }],
    ...patch,
  };
  return { ...unsigned, hash: planHash(unsigned) };
}

describe('the plan as a PowerShell script', () => {
  const script = planScript(plan());
  const lines = script.replace(/^\uFEFF/, '').split('\r\n');

  it('is UTF-8 with a BOM and CRLF line ends, for Windows PowerShell 5.1', () => {
    expect(script.startsWith('\uFEFF')).toBe(true);
    expect(script.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });

  it('single-quotes every value, so $(), backticks, quotes and line breaks stay data', () => {
    const command = lines.find((l) => l.startsWith('Enable-UMMailbox'))!;
    expect(command).toContain(`-Identity 'CN=O''Brien $(Remove-Item C:\\ -Recurse) \`n "x" ‘‘y’’\r\nStop-Computer,DC=contoso,DC=test'`.split('\r\n')[0]);
    // The line break inside the value is inside the quotes: the next line is the rest of the same literal, not a command.
    const next = lines[lines.indexOf(command) + 1]!;
    expect(next.startsWith("Stop-Computer,DC=contoso,DC=test'")).toBe(true);
  });

  it('asks for secrets with Read-Host -AsSecureString and never holds them', () => {
    expect(script).toContain('-PIN $pin_2');
    expect(lines.some((l) => l.startsWith('$pin_2 = ') && l.includes('Read-Host -AsSecureString -Prompt'))).toBe(true);
    expect(script).toContain("Remove-Variable -Name 'pin_2'");
    expect(JSON.stringify(plan())).not.toMatch(/"PIN":"\d/);
  });

  it('keeps comments on one line whatever the target is called', () => {
    const comments = lines.filter((l) => l.startsWith('# O'));
    expect(comments).toHaveLength(1);
    // A line break inside a value only ever continues a quoted literal (pwsh's parser proves it in test/integration/plans.test.ts).
    expect(lines.filter((l) => l.startsWith('Stop-Computer')).every((l) => /^Stop-Computer[^']*'/.test(l))).toBe(true);
  });

  it('renders hashtables and variables for the commands that take them', () => {
    expect(renderCommand('Set-ADObject', { Identity: 'CN=a', Replace: new Hashtable({ displayName: "it's", otherTelephone: ['+1', '+2'] }) })).toBe(
      "Set-ADObject -Identity 'CN=a' -Replace @{'displayName'='it''s'; 'otherTelephone'=@('+1','+2')}",
    );
    expect(() => new ScriptVariable('a b')).toThrow(/variable name/);
  });
});

describe('the summary for the change ticket', () => {
  it('escapes every value and names the plan, who prepared it and its fingerprint, in both languages', () => {
    const p = plan({ preparedBy: { profile: 'lab', identity: '<script>alert(1)</script>' } });
    for (const language of ['en', 'zh-TW'] as const) {
      const html = planSummaryHtml(p, language);
      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;script&gt;');
      expect(html).toContain(p.hash);
      expect(html).toContain("default-src 'none'");
      expect(html).toContain(planHeadline(p, language).replace(/'/g, '&#39;'));
    }
    expect(planHeadline(p, 'en')).toBe('Enable Unified Messaging for 1 user (Enable-UMMailbox).');
    expect(planHeadline(p, 'zh-TW')).toBe('為 1 位使用者啟用整合通訊 (Enable-UMMailbox)。');
  });
});

describe('reading a plan file', () => {
  it('accepts the plan as exported', () => {
    const p = plan();
    expect(readPlan(JSON.stringify(p, null, 2))).toEqual({ plan: p, tampered: false });
  });

  it('finds a plan edited after export: a changed value, an added field', () => {
    const p = plan();
    const edited = JSON.parse(JSON.stringify(p));
    edited.intent.rows[0].UMMailboxPolicy = 'Other Policy';
    expect(readPlan(JSON.stringify(edited)).tampered).toBe(true);
    expect(readPlan(JSON.stringify({ ...p, extra: 1 })).tampered).toBe(true);
  });

  it('refuses what is not a plan with a clear error', () => {
    expect(() => readPlan('not json')).toThrow(/not a change plan \(not JSON/);
    expect(() => readPlan('{"format":"umc-plan/1"}')).toThrow(/not a change plan the console exported/);
  });
});

describe('comparing the directory with the plan', () => {
  it('lists each changed, missing and new value', () => {
    const planned = [
      { object: 'CN=a', attribute: 'status', value: 'ready' },
      { object: 'CN=b', attribute: 'exists', value: 'yes' },
    ];
    const now = [
      { object: 'cn=A', attribute: 'status', value: 'already-done' },
      { object: 'CN=c', attribute: 'exists', value: 'yes' },
    ];
    expect(compareFacts(planned, now)).toEqual([
      { object: 'CN=a', attribute: 'status', planned: 'ready', now: 'already-done' },
      { object: 'CN=b', attribute: 'exists', planned: 'yes', now: '(none)' },
      { object: 'CN=c', attribute: 'exists', planned: '(none)', now: 'yes' },
    ]);
    expect(compareFacts(planned, planned)).toEqual([]);
  });

  it('compares an attribute with several values as a set', () => {
    const entries = (...values: string[]) => values.map((value) => ({ object: 'OU=x', attribute: 'entry to add', value }));
    expect(compareFacts(entries('a', 'b'), entries('b', 'a'))).toEqual([]);
    expect(compareFacts(entries('a', 'b'), entries('b'))).toEqual([{ object: 'OU=x', attribute: 'entry to add', planned: 'a; b', now: 'b' }]);
  });
});

describe('the size of a bulk plan', () => {
  it('takes up to the maximum and refuses more, saying how to split the file', () => {
    expect(() => assertPlanRows(MAX_PLAN_ROWS)).not.toThrow();
    expect(() => assertPlanRows(MAX_PLAN_ROWS + 1)).toThrow(
      '20,001 rows are ready: a change plan holds at most 20,000. Split the file into parts of at most 20,000 rows',
    );
  });
});
