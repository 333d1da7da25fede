import { connectProfile, disconnectAll, goTo, openConsole, screenshot } from './support/console-page';
import { expect, test } from './support/test';

test('the PowerShell view shows what the console ran, copyable as a script', async ({ page }) => {
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await page.getByTestId('shell-test-exchange-lab-exchadmin').click();
  await expect(page.getByTestId('shell-test-exchange-lab-exchadmin')).toHaveAttribute('data-result', 'ok', { timeout: 30_000 });
  await goTo(page, 'powershell');
  await expect(page.getByTestId('powershell-sessions')).toContainText('lab-exchadmin');
  await page.getByTestId('powershell-grid').getByText('Get-UMDialPlan').first().click();
  await expect(page.getByTestId('powershell-script')).toHaveText('Get-UMDialPlan');
  await screenshot(page, 'powershell-view');
  await disconnectAll(page);
});
