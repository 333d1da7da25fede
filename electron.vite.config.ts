import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './shared/content-security-policy';

const alias = { '@shared': resolve(import.meta.dirname, 'shared') };

/** Puts the one CSP definition into the built index.html as a meta tag. */
function cspMetaTag(): Plugin {
  return {
    name: 'umc-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy }, injectTo: 'head-prepend' }],
  };
}

/**
 * Makes the built CLI executable and links it into node_modules/.bin, so that `npx um-console`
 * works in this checkout after `npm ci && npm run build` (npm does not link a project's own bin).
 */
function executableCli(): Plugin {
  return {
    name: 'umc-executable-cli',
    apply: 'build',
    writeBundle(options) {
      const file = resolve(options.dir ?? 'out/main', 'cli.js');
      if (!existsSync(file)) return;
      chmodSync(file, 0o755);
      const link = resolve(import.meta.dirname, 'node_modules/.bin/um-console');
      rmSync(link, { force: true });
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), file), link);
    },
  };
}

/**
 * One build for the three parts: main (the Electron app, plus the web host and the CLI, which
 * share its services), the sandboxed preload (CommonJS, as sandboxing requires) and the renderer.
 */
export default defineConfig({
  main: {
    resolve: { alias },
    plugins: [executableCli()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          main: resolve(import.meta.dirname, 'electron/main.ts'),
          'web-host': resolve(import.meta.dirname, 'electron/host/web-host-main.ts'),
          cli: resolve(import.meta.dirname, 'electron/cli/um-console.ts'),
        },
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
        },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      externalizeDeps: { exclude: [] },
      rollupOptions: {
        input: { preload: resolve(import.meta.dirname, 'electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    resolve: { alias },
    plugins: [react(), cspMetaTag()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      chunkSizeWarningLimit: 4000,
      rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
});
