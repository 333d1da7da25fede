import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, test as base } from '@playwright/test';

/**
 * The specs' `test`: in the chromium-web project `page` is a browser tab on the web host; in the
 * electron project (only where the Electron binary exists) it is the desktop app's window.
 */
export const test = base.extend<object, { electronBinary: string }>({
  electronBinary: ['', { option: true, scope: 'worker' }],
  page: async ({ electronBinary, context }, use) => {
    if (!electronBinary) {
      const page = await context.newPage();
      await use(page);
      return;
    }
    const userData = mkdtempSync(join(tmpdir(), 'umc-electron-'));
    const app = await _electron.launch({
      executablePath: electronBinary,
      args: [join(import.meta.dirname, '../../../out/main/main.js'), `--user-data-dir=${userData}`],
    });
    const window = await app.firstWindow();
    await use(window);
    await app.close();
  },
});

export { expect } from '@playwright/test';
