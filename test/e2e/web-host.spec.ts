import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './support/test';
import { openConsole } from './support/console-page';

/**
 * The web host's token in a real browser: after the console has loaded, the browser holds the
 * token as a cookie, and browsers send a host's cookies to every port on it. Another server on
 * 127.0.0.1 that the admin visits must not receive it.
 */
test.describe('web host token', () => {
  let other: Server;
  const received: string[] = [];
  test.beforeAll(async () => {
    other = createServer((req, res) => {
      received.push(req.headers.cookie ?? '');
      res.end('another local server');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  });
  test.afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

  test('is not sent to another server on 127.0.0.1', async ({ page, electronBinary }) => {
    test.skip(!!electronBinary, 'the web host only');
    const token = new URL(process.env.UMC_E2E_URL!).searchParams.get('token')!;
    await openConsole(page);
    const { port } = other.address() as AddressInfo;
    for (const path of ['/', '/api', `/?token=x`]) await page.goto(`http://127.0.0.1:${port}${path}`);
    expect(received.length).toBeGreaterThanOrEqual(3);
    for (const cookie of received) expect(cookie).not.toContain(token);
  });
});
