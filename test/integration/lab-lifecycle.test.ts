import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DirectorySession } from '../../electron/services/directory/directory-session';
import { findPwsh } from '../../electron/services/powershell/pwsh-locations';
import { freshUsers, planUser } from '../lab/seed-accounts';
import { openLabSession, requireLab } from './support/test-services';

/**
 * The lab's cmdlets for the rest of a UM user's life (docs/lab.md, "Changing a UM mailbox"), driven
 * with real pwsh and the lab module as an Exchange or Lync shell would run them, each success and
 * each documented refusal, against the lab DC. Every user a test changes is put back as it was.
 */
const lab = requireLab();
const root = 'DC=contoso,DC=test';
const org = `CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,${root}`;
const usersOu = `OU=Users,OU=Lab,${root}`;
const userDn = (i: number) => `CN=u${String(i).padStart(5, '0')},${usersOu}`;
const sam = (i: number) => `u${String(i).padStart(5, '0')}`;
const secondPolicy = `CN=Redmond Strict Policy,CN=UM Mailbox Policies,${org}`;
const [alice, bob, carol] = freshUsers(173, 3) as [number, number, number];
/** Lync-enabled users of the seed with a line URI; and one that is not enabled for Lync (i % 10 == 9). */
const notLync = 179;
const scratch = mkdtempSync(join(tmpdir(), 'umc-lifecycle-'));
let scripts = 0;
const restored = [
  'proxyAddresses',
  'msExchUMEnabledFlags',
  'msExchUMTemplateLink',
  'msExchUMRecipientDialPlanLink',
  'msExchUMDtmfMap',
  'msExchUMPinChecksum',
  'msExchUCVoiceMailSettings',
  'msRTCSIP-Line',
  'msRTCSIP-OptionFlags',
];

interface StepResult {
  errors: Array<{ id: string; message: string }>;
  output: Array<Record<string, unknown>>;
}

/** Runs each step (a PowerShell statement) in one pwsh connected to the lab as `account`, and returns what each wrote and which errors it raised. */
function shell(steps: string[], account = 'lab-exchadmin@contoso.test'): StepResult[] {
  const forest = lab.forests[0]!;
  const script = [
    `$ErrorActionPreference = 'Continue'`,
    `Import-Module '${lab.modulePath}'`,
    `$cred = [pscredential]::new('${account}', (ConvertTo-SecureString 'Lab-Passw0rd!' -AsPlainText -Force))`,
    `Connect-UmLab -Server '${forest.host}' -Port ${forest.ldapsPort} -CaDirectory '${lab.caDirectory}' -Credential $cred -CallLog '${lab.callLog}' -CmsFile '${lab.cmsFile}'`,
    `function Invoke-Step([scriptblock]$Block) {`,
    `  $out = @(try { & $Block 2>&1 } catch { $_ })`,
    `  $errors = @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { [ordered]@{ id = $_.FullyQualifiedErrorId; message = $_.Exception.Message } })`,
    `  [ordered]@{ errors = $errors; output = @($out | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }) }`,
    `}`,
    `$results = @(`,
    ...steps.map((step) => `  (Invoke-Step { ${step} })`),
    `)`,
    `ConvertTo-Json -InputObject $results -Depth 6 -Compress`,
  ].join('\n');
  const file = join(scratch, `steps-${++scripts}.ps1`);
  writeFileSync(file, script);
  const run = spawnSync(findPwsh()!, ['-NoProfile', '-NonInteractive', '-File', file], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, TERM: 'dumb' },
  });
  if (run.status !== 0) throw new Error(`pwsh failed: ${run.stderr}`);
  // The last line is the JSON; an interactive terminal's mode sequences may come before it.
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as StepResult[];
}

/** The one error a step raised: its id (without the cmdlet name) and message. */
function refusal(result: StepResult | undefined): { id: string; message: string } {
  expect(result?.errors, JSON.stringify(result)).toHaveLength(1);
  const { id, message } = result!.errors[0]!;
  return { id: id.split(',')[0]!, message };
}
function ok(result: StepResult | undefined): Array<Record<string, unknown>> {
  expect(result?.errors, JSON.stringify(result?.errors)).toEqual([]);
  return result!.output;
}

