import { expect, test } from './support/test';
import { connectProfile, disconnectAll, openConsole, screenshot, setLanguage } from './support/console-page';

test.describe('the console frame', () => {
  test('connects to the lab forest, switches to Traditional Chinese and back, and remembers it', async ({ page }) => {
    await openConsole(page);
    await expect(page.getByTestId('connection-none')).toBeVisible();
    await connectProfile(page, 'lab');
    await expect(page.getByTestId('connection-lab')).toContainText('contoso.test');
    await screenshot(page, 'frame-settings-en');

    await setLanguage(page, 'zh-TW');
    await expect(page.getByTestId('nav-topology')).toHaveText('拓撲');
    await expect(page.getByTestId('app-title')).toHaveText('整合通訊整合主控台');
    await expect(page.getByTestId('connection-lab')).toHaveAttribute('aria-label', 'lab：已連線');
    await screenshot(page, 'frame-settings-zh-TW');

    // The choice is remembered across a reload (stored by main, not the browser).
    await page.reload();
    await expect(page.getByTestId('nav-topology')).toHaveText('拓撲');

    await setLanguage(page, 'en');
    await expect(page.getByTestId('nav-topology')).toHaveText('Topology');
    await disconnectAll(page);
  });

  test('switches between light and dark', async ({ page }) => {
    await openConsole(page);
    const background = () => page.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
    const before = await background();
    await page.getByTestId('theme-toggle').click();
    await expect.poll(background).not.toBe(before);
    await screenshot(page, 'frame-dark');
    await page.getByTestId('theme-toggle').click();
    await expect.poll(background).toBe(before);
  });

  test('refuses to load without the token', async ({ page, electronBinary }) => {
    test.skip(!!electronBinary, 'the web host only');
    const url = new URL(process.env.UMC_E2E_URL!);
    const response = await page.goto(`${url.origin}/`);
    expect(response?.status()).toBe(401);
  });
});
