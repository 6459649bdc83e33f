import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// The house rules: only the system Clock and Random touch real time and randomness (core, plugins,
// examples), and plugins import only the SDK. The snippets are virtual files, outside any tsconfig,
// so the type-aware rules are switched off for them.
const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const eslint = new ESLint({ cwd: repo, overrideConfig: [tseslint.configs.disableTypeChecked] });

async function problems(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repo, file) });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('lint: no hidden time or randomness in core', () => {
  const offending = [
    'export const a = Date.now();',
    'export const b = Math.random();',
    'setTimeout(() => undefined, 1);',
    'export const c = new Date();',
    "import { setTimeout as wait } from 'node:timers/promises';\nexport const d = wait;",
  ];
  for (const code of offending) {
    it(`rejects ${JSON.stringify(code.split('\n')[0])} in core/src/monitor`, async () => {
      const found = await problems(code, 'packages/core/src/monitor/probe-example.ts');
      assert.ok(found.some((r) => r.startsWith('no-restricted')), `expected a no-restricted-* problem, got ${JSON.stringify(found)}`);
    });
  }

  it('allows them in core/src/clock, where the system Clock lives', async () => {
    const found = await problems('export const a = Date.now();\nsetTimeout(() => undefined, 1);', 'packages/core/src/clock/example.ts');
    assert.deepEqual(found.filter((r) => r.startsWith('no-restricted')), []);
  });

  it('allows a Date built from a known instant', async () => {
    const found = await problems('export const d = new Date(5).toISOString();', 'packages/core/src/monitor/probe-example.ts');
    assert.deepEqual(found.filter((r) => r.startsWith('no-restricted')), []);
  });
});

describe('lint: plugins and examples use the SDK and the injected Clock', () => {
  for (const file of ['packages/rds-ssh-plugin/src/runner/example.ts', 'packages/exporter-otel/src/example.ts', 'examples/tcp-transport-plugin/src/example.ts']) {
    it(`rejects real time in ${file}`, async () => {
      for (const code of ['export const a = performance.now();', 'export const b = Date.now();', 'setTimeout(() => undefined, 1);']) {
        const found = await problems(code, file);
        assert.ok(found.some((r) => r.startsWith('no-restricted')), `${code}: expected a no-restricted-* problem, got ${JSON.stringify(found)}`);
      }
    });
    it(`rejects host and cross-package imports in ${file}`, async () => {
      for (const code of [
        "import { Agent } from '@rds-agent/core/host';\nexport const a = Agent;",
        "import { keyscan } from '@rds-agent/rds-ssh-plugin';\nexport const k = keyscan;",
        "import { Metrics } from '../../../packages/core/src/metrics/catalog.js';\nexport const m = Metrics;",
      ]) {
        const found = await problems(code, file);
        assert.ok(found.includes('no-restricted-imports'), `${code}: expected no-restricted-imports, got ${JSON.stringify(found)}`);
      }
    });
    it(`allows the SDK in ${file}, and the testing kit in its tests`, async () => {
      assert.deepEqual(await problems("import { ErrorCode } from '@rds-agent/core';\nexport const e = ErrorCode;", file), []);
      assert.ok((await problems("import { FakeClock } from '@rds-agent/core/testing';\nexport const c = FakeClock;", file)).includes('no-restricted-imports'));
      assert.deepEqual(await problems("import { FakeClock } from '@rds-agent/core/testing';\nexport const c = FakeClock;", file.replace('example.ts', 'example.test.ts')), []);
    });
  }
});
