import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds pwsh: UMC_PWSH, then PATH, then the dotnet global-tool folder (where the lab installs it).
 * On Windows, falls back to Windows PowerShell, which the Lync module needs anyway.
 */
export function findPwsh(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.UMC_PWSH) return existsSync(env.UMC_PWSH) ? env.UMC_PWSH : undefined;
  const names = process.platform === 'win32' ? ['pwsh.exe', 'powershell.exe'] : ['pwsh'];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) if (existsSync(join(dir, name))) return join(dir, name);
  }
  const tool = join(homedir(), '.dotnet', 'tools', process.platform === 'win32' ? 'pwsh.exe' : 'pwsh');
  return existsSync(tool) ? tool : undefined;
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
