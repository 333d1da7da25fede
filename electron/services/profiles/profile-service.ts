import type { Profile, ProfileSummary } from '@shared/models/profile';
import { ApiError } from '@shared/errors';
import type { SettingsStore } from '../settings/settings-schema';
import type { LabDescriptor } from './lab-descriptor';
import { LAB_PASSWORD, labProfiles } from './lab-profiles';
import type { SecretVault } from './secret-vault';

/** The environment variable a profile's password may come from: UMC_PASSWORD_<NAME>, then UMC_PASSWORD. */
export function passwordVariableFor(profileName: string): string {
  return `UMC_PASSWORD_${profileName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Saved profiles (settings store), built-in lab profiles (lab descriptor) and where each one's
 * password comes from: typed this session, the vault, the environment, or the lab.
 */
export class ProfileService {
  private readonly sessionSecrets = new Map<string, string>();

  constructor(
    private readonly settings: SettingsStore,
    private readonly vault: SecretVault,
    private readonly lab: LabDescriptor | undefined,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /**
   * The lab profiles no saved profile shares a name with. A saved profile always wins: a lab
   * descriptor appearing later must not swap an admin's "lab" profile for one that binds with the
   * lab password to the descriptor's host.
   */
  private builtIns(): Profile[] {
    if (!this.lab) return [];
    const saved = new Set(this.settings.read().profiles.map((p) => p.name));
    return labProfiles(this.lab).filter((p) => !saved.has(p.name));
  }

  list(): ProfileSummary[] {
    const builtIn = this.builtIns().map((p) => this.summarize(p, true));
    const saved = this.settings.read().profiles.map((p) => this.summarize(p, false));
    return [...builtIn, ...saved];
  }

  get(name: string): Profile {
    const profile = this.builtIns().find((p) => p.name === name) ?? this.settings.read().profiles.find((p) => p.name === name);
    if (!profile) throw new ApiError('NOT_FOUND', `There is no connection profile named "${name}".`);
    return profile;
  }

  isBuiltIn(name: string): boolean {
    return this.builtIns().some((p) => p.name === name);
  }

  save(profile: Profile): ProfileSummary {
    if (this.isBuiltIn(profile.name))
      throw new ApiError('CONFLICT', `"${profile.name}" is a built-in lab profile and cannot be changed; save it under another name.`);
    if (profile.directory.authentication === 'password' && !profile.directory.bindIdentity) {
      throw new ApiError('INVALID_INPUT', 'A profile that signs in with a password names the account to bind as.');
    }
    if (profile.directory.authentication === 'kerberos') {
      // Nothing to keep: the logged-on user's ticket signs in, here and in the PowerShell sessions.
      profile = { ...profile, directory: { ...profile.directory, bindIdentity: undefined } };
      this.forgetSecret(profile.name);
    }
    this.settings.update((s) => ({
      ...s,
      profiles: [...s.profiles.filter((p) => p.name !== profile.name), profile].sort((a, b) => a.name.localeCompare(b.name)),
    }));
    return this.summarize(profile, false);
  }

  delete(name: string): boolean {
    if (this.isBuiltIn(name)) throw new ApiError('CONFLICT', `"${name}" is a built-in lab profile and cannot be deleted.`);
    let existed = false;
    this.settings.update((s) => {
      existed = s.profiles.some((p) => p.name === name);
      return { ...s, profiles: s.profiles.filter((p) => p.name !== name) };
    });
    this.forgetSecret(name);
    return existed;
  }

  forgetSecret(name: string): boolean {
    const inSession = this.sessionSecrets.delete(name);
    return this.vault.remove(name) || inSession;
  }

  /** Keeps a typed password for this session; with remember, seals it in the vault as well. */
  rememberSecret(name: string, password: string, persist: boolean): void {
    this.sessionSecrets.set(name, password);
    if (persist) {
      if (!this.vault.canPersist) throw new ApiError('UNSUPPORTED', 'Passwords cannot be remembered here; it is kept for this session only.');
      this.vault.save(name, password);
    }
  }

  /** The password to bind with, or undefined when the admin must be asked. */
  resolveSecret(name: string): string | undefined {
    return (
      this.sessionSecrets.get(name) ??
      this.vault.load(name) ??
      this.env[passwordVariableFor(name)] ??
      this.env.UMC_PASSWORD ??
      (this.isBuiltIn(name) ? LAB_PASSWORD : undefined)
    );
  }

  private summarize(profile: Profile, builtIn: boolean): ProfileSummary {
    const name = profile.name;
    const secretSource = ((): ProfileSummary['secretSource'] => {
      if (profile.directory.authentication === 'kerberos') return 'kerberos';
      if (this.sessionSecrets.has(name)) return 'session';
      if (this.vault.has(name)) return 'vault';
      if (this.env[passwordVariableFor(name)] || this.env.UMC_PASSWORD) return 'environment';
      return builtIn ? 'lab' : 'none';
    })();
    return { ...profile, builtIn, secretSource };
  }
}
