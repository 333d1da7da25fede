import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectProfile, disconnectAll, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { labModify } from './support/lab-ldap';
import { expect, test } from './support/test';

const fixture = join(import.meta.dirname, '../fixtures/enablement/redmond-batch.csv');
const users = [150, 151, 152, 153].map((i) => `u00${i}`);

/** Puts the fixture's users back to their seeded, not-UM-enabled state. */
function disableFixtureUsers(): void {
  for (const sam of users) {
    const upn = `${sam}@contoso.test`;
    labModify(
      `dn: CN=${sam},OU=Users,OU=Lab,DC=contoso,DC=test\nchangetype: modify\nreplace: msExchUMEnabledFlags\nmsExchUMEnabledFlags: 830\n-\nreplace: msExchUMTemplateLink\n-\nreplace: msExchUMRecipientDialPlanLink\n-\nreplace: msExchUMDtmfMap\n-\nreplace: msExchUMPinChecksum\n-\nreplace: proxyAddresses\nproxyAddresses: SMTP:${upn}\nproxyAddresses: sip:${upn}\n-\n`,
    );
  }
}
test.beforeEach(disableFixtureUsers);
test.afterEach(disableFixtureUsers);

test('import a CSV, fix a row in the grid, run it and export the results', async ({ page }) => {
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await goTo(page, 'enablement');
  await page.getByTestId('csv-file-input').setInputFiles(fixture);
  await expect(page.getByTestId('import-summary')).toContainText('redmond-batch.csv: 5 rows, UTF-8 (byte-order mark), semicolon-separated.');
  await expect(page.getByTestId('map-Identity')).toContainText('UserPrincipalName');
  await screenshot(page, 'enablement-mapping');

  await page.getByTestId('validate').click();
  await expect(page.getByTestId('validation-summary')).toContainText('5 rows: 3 ready, 0 already done, 2 invalid');
  const grid = page.getByTestId('rows-grid');
  await expect(grid.getByTestId('status-4')).toHaveText('Invalid');
  await expect(grid.locator('[data-id="4"]')).toContainText('is not the user\'s SIP address u00152@contoso.test');
  await screenshot(page, 'enablement-validation');

  // Fix line 4's SIP resource identifier in the grid: it is re-checked at once.
  await grid.locator('[data-id="4"] [data-field="SIPResourceIdentifier"]').dblclick();
  const editor = grid.locator('[data-id="4"] [data-field="SIPResourceIdentifier"] input');
  await editor.fill('u00152@contoso.test');
  await editor.press('Enter');
  await expect(grid.getByTestId('status-4')).toHaveText('Ready');
  await expect(page.getByTestId('validation-summary')).toContainText('4 ready');

  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  await expect(page.getByTestId('run-stats')).toContainText('4 done, 1 failed, 0 remaining of 5');
  for (const line of [2, 3, 4, 5]) await expect(grid.getByTestId(`outcome-${line}`)).toHaveText('Enabled');
  await expect(grid.getByTestId('outcome-6')).toHaveText('Invalid');
  await screenshot(page, 'enablement-results');

  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const file = await (await download).path();
  const exported = readFileSync(file, 'utf8');
  expect(exported).toContain('UserPrincipalName,UMMailboxPolicy,Extension,SipAddress,PIN,Department,Line,Outcome,Message');
  expect(exported).toContain('u00150@contoso.test,Redmond Default Policy,00150,sip:u00150@contoso.test,(not exported),Sales,2,enabled,');
  expect(exported).toContain(`'=HYPERLINK(""http://x"")`);
  expect(exported).not.toContain('246810');

  // The same screen in Traditional Chinese.
  await setLanguage(page, 'zh-TW');
  await expect(page.getByTestId('run-stats')).toContainText('已完成 4');
  await screenshot(page, 'enablement-results-zh-TW');
  await setLanguage(page, 'en');
  await disconnectAll(page);
});
