import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, posix, relative, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './shared/content-security-policy';

const alias = { '@shared': resolve(import.meta.dirname, 'shared') };

/** MUI X's data grid and what only it uses: loaded with the screens that show a grid. */
const dataGridModules = /node_modules[\\/](@mui[\\/]x-data-grid|@mui[\\/]x-virtualizer|reselect)[\\/]/;

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
 * Worker threads get their own bundle. Main-process code starts a worker with
 * `new Worker(new URL('./name-worker.ts', import.meta.url))`-style URLs, which work from source
 * (vitest, tsx); in the build each such `*-worker.ts` becomes an entry chunk (out/main/name-worker.js,
 * packed with the rest of out/) and the URL is rewritten to point at it from wherever the
 * referring code ends up.
 */
function workerEntries(): Plugin {
  const workerUrl = /new URL\((['"])(\.{1,2}\/[\w./-]+-worker)\.ts\1, import\.meta\.url\)/g;
  const placeholder = /__UMC_WORKER_([\w$]+)__/g;
  return {
    name: 'umc-worker-entries',
    apply: 'build',
    transform(code, id) {
      if (!code.includes('-worker.ts')) return null;
      let changed = false;
      const out = code.replace(workerUrl, (_match, _quote: string, path: string) => {
        changed = true;
        const ref = this.emitFile({ type: 'chunk', id: resolve(dirname(id), `${path}.ts`), fileName: `${posix.basename(path)}.js` });
        return `new URL('__UMC_WORKER_${ref}__', import.meta.url)`;
      });
      return changed ? { code: out, map: null } : null;
    },
    renderChunk(code, chunk) {
      if (!code.includes('__UMC_WORKER_')) return null;
      return {
        code: code.replace(placeholder, (_match, ref: string) => {
          const target = posix.relative(posix.dirname(chunk.fileName), this.getFileName(ref));
          return target.startsWith('.') ? target : `./${target}`;
        }),
        map: null,
      };
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
    plugins: [executableCli(), workerEntries()],
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
    // Relative asset URLs: the web host serves the app under a per-launch path (its token cookie is
    // scoped to it), the desktop app from app://umc/.
    base: './',
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified; minified, the first screen's script is about
      // half the size, and parsing it is most of a cold start (test/bench/first-screen.bench.ts).
      minify: true,
      chunkSizeWarningLimit: 4000,
      rollupOptions: {
        input: resolve(import.meta.dirname, 'renderer/index.html'),
        output: {
          // Libraries in few files: every chunk is a request to the host, and a cold start pays
          // for each. The data grid only where a screen shows one; zod on its own, as the small
          // boot needs it before anything else. A group also takes the modules its own import, so
          // the groups that must not hold the grid's dependencies come first.
          codeSplitting: {
            groups: [
              { name: 'zod', test: /node_modules[\\/]zod[\\/]/, priority: 3 },
              { name: 'vendor', test: (id) => /node_modules[\\/]/.test(id) && !dataGridModules.test(id), priority: 2 },
              { name: 'data-grid', test: dataGridModules, priority: 1 },
            ],
          },
        },
      },
    },
  },
});
