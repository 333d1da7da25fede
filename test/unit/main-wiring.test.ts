import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ipcChannels } from '@shared/ipc-channels';
import { rendererFileFor } from '../../electron/desktop-policy';
import { sampleLab } from '../fixtures/lab-descriptor';

/**
 * electron/main.ts wired to a small stand-in for the electron module, because the Electron binary
 * cannot run here. It shows what main.ts asks Electron for (window options, handlers, the IPC
 * sender check, the app:// protocol's confinement), not that Electron then does it: README.md
 * ("What the tests here cannot show") lists what only this test covers.
 */
const electron = vi.hoisted(() => {
  // A stand-in for electron's callbacks of every signature.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Handler = (...args: any[]) => any;
  const state = {
    isPackaged: false,
    appPath: '/home/dev/um-console',
    appEvents: new Map<string, Handler>(),
    ipcHandlers: new Map<string, Handler>(),
    protocolHandler: undefined as Handler | undefined,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    windows: [] as Array<{ options: any; webContents: object; loadURL: ReturnType<typeof vi.fn> }>,
  };
  class BrowserWindow {
    readonly webContents = { send: vi.fn() };
    readonly loadURL = vi.fn(async () => undefined);
    constructor(readonly options: unknown) {
      state.windows.push(this as never);
    }
    once() {}
    show() {}
    isDestroyed() {
      return false;
    }
  }
  const module = {
    app: {
      get isPackaged() {
        return state.isPackaged;
      },
      getAppPath: () => state.appPath,
      getPath: () => '/tmp/umc-user-data',
      whenReady: async () => undefined,
      enableSandbox: vi.fn(),
      on: (name: string, handler: Handler) => state.appEvents.set(name, handler),
      requestSingleInstanceLock: () => true,
      quit: vi.fn(),
    },
    BrowserWindow,
    ipcMain: { handle: (channel: string, handler: Handler) => state.ipcHandlers.set(channel, handler) },
    net: { fetch: vi.fn(async (_url: string) => new Response('file')) },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: (_scheme: string, handler: Handler) => (state.protocolHandler = handler) },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } },
    shell: { openExternal: vi.fn(async (_url: string) => undefined) },
  };
  return { state, module };
});

const dispatch = vi.hoisted(() => vi.fn(async () => ({ ok: true, result: 'dispatched' })));
const createServices = vi.hoisted(() =>
  vi.fn((_environment: { lab?: unknown }) => ({ bus: { subscribe: () => () => undefined }, shutdown: async () => undefined })),
);

vi.mock('electron', () => electron.module);
// The services and the two Electron adapters are not what this test is about.
vi.mock('../../electron/services/app-services', () => ({ createServices }));
vi.mock('../../electron/services/handlers', () => ({ createHandlers: () => ({}) }));
vi.mock('../../electron/services/core/dispatch', () => ({ createDispatcher: () => dispatch }));
vi.mock('../../electron/adapters/electron-settings', () => ({ createElectronSettings: () => ({}) }));
vi.mock('../../electron/adapters/electron-secret-vault', () => ({ createElectronSecretVault: () => ({}) }));

const rendererDir = path.join(import.meta.dirname, '../../renderer');

/** Loads main.ts afresh as Electron would start it, and waits until its window loads the app. */
async function startMain(options: { isPackaged: boolean; appPath?: string; env?: Record<string, string> }) {
  vi.resetModules();
  vi.clearAllMocks();
  Object.assign(electron.state, {
    isPackaged: options.isPackaged,
    appPath: options.appPath ?? '/home/dev/um-console',
    windows: [],
    protocolHandler: undefined,
  });
  electron.state.appEvents.clear();
  electron.state.ipcHandlers.clear();
  for (const [name, value] of Object.entries(options.env ?? {})) vi.stubEnv(name, value);
  await import('../../electron/main');
  await vi.waitFor(() => expect(electron.state.windows[0]?.loadURL).toHaveBeenCalled());
  const window = electron.state.windows[0]!;
  return { window, webPreferences: window.options.webPreferences, loadedUrl: window.loadURL.mock.calls[0]![0] as string };
}

