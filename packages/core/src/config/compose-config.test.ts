import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { corePlugin } from '../agent/core-plugin.js';
import { ConfigError } from '../errors/agent-error.js';
import { silentLogger } from '../logging/logger.js';
import { ComponentRegistry } from '../plugin/component-registry.js';
import { loadRawConfig } from './load-config.js';
import { redactConfig } from './redact.js';
import { validateAgentConfig } from './compose-config.js';
import { envNameFor } from './convict-adapter.js';
import { parseDuration } from './duration.js';

const testdata = join(fileURLToPath(new URL('.', import.meta.url)), '../../src/config/testdata');

async function registry(): Promise<ComponentRegistry> {
  const reg = new ComponentRegistry();
  await corePlugin.register(reg.hostFor(corePlugin.name, silentLogger()), {});
  const host = reg.hostFor('test-plugin', silentLogger());
  host.addTransport('test', {
    schema: {
      host: { doc: 'host', format: String, default: '' },
      port: { doc: 'port', format: 'port', default: 22 },
      passwordFile: { doc: 'secret file', format: 'file-path', default: null, sensitive: true },
      verify: { doc: 'verify', format: 'strict-boolean', default: true },
    },
    validate: (c: Record<string, unknown>) => (c['host'] === '' ? [{ key: 'host', message: 'is required' }] : []),
    create: () => {
      throw new Error('not used');
    },
  });
  host.addExporter('test', {
    schema: {
      port: { doc: 'port', format: 'port', default: 9464 },
      token: { doc: 'token', format: String, default: '', sensitive: true },
      attributes: { doc: 'attributes', format: 'string-map', default: {} },
    },
    create: () => {
      throw new Error('not used');
    },
  });
  return reg;
}

const target = (extra: Record<string, unknown> = {}) => ({ name: 'rds-1', transport: 'test', options: { host: '10.0.0.5' }, ...extra });
const base = (extra: Record<string, unknown> = {}) => ({ targets: [target()], ...extra });

function issuesOf(fn: () => unknown): { key: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return [...err.issues];
  }
  assert.fail('expected the config to be rejected');
}

describe('validateAgentConfig', () => {
  it('loads the valid sample with defaults and per-target overrides merged', async () => {
    const { raw } = loadRawConfig(join(testdata, 'valid.yaml'), {});
    const config = validateAgentConfig(raw, await registry(), { env: {} });
    assert.equal(config.targets.length, 2);
    const [a, b] = config.targets;
    assert.deepEqual(a!.monitor, {
      probeInterval: 5000,
      probeTimeout: 2000,
      connectTimeout: 10000,
      firstAttemptJitter: 12000,
      telemetryInterval: 60000,
      telemetryTimeout: 10000,
    });
    assert.equal(b!.monitor.probeInterval, 10000);
    assert.equal(b!.monitor.probeTimeout, 2000, 'inherited from the top-level monitor section');
    assert.deepEqual(a!.backoff, {
      strategy: 'exponential',
      params: { initialInterval: 1000, multiplier: 2, maxInterval: 16000, randomizationFactor: 0.1, maxElapsedTime: 0 },
    });
    assert.equal(b!.backoff.params['maxInterval'], 30000);
    assert.equal(b!.backoff.params['initialInterval'], 1000, 'inherited from the top-level backoff section');
    assert.deepEqual(b!.options, { host: 'rds-2.example', port: 2222, passwordFile: null, verify: true });
    assert.deepEqual(config.exporters, [{ type: 'test', enabled: true, options: { port: 9464, token: '', attributes: {} } }]);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.targets[0]!.options), 'the loaded config is frozen');
  });

  it('uses the reference backoff defaults when no backoff section is given', async () => {
    const config = validateAgentConfig(base(), await registry(), { env: {} });
    assert.deepEqual(config.backoff.params, { initialInterval: 1000, multiplier: 2, maxInterval: 16000, randomizationFactor: 0.1, maxElapsedTime: 0 });
  });

  it('keeps randomizationFactor 0 as 0 (no jitter), unlike the reference', async () => {
    const config = validateAgentConfig(base({ backoff: { randomizationFactor: 0 } }), await registry(), { env: {} });
    assert.equal(config.backoff.params['randomizationFactor'], 0);
  });

  it('applies RDS_AGENT_* environment variables and --set overrides over the file', async () => {
    const env = { RDS_AGENT_LOG_LEVEL: 'debug', RDS_AGENT_MONITOR_PROBE_INTERVAL: '750ms', RDS_AGENT_MONITOR_PROBE_TIMEOUT: '500ms', RDS_AGENT_EXPORTERS_TEST_PORT: '9100', RDS_AGENT_BACKOFF_MAX_INTERVAL: '8s' };
    const config = validateAgentConfig(base({ exporters: { test: { enabled: true } } }), await registry(), { env, set: { 'exporters.test.enabled': 'false' } });
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.monitor.probeInterval, 750);
    assert.equal(config.targets[0]!.monitor.probeInterval, 750);
    assert.equal(config.exporters[0]!.options['port'], 9100);
    assert.equal(config.exporters[0]!.enabled, false);
    assert.equal(config.backoff.params['maxInterval'], 8000);
    assert.equal(envNameFor('exporters.prometheus.basicAuth.users'), 'RDS_AGENT_EXPORTERS_PROMETHEUS_BASIC_AUTH_USERS');
  });

  it('keeps dotted keys of map settings intact (convict alone splits them)', async () => {
    const config = validateAgentConfig(base({ exporters: { test: { enabled: true, attributes: { 'deployment.environment': 'prod', team: 'storage' } } } }), await registry(), { env: {} });
    assert.deepEqual(config.exporters[0]!.options['attributes'], { 'deployment.environment': 'prod', team: 'storage' });
  });

  it('redacts sensitive settings for print-config', async () => {
    const reg = await registry();
    const config = validateAgentConfig(base({ targets: [target({ options: { host: 'h', passwordFile: '/secret' } })], exporters: { test: { enabled: true, token: 's3cret' } } }), reg, { env: {} });
    const shown = JSON.stringify(redactConfig(config, reg));
    assert.ok(!shown.includes('s3cret') && !shown.includes('/secret'), shown);
    assert.match(shown, /\[redacted\]/);
  });
});

