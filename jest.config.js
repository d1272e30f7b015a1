/**
 * Files of ES-module-only dependencies (or CommonJS files importing them dynamically) that Node 20
 * loads natively but Jest's CommonJS module runtime cannot: compiled to CommonJS for tests only.
 */
const ESM_FILES = [
  'quick-lru/.+\\.js',
  'mercurius/index\\.js',
  // sanitize-html's HTML parser and its helpers
  '(htmlparser2|domhandler|domutils|dom-serializer|domelementtype|entities)/dist/.+\\.js',
  // the official Meilisearch client (search/meilisearch/)
  'meilisearch/dist/.+\\.js',
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/search', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // First match wins: the Meilisearch client needs native class-field semantics (see the transform).
    '/node_modules/meilisearch/dist/.+\\.js$': '<rootDir>/search/meilisearch/meilisearch-client.jest-transform.js',
    [`/node_modules/(${ESM_FILES.join('|')})$`]: [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_FILES.join('|')})$)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Decorator metadata is dropped for classes evaluated before reflect-metadata is installed.
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  // A fresh worker for every test file: Nest's code-first type mapping compares field types with
  // the built-ins of the context it was first loaded in, which breaks when Jest reuses a worker.
  workerIdleMemoryLimit: '1MB',
};
