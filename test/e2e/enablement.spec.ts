import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectProfile, disconnectAll, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { labModify } from './support/lab-ldap';
import { expect, test } from './support/test';

const fixture = join(import.meta.dirname, '../fixtures/enablement/redmond-batch.csv');
const users = [150, 151, 152, 153].map((i) => `u00${i}`);
/** Lync users the seed left without a sip: proxy address (i % 50 == 27): the Lync SIP address check applies to them. */
const noProxyUsers = ['u00177', 'u00227'];

/** Puts the spec's users back to their seeded, not-UM-enabled state. */
function disableFixtureUsers(): void {
  for (const sam of [...users, ...noProxyUsers]) {
    const upn = `${sam}@contoso.test`;
    const proxies = noProxyUsers.includes(sam) ? `proxyAddresses: SMTP:${upn}\n` : `proxyAddresses: SMTP:${upn}\nproxyAddresses: sip:${upn}\n`;
    labModify(
      `dn: CN=${sam},OU=Users,OU=Lab,DC=contoso,DC=test\nchangetype: modify\nreplace: msExchUMEnabledFlags\nmsExchUMEnabledFlags: 830\n-\nreplace: msExchUMTemplateLink\n-\nreplace: msExchUMRecipientDialPlanLink\n-\nreplace: msExchUMDtmfMap\n-\nreplace: msExchUMPinChecksum\n-\nreplace: proxyAddresses\n${proxies}-\n`,
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
  // Exchange's own refusal: the identifier differs from the mailbox's sip: proxy; the grid shows it without sip:.
  await expect(grid.locator('[data-id="4"]')).toContainText("doesn't match the mailbox's existing SIP proxy address u00152@contoso.test");
  await expect(grid.locator('[data-id="4"] [data-field="SIPResourceIdentifier"]')).toHaveText('wrong@contoso.test');
  await expect(page.getByTestId('notice-sip-uri-no-fax')).toContainText("can't receive incoming faxes");
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
  // The file's own columns untouched, then what Enable-UMMailbox was sent (sip: stripped).
  expect(exported).toContain('UserPrincipalName,UMMailboxPolicy,Extension,SipAddress,PIN,Department,SentExtensions,SentSIPResourceIdentifier,Line,Outcome,Message');
  expect(exported).toContain('u00150@contoso.test,Redmond Default Policy,00150,sip:u00150@contoso.test,(not exported),Sales,00150,u00150@contoso.test,2,enabled,');
  expect(exported).toContain(`'=HYPERLINK(""http://x"")`);
  expect(exported).not.toContain('246810');

  // The same screen in Traditional Chinese.
  await setLanguage(page, 'zh-TW');
  await expect(page.getByTestId('run-stats')).toContainText('已完成 4');
  await screenshot(page, 'enablement-results-zh-TW');
  await setLanguage(page, 'en');
  await disconnectAll(page);
});

test('allow an identifier that is not the Lync SIP address, for one row or for the job', async ({ page }) => {
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await goTo(page, 'enablement');
  const csv = ['Identity,UMMailboxPolicy,Extensions,SIPResourceIdentifier', 'user00177,Redmond Default Policy,00177,sip:voicemail.u00177@contoso.test', 'user00227,Redmond Default Policy,00227,voicemail.u00227@contoso.test', ''].join('\r\n');
  await page.getByTestId('csv-file-input').setInputFiles({ name: 'lync-mismatch.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByTestId('validate').click();
  await expect(page.getByTestId('validation-summary')).toContainText('2 rows: 0 ready, 0 already done, 2 invalid');
  const grid = page.getByTestId('rows-grid');
  await expect(grid.locator('[data-id="2"]')).toContainText("is not the user's Lync SIP address u00177@contoso.test");

  // One row: allowed, and it says so.
  await grid.getByTestId('override-2').click();
  await expect(grid.getByTestId('status-2')).toHaveText('Ready');
  await expect(grid.locator('[data-id="2"]')).toContainText('Overridden for this row');
  await expect(grid.getByTestId('overridden-2')).toHaveText('Allowed');
  await expect(grid.getByTestId('override-3')).toBeVisible();
  await expect(grid.getByTestId('status-3')).toHaveText('Invalid');
  await screenshot(page, 'enablement-override-row');

  // The whole job: every such row, until it is switched off again.
  await page.getByTestId('allow-sip-mismatch').click();
  await expect(grid.getByTestId('status-3')).toHaveText('Ready');
  await expect(grid.getByTestId('overridden-3')).toHaveText('Allowed');
  await expect(grid.locator('[data-id="3"]')).toContainText('Overridden for every row of the job');
  await screenshot(page, 'enablement-override-job');
  await setLanguage(page, 'zh-TW');
  await expect(grid.getByTestId('overridden-3')).toHaveText('已允許');
  await screenshot(page, 'enablement-override-job-zh-TW');
  await setLanguage(page, 'en');
  await page.getByTestId('allow-sip-mismatch').click();
  await expect(grid.getByTestId('status-3')).toHaveText('Invalid');
  await expect(grid.getByTestId('status-2')).toHaveText('Ready');

  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  await expect(grid.getByTestId('outcome-2')).toHaveText('Enabled');
  await expect(grid.getByTestId('outcome-3')).toHaveText('Invalid');
  await disconnectAll(page);
});

test('a file past a limit is refused with the limit and the line named', async ({ page }) => {
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await goTo(page, 'enablement');
  const header = Array.from({ length: 1001 }, (_, i) => `Column${i + 1}`).join(',');
  await page.getByTestId('csv-file-input').setInputFiles({ name: 'too-wide.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\r\nalice@contoso.test\r\n`) });
  await expect(page.getByTestId('import-error')).toContainText('too-wide.csv: Line 1: the row has more than 1,000 columns, the most a file may have.');
  await expect(page.getByTestId('import-summary')).toHaveCount(0);
  await disconnectAll(page);
});
