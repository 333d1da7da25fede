import { readFileSync } from 'node:fs';
import { connectProfile, disconnectAll, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { disableUmUsers } from './support/lab-ldap';
import type { Page } from '@playwright/test';
import { expect, test } from './support/test';

/** Users this spec enables and disables (u00340–u00359 are the bulk operations' own). */
const ids = [352, 353, 354];
const sam = (i: number) => `u${String(i).padStart(5, '0')}`;
const file = (name: string, rows: string[][]) => ({
  name,
  mimeType: 'text/csv',
  buffer: Buffer.from(rows.map((r) => r.join(',')).join('\r\n') + '\r\n'),
});
const put = () => disableUmUsers(ids.map(sam));
test.beforeEach(put);
test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await disconnectAll(page).catch(() => undefined);
  put();
});

async function runAndConfirm(page: Page, title: string, accept: string, shot?: string): Promise<void> {
  await page.getByTestId('dry-run').uncheck();
  await page.getByTestId('run-start').click();
  const dialog = page.getByTestId('confirm-run');
  await expect(dialog).toContainText(title);
  if (shot) await screenshot(page, shot);
  await expect(dialog.getByTestId('confirm-run-accept')).toHaveText(accept);
  await dialog.getByTestId('confirm-run-accept').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
}

test('the operation choice: enable a batch, then disable it with the Disable UM operation, and export what was done', async ({ page }) => {
  test.setTimeout(180_000);
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await goTo(page, 'enablement');
  await page
    .getByTestId('csv-file-input')
    .setInputFiles(
      file('lifecycle.csv', [
        ['Identity', 'UMMailboxPolicy', 'Extensions', 'SIPResourceIdentifier', 'Department'],
        ...ids.map((i) => [`${sam(i)}@contoso.test`, 'Redmond Default Policy', String(i).padStart(5, '0'), `${sam(i)}@contoso.test`, 'Ops']),
      ]),
    );
  // Enable is the first operation and the default.
  await expect(page.getByTestId('bulk-operation')).toContainText('Enable for UM');
  await page.getByTestId('validate').click();
  await expect(page.getByTestId('validation-summary')).toContainText('3 ready', { timeout: 60_000 });
  await runAndConfirm(page, 'Enable Unified Messaging for 3 mailboxes?', 'Enable 3 mailboxes');

  // The same users, disabled: a file of identities, the Disable UM operation.
  await page
    .getByTestId('csv-file-input')
    .setInputFiles(file('leavers.csv', [['Identity', 'Department'], ...ids.map((i) => [`${sam(i)}@contoso.test`, 'Ops']), ['nobody@contoso.test', 'Gone']]));
  await page.getByTestId('bulk-operation').click();
  await expect(page.getByTestId('bulk-operation-pin')).toHaveText('Reset PINs');
  await screenshot(page, 'bulk-operation-menu');
  await page.getByTestId('bulk-operation-disable').click();
  await expect(page.getByTestId('bulk-operation-help')).toContainText('Disable-UMMailbox for each row');
  // The mapping offers what Disable-UMMailbox reads: the identity only.
  await expect(page.getByTestId('map-Identity')).toBeVisible();
  await expect(page.getByTestId('map-UMMailboxPolicy')).toHaveCount(0);
  await expect(page.getByTestId('propose-extensions')).toHaveCount(0);
  await screenshot(page, 'bulk-operation-choice');
  await page.getByTestId('validate').click();
  await expect(page.getByTestId('validation-summary')).toContainText('3 ready', { timeout: 60_000 });
  const grid = page.getByTestId('rows-grid');
  await expect(grid.getByTestId('status-5')).toHaveText('Invalid');
  await expect(grid.locator('[data-field="UMMailboxPolicy"]')).toHaveCount(0);
  await expect(page.getByTestId('run-start')).toHaveText('Disable UM for the ready rows (3)');
  await runAndConfirm(page, 'Disable Unified Messaging for 3 mailboxes?', 'Disable 3 mailboxes', 'bulk-disable-confirm');
  await expect(page.getByTestId('run-stats')).toContainText('3 changed, 1 invalid, 0 remaining of 4');
  for (const line of [2, 3, 4]) await expect(grid.getByTestId(`outcome-${line}`)).toHaveText('Changed');
  await screenshot(page, 'bulk-disable-results');

  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const exported = await download;
  expect(exported.suggestedFilename()).toBe('leavers-disable-results.csv');
  const text = readFileSync(await exported.path(), 'utf8');
  expect(text).toContain(`${sam(352)}@contoso.test,Ops,"CN=${sam(352)},OU=Users,OU=Lab,DC=contoso,DC=test",2,changed,`);

  // Both languages.
  await setLanguage(page, 'zh-TW');
  await expect(page.getByTestId('run-stats')).toContainText('已變更 3，無效 1，剩餘 0，共 4');
  await screenshot(page, 'bulk-disable-results-zh-TW');
  await page.getByTestId('mapping-accordion').locator('.MuiAccordionSummary-root').click();
  await expect(page.getByTestId('bulk-operation')).toContainText('停用整合通訊');
  await screenshot(page, 'bulk-operation-choice-zh-TW');
  await setLanguage(page, 'en');
  // The web host keeps connections between tests: the next spec must not act as this account.
  await disconnectAll(page);
});
