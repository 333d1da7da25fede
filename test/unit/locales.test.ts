import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The console's two languages, checked as a translator's reviewer would: same keys and
 * placeholders, Microsoft's zh-TW terms (docs/zh-tw-glossary.md, each term with its source),
 * the punctuation of Microsoft's human-translated zh-TW pages, nothing left in English that
 * Microsoft translates, and English plurals that agree with their number.
 */

const repo = join(import.meta.dirname, '../..');
const roots = [join(repo, 'renderer/src/locales'), join(repo, 'shared/locales')];

type Strings = Map<string, string>;

function flatten(value: unknown, prefix = '', out: Strings = new Map()): Strings {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, String(value));
  return out;
}

const load = (root: string, lang: string, file: string) => flatten(JSON.parse(readFileSync(join(root, lang, file), 'utf8')));

/** i18next plural keys (`key_one`, `key_other`): English has both forms, Chinese has one. */
const PLURAL = /_(zero|one|two|few|many|other)$/;
const base = (key: string) => key.replace(PLURAL, '');

/** Every (file, key, en, zh) with the Chinese string that i18next shows for it. */
function pairs() {
  const out: { where: string; key: string; en: string; zh: string }[] = [];
  for (const root of roots) {
    for (const file of readdirSync(join(root, 'en'))) {
      const en = load(root, 'en', file);
      const zh = load(root, 'zh-TW', file);
      const zhByBase = new Map([...zh].map(([k, v]) => [base(k), v]));
      for (const [key, value] of en) out.push({ where: `${file}:${key}`, key, en: value, zh: zhByBase.get(base(key)) ?? '' });
    }
  }
  return out;
}

describe.each(roots)('translations in %s', (root) => {
  const namespaces = readdirSync(join(root, 'en'));

  it.each(namespaces)('%s has the same keys in English and Traditional Chinese', (file) => {
    const en = new Set([...load(root, 'en', file).keys()].map(base));
    const zh = new Set([...load(root, 'zh-TW', file).keys()].map(base));
    expect([...zh].sort()).toEqual([...en].sort());
  });

  it('has no empty strings and the same interpolation placeholders', () => {
    for (const file of namespaces) {
      const en = load(root, 'en', file);
      const zh = new Map([...load(root, 'zh-TW', file)].map(([k, v]) => [base(k), v]));
      for (const [key, e] of en) {
        const z = zh.get(base(key)) ?? '';
        expect(e.length, `${file}:${key}`).toBeGreaterThan(0);
        expect(z.length, `${file}:${key}`).toBeGreaterThan(0);
        // A singular form may spell the number out ("An unfinished job"), so plurals ignore {{count}}.
        const placeholders = (s: string) => [...new Set(s.match(/\{\{\w+\}\}/g) ?? [])].filter((p) => !PLURAL.test(key) || p !== '{{count}}').sort();
        expect(placeholders(z), `${file}:${key}`).toEqual(placeholders(e));
      }
    }
  });
});

// --- Traditional Chinese as Microsoft writes it --------------------------------------------

interface Term {
  en: string;
  zh: string;
  avoid: string[];
}

/** A table of docs/zh-tw-glossary.md: `Terms` (required wherever the English names them) or `Words` (avoid-list only). */
function glossary(table: 'Terms' | 'Words'): Term[] {
  const text = readFileSync(join(repo, 'docs/zh-tw-glossary.md'), 'utf8');
  const section = (text.split(`## ${table}`)[1] ?? '').split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| English') && !line.startsWith('|---'))
    .map((line) => {
      const [en = '', zh = '', avoid = ''] = line
        .split('|')
        .slice(1, 4)
        .map((c) => c.trim());
      return { en, zh, avoid: avoid ? avoid.split(/,\s*/) : [] };
    });
}

const CJK = '\\u3400-\\u9fff';
/** Placeholders and markup are neither Chinese nor Latin for the spacing rules. */
const prose = (s: string) => s.replace(/\{\{\w+\}\}/g, '\u0000').replace(/<\/?\d+>/g, '');

