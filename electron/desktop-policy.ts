/**
 * The desktop app's security decisions as plain functions, so they can be tested without the
 * Electron binary; main.ts wires them to Electron.
 */

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
