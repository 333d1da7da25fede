import { connectProfile, disconnectAll, goTo, openConsole, screenshot } from './support/console-page';
import { labModify } from './support/lab-ldap';
import { expect, test } from './support/test';

const ou = 'OU=E2E Voice,OU=Lab,DC=contoso,DC=test';

test.beforeEach(() => {
  labModify(`dn: ${ou}\nchangetype: delete\n`, { ignoreMissing: true });
  labModify(`dn: ${ou}\nchangetype: add\nobjectClass: organizationalUnit\n`);
});
test.afterEach(() => labModify(`dn: ${ou}\nchangetype: delete\n`, { ignoreMissing: true }));

test('grant Contact on a new OU with the preview beside the DACL, then undo it from the history', async ({ page }) => {
  await openConsole(page);
  await connectProfile(page, 'lab');
  await goTo(page, 'permissions');
  await page.getByTestId('ou-contoso.test/Lab').locator('.MuiTreeItem-content').first().waitFor();
  await page.getByTestId('ou-contoso.test/Lab/E2E Voice').locator('.MuiTreeItem-content').first().click();
  const panel = page.getByTestId('ou-panel');
  await expect(panel.getByTestId('ou-panel-title')).toHaveText('contoso.test/Lab/E2E Voice');
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
