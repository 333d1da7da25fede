import { app, BrowserWindow, ipcMain, net, protocol, session, shell, type WebContents } from 'electron';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '@shared/content-security-policy';
import { ipcChannels } from '@shared/ipc-channels';
import { createElectronSecretVault } from './adapters/electron-secret-vault';
import { createElectronSettings } from './adapters/electron-settings';
import { isPackagedBuild } from './desktop-policy';
import { createServices } from './services/app-services';
import { createDispatcher } from './services/core/dispatch';
import { createConsoleLogger } from './services/core/logger';
import { createHandlers } from './services/handlers';
import { readLabDescriptor } from './services/profiles/lab-descriptor';

/**
 * The desktop app: one hardened window on the app:// scheme, the handler table on ipcMain, and
 * events pushed to the window. Everything the renderer can do goes through the contract.
 */
const APP_SCHEME = 'app';
const APP_ORIGIN = `${APP_SCHEME}://umc`;
const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDir = join(here, '../renderer');
const packaged = isPackagedBuild({ isPackaged: app.isPackaged, appPath: app.getAppPath() });
const devServerUrl = !packaged ? process.env.ELECTRON_RENDERER_URL : undefined;

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

let mainWindow: BrowserWindow | undefined;

function isTrustedSender(sender: WebContents, frameUrl: string | undefined): boolean {
  if (!mainWindow || sender !== mainWindow.webContents) return false;
  const url = frameUrl ?? '';
  return url.startsWith(`${APP_ORIGIN}/`) || (!!devServerUrl && url.startsWith(devServerUrl));
}

async function start(): Promise<void> {
  await app.whenReady();
  const logger = createConsoleLogger('main');
  const userData = app.getPath('userData');
  const services = createServices({
    transport: 'electron',
    settings: createElectronSettings(logger),
    vault: createElectronSecretVault(userData),
    logger,
    dataDir: userData,
    electronVersion: process.versions.electron,
    lab: readLabDescriptor(process.env, { packaged }) ?? null,
  });
  const dispatch = createDispatcher(createHandlers(services), logger);

  // Serve the built renderer from app://umc/ with the same CSP the web host sends.
  protocol.handle(APP_SCHEME, async (request) => {
    const { pathname } = new URL(request.url);
    const file = normalize(join(rendererDir, decodeURIComponent(pathname)));
    if (!file.startsWith(rendererDir + sep)) return new Response('Forbidden', { status: 403 });
    const response = await net.fetch(pathToFileURL(file.endsWith('/') || !/\.[a-z0-9]+$/i.test(file) ? join(rendererDir, 'index.html') : file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', contentSecurityPolicy);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });

  // No permission (camera, notifications, …) is ever granted to the renderer.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  ipcMain.handle(ipcChannels.invoke, async (event, method: unknown, input: unknown) => {
    if (!isTrustedSender(event.sender, event.senderFrame?.url)) {
      logger.warn('refused an IPC call from an untrusted sender');
      return { ok: false, error: { code: 'ACCESS_DENIED', message: 'Untrusted sender.' } };
    }
    return dispatch(method, input);
  });
  services.bus.subscribe((name, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(ipcChannels.event, name, payload);
  });

  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 1000,
    minHeight: 640,
    title: 'UM Integration Console',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  await mainWindow.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);

  app.on('window-all-closed', async () => {
    await services.shutdown();
    app.quit();
  });
}

// Navigation away from the app and new windows are refused everywhere; http(s) links open in the
// system browser only when an admin clicks one (documentation links).
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//i.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

if (!app.requestSingleInstanceLock()) app.quit();
else void start();
