// One ESLint configuration for every workspace (each runs `eslint .` from its folder; ESLint
// finds this file). Rules need no type information, so linting costs no TypeScript program;
// `npm run typecheck` is the type check.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import boundaries from './lint/boundaries.js';

const nodeFiles = [
  'server/**',
  'stripe-emulator/**',
  'e2e/**',
  'bench/**',
  'scripts/**',
  'lint/**',
  '*.js',
  '*/*.config.ts',
  '*/codegen.ts',
  'web-shared/build/**',
];
const webFiles = ['admin-web/src/**', 'portal-web/src/**', 'web-shared/src/**'];

export default tseslint.config(
  {
    // Generated: codegen's typed documents, builds, test artifacts.
    ignores: ['**/dist/**', '**/src/gql/**', 'e2e/artifacts/**', 'bench/results/**', '**/.data/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX, boundaries },
    settings: {
      // Which files import-x reads to follow imports, and with which parser.
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts'] },
      'import-x/resolver-next': [
        // The server and e2e import `./x.js` for `x.ts` (NodeNext); the apps import `./x`.
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'] },
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // `if (x) clauses.push(…) && params.push(…)` and `ok ? resolve() : reject()` are idioms here.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // A closure that reads a variable assigned after it (the Apollo clients' error links).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `const { [key]: _gone, ...rest } = values` drops a key.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // Tests read GraphQL answers and database rows without declaring their shapes.
    files: ['**/*.test.ts', '**/*fixtures.ts', 'server/src/test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: nodeFiles, languageOptions: { globals: globals.node } },
  { files: webFiles, languageOptions: { globals: globals.browser } },
  {
    files: ['server/src/**'],
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'boundaries/module-front-door': ['error', { dir: 'server/src/modules' }],
    },
  },
  {
    files: ['admin-web/src/**', 'portal-web/src/**'],
    rules: { 'boundaries/feature-isolation': ['error', { dir: 'src/features' }] },
  },
);
