import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download } from '@playwright/test';
import { connectProfile, disconnectAll, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { labModify } from './support/lab-ldap';
import { expect, test } from './support/test';

const umContacts = 'OU=UM Contacts,OU=Lab,DC=contoso,DC=test';
const name = 'it-plan-e2e Tokyo';
const sip = 'sip:it-plan-e2e@contoso.test';
const other = `CN=it-plan-e2e-other,${umContacts}`;

/** Leaves the lab as seeded: the plan's contact and the one "someone else" made. */
function cleanUp(): void {
  labModify(`dn: CN=${name},${umContacts}\nchangetype: delete\n\ndn: ${other}\nchangetype: delete\n`, { ignoreMissing: true });
}

test.beforeAll(cleanUp);
test.afterAll(cleanUp);

test('export a contact as a change plan, see it refused once the directory changed, then apply it unchanged', async ({ page }) => {
  test.setTimeout(180_000);
  await openConsole(page);
  await connectProfile(page, 'lab-umadmin');
  await goTo(page, 'contacts');
  await expect(page.getByTestId('contact-group-dp-Redmond')).toBeVisible({ timeout: 45_000 });

  // The create form, planned instead of applied: three files download, nothing is written.
  await page.getByTestId('contact-new').click();
  await page.getByTestId('contact-type-SA').click();
  await page.getByTestId('contact-target').locator('..').click();
  await page.getByTestId('contact-target-Tokyo').click();
  await page.getByTestId('contact-name').fill(name);
  await page.getByTestId('contact-sip').fill(sip);
  await page.getByTestId('contact-phone').fill('+81355559190');
  await expect(page.getByTestId('contact-submit')).toBeEnabled();
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await page.getByTestId('export-plan').click();
  await expect(page.getByTestId('plan-exported')).toBeVisible();
  await expect.poll(() => downloads.length).toBe(3);
  await screenshot(page, 'plans-export-contact');
  const dir = mkdtempSync(join(tmpdir(), 'umc-e2e-plan-'));
  const names = downloads.map((d) => d.suggestedFilename());
  expect(names).toEqual([expect.stringMatching(/^plan-[0-9a-f]{12}\.json$/), expect.stringMatching(/\.ps1$/), expect.stringMatching(/-summary\.html$/)]);
  const planFile = join(dir, names[0]!);
  await downloads[0]!.saveAs(planFile);
  await page.getByRole('button', { name: /Cancel/ }).click();
  await expect(page.getByTestId(`contact-row-${sip}`)).toHaveCount(0);

  // Opened on the Change plans screen: it matches the directory.
  await goTo(page, 'plans');
  await page.getByTestId('plan-file').setInputFiles(planFile);
  await expect(page.getByTestId('plan-matches')).toBeVisible();
  await expect(page.getByTestId('plan-headline')).toHaveText('Create 1 Subscriber Access or Auto Attendant contact.');
  await expect(page.getByTestId('plan-steps')).toContainText(`New-ADObject -Name '${name}' -Type 'contact'`);
  await screenshot(page, 'plans-matches');
  await setLanguage(page, 'zh-TW');
  await expect(page.getByTestId('plan-headline')).toHaveText('建立 1 個訂戶存取或自動語音應答連絡人。');
  await screenshot(page, 'plans-matches-zh-TW');
  await setLanguage(page, 'en');

  // Someone else takes its SIP address: the plan is refused, and the screen shows what differs.
  labModify(
    `dn: ${other}\nchangetype: add\nobjectClass: contact\ndisplayName: it-plan-e2e-other\nmsRTCSIP-PrimaryUserAddress: ${sip}\nproxyAddresses: ${sip}\n`,
  );
  await page.getByTestId('plan-recheck').click();
  const differences = page.getByTestId('plan-differences');
  await expect(page.getByTestId('plan-changed')).toBeVisible();
  await expect(differences).toContainText(name);
  await expect(differences).toContainText(`${sip} is already used by ${other}`);
  await expect(page.getByTestId('plan-apply')).toHaveCount(0);
  await screenshot(page, 'plans-changed');
  await setLanguage(page, 'zh-TW');
  await expect(page.getByTestId('plan-changed')).toContainText('此計畫匯出後，目錄已有變更');
  await expect(differences).toContainText('拒絕原因');
  await screenshot(page, 'plans-changed-zh-TW');
  await setLanguage(page, 'en');

  // Back as it was: the plan applies, exactly its one contact.
  labModify(`dn: ${other}\nchangetype: delete\n`);
  await page.getByTestId('plan-recheck').click();
  await page.getByTestId('plan-apply').click();
  await expect(page.getByTestId('plan-result-row')).toHaveCount(1);
  await expect(page.getByTestId('plan-result-row')).toContainText(`${name}Done`);
  await screenshot(page, 'plans-applied');
  await goTo(page, 'contacts');
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByTestId(`contact-row-${sip}`)).toBeVisible();
  await disconnectAll(page);
});

