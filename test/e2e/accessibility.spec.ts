import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { describeViolations, seriousViolations, type SeriousViolation } from './support/axe';
import { connectProfile, disconnectAll, goTo, openConsole, openFindings, screenshot, setLanguage } from './support/console-page';
import { expect, test } from './support/test';

/**
 * axe-core on every screen, in English and Traditional Chinese: no serious or critical violation.
 * Each screen is scanned in the state an admin works in (data loaded, a node selected, the
 * contact dialog open, a CSV validated), and every violation found is reported before failing.
 */
const languages = ['en', 'zh-TW'] as const;
const csv = join(import.meta.dirname, '../fixtures/enablement/redmond-batch.csv');

async function scan(page: Page, found: Map<string, SeriousViolation[]>, screen: string): Promise<void> {
  // Let transitions (dialogs, accordions, ripples) settle: axe reads colours as painted.
  await page.waitForTimeout(400);
  const violations = await seriousViolations(page);
  if (violations.length > 0) found.set(screen, violations);
}

function report(found: Map<string, SeriousViolation[]>): string {
  return [...found].map(([screen, violations]) => `== ${screen}\n${describeViolations(violations)}`).join('\n\n');
}

test('the console evaluates axe without a weaker CSP: an injected script is still refused', async ({ page }) => {
  await openConsole(page);
  // What a test-added <script> would meet: the shipped policy, unchanged.
  const refused = await page.evaluate(
    () =>
      new Promise<boolean>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective.startsWith('script-src')), { once: true });
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true';
        document.head.append(script);
        setTimeout(() => resolve(false), 2000);
      }),
  );
  expect(refused).toBe(true);
  expect(await page.evaluate(() => 'injected' in window || '__injected' in window)).toBe(false);
  // axe itself runs (through the DevTools protocol) and finds the page.
  expect(Array.isArray(await seriousViolations(page))).toBe(true);
});

test('keyboard: a skip link, the current screen and the selected tree item marked, a visible focus ring', async ({ page }) => {
  test.setTimeout(120_000);
  await openConsole(page);
  await connectProfile(page, 'lab');
  await expect(page.getByTestId('nav-settings')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('nav-topology')).not.toHaveAttribute('aria-current', /.*/);

  // The first Tab reaches the skip link, shown while focused; Enter moves focus to the screen.
  await page.reload();
  await expect(page.getByTestId('app-ready')).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByTestId('skip-link');
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await screenshot(page, 'a11y-skip-link');
  await page.keyboard.press('Enter');
  await expect(page.locator('#main-content')).toBeFocused();
  await expect(skip).not.toBeInViewport();

  // Keyboard focus is drawn as a 2 px ring, not only a faint background.
  await page.keyboard.press('Tab');
  await expect
    .poll(() =>
      page.evaluate(() => {
        const style = getComputedStyle(document.activeElement!);
        return `${style.outlineStyle} ${style.outlineWidth}`;
      }),
    )
    .toBe('solid 2px');
  await screenshot(page, 'a11y-focus-ring');

  await goTo(page, 'topology');
  const tree = page.getByTestId('topology-tree');
  await tree.getByTestId('node-dialPlan-Redmond').locator('.MuiTreeItem-content').first().click({ timeout: 45_000 });
  await expect(tree.getByTestId('node-dialPlan-Redmond')).toHaveAttribute('aria-selected', 'true');
  await expect(tree.getByTestId('node-dialPlan-Tokyo')).toHaveAttribute('aria-selected', 'false');
  // Moving through the tree with the keyboard draws the ring around the focused item.
  await page.keyboard.press('ArrowDown');
  await expect(tree.getByTestId('node-dialPlan-Redmond')).not.toBeFocused();
  await expect
    .poll(() =>
      page.evaluate(() => {
        const item = document.activeElement!;
        const content = item.querySelector(':scope > .MuiTreeItem-content');
        return `${item.getAttribute('role')} ${content ? getComputedStyle(content).outlineStyle : 'none'}`;
      }),
    )
    .toBe('treeitem solid');
  await screenshot(page, 'a11y-tree-focus');
  await disconnectAll(page);
});

for (const language of languages) {
  test(`no serious accessibility violation on any screen (${language})`, async ({ page }) => {
    // The first topology and contact reads start the lab's PowerShell sessions, slow on a busy machine.
    test.setTimeout(300_000);
    const found = new Map<string, SeriousViolation[]>();
    await openConsole(page);
    await setLanguage(page, language);
    await scan(page, found, 'topology, not connected');
    for (const profile of ['lab', 'lab-umadmin', 'lab-exchadmin', 'lab-fabrikam']) await connectProfile(page, profile);
    await scan(page, found, 'settings');

    await goTo(page, 'topology');
    const tree = page.getByTestId('topology-tree');
    await expect(tree.getByTestId('node-forest-contoso.test')).toBeVisible({ timeout: 45_000 });
    await scan(page, found, 'topology');
    await openFindings(page);
    await tree.getByTestId('node-dialPlan-Redmond').locator('.MuiTreeItem-content').first().click();
    await expect(page.getByTestId('topology-properties')).toContainText('Redmond');
    await scan(page, found, 'topology, findings open, Redmond selected');
    await screenshot(page, `a11y-topology-${language}`);

    await goTo(page, 'contacts');
    await expect(page.getByTestId('contact-group-dp-Redmond')).toBeVisible({ timeout: 45_000 });
    await scan(page, found, 'contacts');
    await page.getByTestId('contact-new').click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await scan(page, found, 'contacts, new contact dialog');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);

    await goTo(page, 'permissions');
    await page.getByTestId('ou-contoso.test/Lab').locator('.MuiTreeItem-content').first().waitFor();
    await scan(page, found, 'permissions');
    await page.getByTestId('ou-contoso.test/Lab/Delegated').locator('.MuiTreeItem-content').first().click();
    await expect(page.getByTestId('ou-panel-title')).toHaveText('contoso.test/Lab/Delegated');
    await expect(page.getByTestId('ou-panel').getByTestId('status-Contact')).toBeVisible({ timeout: 30_000 });
    await scan(page, found, 'permissions, an OU selected');

    await goTo(page, 'enablement');
    await scan(page, found, 'enablement');
    await page.getByTestId('csv-file-input').setInputFiles(csv);
    await expect(page.getByTestId('map-Identity')).toBeVisible();
    await scan(page, found, 'enablement, mapping');
    await page.getByTestId('validate').click();
    await expect(page.getByTestId('validation-summary')).toBeVisible({ timeout: 45_000 });
    await scan(page, found, 'enablement, validated rows');
    await screenshot(page, `a11y-enablement-${language}`);

    await goTo(page, 'checklist');
    await expect(page.getByTestId('checklist-summary')).toBeVisible({ timeout: 45_000 });
    await scan(page, found, 'checklist');
    await page.getByTestId('tab-gateways').click();
    await expect(page.getByTestId('gateways-counts')).toBeVisible({ timeout: 90_000 });
    await scan(page, found, 'checklist, gateway setup');

    await goTo(page, 'powershell');
    await scan(page, found, 'powershell');

    await page.getByTestId('theme-toggle').click();
    await goTo(page, 'topology');
    await expect(page.getByTestId('topology-tree').getByTestId('node-forest-contoso.test')).toBeVisible({ timeout: 45_000 });
    await scan(page, found, 'topology, dark');
    await goTo(page, 'settings');
    await scan(page, found, 'settings, dark');
    await page.getByTestId('theme-toggle').click();

    await disconnectAll(page);
    await setLanguage(page, 'en');
    expect(found.size, report(found)).toBe(0);
  });
}
