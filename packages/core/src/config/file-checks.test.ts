import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, type ConfigIssue } from '../errors/agent-error.js';
import type { TransportDefinition } from '../transport/transport-definition.js';
import type { AgentConfig } from './agent-config.js';
import type { ComponentLookup } from './compose-config.js';
import { checkConfigFiles } from './file-checks.js';

const dir = mkdtempSync(join(tmpdir(), 'rds-file-checks-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const keyFile = join(dir, 'key');
writeFileSync(keyFile, 'a key\n');

function lookup(checkFiles: TransportDefinition['checkFiles']): ComponentLookup {
  const definition = {
    schema: { keyFile: { doc: 'a key', format: 'file-path', default: '' } },
    create: () => {
      throw new Error('not created by a file check');
    },
    ...(checkFiles ? { checkFiles } : {}),
  } as unknown as TransportDefinition;
  return {
    transport: (type) => (type === 'fake' ? definition : undefined),
    exporter: () => undefined,
    backoff: () => undefined,
    transportTypes: () => ['fake'],
    exporterTypes: () => [],
    backoffNames: () => [],
  };
}

function configWith(file: string): AgentConfig {
  return { targets: [{ name: 't', transport: 'fake', options: { keyFile: file } }], exporters: [] } as unknown as AgentConfig;
}

function issuesOf(fn: () => void): readonly ConfigIssue[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues;
  }
  return [];
}

test('a plugin check error is reported under the target key; its warnings go to the caller', () => {
  const warnings: ConfigIssue[] = [];
  const check = (): ConfigIssue[] => [
    { key: 'keyFile', message: 'is not a key' },
    { key: 'keyFile', message: 'is shared', severity: 'warning' },
  ];
  assert.deepEqual(issuesOf(() => checkConfigFiles(configWith(keyFile), lookup(check), warnings)), [{ key: 'targets[0].options.keyFile', message: 'is not a key' }]);
  const onlyWarning = (): ConfigIssue[] => [{ key: 'keyFile', message: 'is shared', severity: 'warning' }];
  checkConfigFiles(configWith(keyFile), lookup(onlyWarning), warnings);
  assert.deepEqual(warnings, [{ key: 'targets[0].options.keyFile', message: 'is shared', severity: 'warning' }]);
});

test('a plugin check that throws is contained and named, not a crash', () => {
  const throwing = (): ConfigIssue[] => {
    throw new Error('parser exploded');
  };
  assert.deepEqual(issuesOf(() => checkConfigFiles(configWith(keyFile), lookup(throwing))), [
    { key: 'targets[0].options', message: "the plugin's file check failed: parser exploded" },
  ]);
});

test('an unreadable file is reported as such, and the plugin check does not run on it', () => {
  let ran = false;
  const check = (): ConfigIssue[] => {
    ran = true;
    return [];
  };
  const missing = join(dir, 'missing');
  assert.deepEqual(issuesOf(() => checkConfigFiles(configWith(missing), lookup(check))), [
    { key: 'targets[0].options.keyFile', message: `cannot read ${JSON.stringify(missing)}: no such file (ENOENT)` },
  ]);
  assert.equal(ran, false);
});
