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

test('the profile editor sends Basic to Exchange only over https://', async ({ page }) => {
  await openConsole(page);
  await goTo(page, 'settings');
  await page.getByTestId('profile-new').click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Profile name').fill('corp-basic');
  await editor.getByLabel('Domain controller (host name or IP)').fill('dc1.corp.example');
  await editor.getByLabel(/^Bind as/).fill('admin@corp.example');
  await editor.getByText('Not configured').first().click();
  await page.getByRole('option', { name: 'Remote (server/PowerShell/)' }).click();
  await editor.getByLabel('Exchange server', { exact: true }).fill('ex1.corp.example');
  await editor.getByTestId('exchange-authentication').getByRole('combobox').click();
  await page.getByRole('option', { name: 'Basic' }).click();
  await page.getByTestId('profile-save').click();
  await expect(editor.getByTestId('exchange-transport-error')).toHaveText(/^Basic sends the password readable on the network/);
  await expect(page.getByTestId('profile-row-corp-basic')).toHaveCount(0);
  await screenshot(page, 'settings-basic-needs-https');
  await editor.getByTestId('exchange-transport').getByRole('combobox').click();
  await page.getByRole('option', { name: 'https://' }).click();
  await page.getByTestId('profile-save').click();
  await expect(editor).toHaveCount(0);
  const row = page.getByTestId('profile-row-corp-basic');
  await expect(row).toBeVisible();
  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(row).toHaveCount(0);
});
