import { connectProfile, disconnectAll, goTo, openConsole, screenshot } from './support/console-page';
import { expect, test } from './support/test';

test("the topology tree shows both forests, a dial plan's details and the findings", async ({ page }) => {
  await openConsole(page);
  await connectProfile(page, 'lab');
  await connectProfile(page, 'lab-fabrikam');
  await goTo(page, 'topology');
  const tree = page.getByTestId('topology-tree');
  await expect(tree.getByTestId('node-forest-contoso.test')).toBeVisible();
  await expect(tree.getByTestId('node-forest-fabrikam.test')).toBeVisible();

  await tree.getByTestId('node-dialPlan-Redmond').locator('.MuiTreeItem-content').first().click();
  const properties = page.getByTestId('topology-properties');
  await expect(properties).toContainText('Redmond Default Policy');
  await expect(properties).toContainText('RedmondAA (+14255550123)');
  // Gateways named after their pools' CNs, as exchucutil names them.
  await expect(properties).toContainText('1:1\\Redmond');
  await expect(properties).toContainText('1:3\\Redmond');
  await expect(properties).toContainText('Redmond Subscriber Access');

  const findings = page.getByTestId('findings-panel');
  // Collapsed until asked for: the tree is what the screen opens on.
  await expect(findings.getByRole('button', { expanded: false })).toBeVisible();
  await findings.getByRole('button', { expanded: false }).click();
  // pool02 and the Director in both organisations, ocs01 in fabrikam's.
  await expect(findings.getByTestId('finding-pool-without-gateway')).toHaveCount(5);
  await expect(findings.getByTestId('finding-voip-security-incompatible').filter({ hasText: 'Taipei' })).toHaveCount(1);
  await expect(findings.getByTestId('finding-um-services-not-ready').first()).toContainText('Exchange 2013');
  await expect(findings.getByTestId('finding-lync-dial-plan-name-mismatch')).toContainText('Tokyo.contoso.test');
  await screenshot(page, 'topology-redmond');

  await findings.getByTestId('finding-lync-dial-plan-name-mismatch').getByTestId('finding-show').click();
  await expect(page.getByTestId('topology-details')).toHaveAttribute('data-kind', 'dialPlan');
  await page.getByTestId('tab-raw').click();
  await expect(page.getByTestId('topology-raw')).toContainText('msExchUMPhoneContext: Tokyo.contoso.test');
  await screenshot(page, 'topology-tokyo-raw');
  await page.getByTestId('tab-properties').click();

  // A finding whose subject sits in folders the tree opens closed (TokyoAA, under its dial plan):
  // Show opens them, selects the auto attendant and scrolls it into view.
  await expect(tree.getByTestId('node-autoAttendant-TokyoAA')).toHaveCount(0);
  await findings.getByTestId('finding-auto-attendant-without-aa-contact').filter({ hasText: 'TokyoAA' }).getByTestId('finding-show').click();
  await expect(page.getByTestId('topology-details')).toHaveAttribute('data-kind', 'autoAttendant');
  await expect(tree.getByRole('treeitem', { selected: true })).toContainText('TokyoAA');
  await expect(tree.getByRole('treeitem', { selected: true })).toBeInViewport();

  // The Director is known from Lync's topology; versions read as Get-UCPool reads them.
  await page.getByTestId('topology-filter').fill('dir01');
  await tree.getByTestId('node-pool-dir01.contoso.test').locator('.MuiTreeItem-content').first().click();
  await expect(page.getByTestId('topology-properties')).toContainText('Director pool');
  await expect(page.getByTestId('topology-properties')).toContainText('Lync Server 2013 (msRTCSIP-PoolVersion 393216)');
  await expect(page.getByTestId('topology-properties')).toContainText('Director:dir01.contoso.test');
  await screenshot(page, 'topology-director');
  await page.getByTestId('topology-filter').fill('EX15');
  await tree.getByTestId('node-server-EX15').locator('.MuiTreeItem-content').first().click();
  await expect(page.getByTestId('topology-properties')).toContainText('UM Call Router startup mode');
  await screenshot(page, 'topology-exchange-2013');

  await page.getByTestId('topology-filter').fill('kaohsiung');
  await expect(tree.getByTestId('node-dialPlan-Kaohsiung')).toBeVisible();
  await expect(tree.getByTestId('node-dialPlan-Redmond')).toHaveCount(0);
  await disconnectAll(page);
});
