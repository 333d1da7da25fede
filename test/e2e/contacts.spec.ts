import { connectProfile, disconnectAll, expandNode, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { expect, test } from './support/test';

test("create an SA contact from Redmond's access number and an AA contact for RedmondAA, then see them in the topology", async ({ page }) => {
  // The first topology read starts the lab's PowerShell sessions, slow on a busy machine.
  test.setTimeout(120_000);
  await openConsole(page);
  await connectProfile(page, 'lab-umadmin');
  await goTo(page, 'contacts');
  await expect(page.getByTestId('contact-group-dp-Redmond')).toBeVisible({ timeout: 45_000 });

  // RedmondAA already has an AA contact for its only pilot number: remove it first (the delete flow).
  await page.getByTestId('delete-sip:RedmondAA@contoso.test').click();
  await page.getByTestId('delete-submit').click();
  await expect(page.getByTestId('contact-row-sip:RedmondAA@contoso.test')).toHaveCount(0);

  // SA contact: Redmond, with Exchange UM's second access number.
  await page.getByTestId('contact-new').click();
  await page.getByTestId('contact-type-SA').click();
  await page.getByTestId('contact-target').locator('..').click();
  await page.getByTestId('contact-target-Redmond').click();
  await expect(page.getByTestId('contact-sip')).toHaveValue('sip:RedmondSA2@contoso.test');
  await page.getByTestId('contact-pilot').locator('..').click();
  await page.getByTestId('contact-pilot-+14255550101').click();
  await expect(page.getByTestId('contact-phone')).toHaveValue('+14255550101');
  await page.getByTestId('contact-name').fill('Redmond OVA (second number)');
  // Redmond has its SA contact already: warned, and fine for its second access number.
  await expect(page.getByTestId('contact-warning-dial-plan-has-sa-contact')).toContainText('Redmond Subscriber Access (+14255550100)');
  await expect(page.getByTestId('contact-warning-number-not-access-number')).toHaveCount(0);
  await screenshot(page, 'contacts-create-sa');
  await page.getByTestId('contact-submit').click();
  await expect(page.getByTestId('contact-result')).toContainText('Created through LDAP');
  await expect(page.getByTestId('contact-row-sip:RedmondSA2@contoso.test')).toBeVisible();

  // AA contact: RedmondAA with its pilot number.
  await page.getByTestId('contact-new').click();
  await page.getByTestId('contact-type-AA').click();
  await page.getByTestId('contact-target').locator('..').click();
  await page.getByTestId('contact-target-RedmondAA').click();
  await expect(page.getByTestId('contact-phone')).toHaveValue('+14255550123');
  await expect(page.getByTestId('contact-name')).toHaveValue('RedmondAA Auto Attendant');
  await page.getByTestId('contact-submit').click();
  await expect(page.getByTestId('contact-row-sip:RedmondAA@contoso.test')).toBeVisible();
  await expect(page.getByTestId('contact-group-aa-RedmondAA')).toBeVisible();
  await screenshot(page, 'contacts-list');

  // Both appear in the topology tree under Redmond.
  await goTo(page, 'topology');
  await page.getByTestId('topology-refresh').click();
  const tree = page.getByTestId('topology-tree');
  await tree.getByTestId('node-dialPlan-Redmond').locator('.MuiTreeItem-content').first().click();
  await expect(page.getByTestId('topology-properties')).toContainText('Redmond OVA (second number)');
  const redmond = tree.getByTestId('node-dialPlan-Redmond');
  await expandNode(redmond);
  await expandNode(redmond.getByTestId('node-contacts-SA/AA contacts'));
  await expect(redmond.getByTestId('node-contact-Redmond OVA (second number)')).toBeVisible();
  await expect(redmond.getByTestId('node-contact-RedmondAA Auto Attendant')).toBeVisible();
  await screenshot(page, 'contacts-in-topology');

  // "Create like this one": Tokyo's SA contact modelled on the Kaohsiung one (another tool's shape).
  await goTo(page, 'settings');
  await connectProfile(page, 'lab-fabrikam');
  await goTo(page, 'contacts');
  await page.getByTestId('contact-new').click();
  await page.getByTestId('contact-type-SA').click();
  await page.getByTestId('contact-target').locator('..').click();
  await page.getByTestId('contact-target-Tokyo').click();
  await page.getByTestId('contact-like').locator('..').click();
  await page.getByTestId('contact-like-sip:KaohsiungSA@contoso.test').click();
  await expect(page.getByTestId('contact-shape')).toBeVisible();
  await expect(page.getByTestId('contact-shape-description')).toContainText('Exchange UM Subscriber Access (Tokyo)');
  await expect(page.getByTestId('contact-shape-msRTCSIP-OptionFlags')).toContainText('385');
  await page.getByTestId('contact-shape').scrollIntoViewIfNeeded();
  await screenshot(page, 'contacts-like-this-one');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await setLanguage(page, 'zh-TW');
  await page.getByTestId('contact-new').click();
  await page.getByTestId('contact-type-SA').click();
  await page.getByTestId('contact-target').locator('..').click();
  await page.getByTestId('contact-target-Tokyo').click();
  await page.getByTestId('contact-like').locator('..').click();
  await page.getByTestId('contact-like-sip:KaohsiungSA@contoso.test').click();
  await expect(page.getByTestId('contact-shape')).toContainText('比照');
  await page.getByTestId('contact-shape').scrollIntoViewIfNeeded();
  await screenshot(page, 'contacts-like-this-one-zh-TW');
  await page.getByTestId('contact-submit').click();
  await expect(page.getByTestId('contact-row-sip:TokyoSA@contoso.test')).toBeVisible();
  await page.getByTestId('delete-sip:TokyoSA@contoso.test').click();
  await page.getByTestId('delete-submit').click();
  await expect(page.getByTestId('contact-row-sip:TokyoSA@contoso.test')).toHaveCount(0);
  await setLanguage(page, 'en');

  // Leave the lab as found: the second SA contact goes again; RedmondAA keeps an AA contact.
  await goTo(page, 'contacts');
  await page.getByTestId('delete-sip:RedmondSA2@contoso.test').click();
  await page.getByTestId('delete-submit').click();
  await expect(page.getByTestId('contact-row-sip:RedmondSA2@contoso.test')).toHaveCount(0);
  await disconnectAll(page);
});

for (const language of ['en', 'zh-TW'] as const) {
  test(`the contact dialog proposes "<dial plan> Subscriber Access", warns before writing, refuses a number in use as such, and edit moves the pool (${language})`, async ({
    page,
  }) => {
    // Reading the topology (first, and again after each write) starts the lab's PowerShell sessions, slow on a busy machine.
    test.setTimeout(180_000);
    const topologyRead = { timeout: 45_000 };
    const shot = (name: string) => screenshot(page, language === 'en' ? name : `${name}-${language}`);
    await openConsole(page);
    await connectProfile(page, 'lab-umadmin');
    await setLanguage(page, language);
    await goTo(page, 'contacts');
    await expect(page.getByTestId('contact-group-dp-Redmond')).toBeVisible(topologyRead);

    await page.getByTestId('contact-new').click();
    await page.getByTestId('contact-type-SA').click();
    await page.getByTestId('contact-target').locator('..').click();
    await page.getByTestId('contact-target-Tokyo').click();
    // The default name, and Exchange UM's access number for Tokyo.
    await expect(page.getByTestId('contact-name')).toHaveValue('Tokyo Subscriber Access');
    await expect(page.getByTestId('contact-sip')).toHaveValue('sip:TokyoSA@contoso.test');
    await expect(page.getByTestId('contact-phone')).toHaveValue('+81355550100');
    // Tokyo is SIPSecured while Lync requires encryption; EXUM01 (2010 RTM) needs a Lync dial plan named Tokyo.contoso.test.
    const warnings = page.getByTestId('contact-warnings');
    await expect(warnings.getByTestId('contact-warning-voip-security-incompatible')).toContainText('SIPSecured');
    await expect(warnings.getByTestId('contact-warning-lync-dial-plan-name-mismatch')).toContainText('Tokyo.contoso.test');

    // A number Exchange UM does not have for Tokyo: warned, and the admin may go ahead.
    await page.getByTestId('contact-phone').fill('+81355550190');
    await expect(warnings.getByTestId('contact-warning-number-not-access-number')).toContainText('+81355550100');
    const submit = page.getByTestId('contact-submit');
    await expect(submit).toHaveText(language === 'en' ? 'Create anyway' : '仍要建立');
    await expect(submit).toBeEnabled();
    await shot('contacts-warnings');

    // A number another contact has: refused before writing, headlined as a number in use, naming that contact.
    await page.getByTestId('contact-phone').fill('+14255550100');
    const refusal = page.getByTestId('contact-refusal-number-taken');
    await expect(refusal).toContainText(language === 'en' ? 'Number already in use' : '號碼已被使用');
    await expect(refusal).toContainText('Redmond Subscriber Access');
    await expect(refusal).not.toContainText(/already exists|已有相同名稱/);
    await expect(submit).toBeDisabled();
    await expect(submit).toHaveText(language === 'en' ? 'Create' : '建立');
    await refusal.scrollIntoViewIfNeeded();
    await shot('contacts-number-in-use');

    await page.getByTestId('contact-phone').fill('+81355550190');
    await expect(warnings.getByTestId('contact-warning-number-not-access-number')).toBeVisible();
    await submit.click();
    await expect(page.getByTestId('contact-result')).toContainText('+81355550190', topologyRead);
    await expect(page.getByTestId('contact-row-sip:TokyoSA@contoso.test')).toBeVisible();
    await shot('contacts-created-with-warnings');

    // Edit moves it to another pool; the choices are OcsUmUtil's (no branch appliance, Director or OCS pool).
    await page.getByTestId('edit-sip:TokyoSA@contoso.test').click();
    await page.getByTestId('contact-pool').locator('..').click();
    await expect(page.getByTestId('contact-pool-sba01.contoso.test')).toHaveCount(0);
    await expect(page.getByTestId('contact-pool-dir01.contoso.test')).toHaveCount(0);
    await expect(page.getByTestId('contact-pool-ocs01.contoso.test')).toHaveCount(0);
    await page.getByTestId('contact-pool-pool02.contoso.test').click();
    await expect(page.locator('.MuiPopover-root')).toHaveCount(0);
    await expect(page.getByTestId('contact-dialog')).toContainText('Move-CsExUmContact');
    await shot('contacts-edit-pool');
    await page.getByTestId('contact-submit').click();
    await expect(page.getByTestId('contact-row-sip:TokyoSA@contoso.test')).toContainText('pool02.contoso.test', topologyRead);
    // Move offers the same pools, the same way.
    await page.getByTestId('move-sip:TokyoSA@contoso.test').click();
    await page.getByTestId('move-pool').locator('..').click();
    await expect(page.getByTestId('move-pool-pool01.contoso.test')).toBeVisible();
    await expect(page.getByTestId('move-pool-sba01.contoso.test')).toHaveCount(0);
    await shot('contacts-move-pool');
    await page.keyboard.press('Escape');
    await page
      .getByTestId('move-dialog')
      .getByRole('button', { name: language === 'en' ? 'Cancel' : '取消' })
      .click();
    await expect(page.getByTestId('move-dialog')).toHaveCount(0);

    // Leave the lab as found.
    await page.getByTestId('delete-sip:TokyoSA@contoso.test').click();
    await page.getByTestId('delete-submit').click();
    await expect(page.getByTestId('contact-row-sip:TokyoSA@contoso.test')).toHaveCount(0, topologyRead);
    await setLanguage(page, 'en');
    await disconnectAll(page);
  });
}
