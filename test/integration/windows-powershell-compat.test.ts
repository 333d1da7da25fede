import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPwsh } from '../../electron/services/powershell/pwsh-locations';

/**
 * Windows PowerShell 5.1 is what a jump box has, and the Lync 2013 module loads only there, so
 * every script the console ships must run on it. PowerShell's own parser reads each one and the
 * tree is checked against test/powershell-compat/windows-powershell-5.1.json (the one list of what
 * 5.1 lacks, each entry with its source).
 */
const root = resolve(import.meta.dirname, '../..');
const checker = join(root, 'test/powershell-compat/Test-WindowsPowerShellCompat.ps1');

interface Finding {
  file: string;
  line: number;
  rule: string;
  message: string;
  source: string;
}

function check(paths: string[]): Finding[] {
  const pwsh = findPwsh();
  if (!pwsh) throw new Error('pwsh is needed for the Windows PowerShell 5.1 check (test/lab/install-prerequisites.sh installs it).');
  const run = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-File', checker, '-Path', paths.join(',')], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`The check failed to run: ${run.stderr}`);
  return JSON.parse(run.stdout) as Finding[];
}

describe('scripts shipped in resources/ run on Windows PowerShell 5.1', () => {
  const shipped = readdirSync(join(root, 'resources/powershell'))
    .filter((f) => f.endsWith('.ps1') || f.endsWith('.psm1'))
    .map((f) => join(root, 'resources/powershell', f));

  it('finds nothing 5.1 lacks in any of them', () => {
    expect(shipped.length).toBeGreaterThan(0);
    const findings = check(shipped).map((f) => `${f.file.slice(root.length + 1)}:${f.line} ${f.rule}: ${f.message}`);
    expect(findings).toEqual([]);
  });

  it('finds every construct on its list in a script that uses them all', () => {
    const findings = check([join(root, 'test/fixtures/powershell/seven-only.ps1')]);
    const found = (rule: string, text: string) => findings.some((f) => f.rule === rule && f.message.includes(text));
    expect(findings.every((f) => f.source.length > 0)).toBe(true);
    expect(found('clean-block', 'clean block')).toBe(true);
    expect(found('null-coalescing', '??')).toBe(true);
    expect(found('null-coalescing', '??=')).toBe(true);
    expect(findings.filter((f) => f.rule === 'null-conditional')).toHaveLength(2);
    expect(found('ternary', 'ternary')).toBe(true);
    expect(found('pipeline-chain', '&&')).toBe(true);
    for (const p of [
      'ConvertFrom-Json -AsHashtable',
      'ConvertFrom-Json -Depth',
      'ConvertTo-Json -EnumsAsStrings',
      'ConvertTo-Json -EscapeHandling',
      'ConvertTo-Json -AsArray',
      'ForEach-Object -Parallel',
      'Import-Module -UseWindowsPowerShell',
    ]) {
      expect(found('parameter', p), p).toBe(true);
    }
    expect(found('cmdlet', 'Join-String')).toBe(true);
    expect(found('cmdlet', 'Test-Json')).toBe(true);
    expect(found('variable', '$PSStyle')).toBe(true);
    expect(found('variable', '$IsWindows')).toBe(true);
    expect(found('type', 'System.Text.Json')).toBe(true);
    expect(found('non-ascii-without-bom', 'byte order mark')).toBe(true);
  });
});

describe("the bridge's JSON is its own, so 5.1 and 7 put the same bytes on the wire", () => {
  const bridge = join(root, 'resources/powershell/UmcBridge.ps1');
  function pwshJson(script: string): string {
    const run = spawnSync(findPwsh()!, ['-NoProfile', '-NonInteractive', '-Command', `. '${bridge}'; ${script}`], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    return run.stdout.trim();
  }

  it('writes ASCII only: enums by name, dates in ISO 8601, non-ASCII and controls as \\u escapes', () => {
    const out = pwshJson(
      'ConvertTo-UmcJson ([ordered]@{ s = "陳 😀 `"q`" \\ `t <a href=\'x\'>&"; nl = "ends in a newline`n"; n = 5; big = [long]9007199254740993; d = 1.5; b = $true; z = $null; ' +
        "e = [System.DayOfWeek]::Monday; f = [System.IO.FileAttributes]'ReadOnly, Hidden'; when = [datetime]::new(2024, 1, 2, 3, 4, 5, [System.DateTimeKind]::Utc); " +
        "list = @(1, 'two'); one = @('x'); empty = @(); o = [pscustomobject]@{ Name = 'n'; Inner = [pscustomobject]@{ A = 1 } } })",
    );
    expect(out).toBe(
      '{"s":"\\u9673 \\ud83d\\ude00 \\"q\\" \\\\ \\u0009 <a href=\'x\'>&","nl":"ends in a newline\\u000a","n":5,"big":9007199254740993,"d":1.5,"b":true,"z":null,' +
        '"e":"Monday","f":"ReadOnly, Hidden","when":"2024-01-02T03:04:05.0000000Z",' +
        '"list":[1,"two"],"one":["x"],"empty":[],"o":{"Name":"n","Inner":{"A":1}}}',
    );
    expect(/^[\x20-\x7e]*$/.test(out)).toBe(true);
    expect(JSON.parse(out).s).toBe('陳 😀 "q" \\ \t <a href=\'x\'>&');
  });

  it('reads JSON into dictionaries, arrays and plain values, and never turns a date-like string into a date', () => {
    const request = {
      text: '2024-01-02T03:04:05Z',
      quote: 'a"b\\c\n😀',
      n: 7,
      big: 3_000_000_000,
      f: -0.25,
      t: true,
      nil: null,
      list: ['x', 1],
      nested: { deeper: { k: 'v' } },
      empty: {},
      none: [],
    };
    const encoded = Buffer.from(JSON.stringify(request), 'utf8').toString('base64');
    const out = pwshJson(
      `$r = ConvertFrom-UmcRequest '${encoded}'; ConvertTo-UmcJson ([ordered]@{ types = @($r.Keys | ForEach-Object { if ($null -eq $r[$_]) { 'null' } else { $r[$_].GetType().Name } }); back = $r })`,
    );
    const parsed = JSON.parse(out);
    expect(parsed.types).toEqual([
      'String',
      'String',
      'Int32',
      'Int64',
      'Double',
      'Boolean',
      'null',
      'Object[]',
      'OrderedDictionary',
      'OrderedDictionary',
      'Object[]',
    ]);
    expect(parsed.back).toEqual(request);
  });

  it('refuses a request that is not JSON, with a clear error', () => {
    const encoded = Buffer.from('{"command": "Get-UMDialPlan", ', 'utf8').toString('base64');
    expect(() => pwshJson(`ConvertFrom-UmcRequest '${encoded}'`)).toThrow(/not valid JSON/);
  });
});