/** A web contents as app.on('web-contents-created') hands it over, recording what main.ts attaches. */
function createdContents() {
  const listeners = new Map<string, (event: { preventDefault: () => void }) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: (name: string, listener: (event: { preventDefault: () => void }) => void) => listeners.set(name, listener),
    setWindowOpenHandler: (handler: typeof openHandler) => (openHandler = handler),
  };
  electron.state.appEvents.get('web-contents-created')!({}, contents);
  return { listeners, open: (url: string) => openHandler!({ url }) };
}

function labDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'umc-lab-'));
  writeFileSync(path.join(dir, 'lab.json'), JSON.stringify(sampleLab));
  return dir;
}

afterEach(() => vi.unstubAllEnvs());

describe('main.ts: the window', () => {
  it('is sandboxed and isolated, without Node, webviews or DevTools when packaged', async () => {
    const { webPreferences } = await startMain({ isPackaged: true });
    expect(webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      devTools: false,
    });
    expect(webPreferences.preload).toMatch(/preload\.cjs$/);
    expect(electron.module.app.enableSandbox).toHaveBeenCalled();
  });

  it('has DevTools only in a run from source', async () => {
    expect((await startMain({ isPackaged: false })).webPreferences.devTools).toBe(true);
  });

  it('counts an app loaded from app.asar as packaged even when Electron says otherwise (a renamed executable)', async () => {
    const started = await startMain({
      isPackaged: false,
      appPath: '/opt/UM Integration Console/resources/app.asar',
      env: { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173' },
    });
    expect(started.webPreferences.devTools).toBe(false);
    expect(started.loadedUrl).toBe('app://umc/index.html');
  });
});

describe('main.ts: the lab', () => {
  it('gives the services no lab when packaged, even with UMC_LAB_DIR set', async () => {
    await startMain({ isPackaged: true, env: { UMC_LAB_DIR: labDir() } });
    expect(createServices.mock.calls[0]![0].lab).toBeNull();
  });

  it('gives the services the lab a run from source is told about, and none otherwise', async () => {
    await startMain({ isPackaged: false, env: { UMC_LAB_DIR: labDir() } });
    expect(createServices.mock.calls[0]![0].lab).toEqual(sampleLab);
    await startMain({ isPackaged: false, env: { UMC_LAB_DIR: '', UMC_LAB_STATE: '' } });
    expect(createServices.mock.calls[0]![0].lab).toBeNull();
  });
});

describe('main.ts: navigation and new windows', () => {
  it('refuses every navigation, redirect and webview', async () => {
    await startMain({ isPackaged: true });
    const { listeners } = createdContents();
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() };
      listeners.get(name)!(event);
      expect(event.preventDefault, name).toHaveBeenCalled();
    }
  });

  it('opens no window; documentation on the allow-list goes to the system browser', async () => {
    await startMain({ isPackaged: true });
    const { open } = createdContents();
    const documentation = [
      'https://learn.microsoft.com/powershell/module/skypeforbusiness/grant-csoupermission',
      'https://github.com/um-integration-console/um-integration-console/blob/main/README.md',
    ];
    for (const url of documentation) expect(open(url)).toEqual({ action: 'deny' });
    expect(electron.module.shell.openExternal.mock.calls.map(([url]) => url)).toEqual(documentation);
  });

  it('opens nothing else: other sites, look-alike hosts, credentials, http, file and custom schemes', async () => {
    await startMain({ isPackaged: true });
    const { open } = createdContents();
    for (const url of [
      'https://evil.example/',
      'https://learn.microsoft.com.evil.example/',
      'https://user:pass@learn.microsoft.com/',
      'http://learn.microsoft.com/',
      'https://github.com/someone-else/repo',
      'https://github.com/um-integration-console/um-integration-console-evil',
      'file:///C:/Windows/System32/calc.exe',
      'ms-msdt:/id PCWDiagnostic',
      'smb://server/share',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(open(url), url).toEqual({ action: 'deny' });
    }
    expect(electron.module.shell.openExternal).not.toHaveBeenCalled();
  });
});

