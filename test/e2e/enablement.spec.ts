import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectProfile, disconnectAll, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { disableUmUsers } from './support/lab-ldap';
import type { Page } from '@playwright/test';
import { expect, test } from './support/test';

const fixture = join(import.meta.dirname, '../fixtures/enablement/redmond-batch.csv');
const users = [150, 151, 152, 153].map((i) => `u00${i}`);
/** Lync users the seed left without a sip: proxy address (i % 50 == 27): the Lync SIP address check applies to them. */
const noProxyUsers = ['u00177', 'u00227'];
/** A longer batch for the paused job: Lync users with a sip: proxy that no other spec or test enables (450–499). */
const longBatch = Array.from({ length: 50 }, (_, k) => 450 + k).filter((i) => i % 10 < 8 && i % 50 !== 27);
const sam = (i: number) => `u${String(i).padStart(5, '0')}`;

/** Puts the spec's users back to their seeded, not-UM-enabled state. */
function disableFixtureUsers(): void {
  disableUmUsers([...users, ...noProxyUsers, ...longBatch.map(sam)], noProxyUsers);
}
test.beforeEach(disableFixtureUsers);
test.afterEach(async ({ page }, testInfo) => {
  // A test that failed half-way leaves its profiles connected; the next test must not act as them.
  if (testInfo.status !== testInfo.expectedStatus) await disconnectAll(page).catch(() => undefined);
  disableFixtureUsers();
});

/** Accepts the confirmation a real run asks for, after checking it names the account and the row count. */
async function confirmRun(page: Page, expected: { profile: string; identity: string; forest: string; rows: number }, shot?: string): Promise<void> {
  const dialog = page.getByTestId('confirm-run');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('confirm-run-profile')).toHaveText(expected.profile);
  await expect(dialog.getByTestId('confirm-run-identity')).toHaveText(expected.identity);
  await expect(dialog.getByTestId('confirm-run-forest')).toHaveText(expected.forest);
  await expect(dialog.getByTestId('confirm-run-rows')).toHaveText(String(expected.rows));
  if (shot) await screenshot(page, shot);
  await dialog.getByTestId('confirm-run-accept').click();
  await expect(dialog).toHaveCount(0);
}
const exchadmin = { profile: 'lab-exchadmin', identity: 'lab-exchadmin@contoso.test', forest: 'contoso.test' };

test('import a CSV, fix a row in the grid, run it and export the results', async ({ page }) => {
  test.setTimeout(120_000);
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await goTo(page, 'enablement');
  await page.getByTestId('csv-file-input').setInputFiles(fixture);
  await expect(page.getByTestId('import-summary')).toContainText('redmond-batch.csv: 5 rows, UTF-8 (byte-order mark), semicolon-separated.');
  await expect(page.getByTestId('map-Identity')).toContainText('UserPrincipalName');
  await screenshot(page, 'enablement-mapping');

  await page.getByTestId('validate').click();
  // The first validation with a profile also opens its Exchange session (to ask what the account may run).
  await expect(page.getByTestId('validation-summary')).toContainText('Rows: 5. 3 ready, 0 already done, 2 invalid', { timeout: 60_000 });
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

  // The screen keeps the last job's choice of dry run: this is a real run.
  await page.getByTestId('dry-run').uncheck();
  await page.getByTestId('run-start').click();
  await confirmRun(page, { ...exchadmin, rows: 4 }, 'enablement-confirm');
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  // The invalid row was never sent: counted as invalid, not failed.
  await expect(page.getByTestId('run-stats')).toContainText('4 enabled, 1 invalid, 0 remaining of 5');
  for (const line of [2, 3, 4, 5]) await expect(grid.getByTestId(`outcome-${line}`)).toHaveText('Enabled');
  await expect(grid.getByTestId('outcome-6')).toHaveText('Invalid');
  await screenshot(page, 'enablement-results');

  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const exported = readFileSync(await (await download).path(), 'utf8');
  // The edited row as it was sent, the file's value beside it; sip: stripped as sent.
  const [head, ...rows] = exported.replace(/^\uFEFF/, '').split('\r\n');
  expect(head).toBe('UserPrincipalName,UMMailboxPolicy,Extension,SipAddress,SipAddress (in file),PIN,Department,User,Line,Outcome,Message');
  expect(rows).toContain(
    'u00150@contoso.test,Redmond Default Policy,00150,u00150@contoso.test,sip:u00150@contoso.test,(not exported),Sales,"CN=u00150,OU=Users,OU=Lab,DC=contoso,DC=test",2,enabled,',
  );
  expect(rows).toContain(
    'u00152@contoso.test,Redmond Default Policy,00152,u00152@contoso.test,sip:wrong@contoso.test,,Support,"CN=u00152,OU=Users,OU=Lab,DC=contoso,DC=test",4,enabled,',
  );
  expect(exported).toContain(`'=HYPERLINK(""http://x"")`);
  expect(exported).not.toContain('246810');
  const json = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const results = JSON.parse(readFileSync(await (await json).path(), 'utf8')) as Array<{
    line: number;
    values: Record<string, string>;
    inFile?: Record<string, string>;
  }>;
  expect(results.find((r) => r.line === 4)).toMatchObject({
    values: { Identity: 'u00152@contoso.test', SIPResourceIdentifier: 'u00152@contoso.test' },
    inFile: { SIPResourceIdentifier: 'sip:wrong@contoso.test' },
  });

  // The same screen in Traditional Chinese.
  await setLanguage(page, 'zh-TW');
  await expect(page.getByTestId('run-stats')).toContainText('已啟用 4，無效 1，剩餘 0，共 5');
  await screenshot(page, 'enablement-results-zh-TW');
  await setLanguage(page, 'en');
  await disconnectAll(page);
});