test('Export plan stands beside Grant, the gateway setup and the bulk Run, in both languages', async ({ page }) => {
  test.setTimeout(240_000);
  await openConsole(page);
  await connectProfile(page, 'lab');
  await connectProfile(page, 'lab-exchadmin');
  for (const language of ['en', 'zh-TW'] as const) {
    await setLanguage(page, language);
    await goTo(page, 'permissions');
    await page.getByTestId('ou-contoso.test/Lab').locator('.MuiTreeItem-content').first().waitFor();
    await page.getByTestId('ou-contoso.test/Lab/Blocked').locator('.MuiTreeItem-content').first().click();
    const panel = page.getByTestId('ou-panel');
    await expect(panel.getByTestId('status-Contact')).toBeVisible({ timeout: 30_000 });
    await panel.getByTestId('type-Contact').click();
    await panel.getByTestId('preview-grant').click();
    await expect(panel.getByTestId('export-plan')).toBeEnabled();
    await panel.getByTestId('export-plan').scrollIntoViewIfNeeded();
    await screenshot(page, `plans-export-permissions-${language}`);

    await goTo(page, 'checklist');
    await page.getByTestId('tab-gateways').click();
    await expect(page.getByTestId('gateways-counts')).toBeVisible({ timeout: 90_000 });
    await expect(page.getByTestId('export-plan')).toBeVisible();
    await screenshot(page, `plans-export-gateways-${language}`);

    await goTo(page, 'enablement');
    const csv = `Identity,UMMailboxPolicy\r\nu00447@contoso.test,Redmond Default Policy\r\n`;
    await page.getByTestId('csv-file-input').setInputFiles({ name: 'plan-batch.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('validate').click();
    await expect(page.getByTestId('validation-summary')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('export-plan')).toBeEnabled({ timeout: 60_000 });
    await page.getByTestId('export-plan').click();
    await expect(page.getByTestId('plan-exported')).toBeVisible();
    await screenshot(page, `plans-export-enablement-${language}`);
  }
  await setLanguage(page, 'en');
  await disconnectAll(page);
});

test('a change plan on the Change plans screen and the summary of a move plan say the operation in plain words, in both languages', async ({ page }) => {
  test.setTimeout(240_000);
  await openConsole(page);
  await connectProfile(page, 'lab-exchadmin');
  const dir = mkdtempSync(join(tmpdir(), 'umc-e2e-plan-'));
  /** Validates a file for the operation on the bulk screen and exports its plan: the downloaded files, saved. Nothing is written. */
  const exportBulk = async (operation: string, csv: string): Promise<string[]> => {
    await goTo(page, 'enablement');
    await page.getByTestId('csv-file-input').setInputFiles({ name: `plan-${operation}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('bulk-operation').click();
    await page.getByTestId(`bulk-operation-${operation}`).click();
    await page.getByTestId('validate').click();
    await expect(page.getByTestId('export-plan')).toBeEnabled({ timeout: 60_000 });
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.getByTestId('export-plan').click();
    await expect.poll(() => downloads.length).toBe(3);
    return Promise.all(
      downloads.map(async (d) => {
        const path = join(dir, `${operation}-${Date.now()}-${d.suggestedFilename()}`);
        await d.saveAs(path);
        return path;
      }),
    );
  };

  // Seeded UM-enabled users, planned only: a new extension on their own dial plan, and a move to Hsinchu.
  const [changePlan] = await exportBulk('change', 'Identity,Extensions\r\nu00400@contoso.test,70400\r\nu00402@contoso.test,70402\r\n');
  await goTo(page, 'plans');
  await page.getByTestId('plan-file').setInputFiles(changePlan!);
  await expect(page.getByTestId('plan-matches')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('plan-headline')).toHaveText(
    'Change the UM mailbox policy or the extensions of 2 users, within their UM dial plan (Set-UMMailbox, Set-Mailbox).',
  );
  await expect(page.getByTestId('plan-steps')).toContainText("Set-Mailbox -Identity 'CN=u00400,");
  await screenshot(page, 'plans-change-plan');
  await setLanguage(page, 'zh-TW');
  await expect(page.getByTestId('plan-headline')).toHaveText('在同一 UM 撥號對應表內變更 2 位使用者的 UM 信箱原則或分機號碼 (Set-UMMailbox, Set-Mailbox)。');
  await screenshot(page, 'plans-change-plan-zh-TW');

  for (const language of ['zh-TW', 'en'] as const) {
    await setLanguage(page, language);
    const [, , summary] = await exportBulk('move', 'Identity,UMMailboxPolicy\r\nu00401@contoso.test,Hsinchu Default Policy\r\n');
    await page.goto(`file://${summary}`);
    await expect(page.locator('.headline')).toContainText(
      language === 'en' ? 'Move 1 user to a UM mailbox policy of another UM dial plan' : '移至其他 UM 撥號對應表',
    );
    await expect(page.locator('body')).toContainText('Disable-UMMailbox');
    await screenshot(page, `plans-move-summary${language === 'en' ? '' : '-zh-TW'}`);
    await openConsole(page);
  }
  await disconnectAll(page);
});
