// ESLint flat config: typescript-eslint's type-aware rules where they catch real bugs (promises that are
// never awaited or handled, promises passed where a callback's result is ignored), the import boundaries
// of docs/development.md, and eslint-config-prettier last so formatting is Prettier's alone.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

import boundaries from './eslint.boundaries.cjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'bench/results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-declaration-merging': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // specs assert on decoded JSON and wire packets field by field; typing each body adds nothing
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts', '**/*.system-spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // jest's module-registry tricks (isolateModules/doMock) and globalSetup loading compiled dist/ files need require()
    files: ['test/system/service-module-graph.system-spec.ts', 'test/**/global-setup.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...boundaries,
  prettier,
);
