import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RDS_SSH_DEFAULTS, rdsSshConfigSchema, validateRdsSshConfig, type RdsSshConfig } from './config.js';
import { INPUT_DEFAULTS, INPUT_NAMES, type InputName, type InputSettings } from './inputs/input-settings.js';
import plugin, { rdsSshTransportDefinition } from './index.js';

const FP = 'SHA256:' + 'A'.repeat(42) + 'c';
const GOOD: RdsSshConfig = { ...RDS_SSH_DEFAULTS, host: 'rds-1.example', username: 'monitor', privateKeyFile: '/etc/rds-agent/id_ed25519', hostKeyFingerprints: [FP] };

test('a complete config has no issues', () => {
  assert.deepEqual(validateRdsSshConfig(GOOD), []);
  assert.deepEqual(validateRdsSshConfig({ ...GOOD, privateKeyFile: null, passwordFile: '/run/secrets/pw' }), []);
  assert.deepEqual(validateRdsSshConfig({ ...GOOD, hostKeyFingerprints: [], knownHostsFile: '/etc/rds-agent/known_hosts' }), []);
  assert.deepEqual(validateRdsSshConfig({ ...GOOD, hostKeyFingerprints: [], insecureSkipHostKeyCheck: true }), []);
  assert.deepEqual(validateRdsSshConfig({ ...GOOD, telemetryDisks: ['nvme1', 'storage-pool'], telemetryMaxDisks: 2 }), []);
});

const INVALID: [string, Partial<RdsSshConfig>, string, RegExp?][] = [
  ['no credentials file', { privateKeyFile: null, passwordFile: null }, 'privateKeyFile', /passwordFile/],
  ['no pinning and not insecure', { hostKeyFingerprints: [], knownHostsFile: null }, 'hostKeyFingerprints', /insecureSkipHostKeyCheck/],
  ['fingerprint without prefix', { hostKeyFingerprints: ['A'.repeat(43)] }, 'hostKeyFingerprints[0]', /SHA256:/],
  ['fingerprint too short', { hostKeyFingerprints: [FP, 'SHA256:abc'] }, 'hostKeyFingerprints[1]', /SHA256:abc/],
  ['MD5 fingerprint', { hostKeyFingerprints: ['MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48'] }, 'hostKeyFingerprints[0]'],
  ['empty host', { host: '' }, 'host', /required/],
  ['host with a space', { host: 'rds 1' }, 'host', /"rds 1"/],
  ['port out of range', { port: 70000 }, 'port', /70000/],
  ['empty username', { username: '' }, 'username'],
  ['username with space', { username: 'ad min' }, 'username'],
  ['passphrase without key', { privateKeyFile: null, passwordFile: '/pw', passphraseFile: '/pp' }, 'passphraseFile'],
  ['zero connect timeout', { connectTimeout: 0 }, 'connectTimeout'],
  ['negative keepalive', { keepaliveInterval: -1 }, 'keepaliveInterval'],
  ['fractional command probe interval', { commandProbeInterval: 1.5 }, 'commandProbeInterval'],
  ['zero channels', { maxChannels: 0 }, 'maxChannels', /at least 1/],
  ['zero output cap', { maxOutputBytes: 0 }, 'maxOutputBytes'],
  ['empty probe command', { probeCommand: ' ' }, 'probeCommand'],
  ['multi-line probe command', { probeCommand: ':put 1\n/system reboot' }, 'probeCommand', /single line/],
  ['insecure flag not boolean', { insecureSkipHostKeyCheck: 'yes' as unknown as boolean }, 'insecureSkipHostKeyCheck'],
  ['empty key path', { privateKeyFile: '' }, 'privateKeyFile'],
  ['telemetry slot with a space', { telemetryDisks: ['nvme1', 'raid 10'] }, 'telemetryDisks[1]', /"raid 10"/],
  ['telemetry slot with injection', { telemetryDisks: ['x;/system reboot'] }, 'telemetryDisks[0]'],
  ['telemetry slot listed twice', { telemetryDisks: ['nvme1', 'nvme1'] }, 'telemetryDisks[1]', /twice/],
  ['zero telemetry disk cap', { telemetryMaxDisks: 0 }, 'telemetryMaxDisks', /at least 1/],
  ['more telemetry slots than the cap', { telemetryDisks: ['nvme1', 'nvme2', 'nvme3'], telemetryMaxDisks: 2 }, 'telemetryDisks', /telemetryMaxDisks is 2/],
];

for (const [name, patch, key, message] of INVALID) {
  test(`invalid config: ${name} -> names ${key}`, () => {
    const issues = validateRdsSshConfig({ ...GOOD, ...patch });
    const hit = issues.find((i) => i.key === key);
    assert.ok(hit, `expected an issue for ${key}, got ${JSON.stringify(issues)}`);
    if (message) assert.match(hit.message, message);
  });
}

/** Every leaf of a (nested) schema, with its dotted key. */
function leaves(schema: object, prefix = ''): [string, { doc?: string; default?: unknown; format?: unknown }][] {
  return Object.entries(schema as Record<string, Record<string, unknown>>).flatMap(([key, node]) =>
    'default' in node || 'doc' in node ? [[`${prefix}${key}`, node] as [string, { doc?: string; default?: unknown }]] : leaves(node, `${prefix}${key}.`),
  );
}

