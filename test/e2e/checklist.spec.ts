import { connectProfile, disconnectAll, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { expect, test } from './support/test';

test('the checklist shows the seeded gaps with evidence and roles, per dial plan, in both languages', async ({ page }) => {
  await openConsole(page);
  await connectProfile(page, 'lab-umadmin');
  await goTo(page, 'checklist');
  await expect(page.getByTestId('checklist-summary')).toBeVisible();
  // Seeded gaps (lab.md): pool02 has no gateway; Taipei is Unsecured; Tokyo's Lync dial plan name; Blocked OU; EV users without SIP.
  await expect(page.getByTestId('step-7')).toHaveAttribute('data-status', 'partly');
  await expect(page.getByTestId('step-7-evidence')).toContainText('pool02.contoso.test: no UM IP gateway');
  await expect(page.getByTestId('step-4-evidence')).toContainText('Taipei: Unsecured');
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
  await expect(page.getByTestId('gateways-counts')).toContainText('to create');
  await expect(page.locator('[data-testid="gateways-item"][data-status="missing"][data-kind="gateway"]')).toContainText('pool02.contoso.test');
  await screenshot(page, 'gateways-preview');

  await setLanguage(page, 'zh-TW');
  await expect(page.getByTestId('gateways-counts')).toContainText('待建立');
  await screenshot(page, 'gateways-preview-zh-TW');
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
