import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, win32 } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which PowerShell serves an endpoint: PowerShell 7 (pwsh) or Windows PowerShell 5.1 (powershell.exe). */
export type ShellKind = 'pwsh' | 'windows-powershell';

/** Why that shell: shown in Settings so an admin can tell what the console will start, and why. */
export type ShellReason =
  | 'override' // UMC_PWSH / UMC_WINDOWS_POWERSHELL
  | 'lync-module-needs-windows-powershell'
  | 'pwsh-found'
  | 'pwsh-absent-fallback';

export type ShellChoice = { ok: true; kind: ShellKind; path: string; reason: ShellReason } | { ok: false; message: string };

/** The endpoint kinds the bridge opens (BridgeEndpoint['kind']). */
export type EndpointKind = 'lab' | 'exchange-remote' | 'lync-local' | 'lync-remote';

export interface ShellEnvironment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  exists: (path: string) => boolean;
  home: string;
}

export const hostEnvironment = (env: NodeJS.ProcessEnv = process.env): ShellEnvironment => ({
  env,
  platform: process.platform,
  exists: existsSync,
  home: homedir(),
});

/**
 * The shell for an endpoint. The Lync Server 2013 module is a .NET Framework module and loads only
 * in Windows PowerShell (docs/sources.md S34), so the local Lync endpoint always gets
 * powershell.exe, found under %SystemRoot% rather than on PATH. Exchange's and Lync's remote
 * endpoints and the lab use pwsh when it is installed, else Windows PowerShell (on Windows).
 */
export function chooseShell(endpoint: EndpointKind, host: ShellEnvironment = hostEnvironment()): ShellChoice {
  const windows = host.platform === 'win32';
  if (endpoint === 'lync-local') {
    if (!windows) return { ok: false, message: 'The Lync Server 2013 module runs only on Windows, in Windows PowerShell 5.1.' };
    const path = findWindowsPowerShell(host);
    if (!path)
      return {
        ok: false,
        message: 'Windows PowerShell (powershell.exe) was not found under %SystemRoot%\\System32\\WindowsPowerShell\\v1.0; the Lync module needs it.',
      };
    return { ok: true, kind: 'windows-powershell', path, reason: host.env.UMC_WINDOWS_POWERSHELL ? 'override' : 'lync-module-needs-windows-powershell' };
  }
  const pwsh = locatePwsh(host);
  if (pwsh) return { ok: true, kind: 'pwsh', path: pwsh, reason: host.env.UMC_PWSH ? 'override' : 'pwsh-found' };
  if (host.env.UMC_PWSH) return { ok: false, message: `UMC_PWSH points to ${host.env.UMC_PWSH}, which does not exist.` };
  if (windows) {
    const path = findWindowsPowerShell(host);
    if (path) return { ok: true, kind: 'windows-powershell', path, reason: 'pwsh-absent-fallback' };
  }
  return {
    ok: false,
    message: windows
      ? 'Neither PowerShell 7 (pwsh.exe) nor Windows PowerShell (powershell.exe) was found.'
      : 'PowerShell (pwsh) was not found. Install PowerShell 7 or set UMC_PWSH to its path.',
  };
}

/**
 * pwsh: UMC_PWSH, then PATH, then the standard install folder on Windows, then the dotnet
 * global-tool folder (where the lab installs it).
 */
export function findPwsh(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return locatePwsh(hostEnvironment(env));
}

function locatePwsh(h: ShellEnvironment): string | undefined {
  const windows = h.platform === 'win32';
  const join_ = windows ? win32.join : join;
  if (h.env.UMC_PWSH) return h.exists(h.env.UMC_PWSH) ? h.env.UMC_PWSH : undefined;
  const name = windows ? 'pwsh.exe' : 'pwsh';
  const candidates = (h.env.PATH ?? h.env.Path ?? '')
    .split(windows ? ';' : delimiter)
    .filter(Boolean)
    .map((dir) => join_(dir, name));
  if (windows && h.env.ProgramFiles) candidates.push(join_(h.env.ProgramFiles, 'PowerShell', '7', name));
  candidates.push(join_(h.home, '.dotnet', 'tools', name));
  return candidates.find((c) => h.exists(c));
}

/** powershell.exe from %SystemRoot% (never from PATH, which a user can prepend to), or UMC_WINDOWS_POWERSHELL. */
function findWindowsPowerShell(host: ShellEnvironment): string | undefined {
  if (host.env.UMC_WINDOWS_POWERSHELL) return host.exists(host.env.UMC_WINDOWS_POWERSHELL) ? host.env.UMC_WINDOWS_POWERSHELL : undefined;
  const root = host.env.SystemRoot ?? host.env.SYSTEMROOT ?? host.env.windir ?? 'C:\\Windows';
  const path = win32.join(root, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
  return host.exists(path) ? path : undefined;
}

/**
 * The bridge script: next to the packaged app (resources/powershell), or in the repository when
 * running from source or from out/ (found by walking up from this module).
 */
export function findBridgeScript(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env.UMC_RESOURCES_DIR) candidates.push(join(env.UMC_RESOURCES_DIR, 'powershell', 'UmcBridge.ps1'));
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(join(resourcesPath, 'powershell', 'UmcBridge.ps1'));
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, 'resources', 'powershell', 'UmcBridge.ps1'));
    dir = dirname(dir);
  }
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`The PowerShell bridge script was not found (looked in ${candidates.slice(0, 3).join(', ')} …).`);
  return found;
}
