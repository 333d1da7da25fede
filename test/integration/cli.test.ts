import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireLab } from './support/test-services';
import { runCli } from './support/cli';

/** um-console: the same services from a terminal, with --profile and --json. */
const lab = requireLab();
const dataDir = () => mkdtempSync(join(tmpdir(), 'umc-cli-'));

describe('um-console', () => {
  it('lists the lab profiles without secrets', () => {
    const run = runCli(['profiles', 'list', '--json'], { UMC_DATA_DIR: dataDir() });
    expect(run.status).toBe(0);
    const profiles = run.json() as Array<{ name: string; secretSource: string }>;
    expect(profiles.map((p) => p.name)).toEqual(
      expect.arrayContaining(['lab', 'lab-umadmin', 'lab-useradmin', 'lab-readonly', 'lab-exchadmin', 'lab-fabrikam']),
    );
    expect(run.stdout).not.toContain('Lab-Passw0rd!');
  });

  it('connects several forests at once', () => {
    const run = runCli(['connect', '--profile', 'lab', '--profile', 'lab-fabrikam', '--json'], { UMC_DATA_DIR: dataDir() });
    expect(run.status, run.stderr).toBe(0);
    expect(run.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ profile: 'lab', status: 'connected', forest: 'contoso.test' }),
        expect.objectContaining({ profile: 'lab-fabrikam', status: 'connected', forest: 'fabrikam.test' }),
      ]),
    );
  });

  describe('a saved profile', () => {
    const dir = dataDir();
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        ui: { language: 'en', theme: 'system' },
        profiles: [
          {
            name: 'corp-ro',
            directory: {
              host: lab.forests[0]!.host,
              port: 636,
              security: 'ldaps',
              caFile: lab.caFile,
              bindIdentity: 'lab-readonly@contoso.test',
              timeoutMs: 15000,
            },
          },
        ],
      }),
    );

    it('asks for a password it cannot prompt for with a clear error and exit code 1', () => {
      const run = runCli(['connect', '--profile', 'corp-ro', '--json'], { UMC_DATA_DIR: dir });
      expect(run.status).toBe(1);
      expect(run.json()).toMatchObject({ error: { code: 'SECRET_REQUIRED', message: expect.stringContaining('UMC_PASSWORD_CORP_RO') } });
    });

    it('takes the password from the environment and never writes it', () => {
      const run = runCli(['connect', '--profile', 'corp-ro', '--json'], { UMC_DATA_DIR: dir, UMC_PASSWORD_CORP_RO: 'Lab-Passw0rd!' });
      expect(run.status, run.stderr).toBe(0);
      expect(run.json()).toEqual([expect.objectContaining({ profile: 'corp-ro', status: 'connected' })]);
      const settings = runCli(['profiles', 'list', '--json'], { UMC_DATA_DIR: dir });
      expect(settings.stdout).not.toContain('Lab-Passw0rd!');
    });
  });

  it('exits 2 on a usage error and 1 on an unknown profile', () => {
    expect(runCli(['no-such-command'], { UMC_DATA_DIR: dataDir() }).status).toBe(2);
    const unknown = runCli(['connect', '--profile', 'nope', '--json'], { UMC_DATA_DIR: dataDir() });
    expect(unknown.status).toBe(1);
    expect(unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
