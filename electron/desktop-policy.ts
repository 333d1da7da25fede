import nodePath from 'node:path';

/**
 * The desktop app's security decisions as plain functions, so they can be tested without the
 * Electron binary; main.ts wires them to Electron.
 */

type PathApi = Pick<typeof nodePath, 'join' | 'normalize' | 'sep'>;

/**
 * Whether this is an installed app rather than a run from source. Electron's app.isPackaged only
 * looks at the executable's name (anything but "electron"), so a packaged build renamed
 * electron.exe would pass for a run from source; its code still comes from an app.asar archive,
 * which a run from source never does. Either sign means packaged, and a packaged app reads no lab
 * descriptor and loads no dev server.
 */
export function isPackagedBuild(app: { isPackaged: boolean; appPath: string }): boolean {
  return app.isPackaged || /\.asar([\\/]|$)/i.test(app.appPath);
}

/** The app's own scheme and origin: the renderer is served from app://umc/ (main.ts's protocol handler). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://umc`;

/**
 * The only window's web preferences: the renderer runs sandboxed, isolated from the preload's
 * world, without Node. DevTools, which can run any code in the renderer and so reach the API,
 * exist only in a run from source.
 */
export function mainWindowWebPreferences(options: { preload: string; packaged: boolean }) {
  return {
    preload: options.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    devTools: !options.packaged,
  };
}

/** Whether an IPC call comes from the app's own page (or, in a run from source, the dev server's). */
export function isTrustedSenderUrl(frameUrl: string | undefined, devServerUrl: string | undefined): boolean {
  const url = frameUrl ?? '';
  return url.startsWith(`${APP_ORIGIN}/`) || (!!devServerUrl && url.startsWith(devServerUrl));
}

/**
 * Where a link may take the admin: documentation only, opened in the system browser, never in an
 * app window. The project's pages and Microsoft's documentation, which docs/sources.md cites.
 */
const documentationSites = [
  { origin: 'https://learn.microsoft.com', path: '/' },
  { origin: 'https://github.com', path: '/um-integration-console/um-integration-console' },
];

/** Whether a URL the renderer asks to open is on the documentation allow-list (https, no credentials). */
export function isDocumentationUrl(candidate: string): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return documentationSites.some(({ origin, path }) => url.origin === origin && (path === '/' || url.pathname === path || url.pathname.startsWith(`${path}/`)));
}

/**
 * The file app://umc/<path> serves, or undefined (403) when the path would leave the renderer
 * folder: `..` in any encoding or separator, NUL, or what does not decode. Paths without an
 * extension get index.html (a single-page app). `path` is node:path for this platform; tests
 * pass path.win32 to check Windows separators.
 */
export function rendererFileFor(rendererDir: string, requestUrl: string, path: PathApi = nodePath): string | undefined {
  let relative: string;
  try {
    relative = decodeURIComponent(new URL(requestUrl).pathname);
  } catch {
    return undefined;
  }
  if (relative.includes('\0')) return undefined;
  const file = path.normalize(path.join(rendererDir, relative));
  if (!file.startsWith(rendererDir + path.sep)) return undefined;
  return file.endsWith(path.sep) || !/\.[a-z0-9]+$/i.test(file) ? path.join(rendererDir, 'index.html') : file;
}
