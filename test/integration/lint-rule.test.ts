import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

// The house rule: inside core, only the system Clock and Random touch real time and randomness.
const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const eslint = new ESLint({ cwd: repo });

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
