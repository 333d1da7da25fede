import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { resolveConfig } from 'electron-vite';
import { build } from 'vite';
import { createNodeServices } from '../../electron/adapters/node-services';
import { startWebHost } from '../../electron/host/web-host';
import { chromiumArgs } from '../e2e/playwright.config';
import { labLocationEnv, repoRoot } from '../lab/lab-config';
import { printResult, round } from './bench-support';

/**
 * Time to the first interactive screen in Chromium, against the web host and the lab. "First
 * interactive screen": measured from navigation start to the first frame after the frame's
 * navigation (`nav-topology`) and the first screen's page (`page-topology`: its "connect a
 * forest" state on a fresh start) are both in the document; then a click on another screen's
 * navigation item is timed until that screen is there, which shows the frame answers clicks and
 * what a screen loaded on demand costs. Each load is cold (a new browser context; the host sends
 * no-store). Baselines in the same run: the same renderer built as one bundle (every dynamic import
 * inlined), minified and not (electron-vite's default, as the console shipped before), each served
 * by its own web host on the same services; loads take turns.
 */
const LOADS = Number(process.env.UMC_BENCH_LOADS ?? 15);

/**
 * The renderer as `npm run build` makes it (electron-vite's defaults included), into a temp dir;
 * `singleBundle` inlines every lazy chunk, `unminified` keeps electron-vite's default of no minifying.
 */
async function buildRenderer({ singleBundle = false, unminified = false } = {}): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'umc-renderer-'));
  const resolved = await resolveConfig({ configFile: join(repoRoot, 'electron.vite.config.ts') }, 'build', 'production');
  const renderer = resolved.config!.renderer!;
  await build({
    ...renderer,
    logLevel: 'warn',
    build: {
      ...renderer.build,
      outDir,
      emptyOutDir: true,
      ...(unminified ? { minify: false } : {}),
      rolldownOptions: {
        ...renderer.build?.rolldownOptions,
        output: { ...renderer.build?.rolldownOptions?.output, ...(singleBundle ? { codeSplitting: false } : {}) },
      },
    },
  });
  return outDir;
}

interface Load {
  firstScreenMs: number;
  scriptBytes: number;
  scripts: number;
  nextScreenMs: number;
}

/**
 * The page-side code, as text: tsx compiles this file with esbuild's keepNames, whose `__name`
 * helper would not exist in the page if these were named functions.
 */
const recordFirstScreen = `
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="nav-topology"]') || !document.querySelector('[data-testid="page-topology"]')) return;
    observer.disconnect();
    // The first frame that paints them.
    requestAnimationFrame(() => setTimeout(() => (window.firstScreen = performance.now())));
  });
  observer.observe(document, { childList: true, subtree: true });`;

const measureInPage = `(async () => {
  const firstScreen = window.firstScreen;
  const scripts = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.js') && r.responseEnd <= firstScreen);
  const clicked = performance.now();
  document.querySelector('[data-testid="nav-settings"]').click();
  await new Promise((done) => {
    const check = () => (document.querySelector('[data-testid="page-settings"]') ? done() : requestAnimationFrame(check));
    check();
  });
  return {
    firstScreenMs: firstScreen,
    scriptBytes: scripts.reduce((sum, r) => sum + r.encodedBodySize, 0),
    scripts: scripts.length,
    nextScreenMs: performance.now() - clicked,
  };
})()`;

async function loadOnce(browser: Browser, url: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(recordFirstScreen);
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as { firstScreen?: number }).firstScreen !== undefined);
  const measured = (await page.evaluate(measureInPage)) as Load;
  await context.close();
  return measured;
}

function summary(loads: Load[]) {
  const quantile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  };
  const first = loads.map((l) => l.firstScreenMs);
  const next = loads.map((l) => l.nextScreenMs);
  return {
    firstInteractiveMs: { median: quantile(first, 0.5), p90: quantile(first, 0.9) },
    nextScreenMs: { median: quantile(next, 0.5), p90: quantile(next, 0.9) },
    scriptBytesBeforeFirstScreen: loads[0]!.scriptBytes,
    scriptFilesBeforeFirstScreen: loads[0]!.scripts,
  };
}

Object.assign(process.env, labLocationEnv(), { UMC_DATA_DIR: mkdtempSync(join(tmpdir(), 'umc-bench-first-screen-')) });
const variants = {
  console: await buildRenderer(),
  baselineSingleBundle: await buildRenderer({ singleBundle: true }),
  baselineSingleBundleUnminified: await buildRenderer({ singleBundle: true, unminified: true }),
};
const { services, dispatch, logger } = createNodeServices('web', { quiet: true });
const hosts = await Promise.all(Object.values(variants).map((rendererDir) => startWebHost({ logger, dispatch, bus: services.bus, rendererDir })));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
const loads: Load[][] = hosts.map(() => []);
try {
  // One load each first, not counted: the host's and Chromium's own first-time work.
  for (const host of hosts) await loadOnce(browser, host.url);
  for (let i = 0; i < LOADS; i++) {
    for (const [index, host] of hosts.entries()) loads[index]!.push(await loadOnce(browser, host.url));
  }
} finally {
  await browser.close();
  await Promise.all(hosts.map((host) => host.close()));
  await services.shutdown();
}

printResult({
  benchmark: 'first interactive screen in Chromium (web host, lab), cold loads',
  loads: LOADS,
  definition:
    'navigation start → first frame with the navigation and the first screen (topology, not connected) in the document; nextScreen: click on Settings → its page in the document',
  ...Object.fromEntries(Object.keys(variants).map((name, index) => [name, summary(loads[index]!)])),
});