test('allow an identifier that is not the Lync SIP address, for one row or for the job', async ({ page }) => {
  test.setTimeout(120_000);
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await goTo(page, 'enablement');
  const csv = [
    'Identity,UMMailboxPolicy,Extensions,SIPResourceIdentifier',
    'user00177,Redmond Default Policy,00177,sip:voicemail.u00177@contoso.test',
    'user00227,Redmond Default Policy,00227,voicemail.u00227@contoso.test',
    '',
  ].join('\r\n');
  await page.getByTestId('csv-file-input').setInputFiles({ name: 'lync-mismatch.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByTestId('validate').click();
  await expect(page.getByTestId('validation-summary')).toContainText('Rows: 2. 0 ready, 0 already done, 2 invalid', { timeout: 60_000 });
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
  // The switch's explanation, shown while the pointer is on it, leaves the Start button free (it
  // once covered it, and then stayed over the confirmation).
  await page.getByTestId('allow-sip-mismatch').hover();
  await expect(page.getByRole('tooltip', { name: /^For every row of this job/ })).toBeVisible();
  await page.getByTestId('run-start').click({ trial: true });

  await page.getByTestId('dry-run').uncheck();
  await page.getByTestId('run-start').click();
  await confirmRun(page, { ...exchadmin, rows: 1 });
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
  await page
    .getByTestId('csv-file-input')
    .setInputFiles({ name: 'too-wide.csv', mimeType: 'text/csv', buffer: Buffer.from(`${header}\r\nalice@contoso.test\r\n`) });
  await expect(page.getByTestId('import-error')).toContainText('too-wide.csv: Line 1: the row has more than 1,000 columns, the most a file may have.');
  // Nothing of it was read: whatever file the screen held before stays as it was.
  await expect(page.getByTestId('import-summary')).not.toContainText('too-wide.csv');
  await disconnectAll(page);
});

test('downloads a CSV template the importer reads: its columns, an example row, UTF-8 with BOM', async ({ page }) => {
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await goTo(page, 'enablement');
  const download = page.waitForEvent('download');
  await page.getByTestId('csv-template').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('um-enablement-template.csv');
  const bytes = readFileSync(await file.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(bytes.toString('utf8').slice(1).split('\r\n')[0]).toBe('Identity,Extensions,SIPResourceIdentifier,UMMailboxPolicy,PIN,PINExpired,NotifyEmail');
  // Importing it back maps every column.
  await page.getByTestId('csv-file-input').setInputFiles({ name: 'um-enablement-template.csv', mimeType: 'text/csv', buffer: bytes });
  await expect(page.getByTestId('import-summary')).toContainText('um-enablement-template.csv: 1 row, UTF-8 (byte-order mark), comma-separated.');
  for (const field of ['Identity', 'Extensions', 'SIPResourceIdentifier', 'UMMailboxPolicy', 'PIN', 'PINExpired', 'NotifyEmail'])
    await expect(page.getByTestId(`map-${field}`)).toContainText(field);
  await screenshot(page, 'enablement-import');
  await setLanguage(page, 'zh-TW');
  await expect(page.getByTestId('csv-template')).toHaveText('下載 CSV 範本');
  await screenshot(page, 'enablement-import-zh-TW');
  await setLanguage(page, 'en');
  await disconnectAll(page);
});

test('a dry run by an account without the rights reports it on every row', async ({ page }) => {
  test.setTimeout(120_000);
  await openConsole(page);
  await connectProfile(page, 'lab-readonly');
  await goTo(page, 'enablement');
  await page.getByTestId('csv-file-input').setInputFiles(fixture);
  // The screen may still show the file an earlier test left: validate once this one is read.
  await expect(page.getByTestId('import-summary')).toContainText('redmond-batch.csv: 5 rows');
  await expect(page.getByTestId('enable-profile')).toContainText('lab-readonly');
  await page.getByTestId('validate').click();
  await expect(page.getByTestId('validation-summary')).toContainText('Rows: 5. 0 ready, 3 not permitted, 0 already done, 2 invalid', { timeout: 60_000 });
  // No row is ready, so no notice about ready rows.
  await expect(page.getByTestId('notice-sip-uri-no-fax')).toHaveCount(0);
  await expect(page.getByTestId('not-permitted-summary')).toContainText('lab-readonly may not enable UM for 3 rows of this file');
  const grid = page.getByTestId('rows-grid');
  await expect(grid.getByTestId('status-2')).toHaveText('Not permitted');
  await expect(grid.getByTestId('messages-2')).toContainText('lab-readonly may not enable UM for this user: its Exchange session has no Enable-UMMailbox.');
  await expect(grid.getByTestId('messages-2')).toContainText('lab-readonly may not enable UM for this user: it may not write proxyAddresses');
  await expect(grid.getByTestId('message-count-2')).toHaveText('2');
  // A row that is also wrong stays invalid, with every error listed.
  await expect(grid.getByTestId('status-4')).toHaveText('Invalid');
  await expect(grid.getByTestId('messages-4')).toContainText("doesn't match the mailbox's existing SIP proxy address");
  await expect(grid.getByTestId('messages-4')).toContainText('lab-readonly may not enable UM for this user');
  await screenshot(page, 'enablement-not-permitted');

  await page.getByTestId('dry-run').check();
  await expect(page.getByTestId('run-start')).toHaveText('Dry-run 3 rows');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('confirm-run')).toHaveCount(0);
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  // Never "would succeed": each row says the account may not do it.
  for (const line of [2, 3, 5]) await expect(grid.getByTestId(`outcome-${line}`)).toHaveText('Not permitted');
  await expect(grid.getByTestId('outcome-6')).toHaveText('Invalid');
  await expect(page.getByTestId('run-stats')).toContainText('Dry run · Finished · 2 invalid, 3 not permitted, 0 remaining of 5');
  await expect(page.getByTestId('run-after-dry-run')).toHaveCount(0);
  await screenshot(page, 'enablement-dry-run-not-permitted');
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const exported = readFileSync(await (await download).path(), 'utf8');
  expect(exported).toMatch(
    /,2,not-permitted,"lab-readonly may not enable UM for this user: its Exchange session has no Enable-UMMailbox\..* lab-readonly may not enable UM for this user: it may not write /,
  );

  await setLanguage(page, 'zh-TW');
  await expect(grid.getByTestId('outcome-2')).toHaveText('無權限');
  await screenshot(page, 'enablement-dry-run-not-permitted-zh-TW');
  await setLanguage(page, 'en');
  await disconnectAll(page);
});

test('a paused job survives leaving the screen, and resumes', async ({ page }) => {
  test.setTimeout(180_000);
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await goTo(page, 'enablement');
  const csv = [
    'Identity,UMMailboxPolicy,Extensions',
    ...longBatch.map((i) => `${sam(i)}@contoso.test,Redmond Default Policy,${String(i).padStart(5, '0')}`),
    '',
  ].join('\r\n');
  await page.getByTestId('csv-file-input').setInputFiles({ name: 'long-batch.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByTestId('validate').click();
  await expect(page.getByTestId('validation-summary')).toContainText(`Rows: ${longBatch.length}. ${longBatch.length} ready`, { timeout: 60_000 });
  // One row at a time, so the job is still running when it is paused.
  await page.getByLabel('At once').click();
  await page.getByRole('option', { name: '1', exact: true }).click();
  // An edit in the grid, which must still be there after leaving the screen.
  const grid = page.getByTestId('rows-grid');
  await grid.locator('[data-id="2"] [data-field="Extensions"]').dblclick();
  const editor = grid.locator('[data-id="2"] [data-field="Extensions"] input');
  await editor.fill('00499');
  await editor.press('Enter');
  await expect(grid.locator('[data-id="2"] [data-field="Extensions"]')).toHaveText('00499');

  // A dry run first; the real run then takes the rows it passed, without validating them again.
  await page.getByTestId('dry-run').check();
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('confirm-run')).toHaveCount(0);
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  await expect(page.getByTestId('run-stats')).toContainText(`Dry run · Finished · ${longBatch.length} would succeed, 0 remaining of ${longBatch.length}`);
  await page.getByTestId('run-after-dry-run').click();
  await confirmRun(page, { ...exchadmin, rows: longBatch.length });
  await page.getByTestId('run-pause').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'paused');
  await expect(page.getByTestId('csv-choose')).toBeDisabled();

  await goTo(page, 'topology');
  await goTo(page, 'enablement');
  // Back as it was left: the file, the grid with its edit, the paused job.
  await expect(page.getByTestId('import-summary')).toContainText(`long-batch.csv: ${longBatch.length} rows`);
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'paused');
  await expect(page.getByTestId('run-stats')).toContainText(`Real run · Paused · `);
  await expect(page.getByTestId('run-stats')).toContainText(`remaining of ${longBatch.length}`);
  // Nothing runs down while paused: no time left is given.
  await expect(page.getByTestId('run-stats')).not.toContainText('left');
  await expect(grid.locator('[data-id="2"] [data-field="Extensions"]')).toHaveText('00499');
  await expect(page.getByTestId('run-resume')).toBeVisible();
  await screenshot(page, 'enablement-paused-restored');
  await setLanguage(page, 'zh-TW');
  await expect(page.getByTestId('run-progress')).toContainText('已暫停');
  await screenshot(page, 'enablement-paused-restored-zh-TW');
  await setLanguage(page, 'en');

  await page.getByTestId('run-resume').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'completed', { timeout: 120_000 });
  await expect(page.getByTestId('run-stats')).toContainText(`${longBatch.length} enabled, 0 remaining of ${longBatch.length}`);
  await expect(grid.getByTestId('outcome-2')).toHaveText('Enabled');
  await disconnectAll(page);
});

