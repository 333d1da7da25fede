import { connectProfile, disconnectAll, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { disableUmUsers, labRealistic } from './support/lab-ldap';
import { freshUsers } from '../lab/seed-accounts';
import { expect, test } from './support/test';

/**
 * Seeded users without UM and with a sip: proxy that no other spec enables (enablement.spec's
 * batches are 150–153 and 450–499; integration tests may use these too, but run in another phase).
 */
const batch = freshUsers(200, 12);
const sam = (i: number) => `u${String(i).padStart(5, '0')}`;

test.afterEach(async ({ page }, testInfo) => {
  labRealistic('off');
  if (testInfo.status !== testInfo.expectedStatus) await disconnectAll(page).catch(() => undefined);
  disableUmUsers(batch.map(sam));
});

test('the run options name the Exchange servers and their sessions; the progress says when Exchange throttles the job', async ({ page }) => {
  test.setTimeout(180_000);
  disableUmUsers(batch.map(sam));
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  await goTo(page, 'enablement');
  const csv = ['Identity,UMMailboxPolicy,Extensions', ...batch.map((i) => `${sam(i)}@contoso.test,Redmond Default Policy,${String(i).padStart(5, '0')}`), ''];
  await page.getByTestId('csv-file-input').setInputFiles({ name: 'throttled.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.join('\r\n')) });
  await page.getByTestId('validate').click();
  await expect(page.getByTestId('validation-summary')).toContainText(`Rows: ${batch.length}. ${batch.length} ready`, { timeout: 60_000 });
  await expect(page.getByTestId('run-endpoints')).toHaveText('1 Exchange server (18 on ex15.contoso.test): up to 18 sessions at once');

  // Exchange allows this user 2 cmdlets every 6 seconds on the server: the job must wait.
  labRealistic('--latency', 'Enable-UMMailbox=300', '--cmdlets', '2/6');
  await page.getByTestId('run-start').click();
  await page.getByTestId('confirm-run-accept').click();
  const state = page.getByTestId('run-endpoint-state');
  await expect(state).toHaveAttribute('data-state', 'throttled', { timeout: 60_000 });
  await expect(state).toContainText(/ex15\.contoso\.test: 2 sessions of 18, waiting on Exchange throttling, next try in \d+ s/);
  await screenshot(page, 'enablement-throttled');
  await setLanguage(page, 'zh-TW');
  await expect(state).toContainText('正在等候 Exchange 節流');
  await screenshot(page, 'enablement-throttled-zh-TW');
  await setLanguage(page, 'en');

  labRealistic('off');
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'completed', { timeout: 120_000 });
  await expect(page.getByTestId('run-stats')).toContainText(`${batch.length} enabled, 0 remaining of ${batch.length}`);
  await disconnectAll(page);
});