test('schema: every key has doc and default; secrets are marked sensitive; keys match the TS interface', () => {
  for (const [key, spec] of leaves(rdsSshConfigSchema)) {
    assert.ok(spec.doc && spec.doc.length > 10, `${key} has a doc`);
    assert.ok('default' in spec, `${key} has a default`);
  }
  const schema = rdsSshConfigSchema as Record<string, { sensitive?: boolean; default?: unknown }>;
  assert.equal(schema['passwordFile']!.sensitive, true);
  assert.equal(schema['passphraseFile']!.sensitive, true);
  assert.equal(schema['insecureSkipHostKeyCheck']!.default, false);
  assert.equal(schema['port']!.default, 22);
  assert.equal(schema['maxChannels']!.default, 2);
  assert.equal(schema['keepaliveInterval']!.default, 0);
  assert.equal(schema['maxOutputBytes']!.default, 2 * 1024 * 1024);
  assert.deepEqual(Object.keys(schema).sort(), [...Object.keys(RDS_SSH_DEFAULTS), 'host', 'username'].sort());
  for (const [key, value] of Object.entries(RDS_SSH_DEFAULTS)) {
    if (key === 'inputs') continue;
    assert.deepEqual(schema[key]!.default, value, key);
  }
  // inputs.<name>.<setting>: every input, every setting, defaults as INPUT_DEFAULTS says.
  const inputLeaves = leaves(rdsSshConfigSchema).filter(([k]) => k.startsWith('inputs.'));
  assert.equal(inputLeaves.length, INPUT_NAMES.length * 4);
  for (const [key, spec] of inputLeaves) {
    const [, name, setting] = key.split('.') as [string, InputName, keyof InputSettings];
    assert.deepEqual(spec.default, INPUT_DEFAULTS[name][setting], key);
  }
});

test('inputs: the suggested defaults (raid 30 s, health 2 min, drives 5 min with 30 s timeout)', () => {
  const d = RDS_SSH_DEFAULTS.inputs;
  assert.deepEqual(
    INPUT_NAMES.map((n) => [n, d[n].enabled, d[n].interval / 1000, d[n].timeout / 1000]),
    [
      ['system', true, 60, 10],
      ['health', true, 120, 10],
      ['raid', true, 30, 10],
      ['drives', true, 300, 30],
      ['filesystems', true, 60, 10],
      ['exports', true, 300, 10],
      ['interfaces', true, 60, 10],
      ['traffic', true, 60, 10],
    ],
  );
});

const withInput = (name: InputName, patch: Record<string, unknown>): RdsSshConfig =>
  ({ ...GOOD, inputs: { ...RDS_SSH_DEFAULTS.inputs, [name]: { ...RDS_SSH_DEFAULTS.inputs[name], ...patch } } }) as RdsSshConfig;

test('inputs: invalid settings name the key inputs.<name>.<setting> and show the value', () => {
  const cases: [RdsSshConfig, string, RegExp][] = [
    [withInput('raid', { interval: 500 }), 'inputs.raid.interval', /at least 1s: value was 500/],
    [withInput('health', { timeout: 0 }), 'inputs.health.timeout', /at least 1ms: value was 0/],
    [withInput('drives', { enabled: 'yes' }), 'inputs.drives.enabled', /true or false: value was "yes"/],
    [withInput('interfaces', { maxSeries: 0 }), 'inputs.interfaces.maxSeries', /at least 1: value was 0/],
    [{ ...GOOD, inputs: { ...RDS_SSH_DEFAULTS.inputs, raidz: {} } } as unknown as RdsSshConfig, 'inputs.raidz', /unknown input; expected one of: system, health/],
    [{ ...GOOD, inputs: 'all' } as unknown as RdsSshConfig, 'inputs', /must be a mapping/],
  ];
  for (const [config, key, message] of cases) {
    const hit = validateRdsSshConfig(config).find((i) => i.key === key);
    assert.ok(hit, `expected an issue for ${key}, got ${JSON.stringify(validateRdsSshConfig(config))}`);
    assert.match(hit.message, message);
    assert.notEqual(hit.severity, 'warning');
  }
  // A timeout longer than the interval is allowed, with a warning.
  const warned = validateRdsSshConfig(withInput('raid', { timeout: 60_000 }));
  assert.deepEqual(
    warned.map((i) => [i.key, i.severity]),
    [['inputs.raid.timeout', 'warning']],
  );
});

test('the plugin registers the rds-ssh transport with schema, validate and create', () => {
  assert.equal(plugin.name, '@rds-agent/rds-ssh-plugin');
  assert.equal(plugin.apiVersion, '^0.2.0');
  const added: [string, unknown][] = [];
  const host = { addTransport: (type: string, def: unknown) => added.push([type, def]) } as unknown as Parameters<typeof plugin.register>[0];
  void plugin.register(host, {});
  assert.equal(added.length, 1);
  assert.equal(added[0]![0], 'rds-ssh');
  assert.equal(added[0]![1], rdsSshTransportDefinition);
  assert.equal(rdsSshTransportDefinition.validate!(GOOD).length, 0);
});
