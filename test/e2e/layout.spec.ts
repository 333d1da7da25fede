import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { connectProfile, disconnectAll, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { headerProblems, oneCharacterPerLine, sidewaysOverflow, truncatedLabels } from './support/layout';
import { expect, test } from './support/test';

/**
 * The frame and the dense screens at the widths of a jump box's console window (1280 and 1024
 * pixels), with every lab profile connected: the header keeps its title and controls, chips and
 * grid headers are not cut off, and Chinese text is never set one character per line.
 */
const allLabProfiles = ['lab', 'lab-umadmin', 'lab-useradmin', 'lab-serveradmin', 'lab-readonly', 'lab-exchadmin', 'lab-fabrikam'];
const csv = join(import.meta.dirname, '../fixtures/enablement/redmond-batch.csv');

async function check(page: Page, found: string[], where: string): Promise<void> {
  for (const problem of [
    ...(await headerProblems(page)),
    ...(await sidewaysOverflow(page)),
    ...(await truncatedLabels(page)),
    ...(await oneCharacterPerLine(page)),
  ])
    found.push(`${where}: ${problem}`);
}

for (const language of ['en', 'zh-TW'] as const) {
  test(`with seven connections the header, chips, grid headers and ${language} labels fit at 1280 and 1024 pixels`, async ({ page }) => {
    test.setTimeout(300_000);
    const found: string[] = [];
    await openConsole(page);
    await setLanguage(page, language);
    for (const profile of allLabProfiles) await connectProfile(page, profile);

    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await goTo(page, 'topology');
      await expect(page.getByTestId('topology-tree').getByTestId('node-forest-contoso.test')).toBeVisible({ timeout: 45_000 });
      await check(page, found, `topology ${width}`);
      await screenshot(page, `layout-topology-${width}-${language}`);
      const summary = page.getByTestId('findings-panel').locator('.MuiAccordionSummary-root');
      await expect.soft(summary, 'findings start collapsed').toHaveAttribute('aria-expanded', 'false');
      if ((await summary.getAttribute('aria-expanded')) !== 'true') await summary.click();
      await expect(summary).toHaveAttribute('aria-expanded', 'true');
      await page.waitForTimeout(400);
      await check(page, found, `topology findings ${width}`);
      await screenshot(page, `layout-findings-${width}-${language}`);
      await summary.click();

      for (const section of ['contacts', 'permissions', 'checklist', 'settings', 'powershell']) {
        await goTo(page, section);
        await page.waitForTimeout(1000);
        await check(page, found, `${section} ${width}`);
        await screenshot(page, `layout-${section}-${width}-${language}`);
      }
      await page.getByTestId('nav-checklist').click();
      await page.getByTestId('tab-gateways').click();
      await expect(page.getByTestId('gateways-counts')).toBeVisible({ timeout: 90_000 });
      await check(page, found, `gateway setup ${width}`);

      await goTo(page, 'enablement');
      await page.getByTestId('csv-file-input').setInputFiles(csv);
      await page.getByTestId('validate').click();
      await expect(page.getByTestId('rows-grid')).toBeVisible({ timeout: 45_000 });
      await check(page, found, `enablement ${width}`);
      await screenshot(page, `layout-grid-${width}-${language}`);
    }

    await page.setViewportSize({ width: 1440, height: 900 });
    await disconnectAll(page);
    await setLanguage(page, 'en');
    expect(found, found.join('\n')).toEqual([]);
  });
}
