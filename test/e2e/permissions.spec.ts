import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectProfile, disconnectAll, expandNode, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { labAddAce, labModify } from './support/lab-ldap';
import { expect, test } from './support/test';
import type { Page } from '@playwright/test';

const ou = 'OU=E2E Voice,OU=Lab,DC=contoso,DC=test';

test.beforeEach(() => {
  labModify(`dn: ${ou}\nchangetype: delete\n`, { ignoreMissing: true });
  labModify(`dn: ${ou}\nchangetype: add\nobjectClass: organizationalUnit\n`);
});
test.afterEach(() => labModify(`dn: ${ou}\nchangetype: delete\n`, { ignoreMissing: true }));

/** Connects the lab profile, opens OU permissions and selects an OU under OU=Lab; returns the OU's panel. */
async function openOu(page: Page, path: string) {
  await openConsole(page);
  await connectProfile(page, 'lab');
  await goTo(page, 'permissions');
  await page.getByTestId('ou-contoso.test/Lab').locator('.MuiTreeItem-content').first().waitFor();
  await page.getByTestId(`ou-contoso.test/Lab/${path}`).locator('.MuiTreeItem-content').first().click();
  const panel = page.getByTestId('ou-panel');
  await expect(panel.getByTestId('ou-panel-title')).toHaveText(`contoso.test/Lab/${path}`);
  // The types' state has arrived. Ticking before it is fine (a tick made then is kept: checked on
  // three runs), but its arrival adds notices above the boxes, and a click as they appear can miss.
  await expect(panel.getByTestId('status-Contact')).toBeVisible();
  return panel;
}

test('grant Contact on a new OU with the preview beside the DACL, then undo it from the history', async ({ page }) => {
  const panel = await openOu(page, 'E2E Voice');
  await expect(panel.getByTestId('status-Contact')).toHaveText('Not granted');

  await panel.getByTestId('type-Contact').click();
  await panel.getByTestId('preview-grant').click();
  const preview = panel.getByTestId('permissions-preview');
  await expect(preview.getByTestId('preview-changes').getByTestId('ace-row').first()).toBeVisible();
  await expect(preview.getByTestId('preview-changes')).toContainText('RTCUniversalUserAdmins');
  await expect(preview.getByTestId('preview-changes')).toContainText('Descendant contact objects');
  await expect(preview.getByTestId('preview-command')).toHaveText(`Grant-CsOUPermission -OU '${ou}' -ObjectType 'Contact'`);
  await preview.getByTestId('preview-changes').scrollIntoViewIfNeeded();
  await screenshot(page, 'permissions-preview');

  await preview.getByTestId('permissions-apply').click();
  await expect(panel.getByTestId('permissions-done')).toContainText('Added');
  await expect(panel.getByTestId('status-Contact')).toHaveText('Granted');
  await expect(panel.getByTestId('status-AppContact')).toHaveText('Granted');
  await expect(panel.getByTestId('history-row')).toHaveCount(1);
  await screenshot(page, 'permissions-granted');

  // Granting again shows there is nothing to add.
  await panel.getByTestId('preview-grant').click();
  await expect(panel.getByTestId('preview-nothing')).toBeVisible();

  // Undo from the history: the DACL from before the grant comes back.
  await panel.getByTestId('history-restore').first().click();
  await page.getByTestId('history-restore-confirm').click();
  await expect(panel.getByTestId('status-Contact')).toHaveText('Not granted');
  await expect(panel.getByTestId('history-row')).toHaveCount(2);

  // The scan marks granted OUs in the tree.
  await page.getByTestId('permissions-scan').click();
  await expect(page.getByTestId('scan-summary')).toBeVisible();
  await expect(page.getByTestId('permissions-scan')).toBeEnabled();
  await expect(page.getByTestId('ou-contoso.test/Lab/Delegated').getByTestId('ou-granted').first()).toContainText('Contact');
  await screenshot(page, 'permissions-scan');
  await disconnectAll(page);
});