// Each row: a config (relative to a valid one), the key the error must name, and a fragment of the message.
const INVALID: [string, Record<string, unknown>, string, RegExp][] = [
  ['log level not in the list', base({ logLevel: 'loud' }), 'logLevel', /must be one of.*value was "loud"/],
  ['duration with a bad unit', base({ monitor: { probeInterval: '5 parsecs' } }), 'monitor.probeInterval', /duration.*5 parsecs/],
  ['negative duration', base({ monitor: { probeTimeout: -5 } }), 'monitor.probeTimeout', /duration.*-5/],
  ['NaN does not slip through', base({ monitor: { connectTimeout: Number.NaN } }), 'monitor.connectTimeout', /duration/],
  ['unknown top-level key', base({ logLevle: 'info' }), 'logLevle', /unknown setting/],
  ['unknown backoff strategy', base({ backoff: { strategy: 'fibonacci' } }), 'backoff.strategy', /unknown backoff strategy "fibonacci".*exponential/],
  ['randomization above 1', base({ backoff: { randomizationFactor: 1.5 } }), 'backoff.randomizationFactor', /0 to 1.*1\.5/],
  ['multiplier below 1', base({ backoff: { multiplier: 0.5 } }), 'backoff.multiplier', /number >= 1.*0\.5/],
  ['max interval below initial', base({ backoff: { initialInterval: '10s', maxInterval: '1s' } }), 'backoff.maxInterval', /maxInterval|initialInterval/],
  ['unknown backoff parameter', base({ backoff: { initalInterval: '1s' } }), 'backoff.initalInterval', /unknown setting.*initialInterval/],
  ['targets missing', {}, 'targets', /at least one target/],
  ['targets not a list', { targets: 'rds-1' }, 'targets', /at least one target/],
  ['target without a name', { targets: [{ transport: 'test', options: { host: 'h' } }] }, 'targets[0].name', /must be 1-63/],
  ['target name with spaces', { targets: [target({ name: 'my rds' })] }, 'targets[0].name', /"my rds"/],
  ['duplicate target names', { targets: [target(), target()] }, 'targets[1].name', /duplicate target name "rds-1"/],
  ['unknown transport', { targets: [target({ transport: 'telnet' })] }, 'targets[0].transport', /unknown transport "telnet".*test/],
  ['transport option of the wrong type', { targets: [target({ options: { host: 'h', port: 70000 } })] }, 'targets[0].options.port', /port/],
  ['"no" is not a boolean', { targets: [target({ options: { host: 'h', verify: 'no' } })] }, 'targets[0].options.verify', /true or false.*"no"/],
  ['unknown transport option', { targets: [target({ options: { host: 'h', hots: 'x' } })] }, 'targets[0].options.hots', /unknown setting.*did you mean "host"/],
  ['transport cross-field rule', { targets: [target({ options: {} })] }, 'targets[0].options.host', /is required/],
  ['per-target monitor override invalid', { targets: [target({ monitor: { probeInterval: 'soon' } })] }, 'targets[0].monitor.probeInterval', /duration.*soon/],
  ['per-target backoff override invalid', { targets: [target({ backoff: { randomizationFactor: -1 } })] }, 'targets[0].backoff.randomizationFactor', /0 to 1/],
  ['unknown exporter', base({ exporters: { graphite: { enabled: true } } }), 'exporters.graphite', /unknown exporter "graphite".*test/],
  ['exporter enabled not a boolean', base({ exporters: { test: { enabled: 'yes' } } }), 'exporters.test.enabled', /true or false/],
  ['map setting with a non-string value', base({ exporters: { test: { attributes: { 'service.tier': 3 } } } }), 'exporters.test.attributes.service.tier', /must be a string.*3/],
  ['map setting that is not a map', base({ exporters: { test: { attributes: 'a=b' } } }), 'exporters.test.attributes', /mapping/],
  ['plugins not a list', base({ plugins: 'my-plugin' }), 'plugins', /list of package names/],
  ['plugin entry without module', base({ plugins: [{ config: {} }] }), 'plugins[0]', /package name, a path/],
];

