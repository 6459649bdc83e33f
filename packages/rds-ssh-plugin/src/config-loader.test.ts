import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ConfigError, type ConfigIssue } from '@rds-agent/core';
import { configValidator, type ConfigValidator } from '@rds-agent/core/testing';
import plugin from './index.js';

// The same composition the agent does: core's schema + this plugin's fragment, through convict.
const registry = (): Promise<ConfigValidator> => configValidator([plugin]);

const FP = 'SHA256:' + 'A'.repeat(42) + 'c';
const target = (options: Record<string, unknown>) => ({ targets: [{ name: 'rds-1', transport: 'rds-ssh', options }] });
const good = { host: '10.0.0.10', username: 'monitor', privateKeyFile: '/etc/rds-agent/id', hostKeyFingerprints: [FP] };

function issuesOf(raw: Record<string, unknown>, validate: ConfigValidator): ConfigIssue[] {
  try {
    validate(raw);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.issues];
  }
  assert.fail('expected the config to be rejected');
}

test('the README sample target config validates, with durations converted to ms', async () => {
  const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
  const block = /## Sample target config\s+```yaml\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README has a yaml sample');
  const config = (await registry())(YAML.parse(block[1]!) as Record<string, unknown>);
  const options = config.targets[0]!.options as Record<string, unknown>;
  assert.equal(config.targets[0]!.transport, 'rds-ssh');
  assert.equal(options['connectTimeout'], 10_000);
  assert.equal(options['commandProbeInterval'], 60_000);
  assert.equal(options['keepaliveInterval'], 0);
  assert.equal(options['insecureSkipHostKeyCheck'], false);
  assert.equal(options['maxChannels'], 2);
  assert.deepEqual(options['telemetryDisks'], []);
  assert.equal(options['telemetryMaxDisks'], 32);
});

test('defaults fill every key not given', async () => {
  const config = (await registry())(target(good));
  const o = config.targets[0]!.options as Record<string, unknown>;
  assert.equal(o['port'], 22);
  assert.equal(o['probeCommand'], ':put 1');
  assert.equal(o['maxOutputBytes'], 2 * 1024 * 1024);
  assert.equal(o['passwordFile'], null);
  assert.deepEqual(o['telemetryDisks'], []);
  assert.equal(o['telemetryMaxDisks'], 32);
});

const INVALID: [string, Record<string, unknown>, string, RegExp?][] = [
  ['missing host', { ...good, host: undefined }, 'host', /required/],
  ['port out of range', { ...good, port: 70000 }, 'port'],
  ['"no" is not a boolean', { ...good, insecureSkipHostKeyCheck: 'no' }, 'insecureSkipHostKeyCheck', /true or false/],
  ['bad duration', { ...good, connectTimeout: 'soon' }, 'connectTimeout', /duration/],
  ['zero channels', { ...good, maxChannels: 0 }, 'maxChannels'],
  ['fingerprints not a list', { ...good, hostKeyFingerprints: 5 }, 'hostKeyFingerprints'],
  ['bad fingerprint', { ...good, hostKeyFingerprints: ['md5:aa'] }, 'hostKeyFingerprints[0]', /SHA256/],
  ['no credentials', { ...good, privateKeyFile: undefined }, 'privateKeyFile', /passwordFile/],
  ['no pinning', { ...good, hostKeyFingerprints: undefined }, 'hostKeyFingerprints', /insecureSkipHostKeyCheck/],
  ['inline password is not a setting', { ...good, password: 'hunter2' }, 'password', /unknown setting/],
  ['misspelt key', { ...good, hots: 'x' }, 'hots', /did you mean "host"/],
  ['telemetry slot that is no slot name', { ...good, telemetryDisks: ['raid 10'] }, 'telemetryDisks[0]', /"raid 10"/],
  ['telemetry disk cap zero', { ...good, telemetryMaxDisks: 0 }, 'telemetryMaxDisks'],
];

for (const [name, options, key, message] of INVALID) {
  test(`loader rejects: ${name} -> targets[0].options.${key}`, async () => {
    const issues = issuesOf(target(JSON.parse(JSON.stringify(options)) as Record<string, unknown>), await registry());
    const hit = issues.find((i) => i.key === `targets[0].options.${key}`);
    assert.ok(hit, `expected an issue for ${key}, got ${JSON.stringify(issues)}`);
    if (message) assert.match(hit.message, message);
    assert.ok(!JSON.stringify(issues).includes('hunter2'), 'an inline secret is never echoed');
  });
}