describe('main.ts: IPC', () => {
  const call = (event: object) => electron.state.ipcHandlers.get(ipcChannels.invoke)!(event, 'app.info', {});

  it('answers the app window on its own page only', async () => {
    const { window } = await startMain({ isPackaged: true });
    expect(await call({ sender: window.webContents, senderFrame: { url: 'app://umc/index.html' } })).toEqual({ ok: true, result: 'dispatched' });
    expect(dispatch).toHaveBeenCalledTimes(1);
  });

  it('refuses another sender, or the app window showing another page', async () => {
    const { window } = await startMain({ isPackaged: true });
    const denied = { ok: false, error: { code: 'ACCESS_DENIED', message: 'Untrusted sender.' } };
    expect(await call({ sender: { id: 'another web contents' }, senderFrame: { url: 'app://umc/index.html' } })).toEqual(denied);
    for (const url of ['https://evil.example/', 'app://umc.evil/', 'file:///C:/x.html', undefined]) {
      expect(await call({ sender: window.webContents, senderFrame: url === undefined ? undefined : { url } }), String(url)).toEqual(denied);
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('does not trust a dev server URL in a packaged app', async () => {
    const { window } = await startMain({ isPackaged: true, env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
    expect(await call({ sender: window.webContents, senderFrame: { url: 'http://localhost:5173/' } })).toMatchObject({ ok: false });
  });
});

describe('main.ts: the app:// protocol', () => {
  const serve = (url: string) => electron.state.protocolHandler!({ url }) as Promise<Response>;
  const fetchedFile = () => electron.module.net.fetch.mock.calls.at(-1)?.[0];

  it('serves files from the renderer folder, index.html for app routes, with the CSP', async () => {
    await startMain({ isPackaged: true });
    const asset = await serve('app://umc/assets/index-abc.js');
    expect(fetchedFile()).toBe(pathToFileURL(path.join(rendererDir, 'assets/index-abc.js')).toString());
    expect(asset.headers.get('content-security-policy')).toContain("script-src 'self'");
    await serve('app://umc/settings');
    expect(fetchedFile()).toBe(pathToFileURL(path.join(rendererDir, 'index.html')).toString());
  });

  it('refuses paths that leave the renderer folder, in any encoding', async () => {
    await startMain({ isPackaged: true });
    for (const url of [
      'app://umc/..%2f..%2fpackage.json',
      'app://umc/assets/..%2F..%2F..%2Fpackage.json',
      'app://umc/..%2felectron%2fmain.ts',
      'app://umc/%00.js',
      'app://umc/%E0%A4%A.js',
    ]) {
      const response = await serve(url);
      expect(response.status, url).toBe(403);
    }
    expect(electron.module.net.fetch).not.toHaveBeenCalled();
  });

  it('keeps absolute paths, and dot segments the URL parser resolves, inside the renderer folder', async () => {
    await startMain({ isPackaged: true });
    for (const url of [
      'app://umc//etc/passwd.txt',
      'app://umc/%2Fetc%2Fpasswd.txt',
      'app://umc/../../etc/passwd.txt',
      'app://umc/%2e%2e/%2e%2e/etc/passwd.txt',
    ]) {
      await serve(url);
      expect(fetchedFile(), url).toBe(pathToFileURL(path.join(rendererDir, 'etc/passwd.txt')).toString());
    }
  });

  it('confines Windows paths too: backslashes, drive letters and UNC shares stay inside', () => {
    const root = 'C:\\Program Files\\UM Integration Console\\resources\\app.asar\\out\\renderer';
    const inside = (file: string | undefined) => file === undefined || file.startsWith(`${root}\\`);
    expect(rendererFileFor(root, 'app://umc/..%5C..%5C..%5Cwin.ini', path.win32)).toBeUndefined();
    expect(rendererFileFor(root, 'app://umc/assets%5C..%5C..%5C..%5Cwin.ini', path.win32)).toBeUndefined();
    for (const url of ['app://umc/C:%5CWindows%5Cwin.ini', 'app://umc/%5C%5Cserver%5Cshare%5Cx.js', 'app://umc//server/share/x.js', 'app://umc/D:/x.js']) {
      expect(inside(rendererFileFor(root, url, path.win32)), url).toBe(true);
    }
    expect(rendererFileFor(root, 'app://umc/assets/app.js', path.win32)).toBe(`${root}\\assets\\app.js`);
  });
});