describe('invalid configs are rejected naming the key', () => {
  for (const [title, raw, key, message] of INVALID) {
    it(title, async () => {
      const reg = await registry();
      const issues = issuesOf(() => validateAgentConfig(raw, reg, { env: {} }));
      const hit = issues.find((i) => i.key === key);
      assert.ok(hit, `no issue for key ${key}; got ${JSON.stringify(issues)}`);
      assert.match(hit.message, message);
    });
  }

  it('collects all issues in one error', async () => {
    const reg = await registry();
    const raw = { logLevel: 'loud', monitor: { probeInterval: 'x' }, targets: [target({ transport: 'telnet' }), target({ name: 'b', options: {} })] };
    const keys = issuesOf(() => validateAgentConfig(raw, reg, { env: {} })).map((i) => i.key);
    // Cross-field rules of clean sections run too; the bad monitor section is not re-reported per target.
    assert.deepEqual(keys.sort(), ['logLevel', 'monitor.probeInterval', 'targets[0].transport', 'targets[1].options.host']);
  });

  it('does not print the value of a sensitive setting', async () => {
    const reg = await registry();
    const issues = issuesOf(() => validateAgentConfig(base({ exporters: { test: { token: 42 } } }), reg, { env: {} }));
    const hit = issues.find((i) => i.key === 'exporters.test.token');
    assert.ok(hit);
    assert.doesNotMatch(hit.message, /42/);
  });
});

describe('config files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rds-agent-config-'));
  it('interpolates ${env:...} and ${file:...}, reporting missing ones by key', () => {
    writeFileSync(join(dir, 'secret'), 'tok3n\n');
    const file = join(dir, 'c.yaml');
    writeFileSync(file, `targets:\n  - name: a\n    options:\n      host: \${env:RDS_HOST}\n      token: \${file:${join(dir, 'secret')}}\n      other: \${env:MISSING_VAR}\n`);
    assert.throws(() => loadRawConfig(file, { RDS_HOST: 'h' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.issues[0]!.key, 'targets[0].options.other');
      assert.match(err.issues[0]!.message, /MISSING_VAR is not set/);
      return true;
    });
    const { raw } = loadRawConfig(file, { RDS_HOST: 'h', MISSING_VAR: 'x' });
    assert.deepEqual((raw['targets'] as { options: unknown }[])[0]!.options, { host: 'h', token: 'tok3n', other: 'x' });
  });

  it('names the file and line of a YAML syntax error', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'targets:\n  - name: a\n   transport: [\n');
    assert.throws(() => loadRawConfig(file, {}), (err: unknown) => err instanceof ConfigError && /bad\.yaml is not valid YAML.*line/s.test(err.message));
  });

  it('reports a missing file', () => {
    assert.throws(() => loadRawConfig(join(dir, 'nope.yaml'), {}), (err: unknown) => err instanceof ConfigError && /ENOENT/.test(err.message));
  });
});

describe('parseDuration', () => {
  it('accepts ms numbers and unit strings, rejects the rest', () => {
    assert.equal(parseDuration(1500), 1500);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('5s'), 5000);
    assert.equal(parseDuration('1.5m'), 90000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration('2000'), 2000);
    for (const bad of ['', 's', '5 parsecs', '-1s', -1, 1.5, Number.NaN, null, true]) assert.equal(parseDuration(bad), undefined, String(bad));
  });
});
