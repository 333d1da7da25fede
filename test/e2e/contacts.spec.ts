import { connectProfile, disconnectAll, expandNode, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { expect, test } from './support/test';

test('create an SA contact from Redmond\'s access number and an AA contact for RedmondAA, then see them in the topology', async ({ page }) => {
  await openConsole(page);
  await connectProfile(page, 'lab-umadmin');
  await goTo(page, 'contacts');
  await expect(page.getByTestId('contact-group-dp-Redmond')).toBeVisible();

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
  await expect(redmond.getByTestId('node-contact-RedmondAA')).toBeVisible();
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
