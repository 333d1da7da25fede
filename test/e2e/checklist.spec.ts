import { readFileSync, writeFileSync } from 'node:fs';
import { connectProfile, disconnectAll, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { labDescriptor } from './support/lab-ldap';
import { expect, test } from './support/test';

test('the checklist shows the seeded gaps with evidence and roles, per dial plan, in both languages', async ({ page }) => {
  await openConsole(page);
  await connectProfile(page, 'lab-umadmin');
  await goTo(page, 'checklist');
  await expect(page.getByTestId('checklist-summary')).toBeVisible();
  // Seeded gaps (test/lab/README.md): pool02 has no gateway; Taipei is Unsecured; Tokyo's Lync dial plan name; Blocked OU; EV users without SIP.
  await expect(page.getByTestId('step-7')).toHaveAttribute('data-status', 'partly');
  await expect(page.getByTestId('step-7-evidence')).toContainText('pool02.contoso.test: no UM IP gateway');
  await expect(page.getByTestId('step-4-evidence')).toContainText('Taipei: Unsecured; Lync Global is RequireEncryption, which needs Secured');
  await expect(page.getByTestId('step-2-evidence')).toContainText('EXUM01 (UM): CN=*.contoso.test is a wildcard subject');
  await expect(page.getByTestId('step-5-evidence')).toContainText("EX15's UM Call Router starts in TCP mode, not Dual");
  await expect(page.getByTestId('step-8-evidence')).toContainText('Tokyo: no Lync dial plan named Tokyo.contoso.test');
  await expect(page.getByTestId('step-10-evidence')).toContainText('contoso.test/Lab/Blocked');
  await expect(page.getByTestId('step-6')).toHaveAttribute('data-status', 'partly');
  // lab-umadmin is in both RTC admin groups (step 9) but not in Organization Management (step 3).
  await expect(page.getByTestId('step-9-role').first()).toHaveAttribute('data-held', 'true');
  await expect(page.getByTestId('step-4-role').first()).toHaveAttribute('data-held', 'false');
  await screenshot(page, 'checklist-all');

  // One dial plan: Redmond's own steps are done where the lab has it right.
  await page.getByTestId('checklist-dial-plan').click();
  await page.getByTestId('checklist-dial-plan-Redmond').click();
  await expect(page.getByTestId('step-3')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('step-4')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('step-8')).toHaveAttribute('data-status', 'done');

  // The fix button opens gateway setup with its preview.
  await page.getByTestId('step-7-fix').click();
  await expect(page.getByTestId('gateway-setup')).toBeVisible();
  await expect(page.getByTestId('gateways-counts')).toContainText('to do');
  await expect(page.locator('[data-testid="gateways-item"][data-status="missing"][data-kind="gateway"]').first()).toBeVisible();
  await expect(
    page.locator('[data-testid="gateways-item"][data-status="missing"][data-kind="gateway"]').filter({ hasText: 'pool02.contoso.test' }),
  ).toHaveCount(1);
  await screenshot(page, 'gateways-preview');

  // The admin chooses the outcall gateway: the Director cannot be chosen; the others' outcalls turn off.
  await page.getByTestId('gateways-outcalls').click();
  await expect(page.getByTestId('gateways-outcalls-dir01.contoso.test')).toHaveAttribute('aria-disabled', 'true');
  await page.getByTestId('gateways-outcalls-pool02.contoso.test').click();
  await expect(page.locator('[data-testid="gateways-item"][data-kind="gateway"]').filter({ hasText: 'Turn outcalls off on UM IP gateway 1:1' })).toHaveCount(1);
  await expect(
    page.locator('[data-testid="gateways-item"][data-kind="gateway"]').filter({ hasText: 'ocs01' }).filter({ hasText: 'Turn outcalls off' }),
  ).toHaveCount(1);
  await screenshot(page, 'gateways-outcall-choice');

  await setLanguage(page, 'zh-TW');
  await expect(page.getByTestId('gateways-counts')).toContainText('待處理');
  await screenshot(page, 'gateways-outcall-choice-zh-TW');
  await page.getByTestId('tab-checklist').click();
  await expect(page.getByTestId('step-7-status')).toHaveText('部分完成');
  await screenshot(page, 'checklist-all-zh-TW');

  // The report downloads as a self-contained HTML file in the chosen language.
  const download = page.waitForEvent('download');
  await page.getByTestId('checklist-report').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^um-integration-checklist-\d{4}-\d{2}-\d{2}\.html$/);
  await setLanguage(page, 'en');
  await disconnectAll(page);
});

test('a step the console cannot see is confirmed by hand, with who and when', async ({ page }) => {
  // Lync's media configuration unreadable: the lab's CMS without it, put back afterwards.
  const cms = labDescriptor().cmsFile!;
  const original = readFileSync(cms, 'utf8');
  writeFileSync(cms, JSON.stringify({ ...JSON.parse(original), mediaConfigurations: [] }));
  try {
    await openConsole(page);
    await connectProfile(page, 'lab-umadmin');
    await goTo(page, 'checklist');
    await page.getByTestId('checklist-dial-plan').click();
    await page.getByTestId('checklist-dial-plan-Redmond').click();
    await expect(page.getByTestId('step-4')).toHaveAttribute('data-status', 'unknown');
    await page.getByTestId('step-4-confirm').click();
    // Confirmed as an account chosen in the dialog, the step's roles picking the default.
    await expect(page.getByTestId('confirm-dialog').getByTestId('acting-account')).toHaveAttribute('data-profile', 'lab-umadmin');
    await screenshot(page, 'checklist-confirm-as');
    await page.getByTestId('confirm-note').fill('Get-CsMediaConfiguration shows RequireEncryption; Redmond is Secured.');
    await page.getByTestId('confirm-submit').click();
    await expect(page.getByTestId('step-4')).toHaveAttribute('data-status', 'confirmed');
    await expect(page.getByTestId('step-4-confirmation')).toContainText('Confirmed by lab-umadmin@contoso.test');
    await screenshot(page, 'checklist-confirmed');
    await setLanguage(page, 'zh-TW');
    await expect(page.getByTestId('step-4-confirmation')).toContainText('由 lab-umadmin@contoso.test');
    await screenshot(page, 'checklist-confirmed-zh-TW');
    await page.getByTestId('step-4-withdraw').click();
    await expect(page.getByTestId('confirm-dialog').getByTestId('acting-account')).toContainText('lab-umadmin@contoso.test (contoso.test)');
    await screenshot(page, 'checklist-withdraw-as-zh-TW');
    await page.getByTestId('confirm-dialog').getByRole('button', { name: '取消' }).click();
    await setLanguage(page, 'en');
    // Withdrawing is audited too, as the account chosen in its dialog.
    await page.getByTestId('step-4-withdraw').click();
    await expect(page.getByTestId('confirm-dialog').getByTestId('acting-account')).toHaveAttribute('data-profile', 'lab-umadmin');
    await page.getByTestId('confirm-submit').click();
    await expect(page.getByTestId('step-4')).toHaveAttribute('data-status', 'unknown');
  } finally {
    writeFileSync(cms, original);
  }
  await disconnectAll(page);
});