let admin: DirectorySession;
const saved = new Map<string, Map<string, Buffer[]>>();

/** Remembers a user's UM and Lync attributes so afterEach can put them back. */
async function remember(i: number): Promise<void> {
  const entry = await admin.read(userDn(i), restored);
  saved.set(userDn(i), new Map(restored.map((a) => [a, entry?.getBuffers(a) ?? []])));
}

beforeAll(async () => {
  admin = await openLabSession('lab');
  // A second mailbox policy on Redmond, as New-UMMailboxPolicy would make it, with longer PINs.
  await admin.add(secondPolicy, {
    objectClass: 'msExchUMRecipientTemplate',
    msExchUMMailboxPolicyDialPlanLink: `CN=Redmond,CN=UM DialPlan Container,${org}`,
    msExchUMPinPolicyMinPasswordLength: '8',
    msExchUMPinPolicyDisallowCommonPatterns: '0',
  });
  for (const i of [alice, bob, carol, 174]) await remember(i);
});
afterEach(async () => {
  for (const [dn, attributes] of saved) {
    await admin.modify(
      dn,
      [...attributes].map(([attribute, values]) => ({
        operation: 'replace' as const,
        attribute,
        values: attribute === 'msExchUMPinChecksum' ? values : values.map((v) => v.toString('utf8')),
      })),
    );
  }
});
afterAll(async () => {
  await admin.delete(secondPolicy);
  await admin.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('Set-UMMailbox', () => {
  it('changes the policy within the dial plan and refuses one of another dial plan, a mailbox not UM-enabled and an unknown parameter', async () => {
    const [enable, within, other, notEnabled, unknown, unknownPolicy] = shell([
      `Enable-UMMailbox ${sam(alice)} -UMMailboxPolicy 'Redmond Default Policy'`,
      `Set-UMMailbox ${sam(alice)} -UMMailboxPolicy 'Redmond Strict Policy' -TUIAccessToEmailEnabled $false`,
      `Set-UMMailbox ${sam(alice)} -UMMailboxPolicy 'Tokyo Default Policy'`,
      `Set-UMMailbox ${sam(bob)} -UMMailboxPolicy 'Redmond Default Policy'`,
      `Set-UMMailbox ${sam(alice)} -Extensions 12345`,
      `Set-UMMailbox ${sam(alice)} -UMMailboxPolicy 'No Such Policy'`,
    ]);
    ok(enable);
    expect(ok(within)[0]).toMatchObject({ UMMailboxPolicy: 'Redmond Strict Policy', UMDialPlan: 'Redmond' });
    expect(refusal(other)).toEqual({ id: 'NewPolicyMustBeInTheSameDialPlanAsOldPolicy', message: expect.stringContaining('current UM dial plan, Redmond') });
    expect(refusal(notEnabled).id).toBe('MailboxNotUmEnabled');
    expect(refusal(unknown)).toMatchObject({ id: 'NamedParameterNotFound', message: expect.stringContaining("'Extensions'") });
    expect(refusal(unknownPolicy).id).toBe('UMMailboxPolicyNotFound');
    expect((await admin.read(userDn(alice), ['msExchUMTemplateLink']))?.get('msExchUMTemplateLink')).toBe(secondPolicy);
  });
});

describe('Set-Mailbox -EmailAddresses (extensions and SIP addresses)', () => {
  it("adds an extension and refuses a taken one, a wrong digit count, another plan's phone context and EUM addresses on a mailbox not UM-enabled", async () => {
    const context = 'phone-context=Redmond.contoso.test';
    const taken = String(planUser(1).telephoneNumber).slice(-5); // u00001 is UM-enabled on Redmond with it
    const [, add, takenExt, digits, otherPlan, notUm, primary] = shell([
      `Enable-UMMailbox ${sam(alice)} -UMMailboxPolicy 'Redmond Default Policy'`,
      `Set-Mailbox ${sam(alice)} -EmailAddresses @{ Add = 'eum:71234;${context}' }; Get-UMMailbox ${sam(alice)}`,
      `Set-Mailbox ${sam(alice)} -EmailAddresses @{ Add = 'eum:${taken};${context}' }`,
      `Set-Mailbox ${sam(alice)} -EmailAddresses @{ Add = 'eum:7123;${context}' }`,
      `Set-Mailbox ${sam(alice)} -EmailAddresses @{ Add = 'eum:7124;phone-context=Tokyo.contoso.test' }`,
      `Set-Mailbox ${sam(bob)} -EmailAddresses @{ Add = 'eum:71235;${context}' }`,
      `$list = @((Get-UMMailbox ${sam(alice)}).EmailAddresses | Where-Object { $_ -cnotmatch '^SMTP:' }); Set-Mailbox ${sam(alice)} -EmailAddresses $list`,
    ]);
    expect(ok(add)[0]).toMatchObject({ Extensions: [sam(alice).slice(-5), '71234'] });
    expect(refusal(takenExt)).toEqual({
      id: 'ExtensionNotUniqueException',
      message: `Extension ${taken} is already assigned to another user on dial plan Redmond or on an equivalent dial plan.`,
    });
    expect(refusal(digits)).toEqual({
      id: 'InvalidExtensionException',
      message: '7123 is not a valid extension or phone number. It should be a number composed of 5 digits.',
    });
    expect(refusal(otherPlan).id).toBe('EumAddressOutsideDialPlan');
    expect(refusal(notUm).id).toBe('EumAddressWithoutUM');
    expect(refusal(primary).id).toBe('InvalidPrimarySmtpAddress');
    const proxies = (await admin.read(userDn(alice), ['proxyAddresses']))!.getAll('proxyAddresses');
    expect(proxies).toContain(`eum:71234;${context}`);
    expect(proxies.filter((p) => /^eum:/i.test(p))).toHaveLength(3);
    expect((await admin.read(userDn(bob), ['proxyAddresses']))!.getAll('proxyAddresses').some((p) => /^eum:/i.test(p))).toBe(false);
  });
});

describe('Set-UMMailboxPIN and Get-UMMailboxPin', () => {
  it("resets a PIN by the mailbox policy's rules and history, and never writes it in clear", async () => {
    const logStart = readFileSync(lab.callLog!).length;
    const [, enabled, reset, reused, short, repeated, generated, locked, notUm] = shell([
      `Enable-UMMailbox ${sam(alice)} -UMMailboxPolicy 'Redmond Default Policy' -PIN 482913 -PINExpired $false`,
      `Get-UMMailboxPin ${sam(alice)}`,
      `Set-UMMailboxPIN ${sam(alice)} -Pin 592814 -PINExpired $false -NotifyEmail helpdesk@contoso.test`,
      `Set-UMMailboxPIN ${sam(alice)} -Pin 482913`,
      `Set-UMMailboxPIN ${sam(alice)} -Pin 4829`,
      `Set-UMMailboxPIN ${sam(alice)} -Pin 777777`,
      `Set-UMMailboxPIN ${sam(alice)} -SendEmail $false`,
      `Set-UMMailboxPIN ${sam(alice)} -Pin 639205 -LockedOut $true; Get-UMMailboxPin ${sam(alice)}`,
      `Set-UMMailboxPIN ${sam(bob)} -Pin 639205`,
    ]);
    expect(ok(enabled)[0]).toMatchObject({ UserID: `${sam(alice)}@contoso.test`, PinExpired: false, LockedOut: false });
    expect(ok(reset)[0]).toMatchObject({ PinExpired: false, LockedOut: false });
    const weak =
      'The PIN you entered is not valid. Your PIN must contain only numbers, and must be at least 6 digits long. It cannot be one of your previous 5 PINs.';
    for (const refused of [reused, short, repeated]) expect(refusal(refused)).toEqual({ id: 'WeakPinException', message: expect.stringContaining(weak) });
    expect(ok(generated)[0]).toMatchObject({ PinExpired: true, LockedOut: false });
    expect(ok(locked).at(-1)).toMatchObject({ PinExpired: true, LockedOut: true });
    expect(refusal(notUm).id).toBe('UserNotUmEnabledException');

    const log = readFileSync(lab.callLog!).subarray(logStart).toString('utf8');
    for (const pin of ['482913', '592814', '4829', '777777', '639205']) expect(log).not.toContain(pin);
    expect(log).toContain('"Pin":"<redacted length=6>"');
    expect(log).toContain('"cmdlet":"Lab:PinResetMessage","parameters":{"To":"helpdesk@contoso.test"}');
    const checksum = (await admin.read(userDn(alice), ['msExchUMPinChecksum']))!.getBuffer('msExchUMPinChecksum')!.toString('utf8');
    expect(checksum).toMatch(/^umlab-pin;expired=true;lockedOut=true;hashes=/);
    for (const pin of ['482913', '592814', '639205']) expect(checksum).not.toContain(pin);
  });

  it("follows the mailbox's own policy and remembers the last PINHistoryCount PINs (5 by default), the first one set included", async () => {
    const pins = ['59281407', '61830529', '71402856', '83920461', '94061738', '30592817'];
    const [, , short, ...rest] = shell([
      `Enable-UMMailbox ${sam(carol)} -UMMailboxPolicy 'Redmond Default Policy' -PIN 482913`,
      `Set-UMMailbox ${sam(carol)} -UMMailboxPolicy 'Redmond Strict Policy'`,
      `Set-UMMailboxPIN ${sam(carol)} -Pin 592814`,
      ...pins.slice(0, 5).map((pin) => `Set-UMMailboxPIN ${sam(carol)} -Pin ${pin}`),
      `Set-UMMailboxPIN ${sam(carol)} -Pin ${pins[0]}`,
      `Set-UMMailboxPIN ${sam(carol)} -Pin ${pins[5]}`,
      `Set-UMMailboxPIN ${sam(carol)} -Pin ${pins[0]}`,
    ]);
    expect(refusal(short).message).toContain('at least 8 digits long. It cannot be one of your previous 5 PINs.');
    for (const set of rest.slice(0, 5)) ok(set);
    expect(refusal(rest[5]).id).toBe('WeakPinException'); // still among the last five
    ok(rest[6]);
    ok(rest[7]); // the sixth PIN pushed it out
  });
});

describe('Disable-UMMailbox -KeepProperties', () => {
  it('keeps the PIN data by default and removes it with $false; the links, EUM addresses and voice mail settings go either way', async () => {
    const [, , keep, , , drop, again] = shell([
      `Enable-UMMailbox ${sam(alice)} -UMMailboxPolicy 'Redmond Default Policy' -PIN 482913`,
      `Enable-UMMailbox ${sam(bob)} -UMMailboxPolicy 'Redmond Default Policy' -PIN 482913`,
      `Disable-UMMailbox ${sam(alice)}`,
      `Enable-UMMailbox ${sam(alice)} -UMMailboxPolicy 'Redmond Default Policy'`,
      `Disable-UMMailbox ${sam(alice)} -KeepProperties $true`,
      `Disable-UMMailbox ${sam(bob)} -KeepProperties $false`,
      `Disable-UMMailbox ${sam(bob)}`,
    ]);
    expect(ok(keep)[0]).toMatchObject({ UMEnabled: false, UMDialPlan: null, UMMailboxPolicy: null, Extensions: [] });
    ok(drop);
    expect(refusal(again).id).toBe('UserAlreadyUmDisabledException');
    const attributes = ['msExchUMEnabledFlags', 'msExchUMPinChecksum', 'msExchUMTemplateLink', 'msExchUMRecipientDialPlanLink', 'proxyAddresses'];
    const kept = (await admin.read(userDn(alice), attributes))!;
    expect(kept.get('msExchUMEnabledFlags')).toBe('830');
    expect(kept.has('msExchUMPinChecksum')).toBe(true);
    expect(kept.has('msExchUMTemplateLink') || kept.has('msExchUMRecipientDialPlanLink')).toBe(false);
    expect(kept.getAll('proxyAddresses').some((p) => /^eum:/i.test(p))).toBe(false);
    const dropped = (await admin.read(userDn(bob), attributes))!;
    expect(dropped.get('msExchUMEnabledFlags')).toBe('830');
    expect(dropped.has('msExchUMPinChecksum')).toBe(false);
  });
});

describe('Get-CsUser and Set-CsUser', () => {
  it('enables Enterprise Voice with a line URI and refuses a malformed one, a duplicate and a user not enabled for Lync', async () => {
    const line = 'tel:+14255550173;ext=50173';
    const seededLine = `tel:${planUser(174).telephoneNumber}`;
    const [before, set, quiet, malformed, noPlus, duplicate, sameWithExt, notLyncUser, notLyncGet] = shell([
      `Get-CsUser ${sam(alice)}@contoso.test`,
      `Set-CsUser sip:${sam(alice)}@contoso.test -EnterpriseVoiceEnabled $false -LineURI '' -PassThru`,
      `Set-CsUser '${userDn(alice)}' -EnterpriseVoiceEnabled $true -LineURI '${line}'`,
      `Set-CsUser ${sam(alice)}@contoso.test -LineURI 'tel:4255550173'`,
      `Set-CsUser ${sam(alice)}@contoso.test -LineURI '+14255550173'`,
      `Set-CsUser ${sam(alice)}@contoso.test -LineURI '${seededLine.toUpperCase()}'`,
      `Set-CsUser ${sam(alice)}@contoso.test -LineURI '${seededLine};ext=50174' -PassThru`,
      `Set-CsUser ${sam(notLync)}@contoso.test -EnterpriseVoiceEnabled $true`,
      `Get-CsUser ${sam(notLync)}@contoso.test`,
    ]);
    expect(ok(before)[0]).toMatchObject({
      SipAddress: `sip:${sam(alice)}@contoso.test`,
      EnterpriseVoiceEnabled: true,
      LineURI: `tel:${planUser(alice).telephoneNumber}`,
      RegistrarPool: expect.stringMatching(/^pool0[12]\.contoso\.test$/),
    });
    expect(ok(set)[0]).toMatchObject({ EnterpriseVoiceEnabled: false, LineURI: null });
    expect(ok(quiet)).toEqual([]);
    expect(refusal(malformed).id).toBe('InvalidLineURI');
    expect(refusal(noPlus).id).toBe('InvalidLineURI');
    expect(refusal(duplicate)).toEqual({ id: 'DuplicateLineURI', message: `LineURI '${seededLine.toUpperCase()}' is already assigned to 'u00174'.` });
    expect(ok(sameWithExt)[0]).toMatchObject({ LineURI: `${seededLine};ext=50174`, EnterpriseVoiceEnabled: true });
    expect(refusal(notLyncUser)).toEqual({
      id: 'ManagementObjectNotFoundException',
      message: `Management object not found for identity "${sam(notLync)}@contoso.test".`,
    });
    expect(refusal(notLyncGet).id).toBe('ManagementObjectNotFoundException');
    const entry = (await admin.read(userDn(alice), ['msRTCSIP-Line', 'msRTCSIP-OptionFlags']))!;
    expect(entry.get('msRTCSIP-Line')).toBe(`${seededLine};ext=50174`);
    expect(Number(entry.get('msRTCSIP-OptionFlags')) & 128).toBe(128);
  });
});

describe('the new cmdlets follow the lab RBAC roles', () => {
  it('lab-umadmin (no Exchange role group) has none of the UM mailbox or Mail Recipients cmdlets; Lync cmdlets stay', () => {
    const [um, pin, mailbox, lync] = shell(
      [
        `Get-Command Set-UMMailbox -ErrorAction SilentlyContinue`,
        `Get-Command Set-UMMailboxPIN -ErrorAction SilentlyContinue`,
        `Get-Command Set-Mailbox -ErrorAction SilentlyContinue`,
        `(Get-Command Set-CsUser).Name`,
      ],
      'lab-umadmin@contoso.test',
    );
    expect([um, pin, mailbox].map((r) => r?.output)).toEqual([[], [], []]);
    expect(lync?.output).toEqual(['Set-CsUser']);
  });
});
