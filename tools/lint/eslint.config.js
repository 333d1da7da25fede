// ESLint for the whole repository (run from the root: `npm run lint`). It lives here, beside its
// own TypeScript 5.9, because typescript-eslint needs TypeScript's JavaScript API and the
// TypeScript 7 compiler the project builds with does not ship one.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const features = ['checklist', 'contacts', 'enablement', 'permissions', 'powershell', 'settings', 'topology', 'gateways'];

/** A feature reaches another feature's code only through shared/ or a component, never its files. */
const otherFeatures = (self) =>
  features
    .filter((f) => f !== self)
    .map((f) => ({
      group: [`../${f}/*`, `../../features/${f}/*`, `@/features/${f}/*`],
      message: `Feature "${self}" must not import feature "${f}"'s internals: move what both need to shared/ or components/.`,
    }));

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'out/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', 'tools/**', 'resources/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/electron/**', 'electron', 'node:*'],
              message: 'The renderer talks to the main process only through the contract (renderer/src/api).',
            },
          ],
        },
      ],
    },
  },
  ...features.map((f) => ({
    files: [`renderer/src/features/${f}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/electron/**', 'electron', 'node:*'],
              message: 'The renderer talks to the main process only through the contract (renderer/src/api).',
            },
            ...otherFeatures(f),
          ],
        },
      ],
    },
  })),
  {
    files: ['electron/services/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Services and shared code run in the web host and the CLI too: only electron/adapters and main.ts may import electron.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared/ is pure.' }],
          patterns: [
            {
              group: ['**/electron/**', '**/renderer/**', 'node:*'],
              message: 'shared/ is used by the renderer too: no Node APIs, no main-process or renderer code.',
            },
          ],
        },
      ],
    },
  },
);
