import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

/** Page helpers shared by the specs: one place that knows the console's test ids. */
export const screenshotDir = join(import.meta.dirname, '../../../test-results/screenshots');

export async function openConsole(page: Page): Promise<void> {
  if (!page.url().startsWith('app://')) {
    const url = process.env.UMC_E2E_URL;
    if (!url) throw new Error('UMC_E2E_URL is not set; run through playwright.config.ts');
    await page.goto(url);
  }
  await expect(page.getByTestId('app-ready')).toBeVisible();
  // The language is a setting the shared web host keeps: a test that failed in Chinese must not fail every test after it.
  if ((await page.locator('html').getAttribute('lang')) !== 'en') await setLanguage(page, 'en');
}

export async function goTo(page: Page, section: string): Promise<void> {
  await page.getByTestId(`nav-${section}`).click();
  await expect(page.getByTestId(`page-${section}`)).toBeVisible();
}

export async function setLanguage(page: Page, language: 'en' | 'zh-TW'): Promise<void> {
  await page.getByTestId('language-select').locator('..').click();
  await page.getByTestId(`language-${language}`).click();
  await expect(page.locator('html')).toHaveAttribute('lang', language);
  await expect(page.locator('.MuiPopover-root')).toHaveCount(0);
}

/**
 * Connects a profile from the Settings screen and waits for its row to say so (the header shows
 * a chip per connection only while they fit; past that, one chip that counts them).
 */
export async function connectProfile(page: Page, profile: string): Promise<void> {
  await goTo(page, 'settings');
  const status = page.getByTestId(`profile-row-${profile}`).getByTestId(`profile-status-${profile}`);
  if ((await status.textContent())?.match(/^(Connected|已連線)$/)) return;
  await page.getByTestId(`connect-${profile}`).click();
  await expect(status).toHaveText(/^(Connected|已連線)$/);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  // Transitions finished (a dialog fading in, a chip changing colour), so the picture shows the settled screen.
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: false, animations: 'disabled' });
}

/** Leaves the shared web host as the test found it: every profile disconnected. */
export async function disconnectAll(page: Page): Promise<void> {
  await goTo(page, 'settings');
  const buttons = page.locator('[data-testid^="disconnect-"]');
  for (let left = await buttons.count(); left > 0; left = await buttons.count()) {
    const button = buttons.first();
    const profile = (await button.getAttribute('data-testid'))!.slice('disconnect-'.length);
    await button.click();
    await expect(page.getByTestId(`profile-status-${profile}`)).toHaveText(/Disconnected|已中斷連線/);
  }
  await expect(page.getByTestId('connection-none')).toBeVisible();
}

/** Expands a tree item (a `node-…` test id) unless it is open already. */
export async function expandNode(node: Locator): Promise<void> {
  if ((await node.getAttribute('aria-expanded')) !== 'true') await node.locator('.MuiTreeItem-iconContainer').first().click();
  await expect(node).toHaveAttribute('aria-expanded', 'true');
}

/** Opens the topology's findings, which start collapsed (fewer nested scroll areas), to reach a finding or its Fix. */
export async function openFindings(page: Page): Promise<void> {
  const toggle = page.getByTestId('findings-toggle');
  await expect(toggle).toBeVisible();
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
}