/** Counted over Lync 2013's human-translated zh-TW pages: see docs/zh-tw-glossary.md. */
const punctuation: [string, RegExp][] = [
  ['half-width , : ; ? ! next to Chinese (use ，：；？！)', new RegExp(`[${CJK}][,:;?!]|[,;?!]\\s*[${CJK}]`)],
  ['no space between Chinese and Latin letters or digits', new RegExp(`[${CJK}][A-Za-z0-9]|[A-Za-z0-9][${CJK}]`)],
  ['full-width parentheses (Microsoft writes 「組織單位 (OU)」)', /[（）]/],
  ['space next to full-width punctuation', /[，。：；、？！「」]\s|\s[，。：；、？！」]/],
  ['straight or curly double quotes (use 「」)', /["“”]/],
  ['space inside parentheses', /\(\s|\s\)/],
];

/** Names Microsoft leaves in English in its zh-TW pages, and values that are not prose. */
const stayEnglish = new Set([
  'PowerShell',
  'Windows PowerShell',
  'Exchange PowerShell',
  'Lync PowerShell',
  'Exchange',
  'Lync',
  'English',
  'LDAP',
  'InetOrgPerson',
  'UTF-8',
  'UTF-16 BE',
  'http://',
  'https://',
  'Lync Server',
  'FQDN',
  'Survivable Branch Appliance',
]);

/** Strings where the English term is a value the directory holds, not prose to translate. */
const termExceptions: Record<string, string> = {
  // The proposed name is the contact's cn, written in English as OcsUmUtil writes it.
  'contacts.json:form.nameHelp': 'Subscriber Access',
  // Contact and AppContact here are the object types Grant-CsOUPermission takes (-ObjectType).
  'permissions.json:types.hint': 'contact',
};

describe('Traditional Chinese', () => {
  const all = pairs();
  const terms = glossary('Terms');
  const everyTerm = [...terms, ...glossary('Words')];

  it('reads the glossary', () => {
    expect(terms.length).toBeGreaterThan(30);
    for (const term of terms) expect(term.zh, term.en).toBeTruthy();
  });

  it('uses no word the glossary tells to avoid', () => {
    const found = all.flatMap(({ where, zh }) =>
      everyTerm.flatMap((t) => t.avoid.filter((word) => zh.includes(word)).map((word) => `${where}: ${word} → ${t.zh}`)),
    );
    expect(found).toEqual([]);
  });

  it('names each role with the glossary term wherever the English names it', () => {
    const found = all.flatMap(({ where, en, zh }) =>
      terms
        .filter((t) => termExceptions[where] !== t.en)
        .filter((t) => new RegExp(`(?<![-\\w])${t.en}s?\\b`, 'i').test(prose(en)) && !zh.includes(t.zh))
        .map((t) => `${where}: "${t.en}" without ${t.zh}: ${zh}`),
    );
    expect(found).toEqual([]);
  });

  it('punctuates and spaces as Microsoft zh-TW does', () => {
    const found = all.flatMap(({ where, zh }) => punctuation.filter(([, rule]) => rule.test(prose(zh))).map(([name]) => `${where}: ${name}: ${zh}`));
    expect(found).toEqual([]);
  });

  it('leaves nothing untranslated', () => {
    const found = all
      .filter(({ en, zh }) => en === zh && /[A-Za-z]{3}/.test(prose(en)) && !stayEnglish.has(en))
      .filter(({ en }) => /[A-Za-z]{3}/.test(en.replace(/\{\{\w+\}\}/g, '')))
      .map(({ where, zh }) => `${where}: ${zh}`);
    expect(found).toEqual([]);
  });
});

// --- English plurals ---------------------------------------------------------------------

/** Placeholders that hold a number (as opposed to a name, which may be followed by a verb). */
const NUMBER =
  /^\{\{(count|n|total|rows|missing|forests|roundTrips|restarts|ous|entries|finished|inFlight|remaining|done|failed|ready|invalid|warnings|alreadyDone)\}\}$/;
/** Words after a number that are not plural nouns. */
const notNouns = new Set(['is', 'was', 'has', 'does', 'ms', 'of']);

describe('English plurals', () => {
  it('never writes "(s)"', () => {
    expect(
      pairs()
        .filter(({ en }) => /\w\(s\)/.test(en))
        .map(({ where, en }) => `${where}: ${en}`),
    ).toEqual([]);
  });

  it('gives every counted noun a singular and a plural form', () => {
    const found = pairs()
      .filter(({ key, en }) => {
        if (PLURAL.test(key)) return false;
        return [...en.matchAll(/(\{\{\w+\}\}) ([A-Za-z-]+)/g)].some(
          ([, value = '', word = '']) => NUMBER.test(value) && /s$/.test(word) && !notNouns.has(word),
        );
      })
      .map(({ where, en }) => `${where}: ${en}`);
    expect(found).toEqual([]);
  });

  it('has both forms of every plural key', () => {
    for (const root of roots) {
      for (const file of readdirSync(join(root, 'en'))) {
        const keys = [...load(root, 'en', file).keys()];
        for (const key of keys.filter((k) => k.endsWith('_one'))) expect(keys, `${file}:${key}`).toContain(`${base(key)}_other`);
      }
    }
  });
});
