import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { builtinConfigReference } from '../support/config-reference.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('docs/configuration.md', () => {
  it('matches the schemas exactly (run `npm run docs:config` after changing a schema)', async () => {
    const expected = await builtinConfigReference();
    const actual = readFileSync(join(repo, 'docs/configuration.md'), 'utf8');
    assert.equal(actual, expected);
  });

  it('documents every key of every built-in component', async () => {
    const text = await builtinConfigReference();
    for (const key of ['logLevel', 'monitor.probeInterval', 'backoff.randomizationFactor', 'targets[].options.host', 'exporters.prometheus.port', 'exporters.otel.endpoint']) {
      assert.ok(text.includes(`\`${key}\``), `missing ${key}`);
    }
  });
});
