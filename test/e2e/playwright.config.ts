import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests drive Debian's Chromium against the web host and the lab (the Electron binary
 * cannot be downloaded on the build machines). The `electron` project runs the same specs in the
 * real app only where the Electron binary exists.
 */
// Looked up without require('electron'), which would try to download the binary.
const electronPackage = join(import.meta.dirname, '../../node_modules/electron');
const electronBinary = (() => {
  const pathFile = join(electronPackage, 'path.txt');
  if (!existsSync(pathFile)) return '';
  const binary = join(electronPackage, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : '';
})();

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export default defineConfig<{ electronBinary: string }>({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../../test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  globalSetup: './support/global-setup.ts',
  use: {
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium-web',
      use: { browserName: 'chromium', launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs } },
    },
    ...(electronBinary ? [{ name: 'electron', use: { electronBinary } }] : []),
  ],
});
