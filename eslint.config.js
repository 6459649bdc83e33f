// Lint: typescript-eslint's recommended rules plus the type-aware promise rules on every package's
// TypeScript, and the house rules:
// - only the system Clock and Random touch real time and randomness (core, plugins, examples);
// - plugins and examples are written against the SDK only: `@rds-agent/core` (and its `/testing`
//   kit in tests), never the host, another package's internals or another plugin.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const timeAndRandom = [
  { object: 'Date', property: 'now', message: 'Use the injected Clock; only core/src/clock may read real time.' },
  { object: 'Math', property: 'random', message: 'Use the injected Random; only core/src/clock may draw real randomness.' },
  { object: 'performance', property: 'now', message: 'Use the injected Clock (clock.now()); only core/src/clock may read real time.' },
];
const timerGlobals = ['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({
  name,
  message: 'Use Clock.sleep(ms, signal); only core/src/clock may schedule real timers.',
}));
const timeRules = {
  'no-restricted-properties': ['error', ...timeAndRandom],
  'no-restricted-globals': ['error', ...timerGlobals],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads real time: use the injected Clock.' },
    { selector: "MemberExpression[object.name='globalThis'][property.name=/^(setTimeout|setInterval|setImmediate)$/]", message: 'Use Clock.sleep.' },
    { selector: "ImportSpecifier[imported.name=/^(setTimeout|setInterval|setImmediate)$/]", message: 'Use Clock.sleep.' },
  ],
};

/** What a plugin may import of the project: the SDK (and the testing kit, in tests). */
function sdkOnly(allowTesting) {
  const allowed = ['!@rds-agent/core', ...(allowTesting ? ['!@rds-agent/core/testing'] : [])];
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['@rds-agent/*', '@rds-agent/*/**', ...allowed],
            message: allowTesting
              ? 'A plugin is written against the SDK: import only @rds-agent/core and, in tests, @rds-agent/core/testing.'
              : 'A plugin is written against the SDK: import only @rds-agent/core (the host is @rds-agent/core/host, for distributions).',
          },
          { group: ['**/core/src/**', '**/core/dist/**', '../../*/src/**', '../../../packages/**'], message: "Import another package through its exports, never its src/ or dist/." },
        ],
      },
    ],
  };
}

const pluginSources = ['packages/rds-ssh-plugin/src/**/*.ts', 'packages/exporter-prometheus/src/**/*.ts', 'packages/exporter-otel/src/**/*.ts', 'examples/*/src/**/*.ts'];
const testFiles = ['**/*.test.ts', '**/*.test.support.ts', '**/testing/**'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/**', '.tmp/**', 'coverage/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // A promise nobody awaits or catches is a crash or a silent failure waiting to happen.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/clock/**', 'packages/core/src/testing/**', 'packages/core/src/**/*.test.ts'],
    rules: timeRules,
  },
  {
    files: pluginSources,
    ignores: testFiles,
    rules: { ...timeRules, ...sdkOnly(false) },
  },
  {
    files: pluginSources.map((p) => p.replace('**/*.ts', '**/*.test.ts')).concat(pluginSources.map((p) => p.replace('**/*.ts', '**/*.test.support.ts'))),
    rules: sdkOnly(true),
  },
  {
    // A plugin's own test kit (the rds-ssh simulator) is a test aid that runs real servers: SDK and testing kit only.
    files: ['packages/*/src/testing/**/*.ts'],
    ignores: ['packages/core/src/testing/**'],
    rules: sdkOnly(true),
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
