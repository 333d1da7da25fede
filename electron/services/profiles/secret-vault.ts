/**
 * Where remembered passwords are sealed. Only the Electron adapter (safeStorage) can persist;
 * the web host and CLI use noVault and take passwords from a prompt or the environment.
 */
export interface SecretVault {
  readonly canPersist: boolean;
  load(key: string): string | undefined;
  save(key: string, secret: string): void;
  remove(key: string): boolean;
  has(key: string): boolean;
}

export const noVault: SecretVault = {
  canPersist: false,
  load: () => undefined,
  save: () => {
    throw new Error('This transport cannot remember passwords.');
  },
  remove: () => false,
  has: () => false,
};