test('a grant on an OU lists the child OU that blocks inheritance, with its own state, and grants it in the same step', async ({ page }) => {
  // Seeded (lab.md): OU=Delegated is granted User + Contact; OU=Sealed below it blocks inheritance.
  const panel = await openOu(page, 'Delegated');
  await expect(panel.getByTestId('status-Contact')).toHaveText('Granted');
  const notice = panel.getByTestId('blocked-children');
  await expect(notice).toContainText('contoso.test/Lab/Delegated/Sealed');
  await expect(notice.getByTestId('blocked-status-Contact')).toHaveText('Contact: Not granted');

  await panel.getByTestId('type-User').click();
  await panel.getByTestId('type-Contact').click();
  await panel.getByTestId('preview-grant').click();
  const preview = panel.getByTestId('permissions-preview');
  // Delegated itself needs nothing; only the child would change, and only once it is ticked.
  await expect(preview.getByTestId('preview-nothing')).toBeVisible();
  const choice = preview.getByTestId('blocked-children-choice');
  await expect(choice).toContainText('Also grant contoso.test/Lab/Delegated/Sealed');
  await expect(preview.getByTestId('permissions-apply')).toBeDisabled();
  await choice.getByTestId('include-child-Sealed').click();
  await expect(preview.getByTestId('permissions-apply')).toHaveText(/^Grant: add \d+ entries on 2 OUs$/);
  // The same step in the Lync shell: one command per OU, as the cmdlet grants one OU per call.
  await expect(preview.getByTestId('preview-command')).toContainText(
    "Grant-CsOUPermission -OU 'OU=Sealed,OU=Delegated,OU=Lab,DC=contoso,DC=test' -ObjectType 'User','Contact'",
  );
  await choice.scrollIntoViewIfNeeded();
  await screenshot(page, 'permissions-blocked-children');
  await setLanguage(page, 'zh-TW');
  await expect(choice).toContainText('同時授權 contoso.test/Lab/Delegated/Sealed');
  await screenshot(page, 'permissions-blocked-children-zh-TW');
  await setLanguage(page, 'en');

  await preview.getByTestId('permissions-apply').click();
  await expect(panel.getByTestId('permissions-done')).toContainText('Also granted the OUs below');
  await expect(notice.getByTestId('blocked-status-Contact')).toHaveText('Contact: Granted');
  await expect(notice.getByTestId('blocked-status-User')).toHaveText('User: Granted');

  // The child's grant is in its own history: undo it there.
  await expandNode(page.getByTestId('ou-contoso.test/Lab/Delegated'));
  await page.getByTestId('ou-contoso.test/Lab/Delegated/Sealed').locator('.MuiTreeItem-content').first().click();
  await expect(panel.getByTestId('ou-panel-title')).toHaveText('contoso.test/Lab/Delegated/Sealed');
  await expect(panel.getByTestId('status-Contact')).toHaveText('Granted');
  await expect(panel.getByTestId('history-row')).toHaveCount(1);
  await panel.getByTestId('history-restore').first().click();
  await page.getByTestId('history-restore-confirm').click();
  await expect(panel.getByTestId('status-Contact')).toHaveText('Not granted');
  await disconnectAll(page);
});

test('a revoke on the hand-delegated OU removes nothing and names the broader entries that still grant it', async ({ page }) => {
  const panel = await openOu(page, 'Hand Delegated');
  await expect(panel.getByTestId('status-Contact')).toHaveText('Granted');
  await expect(panel.getByTestId('status-Computer')).toHaveText('Partly granted');
  await panel.getByTestId('type-Contact').click();
  await panel.getByTestId('preview-revoke').click();
  const preview = panel.getByTestId('permissions-preview');
  await expect(preview.getByTestId('preview-nothing')).toBeVisible();
  await expect(preview.getByTestId('preview-broader')).toContainText('RTCUniversalUserAdmins');
  // The hand delegation is not "kept for other types": it is simply not the grant's.
  await expect(preview.getByTestId('preview-unchanged')).toHaveCount(0);
  await expect(preview.getByTestId('permissions-apply')).toBeDisabled();
  await preview.getByTestId('preview-broader').scrollIntoViewIfNeeded();
  await screenshot(page, 'permissions-revoke-broader');
  await setLanguage(page, 'zh-TW');
  await screenshot(page, 'permissions-revoke-broader-zh-TW');
  await setLanguage(page, 'en');
  await disconnectAll(page);
});

