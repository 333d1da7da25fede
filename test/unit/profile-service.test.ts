import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Profile } from '@shared/models/profile';
import { createFileSettings } from '../../electron/adapters/file-settings';
import { LAB_PASSWORD } from '../../electron/services/profiles/lab-profiles';
import { ProfileService } from '../../electron/services/profiles/profile-service';
import { noVault } from '../../electron/services/profiles/secret-vault';
import { sampleLab } from '../fixtures/lab-descriptor';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const adminsLab: Profile = {
  name: 'lab',
  label: "The admin's own test forest",
  directory: {
    host: 'dc1.lab.corp.example',
    port: 636,
    security: 'ldaps',
    authentication: 'password',
    bindIdentity: 'admin@lab.corp.example',
    timeoutMs: 15_000,
  },
};

function serviceWithSaved(saved: Profile[]): ProfileService {
  const settings = createFileSettings(mkdtempSync(join(tmpdir(), 'umc-profiles-')), quiet);
  settings.update((s) => ({ ...s, profiles: saved }));
  return new ProfileService(settings, noVault, sampleLab, {});
}

/** A lab descriptor that appears later must never take the place of a profile the admin saved. */
describe('built-in lab profiles and saved profiles of the same name', () => {
  it('lists and returns the saved profile, not the built-in one', () => {
    const profiles = serviceWithSaved([adminsLab]);
    const named = profiles.list().filter((p) => p.name === 'lab');
    expect(named).toHaveLength(1);
    expect(named[0]).toMatchObject({ builtIn: false, directory: { host: 'dc1.lab.corp.example' } });
    expect(profiles.get('lab').directory.host).toBe('dc1.lab.corp.example');
    expect(profiles.isBuiltIn('lab')).toBe(false);
    // The lab's other profiles stay built in, and a new profile still cannot take a built-in name.
    expect(profiles.list().find((p) => p.name === 'lab-umadmin')).toMatchObject({ builtIn: true, secretSource: 'lab' });
    expect(() => profiles.save({ ...adminsLab, name: 'lab-umadmin' })).toThrow(/built-in lab profile/);
  });

  it('never binds the saved profile with the lab password', () => {
    const profiles = serviceWithSaved([adminsLab]);
    expect(profiles.resolveSecret('lab')).toBeUndefined();
    expect(profiles.list().find((p) => p.name === 'lab')?.secretSource).toBe('none');
  });

  it('lets the admin edit and delete their saved profile; the built-in one comes back only then', () => {
    const profiles = serviceWithSaved([adminsLab]);
    expect(profiles.save({ ...adminsLab, label: 'renamed' })).toMatchObject({ builtIn: false, label: 'renamed' });
    expect(profiles.delete('lab')).toBe(true);
    expect(profiles.get('lab').directory.host).toBe('127.0.0.1');
    expect(profiles.resolveSecret('lab')).toBe(LAB_PASSWORD);
  });
});