test('an unfinished job is listed after a cancel, and Resume finishes it', async ({ page }) => {
  test.setTimeout(180_000);
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await goTo(page, 'enablement');
  const csv = [
    'Identity,UMMailboxPolicy,Extensions',
    ...longBatch.map((i) => `${sam(i)}@contoso.test,Redmond Default Policy,${String(i).padStart(5, '0')}`),
    '',
  ].join('\r\n');
  await page.getByTestId('csv-file-input').setInputFiles({ name: 'cancelled-batch.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByTestId('validate').click();
  await expect(page.getByTestId('validation-summary')).toContainText(`Rows: ${longBatch.length}. ${longBatch.length} ready`, { timeout: 60_000 });
  await page.getByLabel('At once').click();
  await page.getByRole('option', { name: '1', exact: true }).click();
  await setLanguage(page, 'zh-TW');
  await page.getByTestId('dry-run').uncheck();
  await page.getByTestId('run-start').click();
  await confirmRun(page, { ...exchadmin, rows: longBatch.length }, 'enablement-confirm-zh-TW');
  await page.getByTestId('run-cancel').click();
  await setLanguage(page, 'en');
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'cancelled', { timeout: 60_000 });

  // The run panel points at Resume, not at validating again.
  await expect(page.getByTestId('run-progress')).toContainText('were not run. Resume the job under Unfinished jobs above');
  const listed = page.getByTestId('unfinished-jobs');
  await expect(listed).toContainText('cancelled-batch.csv');
  await expect(listed).toContainText(`rows finished`);
  await screenshot(page, 'enablement-unfinished');
  await setLanguage(page, 'zh-TW');
  await expect(listed).toContainText('未完成的工作');
  await screenshot(page, 'enablement-unfinished-zh-TW');
  await setLanguage(page, 'en');

  await listed.getByTestId('resume-job').click();
  await expect(page.getByTestId('confirm-run-rows')).not.toHaveText('0');
  await page.getByTestId('confirm-run-accept').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'completed', { timeout: 120_000 });
  await expect(page.getByTestId('run-stats')).toContainText(`${longBatch.length} enabled, 0 remaining of ${longBatch.length}`);
  await expect(page.getByTestId('unfinished-jobs')).toHaveCount(0);
  await disconnectAll(page);
});

