// Lint: typescript-eslint's recommended rules on every package's src, plus the house rule that
// only the system Clock and Random touch real time and randomness inside core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const timeAndRandom = [
  { object: 'Date', property: 'now', message: 'Use the injected Clock (Tokens.Clock); only core/src/clock may read real time.' },
  { object: 'Math', property: 'random', message: 'Use the injected Random (Tokens.Random); only core/src/clock may draw real randomness.' },
];
const timerGlobals = ['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({
  name,
  message: 'Use Clock.sleep(ms, signal); only core/src/clock may schedule real timers.',
}));

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/**', '.tmp/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/clock/**', 'packages/core/src/testing/**', 'packages/core/src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', ...timeAndRandom],
      'no-restricted-globals': ['error', ...timerGlobals],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'new Date() reads real time: use the injected Clock.' },
        { selector: "MemberExpression[object.name='globalThis'][property.name=/^(setTimeout|setInterval|setImmediate)$/]", message: 'Use Clock.sleep.' },
        { selector: "ImportSpecifier[imported.name=/^(setTimeout|setInterval|setImmediate)$/]", message: 'Use Clock.sleep.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
