import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createFileSettings } from '../../electron/adapters/file-settings';

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const profile = { name: 'corp', directory: { host: 'dc1.corp.example', port: 636, security: 'ldaps', bindIdentity: 'admin@corp.example', timeoutMs: 15000 } };

describe('settings store (conf, same schema as electron-store)', () => {
  it('starts with defaults and remembers changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-settings-'));
    const store = createFileSettings(dir, logger);
    expect(store.read()).toEqual({ ui: { language: 'en', theme: 'system' }, profiles: [] });
    store.update((s) => ({ ...s, ui: { language: 'zh-TW', theme: 'dark' }, profiles: [profile as never] }));
    const again = createFileSettings(dir, logger);
    expect(again.read().ui).toEqual({ language: 'zh-TW', theme: 'dark' });
    expect(again.read().profiles[0]?.name).toBe('corp');
  });

  it('migrates an old file: keeps valid profiles, drops ones that no longer parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-settings-'));
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ui: { language: 'fr' }, profiles: [profile, { name: 'broken', directory: { host: 'x y' } }] }));
    const store = createFileSettings(dir, logger);
    // A profile saved before Kerberos sign-in existed reads as a password profile.
    expect(store.read()).toEqual({
      ui: { language: 'en', theme: 'system' },
      profiles: [{ ...profile, directory: { ...profile.directory, authentication: 'password' } }],
    });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).__internal__.migrations.version).toBe('1.0.0');
  });

  it('refuses to store a profile that breaks the schema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-settings-'));
    const store = createFileSettings(dir, logger);
    expect(() => store.update((s) => ({ ...s, profiles: [{ ...profile, directory: { ...profile.directory, port: 70000 } } as never] }))).toThrow();
    expect(store.read().profiles).toEqual([]);
  });

  it('never writes a password field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'umc-settings-'));
    const store = createFileSettings(dir, logger);
    store.update((s) => ({ ...s, profiles: [{ ...profile, password: 'hunter2' } as never] }));
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toContain('hunter2');
  });
});
