// One flat config for the workspace, scripts under tools/ and docker/ included. The module-boundary rule keeps the
// direction of docs/architecture.md "Layers":
// apps → adapters (kafka, observability, config) → contracts and pure domain (event-schema, masking, enrichment).
import nx from '@nx/eslint-plugin';
import js from '@eslint/js';

// The globals of Node.js that the scripts use (no browser globals: they run on Node only).
const NODE_GLOBALS = [
  'process',
  'console',
  'Buffer',
  'URL',
  'URLSearchParams',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'queueMicrotask',
  'structuredClone',
  'AbortController',
  'AbortSignal',
  'TextEncoder',
  'TextDecoder',
  'performance',
  'fetch',
  'global',
  'globalThis',
];

// I/O that pure libraries must never import: they are functions over values.
const ioModules = [
  'kafkajs',
  'winston',
  'prom-client',
  '@faker-js/faker',
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'http',
  'node:http',
  'https',
  'node:https',
  'net',
  'node:net',
  'child_process',
  'node:child_process',
];

export default [
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/tmp',
      '**/coverage',
      'tools/kafka/.run*/**',
      'tools/bench/results/**',
      '**/jest.config.js',
      '**/jest.int.config.js',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:adapter', 'type:contract', 'type:domain'],
              bannedExternalImports: ['kafkajs'],
            },
            {
              sourceTag: 'type:adapter',
              onlyDependOnLibsWithTags: ['type:contract', 'type:domain'],
              bannedExternalImports: ['@faker-js/faker'],
            },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:contract', 'type:domain'],
              bannedExternalImports: ioModules,
            },
            {
              sourceTag: 'type:contract',
              onlyDependOnLibsWithTags: ['type:contract'],
              bannedExternalImports: ioModules,
            },
            // Only libs/kafka talks to kafkajs; only the generator makes fake data.
            { sourceTag: 'scope:observability', bannedExternalImports: ['kafkajs'] },
            { sourceTag: 'scope:config', bannedExternalImports: ['kafkajs'] },
            { sourceTag: 'scope:processor', bannedExternalImports: ['@faker-js/faker'] },
            { sourceTag: 'scope:dlq-replayer', bannedExternalImports: ['@faker-js/faker'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Node built-ins are not "external imports" for the Nx rule, so pure libraries ban I/O modules here too.
    files: ['libs/event-schema/**/*.ts', 'libs/masking/**/*.ts', 'libs/enrichment/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ioModules.map((name) => ({ name, message: 'pure libraries do no I/O: inject it from an adapter' })) },
      ],
    },
  },
  {
    // The repository's scripts (tools/, docker/verify): plain ESM on Node, held to the same core rules as the code.
    files: ['**/*.mjs'],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: Object.fromEntries(NODE_GLOBALS.map((name) => [name, 'readonly'])),
    },
    rules: {
      ...js.configs.recommended.rules,
      'no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      'no-empty': ['error', { allowEmptyCatch: false }],
      // Untyped scripts say "absent" (null or undefined) with `== null`; every other comparison is strict.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Benchmark and test code may assert what it just built.
    files: ['tools/bench/src/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.soak-spec.ts', '**/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
