import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AgentError, ConfigError } from '../errors/agent-error.js';
import type { Plugin } from '../plugin/plugin.js';
import { loadTestConfig } from './test-config.js';

/** Options of {@link testdataSuite}. @public */
export interface TestdataSuiteOptions {
  /** Environment for `${env:...}` in the files. `TESTDATA` (the folder's path) is always set. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Registers a `node:test` suite over a plugin package's `testdata/` folder, in the style of the
 * OpenTelemetry Collector's per-component testdata: every `good*.yaml` must load through the agent's
 * real config pipeline with `plugins` as built-ins; every `bad_*.yaml` must be refused, and its
 * `# expect: <key>: <text>` header lines name an issue it must produce (the key exactly, the text as
 * a substring or `/regex/`). `${env:TESTDATA}` in a file is the folder itself (for key files).
 *
 * ```ts
 * testdataSuite(new URL('../testdata/', import.meta.url), [plugin]);
 * ```
 *
 * @public
 */
export function testdataSuite(folder: URL, plugins: readonly Plugin[], options: TestdataSuiteOptions = {}): void {
  const dir = fileURLToPath(folder);
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const env = { ...options.env, TESTDATA: dir.replace(/\/$/, '') };
  describe(`testdata: ${dir}`, () => {
    it('has a good config and bad ones', () => {
      assert.ok(files.some((f) => f.startsWith('good')), 'a good*.yaml');
      assert.ok(files.some((f) => f.startsWith('bad_')), 'at least one bad_*.yaml');
    });
    for (const file of files) {
      const path = `${dir}/${file}`;
      if (file.startsWith('good')) {
        it(`${file} loads`, async () => {
          await loadTestConfig({ plugins, file: path, env });
        });
      } else if (file.startsWith('bad_')) {
        const expects = readFileSync(path, 'utf8')
          .split('\n')
          .map((l) => /^#\s*expect:\s*(\S+?):\s*(.+)$/.exec(l))
          .filter((m): m is RegExpExecArray => m !== null)
          .map((m) => ({ key: m[1]!, text: m[2]!.trim() }));
        it(`${file} is refused naming ${expects.map((e) => e.key).join(', ') || '(no expect line!)'}`, async () => {
          assert.ok(expects.length > 0, `${file} needs a "# expect: <key>: <text>" line`);
          let issues: { key: string; message: string }[];
          try {
            await loadTestConfig({ plugins, file: path, env });
            assert.fail(`${file} was accepted`);
          } catch (err) {
            if (err instanceof ConfigError) issues = [...err.issues];
            else if (err instanceof AgentError) issues = [{ key: '(plugin)', message: err.message }];
            else throw err;
          }
          for (const { key, text } of expects) {
            const matches = (message: string): boolean => (text.startsWith('/') && text.endsWith('/') ? new RegExp(text.slice(1, -1)).test(message) : message.includes(text));
            assert.ok(
              issues.some((i) => i.key === key && matches(i.message)),
              `${file}: expected an issue ${key}: ${text}; got:\n${issues.map((i) => `  ${i.key}: ${i.message}`).join('\n')}`,
            );
          }
        });
      }
    }
  });
}