test('a large file: the grid shows the first validated rows at once and fills in, a page at a time, in both languages', async ({ page }) => {
  test.setTimeout(300_000);
  // Lab users from u00100 on, on Hsinchu (no SIP resource identifier needed); beyond the lab's users the rows name users it does not have (invalid).
  const rows = Array.from({ length: 5_000 }, (_, n) => `${sam(100 + n)}@contoso.test,Hsinchu Default Policy,${String(100 + n).padStart(5, '0')}`);
  const content = `Identity,UMMailboxPolicy,Extensions\r\n${rows.join('\r\n')}\r\n`;
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await goTo(page, 'enablement');
  await page.getByTestId('csv-file-input').setInputFiles({ name: 'large.csv', mimeType: 'text/csv', buffer: Buffer.from(content) });
  await expect(page.getByTestId('import-summary')).toContainText(/large\.csv: 5,?000 rows/);
  // How fast 5,000 rows validate depends on the machine, so the screen's states are recorded as they
  // render rather than looked for afterwards: the first page of rows while the progress still shows,
  // and never a way to start a job before every row is validated.
  await page.evaluate(() => {
    const seen = { midValidation: false, jobOfferedEarly: false, midText: '', rightsPendingText: '' };
    (window as unknown as { validationSeen: typeof seen }).validationSeen = seen;
    new MutationObserver(() => {
      const progress = document.querySelector('[data-testid="validation-progress-text"]');
      if (!progress) return;
      if (document.querySelector('[data-testid="rows-grid"] [data-testid="status-2"]') && !seen.midValidation) {
        seen.midValidation = true;
        seen.midText = progress.textContent ?? '';
      }
      if (document.querySelector('[data-testid="run-start"]')) seen.jobOfferedEarly = true;
      // Whether the first rows came before the account's rights were known depends on the machine: when they did, the progress says so.
      seen.rightsPendingText ||= document.querySelector('[data-testid="validation-rights-pending"]')?.textContent ?? '';
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await page.getByTestId('validate').click();
  const progress = page.getByTestId('validation-progress-text');
  const grid = page.getByTestId('rows-grid');
  // Screenshots mid-validation when this machine is slow enough to show it (the states are checked below either way).
  if (await progress.isVisible()) {
    await screenshot(page, 'enablement-validating');
    await setLanguage(page, 'zh-TW');
    if (await progress.isVisible()) await screenshot(page, 'enablement-validating-zh-TW');
    await setLanguage(page, 'en');
  }

  await expect(page.getByTestId('validation-summary')).toContainText('Rows: 5,000.', { timeout: 240_000 });
  const seen = await page.evaluate(
    () =>
      (window as unknown as { validationSeen: { midValidation: boolean; jobOfferedEarly: boolean; midText: string; rightsPendingText: string } })
        .validationSeen,
  );
  if (seen.rightsPendingText) expect(seen.rightsPendingText).toContain('judged again');
  expect(seen.midValidation).toBe(true);
  expect(seen.midText).toMatch(/(of|\/) 5,000/);
  expect(seen.jobOfferedEarly).toBe(false);
  // The screen stays usable: filter by status.
  await page.getByTestId('filter-ready').click();
  await expect(grid.locator('[data-field="status"] [data-testid^="status-"]').first()).toHaveText('Ready');
  await page.getByTestId('filter-all').click();
  await expect(page.getByTestId('validation-progress')).toHaveCount(0);
  await expect(page.getByTestId('run-start')).toBeVisible();
  // The last page: rows the lab has no user for, read from main a page at a time.
  await expect(page.getByTestId('filter-all')).toContainText('(5000)');
  await page.getByTestId('filter-invalid').click();
  await expect(grid.locator('[data-field="status"] [data-testid^="status-"]').first()).toHaveText('Invalid');
  await disconnectAll(page);
});
