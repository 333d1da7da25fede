import { safeStorage } from 'electron';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretVault } from '../services/profiles/secret-vault';

interface VaultFile {
  version: 1;
  entries: Record<string, string>;
}

/**
 * Passwords sealed with Electron's safeStorage (DPAPI on Windows, Keychain on macOS, the Secret
 * Service on Linux) in a file of their own, never in the settings store. On Linux without a
 * keyring safeStorage falls back to a fixed key; that is no protection, so we refuse to persist.
 */
export function createElectronSecretVault(userDataDir: string): SecretVault {
  const file = join(userDataDir, 'secrets.json');
  const canPersist = safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');

  const read = (): VaultFile => {
    if (!existsSync(file)) return { version: 1, entries: {} };
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as VaultFile;
    return parsed.version === 1 && parsed.entries ? parsed : { version: 1, entries: {} };
  };
  const write = (vault: VaultFile) => {
    const temp = `${file}.tmp`;
    writeFileSync(temp, JSON.stringify(vault), { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  };

  return {
    canPersist,
    load(key) {
      const sealed = read().entries[key];
      if (!sealed || !canPersist) return undefined;
      return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
    },
    save(key, secret) {
      if (!canPersist) throw new Error('No secure storage is available on this machine; the password is kept for this session only.');
      const vault = read();
      vault.entries[key] = safeStorage.encryptString(secret).toString('base64');
      write(vault);
    },
    remove(key) {
      const vault = read();
      if (!(key in vault.entries)) return false;
      delete vault.entries[key];
      write(vault);
      return true;
    },
    has(key) {
      return canPersist && key in read().entries;
    },
  };
}