test('a grant previewed before another admin changed the OU is refused, and Preview again shows the DACL as it is now', async ({ page }) => {
  const panel = await openOu(page, 'E2E Voice');
  await panel.getByTestId('type-Contact').click();
  await panel.getByTestId('preview-grant').click();
  const preview = panel.getByTestId('permissions-preview');
  await expect(preview.getByTestId('preview-changes').getByTestId('ace-row').first()).toBeVisible();
  // Meanwhile another admin lets Account Operators read the OU's properties.
  labAddAce(ou, '(A;;RP;;;AO)');
  await preview.getByTestId('permissions-apply').click();
  const error = panel.getByTestId('error-alert');
  await expect(error).toHaveAttribute('data-error-code', 'CONFLICT');
  await expect(error).toContainText('changed since you previewed');
  await expect(panel.getByTestId('status-Contact')).toHaveText('Not granted');
  await error.scrollIntoViewIfNeeded();
  await screenshot(page, 'permissions-conflict');

  await error.getByTestId('preview-again').click();
  await expect(panel.getByTestId('error-alert')).toHaveCount(0);
  await expect(preview.getByTestId('preview-current')).toContainText('Account Operators');
  await preview.getByTestId('permissions-apply').click();
  await expect(panel.getByTestId('permissions-done')).toContainText('Added');
  await expect(panel.getByTestId('status-Contact')).toHaveText('Granted');
  await disconnectAll(page);
});

test('an audit log altered on disk is reported in the history, and nothing is restored from it', async ({ page, electronBinary }) => {
  test.skip(!!electronBinary, 'the desktop app keeps its audit log in its own data folder');
  const auditFile = join(process.env.UMC_E2E_DATA_DIR!, 'audit.jsonl');
  const panel = await openOu(page, 'E2E Voice');
  await panel.getByTestId('type-Contact').click();
  await panel.getByTestId('preview-grant').click();
  await panel.getByTestId('permissions-preview').getByTestId('permissions-apply').click();
  await expect(panel.getByTestId('permissions-done')).toContainText('Added');
  // The OU's history (earlier specs used the same OU name) is restorable while the log is intact.
  await expect(panel.getByTestId('history-restore').first()).toBeVisible();
  await expect(panel.getByTestId('audit-tampered')).toHaveCount(0);

  const intact = readFileSync(auditFile, 'utf8');
  try {
    // Someone rewrites who made the grant in the log on disk.
    const lines = intact.trimEnd().split('\n');
    lines[lines.length - 1] = lines.at(-1)!.replace('"identity":"Administrator@contoso.test"', '"identity":"someone-else@contoso.test"');
    writeFileSync(auditFile, `${lines.join('\n')}\n`);
    // Open the OU again: the history is read (and checked) afresh.
    await page.getByTestId('ou-contoso.test/Lab/Blocked').locator('.MuiTreeItem-content').first().click();
    await page.getByTestId('ou-contoso.test/Lab/E2E Voice').locator('.MuiTreeItem-content').first().click();
    await expect(panel.getByTestId('ou-panel-title')).toHaveText('contoso.test/Lab/E2E Voice');
    await expect(panel.getByTestId('audit-tampered')).toContainText('The audit log was altered');
    await expect(panel.getByTestId('audit-problem')).toHaveAttribute('data-problem', 'edited');
    await expect(panel.getByTestId('history-row').first()).toContainText('someone-else@contoso.test');
    await expect(panel.getByTestId('history-integrity')).toHaveText('Altered');
    await expect(panel.getByTestId('history-restore')).toHaveCount(0);
    await panel.getByTestId('audit-tampered').scrollIntoViewIfNeeded();
    await screenshot(page, 'permissions-audit-tampered');
    await setLanguage(page, 'zh-TW');
    await expect(panel.getByTestId('history-integrity')).toHaveText('已遭修改');
    await screenshot(page, 'permissions-audit-tampered-zh-TW');
    await setLanguage(page, 'en');
  } finally {
    writeFileSync(auditFile, intact);
  }
  await disconnectAll(page);
});
