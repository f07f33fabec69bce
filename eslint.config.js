// Lint: TypeScript rules plus the layering the architecture promises (STYLE.md §6-7):
// the domain imports neither HTTP nor storage nor channels; only store/ touches Kysely;
// only config.ts reads process.env.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'data/**', 'bench/out/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/http/**', '**/store/**', '**/channels/**', '**/services/**', 'kysely', 'fastify', 'pg', 'better-sqlite3'], message: 'The domain is pure: no HTTP, storage, channels or services.' }] },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/store/**', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'kysely', allowTypeImports: true, message: 'Only src/store touches Kysely (types may pass through, e.g. a transaction handle).' }], patterns: [{ group: ['better-sqlite3', 'pg'], message: 'Only src/store talks to the database.' }] },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only src/config.ts reads process.env; take config as a parameter.' }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
