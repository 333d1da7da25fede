import { connectProfile, disconnectAll, goTo, openConsole, screenshot } from './support/console-page';
import { expect, test } from './support/test';

test('the topology tree shows both forests, a dial plan\'s details and the findings', async ({ page }) => {
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
  await expect(properties).toContainText('pool01\\Redmond');
  await expect(properties).toContainText('sba01\\Redmond');
  await expect(properties).toContainText('Redmond Subscriber Access');

  const findings = page.getByTestId('findings-panel');
  await expect(findings.getByTestId('finding-pool-without-gateway')).toHaveCount(2);
  await expect(findings.getByTestId('finding-sip-dial-plan-unsecured')).toContainText('Taipei');
  await expect(findings.getByTestId('finding-lync-dial-plan-name-mismatch')).toContainText('Tokyo.contoso.test');
  await screenshot(page, 'topology-redmond');

  await findings.getByTestId('finding-lync-dial-plan-name-mismatch').getByRole('button').click();
  await expect(page.getByTestId('topology-details')).toHaveAttribute('data-kind', 'dialPlan');
  await page.getByTestId('tab-raw').click();
  await expect(page.getByTestId('topology-raw')).toContainText('msExchUMPhoneContext: Tokyo.contoso.test');
  await screenshot(page, 'topology-tokyo-raw');

  await page.getByTestId('topology-filter').fill('kaohsiung');
  await expect(tree.getByTestId('node-dialPlan-Kaohsiung')).toBeVisible();
  await expect(tree.getByTestId('node-dialPlan-Redmond')).toHaveCount(0);
  await disconnectAll(page);
});
