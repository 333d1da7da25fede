import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '@shared/errors';
import type { PsResult } from '@shared/models/powershell';
import type { AppServices } from '../../electron/services/app-services';
import { bridgeAllowList } from '../../electron/services/powershell/cmdlet-catalog';
import { descendantsOf, encodeRequest } from '../../electron/services/powershell/powershell-session';
import { findBridgeScript, findPwsh } from '../../electron/services/powershell/pwsh-locations';
import { LAB_PASSWORD } from '../lab/lab-config';
import { contosoDialPlans } from '../lab/seed-topology';
import { bridgeEndpoint, runningSessions } from './support/powershell-internals';
import { createTestServices, requireLab } from './support/test-services';

/**
 * The PowerShell layer with real pwsh and the lab module: values cross as data and arrive
 * byte-for-byte, nothing else runs, and timeouts, cancels and crashes are survived.
 */
const lab = requireLab();
const opened: AppServices[] = [];
function services(env: NodeJS.ProcessEnv = {}): AppServices {
  const created = createTestServices({ ...process.env, ...env }).services;
  opened.push(created);
  return created;
}
const scratchDirs: string[] = [];
/** A temporary folder removed after the test (some hold an environment dump or a report). */
function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const s of opened.splice(0)) await s.shutdown();
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(() => {
  // No pwsh is left behind by anything this file started.
  expect(descendantsOf(process.pid).filter((pid) => processName(pid).includes('pwsh'))).toEqual([]);
});

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** The lab module's call log from a given byte offset: what each cmdlet received. */
function callsSince(offset: number): Array<{ cmdlet: string; parameters: Record<string, unknown> }> {
  return readFileSync(lab.callLog!)
    .subarray(offset)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
const logSize = () => (existsSync(lab.callLog!) ? statSync(lab.callLog!).size : 0);

describe('values cross into PowerShell as data', () => {
  const canary = join(tmpdir(), `umc-canary-${randomBytes(6).toString('hex')}`);
  const hostile = [
    `O'Brien`,
    `"double" and 'single' and ‘curly’ “quotes”`,
    'back`tick `$env:HOME `n',
    `$(New-Item -ItemType File -Path '${canary}')`,
    `x'); New-Item -ItemType File -Path '${canary}'; ('`,
    `a; New-Item -ItemType File -Path ${canary} | Out-Null`,
    `pipe | Out-File ${canary}`,
    'line one\nline two\r\nline three',
    '陳大文 測試使用者 整合通訊',
    '2024-01-02T03:04:05Z',
    'emoji 😀 and a lone \\u0041 that is text',
    'tab\tbell\u0007 end',
    '@{ Evil = $true } $null ${env:PATH}',
    'x'.repeat(10_240),
  ];

  it('reach the cmdlet byte-for-byte and nothing else executes', async () => {
    const s = services();
    const before = logSize();
    for (const value of hostile) {
      const result = await s.powershell.run('lab-exchadmin', 'exchange', 'Get-UMMailbox', { Identity: value });
      expect(result.ok).toBe(false);
      expect(result.errors[0]?.fullyQualifiedErrorId).toMatch(/^ManagementObjectNotFoundException/);
      expect(result.errors[0]?.target).toBe(value);
    }
    const calls = callsSince(before);
    expect(calls.map((c) => c.cmdlet)).toEqual(hostile.map(() => 'Get-UMMailbox'));
    expect(calls.map((c) => c.parameters.Identity)).toEqual(hostile);
    expect(existsSync(canary)).toBe(false);
  });

  it('keeps arrays, booleans and switches typed', async () => {
    const s = services();
    const before = logSize();
    const result = await s.powershell.run('lab-exchadmin', 'exchange', 'Enable-UMMailbox', {
      Identity: 'u00010@contoso.test',
      UMMailboxPolicy: 'Redmond Default Policy',
      Extensions: ['00010'],
      SIPResourceIdentifier: 'u00010@contoso.test',
      PINExpired: false,
      ValidateOnly: true,
    });
    expect(result.ok, JSON.stringify(result.errors)).toBe(true);
    expect(result.output[0]).toMatchObject({ Name: 'u00010', UMDialPlan: 'Redmond', Extensions: ['00010'] });
    expect(callsSince(before)[0]?.parameters).toEqual({
      Identity: 'u00010@contoso.test',
      UMMailboxPolicy: 'Redmond Default Policy',
      Extensions: ['00010'],
      SIPResourceIdentifier: 'u00010@contoso.test',
      PINExpired: false,
      ValidateOnly: true,
    });
  });
});

describe('results and failures come back structured', () => {
  it('returns typed objects', async () => {
    const plans = (await services().powershell.invoke('lab-readonly', 'exchange', 'Get-UMDialPlan', {})) as Array<Record<string, unknown>>;
    expect(plans.find((p) => p.Name === 'Redmond')).toMatchObject({
      URIType: 'SipName',
      NumberOfDigitsInExtension: 5,
      VoIPSecurity: 'Secured',
      PhoneContext: 'Redmond.contoso.test',
    });
  });

  it('returns PowerShell errors as records and keeps warnings and progress', async () => {
    const s = services();
    const failed = await s.powershell.run('lab-exchadmin', 'exchange', 'Enable-UMMailbox', {
      Identity: 'nomailbox1',
      UMMailboxPolicy: 'Redmond Default Policy',
    });
    expect(failed.ok).toBe(false);
    expect(failed.errors[0]).toMatchObject({
      fullyQualifiedErrorId: 'RecipientNotMailboxUser,Enable-UMMailbox',
      category: 'InvalidArgument',
      target: 'nomailbox1',
    });
    const listed = await s.powershell.run('lab-readonly', 'exchange', 'Get-UMMailbox', { ResultSize: '3' });
    expect(listed.output).toHaveLength(3);
    expect(listed.warnings[0]).toMatch(/more results available/);
    expect(listed.progress.length).toBeGreaterThan(0);
  });

  it('throws PowerShellCommandError from invoke with the records attached', async () => {
    const error = await services()
      .powershell.invoke('lab-exchadmin', 'exchange', 'Enable-UMMailbox', { Identity: 'u00011', UMMailboxPolicy: 'No Such Policy' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('POWERSHELL_ERROR');
    expect(error.details.errors[0].fullyQualifiedErrorId).toMatch(/^UMMailboxPolicyNotFound/);
  });

  it('records every call in the history with secrets redacted and a script to copy', async () => {
    const s = services();
    await s.powershell.run('lab-exchadmin', 'exchange', 'Enable-UMMailbox', { Identity: "O'Neil", UMMailboxPolicy: 'Redmond Default Policy', PIN: '246810' });
    const [entry] = s.powershell.history.list(1);
    expect(entry).toMatchObject({ command: 'Enable-UMMailbox', profile: 'lab-exchadmin', target: 'exchange', ok: false, parameters: { PIN: '********' } });
    expect(entry!.script).toBe("Enable-UMMailbox -Identity 'O''Neil' -UMMailboxPolicy 'Redmond Default Policy' -PIN '********'");
    expect(JSON.stringify(s.powershell.history.list())).not.toContain('246810');
    expect(readFileSync(join(s.environment.dataDir, 'powershell-history.jsonl'), 'utf8')).not.toContain('246810');
  });
});

describe('the shell each endpoint uses', () => {
  it('is listed per profile before anything runs, with the version the executable reports', async () => {
    const s = services();
    const plans = await s.powershell.shells();
    const exchange = plans.find((p) => p.profile === 'lab' && p.target === 'exchange');
    expect(exchange).toMatchObject({
      endpoint: expect.stringContaining('lab module'),
      shell: { kind: 'pwsh', reason: expect.stringMatching(/pwsh-found|override/), edition: 'Core', version: expect.stringMatching(/^7\./) },
    });
    expect(plans.find((p) => p.profile === 'lab' && p.target === 'lync')?.shell?.kind).toBe('pwsh');
  });

  it('is reported by a running session as the bridge saw it', async () => {
    const s = services();
    await s.powershell.invoke('lab', 'lync', 'Get-CsPool', {});
    const status = s.powershell.status().find((x) => x.profile === 'lab' && x.target === 'lync');
    expect(status?.shell).toMatchObject({ kind: 'pwsh', path: findPwsh(), edition: 'Core', version: expect.stringMatching(/^7\.\d+\.\d+/) });
  });
});

describe('only allow-listed cmdlets run', () => {
  it('refuses a cmdlet outside the list and unknown parameters before PowerShell sees them', async () => {
    const s = services();
    const before = logSize();
    await expect(s.powershell.run('lab', 'exchange', 'Remove-Item', { Path: '/' })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    await expect(s.powershell.run('lab', 'lync', 'Get-UMDialPlan', {})).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    await expect(s.powershell.run('lab', 'exchange', 'Get-UMDialPlan', { Filter: '*' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(callsSince(before)).toEqual([]);
  });

  it('the bridge itself runs no line it does not recognise', async () => {
    const pwsh = spawn(findPwsh()!, ['-NoProfile', '-NonInteractive', '-NoLogo', '-Command', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    pwsh.stdout.on('data', (d) => (out += d));
    const canary = join(tmpdir(), `umc-canary-${randomBytes(6).toString('hex')}`);
    pwsh.stdin.write(`. '${findBridgeScript()}'; Start-UmcLoop\n`);
    pwsh.stdin.write(`New-Item -ItemType File -Path '${canary}'\n`);
    pwsh.stdin.write(`Invoke-UmcRequest 'not base64!'; New-Item -ItemType File -Path '${canary}'\n`);
    pwsh.stdin.end();
    await new Promise((resolve) => pwsh.once('exit', resolve));
    expect(out.match(/UMC-RESPONSE .*UmcBridge\.UnknownLine/g)).toHaveLength(2);
    expect(existsSync(canary)).toBe(false);
  });
});

/** Starts pwsh with the bridge, sends it these lines over stdin as the console would, and returns each UMC-RESPONSE in order. */
async function talkToBridge(lines: string[]): Promise<PsResult[]> {
  const pwsh = spawn(findPwsh()!, ['-NoProfile', '-NonInteractive', '-NoLogo', '-Command', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  pwsh.stdout.on('data', (d) => (out += d));
  pwsh.stdin.write(`. '${findBridgeScript()}'; Start-UmcLoop\n`);
  for (const line of lines) pwsh.stdin.write(`${line}\n`);
  pwsh.stdin.end();
  await new Promise((resolve) => pwsh.once('exit', resolve));
  // A response line may follow terminal control sequences pwsh prints first, as the session expects.
  return out.split('\n').flatMap((line) => {
    const marked = /UMC-RESPONSE (\{.*\})\s*$/.exec(line);
    return marked ? [JSON.parse(marked[1]!) as PsResult] : [];
  });
}

const bridgeRequest = (command: string, parameters: Record<string, unknown>) => `Invoke-UmcRequest '${encodeRequest({ command, parameters })}'`;

describe('the bridge enforces its own rules, whatever the console sends', () => {
  it('refuses parameter names outside its allow-list (abbreviations and common parameters too) and a second initialisation', async () => {
    const s = services();
    const endpoint = bridgeEndpoint(s, 'lab-exchadmin', 'exchange');
    const allowed = bridgeAllowList('exchange');
    const canary = join(tmpdir(), `umc-canary-${randomBytes(6).toString('hex')}`);
    const before = logSize();
    const responses = await talkToBridge([
      `Initialize-UmcSession '${encodeRequest({ endpoint, allowed })}'`,
      bridgeRequest('Get-UMDialPlan', { Identity: 'Redmond' }),
      bridgeRequest('Get-UMDialPlan', { Identity: 'Redmond', Filter: '*' }),
      bridgeRequest('Get-UMMailbox', { Ident: 'u00010' }),
      bridgeRequest('Get-UMDialPlan', { Identity: 'Redmond', OutVariable: 'leak' }),
      bridgeRequest('Enable-UMMailbox', { Identity: 'u00010@contoso.test', UMMailboxPolicy: 'Redmond Default Policy', ValidateOnly: true, WhatIf: true }),
      // A second initialisation that would widen the allow-list.
      `Initialize-UmcSession '${encodeRequest({ endpoint, allowed: { ...allowed, 'New-Item': ['Path', 'ItemType'] } })}'`,
      bridgeRequest('New-Item', { Path: canary, ItemType: 'File' }),
      bridgeRequest('Get-UMDialPlan', { Identity: 'Tokyo' }),
    ]);
    const outcome = responses.map((r) => (r.ok ? 'ok' : r.errors[0]?.fullyQualifiedErrorId));
    expect(outcome).toEqual([
      'ok',
      'ok',
      'UmcBridge.ParameterNotAllowed',
      'UmcBridge.ParameterNotAllowed',
      'UmcBridge.ParameterNotAllowed',
      'UmcBridge.ParameterNotAllowed',
      'UmcBridge.AlreadyInitialised',
      'UmcBridge.NotAllowed',
      'ok',
    ]);
    expect(responses[2]!.errors[0]!.message).toContain('-Filter');
    expect(callsSince(before).map((c) => `${c.cmdlet} ${String(c.parameters.Identity)}`)).toEqual(['Get-UMDialPlan Redmond', 'Get-UMDialPlan Tokyo']);
    expect(existsSync(canary)).toBe(false);
  });

  it('runs requests in a runspace where only the allow-listed commands are visible', async () => {
    const s = services();
    const allowed = bridgeAllowList('exchange');
    // The bridge's functions called directly, then its worker runspace probed as a request would
    // reach it: AddCommand, looked up as the runspace's caller.
    const probe = `
      . '${findBridgeScript()}'
      Initialize-UmcSession $env:UMC_TEST_INIT
      $names = 'Get-UMDialPlan', 'Connect-UmLab', 'UmLab\\Connect-UmLab', 'Get-ChildItem', 'Microsoft.PowerShell.Management\\Get-ChildItem', 'Invoke-Expression', 'Import-Module', 'New-PSSession', 'Get-Date', 'Invoke-WebRequest', 'Add-Type', '/bin/true', 'true', '${findBridgeScript()}'
      $found = foreach ($name in $names) {
        $ps = [PowerShell]::Create(); $ps.Runspace = $script:UmcRunspace
        [void]$ps.AddCommand($name)
        try { [void]$ps.Invoke(); $name } catch { if ($_.Exception.InnerException -isnot [System.Management.Automation.CommandNotFoundException]) { $name } }
        $ps.Dispose()
      }
      $public = (Invoke-UmcCommand -Script '& { Get-Command -ListImported -All | Where-Object Visibility -eq Public | ForEach-Object Name }').output
      'PROBE ' + (ConvertTo-UmcJson ([ordered]@{ found = @($found); public = @($public) }))`;
    const run = spawn(findPwsh()!, ['-NoProfile', '-NonInteractive', '-Command', probe], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, UMC_TEST_INIT: encodeRequest({ endpoint: bridgeEndpoint(s, 'lab-exchadmin', 'exchange'), allowed }) },
    });
    let out = '';
    run.stdout.on('data', (d) => (out += d));
    run.stderr.on('data', (d) => (out += d));
    await new Promise((resolve) => run.once('exit', resolve));
    expect(out).toMatch(/UMC-RESPONSE \{"ok":true/);
    const result = JSON.parse(/^PROBE (.*)$/m.exec(out)?.[1] ?? 'null') as { found: string[]; public: string[] };
    expect(result.found).toEqual(['Get-UMDialPlan']);
    expect(result.public.length).toBeGreaterThan(0);
    expect(result.public.filter((name) => !Object.keys(allowed).includes(name))).toEqual([]);
  });
});

describe('transport rules for PowerShell endpoints', () => {
  /** A stand-in pwsh that notes each start, then runs the real one: shows whether a shell was started at all. */
  function spyPwsh(): { path: string; starts: () => number } {
    const dir = scratch('umc-spy-');
    const path = join(dir, 'pwsh');
    writeFileSync(path, `#!/bin/sh\necho started >> '${dir}/starts'\nexec '${findPwsh()}' "$@"\n`);
    chmodSync(path, 0o755);
    return { path, starts: () => (existsSync(join(dir, 'starts')) ? readFileSync(join(dir, 'starts'), 'utf8').split('\n').filter(Boolean).length : 0) };
  }
  const corp = (name: string, exchange: Record<string, unknown>) => ({
    name,
    directory: {
      host: 'dc1.corp.example',
      port: 636,
      security: 'ldaps' as const,
      authentication: 'password' as const,
      bindIdentity: 'admin@corp.example',
      timeoutMs: 15_000,
    },
    exchange: { kind: 'remote' as const, server: 'ex1.corp.example', useProfileCredential: false, ...exchange },
  });

  it('refuses Basic over http:// with a clear error before a shell starts, and says so in the shell plan', async () => {
    const spy = spyPwsh();
    const s = services({ UMC_PWSH: spy.path });
    // Saved as a profile from before the transport option would read: no transport, so http.
    s.profiles.save(corp('corp-basic', { authentication: 'Basic' }) as never);
    await expect(s.powershell.run('corp-basic', 'exchange', 'Get-UMDialPlan', {})).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/Basic authentication to Exchange over http:\/\/.*nothing was sent.*HTTPS/),
    });
    expect(s.powershell.status()).toEqual([]);
    expect(spy.starts()).toBe(0);
    const plan = (await s.powershell.shells()).find((p) => p.profile === 'corp-basic');
    expect(plan).toMatchObject({ endpoint: 'http://ex1.corp.example/PowerShell/ (Basic)', problem: expect.stringContaining('HTTPS') });
  });

  it('lets Basic go over https:// (the shell starts; the plan names the https endpoint)', async () => {
    const spy = spyPwsh();
    const s = services({ UMC_PWSH: spy.path });
    s.profiles.save(corp('corp-basic-tls', { authentication: 'Basic', transport: 'https' }) as never);
    const plan = (await s.powershell.shells()).find((p) => p.profile === 'corp-basic-tls');
    expect(plan).toMatchObject({ endpoint: 'https://ex1.corp.example/PowerShell/ (Basic)', shell: { kind: 'pwsh' } });
    // No Exchange here: New-PSSession fails, but past the transport rule.
    const error = await s.powershell.run('corp-basic-tls', 'exchange', 'Get-UMDialPlan', {}).catch((e: ApiError) => e);
    expect(error).toMatchObject({ code: 'POWERSHELL_UNAVAILABLE' });
    expect((error as ApiError).message).not.toMatch(/Basic/);
    expect(spy.starts()).toBeGreaterThanOrEqual(2);
  });

  it('the bridge itself refuses Basic over http://, and lets it through over https://', async () => {
    const init = (transport?: string) =>
      `Initialize-UmcSession '${encodeRequest({ endpoint: { kind: 'exchange-remote', server: 'ex1.corp.example', transport, authentication: 'Basic', credential: { userName: 'admin@corp.example', password: 'x' } }, allowed: bridgeAllowList('exchange') })}'`;
    const [overHttp] = await talkToBridge([init()]);
    expect(overHttp!.errors[0]).toMatchObject({ fullyQualifiedErrorId: 'UmcBridge.BasicOverHttp', message: expect.stringContaining('only over HTTPS') });
    // No Exchange here: New-PSSession itself fails, past the rule.
    const [overHttps] = await talkToBridge([init('https')]);
    expect(overHttps!.errors[0]!.fullyQualifiedErrorId).toMatch(/NewPSSessionCommand$/);
  });
});

describe('the supervisor', () => {
  it('gives a call whose pwsh is killed a clear error, and the next call a new session', async () => {
    const s = services({ UMLAB_DELAY: 'Get-UMAutoAttendant=5000' });
    await s.powershell.invoke('lab', 'exchange', 'Get-UMDialPlan', {});
    const shim = s.powershell.status()[0]!.sessions[0]!.pid!;
    const call = s.powershell.invoke('lab', 'exchange', 'Get-UMAutoAttendant', {});
    await new Promise((r) => setTimeout(r, 800));
    for (const pid of [...descendantsOf(shim), shim]) process.kill(pid, 'SIGKILL');
    await expect(call).rejects.toMatchObject({ code: 'POWERSHELL_SESSION_DIED' });
    const plans = await s.powershell.invoke('lab', 'exchange', 'Get-UMDialPlan', {});
    expect(plans.length).toBe(contosoDialPlans.length);
    const status = s.powershell.status()[0]!;
    expect(status.sessions.map((x) => x.pid)).not.toContain(shim);
    expect(status.restarts).toBe(1);
    expect(s.powershell.history.list(2)[1]).toMatchObject({ command: 'Get-UMAutoAttendant', ok: false, failure: 'session-died' });
  });

  it('stops a call past its timeout and carries on', async () => {
    const s = services({ UMLAB_DELAY: 'Get-UMAutoAttendant=20000' });
    const started = Date.now();
    await expect(s.powershell.invoke('lab', 'exchange', 'Get-UMAutoAttendant', {}, { timeoutMs: 2500 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await s.powershell.invoke('lab', 'exchange', 'Get-UMDialPlan', {})).toHaveLength(contosoDialPlans.length);
  });

  it('cancels a running call', async () => {
    const s = services({ UMLAB_DELAY: 'Get-UMAutoAttendant=20000' });
    await s.powershell.invoke('lab', 'exchange', 'Get-UMDialPlan', {});
    const controller = new AbortController();
    const call = s.powershell.invoke('lab', 'exchange', 'Get-UMAutoAttendant', {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 500);
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await s.powershell.invoke('lab', 'exchange', 'Get-UMDialPlan', {})).toHaveLength(contosoDialPlans.length);
  });

  it('serves concurrent calls from a small pool and queues the rest', async () => {
    const s = services();
    const results = await Promise.all(Array.from({ length: 6 }, () => s.powershell.invoke('lab', 'lync', 'Get-CsPool', {})));
    expect(results.every((r) => r.length > 0 && JSON.stringify(r) === JSON.stringify(results[0]))).toBe(true);
    expect(s.powershell.status()[0]!.sessions.length).toBeLessThanOrEqual(2);
  });

  it('shuts down cleanly with no pwsh left', async () => {
    const s = services();
    await Promise.all([s.powershell.invoke('lab', 'lync', 'Get-CsPool', {}), s.powershell.invoke('lab', 'exchange', 'Get-UMDialPlan', {})]);
    const pids = s.powershell.status().flatMap((p) => p.sessions.map((x) => x.pid!));
    const all = pids.flatMap((p) => [p, ...descendantsOf(p)]);
    expect(all.length).toBeGreaterThanOrEqual(2);
    await s.shutdown();
    opened.splice(opened.indexOf(s), 1);
    expect(all.filter((pid) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '))).toEqual([]);
  });

  it('reports a profile without a shell, and a shell that cannot start, clearly', async () => {
    const s = services({ UMC_PWSH: '/nonexistent/pwsh' });
    await expect(s.powershell.invoke('lab-fabrikam', 'lync', 'Get-CsPool', {})).rejects.toMatchObject({
      code: 'POWERSHELL_UNAVAILABLE',
      message: expect.stringContaining('no Lync PowerShell endpoint'),
    });
    await expect(s.powershell.invoke('lab', 'lync', 'Get-CsPool', {})).rejects.toMatchObject({
      code: 'POWERSHELL_UNAVAILABLE',
      message: expect.stringContaining('UMC_PWSH'),
    });
  });
});

describe('no secret is kept or printed', () => {
  const repo = join(import.meta.dirname, '../..');
  // Long enough that no pid, timestamp or duration in the output matches one by chance.
  const pins = ['730194826', '582047139', '916305728', '461928375'];

  /** Which secrets a text holds, as they are or inside any base64 run in it (how requests travel). */
  function secretsIn(text: string, secrets: string[]): string[] {
    const decoded = (text.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? []).map((run) => Buffer.from(run, 'base64').toString('utf8'));
    return secrets.filter((secret) => text.includes(secret) || decoded.some((d) => d.includes(secret)));
  }

  it('a bulk job with PINs under DEBUG=* prints none of them nor the password, and node-powershell keeps none', async () => {
    const rows = pins.map((pin, n) => {
      const user = `u004${11 + n}`;
      return `${user}@contoso.test,Redmond Default Policy,004${11 + n},${user}@contoso.test,${pin}`;
    });
    const csv = ['Identity,UMMailboxPolicy,Extensions,SIPResourceIdentifier,PIN', ...rows].join('\r\n') + '\r\n';
    const report = join(scratch('umc-debug-'), 'report.json');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/integration/support/bulk-job-under-debug.ts', report, Buffer.from(csv).toString('base64')],
      {
        cwd: repo,
        env: { ...process.env, DEBUG: '*' },
      },
    );
    let printed = '';
    child.stdout.on('data', (d) => (printed += d));
    child.stderr.on('data', (d) => (printed += d));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code, printed.slice(-2000)).toBe(0);
    expect(printed).toContain('debug output is on');
    const result = JSON.parse(readFileSync(report, 'utf8')) as { ready: number; outcomes: string[]; shells: number; entries: number; history: string };
    expect(result.ready).toBe(pins.length);
    expect(result.outcomes).toEqual(pins.map(() => 'validated'));
    expect(result.shells).toBeGreaterThan(0);
    expect(secretsIn(printed, [...pins, LAB_PASSWORD])).toEqual([]);
    expect(secretsIn(result.history, [...pins, LAB_PASSWORD])).toEqual([]);
    expect(result.entries).toBe(0);
  });

  it('keeps node-powershell history bounded however many calls a session serves', async () => {
    const s = services();
    await s.powershell.invoke('lab', 'exchange', 'Get-UMDialPlan', {});
    const [session] = runningSessions(s);
    for (let i = 0; i < 500; i++) expect(await session!.ping(5000)).toBe(true);
    expect(session!.shell.history.length).toBe(0);
  });

  it('passes no UMC_PASSWORD* variable to the shells it starts', async () => {
    // A stand-in pwsh that writes its environment where the test can read it, then runs the real one.
    const dir = scratch('umc-env-');
    const spy = join(dir, 'pwsh');
    writeFileSync(spy, `#!/bin/sh\nenv >> '${dir}/env.txt'\nexec '${findPwsh()}' "$@"\n`);
    chmodSync(spy, 0o755);
    // The lab profile signs in with the password from UMC_PASSWORD_LAB, as the CLI's would.
    const s = services({ UMC_PWSH: spy, UMC_PASSWORD: LAB_PASSWORD, UMC_PASSWORD_LAB: LAB_PASSWORD, umc_password_other: LAB_PASSWORD });
    await s.powershell.shells();
    await s.powershell.invoke('lab', 'exchange', 'Get-UMDialPlan', {});
    const seen = readFileSync(join(dir, 'env.txt'), 'utf8');
    expect(seen.match(/^UMC_PWSH=/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(
      seen
        .split('\n')
        .filter((line) => /UMC_PASSWORD/i.test(line) || line.includes(LAB_PASSWORD))
        .map((line) => line.split('=')[0]),
    ).toEqual([]);
  });
});
