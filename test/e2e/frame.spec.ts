import { expect, test } from './support/test';
import { connectProfile, disconnectAll, goTo, openConsole, screenshot, setLanguage } from './support/console-page';
import { labDescriptor } from './support/lab-ldap';

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
    // The chip's name starts with what it shows (for speech input); the status follows for screen readers.
    await expect(page.getByTestId('connection-lab')).toHaveAccessibleName('contoso.test · lab，已連線');
    // On a zh-TW Windows box, Chinese text is set in Microsoft JhengHei UI, straight after Segoe UI.
    await expect
      .poll(() => page.locator('body').evaluate((b) => getComputedStyle(b).fontFamily))
      .toMatch(/^"Segoe UI", "Microsoft JhengHei UI", "Microsoft JhengHei"/);
    await screenshot(page, 'frame-settings-zh-TW');

    // The choice is remembered across a reload (stored by main, not the browser).
    await page.reload();
    await expect(page.getByTestId('nav-topology')).toHaveText('拓撲');

    await setLanguage(page, 'en');
    await expect(page.getByTestId('nav-topology')).toHaveText('Topology');
    await disconnectAll(page);
  });

  test('Settings shows which PowerShell each endpoint will use, and the shell test reports it', async ({ page }) => {
    await openConsole(page);
    await connectProfile(page, 'lab');
    const exchange = page.getByTestId('shell-exchange-lab');
    await expect(exchange.getByTestId('shell-name')).toHaveText(/^PowerShell 7\.\d+\.\d+/, { timeout: 30_000 });
    await expect(exchange).toContainText('PowerShell 7 is installed');
    await page.getByTestId('shell-test-exchange-lab').click();
    await expect(page.getByTestId('shell-test-exchange-lab')).toHaveAttribute('data-result', 'ok', { timeout: 60_000 });
    await page.getByTestId('shell-test-exchange-lab').hover();
    await expect(page.getByRole('tooltip')).toContainText(/Get-UMDialPlan returned \d+ object\(s\) in PowerShell 7\./);
    await page.getByTestId('powershell-shells').scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-shells');
    await disconnectAll(page);
  });

  test('a profile that signs in as the logged-on user (Kerberos) connects without asking for a password', async ({ page }) => {
    const lab = labDescriptor();
    await openConsole(page);
    await goTo(page, 'settings');
    await page.getByTestId('profile-new').click();
    const editor = page.getByTestId('profile-editor');
    await editor.getByLabel('Profile name').fill('kerberos-me');
    await editor.getByLabel('Domain controller (host name or IP)').fill(lab.forests.find((f) => f.role === 'lync-exchange')!.host);
    await editor.getByLabel('Trusted CA file (PEM, optional)').fill(lab.caFile);
    await editor.getByTestId('profile-authentication').click();
    await page.getByRole('option', { name: 'As the logged-on user (Kerberos)' }).click();
    await expect(editor.getByLabel(/^Bind as/)).toHaveCount(0);
    await expect(page.getByRole('listbox')).toHaveCount(0);
    await expect(editor).toContainText('no password is asked for or stored');
    await screenshot(page, 'settings-profile-kerberos');
    await page.getByTestId('profile-save').click();
    const row = page.getByTestId('profile-row-kerberos-me');
    await expect(row).toContainText('The logged-on user (Kerberos)');
    await page.getByTestId('connect-kerberos-me').click();
    await expect(page.getByTestId('connection-kerberos-me')).toHaveAttribute('data-status', 'connected');
    await expect(page.getByTestId('connect-dialog')).toHaveCount(0);
    await disconnectAll(page);
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect(row).toHaveCount(0);
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

  test('opens on the topology, and a screen whose code cannot be fetched says so while the others still open', async ({ page, electronBinary }) => {
    test.skip(!!electronBinary, 'the web host only: the desktop app reads its chunks from the package');
    await openConsole(page);
    // The first screen: the frame and the topology's own state before a forest is connected.
    await expect(page.getByTestId('page-topology')).toBeVisible();
    await expect(page.getByTestId('nav-topology')).toHaveAttribute('aria-current', 'page');
    await screenshot(page, 'first-screen-en');

    // Each screen is a chunk of its own, fetched on first use; the host stops serving one.
    const checklistChunk = /\/assets\/checklist-page-[^/]*\.js$/;
    await page.route(checklistChunk, (route) => route.abort());
    await page.getByTestId('nav-checklist').click();
    await expect(page.getByTestId('screen-load-failed')).toContainText('This screen could not be loaded from the console host.');
    await screenshot(page, 'screen-load-failed-en');
    await setLanguage(page, 'zh-TW');
    await expect(page.getByTestId('screen-load-failed')).toContainText('無法從主控台主機載入此畫面。');
    await screenshot(page, 'screen-load-failed-zh-TW');
    await goTo(page, 'topology');
    await screenshot(page, 'first-screen-zh-TW');
    await setLanguage(page, 'en');

    // Served again, the Reload button brings the screen back.
    await page.unroute(checklistChunk);
    await page.getByTestId('nav-checklist').click();
    await page.getByTestId('screen-load-failed').getByRole('button', { name: 'Reload' }).click();
    await expect(page.getByTestId('page-checklist')).toBeVisible();
  });

  test('refuses to load without the token', async ({ page, electronBinary }) => {
    test.skip(!!electronBinary, 'the web host only');
    const url = new URL(process.env.UMC_E2E_URL!);
    const response = await page.goto(`${url.origin}/`);
    expect(response?.status()).toBe(401);
  });
});
