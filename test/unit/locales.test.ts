import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const roots = [join(import.meta.dirname, '../../renderer/src/locales'), join(import.meta.dirname, '../../shared/locales')];

function keys(value: unknown, prefix = ''): string[] {
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
  return [prefix];
}

describe.each(roots)('translations in %s', (root) => {
  const namespaces = readdirSync(join(root, 'en'));

  it.each(namespaces)('%s has the same keys in English and Traditional Chinese', (file) => {
    const en = JSON.parse(readFileSync(join(root, 'en', file), 'utf8'));
    const zh = JSON.parse(readFileSync(join(root, 'zh-TW', file), 'utf8'));
    expect(keys(zh).sort()).toEqual(keys(en).sort());
  });

  it('has no empty strings and the same interpolation placeholders', () => {
    for (const file of namespaces) {
      const en = JSON.parse(readFileSync(join(root, 'en', file), 'utf8'));
      const zh = JSON.parse(readFileSync(join(root, 'zh-TW', file), 'utf8'));
      const get = (obj: unknown, path: string) => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], obj);
      for (const key of keys(en)) {
        const e = String(get(en, key));
        const z = String(get(zh, key));
        expect(e.length, `${file}:${key}`).toBeGreaterThan(0);
        expect(z.length, `${file}:${key}`).toBeGreaterThan(0);
        const placeholders = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort();
        expect(placeholders(z), `${file}:${key}`).toEqual(placeholders(e));
      }
    }
  });
});
