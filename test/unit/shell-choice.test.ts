import { describe, expect, it } from 'vitest';
import { chooseShell, type ShellEnvironment } from '../../electron/services/powershell/pwsh-locations';

/** A Windows or Linux host with just these files present (pure logic: no real file system). */
function host(platform: NodeJS.Platform, files: string[], env: NodeJS.ProcessEnv = {}): ShellEnvironment {
  const present = new Set(files.map((f) => f.toLowerCase()));
  return { platform, env, home: platform === 'win32' ? 'C:\\Users\\陳大文' : '/home/admin', exists: (p) => present.has(p.toLowerCase()) };
}

const windowsPowerShell = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const pwsh7 = 'C:\\Program Files\\PowerShell\\7\\pwsh.exe';
const windowsEnv = { SystemRoot: 'C:\\Windows', ProgramFiles: 'C:\\Program Files', PATH: 'C:\\Windows\\system32;C:\\Windows' };

describe('the shell for each endpoint on a Windows jump box', () => {
  it('the local Lync module always gets Windows PowerShell, even with pwsh installed', () => {
    expect(chooseShell('lync-local', host('win32', [windowsPowerShell, pwsh7], windowsEnv))).toEqual({
      ok: true,
      kind: 'windows-powershell',
      path: windowsPowerShell,
      reason: 'lync-module-needs-windows-powershell',
    });
  });

  it('takes powershell.exe from %SystemRoot%, never from a folder a user put first on PATH', () => {
    const planted = 'C:\\Users\\admin\\bin\\powershell.exe';
    const choice = chooseShell('lync-local', host('win32', [planted, windowsPowerShell], { ...windowsEnv, PATH: `C:\\Users\\admin\\bin;${windowsEnv.PATH}` }));
    expect(choice).toMatchObject({ ok: true, path: windowsPowerShell });
  });

  it('Exchange and remote Lync use pwsh 7 from its install folder when present', () => {
    for (const endpoint of ['exchange-remote', 'lync-remote'] as const) {
      expect(chooseShell(endpoint, host('win32', [windowsPowerShell, pwsh7], windowsEnv))).toEqual({
        ok: true,
        kind: 'pwsh',
        path: pwsh7,
        reason: 'pwsh-found',
      });
    }
  });

  it('and Windows PowerShell when pwsh is not installed', () => {
    expect(chooseShell('exchange-remote', host('win32', [windowsPowerShell], windowsEnv))).toEqual({
      ok: true,
      kind: 'windows-powershell',
      path: windowsPowerShell,
      reason: 'pwsh-absent-fallback',
    });
  });

  it('finds pwsh on PATH, in a folder with spaces and non-ASCII characters', () => {
    const custom = 'D:\\工具 程式\\PowerShell\\pwsh.exe';
    expect(
      chooseShell('exchange-remote', host('win32', [custom, windowsPowerShell], { ...windowsEnv, PATH: `D:\\工具 程式\\PowerShell;${windowsEnv.PATH}` })),
    ).toMatchObject({ kind: 'pwsh', path: custom });
  });

  it('honours the overrides, and says so', () => {
    const env = { ...windowsEnv, UMC_PWSH: 'E:\\pwsh\\pwsh.exe', UMC_WINDOWS_POWERSHELL: 'E:\\ps51\\powershell.exe' };
    const files = ['E:\\pwsh\\pwsh.exe', 'E:\\ps51\\powershell.exe', windowsPowerShell];
    expect(chooseShell('exchange-remote', host('win32', files, env))).toMatchObject({ path: 'E:\\pwsh\\pwsh.exe', reason: 'override' });
    expect(chooseShell('lync-local', host('win32', files, env))).toMatchObject({ path: 'E:\\ps51\\powershell.exe', reason: 'override' });
    expect(chooseShell('exchange-remote', host('win32', [windowsPowerShell], { ...windowsEnv, UMC_PWSH: 'E:\\missing.exe' }))).toMatchObject({
      ok: false,
      message: expect.stringContaining('UMC_PWSH'),
    });
  });

  it('says clearly when Windows PowerShell is missing for the Lync module', () => {
    expect(chooseShell('lync-local', host('win32', [pwsh7], windowsEnv))).toMatchObject({ ok: false, message: expect.stringContaining('powershell.exe') });
  });
});

describe('elsewhere (this lab machine)', () => {
  it('uses pwsh, from PATH or the dotnet tools folder', () => {
    expect(chooseShell('lab', host('linux', ['/usr/bin/pwsh'], { PATH: '/usr/local/bin:/usr/bin' }))).toMatchObject({
      ok: true,
      kind: 'pwsh',
      path: '/usr/bin/pwsh',
    });
    expect(chooseShell('lab', host('linux', ['/home/admin/.dotnet/tools/pwsh'], { PATH: '/usr/bin' }))).toMatchObject({
      ok: true,
      path: '/home/admin/.dotnet/tools/pwsh',
    });
  });

  it('refuses the local Lync module: it exists only on Windows', () => {
    expect(chooseShell('lync-local', host('linux', ['/usr/bin/pwsh'], { PATH: '/usr/bin' }))).toMatchObject({
      ok: false,
      message: expect.stringContaining('only on Windows'),
    });
  });

  it('says how to fix a missing pwsh', () => {
    expect(chooseShell('lab', host('linux', [], { PATH: '/usr/bin' }))).toMatchObject({ ok: false, message: expect.stringContaining('UMC_PWSH') });
  });
});
