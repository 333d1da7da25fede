import { app, BrowserWindow, ipcMain, net, protocol, session, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '@shared/content-security-policy';
import { ipcChannels } from '@shared/ipc-channels';
import { createElectronSecretVault } from './adapters/electron-secret-vault';
import { createElectronSettings } from './adapters/electron-settings';
import { APP_ORIGIN, APP_SCHEME, isDocumentationUrl, isPackagedBuild, isTrustedSenderUrl, mainWindowWebPreferences, rendererFileFor } from './desktop-policy';
import { createServices } from './services/app-services';
import { createDispatcher } from './services/core/dispatch';
import { createConsoleLogger } from './services/core/logger';
import { createHandlers } from './services/handlers';
import { readLabDescriptor } from './services/profiles/lab-descriptor';

/**
 * The desktop app: one hardened window on the app:// scheme, the handler table on ipcMain, and
 * events pushed to the window. Everything the renderer can do goes through the contract.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDir = join(here, '../renderer');
const packaged = isPackagedBuild({ isPackaged: app.isPackaged, appPath: app.getAppPath() });
const devServerUrl = !packaged ? process.env.ELECTRON_RENDERER_URL : undefined;

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

let mainWindow: BrowserWindow | undefined;

function isTrustedSender(sender: WebContents, frameUrl: string | undefined): boolean {
  return !!mainWindow && sender === mainWindow.webContents && isTrustedSenderUrl(frameUrl, devServerUrl);
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
    const file = rendererFileFor(rendererDir, request.url);
    if (!file) return new Response('Forbidden', { status: 403 });
    const response = await net.fetch(pathToFileURL(file).toString());
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
    webPreferences: mainWindowWebPreferences({ preload: join(here, '../preload/preload.cjs'), packaged }),
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  await mainWindow.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);

  app.on('window-all-closed', async () => {
    await services.shutdown();
    app.quit();
  });
}

// Navigation away from the app and new windows are refused everywhere; a documentation link on
// the allow-list opens in the system browser, nothing else opens at all.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isDocumentationUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

if (!app.requestSingleInstanceLock()) app.quit();
else void start();
